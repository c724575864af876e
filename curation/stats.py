"""Pipeline figures, read by `GET /api/v3/stats`, `manage.py pipeline_status` and `/healthz`.

`queue_stats` works on any curated model. `pipeline_stats` describes the page pipeline; it
names the page, contact and ScraperAPI-usage models by label because `curation` imports no
app model.
"""

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Count, Min
from django.utils import timezone

from curation.models import CurationStatus, ProcessingStatus, WorkerHeartbeat

PAGE_MODEL = "pages.Page"
CONTACT_MODEL = "contacts.Contact"
USAGE_MODEL = "pages.ScraperApiUsage"


def stuck(queryset: models.QuerySet, older_than_seconds: int | None = None) -> models.QuerySet:
    """Processing rows whose lease is older than the lease time: their worker is likely dead."""
    seconds = (
        settings.PAGE_PROCESSING_LEASE_SECONDS if older_than_seconds is None else older_than_seconds
    )
    cutoff = timezone.now() - timedelta(seconds=seconds)
    return queryset.filter(
        processing_status=ProcessingStatus.PROCESSING, processing_started_at__lt=cutoff
    )


def orphaned(queryset: models.QuerySet) -> models.QuerySet:
    """Selected rows that were never queued (an edit that bypassed the dual-status update)."""
    return queryset.filter(curation_status=CurationStatus.SELECTED, processing_status__isnull=True)


def queue_stats(model: type[models.Model]) -> dict[str, Any]:
    now = timezone.now()
    rows = model._default_manager.order_by()
    pairs = [
        {"curation_status": c, "processing_status": p, "count": n}
        for c, p, n in rows.values_list("curation_status", "processing_status")
        .annotate(n=Count("*"))
        .order_by("curation_status", "processing_status")
    ]
    queued = rows.filter(processing_status=ProcessingStatus.QUEUED).aggregate(
        depth=Count("*"), oldest=Min("queued_at")
    )
    finished = rows.filter(
        processing_status__in=[ProcessingStatus.COMPLETE, ProcessingStatus.ERROR]
    )
    return {
        "status_pairs": pairs,
        "queue_depth": queued["depth"],
        "oldest_queued_age_seconds": (
            round((now - queued["oldest"]).total_seconds(), 1) if queued["oldest"] else None
        ),
        "processing": rows.filter(processing_status=ProcessingStatus.PROCESSING).count(),
        "stuck": stuck(rows).count(),
        "orphaned": orphaned(rows).count(),
        "finished_last_5_minutes": finished.filter(
            processing_finished_at__gte=now - timedelta(minutes=5)
        ).count(),
        "finished_last_60_minutes": finished.filter(
            processing_finished_at__gte=now - timedelta(minutes=60)
        ).count(),
    }


def heartbeats() -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {
            "workflow": beat.workflow,
            "last_tick_at": beat.last_tick_at,
            "age_seconds": round((now - beat.last_tick_at).total_seconds(), 1),
            "last_tick_seconds": beat.last_tick_seconds,
            "last_tick_processed": beat.last_tick_processed,
            "hostname": beat.hostname,
        }
        for beat in WorkerHeartbeat.objects.order_by("-last_tick_at")
    ]


def heartbeat_age_seconds() -> float | None:
    """Seconds since any workflow's runner last ticked; None if none ever did."""
    last = WorkerHeartbeat.objects.aggregate(last=models.Max("last_tick_at"))["last"]
    return round((timezone.now() - last).total_seconds(), 1) if last else None


def pipeline_stats() -> dict[str, Any]:
    now = timezone.now()
    contacts = apps.get_model(CONTACT_MODEL)._default_manager.order_by()
    usage = apps.get_model(USAGE_MODEL)._default_manager.filter(day=timezone.localdate()).first()
    beats = heartbeats()
    return {
        "generated_at": now,
        **queue_stats(apps.get_model(PAGE_MODEL)),
        "contacts_total": contacts.count(),
        "contacts_last_hour": contacts.filter(first_seen__gte=now - timedelta(hours=1)).count(),
        "contacts_last_day": contacts.filter(first_seen__gte=now - timedelta(days=1)).count(),
        "last_heartbeat_at": beats[0]["last_tick_at"] if beats else None,
        "heartbeat_age_seconds": beats[0]["age_seconds"] if beats else None,
        "heartbeats": beats,
        "scraper_api_requests_today": usage.requests if usage else 0,
        "scraper_api_credits_today": usage.credits if usage else 0,
    }
