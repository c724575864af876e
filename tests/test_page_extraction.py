"""The page-extraction workflow end to end: select → tick → fetch → extract → store."""

import pytest
import requests
import responses

from contacts.models import Contact
from contacts.workflow import page_extraction
from curation import runner
from curation.models import CurationStatus, ProcessingStatus
from curation.queue import set_curation_status
from pages.models import Domain, Page

pytestmark = pytest.mark.django_db(transaction=True)

TEAM = """<html><head><title>Our team</title></head><body>
<table>
<tr><td>Maria Lopez</td>
<td><a href="mailto:maria.lopez@harborlegal.com">maria.lopez@harborlegal.com</a></td>
<td>(312) 867-4411</td></tr>
<tr><td>Omar Haddad</td><td><a href="mailto:omar@harborlegal.com">omar@harborlegal.com</a></td>
<td>(312) 867-4412</td></tr>
</table>
<footer>Questions? <a href="mailto:info@harborlegal.com">info@harborlegal.com</a></footer>
</body></html>"""


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True  # the fake hosts do not resolve
    settings.FETCH_RETRIES = 0
    settings.FETCH_BACKOFF_SECONDS = 0


@pytest.fixture
def site():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def select(*urls: str) -> list[Page]:
    pages = [Page.objects.create(url=u) for u in urls]
    set_curation_status(Page.objects.filter(pk__in=[p.pk for p in pages]), "Selected", kick=False)
    return pages


def run_tick():
    return runner.tick(page_extraction, budget_seconds=30, threads=4)


def test_a_selected_page_becomes_contacts(site):
    site.get("https://harborlegal.com/team", body=TEAM, content_type="text/html; charset=utf-8")
    (page,) = select("https://harborlegal.com/team")
    assert run_tick().completed == 1
    page.refresh_from_db()
    assert (page.processing_status, page.title, page.http_status) == ("Complete", "Our team", 200)
    assert page.final_url == "https://harborlegal.com/team"
    assert page.contacts_found == Contact.objects.count() == 3
    maria = Contact.objects.get(email="maria.lopez@harborlegal.com")
    assert (maria.name, maria.phone, maria.page_id, maria.domain.name) == (
        "Maria Lopez",
        "+13128674411",
        page.pk,
        "harborlegal.com",
    )
    assert Contact.objects.get(email="omar@harborlegal.com").phone == "+13128674412"
    assert Contact.objects.get(email="info@harborlegal.com").email_type == "SERVICE"


def test_failures_become_errors_and_the_rest_of_the_batch_completes(site):
    site.get("https://acme-tools.com/ok", body=TEAM, content_type="text/html")
    site.get("https://acme-tools.com/missing", status=404)
    site.get("https://acme-tools.com/slow", body=requests.exceptions.ReadTimeout("read timed out"))
    site.get("https://acme-tools.com/report", body=b"%PDF-1.7", content_type="application/pdf")
    site.get(
        "https://acme-tools.com/huge",
        body=b"<html>" + b"x" * (10 * 1024 * 1024),
        content_type="text/html",
    )
    select(*(f"https://acme-tools.com/{p}" for p in ("ok", "missing", "slow", "report", "huge")))
    result = run_tick()
    assert (result.completed, result.failed) == (1, 4)
    errors = dict(
        Page.objects.filter(processing_status="Error").values_list("url", "processing_error")
    )
    assert errors["https://acme-tools.com/missing"] == (
        "HTTP 404 Not Found from https://acme-tools.com/missing"
    )
    assert "timed out after 30 s" in errors["https://acme-tools.com/slow"]
    assert "not HTML: application/pdf" in errors["https://acme-tools.com/report"]
    assert "larger than 5 MB" in errors["https://acme-tools.com/huge"]
    assert Page.objects.get(url__endswith="/missing").http_status == 404
    assert Page.objects.get(url__endswith="/ok").processing_status == "Complete"


def test_reselecting_a_complete_page_reextracts_without_duplicates(site):
    site.get("https://harborlegal.com/team", body=TEAM, content_type="text/html")
    select("https://harborlegal.com/team")
    run_tick()
    first = {c.email: c.last_seen for c in Contact.objects.all()}
    change = set_curation_status(Page.objects.all(), "Selected", kick=False)
    assert change.queued == 1
    run_tick()
    assert Page.objects.get().processing_status == "Complete"
    again = {c.email: c.last_seen for c in Contact.objects.all()}
    assert again.keys() == first.keys()
    assert all(again[e] > first[e] for e in first)


def test_a_contact_seen_again_gets_its_missing_name_and_phone(site):
    domain = Domain.objects.create(name="harborlegal.com")
    Contact.objects.create(domain=domain, email="Maria.Lopez@harborlegal.com")
    site.get("https://harborlegal.com/team", body=TEAM, content_type="text/html")
    select("https://harborlegal.com/team")
    run_tick()
    maria = Contact.objects.get(email__iexact="maria.lopez@harborlegal.com")
    assert (maria.name, maria.phone) == ("Maria Lopez", "+13128674411")
    assert Contact.objects.filter(email__iexact="maria.lopez@harborlegal.com").count() == 1


def test_a_page_without_contacts_is_complete_with_zero(site):
    site.get(
        "https://quiet-blog.net/",
        body="<html><p>Nothing here.</p></html>",
        content_type="text/html",
    )
    select("https://quiet-blog.net/")
    run_tick()
    page = Page.objects.get()
    assert (page.processing_status, page.contacts_found) == ("Complete", 0)
    assert not Contact.objects.exists()


def test_a_page_rejected_while_processing_still_completes(site, settings):
    def reject_then_serve(request):
        set_curation_status(Page.objects.all(), CurationStatus.REJECTED, kick=False)
        return (200, {"Content-Type": "text/html"}, TEAM)

    site.add_callback(responses.GET, "https://harborlegal.com/team", callback=reject_then_serve)
    select("https://harborlegal.com/team")
    run_tick()
    page = Page.objects.get()
    assert (page.curation_status, page.processing_status) == (
        CurationStatus.REJECTED,
        ProcessingStatus.COMPLETE,
    )
    assert Contact.objects.count() == 3


def test_one_contact_on_two_pages_of_a_batch_is_stored_once(site):
    both = TEAM.replace("(312) 867-4412", "")
    site.get("https://harborlegal.com/team", body=TEAM, content_type="text/html")
    site.get("https://harborlegal.com/contact", body=both, content_type="text/html")
    select("https://harborlegal.com/team", "https://harborlegal.com/contact")
    assert run_tick().completed == 2
    assert Contact.objects.filter(email="omar@harborlegal.com").count() == 1
    assert Contact.objects.get(email="omar@harborlegal.com").phone == "+13128674412"
