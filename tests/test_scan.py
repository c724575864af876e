"""Website scan jobs: request (one active job per domain), crawl, progress, cancel, failure."""

import threading
from datetime import timedelta

import pytest
import requests
import responses
from django.db import connection
from django.utils import timezone
from django_q.models import OrmQ

from contacts import scan
from contacts.models import Contact, ScanJob
from contacts.scan import cancel_scan, request_scan, run_scan
from pages.models import Domain, Page
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://harborlegal.com"


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True  # the fake hosts do not resolve
    settings.FETCH_RETRIES = 0
    settings.FETCH_BACKOFF_SECONDS = 0
    settings.SCRAPER_API_KEY = ""
    settings.FETCH_PER_DOMAIN_CONCURRENCY = 1  # one fetch at a time: a deterministic order
    settings.SCAN_MAX_PAGES = 25


@pytest.fixture
def site():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def domain(db):
    return Domain.objects.create(name="harborlegal.com")


def html(*links: str, body: str = "") -> str:
    anchors = "".join(f'<a href="{href}">{href}</a> ' for href in links)
    return f"<html><head><title>Firm</title></head><body>{anchors}{body}</body></html>"


def serve(site, url: str, text: str, status: int = 200):
    site.get(url, body=text, status=status, content_type="text/html; charset=utf-8")


def fetched(site) -> list[str]:
    return [call.request.url.replace(SITE, "") for call in site.calls]


def done_with_db():
    """Responses callbacks run on the crawl's pool threads: close their connections."""
    if threading.current_thread() is not threading.main_thread():
        connection.close()


def scan_now(domain, user=None) -> ScanJob:
    job, created = request_scan(domain, user)
    assert created
    run_scan(str(job.pk))
    job.refresh_from_db()
    return job


HOME = html(
    "/blog/welcome",
    "/services",
    "/about-us",
    "https://other-firm.com/contact",
    "/contact",
    "https://www.harborlegal.com/team",
    "/files/brochure.pdf",
    "mailto:info@harborlegal.com",
    "#top",
    "javascript:void(0)",
    "/impressum",
    body="<p>Write to <a href='mailto:info@harborlegal.com'>info@harborlegal.com</a></p>",
)


def serve_firm(site):
    serve(site, SITE + "/", HOME)
    serve(
        site,
        SITE + "/contact",
        html("/", "/contact", body="<p>Jane Roe: jane.roe@harborlegal.com</p>"),
    )
    serve(site, "https://www.harborlegal.com/team", html("/team/jane-roe"))
    serve(site, SITE + "/about-us", html("/team/omar-haddad", "/careers"))
    serve(site, SITE + "/impressum", html())
    serve(site, SITE + "/services", html())
    serve(site, SITE + "/blog/welcome", html())
    for path in ("/team/omar-haddad", "/careers"):
        serve(site, SITE + path, html())
    serve(site, "https://www.harborlegal.com/team/jane-roe", html())


# --- The crawl -------------------------------------------------------------------------------


def test_crawl_visits_contact_pages_first_on_the_same_site_only(site, domain, django_user_model):
    serve_firm(site)
    user = django_user_model.objects.create_user("robot")
    job = scan_now(domain, user)
    assert (job.status, job.error, job.progress) == ("complete", "", 1.0)
    assert fetched(site) == [
        "/",
        "/contact",
        "https://www.harborlegal.com/team",
        "/about-us",
        "/impressum",
        # pages found later still go by rank: people's pages before the generic ones
        "https://www.harborlegal.com/team/jane-roe",
        "/team/omar-haddad",
        "/services",
        "/careers",
        "/blog/welcome",
    ]
    assert job.result == {
        "pages_visited": 10,
        "pages_failed": 0,
        "emails_found": 2,
        "contacts_created": 2,
    }
    assert job.created_by == user and job.started_at and job.finished_at
    pages = Page.objects.filter(domain=domain)
    assert pages.count() == 10
    assert set(pages.values_list("source", "processing_status", "curation_status")) == {
        ("scan", "Complete", "New")
    }
    contact = Page.objects.get(url=SITE + "/contact")
    assert (contact.page_type, contact.contacts_found, contact.title) == ("contact", 1, "Firm")
    assert set(Contact.objects.values_list("email", flat=True)) == {
        "info@harborlegal.com",
        "jane.roe@harborlegal.com",
    }
    assert Contact.objects.get(email="jane.roe@harborlegal.com").page == contact


def test_the_page_limit_bounds_the_crawl(site, domain, settings):
    settings.SCAN_MAX_PAGES = 3
    serve_firm(site)
    job = scan_now(domain)
    assert fetched(site) == ["/", "/contact", "https://www.harborlegal.com/team"]
    assert (job.status, job.result["pages_visited"], job.progress) == ("complete", 3, 1.0)


