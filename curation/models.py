"""The two statuses every curated model carries, defined once; API tokens."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


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

    # Indexed by the (curation, processing) pair index below, whose first column it is.
    curation_status = models.CharField(
        max_length=16, choices=CurationStatus.choices, default=CurationStatus.NEW
    )
    # NULL, not "", means "never queued" (SPEC section 1): the queue states are four values.
    processing_status = models.CharField(  # noqa: DJ001
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
            # index scan however many finished rows the table holds. With the id, the claim's
            # "ORDER BY queued_at, id LIMIT n" reads n rows in index order instead of sorting
            # every row a selection queued at one instant.
            models.Index(
                fields=["queued_at", "id"],
                condition=Q(processing_status="Queued"),
                name="%(app_label)s_%(class)s_queue",
            ),
            # Expired leases are looked up among Processing rows only.
            models.Index(
                fields=["processing_started_at"],
                condition=Q(processing_status="Processing"),
                name="%(app_label)s_%(class)s_lease",
            ),
            # Counts per status pair (dashboard, stats) as an index-only scan.
            models.Index(
                fields=["curation_status", "processing_status"],
                name="%(app_label)s_%(class)s_status_pair",
            ),
            # Throughput: rows finished in the last minutes and hour.
            models.Index(
                fields=["processing_finished_at"],
                condition=Q(processing_finished_at__isnull=False),
                name="%(app_label)s_%(class)s_finished",
            ),
            # Error reasons, grouped (messages are truncated to 500 characters, so they fit).
            models.Index(
                fields=["processing_error"],
                condition=Q(processing_status="Error"),
                name="%(app_label)s_%(class)s_error",
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


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored: the token is shown once."""

    PREFIX_LENGTH = 8
    # last_used_at is written at most this often per token, not on every request.
    TOUCH_INTERVAL = timedelta(seconds=60)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    prefix = models.CharField(
        max_length=PREFIX_LENGTH, db_index=True, help_text="The token's first characters."
    )
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}{', ' + self.name if self.name else ''})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str = "") -> tuple["ApiToken", str]:
        """A new token for the user: (the row, the token itself, which is never stored)."""
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[: cls.PREFIX_LENGTH], key_hash=cls.hash(raw)
        )
        return token, raw

    @classmethod
    def user_for(cls, raw: str) -> Any:
        """The active user the token belongs to, or None (unknown, revoked, inactive user)."""
        if not raw:
            return None
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=cls.hash(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        cls.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - cls.TOUCH_INTERVAL)
        ).update(last_used_at=now)
        return token.user

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
