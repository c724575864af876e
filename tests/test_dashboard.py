"""The pipeline dashboard in the admin."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from curation import dashboard
from curation.models import WorkerHeartbeat
from pages.models import Page

URL = "/admin/dashboard/"


@pytest.fixture
def pipeline(make_pages, domain):
    now = timezone.now()
    make_pages(2)  # New, never queued
    make_pages(3, curation_status="Selected", processing_status="Queued")
    Page.objects.filter(processing_status="Queued").update(queued_at=now - timedelta(minutes=10))
    make_pages(
        1, curation_status="Selected", processing_status="Processing", processing_started_at=now
    )
    make_pages(1, curation_status="Selected")  # orphaned: Selected, never queued
    make_pages(
        2,
        curation_status="Selected",
        processing_status="Complete",
        processing_finished_at=now - timedelta(minutes=2),
    )
    for path in ("a", "b"):
        Page.objects.create(
            url=f"https://{domain.name}/missing-{path}",
            curation_status="Selected",
            processing_status="Error",
            processing_error=f"HTTP 404 from https://{domain.name}/missing-{path}",
            processing_finished_at=now - timedelta(minutes=2),
        )
    make_pages(
        1,
        curation_status="Selected",
        processing_status="Error",
        processing_error="timed out after 30 s",
        processing_finished_at=now - timedelta(hours=3),
    )
    page = Page.objects.first()
    for i in range(3):
        Contact.objects.create(domain=domain, page=page, email=f"p{i}@{domain.name}")
    old = Contact.objects.create(domain=domain, page=page, email=f"old@{domain.name}")
    Contact.objects.filter(pk=old.pk).update(first_seen=now - timedelta(days=5))
    Contact.objects.create(domain=domain, page=page, email=f"ancient@{domain.name}")
    Contact.objects.filter(email__startswith="ancient").update(first_seen=now - timedelta(days=40))
    WorkerHeartbeat.objects.create(
        workflow="page_extraction",
        last_tick_at=now - timedelta(seconds=30),
        last_tick_seconds=1.5,
        last_tick_processed=4,
        hostname="worker-1",
    )


def cell(context, curation: str, processing: str) -> int:
    row = next(r for r in context["table"]["rows"] if r["status"] == curation)
    return row["cells"][context["table"]["columns"].index(processing)]["count"]


def test_staff_sees_the_figures(client, staff, pipeline):
    client.force_login(staff)
    response = client.get(URL)
    assert response.status_code == 200
    ctx = response.context
    assert cell(ctx, "New", "never queued") == 2
    assert cell(ctx, "Selected", "Queued") == 3
    assert cell(ctx, "Selected", "Complete") == 2
    assert cell(ctx, "Selected", "Error") == 3
    assert ctx["table"]["total"] == 12
    queue = ctx["queue"]
    assert (queue["depth"], queue["processing"], queue["orphaned"], queue["stuck"]) == (3, 1, 1, 0)
    assert 590 < queue["oldest_age_seconds"] < 700
    assert queue["oldest_age"] == "10 min"
    # Finished in the last hour: 2 Complete + 2 Error two minutes ago, in one minute's bar.
    assert ctx["throughput"]["total"] == 4
    assert len(ctx["throughput"]["bars"]) == 60
    assert sorted(b["count"] for b in ctx["throughput"]["bars"] if b["count"]) == [4]
    # Contacts: 3 today and 1 five days ago in the 30-day chart; the 40-day-old one is out.
    days = ctx["contacts"]["bars"]
    assert len(days) == 30 and ctx["contacts"]["total"] == 4
    assert days[-1]["count"] == 3 and days[-6]["count"] == 1
    assert ctx["errors"][0]["reason"] == "HTTP 404 from …"
    assert ctx["errors"][0]["count"] == 2
    assert ctx["errors"][1]["reason"] == "timed out after 30 s"
    assert [b["workflow"] for b in ctx["heartbeats"]] == ["page_extraction"]
    html = response.content.decode()
    assert "<svg" in html and "worker-1" in html and "HTTP 404 from …" in html
    assert 'id="queue-depth">3<' in html


def test_status_cells_link_to_the_filtered_changelist(client, staff, pipeline):
    client.force_login(staff)
    ctx = client.get(URL).context
    row = next(r for r in ctx["table"]["rows"] if r["status"] == "Selected")
    queued = row["cells"][ctx["table"]["columns"].index("Queued")]["url"]
    assert queued == (
        "/admin/pages/page/?curation_status__exact=Selected&processing_status__exact=Queued"
    )
    response = client.get(queued)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    never = ctx["table"]["totals"][0]["url"]
    assert client.get(never).context["cl"].result_count == 3  # 2 New + 1 orphaned


def test_error_reasons_link_to_their_pages(client, staff, pipeline):
    client.force_login(staff)
    errors = client.get(URL).context["errors"]
    response = client.get(errors[0]["url"])
    assert response.status_code == 200
    assert {p.url.rsplit("/", 1)[1] for p in response.context["cl"].result_list} == {
        "missing-a",
        "missing-b",
    }
    assert client.get(errors[1]["url"]).context["cl"].result_count == 1


def test_error_reasons_without_postgresql(pipeline, monkeypatch):
    monkeypatch.setattr(dashboard, "connection", SimpleNamespace(vendor="sqlite"))
    errors = dashboard.error_reasons(Page.objects.all(), "/admin/pages/page/")
    assert [(e["reason"], e["count"]) for e in errors] == [
        ("HTTP 404 from …", 2),
        ("timed out after 30 s", 1),
    ]


def test_empty_dashboard(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert "No page is in Error." in response.content.decode()
    assert "No heartbeat yet" in response.content.decode()


def test_non_staff_is_sent_to_the_login(client, django_user_model):
    user = django_user_model.objects.create_user("plain", password="pw")
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.logout()
    assert client.get(URL)["Location"].startswith(reverse("admin:login"))


def test_admin_index_links_to_the_dashboard(client, staff):
    client.force_login(staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{URL}"' in html
    assert "/admin/pages/page/" in html  # the stock app list is still there
