"""pipeline_status, requeue_pages and create_api_token."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from curation.models import ApiToken, WorkerHeartbeat
from pages.models import Domain, Page


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def state(page) -> tuple:
    page.refresh_from_db()
    return page.curation_status, page.processing_status


@pytest.fixture
def pipeline(make_pages, settings):
    now = timezone.now()
    old = now - timedelta(seconds=settings.PAGE_PROCESSING_LEASE_SECONDS + 120)
    return {
        "new": make_pages(1)[0],
        "queued": make_pages(
            1,
            curation_status="Selected",
            processing_status="Queued",
            queued_at=now - timedelta(minutes=3),
        )[0],
        "stuck": make_pages(
            1,
            curation_status="Selected",
            processing_status="Processing",
            processing_started_at=old,
            processing_attempts=1,
        )[0],
        "busy": make_pages(
            1, curation_status="Selected", processing_status="Processing", processing_started_at=now
        )[0],
        "orphaned": make_pages(1, curation_status="Selected")[0],
        "error": make_pages(
            1,
            curation_status="Selected",
            processing_status="Error",
            processing_error="HTTP 404",
            processing_finished_at=now,
        )[0],
        "rejected_error": make_pages(1, curation_status="Rejected", processing_status="Error")[0],
    }


# --- pipeline_status -----------------------------------------------------------------------


def test_pipeline_status_text(pipeline):
    WorkerHeartbeat.objects.create(
        workflow="page_extraction", last_tick_at=timezone.now(), hostname="worker-1"
    )
    out = run("pipeline_status")
    assert "Selected  / Queued" in out
    assert "Queue: 1 queued, oldest 3 min; 2 processing" in out
    assert "Stuck (Processing past the lease): 1" in out
    assert "Orphaned (Selected, never queued): 1" in out
    assert "requeue_pages --stuck --orphaned" in out
    assert "1 pages finished in the last 5 min" in out
    assert "Worker page_extraction: last tick" in out and "worker-1" in out


def test_pipeline_status_json(pipeline):
    stats = json.loads(run("pipeline_status", "--json"))
    assert stats["queue_depth"] == 1
    assert stats["stuck"] == 1 and stats["orphaned"] == 1
    assert stats["finished_last_5_minutes"] == 1
    assert stats["heartbeats"] == []
    assert {"curation_status": "New", "processing_status": None, "count": 1} in stats[
        "status_pairs"
    ]


def test_pipeline_status_empty(db):
    out = run("pipeline_status")
    assert "(no pages)" in out and "no heartbeat yet" in out


# --- requeue_pages -------------------------------------------------------------------------


def test_requeue_dry_run_changes_nothing(pipeline):
    before = list(Page.objects.order_by("pk").values())
    out = run("requeue_pages", "--stuck", "--orphaned", "--errors", "--dry-run")
    assert "would requeue 1 page" in out
    assert out.count("would queue 1 page") == 2
    assert str(pipeline["stuck"].pk) in out
    assert "Dry run: nothing changed." in out
    assert list(Page.objects.order_by("pk").values()) == before


def test_requeue_stuck(pipeline):
    out = run("requeue_pages", "--stuck")
    assert "1 page back on the queue" in out
    assert state(pipeline["stuck"]) == ("Selected", "Queued")
    assert pipeline["stuck"].processing_started_at is None
    assert pipeline["stuck"].processing_attempts == 1
    assert state(pipeline["busy"]) == ("Selected", "Processing")


def test_requeue_stuck_older_than(pipeline):
    run("requeue_pages", "--stuck", "--older-than", "0")
    assert state(pipeline["busy"]) == ("Selected", "Queued")


def test_requeue_orphaned_and_errors(pipeline):
    out = run("requeue_pages", "--orphaned", "--errors")
    assert "Orphaned (Selected, never queued): 1 page updated, 1 queued" in out
    assert "Errors (Selected, ended in Error): 1 page updated, 1 queued" in out
    assert state(pipeline["orphaned"]) == ("Selected", "Queued")
    assert state(pipeline["error"]) == ("Selected", "Queued")
    assert pipeline["error"].processing_error == ""
    # A page someone rejected stays rejected, Error and all.
    assert state(pipeline["rejected_error"]) == ("Rejected", "Error")


def test_requeue_by_domain(pipeline):
    other = Domain.objects.create(name="other.example.net")
    elsewhere = Page.objects.create(
        url="https://other.example.net/", domain=other, curation_status="Selected"
    )
    out = run("requeue_pages", "--orphaned", "--domain", "other.example.net")
    assert "1 page updated" in out
    assert state(elsewhere) == ("Selected", "Queued")
    assert state(pipeline["orphaned"]) == ("Selected", None)


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--older-than", "5"),
        ("--stuck", "--model", "nope.Nope"),
        ("--stuck", "--model", "curation.WorkerHeartbeat", "--domain", "x"),
    ],
)
def test_requeue_refuses_bad_arguments(db, args):
    with pytest.raises(CommandError):
        run("requeue_pages", *args)


# --- create_api_token ----------------------------------------------------------------------


def test_create_list_and_revoke_a_token(django_user_model):
    django_user_model.objects.create_user("robot")
    out = run("create_api_token", "robot", "--name", "crm sync")
    raw = out.splitlines()[1]
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash(raw) and token.name == "crm sync"
    assert raw not in repr(list(ApiToken.objects.values()))

    listing = run("create_api_token", "--list")
    assert token.prefix in listing and "robot" in listing and "crm sync" in listing
    assert raw not in listing

    assert "Revoked token" in run("create_api_token", "--revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.user_for(raw) is None
    assert "already revoked" in run("create_api_token", "--revoke", token.prefix)


def test_create_token_errors(django_user_model):
    django_user_model.objects.create_user("gone", is_active=False)
    for args in [(), ("nobody",), ("gone",), ("--revoke", "zzzzzzzz")]:
        with pytest.raises(CommandError):
            run("create_api_token", *args)
    assert run("create_api_token", "--list") == "No API tokens.\n"
