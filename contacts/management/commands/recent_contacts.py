import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from contacts.models import Contact


class Command(BaseCommand):
    help = "Contacts first found in the last N minutes (default 60), newest first."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=60, help="How far back (default 60).")
        parser.add_argument("--json", dest="as_json", action="store_true", help="JSON lines.")

    def handle(self, *args, minutes: int, as_json: bool, **options):
        if minutes <= 0:
            raise CommandError("--minutes must be a positive number.")
        since = timezone.now() - timedelta(minutes=minutes)
        contacts = (
            Contact.objects.filter(first_seen__gte=since)
            .select_related("domain", "page")
            .order_by("-first_seen", "-id")
        )
        count = 0
        for c in contacts.iterator(chunk_size=1000):
            count += 1
            if as_json:
                row = {
                    "id": c.id,
                    "email": c.email,
                    "name": c.name,
                    "phone": c.phone,
                    "email_type": c.email_type,
                    "source": c.source,
                    "domain": c.domain.name,
                    "page_url": c.page.url if c.page_id else None,
                    "first_seen": c.first_seen,
                }
                self.stdout.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False))
                continue
            seen = timezone.localtime(c.first_seen).strftime("%Y-%m-%d %H:%M:%S")
            who = c.email or c.phone
            extra = " ".join(filter(None, [c.name and f"({c.name})", c.email and c.phone]))
            self.stdout.write(
                f"{seen}  {who}{' ' + extra if extra else ''}  [{c.email_type or '-'}]  "
                f"{c.domain.name}  {c.page.url if c.page_id else ''}".rstrip()
            )
        if not as_json:
            self.stdout.write(f"{count} contacts in the last {minutes} minutes.")
