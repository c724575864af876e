"""The pages API: select pages for extraction, list them, add them in bulk (and the v2 route).

`GET /pages/{id}` (a page with its contacts) and `GET /domains` (with contact counts) live in
`contacts/api.py`, because pages know nothing of contacts.
"""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from curation.models import CurationStatus, ProcessingStatus
from curation.queue import StatusChange, set_curation_status
from pages.importing import create_pages, normalise_urls
from pages.models import Page, PageSource

router = Router(tags=["pages"])
v2_router = Router(tags=["pages (v2, legacy)"])

MAX_BATCH = settings.API_MAX_BATCH
EXAMPLE_ID = "0b6f9c1e-6a4f-4c59-9d7e-2f1a8e4b7c10"

# "Queued" is what the old system's clients send; it means the same as Selected.
StatusName = Literal["Selected", "Queued", "New", "Rejected", "Archived"]


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, Field(max_length=500), AfterValidator(no_nul)]


def curation_status_for(name: str) -> CurationStatus:
    return CurationStatus.SELECTED if name == "Queued" else CurationStatus(name)


# --- Schemas -------------------------------------------------------------------------------


class PageStatusIn(Schema):
    page_ids: list[UUID] = Field(
        ...,
        min_length=1,
        max_length=MAX_BATCH,
        description=f"Pages to change, at most {MAX_BATCH} per request.",
        examples=[[EXAMPLE_ID]],
    )
    status: StatusName = Field(
        ...,
        description="The curation status to set. Selected (or its synonym Queued) queues the "
        "pages for contact extraction.",
        examples=["Selected"],
    )


class PageStatusOut(Schema):
    updated_count: int = Field(..., description="Pages whose status changed.", examples=[3])
    queued_count: int = Field(..., description="Pages newly queued for extraction.", examples=[3])
    not_found: list[UUID] = Field(..., description="Ids that match no page.", examples=[[]])
    skipped: list[UUID] = Field(
        ...,
        description="Pages left alone because a worker is processing them right now.",
        examples=[[]],
    )


class LegacyStatusIn(Schema):
    ids: list[UUID] = Field(..., min_length=1, max_length=MAX_BATCH, examples=[[EXAMPLE_ID]])
    status: StatusName = Field(..., examples=["Queued"])


class LegacyStatusOut(Schema):
    message: str = Field(..., examples=["1 page updated, 1 queued for processing."])
    updated_ids: list[UUID] = Field(..., examples=[[EXAMPLE_ID]])


class PageOut(Schema):
    id: UUID = Field(..., examples=[EXAMPLE_ID])
    url: str = Field(..., examples=["https://firm.example.org/contact"])
    domain: str = Field(..., examples=["firm.example.org"])
    title: str = Field(..., examples=["Contact us"])
    source: str = Field(..., examples=["manual"])
    page_type: str = Field(..., examples=["contact"])
    curation_status: str = Field(..., examples=["Selected"])
    processing_status: str | None = Field(..., examples=["Complete"])
    processing_error: str = Field(..., examples=[""])
    processing_attempts: int = Field(..., examples=[1])
    queued_at: datetime | None
    processing_started_at: datetime | None
    processing_finished_at: datetime | None
    http_status: int | None = Field(..., examples=[200])
    final_url: str = Field(..., examples=["https://firm.example.org/contact"])
    contacts_found: int | None = Field(..., examples=[2])
    curated_by: str | None = Field(..., description="Username of who set the status last.")
    curated_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_domain(obj: Page) -> str:
        return obj.domain.name

    @staticmethod
    def resolve_curated_by(obj: Page) -> str | None:
        return obj.curated_by.get_username() if obj.curated_by else None


class PageListOut(Schema):
    count: int = Field(..., description="Pages matching the filters, all pages of results.")
    limit: int
    offset: int
    items: list[PageOut]


class PageFilters(Schema):
    curation_status: CurationStatus | None = Field(None, examples=["Selected"])
    processing_status: Literal["none", "Queued", "Processing", "Complete", "Error"] | None = Field(
        None, description="`none` lists pages never queued.", examples=["Error"]
    )
    domain: Text | None = Field(None, description="Host name, exactly.", examples=["firm.org"])
    q: Text | None = Field(None, description="Text in the URL or title.", examples=["contact"])


