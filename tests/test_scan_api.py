"""The website-scan API (start, status, cancel) and the scan pieces of the admin."""

import json
import uuid

import pytest
from django.urls import reverse
from django_q.models import OrmQ

from contacts.models import ScanJob
from pages.models import Domain

pytestmark = pytest.mark.django_db

START = "/api/v3/scan/website"


def post(client, url, body, headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", headers=headers)


# --- POST /scan/website ----------------------------------------------------------------------


def test_start_by_domain_id_is_202_with_a_job_id(client, auth, api_user, domain):
    response = post(client, START, {"domain_id": str(domain.pk)}, auth)
    assert response.status_code == 202
    body = response.json()
    job = ScanJob.objects.get()
    assert body == {"job_id": str(job.pk), "status": "pending", "created": True}
    assert (job.domain, job.created_by, job.job_type) == (domain, api_user, "email_scan")
    assert OrmQ.objects.get().task["func"] == "contacts.scan.run_scan"


def test_start_by_url_creates_the_domain_and_starts_at_its_home_page(client, auth):
    response = post(client, START, {"url": "HTTP://Harborlegal.com:8080/team#x"}, auth)
    assert response.status_code == 202
    job = ScanJob.objects.select_related("domain").get()
    assert job.domain.name == "harborlegal.com"
    assert job.start_url == "http://harborlegal.com:8080/"


def test_a_second_request_returns_the_running_job(client, auth, domain):
    first = post(client, START, {"domain_id": str(domain.pk)}, auth).json()
    ScanJob.objects.update(status="running")
    again = post(client, START, {"url": "https://firm.example.org/"}, auth)
    assert again.status_code == 202
    assert again.json() == {"job_id": first["job_id"], "status": "running", "created": False}
    assert ScanJob.objects.count() == 1


def test_start_needs_credentials(client, domain):
    response = post(client, START, {"domain_id": str(domain.pk)}, {})
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
    assert not ScanJob.objects.exists()


@pytest.mark.parametrize(
    "body,status,fragment",
    [
        ({}, 422, "either domain_id or url"),
        ({"domain_id": "{id}", "url": "https://a.example.com/"}, 422, "either domain_id or url"),
        ({"domain_id": "nope"}, 422, "domain_id"),
        ({"domain_id": str(uuid.UUID(int=7))}, 404, "No domain"),
        ({"url": "ftp://firm.example.org/"}, 422, "only http and https"),
        ({"url": "not a url"}, 422, "url:"),
        ({"url": "https://a.example.com/\u0000"}, 422, "NUL"),
        ('{"url": ', 400, "not valid JSON"),
    ],
)
def test_bad_start_requests_are_readable_4xx(client, auth, domain, body, status, fragment):
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace("{id}", str(domain.pk)))
    response = post(client, START, body, auth)
    assert response.status_code == status
    assert fragment in response.json()["detail"]
    assert not ScanJob.objects.exists()


# --- GET /scan/status/{job_id} ---------------------------------------------------------------


def test_status_shows_the_job(client, auth, api_user, domain):
    job = ScanJob.objects.create(
        domain=domain,
        created_by=api_user,
        status="complete",
        progress=1.0,
        result={"pages_visited": 4, "emails_found": 2, "contacts_created": 2},
    )
    response = client.get(f"/api/v3/scan/status/{job.pk}", headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["job_id"] == str(job.pk)
    assert (body["status"], body["progress"], body["job_type"]) == ("complete", 1.0, "email_scan")
    assert body["result"] == {"pages_visited": 4, "emails_found": 2, "contacts_created": 2}
    assert (body["domain"], body["domain_id"]) == ("firm.example.org", str(domain.pk))
    assert (body["created_by"], body["error"]) == ("robot", "")
    assert body["created_at"] and body["updated_at"]


def test_status_of_an_unknown_job_is_404_json(client, auth):
    response = client.get(f"/api/v3/scan/status/{uuid.uuid4()}", headers=auth)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No scan job")
    assert client.get("/api/v3/scan/status/nope", headers=auth).status_code == 422


def test_status_needs_credentials(client, domain):
    job = ScanJob.objects.create(domain=domain)
    assert client.get(f"/api/v3/scan/status/{job.pk}").status_code == 401


# --- POST /scan/{job_id}/cancel --------------------------------------------------------------


def test_cancel_a_pending_job(client, auth, domain):
    job = ScanJob.objects.create(domain=domain)
    response = post(client, f"/api/v3/scan/{job.pk}/cancel", {}, auth)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    job.refresh_from_db()
    assert job.status == "cancelled" and job.finished_at


def test_cancel_an_ended_job_is_409(client, auth, domain):
    job = ScanJob.objects.create(domain=domain, status="complete")
    response = post(client, f"/api/v3/scan/{job.pk}/cancel", {}, auth)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The scan already ended (complete); there is nothing to cancel."
    }


def test_cancel_unknown_or_without_credentials(client, auth, domain):
    assert post(client, f"/api/v3/scan/{uuid.uuid4()}/cancel", {}, auth).status_code == 404
    job = ScanJob.objects.create(domain=domain)
    assert post(client, f"/api/v3/scan/{job.pk}/cancel", {}, {}).status_code == 401
    job.refresh_from_db()
    assert job.status == "pending"


def test_the_scan_routes_are_in_the_openapi_schema(client, auth):
    paths = client.get("/api/v3/openapi.json", headers=auth).json()["paths"]
    assert {"/api/v3/scan/website", "/api/v3/scan/status/{job_id}"} <= set(paths)
    assert "/api/v3/scan/{job_id}/cancel" in paths and "/api/v3/domains/status" in paths


# --- The admin -------------------------------------------------------------------------------


def test_admin_scan_action_starts_one_job_per_domain(client, staff):
    domains = [Domain.objects.create(name=f"d{i}.example.com") for i in range(3)]
    ScanJob.objects.create(domain=domains[0], status="running")
    client.force_login(staff)
    response = client.post(
        reverse("admin:pages_domain_changelist"),
        {"action": "scan_website", "_selected_action": [str(d.pk) for d in domains]},
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "2 scans started; 1 already pending or running" in text
    assert ScanJob.objects.filter(status="pending", created_by=staff).count() == 2
    assert ScanJob.objects.count() == 3


def test_admin_scan_jobs_are_listed_read_only_with_progress(client, staff, domain):
    job = ScanJob.objects.create(
        domain=domain, status="running", progress=0.4, result={"pages_visited": 10}
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:contacts_scanjob_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "40%" in html and "firm.example.org" in html
    assert "Add scan job" not in html
    detail = client.get(reverse("admin:contacts_scanjob_change", args=[job.pk]))
    assert detail.status_code == 200
    assert b'name="status"' not in detail.content  # read-only
    assert client.get(reverse("admin:contacts_scanjob_add")).status_code == 403


def test_a_running_job_whose_worker_died_reads_as_failed(client, auth, settings, domain):
    from datetime import timedelta

    from django.utils import timezone

    job = ScanJob.objects.create(domain=domain, status="running")
    ScanJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.Q_TIMEOUT + 5)
    )
    body = client.get(f"/api/v3/scan/status/{job.pk}", headers=auth).json()
    assert body["status"] == "failed"
    assert "the worker stopped" in body["error"]
