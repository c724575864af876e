"""Website scan jobs (SPEC section 6): crawl a site from its home page, keep the pages visited
as Page rows and the contacts on them as Contact rows; the job holds status, progress and a
summary.

`request_scan` creates a job (or returns the domain's pending or running one) and queues
`run_scan` on django-q2 in the same transaction. Every status change is a compare-and-swap
UPDATE, so a cancel and the worker can never both win.
"""

import heapq
import itertools
import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from lxml import etree

from contacts.extract import Extraction, extract
from contacts.models import ScanJob, ScanStatus
from contacts.store import store_contacts
from curation.models import ProcessingStatus
from pages.classify import MEDIA_EXTENSIONS, classify_url, is_likely_contact_page
from pages.fetch import FetchError, FetchResult, fetch
from pages.importing import new_page
from pages.links import InvalidURL, host_of, normalize_url
from pages.models import Domain, Page, PageSource, PageType

logger = logging.getLogger(__name__)

RUNNING = ScanStatus.RUNNING
# Links are visited best first: likely contact pages, then by type, then shallowest, then the
# order they were found in.
TYPE_ORDER = {
    PageType.CONTACT: 0,
    PageType.TEAM: 1,
    PageType.ABOUT: 2,
    PageType.LEGAL: 3,
    PageType.SERVICES: 4,
    PageType.OTHER: 5,
    PageType.CAREERS: 6,
    PageType.BLOG: 7,
}
IMPRINT_WORDS = frozenset(
    [
        "impressum",
        "imprint",
        "legal-notice",
        "mentions-legales",
        "aviso-legal",
        "note-legali",
        "colofon",
    ]
)
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")


class ScanFailed(Exception):
    """The site cannot be scanned (invalid, unreachable, no HTML home page); str() says why."""


# --- Requesting, cancelling ------------------------------------------------------------------


def domain_for_url(url: str) -> tuple[Domain, str]:
    """The domain of a URL (created if needed) and its home page. Raises InvalidURL."""
    parts = urlsplit(normalize_url(url))
    host = host_of(parts.geturl())
    domain = Domain.for_hosts({host})[host]
    return domain, f"{parts.scheme}://{parts.netloc}/"


def request_scan(domain: Domain, user: Any = None, *, start_url: str = "") -> tuple[ScanJob, bool]:
    """A new pending scan of the domain, queued on the worker, or the domain's pending or
    running scan: (job, created). Concurrent requests for one domain get one job: the partial
    unique constraint refuses the second insert, and its caller returns the first."""
    user = user if getattr(user, "is_authenticated", False) else None
    reap_stale_scans(domain)
    for _ in range(3):
        active = ScanJob.objects.filter(domain=domain, status__in=ScanJob.ACTIVE).first()
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                job = ScanJob.objects.create(domain=domain, created_by=user, start_url=start_url)
                # The ORM broker's task row commits or rolls back with the job.
                from django_q.tasks import async_task

                async_task("contacts.scan.run_scan", str(job.id), task_name=f"scan {domain.name}")
        except IntegrityError:
            continue  # another request created the job first: return that one
        logger.info(
            "scan %s requested for %s by %s", job.pk, domain.name, getattr(user, "pk", None)
        )
        return job, True
    raise RuntimeError(f"could not create or find a scan job for {domain.name}")


def cancel_scan(job: ScanJob) -> bool:
    """Cancel a pending or running job; a running crawl stops before its next page."""
    now = timezone.now()
    cancelled = (
        ScanJob.objects.filter(pk=job.pk, status__in=ScanJob.ACTIVE).update(
            status=ScanStatus.CANCELLED, finished_at=now, updated_at=now
        )
        == 1
    )
    if cancelled:
        logger.info("scan %s cancelled", job.pk)
    return cancelled


def reap_stale_scans(domain: Domain) -> int:
    """Fail the domain's running job when it has not moved for longer than a worker may run a
    task (its worker died), so that it no longer blocks new scans."""
    now = timezone.now()
    stale = ScanJob.objects.filter(
        domain=domain,
        status=RUNNING,
        updated_at__lt=now - timedelta(seconds=settings.Q_TIMEOUT),
    ).update(
        status=ScanStatus.FAILED,
        error=f"the worker stopped: no progress for {settings.Q_TIMEOUT} s; scan again",
        finished_at=now,
        updated_at=now,
    )
    if stale:
        logger.warning("scan of %s: a stale running job was marked failed", domain.name)
    return stale


# --- The job ---------------------------------------------------------------------------------


