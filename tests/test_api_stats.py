"""GET /api/v3/stats and /healthz."""

from datetime import timedelta

from django.db import OperationalError
from django.utils import timezone

from contacts.models import Contact
from curation import stats
from curation.models import WorkerHeartbeat
from pages.models import Page, ScraperApiUsage


def test_stats(client, auth, make_pages, domain, settings):
    now = timezone.now()
    lease = settings.PAGE_PROCESSING_LEASE_SECONDS
    make_pages(2)
    queued = make_pages(2, curation_status="Selected", processing_status="Queued")
    Page.objects.filter(pk=queued[0].pk).update(queued_at=now - timedelta(seconds=90))
    Page.objects.filter(pk=queued[1].pk).update(queued_at=now - timedelta(seconds=10))
    make_pages(
        1,
        curation_status="Selected",
        processing_status="Processing",
        processing_started_at=now - timedelta(seconds=lease + 60),
    )
    make_pages(
        1, curation_status="Selected", processing_status="Processing", processing_started_at=now
    )
    make_pages(1, curation_status="Selected")  # orphaned
    make_pages(
        3,
        curation_status="Selected",
        processing_status="Complete",
        processing_finished_at=now - timedelta(minutes=2),
    )
    make_pages(
        1,
        curation_status="Selected",
        processing_status="Error",
        processing_finished_at=now - timedelta(minutes=30),
    )
    Contact.objects.create(domain=domain, email="a@firm.example.org")
    old = Contact.objects.create(domain=domain, email="b@firm.example.org")
    Contact.objects.filter(pk=old.pk).update(first_seen=now - timedelta(hours=5))
    WorkerHeartbeat.objects.create(
        workflow="page_extraction", last_tick_at=now - timedelta(seconds=30)
    )
    ScraperApiUsage.record(10)

    response = client.get("/api/v3/stats", headers=auth)
    assert response.status_code == 200
    payload = response.json()
    pairs = {
        (p["curation_status"], p["processing_status"]): p["count"] for p in payload["status_pairs"]
    }
    assert pairs == {
        ("New", None): 2,
        ("Selected", "Queued"): 2,
        ("Selected", "Processing"): 2,
        ("Selected", None): 1,
        ("Selected", "Complete"): 3,
        ("Selected", "Error"): 1,
    }
    assert payload["queue_depth"] == 2
    assert 85 <= payload["oldest_queued_age_seconds"] < 120
    assert payload["processing"] == 2
    assert payload["stuck"] == 1
    assert payload["orphaned"] == 1
    assert payload["finished_last_5_minutes"] == 3
    assert payload["finished_last_60_minutes"] == 4
    assert (payload["contacts_last_hour"], payload["contacts_last_day"]) == (1, 2)
    assert 29 <= payload["heartbeat_age_seconds"] < 60
    assert payload["heartbeats"][0]["workflow"] == "page_extraction"
    assert payload["scraper_api_credits_today"] == 10
    assert payload["scraper_api_requests_today"] == 1


def test_stats_on_an_empty_database(client, auth):
    payload = client.get("/api/v3/stats", headers=auth).json()
    assert payload["queue_depth"] == 0
    assert payload["oldest_queued_age_seconds"] is None
    assert payload["last_heartbeat_at"] is None
    assert payload["scraper_api_credits_today"] == 0


def test_stats_needs_auth(client, db):
    assert client.get("/api/v3/stats").status_code == 401


def test_healthz_needs_no_auth(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "heartbeat_age_seconds": None}
    WorkerHeartbeat.objects.create(workflow="w", last_tick_at=timezone.now() - timedelta(seconds=5))
    assert 4 <= client.get("/healthz").json()["heartbeat_age_seconds"] < 30


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(stats, "heartbeat_age_seconds", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405
