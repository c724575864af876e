"""The per-domain claim: PostgreSQL's one-statement claim chooses what the portable one does."""

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from curation import queue
from curation.models import CurationStatus, ProcessingStatus
from pages.models import Domain, Page

pytestmark = pytest.mark.django_db


def queue_state(seed: int) -> None:
    """40 domains, 600 Queued pages at shuffled times (with ties), 0-3 Processing per domain."""
    rnd = random.Random(seed)
    domains = Domain.objects.bulk_create([Domain(name=f"site{d}.example.org") for d in range(40)])
    start = timezone.now() - timedelta(hours=1)

    def page(domain, path: str, status: str, **fields) -> Page:
        return Page(
            url=f"https://{domain.name}/{path}",
            domain=domain,
            curation_status=CurationStatus.SELECTED,
            processing_status=status,
            **fields,
        )

    pages = []
    for i in range(600):
        domain = rnd.choice(domains[:10] if rnd.random() < 0.5 else domains)  # some sites big
        queued_at = start + timedelta(seconds=rnd.randrange(60))
        pages.append(page(domain, f"p{i}", ProcessingStatus.QUEUED, queued_at=queued_at))
    for domain in domains:
        for n in range(rnd.randrange(4)):
            pages.append(
                page(domain, f"busy{n}", ProcessingStatus.PROCESSING, processing_started_at=start)
            )
    Page.objects.bulk_create(pages)


def portable_choice(queryset, limit: int, per_key: int, field: str = "domain_id") -> list:
    with transaction.atomic():
        queued = queryset.filter(processing_status=ProcessingStatus.QUEUED).order_by(
            "queued_at", "pk"
        )
        chosen = queue._claim_per_key(queryset, queued, limit, field, per_key)
        transaction.set_rollback(True)
    return sorted(chosen)


def postgresql_claim(queryset, limit: int, per_key: int, field: str = "domain_id") -> list:
    with transaction.atomic():
        pks, lease = queue.claim(queryset, limit, per_key_field=field, per_key_limit=per_key)
        claimed = Page.objects.filter(pk__in=pks)
        assert all(
            (p.processing_status, p.processing_started_at, p.processing_attempts)
            == (ProcessingStatus.PROCESSING, lease, 1)
            for p in claimed
        )
        transaction.set_rollback(True)
    return sorted(pks)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("limit", "per_key"), [(1, 1), (10, 2), (25, 3), (200, 2)])
def test_both_claims_choose_the_same_rows(seed, limit, per_key):
    queue_state(seed)
    chosen = postgresql_claim(Page.objects.all(), limit, per_key)
    assert chosen == portable_choice(Page.objects.all(), limit, per_key)
    assert 0 < len(chosen) <= limit


def test_a_claim_keeps_to_its_queryset():
    queue_state(4)
    mine = Domain.objects.get(name="site3.example.org")
    scope = Page.objects.filter(domain__name__in=[mine.name, "site4.example.org"])
    chosen = postgresql_claim(scope, 10, 5)
    assert chosen == portable_choice(scope, 10, 5)
    assert set(Page.objects.filter(pk__in=chosen).values_list("domain__name", flat=True)) <= {
        mine.name,
        "site4.example.org",
    }


def test_rows_without_a_key_are_not_limited(django_user_model):
    queue_state(6)
    curator = django_user_model.objects.create(username="curator")
    queued = Page.objects.filter(processing_status=ProcessingStatus.QUEUED)
    keyed = list(queued.order_by("queued_at", "pk").values_list("pk", flat=True)[:3])
    Page.objects.filter(pk__in=keyed).update(curated_by=curator)
    chosen = postgresql_claim(Page.objects.all(), 10, 1, field="curated_by_id")
    assert chosen == portable_choice(Page.objects.all(), 10, 1, field="curated_by_id")
    assert len(chosen) == 10
    assert len(set(chosen) & set(keyed)) == 1  # the three rows of one key: one slot


def test_an_empty_claim_has_no_lease():
    assert queue.claim(Page.objects.all(), 10, per_key_field="domain_id", per_key_limit=2) == (
        [],
        None,
    )


def test_a_claim_on_a_queryset_that_matches_nothing_takes_nothing():
    queue_state(7)
    for scope in (Page.objects.none(), Page.objects.filter(pk__in=[])):
        assert postgresql_claim(scope, 10, 2) == portable_choice(scope, 10, 2) == []


def test_a_claim_on_an_ordered_distinct_queryset():
    queue_state(8)
    scope = Page.objects.filter(domain__name__startswith="site1").order_by("-url")
    # The portable claim cannot lock a DISTINCT queryset; the one statement can.
    assert postgresql_claim(scope.distinct(), 10, 2) == portable_choice(scope, 10, 2)
