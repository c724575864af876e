"""Two workers on the real page-extraction workflow against a local website (127.0.0.1)."""

import threading
from collections import Counter

import pytest

from contacts.models import Contact
from contacts.workflow import page_extraction
from curation import runner
from curation.models import ProcessingStatus
from curation.queue import set_curation_status
from pages.models import Page
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = 200
LEADS = 5  # every page also lists one of five team leads, so pages share contacts


def team_page(i: int) -> bytes:
    lead = i % LEADS
    return f"""<html><head><title>Team {i}</title></head><body><table>
<tr><td>Maria Lopez</td>
<td><a href="mailto:staff{i}@harborlegal.com">staff{i}@harborlegal.com</a></td>
<td>(312) 867-{4000 + i}</td></tr>
<tr><td>Omar Haddad</td>
<td><a href="mailto:lead{lead}@harborlegal.com">lead{lead}@harborlegal.com</a></td>
<td>(312) 555-{1000 + lead}</td></tr>
</table><footer><a href="mailto:info@harborlegal.com">info@harborlegal.com</a></footer>
</body></html>""".encode()


@pytest.fixture
def website(local_site, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    settings.FETCH_RETRIES = 0
    return local_site(lambda path: team_page(int(path.rsplit("/", 1)[1])))


def test_two_workers_fetch_every_page_once_and_store_every_contact_once(website):
    for i in range(PAGES):
        Page.objects.create(url=website.url(f"/team/{i}"))
    set_curation_status(Page.objects.all(), "Selected", kick=False)
    results = []
    start = threading.Barrier(2)

    def worker() -> None:
        start.wait()
        # One host here, so the per-domain limit is lifted: both workers compete for every row.
        results.append(
            runner.tick(
                page_extraction, budget_seconds=60, threads=8, per_key=PAGES, max_instances=2
            )
        )

    run_concurrently(worker, worker)

    assert all(result.ran for result in results)
    assert sum(result.completed for result in results) == PAGES
    assert all(result.completed for result in results)  # both workers took a share
    assert website.hits == Counter({f"/team/{i}": 1 for i in range(PAGES)})
    assert Counter(Page.objects.values_list("processing_status", flat=True)) == {
        ProcessingStatus.COMPLETE: PAGES
    }
    expected = (
        {f"staff{i}@harborlegal.com" for i in range(PAGES)}
        | {f"lead{n}@harborlegal.com" for n in range(LEADS)}
        | {"info@harborlegal.com"}
    )
    stored = list(Contact.objects.values_list("email", flat=True))
    assert len(stored) == len(set(stored)) == len(expected)
    assert set(stored) == expected
    assert Contact.objects.get(email="lead3@harborlegal.com").phone == "+13125551003"
    assert Contact.objects.get(email="staff42@harborlegal.com").phone == "+13128674042"
