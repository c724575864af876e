"""The generic runner: claims, leases, concurrency limits, recovery (SPEC section 3)."""

import gc
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from curation import queue, runner
from curation.models import CurationStatus, ProcessingStatus, WorkerHeartbeat
from curation.queue import set_curation_status
from curation.workflows import ProcessingFailed, Workflow
from pages.models import Domain, Page
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """A process function that counts calls per page and the peak concurrency per domain."""

    def __init__(self, delay: float = 0.0, fail_on: str = ""):
        self.calls: Counter = Counter()
        self.delay = delay
        self.fail_on = fail_on
        self.lock = threading.Lock()
        self.running: Counter = Counter()
        self.peak: Counter = Counter()

    def __call__(self, page):
        with self.lock:
            self.calls[page.url] += 1
            self.running[page.domain_id] += 1
            self.peak[page.domain_id] = max(self.peak[page.domain_id], self.running[page.domain_id])
        try:
            time.sleep(self.delay)
            if self.fail_on and self.fail_on in page.url:
                raise ProcessingFailed(f"HTTP 404 Not Found from {page.url}", http_status=404)
            return {"title": f"title of {page.url}", "contacts_found": 1}
        finally:
            with self.lock:
                self.running[page.domain_id] -= 1


def workflow_for(recorder) -> Workflow:
    return Workflow(
        name="test_pages",
        model_label="pages.Page",
        process=recorder,
        concurrency_field="domain_id",
    )


def queue_pages(n: int, domains: int = 1) -> list[Page]:
    doms = [Domain.objects.create(name=f"site{d}.example.org") for d in range(domains)]
    pages = Page.objects.bulk_create(
        [
            Page(url=f"https://{doms[i % domains].name}/p{i}", domain=doms[i % domains])
            for i in range(n)
        ]
    )
    set_curation_status(Page.objects.all(), CurationStatus.SELECTED, kick=False)
    return pages


def counts() -> Counter:
    return Counter(Page.objects.values_list("processing_status", flat=True))


def test_one_tick_drains_the_whole_queue_in_batches():
    queue_pages(45, domains=5)
    recorder = Recorder()
    result = runner.tick(workflow_for(recorder), batch_size=10, threads=8, budget_seconds=30)
    assert result.completed == 45
    assert counts() == {ProcessingStatus.COMPLETE: 45}
    page = Page.objects.first()
    assert page.title == f"title of {page.url}"
    assert page.processing_attempts == 1
    assert page.processing_finished_at is not None
    assert WorkerHeartbeat.objects.get(workflow="test_pages").last_tick_processed == 45


def test_two_runners_in_parallel_process_every_page_exactly_once():
    queue_pages(200, domains=20)
    recorder = Recorder(delay=0.005)
    workflow = workflow_for(recorder)
    results = []

    def run():
        results.append(
            runner.tick(workflow, batch_size=10, threads=8, budget_seconds=60, max_instances=2)
        )

    run_concurrently(run, run)
    assert all(r.ran for r in results)
    assert sum(r.completed for r in results) == 200
    assert len(recorder.calls) == 200
    assert set(recorder.calls.values()) == {1}
    assert counts() == {ProcessingStatus.COMPLETE: 200}


def test_per_domain_limit_is_never_exceeded():
    queue_pages(30, domains=1)
    recorder = Recorder(delay=0.02)
    runner.tick(workflow_for(recorder), batch_size=10, threads=16, per_key=2, budget_seconds=30)
    assert counts() == {ProcessingStatus.COMPLETE: 30}
    assert max(recorder.peak.values()) == 2


def test_per_domain_limit_holds_across_runners():
    queue_pages(40, domains=2)
    recorder = Recorder(delay=0.02)
    workflow = workflow_for(recorder)

    def run():
        runner.tick(workflow, threads=8, per_key=2, budget_seconds=30, max_instances=2)

    run_concurrently(run, run)
    assert counts() == {ProcessingStatus.COMPLETE: 40}
    assert set(recorder.calls.values()) == {1}
    assert max(recorder.peak.values()) == 2  # two processes, still two per domain


