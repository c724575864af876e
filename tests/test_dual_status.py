"""Every rule of the dual-status update (SPEC section 2)."""

import threading

import pytest
from django_q.models import OrmQ

from curation.models import CurationStatus, ProcessingStatus
from curation.queue import set_curation_status
from pages.models import Page
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db

SELECTED = CurationStatus.SELECTED
QUEUED = ProcessingStatus.QUEUED


def statuses(pages):
    rows = Page.objects.filter(pk__in=[p.pk for p in pages]).order_by("url")
    return [(p.curation_status, p.processing_status) for p in rows]


def test_selecting_new_pages_queues_them_and_records_who(make_pages, staff):
    pages = make_pages(3)
    change = set_curation_status(Page.objects.all(), SELECTED, user=staff)
    assert (change.updated, change.queued, change.skipped) == (3, 3, [])
    assert statuses(pages) == [(SELECTED, QUEUED)] * 3
    page = Page.objects.get(pk=pages[0].pk)
    assert page.curated_by == staff
    assert page.curated_at is not None
    assert page.queued_at is not None


def test_processing_pages_are_skipped_and_reported(make_pages):
    queued = make_pages(1, curation_status=SELECTED, processing_status=QUEUED)
    busy = make_pages(2, curation_status=CurationStatus.REJECTED, processing_status="Processing")
    change = set_curation_status(Page.objects.all(), SELECTED)
    assert sorted(change.skipped) == sorted(p.pk for p in busy)
    assert change.queued == 0
    assert change.updated == 0  # the queued one was Selected already
    assert statuses(busy) == [(CurationStatus.REJECTED, "Processing")] * 2
    assert statuses(queued) == [(SELECTED, QUEUED)]


@pytest.mark.parametrize("finished", [ProcessingStatus.COMPLETE, ProcessingStatus.ERROR])
def test_complete_and_error_pages_are_queued_again(make_pages, finished):
    make_pages(
        2,
        curation_status=SELECTED,
        processing_status=finished,
        processing_error="HTTP 500 Internal Server Error from https://x",
        processing_attempts=3,
    )
    change = set_curation_status(Page.objects.all(), SELECTED)
    assert (change.updated, change.queued) == (2, 2)
    for page in Page.objects.all():
        assert (page.processing_status, page.processing_error, page.processing_attempts) == (
            QUEUED,
            "",
            0,
        )


@pytest.mark.parametrize(
    "target", [CurationStatus.NEW, CurationStatus.REJECTED, CurationStatus.ARCHIVED]
)
def test_deselecting_a_queued_page_takes_it_off_the_queue(make_pages, target):
    pages = make_pages(2, curation_status=SELECTED, processing_status=QUEUED)
    change = set_curation_status(Page.objects.all(), target)
    assert (change.updated, change.queued, change.skipped) == (2, 0, [])
    assert statuses(pages) == [(target, None)] * 2
    assert not Page.objects.filter(queued_at__isnull=False).exists()


@pytest.mark.parametrize(
    "history", [ProcessingStatus.PROCESSING, ProcessingStatus.COMPLETE, ProcessingStatus.ERROR]
)
def test_deselecting_keeps_processing_history(make_pages, history):
    pages = make_pages(1, curation_status=SELECTED, processing_status=history)
    change = set_curation_status(Page.objects.all(), CurationStatus.ARCHIVED)
    assert change.updated == 1
    assert statuses(pages) == [(CurationStatus.ARCHIVED, history)]


def test_setting_the_same_status_changes_nothing(make_pages):
    make_pages(2, curation_status=CurationStatus.REJECTED)
    change = set_curation_status(Page.objects.all(), CurationStatus.REJECTED)
    assert (change.updated, change.queued) == (0, 0)


def test_unknown_status_is_refused(make_pages):
    make_pages(1)
    with pytest.raises(ValueError):
        set_curation_status(Page.objects.all(), "Queued-ish")


def test_orphaned_selected_page_gets_queued(make_pages):
    pages = make_pages(1, curation_status=SELECTED, processing_status=None)
    change = set_curation_status(Page.objects.all(), SELECTED)
    assert change.queued == 1
    assert statuses(pages) == [(SELECTED, QUEUED)]


def test_queueing_kicks_the_worker_in_the_same_transaction(make_pages):
    make_pages(2)
    OrmQ.objects.all().delete()
    set_curation_status(Page.objects.all(), SELECTED)
    assert OrmQ.objects.count() == 1
    set_curation_status(Page.objects.all(), SELECTED)  # nothing new queued: no second kick
    assert OrmQ.objects.count() == 1


def test_kick_rolls_back_with_the_selection(make_pages):
    from django.db import transaction

    make_pages(1)
    OrmQ.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        set_curation_status(Page.objects.all(), SELECTED)
        raise RuntimeError("caller fails after selecting")
    assert OrmQ.objects.count() == 0
    assert Page.objects.get().processing_status is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_selections_never_double_queue(domain):
    Page.objects.bulk_create(
        [Page(url=f"https://{domain.name}/c{i}", domain=domain) for i in range(200)]
    )
    barrier = threading.Barrier(2)
    results = []

    def select():
        barrier.wait()
        results.append(set_curation_status(Page.objects.all(), SELECTED))

    run_concurrently(select, select)
    assert sorted(r.queued for r in results) == [0, 200]
    assert Page.objects.filter(processing_status=QUEUED).count() == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_select_and_reject_leave_a_consistent_state(domain):
    Page.objects.bulk_create(
        [Page(url=f"https://{domain.name}/r{i}", domain=domain) for i in range(100)]
    )
    barrier = threading.Barrier(2)

    def run(status):
        barrier.wait()
        set_curation_status(Page.objects.all(), status)

    run_concurrently(lambda: run(SELECTED), lambda: run(CurationStatus.REJECTED))
    pairs = set(Page.objects.values_list("curation_status", "processing_status"))
    # Whichever ran last won for every row: no row is Rejected-but-Queued or Selected-not-queued.
    assert pairs in ({(SELECTED, QUEUED)}, {(CurationStatus.REJECTED, None)})