def run_scan(job_id: str) -> str:
    """django-q2 entry point: run a pending job to its end. Returns a summary line."""
    now = timezone.now()
    if not ScanJob.objects.filter(pk=job_id, status=ScanStatus.PENDING).update(
        status=RUNNING, started_at=now, updated_at=now
    ):
        return f"scan {job_id}: not pending, nothing done"
    job = ScanJob.objects.select_related("domain").get(pk=job_id)
    crawl = Crawl(job)
    try:
        crawl.run()
    except ScanFailed as exc:
        status, error = ScanStatus.FAILED, str(exc)
    except Exception as exc:
        logger.exception("scan %s of %s failed", job.pk, job.domain.name)
        status, error = ScanStatus.FAILED, f"internal error: {type(exc).__name__}: {exc}"
    else:
        status, error = ScanStatus.COMPLETE, ""
    summary = crawl.summary()
    ended = ScanJob.objects.filter(pk=job.pk, status=RUNNING).update(
        status=status,
        error=error[:1000],
        progress=1.0 if status == ScanStatus.COMPLETE else crawl.progress(),
        result=summary,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not ended:  # cancelled meanwhile: keep what was done
        status = ScanJob.objects.values_list("status", flat=True).get(pk=job.pk)
        ScanJob.objects.filter(pk=job.pk, status=ScanStatus.CANCELLED).update(result=summary)
    logger.info("scan %s of %s %s: %s %s", job.pk, job.domain.name, status, summary, error)
    return f"scan {job.pk} of {job.domain.name}: {status}, {summary}"


@dataclass
class Visit:
    """What one fetched page gave (computed on a pool thread, stored on the job's thread)."""

    url: str
    response: FetchResult | None = None
    found: Extraction | None = None
    links: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class Crawl:
    job: ScanJob
    max_pages: int = 0
    pages_visited: int = 0
    pages_failed: int = 0
    contacts_created: int = 0
    emails: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)  # without "www."
    seen: set[str] = field(default_factory=set)  # URLs queued or visited
    frontier: list[tuple[tuple, int, str]] = field(default_factory=list)
    order: Any = field(default_factory=itertools.count)
    stopped: str = ""  # why the crawl ended early: cancelled, time budget

    def __post_init__(self) -> None:
        self.max_pages = max(1, settings.SCAN_MAX_PAGES)

    def summary(self) -> dict[str, Any]:
        summary = {
            "pages_visited": self.pages_visited,
            "pages_failed": self.pages_failed,
            "emails_found": len(self.emails),
            "contacts_created": self.contacts_created,
        }
        if self.stopped:
            summary["stopped"] = self.stopped
        return summary

    def progress(self) -> float:
        return min(1.0, (self.pages_visited + self.pages_failed) / self.max_pages)

    def run(self) -> None:
        deadline = time.monotonic() + settings.CURATION_TICK_BUDGET_SECONDS
        home = self.fetch_home()
        if not self.store(home):
            return
        workers = max(1, settings.FETCH_PER_DOMAIN_CONCURRENCY)
        inflight: dict[Future, str] = {}
        with ThreadPoolExecutor(workers, thread_name_prefix=f"scan-{self.job.pk}") as pool:
            while True:
                while (
                    not self.stopped
                    and self.frontier
                    and len(inflight) < workers
                    and self.pages_visited + self.pages_failed + len(inflight) < self.max_pages
                ):
                    if time.monotonic() > deadline:
                        self.stopped = "time budget"
                        break
                    url = heapq.heappop(self.frontier)[2]
                    inflight[pool.submit(visit, url)] = url
                if not inflight:
                    return
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: link_rank(inflight[f])):
                    del inflight[future]
                    if not self.stopped:
                        self.store(future.result())

    def fetch_home(self) -> Visit:
        if self.job.start_url:
            candidates = [self.job.start_url]
        else:
            candidates = [f"https://{self.job.domain.name}/", f"http://{self.job.domain.name}/"]
        try:
            candidates = [normalize_url(url) for url in candidates]
        except InvalidURL as exc:
            raise ScanFailed(f"not a valid website: {exc}") from None
        self.hosts.add(bare(host_of(candidates[0])))
        for url in candidates:
            self.seen.add(url)
            home = visit(url)
            if home.response is not None:
                # A home page that redirects elsewhere (www., a new name) makes that site ours.
                self.hosts.add(bare(host_of(home.response.final_url)))
                return home
            if home.error.startswith(("HTTP ", "not HTML", "refused")):
                break  # the server answered: the other scheme would not help
        raise ScanFailed(f"could not fetch the home page {url}: {home.error}")

    def store(self, page: Visit) -> bool:
        """Store one visited page and its contacts, queue its links, record progress. False
        when the job is no longer running (cancelled), and the page is not stored then."""
        if not ScanJob.objects.filter(pk=self.job.pk, status=RUNNING).exists():
            self.stopped = "cancelled"
            return False
        if page.response is None:
            self.pages_failed += 1
            logger.info("scan %s: %s: %s", self.job.pk, page.url, page.error)
        elif bare(host_of(page.response.final_url)) not in self.hosts:
            self.pages_failed += 1
            logger.info("scan %s: %s left the site", self.job.pk, page.url)
        else:
            self.pages_visited += 1
            stored = store_scanned_page(self.job.domain, page.url, page.response, page.found)
            self.contacts_created += stored
            self.emails.update(c.email for c in page.found.contacts if c.email)
            with suppress(InvalidURL):
                self.seen.add(normalize_url(page.response.final_url))
            for url in same_site_links(page.links, self.hosts):
                if url not in self.seen:
                    self.seen.add(url)
                    heapq.heappush(self.frontier, (link_rank(url), next(self.order), url))
        moved = ScanJob.objects.filter(pk=self.job.pk, status=RUNNING).update(
            progress=self.progress(), result=self.summary(), updated_at=timezone.now()
        )
        if not moved:
            self.stopped = "cancelled"
        return bool(moved)


