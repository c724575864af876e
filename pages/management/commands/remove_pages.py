import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from curation.models import ProcessingStatus
from pages.models import Domain, Page


class Command(BaseCommand):
    help = (
        "Delete every page of a domain (its contacts stay, no longer linked to a page). Asks for "
        "confirmation on a terminal unless --yes; --dry-run only shows what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--domain", required=True, help="Host name, e.g. www.example.com.")
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, domain: str, dry_run: bool, yes: bool, **options):
        name = domain.strip().lower().rstrip(".")
        try:
            site = Domain.objects.get(name=name)
        except Domain.DoesNotExist:
            raise CommandError(f"No domain {name!r}.") from None
        pages = Page.objects.filter(domain=site)
        by_status = dict(
            pages.order_by()
            .values_list("processing_status")
            .annotate(n=Count("*"))
            .values_list("processing_status", "n")
        )
        total = sum(by_status.values())
        detail = ", ".join(
            f"{n} {status or 'never queued'}" for status, n in sorted(by_status.items(), key=str)
        )
        self.stdout.write(f"{name}: {total} pages" + (f" ({detail})" if detail else ""))
        if by_status.get(ProcessingStatus.PROCESSING):
            self.stdout.write(
                "Note: pages being processed now are deleted too; their worker's result is dropped."
            )
        if dry_run:
            self.stdout.write(f"Dry run: would delete {total} pages of {name}; nothing changed.")
            return
        if not total:
            self.stdout.write("Nothing to delete.")
            return
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Not a terminal: add --yes to delete without a question.")
            answer = input(f"Delete {total} pages of {name}? Type 'yes' to confirm: ")
            if answer.strip().lower() != "yes":
                self.stdout.write("Cancelled; nothing changed.")
                return
        with transaction.atomic():
            deleted = pages.delete()[1].get(Page._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} pages of {name}.")
