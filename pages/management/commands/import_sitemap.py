import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from curation.models import CurationStatus
from curation.queue import set_curation_status
from curation.runner import tick
from pages.links import InvalidURL, host_of, normalize_url
from pages.models import Domain
from pages.sitemap_import import sitemap_import


class Command(BaseCommand):
    help = (
        "Import pages from the sitemaps of domains: creates the domains if needed and selects "
        "them for the sitemap-import workflow (the worker does the rest, or --now does it here)."
    )

    def add_arguments(self, parser):
        parser.add_argument("domains", nargs="+", metavar="DOMAIN", help="Host names or URLs.")
        parser.add_argument(
            "--limit",
            type=int,
            help="Most pages per domain (default: the domain's own, or "
            "the SITEMAP_MAX_PAGES_PER_DOMAIN setting).",
        )
        parser.add_argument(
            "--match", help="Regular expression a page URL must contain ('' clears the filter)."
        )
        parser.add_argument(
            "--select",
            action="store_true",
            help="Also select the imported contact, team and about pages for extraction.",
        )
        parser.add_argument(
            "--now", action="store_true", help="Run the import in the foreground and report."
        )

    def handle(self, *args, domains, limit, match, select, now, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if match:
            try:
                re.compile(match)
            except re.error as exc:
                raise CommandError(f"--match is not a valid regular expression: {exc}.") from None
        hosts = []
        for raw in domains:
            try:
                host = host_of(normalize_url(raw))
            except InvalidURL as exc:
                raise CommandError(f"{raw}: {exc}.") from None
            if host not in hosts:
                hosts.append(host)
        found = Domain.for_hosts(set(hosts))
        chosen = Domain.objects.filter(pk__in=[found[h].pk for h in hosts])
        options_given = {"updated_at": timezone.now()}
        if limit is not None:
            options_given["sitemap_limit"] = limit
        if match is not None:
            options_given["sitemap_url_pattern"] = match
        if select:
            options_given["auto_select_contact_pages"] = True
        chosen.update(**options_given)
        change = set_curation_status(chosen, CurationStatus.SELECTED, kick=not now)
        self.stdout.write(f"Import pages from sitemap: {change.describe('domain')}")
        if not now:
            return
        self.stdout.write(str(tick(sitemap_import)))
        for domain in Domain.objects.filter(pk__in=[found[h].pk for h in hosts]).order_by("name"):
            if domain.processing_status == "Complete":
                self.stdout.write(f"{domain.name}: {domain.pages_imported} pages imported")
            elif domain.processing_status == "Error":
                self.stdout.write(f"{domain.name}: error: {domain.processing_error}")
            else:
                self.stdout.write(f"{domain.name}: {domain.processing_status or 'not queued'}")
