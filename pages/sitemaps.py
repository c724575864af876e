"""Sitemaps (SPEC section 7): find a domain's sitemaps and read the page URLs they list.

Every download goes through pages.fetch (same session, retries, size cap and private-address
check). XML is stream-parsed with lxml, never searched with regular expressions: the old
system's sitemap regex ran out of memory on a large page.
"""

import gzip
import io
import logging
import zlib
from collections.abc import Iterator
from urllib.parse import urljoin

import re2
from django.conf import settings
from lxml import etree

from pages.classify import PRIORITY, classify_url, is_likely_contact_page
from pages.fetch import FetchError, fetch_bytes
from pages.links import InvalidURL, host_of, normalize_url

logger = logging.getLogger(__name__)

# The sitemap protocol's limit for one file, uncompressed.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
MAX_INDEX_DEPTH = 3
MAX_SITEMAP_FILES = 200
DEFAULT_LOCATIONS = ("/sitemap.xml", "/sitemap_index.xml")
GZIP_MAGIC = b"\x1f\x8b"
READ_SIZE = 64 * 1024


class SitemapError(Exception):
    """A sitemap could not be found or read; str() says why in one sentence.

    `structural`: the sitemaps themselves are wrong (an index loop, nesting too deep), which
    fails the whole import; other errors only skip the one sitemap they concern.
    """

    def __init__(self, message: str, *, structural: bool = False) -> None:
        super().__init__(message)
        self.structural = structural


def discover_sitemaps(domain_name: str) -> list[str]:
    """Sitemap URLs to try for a domain: robots.txt `Sitemap:` lines first, then the usual places.

    Raises SitemapError when the site cannot be reached at all.
    """
    declared, guessed = _discover(_host_name(domain_name))
    return declared + guessed


def iter_sitemap_urls(
    sitemap_url: str, *, max_entries: int | None = None, seen: set[str] | None = None
) -> Iterator[str]:
    """The page URLs a sitemap lists, following sitemap indexes, as written in the file.

    Reads at most `max_entries` entries (default SITEMAP_MAX_ENTRIES; an index's entries count)
    and skips sitemaps already in `seen`, which it fills. Raises SitemapError.
    """
    budget = _Budget(settings.SITEMAP_MAX_ENTRIES if max_entries is None else max_entries)
    yield from _walk(sitemap_url, (), set() if seen is None else seen, budget)


def compile_url_filter(pattern: str):
    """A user's URL filter, compiled with RE2: matching takes linear time whatever the pattern
    (Python's re can take exponential time on patterns like `(a+)+$`). Raises ValueError."""
    try:
        return re2.compile(pattern)
    except re2.error as exc:
        raise ValueError(f"not a valid regular expression (RE2 syntax): {exc}") from None


def collect_page_urls(
    domain_name: str, *, limit: int | None = None, match: str | None = None
) -> list[str]:
    """Normalised, distinct page URLs of the domain's own host from its sitemaps.

    Likely contact pages come first (contact, then team, then about, shallowest first), then the
    others in sitemap order, at most `limit` (default SITEMAP_MAX_PAGES_PER_DOMAIN). `match` is a
    regular expression a URL must contain to be kept. Raises SitemapError.
    """
    host = _host_name(domain_name)
    limit = settings.SITEMAP_MAX_PAGES_PER_DOMAIN if limit is None else limit
    try:
        pattern = compile_url_filter(match) if match else None
    except ValueError as exc:
        raise SitemapError(f"invalid URL filter {match!r}: {exc}") from None
    declared, guessed = _discover(host)
    budget = _Budget(settings.SITEMAP_MAX_ENTRIES)
    seen_sitemaps: set[str] = set()
    seen_urls: set[str] = set()
    likely: list[str] = []
    others: list[str] = []
    read_any = False
    declared_errors: list[SitemapError] = []
    for sitemap_url in declared + guessed:
        if read_any and sitemap_url not in declared:
            break  # the usual places are only a fallback
        try:
            for raw in _walk(sitemap_url, (), seen_sitemaps, budget):
                read_any = True
                url = _same_site_url(raw, host)
                if url is None or url in seen_urls:
                    continue
                seen_urls.add(url)
                if pattern and not pattern.search(url):
                    continue
                if is_likely_contact_page(url):
                    likely.append(url)
                elif len(others) < limit:
                    others.append(url)
                if len(likely) >= limit:
                    break
            read_any = True
        except SitemapError as exc:
            logger.info("sitemap %s for %s: %s", sitemap_url, host, exc)
            if sitemap_url in declared:
                declared_errors.append(exc)
        if len(likely) >= limit:
            break
    if not likely and not others and budget.unreadable:
        raise budget.unreadable[0]  # every sitemap that listed pages was unreadable
    if not read_any:
        if declared_errors:
            raise declared_errors[0]
        tried = ", ".join(("robots.txt", *DEFAULT_LOCATIONS))
        raise SitemapError(f"no sitemap found for {host} (tried {tried})")
    likely.sort(key=_contact_rank)
    return (likely + others)[:limit]


# --- Discovery -------------------------------------------------------------------------------


def _host_name(domain_name: str) -> str:
    try:
        return host_of(normalize_url(domain_name))
    except InvalidURL as exc:
        raise SitemapError(f"not a valid domain name: {domain_name!r} ({exc})") from None


