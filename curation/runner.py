"""The runner: drains one workflow's queue with bounded concurrency.

A tick reaps expired leases, then keeps claiming small batches (SKIP LOCKED) while work is
queued and its time budget lasts, processing the claimed rows on a thread pool with a limit
per concurrency key (the page's domain). Fetching and parsing run outside any transaction;
each row ends with a compare-and-swap UPDATE under its lease.
"""

import gc
import logging
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from curation import queue, workflows
from curation.models import WorkerHeartbeat
from curation.workflows import ProcessingFailed, Workflow

logger = logging.getLogger(__name__)


@dataclass
class TickResult:
    workflow: str
    ran: bool = True  # False when every allowed instance was already running
    claimed: int = 0
    completed: int = 0
    failed: int = 0
    lost: int = 0  # finished work whose lease had been taken away (nothing written)
    released: int = 0  # claimed rows given back unstarted when the time budget ran out
    requeued_expired: int = 0
    failed_expired: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        if not self.ran:
            return f"{self.workflow}: another tick is running, nothing done"
        return (
            f"{self.workflow}: {self.completed} complete, {self.failed} error, "
            f"{self.claimed} claimed in {self.seconds:.1f} s"
            + (
                f", {self.requeued_expired} expired leases requeued"
                if self.requeued_expired
                else ""
            )
            + (f", {self.failed_expired} gave up" if self.failed_expired else "")
        )


def run_tick(workflow_name: str, **options: Any) -> str:
    """django-q2 entry point (scheduled, and kicked on selection). Returns a summary line."""
    return str(tick(workflows.get(workflow_name), **options))


def tick(
    workflow: Workflow,
    *,
    budget_seconds: float | None = None,
    batch_size: int | None = None,
    threads: int | None = None,
    per_key: int | None = None,
    max_instances: int | None = None,
    wait_seconds: float = 3.0,
) -> TickResult:
    result = TickResult(workflow.name)
    started = time.monotonic()
    max_instances = max_instances or settings.PAGE_CURATION_SCHEDULER_MAX_INSTANCES
    with instance_slot(workflow.name, max_instances, wait_seconds) as got_slot:
        if not got_slot:
            logger.info(
                "tick %s skipped: %d instance(s) already running", workflow.name, max_instances
            )
            result.ran = False
            return result
        beat(workflow.name, result)
        queryset = workflow.model._default_manager.all()
        result.requeued_expired, result.failed_expired = queue.reap_expired(
            queryset,
            lease_seconds=settings.PAGE_PROCESSING_LEASE_SECONDS,
            max_attempts=settings.PAGE_PROCESSING_MAX_ATTEMPTS,
        )
        drain(
            workflow,
            result,
            deadline=started
            + (
                budget_seconds
                if budget_seconds is not None
                else settings.CURATION_TICK_BUDGET_SECONDS
            ),
            batch_size=batch_size or settings.PAGE_CURATION_SCHEDULER_BATCH_SIZE,
            threads=threads or settings.CURATION_THREADS,
            per_key=per_key or settings.FETCH_PER_DOMAIN_CONCURRENCY,
        )
        result.seconds = time.monotonic() - started
        beat(workflow.name, result)
    logger.info("tick %s", result)
    return result


def drain(
    workflow: Workflow,
    result: TickResult,
    *,
    deadline: float,
    batch_size: int,
    threads: int,
    per_key: int,
) -> None:
    """Claim and process rows until the queue is empty or the deadline has passed."""
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"tick-{workflow.name}")
    try:
        with garbage_collection_for_draining():
            _drain_on(pool, workflow, result, deadline, batch_size, threads, per_key)
    finally:
        close_thread_connections(pool, threads)
        pool.shutdown()


# Young objects collected after this many allocations instead of Python's 700 while draining.
DRAINING_GC_THRESHOLD = 10_000
_gc_lock = threading.Lock()
_gc_draining = 0  # drains running in this process
_gc_threshold: tuple[int, ...] = ()


