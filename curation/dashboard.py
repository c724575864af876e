"""The pipeline dashboard in the admin (`admin/dashboard/`): the page pipeline at a glance.

Every figure is one aggregate query that an index answers, so the page stays fast at a
million pages (`bench/dashboard.py` measures it). Like `curation.stats`, it names the page and
contact models by label: `curation` imports no app model.
"""

import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncDate, TruncMinute
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from curation.management.commands.pipeline_status import age
from curation.models import CurationStatus, ProcessingStatus
from curation.stats import CONTACT_MODEL, PAGE_MODEL, heartbeats, stuck

NEVER_QUEUED = "never queued"
TOP_ERRORS = 10
THROUGHPUT_MINUTES = 60
CONTACT_DAYS = 30
# Error messages name the page (`HTTP 404 from https://…`, `could not resolve host name x.org`):
# a reason is the message with every word that holds a URL or a host name taken out. The same
# pattern runs in PostgreSQL (ARE) and in Python.
ADDRESS_PATTERN = r"\S*(?:\.\w|://)\S*"
PLACEHOLDER = "…"


def status_table(pages: QuerySet, changelist: str) -> dict[str, Any]:
    """Pages per (curation, processing) status pair, with changelist links and row/column totals."""
    counts = {
        (c, p): n
        for c, p, n in pages.order_by()
        .values_list("curation_status", "processing_status")
        .annotate(n=Count("*"))
    }
    columns = [None, *ProcessingStatus.values]

    def link(**filters: str | None) -> str:
        query = {}
        for field, value in filters.items():
            if value is None:
                query[f"{field}__isnull"] = "True"
            else:
                query[f"{field}__exact"] = value
        return f"{changelist}?{urlencode(query)}"

    rows = []
    for curation in CurationStatus.values:
        cells = [
            {
                "count": counts.get((curation, p), 0),
                "url": link(curation_status=curation, processing_status=p),
            }
            for p in columns
        ]
        total = sum(c["count"] for c in cells)
        rows.append(
            {
                "status": curation,
                "cells": cells,
                "total": total,
                "url": link(curation_status=curation),
            }
        )
    totals = [
        {
            "count": sum(n for (c, q), n in counts.items() if q == p),
            "url": link(processing_status=p),
        }
        for p in columns
    ]
    return {
        "columns": [p or NEVER_QUEUED for p in columns],
        "rows": rows,
        "totals": totals,
        "total": sum(counts.values()),
        "counts": counts,
    }


def queue_figures(pages: QuerySet, counts: dict) -> dict[str, Any]:
    """Queue depth and the age of the oldest queued page (the partial queue index), plus stuck
    and orphaned pages."""
    now = timezone.now()
    oldest = (
        pages.filter(processing_status=ProcessingStatus.QUEUED)
        .order_by()
        .aggregate(oldest=Min("queued_at"))["oldest"]
    )
    oldest_age = (now - oldest).total_seconds() if oldest else None
    return {
        "depth": sum(n for (_, p), n in counts.items() if p == ProcessingStatus.QUEUED),
        "oldest_age_seconds": oldest_age,
        "oldest_age": age(oldest_age),
        "processing": sum(n for (_, p), n in counts.items() if p == ProcessingStatus.PROCESSING),
        "stuck": stuck(pages).count(),
        "orphaned": counts.get((CurationStatus.SELECTED, None), 0),
    }


