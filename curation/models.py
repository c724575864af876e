"""The two statuses every curated model carries, defined once."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CurationStatus(models.TextChoices):
    """What people decided about a row."""

    NEW = "New"
    SELECTED = "Selected"
    REJECTED = "Rejected"
    ARCHIVED = "Archived"


class ProcessingStatus(models.TextChoices):
    """Where the system is with a row; NULL means it was never queued."""

    QUEUED = "Queued"
    PROCESSING = "Processing"
    COMPLETE = "Complete"
    ERROR = "Error"


class CurationModel(models.Model):
    """Abstract base: curation status (people) and processing status (system) with bookkeeping.

    Any model that inherits it can be selected with `curation.queue.set_curation_status` and
    drained by `curation.runner`. Processing fields are written only by `curation.queue`.
    """

    curation_status = models.CharField(
        max_length=16, choices=CurationStatus.choices, default=CurationStatus.NEW, db_index=True
    )
    processing_status = models.CharField(
        max_length=16, choices=ProcessingStatus.choices, null=True, blank=True, db_index=True
    )
    processing_error = models.TextField(blank=True, default="")
    processing_attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    # The lease: when the current claim started. A finish only succeeds under the same lease.
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processing_finished_at = models.DateTimeField(null=True, blank=True)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who last set the curation status.",
    )
    curated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [
            # The queue query: Queued rows, oldest first. Partial, so it stays small and an
            # index scan however many finished rows the table holds.
            models.Index(
                fields=["queued_at"],
                condition=Q(processing_status="Queued"),
                name="%(app_label)s_%(class)s_queue",
            ),
            # Expired leases are looked up among Processing rows only.
            models.Index(
                fields=["processing_started_at"],
                condition=Q(processing_status="Processing"),
                name="%(app_label)s_%(class)s_lease",
            ),
        ]


class WorkerHeartbeat(models.Model):
    """The last tick of each workflow's runner, for pipeline_status and /healthz."""

    workflow = models.CharField(max_length=64, unique=True)
    last_tick_at = models.DateTimeField()
    last_tick_seconds = models.FloatField(default=0)
    last_tick_processed = models.PositiveIntegerField(default=0)
    hostname = models.CharField(max_length=255, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.workflow} @ {self.last_tick_at:%Y-%m-%d %H:%M:%S}"
