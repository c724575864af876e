"""The page-extraction workflow: fetch a selected page, extract its contacts, store them."""

from typing import Any

from contacts.extract import extract
from contacts.store import store_contacts
from curation.workflows import ProcessingFailed, Workflow, register
from pages.fetch import FetchError, fetch
from pages.models import Page

PAGE_EXTRACTION = "page_extraction"


def process_page(page: Page) -> dict[str, Any]:
    try:
        response = fetch(page.url)
    except FetchError as exc:
        raise ProcessingFailed(str(exc), http_status=getattr(exc, "status_code", None)) from exc
    try:
        found = extract(response.html, response.final_url)
    except Exception as exc:  # a parser crash on hostile HTML is the page's error, not ours
        raise ProcessingFailed(f"could not parse the HTML: {type(exc).__name__}: {exc}") from exc
    store_contacts(page, found.contacts)
    return {
        "title": found.title[:500],
        "http_status": response.status_code,
        "final_url": response.final_url[:2048],
        "contacts_found": len(found.contacts),
    }


page_extraction = register(
    Workflow(
        name=PAGE_EXTRACTION,
        model_label="pages.Page",
        process=process_page,
        concurrency_field="domain_id",
    )
)
