"""The page-extraction workflow: fetch a selected page, extract its contacts, store them."""

from typing import Any

from contacts.extract import Extraction, extract
from contacts.store import store_contacts_many
from curation.workflows import ProcessingFailed, Workflow, register
from pages.fetch import FetchError, FetchResult, fetch
from pages.models import Page

PAGE_EXTRACTION = "page_extraction"


def process_page(page: Page) -> tuple[FetchResult, Extraction]:
    """Fetch and extract, on a pool thread: no database work here."""
    try:
        response = fetch(page.url)
    except FetchError as exc:
        raise ProcessingFailed(str(exc), http_status=getattr(exc, "status_code", None)) from exc
    try:
        found = extract(response.html, response.final_url)
    except Exception as exc:  # a parser crash on hostile HTML is the page's error, not ours
        raise ProcessingFailed(f"could not parse the HTML: {type(exc).__name__}: {exc}") from exc
    return response, found


def save_pages(items: list[tuple[Page, tuple[FetchResult, Extraction]]]) -> list[dict[str, Any]]:
    """Store the contacts of several processed pages at once; the fields of each page."""
    store_contacts_many((page, found.contacts) for page, (_, found) in items)
    return [
        {
            "title": found.title[:500],
            "http_status": response.status_code,
            "final_url": response.final_url[:2048],
            "contacts_found": len(found.contacts),
        }
        for _, (response, found) in items
    ]


page_extraction = register(
    Workflow(
        name=PAGE_EXTRACTION,
        model_label="pages.Page",
        process=process_page,
        save=save_pages,
        concurrency_field="domain_id",
    )
)