def _discover(host: str) -> tuple[list[str], list[str]]:
    """(sitemaps robots.txt declares, the usual locations it does not)."""
    unreachable: FetchError | None = None
    for scheme in ("https", "http"):
        base = f"{scheme}://{host}"
        try:
            robots = fetch_bytes(base + "/robots.txt", accept=None, max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as exc:
            if exc.status_code is None:  # no answer at all: the site may speak only http
                unreachable = exc
                continue
            declared = []
        else:
            declared = _robots_sitemaps(robots.body, robots.final_url)
        guessed = [base + path for path in DEFAULT_LOCATIONS if base + path not in declared]
        return declared, guessed
    raise SitemapError(f"could not reach {host}: {unreachable}")


def _robots_sitemaps(body: bytes, robots_url: str) -> list[str]:
    found: list[str] = []
    for line in body.decode("utf-8", errors="replace").splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() == "sitemap":
            url = urljoin(robots_url, value.strip())
            if url.startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return found


# --- Reading one sitemap file ----------------------------------------------------------------


class _Budget:
    """Entries and files left to read, shared by every sitemap of one walk."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.files = MAX_SITEMAP_FILES
        self.unreadable: list[SitemapError] = []  # child sitemaps skipped, with the reason


def _walk(url: str, ancestors: tuple[str, ...], seen: set[str], budget: _Budget) -> Iterator[str]:
    if url in ancestors:
        raise SitemapError(f"sitemap index loop at {url}", structural=True)
    if url in seen:
        return
    if len(ancestors) > MAX_INDEX_DEPTH:
        raise SitemapError(
            f"sitemap indexes nested more than {MAX_INDEX_DEPTH} deep at {url}", structural=True
        )
    if budget.files <= 0:
        logger.warning("sitemap %s skipped: already read %d sitemap files", url, MAX_SITEMAP_FILES)
        return
    seen.add(url)
    budget.files -= 1
    children: list[str] = []
    for kind, loc in _entries(url, _download(url)):
        if budget.entries <= 0:
            logger.warning("sitemap %s: stopped at the limit of entries", url)
            break
        budget.entries -= 1
        if kind == "sitemap":
            children.append(loc)
        else:
            yield loc
    for child in children:
        try:
            yield from _walk(child, (*ancestors, url), seen, budget)
        except SitemapError as exc:
            if exc.structural:
                raise
            # One unreadable child (a 404, broken XML) must not hide its siblings.
            logger.info("sitemap %s skipped: %s", child, exc)
            budget.unreadable.append(exc)


def _download(url: str) -> bytes:
    try:
        return fetch_bytes(url, accept=None, max_bytes=SITEMAP_MAX_BYTES).body
    except FetchError as exc:
        raise SitemapError(f"could not read sitemap {url}: {exc}") from None


def _entries(url: str, body: bytes) -> Iterator[tuple[str, str]]:
    """("url" or "sitemap", the <loc> text) for each entry of a urlset or a sitemap index."""
    compressed = body.startswith(GZIP_MAGIC)
    raw = gzip.GzipFile(fileobj=io.BytesIO(body)) if compressed else io.BytesIO(body)
    source = _LimitedReader(raw, url)
    root = None
    try:
        for event, element in etree.iterparse(
            source,
            events=("start", "end"),
            recover=False,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            name = etree.QName(element).localname
            if root is None:
                root = element
                if name not in ("urlset", "sitemapindex"):
                    raise SitemapError(f"not a sitemap: {url} (its root element is <{name}>)")
                continue
            if event != "end":
                continue
            parent = element.getparent()
            # Only <url><loc> and <sitemap><loc> under the root count: <image:loc> sits deeper.
            if name == "loc" and parent is not None and parent.getparent() is root:
                kind = etree.QName(parent).localname
                text = (element.text or "").strip()
                if kind in ("url", "sitemap") and text:
                    yield kind, text
            elif parent is root:
                element.clear()
                while element.getprevious() is not None:
                    del root[0]
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"malformed XML in {url}: {exc}") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise SitemapError(f"broken gzip data in {url}: {exc}") from None


class _LimitedReader:
    """A file for iterparse that stops at SITEMAP_MAX_BYTES (a gzip bomb stops there too) and
    drops white space before the XML declaration, which many generators emit."""

    def __init__(self, raw, url: str) -> None:
        self.raw, self.url, self.total, self.started = raw, url, 0, False

    def read(self, size: int = -1) -> bytes:
        while True:
            data = self.raw.read(size if size and size > 0 else READ_SIZE)
            self.total += len(data)
            if self.total > SITEMAP_MAX_BYTES:
                limit = SITEMAP_MAX_BYTES // (1024 * 1024)
                raise SitemapError(f"sitemap larger than {limit} MB uncompressed: {self.url}")
            if self.started or not data:
                return data
            data = data.lstrip()
            if data:
                self.started = True
                return data


# --- Choosing page URLs ----------------------------------------------------------------------


def _same_site_url(raw: str, host: str) -> str | None:
    """The normalised URL when it belongs to `host` (www. or not), else None."""
    try:
        url = normalize_url(raw)
    except InvalidURL:
        return None
    return url if _bare(host_of(url)) == _bare(host) else None


def _bare(host: str) -> str:
    return host.removeprefix("www.")


def _contact_rank(url: str) -> tuple[int, int]:
    page_type, _confidence, depth = classify_url(url)
    return PRIORITY.index(page_type), depth