def test_claim_skips_keys_at_their_limit_and_takes_other_keys():
    queue_pages(10, domains=2)
    first, _ = queue.claim(Page.objects.all(), 10, per_key_field="domain_id", per_key_limit=2)
    assert len(first) == 4  # two per domain
    again, _ = queue.claim(Page.objects.all(), 10, per_key_field="domain_id", per_key_limit=2)
    assert again == []  # both domains busy
    Page.objects.filter(pk=first[0]).update(processing_status=ProcessingStatus.COMPLETE)
    freed, _ = queue.claim(Page.objects.all(), 10, per_key_field="domain_id", per_key_limit=2)
    assert len(freed) == 1


def test_a_failing_page_becomes_error_and_the_others_complete():
    queue_pages(6)
    recorder = Recorder(fail_on="/p3")
    result = runner.tick(workflow_for(recorder), budget_seconds=30)
    assert (result.completed, result.failed) == (5, 1)
    bad = Page.objects.get(url__endswith="/p3")
    assert bad.processing_status == ProcessingStatus.ERROR
    assert bad.processing_error == f"HTTP 404 Not Found from {bad.url}"
    assert bad.http_status == 404


def test_an_unexpected_exception_is_recorded_with_its_type():
    queue_pages(2)

    def explode(page):
        raise KeyError("title")

    runner.tick(Workflow("boom", "pages.Page", explode), budget_seconds=30)
    assert set(Page.objects.values_list("processing_error", flat=True)) == {"KeyError: 'title'"}


def test_an_abandoned_claim_is_processed_after_its_lease_expires(settings):
    settings.PAGE_PROCESSING_LEASE_SECONDS = 60
    queue_pages(5)
    pks, _ = queue.claim(Page.objects.all(), 5)  # a worker claims, then dies
    assert len(pks) == 5
    recorder = Recorder()
    result = runner.tick(workflow_for(recorder), budget_seconds=30)
    assert result.completed == 0  # the lease is still valid: nobody else may touch them
    Page.objects.update(processing_started_at=timezone.now() - timedelta(seconds=61))
    result = runner.tick(workflow_for(recorder), budget_seconds=30)
    assert result.requeued_expired == 5
    assert result.completed == 5
    assert counts() == {ProcessingStatus.COMPLETE: 5}
    assert set(Page.objects.values_list("processing_attempts", flat=True)) == {2}


def test_a_page_whose_worker_keeps_dying_ends_as_error(settings):
    settings.PAGE_PROCESSING_LEASE_SECONDS = 60
    settings.PAGE_PROCESSING_MAX_ATTEMPTS = 3
    queue_pages(1)
    expired = timezone.now() - timedelta(seconds=61)
    for _ in range(3):
        assert queue.claim(Page.objects.all(), 1)[0]
        Page.objects.update(processing_started_at=expired)
        queue.reap_expired(Page.objects.all(), lease_seconds=60, max_attempts=3)
    page = Page.objects.get()
    assert page.processing_status == ProcessingStatus.ERROR
    assert page.processing_error.startswith("gave up after 3 attempts")


def test_a_finish_under_a_lost_lease_writes_nothing():
    queue_pages(1)
    pks, lease = queue.claim(Page.objects.all(), 1)
    Page.objects.update(processing_started_at=lease + timedelta(seconds=1))  # another claim
    assert not queue.finish(Page, pks[0], lease, title="stale")
    assert Page.objects.get().title == ""


def test_deselecting_while_processing_lets_the_worker_finish():
    queue_pages(1)

    def reject_midway(page):
        # A person rejects the page while its fetch is in flight.
        set_curation_status(Page.objects.filter(pk=page.pk), CurationStatus.REJECTED)
        return {"contacts_found": 0}

    runner.tick(Workflow("midway", "pages.Page", reject_midway), budget_seconds=30)
    page = Page.objects.get()
    assert (page.curation_status, page.processing_status) == (
        CurationStatus.REJECTED,
        ProcessingStatus.COMPLETE,
    )