@contextmanager
def garbage_collection_for_draining() -> Iterator[None]:
    """While a drain runs, the objects that existed before it (modules, settings, caches: most of
    a worker's heap) are left out of garbage collection, and young objects are collected less
    often. Parsing threads allocate fast, and each collection walked the whole heap again:
    1.2 ms of every page's ~7 ms of CPU, 0.2 ms this way. Both are undone when the last drain
    of the process ends; objects frozen meanwhile are collected after that, as usual."""
    global _gc_draining, _gc_threshold
    with _gc_lock:
        if not _gc_draining:
            _gc_threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(DRAINING_GC_THRESHOLD, *_gc_threshold[1:])
        _gc_draining += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_draining -= 1
            if not _gc_draining:
                gc.set_threshold(*_gc_threshold)
                gc.unfreeze()


def close_thread_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close the database connection of every pool thread that opened one (a process function
    may read the database): one job per thread, held at a barrier so no thread takes two."""
    barrier = threading.Barrier(threads)

    def close() -> None:
        with suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
        connection.close()

    for future in [pool.submit(close) for _ in range(threads)]:
        future.result()


def _drain_on(
    pool: ThreadPoolExecutor,
    workflow: Workflow,
    result: TickResult,
    deadline: float,
    batch_size: int,
    threads: int,
    per_key: int,
) -> None:
    model = workflow.model
    queryset = model._default_manager.all()
    inflight: dict[Future, tuple[Any, Any]] = {}  # future -> (row, lease)
    done_rows: list[Outcome] = []  # processed, not yet written
    claimable = True  # the queue may hold rows we are allowed to take
    freed = 0  # rows finished since the last claim: a claim is only worth it once some are
    while True:
        # Up to `threads` rows run and as many wait in the pool's queue, so the threads never
        # sit idle while this thread writes results and claims (each a few round trips).
        room = 2 * threads - len(inflight)
        # Claim while there is room: a full batch, or whatever fits once half the pool is free.
        if claimable and time.monotonic() < deadline and room >= min(batch_size, threads / 2):
            # Write what is done first: finished rows free their domain's slots for the claim.
            record(workflow, done_rows, result)
            pks, lease = queue.claim(
                queryset,
                min(batch_size, room),
                per_key_field=workflow.concurrency_field,
                per_key_limit=per_key,
            )
            freed = 0
            if pks:
                result.claimed += len(pks)
                rows = model._default_manager.filter(pk__in=pks)
                if workflow.select_related:
                    rows = rows.select_related(*workflow.select_related)
                for row in rows:
                    inflight[pool.submit(process_row, workflow, row, lease)] = (row, lease)
                continue
            claimable = False
        if time.monotonic() >= deadline:
            # Rows still waiting for a thread go back to the queue now: the tick must end
            # well inside django-q2's timeout, and another tick will take them.
            waiting = [inflight.pop(f) for f in list(inflight) if f.cancel()]
            result.released += queue.release_many(model, waiting)
        if not inflight:
            record(workflow, done_rows, result)
            return
        done, _ = wait(inflight, timeout=RECORD_EVERY_SECONDS, return_when=FIRST_COMPLETED)
        for future in done:
            del inflight[future]
        done_rows.extend(future.result() for future in done)
        if len(done_rows) >= RECORD_BATCH or not done:
            record(workflow, done_rows, result)
        freed += len(done)
        if freed >= batch_size or len(inflight) < batch_size:
            # Finished rows free slots of their keys, and rows may have been queued meanwhile.
            claimable = True


# Results are written in batches: after this many rows, or when the pool was quiet this long.
RECORD_BATCH = 32
RECORD_EVERY_SECONDS = 0.1


@dataclass
class Outcome:
    row: Any
    lease: Any
    value: Any = None  # what process() returned
    error: str = ""  # set when process() failed
    error_fields: dict[str, Any] | None = None


def process_row(workflow: Workflow, row: Any, lease: Any) -> Outcome:
    """Run the workflow's process function on one claimed row (on a pool thread)."""
    try:
        return Outcome(row, lease, value=workflow.process(row))
    except ProcessingFailed as exc:
        logger.info("%s %s error: %s", workflow.name, row.pk, exc)
        return Outcome(row, lease, error=str(exc) or type(exc).__name__, error_fields=exc.fields)
    except Exception as exc:
        logger.exception("%s %s failed", workflow.name, row.pk)
        return Outcome(row, lease, error=f"{type(exc).__name__}: {exc}")


