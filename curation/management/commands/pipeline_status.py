import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from curation.stats import pipeline_stats


def age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Command(BaseCommand):
    help = (
        "The page pipeline at a glance: pages per status pair, queue depth and age, stuck and "
        "orphaned pages, throughput, contacts found lately, the worker heartbeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print one JSON object."
        )

    def handle(self, *args, as_json: bool, **options):
        stats = pipeline_stats()
        if as_json:
            self.stdout.write(json.dumps(stats, cls=DjangoJSONEncoder, indent=2))
            return
        write = self.stdout.write
        write(f"Pipeline at {timezone.localtime(stats['generated_at']):%Y-%m-%d %H:%M:%S}")
        write("Pages by status (curation / processing):")
        if not stats["status_pairs"]:
            write("  (no pages)")
        for pair in stats["status_pairs"]:
            processing = pair["processing_status"] or "never queued"
            write(f"  {pair['curation_status']:<9} / {processing:<13} {pair['count']:>9}")
        oldest = age(stats["oldest_queued_age_seconds"])
        write(
            f"Queue: {stats['queue_depth']} queued, oldest {oldest}; "
            f"{stats['processing']} processing"
        )
        stuck = f"Stuck (Processing past the lease): {stats['stuck']}"
        orphaned = f"Orphaned (Selected, never queued): {stats['orphaned']}"
        write(self.style.WARNING(stuck) if stats["stuck"] else stuck)
        write(self.style.WARNING(orphaned) if stats["orphaned"] else orphaned)
        if stats["stuck"] or stats["orphaned"]:
            write("  fix with: manage.py requeue_pages --stuck --orphaned")
        write(
            f"Throughput: {stats['finished_last_5_minutes']} pages finished in the last 5 min, "
            f"{stats['finished_last_60_minutes']} in the last 60 min"
        )
        write(
            f"Contacts: {stats['contacts_last_hour']} new in the last hour, "
            f"{stats['contacts_last_day']} in the last day, {stats['contacts_total']} in all"
        )
        if not stats["heartbeats"]:
            write(self.style.WARNING("Worker: no heartbeat yet (is `manage.py qcluster` running?)"))
        for beat in stats["heartbeats"]:
            write(
                f"Worker {beat['workflow']}: last tick {age(beat['age_seconds'])} ago on "
                f"{beat['hostname'] or '?'} ({beat['last_tick_processed']} processed in "
                f"{beat['last_tick_seconds']:.1f} s)"
            )
        write(
            f"ScraperAPI today: {stats['scraper_api_requests_today']} requests, "
            f"~{stats['scraper_api_credits_today']} credits"
        )