def per_minute(pages: QuerySet, now: datetime) -> list[dict[str, Any]]:
    """Pages that finished (Complete or Error) in each of the last 60 minutes, oldest first."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=THROUGHPUT_MINUTES)
    found = dict(
        pages.filter(processing_finished_at__gte=start)
        .order_by()
        .annotate(minute=TruncMinute("processing_finished_at"))
        .values_list("minute")
        .annotate(n=Count("*"))
        .values_list("minute", "n")
    )
    found = {timezone.localtime(k).replace(second=0, microsecond=0): v for k, v in found.items()}
    minutes = [timezone.localtime(start + timedelta(minutes=i)) for i in range(THROUGHPUT_MINUTES)]
    return [{"label": f"{m:%H:%M}", "count": found.get(m, 0)} for m in minutes]


def per_day(contacts: QuerySet, now: datetime) -> list[dict[str, Any]]:
    """Contacts created on each of the last 30 days (local time zone), oldest first."""
    today = timezone.localtime(now).date()
    first = today - timedelta(days=CONTACT_DAYS - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    found = dict(
        contacts.filter(first_seen__gte=start)
        .order_by()
        .annotate(day=TruncDate("first_seen", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("*"))
        .values_list("day", "n")
    )
    days = [first + timedelta(days=i) for i in range(CONTACT_DAYS)]
    return [{"label": f"{d:%b %d}", "count": found.get(d, 0)} for d in days]


def error_reasons(pages: QuerySet, changelist: str) -> list[dict[str, Any]]:
    """The most frequent error reasons among Error pages, each linking to its pages.

    Messages are grouped first (an index-only scan when the partial index on Error messages
    exists), then each distinct message is reduced to its reason and the counts are summed.
    """
    messages = (
        pages.filter(processing_status=ProcessingStatus.ERROR)
        .order_by()
        .values_list("processing_error")
        .annotate(n=Count("*"))
    )
    if connection.vendor == "postgresql":
        sql, params = messages.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT regexp_replace(m.processing_error, %s, %s, 'g') AS reason, sum(m.n) AS n "
                f"FROM ({sql}) AS m GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT %s",
                [ADDRESS_PATTERN, PLACEHOLDER, *params, TOP_ERRORS],
            )
            top = cursor.fetchall()
    else:
        reasons: Counter[str] = Counter()
        for message, n in messages:
            reasons[re.sub(ADDRESS_PATTERN, PLACEHOLDER, message)] += n
        top = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:TOP_ERRORS]
    return [
        {"reason": reason or "(no message)", "count": n, "url": error_link(changelist, reason)}
        for reason, n in top
    ]


def error_link(changelist: str, reason: str) -> str:
    """The changelist of Error pages whose message contains the reason's longest literal part
    (a quoted phrase, which the admin search takes as one term)."""
    query = {"processing_status__exact": ProcessingStatus.ERROR}
    phrase = max((part.strip() for part in reason.split(PLACEHOLDER)), key=len, default="")
    phrase = phrase.replace('"', " ").strip()
    if phrase:
        query["q"] = f'"{phrase}"'
    return f"{changelist}?{urlencode(query)}"


def bar_chart(points: list[dict[str, Any]], *, width: int = 720, height: int = 160) -> dict:
    """Geometry of a server-rendered SVG bar chart: one bar per point, a few axis labels."""
    top = max((p["count"] for p in points), default=0)
    scale = (height - 20) / top if top else 0
    step = width / max(len(points), 1)
    every = max(1, len(points) // 6)
    bars = []
    for i, point in enumerate(points):
        h = point["count"] * scale
        bars.append(
            {
                **point,
                "x": round(i * step + 1, 1),
                "y": round(height - h, 1),
                "width": round(max(step - 2, 1), 1),
                "height": round(h, 1),
                "tick": i % every == every // 2,
                "tick_x": round(i * step + step / 2, 1),
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "max": top,
        "total": sum(p["count"] for p in points),
    }


def changelist_url(model) -> str:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return ""


def dashboard_context() -> dict[str, Any]:
    now = timezone.now()
    page_model = apps.get_model(PAGE_MODEL)
    contact_model = apps.get_model(CONTACT_MODEL)
    pages = page_model._default_manager.all()
    changelist = changelist_url(page_model)
    table = status_table(pages, changelist)
    minutes = per_minute(pages, now)
    days = per_day(contact_model._default_manager.all(), now)
    return {
        "now": now,
        "table": table,
        "queue": queue_figures(pages, table["counts"]),
        "throughput": bar_chart(minutes),
        "contacts": bar_chart(days),
        "contacts_changelist": changelist_url(contact_model),
        "errors": error_reasons(pages, changelist),
        "errors_url": f"{changelist}?processing_status__exact={ProcessingStatus.ERROR}",
        "heartbeats": [{**beat, "age": age(beat["age_seconds"])} for beat in heartbeats()],
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Pipeline dashboard",
        **dashboard_context(),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