def test_a_tick_exits_at_once_when_max_instances_are_running():
    queue_pages(3)
    recorder = Recorder()
    holding, release = threading.Event(), threading.Event()

    def other_worker():  # another process's tick, on its own database session
        with runner.instance_slot("test_pages", 1) as got:
            assert got
            holding.set()
            release.wait(10)
        connection.close()

    other = threading.Thread(target=other_worker)
    other.start()
    holding.wait(10)
    result = runner.tick(workflow_for(recorder), max_instances=1, wait_seconds=0)
    release.set()
    other.join()
    assert not result.ran
    assert recorder.calls == Counter()
    assert runner.tick(workflow_for(recorder), max_instances=1).completed == 3


def test_work_queued_during_a_tick_is_picked_up_by_it():
    queue_pages(4)
    late = []
    lock = threading.Lock()

    def process(page):
        with lock:
            if not late:
                late.append(Page.objects.create(url="https://late.example.org/"))
                set_curation_status(Page.objects.filter(pk=late[0].pk), "Selected", kick=False)
        return {}

    runner.tick(Workflow("late", "pages.Page", process), budget_seconds=30)
    assert counts() == {ProcessingStatus.COMPLETE: 5}


def test_a_result_that_cannot_be_saved_fails_alone():
    queue_pages(6)

    def save(items):
        if any(row.url.endswith("/p4") for row, _ in items):
            raise ValueError("value too long for type character varying(500)")
        return [{"title": value} for _, value in items]

    workflow = Workflow("saving", "pages.Page", process=lambda page: page.url[-2:], save=save)
    result = runner.tick(workflow, budget_seconds=30)
    assert (result.completed, result.failed) == (5, 1)
    bad = Page.objects.get(url__endswith="/p4")
    assert bad.processing_error == (
        "could not store the result: ValueError: value too long for type character varying(500)"
    )
    assert Page.objects.get(url__endswith="/p2").title == "p2"


def test_finish_many_skips_rows_whose_lease_moved_on():
    queue_pages(3)
    pks, lease = queue.claim(Page.objects.all(), 3)
    Page.objects.filter(pk=pks[0]).update(processing_started_at=lease + timedelta(seconds=1))
    finished = queue.finish_many(Page, [(pk, lease, {"title": "done"}) for pk in pks])
    assert finished == 2
    assert Page.objects.get(pk=pks[0]).title == ""
    assert set(Page.objects.exclude(pk=pks[0]).values_list("title", flat=True)) == {"done"}


def test_a_long_run_of_one_domain_does_not_hide_the_others():
    big = Domain.objects.create(name="big.example.org")
    small = Domain.objects.create(name="small.example.org")
    Page.objects.bulk_create(
        [Page(url=f"https://big.example.org/{i}", domain=big) for i in range(300)]
        + [Page(url=f"https://small.example.org/{i}", domain=small) for i in range(5)]
    )
    set_curation_status(Page.objects.filter(domain=big), CurationStatus.SELECTED, kick=False)
    set_curation_status(Page.objects.filter(domain=small), CurationStatus.SELECTED, kick=False)
    first, _ = queue.claim(Page.objects.all(), 10, per_key_field="domain_id", per_key_limit=2)
    second, _ = queue.claim(Page.objects.all(), 10, per_key_field="domain_id", per_key_limit=2)
    claimed = Page.objects.filter(pk__in=first + second)
    assert claimed.filter(domain=big).count() == 2
    assert claimed.filter(domain=small).count() == 2


def test_an_expired_page_that_was_deselected_is_not_fetched_again(settings):
    queue_pages(2)
    queue.claim(Page.objects.all(), 2)
    rejected = Page.objects.first()
    set_curation_status(Page.objects.filter(pk=rejected.pk), CurationStatus.REJECTED)
    Page.objects.update(processing_started_at=timezone.now() - timedelta(seconds=3600))
    requeued, failed = queue.reap_expired(Page.objects.all(), lease_seconds=60, max_attempts=3)
    assert (requeued, failed) == (1, 1)
    rejected.refresh_from_db()
    assert rejected.processing_status == ProcessingStatus.ERROR
    assert "no longer Selected" in rejected.processing_error


