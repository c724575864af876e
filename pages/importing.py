"""Adding pages in bulk (the API, `manage.py import_pages`): normalise, deduplicate, create."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pages.classify import classify_url
from pages.links import InvalidURL, host_of, normalize_url
from pages.models import Domain, Page

CREATE_CHUNK = 1000


class PageRef(NamedTuple):
    id: Any
    url: str


@dataclass
class NormalisedURLs:
    urls: list[str] = field(default_factory=list)  # unique, in first-seen order
    invalid: list[tuple[int, str, str]] = field(default_factory=list)  # (index, raw, reason)
    duplicates: int = 0


def normalise_urls(raws: list[str], seen: set[str] | None = None) -> NormalisedURLs:
    """Normalise and deduplicate URLs; `seen` carries the deduplication across calls."""
    result = NormalisedURLs()
    seen = set() if seen is None else seen
    for index, raw in enumerate(raws):
        try:
            url = normalize_url(raw)
        except InvalidURL as exc:
            result.invalid.append((index, raw, str(exc)))
            continue
        if url in seen:
            result.duplicates += 1
            continue
        seen.add(url)
        result.urls.append(url)
    return result


def new_page(url: str, domain: Domain, source: str) -> Page:
    """An unsaved Page with its type, confidence and depth read from the URL's path."""
    page_type, confidence, depth = classify_url(url)
    return Page(
        url=url,
        domain=domain,
        source=source,
        page_type=page_type,
        page_type_confidence=confidence,
        path_depth=min(depth, 32767),
    )


def create_pages(urls: list[str], source: str) -> tuple[list[PageRef], list[PageRef]]:
    """Create pages (and their domains) for normalised, unique URLs: (created, existing)."""
    created: list[PageRef] = []
    existing: list[PageRef] = []
    for start in range(0, len(urls), CREATE_CHUNK):
        chunk = urls[start : start + CREATE_CHUNK]
        known = dict(Page.objects.filter(url__in=chunk).values_list("url", "id"))
        existing += [PageRef(known[u], u) for u in chunk if u in known]
        new = [u for u in chunk if u not in known]
        if not new:
            continue
        domains = Domain.for_hosts({host_of(u) for u in new})
        rows = [new_page(u, domains[host_of(u)], source) for u in new]
        Page.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts: a page another request created meanwhile keeps its own id.
        ids = dict(Page.objects.filter(url__in=new).values_list("url", "id"))
        for row in rows:
            ref = PageRef(ids[row.url], row.url)
            (created if ids[row.url] == row.id else existing).append(ref)
    return created, existing