class Pagination(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def paginate(rows: QuerySet, page: Pagination) -> dict[str, Any]:
    """One page of results and the total: the body of every list endpoint."""
    return {
        "count": rows.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": list(rows[page.offset : page.offset + page.limit]),
    }


class PagesCreateIn(Schema):
    urls: list[str] = Field(
        ...,
        min_length=1,
        max_length=MAX_BATCH,
        description="URLs to add; normalised (scheme and host lowercased, fragment dropped).",
        examples=[["https://firm.example.org/contact", "firm.example.org/team"]],
    )
    select: bool = Field(False, description="Also select the created pages for extraction.")


class PageRef(Schema):
    id: UUID
    url: str


class InvalidURLOut(Schema):
    url: str = Field(..., examples=["ftp://firm.example.org/"])
    reason: str = Field(..., examples=["only http and https URLs can be pages, not ftp:"])


class PagesCreateOut(Schema):
    created: list[PageRef]
    existing: list[PageRef] = Field(..., description="Already known; left unchanged.")
    invalid: list[InvalidURLOut]
    queued_count: int = Field(..., description="Created pages queued (with select=true).")


# --- Adding pages (the API and `manage.py import_pages`) -----------------------------------


def select_pages(ids: list[Any], user: Any) -> StatusChange:
    return set_curation_status(Page.objects.filter(pk__in=ids), CurationStatus.SELECTED, user=user)


def set_status(ids: list[UUID], status: str, user: Any) -> tuple[StatusChange, list[UUID]]:
    """The dual-status update on these pages; returns the change and the ids found."""
    ids = list(dict.fromkeys(ids))
    found = set(Page.objects.filter(pk__in=ids).values_list("pk", flat=True))
    change = set_curation_status(
        Page.objects.filter(pk__in=found), curation_status_for(status), user=user
    )
    return change, [i for i in ids if i in found]


def filter_pages(filters: PageFilters) -> QuerySet:
    pages = Page.objects.select_related("domain", "curated_by").order_by("-created_at", "-id")
    if filters.curation_status:
        pages = pages.filter(curation_status=filters.curation_status)
    if filters.processing_status == "none":
        pages = pages.filter(processing_status__isnull=True)
    elif filters.processing_status:
        pages = pages.filter(processing_status=ProcessingStatus(filters.processing_status))
    if filters.domain:
        pages = pages.filter(domain__name=filters.domain.strip().lower())
    if filters.q:
        pages = pages.filter(Q(url__icontains=filters.q) | Q(title__icontains=filters.q))
    return pages


# --- Routes --------------------------------------------------------------------------------


@router.put("/pages/status", response=PageStatusOut, summary="Set the curation status of pages")
def set_pages_status(request, payload: PageStatusIn):
    """Selected (or Queued) queues the pages for extraction at once; pages being processed
    are left alone and listed in `skipped`. New, Rejected and Archived take Queued pages off
    the queue."""
    change, found = set_status(payload.page_ids, payload.status, request.auth)
    found_set = set(found)
    return {
        "updated_count": change.updated,
        "queued_count": change.queued,
        "not_found": [i for i in dict.fromkeys(payload.page_ids) if i not in found_set],
        "skipped": change.skipped,
    }


@router.get("/pages", response=PageListOut, summary="List pages")
def list_pages(request, filters: Query[PageFilters], page: Query[Pagination]):
    return paginate(filter_pages(filters), page)


@router.post(
    "/pages",
    response={200: PagesCreateOut, 201: PagesCreateOut},
    summary="Add pages in bulk",
)
def create_pages_view(request, payload: PagesCreateIn):
    """Adds pages for URLs (200 when none was new, 201 otherwise). Each URL is answered as
    created, existing (already known) or invalid with the reason."""
    normalised = normalise_urls(payload.urls)
    created, existing = create_pages(normalised.urls, PageSource.MANUAL)
    queued = 0
    if payload.select and created:
        queued = select_pages([p.id for p in created], request.auth).queued
    body = {
        "created": created,
        "existing": existing,
        "invalid": [{"url": raw, "reason": reason} for _, raw, reason in normalised.invalid],
        "queued_count": queued,
    }
    return Status(201 if created else 200, body)


@v2_router.put("/pages/status", response=LegacyStatusOut, summary="Set page status (v2)")
def set_pages_status_v2(request, payload: LegacyStatusIn):
    """The old body and answer. Queued and Selected both queue the pages, exactly as v3 does."""
    change, found = set_status(payload.ids, payload.status, request.auth)
    skipped = set(change.skipped)
    return {
        "message": f"{curation_status_for(payload.status)}: {change.describe()}",
        "updated_ids": [i for i in found if i not in skipped],
    }
