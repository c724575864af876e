from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import timezone

from curation.models import CurationStatus, ProcessingStatus
from curation.progress import Progress
from curation.queue import StatusChange, kick_worker, set_curation_status
from curation.stats import orphaned, stuck

SHOWN = 20
# Rows selected per transaction: short locks, and a progress bar that moves.
CHUNK = 1000


class Command(BaseCommand):
    help = (
        "Put pages back on the queue: --stuck (Processing past the lease: their worker died), "
        "--orphaned (Selected but never queued), --errors (Selected pages that ended in Error). "
        "--dry-run shows what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stuck", action="store_true", help="Requeue stuck Processing rows.")
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="MIN",
            help="With --stuck: minutes since the claim (default: the lease, "
            "PAGE_PROCESSING_LEASE_SECONDS).",
        )
        parser.add_argument("--orphaned", action="store_true", help="Queue orphaned rows.")
        parser.add_argument("--errors", action="store_true", help="Queue Selected Error rows.")
        parser.add_argument("--domain", help="Only pages of this domain (host name).")
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; show counts.")
        parser.add_argument(
            "--model", default="pages.Page", help="The curated model (default pages.Page)."
        )

    def handle(self, *args, **opts):
        if not (opts["stuck"] or opts["orphaned"] or opts["errors"]):
            raise CommandError("Say what to requeue: --stuck, --orphaned and/or --errors.")
        if opts["older_than"] is not None and (not opts["stuck"] or opts["older_than"] < 0):
            raise CommandError("--older-than MIN goes with --stuck and is a positive number.")
        try:
            model = apps.get_model(opts["model"])
        except (LookupError, ValueError) as exc:
            raise CommandError(f"Unknown model {opts['model']!r}: {exc}") from None
        rows = model._default_manager.all()
        if opts["domain"]:
            if not any(f.name == "domain" for f in model._meta.get_fields()):
                raise CommandError(f"{model._meta.label} has no domain; drop --domain.")
            rows = rows.filter(domain__name=opts["domain"].strip().lower())
        self.dry_run = opts["dry_run"]
        self.noun = model._meta.verbose_name
        if opts["stuck"]:
            minutes = opts["older_than"]
            if minutes is None:
                minutes = settings.PAGE_PROCESSING_LEASE_SECONDS / 60
            self.requeue_stuck(model, rows, minutes)
        if opts["orphaned"]:
            self.select(model, "Orphaned (Selected, never queued)", orphaned(rows))
        if opts["errors"]:
            errors = rows.filter(
                curation_status=CurationStatus.SELECTED, processing_status=ProcessingStatus.ERROR
            )
            self.select(model, "Errors (Selected, ended in Error)", errors)
        if self.dry_run:
            self.stdout.write("Dry run: nothing changed.")

    def plural(self, count: int) -> str:
        return f"{count} {self.noun}{'' if count == 1 else 's'}"

    def show(self, rows: models.QuerySet) -> None:
        for row in rows[:SHOWN]:
            self.stdout.write(f"  {row.pk}  {row}")
        more = rows.count() - SHOWN
        if more > 0:
            self.stdout.write(f"  … and {more} more")

    def requeue_stuck(self, model, rows: models.QuerySet, minutes: float) -> None:
        label = f"Stuck (Processing for over {minutes:g} min)"
        candidates = stuck(rows, older_than_seconds=int(minutes * 60))
        if self.dry_run:
            self.stdout.write(f"{label}: would requeue {self.plural(candidates.count())}")
            self.show(candidates)
            return
        # One UPDATE whose WHERE names Processing and the old lease: a worker that finishes
        # meanwhile wins, and its row is not requeued.
        count = candidates.update(
            processing_status=ProcessingStatus.QUEUED,
            processing_started_at=None,
            queued_at=timezone.now(),
        )
        self.stdout.write(f"{label}: {self.plural(count)} back on the queue.")
        if count:
            kick_worker(model)

    def select(self, model, label: str, rows: models.QuerySet) -> None:
        if self.dry_run:
            self.stdout.write(f"{label}: would queue {self.plural(rows.count())}")
            self.show(rows)
            return
        # The dual-status update chunk by chunk; `rows` keeps its condition, so a row that
        # changed since it was listed is judged by what it is now.
        pks = list(rows.order_by("pk").values_list("pk", flat=True))
        progress = Progress(self.stdout, total=len(pks), label=label, unit=f"{self.noun}s")
        total = StatusChange()
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            change = set_curation_status(
                rows.filter(pk__in=chunk), CurationStatus.SELECTED, kick=False
            )
            total.updated += change.updated
            total.queued += change.queued
            total.skipped += change.skipped
            progress.advance(len(chunk), f"{total.queued} queued")
        progress.done()
        if total.queued:
            kick_worker(model, total.queued)
        self.stdout.write(f"{label}: {total.describe(self.noun)}")