def record(workflow: Workflow, outcomes: list[Outcome], result: TickResult) -> None:
    """Write processed rows: the workflow's save for the successes, then Complete or Error
    under each row's lease. Empties `outcomes`."""
    if not outcomes:
        return
    batch = outcomes[:]
    outcomes.clear()
    model = workflow.model
    for outcome in batch:
        if outcome.error:
            if queue.fail(
                model, outcome.row.pk, outcome.lease, outcome.error, **(outcome.error_fields or {})
            ):
                result.failed += 1
            else:
                result.lost += 1
    good = [o for o in batch if not o.error]
    if not good:
        return
    try:
        if workflow.save:
            fields = workflow.save([(o.row, o.value) for o in good])
        else:
            fields = [o.value or {} for o in good]
    except Exception as exc:
        if len(good) > 1:  # find the row that cannot be saved; save the others
            for outcome in good:
                record(workflow, [outcome], result)
            return
        logger.exception("%s %s could not be saved", workflow.name, good[0].row.pk)
        good[0].error = f"could not store the result: {type(exc).__name__}: {exc}"
        record(workflow, good, result)
        return
    finished = queue.finish_many(
        model, [(o.row.pk, o.lease, f) for o, f in zip(good, fields, strict=True)]
    )
    result.completed += finished
    if finished < len(good):
        result.lost += len(good) - finished
        logger.warning(
            "%s: %d rows finished after their lease was taken away; not recorded",
            workflow.name,
            len(good) - finished,
        )


def process_now(workflow: Workflow, row: Any, lease: Any) -> TickResult:
    """Process and record one claimed row on this thread (`manage.py selftest`)."""
    result = TickResult(workflow.name, claimed=1)
    record(workflow, [process_row(workflow, row, lease)], result)
    return result


@contextmanager
def instance_slot(name: str, max_instances: int, wait_seconds: float = 3.0) -> Iterator[bool]:
    """Hold one of `max_instances` slots for this workflow across all processes and machines.

    PostgreSQL advisory locks belong to the session: a killed worker's slot frees itself when
    its connection drops. Other databases (the SQLite development setup) have one process.
    A tick kicked just as the running one ends waits `wait_seconds` for its slot, so the
    work that kicked it is not left for the next scheduled tick.
    """
    if connection.vendor != "postgresql":
        with _local_slot(name, max_instances) as got:
            yield got
        return
    key = zlib.crc32(f"curation:{name}".encode()) & 0x7FFFFFFF
    held = None
    give_up = time.monotonic() + wait_seconds
    with connection.cursor() as cursor:
        while held is None:
            for slot in range(max_instances):
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [key, slot])
                if cursor.fetchone()[0]:
                    held = slot
                    break
            if held is not None or time.monotonic() >= give_up:
                break
            time.sleep(0.25)
    try:
        yield held is not None
    finally:
        if held is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [key, held])


_local_counts: Counter = Counter()
_local_lock = threading.Lock()


@contextmanager
def _local_slot(name: str, max_instances: int) -> Iterator[bool]:
    with _local_lock:
        got = _local_counts[name] < max_instances
        if got:
            _local_counts[name] += 1
    try:
        yield got
    finally:
        if got:
            with _local_lock:
                _local_counts[name] -= 1


def beat(workflow_name: str, result: TickResult) -> None:
    WorkerHeartbeat.objects.update_or_create(
        workflow=workflow_name,
        defaults={
            "last_tick_at": timezone.now(),
            "last_tick_seconds": result.seconds,
            "last_tick_processed": result.completed + result.failed,
            "hostname": socket.gethostname(),
        },
    )