def test_selecting_more_rows_than_postgresql_takes_parameters(domain):
    Page.objects.bulk_create(
        [Page(url=f"https://{domain.name}/many/{i}", domain=domain) for i in range(70_000)],
        batch_size=5000,
    )
    change = set_curation_status(Page.objects.all(), CurationStatus.SELECTED, kick=False)
    assert change.queued == 70_000
    change = set_curation_status(Page.objects.all(), CurationStatus.ARCHIVED, kick=False)
    assert change.updated == 70_000


def test_at_the_end_of_its_budget_a_tick_gives_back_rows_it_has_not_started():
    queue_pages(20, domains=20)
    recorder = Recorder(delay=0.3)
    result = runner.tick(workflow_for(recorder), threads=2, batch_size=10, budget_seconds=0.1)
    assert result.released > 0
    assert result.completed + result.released == result.claimed
    statuses = counts()
    assert statuses[ProcessingStatus.PROCESSING] == 0
    assert statuses[ProcessingStatus.COMPLETE] == result.completed
    assert statuses[ProcessingStatus.QUEUED] == 20 - result.completed
    assert set(
        Page.objects.filter(processing_status=ProcessingStatus.QUEUED).values_list(
            "processing_attempts", flat=True
        )
    ) == {0}


def test_a_claim_waits_for_a_concurrent_claim_and_counts_its_rows():
    """Two claims under the per-domain limit of 2, forced to overlap. While A's claim is
    uncommitted, a selection that began earlier commits two pages queued ahead of A's. B must
    wait for A and count A's rows; otherwise it takes those two as well: four at once."""
    queue_pages(4, domains=1)
    r1, r2, *_ = Page.objects.order_by("queued_at", "pk").values_list("pk", flat=True)
    domain = Page.objects.get(pk=r1).domain
    early = [Page.objects.create(url=f"https://{domain.name}/early{i}").pk for i in range(2)]
    steps = {name: threading.Event() for name in ("selecting", "commit_s", "claimed", "commit_a")}
    got = {}

    def claim() -> list:
        pks = queue.claim(Page.objects.all(), 10, per_key_field="domain_id", per_key_limit=2)[0]
        return sorted(pks)

    def selection() -> None:  # began before the others were queued; commits after A claimed
        with transaction.atomic():
            Page.objects.filter(pk__in=early).update(
                curation_status=CurationStatus.SELECTED,
                processing_status=ProcessingStatus.QUEUED,
                queued_at=timezone.now() - timedelta(hours=1),
            )
            steps["selecting"].set()
            steps["commit_s"].wait(10)
        connection.close()

    def worker_a() -> None:
        steps["selecting"].wait(10)
        with transaction.atomic():
            got["a"] = claim()
            steps["claimed"].set()
            steps["commit_a"].wait(10)
        connection.close()

    def worker_b() -> None:
        got["b"] = claim()
        connection.close()

    s, a = threading.Thread(target=selection), threading.Thread(target=worker_a)
    s.start()
    a.start()
    steps["claimed"].wait(10)
    steps["commit_s"].set()
    s.join()
    b = threading.Thread(target=worker_b)
    b.start()
    time.sleep(0.3)  # B reaches its claim while A's is uncommitted
    steps["commit_a"].set()
    a.join()
    b.join()
    assert got == {"a": sorted([r1, r2]), "b": []}
    assert Page.objects.filter(processing_status=ProcessingStatus.PROCESSING).count() == 2


def test_while_draining_the_heap_it_found_is_left_out_of_garbage_collection():
    queue_pages(20, domains=4)
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen = []

    def process(page):
        seen.append((gc.get_freeze_count(), gc.get_threshold()[0]))
        time.sleep(0.01)
        return {}

    workflow = workflow_for(process)

    def run():
        runner.tick(workflow, threads=4, budget_seconds=30, max_instances=2)

    run_concurrently(run, run)
    assert len(seen) == 20
    assert all(count > frozen and gen0 == runner.DRAINING_GC_THRESHOLD for count, gen0 in seen)
    # Undone once the last of the two drains ended, whichever order they ended in.
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
