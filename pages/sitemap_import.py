"""The sitemap-import workflow (SPEC section 7): a selected domain's sitemaps become New pages.

Domains are selected with the same dual-status update as pages; the runner claims them and
calls `process_domain` outside any transaction.
"""

import logging
from typing import Any

from django.conf import settings

from curation.models import CurationStatus
from curation.queue import set_curation_status
from curation.workflows import ProcessingFailed, Workflow, register
from pages.classify import is_likely_contact_page
from pages.importing import new_page
from pages.models import Domain, Page, PageSource
from pages.sitemaps import SitemapError, collect_page_urls

logger = logging.getLogger(__name__)

SITEMAP_IMPORT = "sitemap_import"
CREATE_CHUNK = 1000


def process_domain(domain: Domain) -> dict[str, Any]:
    """Import the page URLs of the domain's sitemaps; with auto-select on, select the likely
    contact pages among them. Returns the fields to store on the domain."""
    limit = domain.sitemap_limit or settings.SITEMAP_MAX_PAGES_PER_DOMAIN
    try:
        urls = collect_page_urls(domain.name, limit=limit, match=domain.sitemap_url_pattern or None)
    except SitemapError as exc:
        raise ProcessingFailed(str(exc), pages_imported=0) from exc
    created = create_sitemap_pages(domain, urls)
    selected = 0
    if domain.auto_select_contact_pages:
        selected = select_contact_pages(domain, urls)
    logger.info(
        "sitemap import %s: %d URLs, %d pages created, %d selected",
        domain.name,
        len(urls),
        created,
        selected,
    )
    return {"pages_imported": created}


def create_sitemap_pages(domain: Domain, urls: list[str]) -> int:
    """Create New pages (source sitemap) for normalised URLs; known URLs are left as they are.
    Returns how many were created."""
    created = 0
    for start in range(0, len(urls), CREATE_CHUNK):
        rows = [
            new_page(url, domain, PageSource.SITEMAP) for url in urls[start : start + CREATE_CHUNK]
        ]
        Page.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts leaves an existing page with its own id: ours are the new ones.
        created += Page.objects.filter(pk__in=[row.pk for row in rows]).count()
    return created


def select_contact_pages(domain: Domain, urls: list[str]) -> int:
    """Select the likely contact pages among `urls` that nobody has decided about yet (New and
    never queued). Returns how many were queued."""
    likely = [url for url in urls if is_likely_contact_page(url)]
    if not likely:
        return 0
    pages = Page.objects.filter(
        url__in=likely, curation_status=CurationStatus.NEW, processing_status__isnull=True
    )
    return set_curation_status(pages, CurationStatus.SELECTED, user=domain.curated_by).queued


sitemap_import = register(
    Workflow(
        name=SITEMAP_IMPORT,
        model_label="pages.Domain",
        process=process_domain,
        select_related=("curated_by",),
    )
)
