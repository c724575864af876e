"""Status transitions of curated rows: the dual-status update, claim, finish, fail, reap.

Every transition is one UPDATE whose WHERE clause names the status it expects (compare and
swap); the number of rows it changed is the truth about what happened.
"""

import logging
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from curation import workflows
from curation.models import CurationStatus, ProcessingStatus

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 500
SELECTED = CurationStatus.SELECTED
QUEUED = ProcessingStatus.QUEUED
PROCESSING = ProcessingStatus.PROCESSING
REQUEUEABLE = Q(processing_status__isnull=True) | Q(
    processing_status__in=[ProcessingStatus.COMPLETE, ProcessingStatus.ERROR]
)


@dataclass
class StatusChange:
    """What a dual-status update did: rows changed, newly queued, and Processing rows left alone."""

    updated: int = 0
    queued: int = 0
    skipped: list[Any] = field(default_factory=list)

    def describe(self, noun: str = "page") -> str:
        def n(count: int) -> str:
            return f"{count} {noun}{'' if count == 1 else 's'}"

        text = f"{n(self.updated)} updated"
        if self.queued:
            text += f", {self.queued} queued for processing"
        if self.skipped:
            text += f"; {n(len(self.skipped))} skipped because they are being processed right now"
        return text + "."


def set_curation_status(
    queryset: models.QuerySet, status: str, *, user: Any = None, kick: bool = True
) -> StatusChange:
    """The dual-status update (SPEC section 2), in one transaction.

    Selected: queues every row that is not queued yet (never queued, Complete or Error), leaves
    Processing rows alone and reports them. New/Rejected/Archived: a Queued row leaves the queue;
    Processing, Complete and Error rows keep their processing history.
    """
    status = CurationStatus(status)
    model = queryset.model
    user = user if getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    who = {"curated_by": user, "curated_at": now}
    change = StatusChange()
    with transaction.atomic():
        # Lock the rows in primary-key order first: two concurrent selections of overlapping
        # rows then queue up behind each other instead of deadlocking.
        rows = list(
            queryset.order_by("pk")
            .select_for_update(of=("self",))
            .values_list("pk", "processing_status")
        )
        by_status: dict[str | None, list[Any]] = {}
        for pk, processing_status in rows:
            by_status.setdefault(processing_status, []).append(pk)
        base = model._default_manager.all()
        if status == SELECTED:
            to_queue = [
                pk
                for key in (None, ProcessingStatus.COMPLETE, ProcessingStatus.ERROR)
                for pk in by_status.get(key, [])
            ]
            change.queued = update_in_chunks(
                base.filter(REQUEUEABLE),
                to_queue,
                curation_status=SELECTED,
                processing_status=QUEUED,
                processing_error="",
                processing_attempts=0,
                processing_started_at=None,
                queued_at=now,
                **who,
            )
            change.updated = change.queued + update_in_chunks(
                base.filter(processing_status=QUEUED).exclude(curation_status=SELECTED),
                by_status.get(QUEUED, []),
                curation_status=SELECTED,
                **who,
            )
            change.skipped = by_status.get(PROCESSING, [])
        else:
            change.updated = update_in_chunks(
                base.filter(processing_status=QUEUED),
                by_status.get(QUEUED, []),
                curation_status=status,
                processing_status=None,
                queued_at=None,
                **who,
            )
            others = [pk for key, pks in by_status.items() if key != QUEUED for pk in pks]
            change.updated += update_in_chunks(
                base.exclude(processing_status=QUEUED).exclude(curation_status=status),
                others,
                curation_status=status,
                **who,
            )
        if change.queued and kick:
            kick_worker(model, change.queued)
    logger.info(
        "curation status %s on %s: updated=%d queued=%d skipped=%d user=%s",
        status,
        model._meta.label,
        change.updated,
        change.queued,
        len(change.skipped),
        getattr(user, "pk", None),
    )
    return change


# Primary keys per UPDATE: PostgreSQL takes at most 65,535 bound parameters in one statement.
UPDATE_CHUNK = 10_000