def visit(url: str) -> Visit:
    """Fetch a page, extract its contacts and links (no database work, except the ScraperAPI
    credit count, whose connection is closed here)."""
    page = Visit(url)
    try:
        page.response = fetch(url)
    except FetchError as exc:
        page.error = str(exc)
        return page
    finally:
        if settings.SCRAPER_API_KEY:
            connection.close()
    try:
        page.found = extract(page.response.html, page.response.final_url)
    except Exception as exc:  # a parser crash on hostile HTML is this page's failure
        page.response, page.error = None, f"could not parse the HTML: {type(exc).__name__}: {exc}"
        return page
    page.links = links_of(page.response.html, page.response.final_url)
    return page


def store_scanned_page(domain: Domain, url: str, response: FetchResult, found: Extraction) -> int:
    """The visited page as a Page (source scan, processing Complete, curation New) and its
    contacts. A page that already exists keeps its curation; its processing fields are updated
    unless the extraction workflow holds it. Returns the contacts created."""
    now = timezone.now()
    done = {
        "title": found.title[:500],
        "http_status": response.status_code,
        "final_url": response.final_url[:2048],
        "contacts_found": len(found.contacts),
        "processing_status": ProcessingStatus.COMPLETE,
        "processing_error": "",
        "processing_finished_at": now,
    }
    new = new_page(url, domain, PageSource.SCAN)
    for name, value in done.items():
        setattr(new, name, value)
    Page.objects.bulk_create([new], ignore_conflicts=True)
    pk, domain_id = Page.objects.values_list("pk", "domain_id").get(url=url)
    if pk != new.pk:
        Page.objects.filter(pk=pk).exclude(
            processing_status__in=[ProcessingStatus.QUEUED, ProcessingStatus.PROCESSING]
        ).update(updated_at=now, **done)
    return store_contacts(Page(pk=pk, domain_id=domain_id), found.contacts).created


# --- Links -----------------------------------------------------------------------------------


def links_of(html: str, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the page's links, in document order."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = next(iter(doc.xpath("//base/@href")), "")
    base = urljoin(base_url, base.strip()) if base else base_url
    found = []
    for href in doc.xpath("//a/@href | //area/@href"):
        href = href.strip()
        if not href or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        try:
            found.append(urljoin(base, href))
        except ValueError:
            continue
    return found


def same_site_links(links: list[str], hosts: set[str]) -> list[str]:
    """Normalised links to the site's own hosts (www. or not), pages only (no media files)."""
    kept = []
    for link in links:
        try:
            url = normalize_url(link)
        except InvalidURL:
            continue
        if bare(host_of(url)) not in hosts:
            continue
        last = urlsplit(url).path.rsplit("/", 1)[-1]
        if last.rpartition(".")[2].lower() in MEDIA_EXTENSIONS and "." in last:
            continue
        kept.append(url)
    return kept


def link_rank(url: str) -> tuple[int, int, int]:
    page_type, _confidence, depth = classify_url(url)
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lower()
    likely = is_likely_contact_page(url) or last.split(".")[0] in IMPRINT_WORDS
    return (0 if likely else 1, TYPE_ORDER.get(page_type, 5), depth)


def bare(host: str) -> str:
    return host.removeprefix("www.")
