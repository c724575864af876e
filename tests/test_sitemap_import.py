"""The sitemap-import workflow on Domain: select → tick → pages; its command, admin and API."""

import gzip
import json
from io import StringIO

import pytest
import requests
import responses
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_q.models import OrmQ

from curation import runner
from curation.models import CurationStatus, ProcessingStatus
from curation.queue import set_curation_status
from pages.models import Domain, Page, PageSource
from pages.sitemap_import import sitemap_import

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://firm.example.org"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
PAGES = (
    "/",
    "/services/audit",
    "/blog/2023/05/how-to-contact-us",
    "/contact",
    "/about-us",
    "/team",
    "/team/jane-doe",
    "/files/contact.pdf",
    "/de/kontakt",
)


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True  # the fake hosts do not resolve
    settings.FETCH_RETRIES = 0
    settings.FETCH_BACKOFF_SECONDS = 0
    settings.SCRAPER_API_KEY = ""


@pytest.fixture
def site():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def urlset(*paths: str) -> str:
    entries = "".join(f"<url><loc>{SITE}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{entries}</urlset>'


def index(*paths: str) -> str:
    entries = "".join(f"<sitemap><loc>{SITE}{p}</loc></sitemap>" for p in paths)
    return f'<?xml version="1.0"?><sitemapindex {NS}>{entries}</sitemapindex>'


def serve(site, path: str, body, status: int = 200, content_type: str = "application/xml"):
    site.get(SITE + path, body=body, status=status, content_type=content_type)


def serve_robots(site, *sitemaps: str):
    lines = "".join(f"Sitemap: {SITE}{s}\n" for s in sitemaps)
    serve(site, "/robots.txt", "User-agent: *\nDisallow:\n" + lines, content_type="text/plain")


def select_domain(name: str = "firm.example.org", **options) -> Domain:
    domain, _ = Domain.objects.update_or_create(name=name, defaults=options)
    set_curation_status(Domain.objects.filter(pk=domain.pk), "Selected", kick=False)
    return domain


def run_tick():
    return runner.tick(sitemap_import, budget_seconds=30, threads=2)


def urls() -> set[str]:
    return {u.removeprefix(SITE) for u in Page.objects.values_list("url", flat=True)}


# --- The workflow end to end -----------------------------------------------------------------


def test_robots_index_and_gzip_sitemaps_become_new_pages(site):
    serve_robots(site, "/sitemap-index.xml")
    serve(site, "/sitemap-index.xml", index("/pages.xml", "/more.xml.gz"))
    serve(site, "/pages.xml", urlset(*PAGES[:5]))
    serve(site, "/more.xml.gz", gzip.compress(urlset(*PAGES[5:]).encode()), content_type="")
    domain = select_domain()
    result = run_tick()
    assert (result.completed, result.failed) == (1, 0)
    domain.refresh_from_db()
    assert (domain.curation_status, domain.processing_status) == ("Selected", "Complete")
    assert domain.pages_imported == len(PAGES) == Page.objects.count()
    assert urls() == set(PAGES)
    pages = {p.url.removeprefix(SITE): p for p in Page.objects.all()}
    assert {p.source for p in pages.values()} == {PageSource.SITEMAP}
    assert {p.domain_id for p in pages.values()} == {domain.pk}
    assert {(p.curation_status, p.processing_status) for p in pages.values()} == {("New", None)}
    assert (pages["/contact"].page_type, pages["/contact"].path_depth) == ("contact", 1)
    assert pages["/contact"].page_type_confidence == 0.95
    assert pages["/blog/2023/05/how-to-contact-us"].page_type == "blog"
    assert pages["/team/jane-doe"].page_type == "team"
    assert pages["/files/contact.pdf"].page_type == "other"


def test_importing_again_creates_no_duplicates_and_keeps_decisions(site):
    serve_robots(site, "/sitemap.xml")
    serve(site, "/sitemap.xml", urlset("/contact", "/about-us", "/services"))
    Page.objects.create(url=f"{SITE}/contact", curation_status=CurationStatus.REJECTED)
    domain = select_domain()
    run_tick()
    domain.refresh_from_db()
    assert domain.pages_imported == 2
    select_domain()
    run_tick()
    domain.refresh_from_db()
    assert (domain.processing_status, domain.pages_imported) == ("Complete", 0)
    assert Page.objects.count() == 3
    contact = Page.objects.get(url=f"{SITE}/contact")
    assert (contact.curation_status, contact.source) == ("Rejected", PageSource.MANUAL)


def test_limit_and_url_filter(site, settings):
    settings.SITEMAP_MAX_PAGES_PER_DOMAIN = 100
    serve_robots(site, "/sitemap.xml")
    serve(site, "/sitemap.xml", urlset(*PAGES))
    select_domain(sitemap_limit=2, sitemap_url_pattern=r"/(team|contact|kontakt)")
    run_tick()
    # Likely contact pages come before the others (/team/jane-doe) within the limit.
    assert urls() == {"/contact", "/team"}

    Page.objects.all().delete()
    settings.SITEMAP_MAX_PAGES_PER_DOMAIN = 3
    select_domain(sitemap_limit=None, sitemap_url_pattern="")
    run_tick()
    assert Page.objects.count() == 3
    assert Domain.objects.get().pages_imported == 3


def test_auto_select_queues_only_likely_contact_pages(site):
    serve_robots(site, "/sitemap.xml")
    serve(site, "/sitemap.xml", urlset(*PAGES))
    Page.objects.create(url=f"{SITE}/team", curation_status=CurationStatus.ARCHIVED)
    domain = select_domain(auto_select_contact_pages=True)
    run_tick()
    selected = set(
        Page.objects.filter(curation_status="Selected", processing_status="Queued").values_list(
            "url", flat=True
        )
    )
    # Not the blog post, the PDF, the person below /team, nor the page someone archived.
    assert {u.removeprefix(SITE) for u in selected} == {"/contact", "/about-us", "/de/kontakt"}
    assert Page.objects.get(url=f"{SITE}/team").curation_status == "Archived"
    assert OrmQ.objects.filter(key="scrapersky").exists()  # the extraction worker was kicked
    domain.refresh_from_db()
    assert Page.objects.filter(curated_by=domain.curated_by, curation_status="Selected").count()


def test_without_auto_select_nothing_is_selected(site):
    serve_robots(site, "/sitemap.xml")
    serve(site, "/sitemap.xml", urlset(*PAGES))
    select_domain()
    run_tick()
    assert not Page.objects.exclude(curation_status="New").exists()


# --- Failures end as Error with the reason ---------------------------------------------------


def error_of(domain: Domain) -> str:
    domain.refresh_from_db()
    assert domain.processing_status == ProcessingStatus.ERROR
    assert domain.pages_imported == 0
    return domain.processing_error


def test_malformed_xml_is_an_error(site):
    serve_robots(site, "/sitemap.xml")
    serve(site, "/sitemap.xml", f"<urlset {NS}><url><loc>{SITE}/a</lo></url></urlset>")
    domain = select_domain()
    assert run_tick().failed == 1
    assert error_of(domain).startswith(f"malformed XML in {SITE}/sitemap.xml")
    assert not Page.objects.exists()


def test_no_sitemap_anywhere_is_an_error(site):
    for path in ("/robots.txt", "/sitemap.xml", "/sitemap_index.xml"):
        serve(site, path, "Not found", status=404, content_type="text/html")
    domain = select_domain()
    run_tick()
    assert error_of(domain) == (
        "no sitemap found for firm.example.org (tried robots.txt, /sitemap.xml, /sitemap_index.xml)"
    )


def test_a_declared_sitemap_that_is_missing_is_an_error(site):
    serve_robots(site, "/gone.xml")
    serve(site, "/gone.xml", "Not found", status=404, content_type="text/html")
    for path in ("/sitemap.xml", "/sitemap_index.xml"):
        serve(site, path, "Not found", status=404, content_type="text/html")
    domain = select_domain()
    run_tick()
    assert "HTTP 404 Not Found" in error_of(domain)


def test_an_index_loop_is_an_error(site):
    serve_robots(site, "/a.xml")
    serve(site, "/a.xml", index("/b.xml"))
    serve(site, "/b.xml", index("/a.xml"))
    domain = select_domain()
    run_tick()
    assert error_of(domain) == f"sitemap index loop at {SITE}/a.xml"


def test_an_unreachable_site_is_an_error(site):
    for scheme in ("https", "http"):
        site.get(
            f"{scheme}://firm.example.org/robots.txt",
            body=requests.exceptions.ConnectionError("Connection refused"),
        )
    domain = select_domain()
    run_tick()
    assert error_of(domain).startswith("could not reach firm.example.org: could not connect")


# --- manage.py import_sitemap ----------------------------------------------------------------


def test_command_selects_domains_with_options_and_runs_now(site):
    serve_robots(site, "/sitemap.xml")
    serve(site, "/sitemap.xml", urlset(*PAGES))
    out = StringIO()
    call_command(
        "import_sitemap",
        "https://Firm.Example.org/anything",
        "--limit",
        "4",
        "--match",
        "contact|kontakt|team|about",
        "--select",
        "--now",
        stdout=out,
    )
    text = out.getvalue()
    assert "Import pages from sitemap: 1 domain updated, 1 queued for processing." in text
    assert "firm.example.org: 4 pages imported" in text
    domain = Domain.objects.get()
    assert (domain.sitemap_limit, domain.auto_select_contact_pages) == (4, True)
    assert domain.sitemap_url_pattern == "contact|kontakt|team|about"
    assert Page.objects.count() == 4
    assert Page.objects.filter(curation_status="Selected").count() == 4


def test_command_without_now_queues_and_kicks_the_worker(db):
    out = StringIO()
    call_command("import_sitemap", "a.example.com", "b.example.com", stdout=out)
    assert "2 domains updated, 2 queued for processing" in out.getvalue()
    assert set(Domain.objects.values_list("processing_status", flat=True)) == {"Queued"}
    assert OrmQ.objects.exists()


def test_command_reports_an_error_now(site):
    serve_robots(site, "/a.xml")
    serve(site, "/a.xml", "<html>not xml", content_type="text/html")
    out = StringIO()
    call_command("import_sitemap", "firm.example.org", "--now", stdout=out)
    assert "firm.example.org: error: not a sitemap:" in out.getvalue()


@pytest.mark.parametrize(
    "args,message",
    [
        (["ftp://x.example.com"], "only http and https"),
        (["x.example.com", "--match", "("], "--match is not a valid regular expression"),
        (["x.example.com", "--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_command_refuses_bad_input(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_sitemap", *args, stdout=StringIO())
    assert not Domain.objects.exists()


# --- The admin -------------------------------------------------------------------------------

DOMAINS = reverse("admin:pages_domain_changelist")


def test_admin_import_action_selects_domains(client, staff):
    domains = [Domain.objects.create(name=f"d{i}.example.com") for i in range(2)]
    client.force_login(staff)
    response = client.post(
        DOMAINS,
        {"action": "import_sitemap", "_selected_action": [str(d.pk) for d in domains]},
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Selected: 2 domains updated, 2 queued for processing." in text
    assert set(Domain.objects.values_list("curation_status", "processing_status")) == {
        ("Selected", "Queued")
    }
    assert set(Domain.objects.values_list("curated_by", flat=True)) == {staff.pk}


def test_admin_changelist_shows_statuses_counts_and_errors(client, staff):
    from contacts.models import Contact

    ok = Domain.objects.create(name="ok.example.com")
    Domain.objects.create(
        name="bad.example.com",
        curation_status="Selected",
        processing_status="Error",
        processing_error="malformed XML in https://bad.example.com/sitemap.xml",
    )
    for i in range(3):
        page = Page.objects.create(url=f"https://ok.example.com/p{i}", domain=ok)
    Contact.objects.create(domain=ok, page=page, email="a@ok.example.com")
    Contact.objects.create(domain=ok, page=page, email="b@ok.example.com")
    client.force_login(staff)
    response = client.get(DOMAINS + "?o=1")
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["cl"].result_list}
    assert (rows["ok.example.com"].page_count, rows["ok.example.com"].contact_count) == (3, 2)
    assert (rows["bad.example.com"].page_count, rows["bad.example.com"].contact_count) == (0, 0)
    html = response.content.decode()
    assert "malformed XML in https://bad.example.com/sitemap.xml" in html
    assert "Import pages from sitemap" in html
    response = client.get(DOMAINS + "?processing_status__exact=Error")
    assert [d.name for d in response.context["cl"].result_list] == ["bad.example.com"]


# --- POST /api/v3/domains/status -------------------------------------------------------------

STATUS = "/api/v3/domains/status"


def post(client, body, headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(STATUS, data, content_type="application/json", headers=headers)


def test_api_selects_domains_and_stores_options(client, auth, api_user):
    import uuid

    domain = Domain.objects.create(name="firm.example.org")
    busy = Domain.objects.create(name="busy.example.org", processing_status="Processing")
    unknown = uuid.uuid4()
    body = {
        "domain_ids": [str(domain.pk), str(busy.pk), str(unknown)],
        "status": "Selected",
        "limit": 20,
        "match": "contact|team",
        "auto_select": True,
    }
    response = post(client, body, auth)
    assert response.status_code == 200
    assert response.json() == {
        "updated_count": 1,
        "queued_count": 1,
        "not_found": [str(unknown)],
        "skipped": [str(busy.pk)],
    }
    domain.refresh_from_db()
    assert (domain.curation_status, domain.processing_status) == ("Selected", "Queued")
    assert (domain.sitemap_limit, domain.sitemap_url_pattern) == (20, "contact|team")
    assert domain.auto_select_contact_pages is True
    assert domain.curated_by == api_user


def test_api_rejecting_a_queued_domain_takes_it_off_the_queue(client, auth):
    domain = select_domain("firm.example.org", auto_select_contact_pages=True)
    response = post(client, {"domain_ids": [str(domain.pk)], "status": "Rejected"}, auth)
    assert response.json()["updated_count"] == 1
    domain.refresh_from_db()
    assert (domain.curation_status, domain.processing_status) == ("Rejected", None)
    assert domain.auto_select_contact_pages is True  # options not given are left alone


def test_api_needs_credentials(client, db):
    domain = Domain.objects.create(name="firm.example.org")
    response = post(client, {"domain_ids": [str(domain.pk)], "status": "Selected"}, {})
    assert response.status_code == 401
    assert "detail" in response.json()
    assert Domain.objects.get().processing_status is None


@pytest.mark.parametrize(
    "body,status,fragment",
    [
        ({"domain_ids": [], "status": "Selected"}, 422, "domain_ids"),
        ({"domain_ids": ["nope"], "status": "Selected"}, 422, "domain_ids[0]"),
        ({"domain_ids": ["{id}"], "status": "Done"}, 422, "status"),
        ({"domain_ids": ["{id}"], "status": "Selected", "match": "("}, 422, "regular expr"),
        ({"domain_ids": ["{id}"], "status": "Selected", "limit": 0}, 422, "limit"),
        ('{"domain_ids": [', 400, "not valid JSON"),
    ],
)
def test_api_bad_input_is_a_readable_4xx(client, auth, body, status, fragment):
    domain = Domain.objects.create(name="firm.example.org")
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace("{id}", str(domain.pk)))
    response = post(client, body, auth)
    assert response.status_code == status
    assert fragment in response.json()["detail"]
    assert Domain.objects.get().processing_status is None