def update_in_chunks(queryset: models.QuerySet, pks: list[Any], **values: Any) -> int:
    """queryset.filter(pk__in=pks).update(**values), a chunk of keys at a time; rows updated."""
    return sum(
        queryset.filter(pk__in=pks[i : i + UPDATE_CHUNK]).update(**values)
        for i in range(0, len(pks), UPDATE_CHUNK)
    )


def kick_worker(model: type[models.Model], queued: int = 1) -> None:
    """Ask django-q2 for ticks of the model's workflow now, instead of at the next schedule:
    one per allowed instance when the new work fills several batches, so every worker helps.

    With the ORM broker the task rows commit or roll back with the caller's transaction.
    """
    workflow = workflows.for_model(model)
    if workflow is None:
        return
    from django_q.tasks import async_task

    batches = -(-queued // settings.PAGE_CURATION_SCHEDULER_BATCH_SIZE)
    for _ in range(max(1, min(settings.PAGE_CURATION_SCHEDULER_MAX_INSTANCES, batches))):
        async_task("curation.runner.run_tick", workflow.name, task_name=f"kick {workflow.name}")


# How far down the queue a claim looks for rows whose key still has a free slot.
CLAIM_WINDOW_PER_ROW = 20


def claim(
    queryset: models.QuerySet,
    limit: int,
    *,
    per_key_field: str | None = None,
    per_key_limit: int = 0,
) -> tuple[list[Any], Any]:
    """Take up to `limit` Queued rows no other worker holds; returns (pks, lease).

    One short transaction: SELECT … FOR UPDATE SKIP LOCKED, then mark them Processing with a
    lease (the claim time). Other workers skip the locked rows and find different ones.
    With `per_key_field`, a claim never brings the Processing rows sharing a value of that
    field (a domain) above `per_key_limit`, counting every worker's rows: claims of one model
    then take turns (a transaction-scoped advisory lock), so two cannot both fill a slot.
    Returns no rows when the queue is empty or every queued key is at its limit.
    """
    if limit <= 0:
        return [], None
    lease = timezone.now()
    per_key = bool(per_key_field) and per_key_limit > 0
    with transaction.atomic():
        if per_key and connection.vendor == "postgresql":
            # The same choice as _claim_per_key, in one statement: claims run many times a
            # second, and the ORM's five queries cost ~6 ms of CPU each time.
            pks = _claim_per_key_sql(queryset, limit, per_key_field, per_key_limit, lease)
            return (pks, lease) if pks else ([], None)
        queued = queryset.filter(processing_status=QUEUED).order_by("queued_at", "pk")
        if per_key:
            pks = _claim_per_key(queryset, queued, limit, per_key_field, per_key_limit)
        else:
            pks = list(
                queued.select_for_update(skip_locked=True, of=("self",)).values_list(
                    "pk", flat=True
                )[:limit]
            )
        if not pks:
            return [], None
        queryset.model._default_manager.filter(pk__in=pks, processing_status=QUEUED).update(
            processing_status=PROCESSING,
            processing_started_at=lease,
            processing_attempts=F("processing_attempts") + 1,
        )
    return pks, lease


def _claim_per_key(queryset, queued, limit: int, field: str, per_key: int) -> list[Any]:
    model = queryset.model
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(model._meta.label)])
    busy = Counter(
        dict(
            model._default_manager.filter(processing_status=PROCESSING)
            .values(field)
            .annotate(n=Count("pk"))
            .values_list(field, "n")
        )
    )
    # Read a window of the queue without locking it, choose rows whose key has a free slot,
    # then lock only those (skipping any a concurrent selection holds).
    # Keys already at their limit are left out first, so a long run of one domain at the head
    # of the queue never hides the other domains behind it.
    # Rows without a key are not limited.
    full = [key for key, n in busy.items() if n >= per_key and key is not None]
    window = queued.exclude(**{f"{field}__in": full}) if full else queued
    chosen = []
    for pk, key in window.values_list("pk", field)[: limit * CLAIM_WINDOW_PER_ROW]:
        if key is not None:
            if busy[key] >= per_key:
                continue
            busy[key] += 1
        chosen.append(pk)
        if len(chosen) == limit:
            break
    if not chosen:
        return []
    return list(
        queued.filter(pk__in=chosen)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )


def _claim_per_key_sql(queryset, limit: int, field: str, per_key: int, lease) -> list[Any]:
    """_claim_per_key on PostgreSQL: the claim lock, then one UPDATE that chooses, locks and
    marks the rows. Under READ COMMITTED the UPDATE's snapshot is taken after the lock is
    held, so it counts every Processing row that earlier claims committed."""
    model = queryset.model
    meta = model._meta
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    key = qn(meta.get_field(field).column)
    status, queued_at = qn("processing_status"), qn("queued_at")
    where = _where_of(queryset)
    if where is None:
        return []
    scope, scope_params = where
    sql = f"""
        WITH busy AS (
            SELECT {key} AS k, count(*) AS n FROM {table} WHERE {status} = %s GROUP BY {key}
        ), head AS (
            SELECT q.{pk} AS id, q.{queued_at} AS at, q.{key} AS k FROM {table} AS q
            WHERE q.{status} = %s AND {scope}
            AND NOT EXISTS (SELECT FROM busy WHERE busy.k = q.{key}
                            AND busy.n >= %s)
            ORDER BY q.{queued_at}, q.{pk} LIMIT %s
        ), chosen AS (
            SELECT id FROM (
                SELECT head.id, head.at, head.k, COALESCE(busy.n, 0)
                    + row_number() OVER (PARTITION BY head.k ORDER BY head.at, head.id) AS slot
                FROM head LEFT JOIN busy ON busy.k = head.k
            ) AS ranked
            WHERE (slot <= %s OR k IS NULL) ORDER BY at, id LIMIT %s
        ), locked AS (
            SELECT {pk} FROM {table} WHERE {pk} IN (SELECT id FROM chosen) AND {status} = %s
            FOR UPDATE SKIP LOCKED
        )
        UPDATE {table} SET {status} = %s, {qn("processing_started_at")} = %s,
            {qn("processing_attempts")} = {qn("processing_attempts")} + 1
        WHERE {pk} IN (SELECT {pk} FROM locked)
        RETURNING {pk}
    """
    params = [
        PROCESSING,
        QUEUED,
        *scope_params,
        per_key,
        limit * CLAIM_WINDOW_PER_ROW,
        per_key,
        limit,
        QUEUED,
        PROCESSING,
        lease,
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(meta.label)])
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _where_of(queryset) -> tuple[str, list[Any]] | None:
    """The WHERE clause of `queryset` (a workflow's rows; usually all of them) for the alias q;
    None when the queryset can match nothing."""
    if not queryset.query.where:
        return "TRUE", []
    try:
        inner, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"q.{connection.ops.quote_name(queryset.model._meta.pk.column)} IN ({inner})", list(
        params
    )


def _lock_key(label: str) -> int:
    return zlib.crc32(f"claim:{label}".encode()) & 0x7FFFFFFF


def finish(model: type[models.Model], pk: Any, lease: Any, **fields: Any) -> bool:
    """Mark a claimed row Complete, only if it is still Processing under this lease."""
    return (
        model._default_manager.filter(
            pk=pk, processing_status=PROCESSING, processing_started_at=lease
        ).update(
            processing_status=ProcessingStatus.COMPLETE,
            processing_error="",
            processing_finished_at=timezone.now(),
            **fields,
        )
        == 1
    )


def finish_many(model: type[models.Model], items: list[tuple[Any, Any, dict[str, Any]]]) -> int:
    """finish() for many rows, (pk, lease, fields) each: Complete only where the row is still
    Processing under its lease. On PostgreSQL one UPDATE … FROM (VALUES …) per set of field
    names (one round trip); elsewhere a finish() per row. Returns how many were finished."""
    if connection.vendor != "postgresql":
        return sum(finish(model, pk, lease, **fields) for pk, lease, fields in items)
    groups: dict[tuple[str, ...], list[tuple[Any, Any, dict[str, Any]]]] = {}
    # In primary-key order, the order set_curation_status locks rows in: no deadlock with it.
    for item in sorted(items, key=lambda item: item[0]):
        groups.setdefault(tuple(sorted(item[2])), []).append(item)
    finished = 0
    with connection.cursor() as cursor:
        for names, group in groups.items():
            sql, params = _finish_sql(model, names, group)
            cursor.execute(sql, params)
            finished += cursor.rowcount
    return finished


