"""The domains API: select domains for sitemap import (the dual-status update on Domain)."""

from typing import Annotated
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from curation.queue import set_curation_status
from pages.api import EXAMPLE_ID, StatusName, curation_status_for, no_nul
from pages.models import Domain
from pages.sitemaps import compile_url_filter

router = Router(tags=["domains"])

MAX_BATCH = settings.API_MAX_BATCH


def valid_regex(value: str) -> str:
    compile_url_filter(value)  # raises ValueError with the reason
    return value


Pattern = Annotated[str, Field(max_length=500), AfterValidator(no_nul), AfterValidator(valid_regex)]


class DomainStatusIn(Schema):
    domain_ids: list[UUID] = Field(
        ...,
        min_length=1,
        max_length=MAX_BATCH,
        description=f"Domains to change, at most {MAX_BATCH} per request.",
        examples=[[EXAMPLE_ID]],
    )
    status: StatusName = Field(
        ...,
        description="The curation status to set. Selected (or Queued) queues the domains for "
        "sitemap import.",
        examples=["Selected"],
    )
    limit: int | None = Field(
        None,
        ge=1,
        le=settings.SITEMAP_MAX_ENTRIES,
        description="Most pages to import per domain (stored on the domain).",
    )
    match: Pattern | None = Field(
        None,
        description="A regular expression page URLs must contain (stored; empty clears it).",
        examples=["contact|team|about"],
    )
    auto_select: bool | None = Field(
        None,
        description="Select the imported contact, team and about pages for extraction (stored).",
    )


class DomainStatusOut(Schema):
    updated_count: int = Field(..., description="Domains whose status changed.", examples=[1])
    queued_count: int = Field(..., description="Domains newly queued for import.", examples=[1])
    not_found: list[UUID] = Field(..., description="Ids that match no domain.", examples=[[]])
    skipped: list[UUID] = Field(
        ...,
        description="Domains left alone because a worker is importing them right now.",
        examples=[[]],
    )


@router.post(
    "/domains/status",
    response=DomainStatusOut,
    summary="Set the curation status of domains (Selected imports their sitemaps)",
)
def set_domains_status(request, payload: DomainStatusIn):
    """Selected (or Queued) queues the domains for sitemap import; `limit`, `match` and
    `auto_select`, when given, are stored on the domains first. Domains being imported are
    left alone and listed in `skipped`."""
    ids = list(dict.fromkeys(payload.domain_ids))
    options: dict = {}
    if payload.limit is not None:
        options["sitemap_limit"] = payload.limit
    if payload.match is not None:
        options["sitemap_url_pattern"] = payload.match
    if payload.auto_select is not None:
        options["auto_select_contact_pages"] = payload.auto_select
    with transaction.atomic():
        found = set(Domain.objects.filter(pk__in=ids).values_list("pk", flat=True))
        domains = Domain.objects.filter(pk__in=found)
        if options:
            domains.update(updated_at=timezone.now(), **options)
        change = set_curation_status(
            domains, curation_status_for(payload.status), user=request.auth
        )
    return {
        "updated_count": change.updated,
        "queued_count": change.queued,
        "not_found": [i for i in ids if i not in found],
        "skipped": change.skipped,
    }