def test_concurrent_fetches_visit_the_same_pages(site, domain, settings):
    settings.FETCH_PER_DOMAIN_CONCURRENCY = 3
    serve_firm(site)
    job = scan_now(domain)
    assert len(fetched(site)) == len(set(fetched(site))) == job.result["pages_visited"] == 10
    assert job.result["emails_found"] == 2


def test_progress_is_recorded_after_each_page(site, domain, settings):
    settings.SCAN_MAX_PAGES = 4
    seen: list[float] = []

    def page(request):
        seen.append(ScanJob.objects.get().progress)
        done_with_db()
        links = "".join(f"<a href='/p{i}'>p</a>" for i in range(1, 6))
        return 200, {"Content-Type": "text/html"}, f"<html><body>{links}</body></html>"

    site.add_callback(responses.GET, SITE + "/", callback=page)
    for i in range(1, 6):
        site.add_callback(responses.GET, f"{SITE}/p{i}", callback=page)
    job = scan_now(domain)
    assert seen == [0.0, 0.25, 0.5, 0.75]
    assert (job.progress, job.result["pages_visited"]) == (1.0, 4)


def test_a_small_site_completes_with_progress_one(site, domain):
    serve(site, SITE + "/", html("/about"))
    serve(site, SITE + "/about", html())
    job = scan_now(domain)
    assert (job.status, job.progress, job.result["pages_visited"]) == ("complete", 1.0, 2)


def test_zero_emails_is_complete(site, domain):
    serve(site, SITE + "/", html(body="<p>No contacts here.</p>"))
    job = scan_now(domain)
    assert (job.status, job.error) == ("complete", "")
    assert job.result == {
        "pages_visited": 1,
        "pages_failed": 0,
        "emails_found": 0,
        "contacts_created": 0,
    }
    assert not Contact.objects.exists()


def test_broken_links_are_counted_not_fatal(site, domain):
    serve(site, SITE + "/", html("/missing", "/contact", "/moved"))
    serve(site, SITE + "/missing", "gone", status=404)
    serve(site, SITE + "/contact", html())
    site.get(SITE + "/moved", status=301, headers={"Location": "https://elsewhere.net/"})
    serve(site, "https://elsewhere.net/", html())
    job = scan_now(domain)
    assert job.status == "complete"
    assert (job.result["pages_visited"], job.result["pages_failed"]) == (2, 2)
    assert not Page.objects.filter(url__endswith="/missing").exists()


def test_a_home_page_redirect_to_www_keeps_the_crawl_on_site(site, domain):
    site.get(SITE + "/", status=301, headers={"Location": "https://www.harborlegal.com/"})
    serve(site, "https://www.harborlegal.com/", html("/contact"))
    serve(site, "https://www.harborlegal.com/contact", html())
    job = scan_now(domain)
    assert job.result["pages_visited"] == 2
    assert Page.objects.filter(url="https://www.harborlegal.com/contact").exists()


def test_an_existing_page_keeps_its_curation_and_its_queue_place(site, domain):
    serve(site, SITE + "/", html("/contact", "/team"))
    serve(site, SITE + "/contact", html(body="ann@harborlegal.com"))
    serve(site, SITE + "/team", html())
    queued = Page.objects.create(
        url=SITE + "/contact", curation_status="Selected", processing_status="Queued"
    )
    rejected = Page.objects.create(url=SITE + "/team", curation_status="Rejected")
    scan_now(domain)
    queued.refresh_from_db()
    rejected.refresh_from_db()
    assert (queued.curation_status, queued.processing_status) == ("Selected", "Queued")
    assert queued.source == "manual"
    assert (rejected.curation_status, rejected.processing_status) == ("Rejected", "Complete")
    assert Contact.objects.get().page_id == queued.pk


# --- Failures --------------------------------------------------------------------------------


def test_an_unreachable_site_fails_with_the_fetch_error(site, domain):
    for scheme in ("https", "http"):
        site.get(
            f"{scheme}://harborlegal.com/",
            body=requests.exceptions.ConnectionError("[Errno 111] Connection refused"),
        )
    job = scan_now(domain)
    assert job.status == "failed"
    assert job.error == (
        "could not fetch the home page http://harborlegal.com/: "
        "could not connect to host: harborlegal.com (Connection refused)"
    )
    assert fetched(site) == ["/", "http://harborlegal.com/"]
    assert job.result["pages_visited"] == 0