def _finish_sql(model, names: tuple[str, ...], group: list) -> tuple[str, list[Any]]:
    qn = connection.ops.quote_name
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    lease_field = meta.get_field("processing_started_at")
    columns = [meta.pk, lease_field, *fields]
    row_sql = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in columns) + ")"
    params: list[Any] = [ProcessingStatus.COMPLETE, "", timezone.now()]
    for pk, lease, values in group:
        params += [
            f.get_db_prep_value(v, connection)
            for f, v in zip(columns, [pk, lease, *(values[n] for n in names)], strict=True)
        ]
    aliases = ["v_pk", "v_lease", *(f"v_{i}" for i in range(len(fields)))]
    assignments = "".join(
        f", {qn(f.column)} = v.{a}" for f, a in zip(fields, aliases[2:], strict=True)
    )
    sql = (
        f"UPDATE {qn(meta.db_table)} AS t SET {qn('processing_status')} = %s, "
        f"{qn('processing_error')} = %s, {qn('processing_finished_at')} = %s{assignments} "
        f"FROM (VALUES {', '.join([row_sql] * len(group))}) AS v({', '.join(aliases)}) "
        f"WHERE t.{qn(meta.pk.column)} = v.v_pk AND t.{qn('processing_status')} = %s "
        f"AND t.{qn(lease_field.column)} = v.v_lease"
    )
    return sql, [*params, ProcessingStatus.PROCESSING]


def fail(model: type[models.Model], pk: Any, lease: Any, message: str, **fields: Any) -> bool:
    """Mark a claimed row Error with a readable, truncated message, only under this lease."""
    return (
        model._default_manager.filter(
            pk=pk, processing_status=PROCESSING, processing_started_at=lease
        ).update(
            processing_status=ProcessingStatus.ERROR,
            processing_error=truncate_error(message),
            processing_finished_at=timezone.now(),
            **fields,
        )
        == 1
    )


def release_many(model: type[models.Model], rows: list[tuple[Any, Any]]) -> int:
    """Give claimed rows, (row, lease) each, back to the queue unstarted: the claim does not
    count as an attempt. Only rows still Processing under that lease. Returns how many."""
    released = 0
    for lease in {lease for _, lease in rows}:
        pks = [row.pk for row, row_lease in rows if row_lease == lease]
        released += update_in_chunks(
            model._default_manager.filter(
                processing_status=PROCESSING, processing_started_at=lease
            ),
            pks,
            processing_status=QUEUED,
            processing_started_at=None,
            processing_attempts=F("processing_attempts") - 1,
        )
    return released


def truncate_error(message: str) -> str:
    message = " ".join(str(message).split()) or "unknown error"
    if len(message) <= ERROR_MAX_LENGTH:
        return message
    return message[: ERROR_MAX_LENGTH - 1] + "…"


def reap_expired(
    queryset: models.QuerySet, *, lease_seconds: int, max_attempts: int
) -> tuple[int, int]:
    """Return rows whose lease expired (their worker died) to the queue; returns (requeued, failed).

    A row that already used `max_attempts` claims becomes Error instead of looping for ever,
    and so does one nobody wants any more (deselected while it was being processed).
    """
    now = timezone.now()
    expired = queryset.filter(
        processing_status=PROCESSING,
        processing_started_at__lt=now - timedelta(seconds=lease_seconds),
    )
    failed = expired.filter(processing_attempts__gte=max_attempts).update(
        processing_status=ProcessingStatus.ERROR,
        processing_error=(
            f"gave up after {max_attempts} attempts: the worker stopped before finishing "
            f"(lease of {lease_seconds} s expired each time)"
        ),
        processing_finished_at=now,
    )
    failed += expired.exclude(curation_status=SELECTED).update(
        processing_status=ProcessingStatus.ERROR,
        processing_error=(
            "the worker stopped before finishing (lease expired); not retried because the "
            "page is no longer Selected"
        ),
        processing_finished_at=now,
    )
    requeued = expired.update(processing_status=QUEUED, processing_started_at=None, queued_at=now)
    if requeued or failed:
        logger.warning(
            "expired leases on %s: requeued=%d failed=%d",
            queryset.model._meta.label,
            requeued,
            failed,
        )
    return requeued, failed
