from django.core.management.base import BaseCommand
from django.db import transaction

from contacts.models import Contact
from curation.progress import Progress

SHOWN = 50


def email_problem(email: str) -> str | None:
    """Why a stored email is not a contact, by the extractor's own rules when they exist."""
    try:
        from contacts.extract import emails
    except ImportError:
        emails = None
    if emails is not None and hasattr(emails, "clean"):
        if emails.clean(email) == email.lower():
            return None
        local, _, domain = email.lower().rpartition("@")
        reason = None
        if hasattr(emails, "_reason_rejected") and local and domain:
            reason = emails._reason_rejected(local, domain)
        return f"rejected by the extractor ({reason or 'not a valid address'})"
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def phone_problem(phone: str) -> str | None:
    """Why a stored phone is not a valid E.164 number."""
    try:
        from contacts.extract import phones
    except ImportError:
        phones = None
    if phones is not None and hasattr(phones, "parse"):
        return None if phones.parse(phone) == phone else "not a valid E.164 phone number"
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException as exc:
        return str(exc)
    if not phonenumbers.is_valid_number(number):
        return "not a valid phone number"
    if phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != phone:
        return "not in E.164 form"
    return None


class Command(BaseCommand):
    help = (
        "Check stored contacts against the extractor's validators and report the invalid ones. "
        "With --fix: delete contacts whose email (or, without email, phone) is invalid, and "
        "clear invalid phones of contacts with a valid email. Without --fix nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Delete or clean invalid contacts.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Change nothing (the default without --fix)."
        )

    def handle(self, *args, fix: bool, dry_run: bool, **options):
        fix = fix and not dry_run
        to_delete: list = []
        to_clear_phone: list = []
        checked = 0
        self.progress = Progress(
            self.stdout, total=Contact.objects.count(), label="Checking", unit="contacts"
        )
        for c in Contact.objects.select_related("domain").order_by("pk").iterator(2000):
            checked += 1
            self.progress.advance(note=f"{len(to_delete) + len(to_clear_phone)} invalid")
            bad_email = email_problem(c.email) if c.email else None
            bad_phone = phone_problem(c.phone) if c.phone else None
            if bad_email or (bad_phone and not c.email):
                to_delete.append(c.pk)
                self.report(len(to_delete) + len(to_clear_phone), c, bad_email or bad_phone)
            elif bad_phone:
                to_clear_phone.append(c.pk)
                self.report(len(to_delete) + len(to_clear_phone), c, f"phone: {bad_phone}")
        self.progress.done()
        problems = len(to_delete) + len(to_clear_phone)
        if problems > SHOWN:
            self.stdout.write(f"  … and {problems - SHOWN} more")
        summary = (
            f"Checked {checked} contacts: {len(to_delete)} invalid, "
            f"{len(to_clear_phone)} with an invalid phone beside a valid email."
        )
        if not fix:
            self.stdout.write(summary + " Nothing changed (use --fix to delete or clean them).")
            return
        with transaction.atomic():
            deleted, _ = Contact.objects.filter(pk__in=to_delete).delete()
            cleared = (
                Contact.objects.filter(pk__in=to_clear_phone).exclude(email="").update(phone="")
            )
        self.stdout.write(f"{summary} Deleted {deleted}; cleared {cleared} phones.")

    def report(self, number: int, contact: Contact, problem: str) -> None:
        if number <= SHOWN:
            label = contact.email or contact.phone
            self.progress.write(f"  {contact.domain.name}  {label}: {problem}")