def test_a_missing_home_page_fails_without_trying_http(site, domain):
    serve(site, SITE + "/", "no", status=404)
    job = scan_now(domain)
    assert job.status == "failed"
    assert job.error == (f"could not fetch the home page {SITE}/: HTTP 404 Not Found from {SITE}/")
    assert len(site.calls) == 1


def test_an_invalid_site_fails(db):
    job = scan_now(Domain.objects.create(name="not_a_host"))
    assert job.status == "failed"
    assert job.error.startswith("not a valid website: no valid host name")


def test_an_unexpected_error_fails_the_job_and_is_logged(site, domain, monkeypatch):
    serve(site, SITE + "/", html())

    def broken(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(scan, "store_scanned_page", broken)
    job = scan_now(domain)
    assert (job.status, job.error) == ("failed", "internal error: RuntimeError: disk on fire")


# --- One active job per domain ---------------------------------------------------------------


def test_a_second_request_returns_the_active_job(domain):
    first, created = request_scan(domain)
    assert created and first.status == "pending"
    assert OrmQ.objects.get().task["func"] == "contacts.scan.run_scan"
    assert OrmQ.objects.get().task["args"] == (str(first.pk),)
    again, created = request_scan(domain)
    assert (again.pk, created) == (first.pk, False)
    ScanJob.objects.filter(pk=first.pk).update(status="running")
    assert request_scan(domain) == (first, False)
    ScanJob.objects.filter(pk=first.pk).update(status="complete")
    third, created = request_scan(domain)
    assert created and third.pk != first.pk
    assert OrmQ.objects.count() == 2


def test_two_concurrent_requests_make_one_job(domain, monkeypatch):
    both_checked = threading.Barrier(2, timeout=10)
    original = scan.reap_stale_scans

    def in_step(d):
        original(d)
        both_checked.wait()  # both requests look for an active job at the same moment

    monkeypatch.setattr(scan, "reap_stale_scans", in_step)
    results = []

    def ask():
        results.append(request_scan(Domain.objects.get(pk=domain.pk)))

    run_concurrently(ask, ask, timeout=20)
    assert ScanJob.objects.count() == 1
    assert {job.pk for job, _ in results} == {ScanJob.objects.get().pk}
    assert sorted(created for _, created in results) == [False, True]
    assert OrmQ.objects.count() == 1


def test_the_database_refuses_two_active_jobs(domain):
    from django.db import IntegrityError, transaction

    ScanJob.objects.create(domain=domain, status="running")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanJob.objects.create(domain=domain)
    ScanJob.objects.create(domain=domain, status="failed")  # finished jobs do not count


def test_a_stale_running_job_is_failed_by_the_next_request(domain, settings):
    old = ScanJob.objects.create(domain=domain, status="running")
    ScanJob.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.Q_TIMEOUT + 1)
    )
    job, created = request_scan(domain)
    assert created and job.pk != old.pk
    old.refresh_from_db()
    assert old.status == "failed" and "the worker stopped" in old.error


def test_run_scan_runs_a_job_once(site, domain):
    serve(site, SITE + "/", html())
    job = scan_now(domain)
    assert run_scan(str(job.pk)).endswith("not pending, nothing done")
    assert len(site.calls) == 1


# --- Cancelling ------------------------------------------------------------------------------


def test_cancelling_stops_the_crawl_between_pages(site, domain):
    links = "".join(f"<a href='/p{i}'>p</a>" for i in range(1, 9))
    serve(site, SITE + "/", f"<html><body>{links}</body></html>")
    for i in (1, 2, 4, 5, 6, 7, 8):
        serve(site, f"{SITE}/p{i}", html(body=f"p{i}@harborlegal.com"))

    def cancel_while_fetching(request):
        assert cancel_scan(ScanJob.objects.get())
        done_with_db()
        return 200, {"Content-Type": "text/html"}, html(body="p3@harborlegal.com")

    site.add_callback(responses.GET, f"{SITE}/p3", callback=cancel_while_fetching)
    job = scan_now(domain)
    assert job.status == "cancelled" and job.finished_at
    assert fetched(site) == ["/", "/p1", "/p2", "/p3"]
    # The page fetched while the job was cancelled is not stored.
    assert job.result["pages_visited"] == 3
    assert not Page.objects.filter(url=f"{SITE}/p3").exists()
    assert job.progress == pytest.approx(3 / 25)
    assert not cancel_scan(job)  # already over


def test_a_job_cancelled_before_it_starts_never_runs(site, domain):
    job, _ = request_scan(domain)
    assert cancel_scan(job)
    assert run_scan(str(job.pk)).endswith("not pending, nothing done")
    job.refresh_from_db()
    assert job.status == "cancelled" and not site.calls
    assert request_scan(domain)[1]  # a new scan may start
