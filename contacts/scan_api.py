"""The website-scan API (SPEC section 6): start a scan, read its status, cancel it."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, model_validator

from contacts.models import ScanJob, ScanStatus
from contacts.scan import cancel_scan, domain_for_url, reap_stale_scans, request_scan
from pages.api import EXAMPLE_ID, no_nul
from pages.links import MAX_URL_LENGTH, InvalidURL
from pages.models import Domain

router = Router(tags=["scan"])

URL = Annotated[str, Field(max_length=MAX_URL_LENGTH), AfterValidator(no_nul)]


class ScanIn(Schema):
    domain_id: UUID | None = Field(None, description="A known domain.", examples=[EXAMPLE_ID])
    url: URL | None = Field(
        None,
        description="Any URL of the site (its domain is created if needed); the crawl starts "
        "at its home page.",
        examples=["https://firm.example.org/"],
    )

    @model_validator(mode="after")
    def one_target(self) -> "ScanIn":
        if (self.domain_id is None) == (self.url is None):
            raise ValueError("send either domain_id or url, not both and not neither")
        return self


class ScanStarted(Schema):
    job_id: UUID = Field(..., examples=[EXAMPLE_ID])
    status: str = Field(..., examples=["pending"])
    created: bool = Field(
        ..., description="False when the domain's pending or running scan was returned instead."
    )


class ScanJobOut(Schema):
    job_id: UUID = Field(..., examples=[EXAMPLE_ID])
    job_type: str = Field(..., examples=["email_scan"])
    status: str = Field(..., examples=["running"])
    domain_id: UUID
    domain: str = Field(..., examples=["firm.example.org"])
    progress: float = Field(..., ge=0, le=1, examples=[0.4])
    result: dict[str, Any] = Field(
        ...,
        description="pages_visited, pages_failed, emails_found, contacts_created.",
        examples=[{"pages_visited": 10, "pages_failed": 0, "emails_found": 3}],
    )
    error: str = Field(..., examples=[""])
    created_by: str | None = Field(..., description="Username of who asked for the scan.")
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_job_id(obj: ScanJob) -> UUID:
        return obj.pk

    @staticmethod
    def resolve_domain(obj: ScanJob) -> str:
        return obj.domain.name

    @staticmethod
    def resolve_created_by(obj: ScanJob) -> str | None:
        return obj.created_by.get_username() if obj.created_by else None


class Detail(Schema):
    detail: str = Field(..., examples=["The scan already ended (complete); …"])


def get_job(job_id: UUID) -> ScanJob:
    job = ScanJob.objects.select_related("domain", "created_by").filter(pk=job_id).first()
    if job is None:
        raise HttpError(404, f"No scan job {job_id}: check the job_id the scan request returned.")
    if job.status == ScanStatus.RUNNING and reap_stale_scans(job.domain):
        job.refresh_from_db()  # its worker died: the job now says failed, and why
    return job


@router.post(
    "/scan/website", response={202: ScanStarted}, summary="Scan a website for email addresses"
)
def start_scan(request, payload: ScanIn):
    """Queues a crawl of the site (same host, contact pages first, up to SCAN_MAX_PAGES pages).
    When the domain already has a pending or running scan, that job is returned instead."""
    start_url = ""
    if payload.domain_id is not None:
        domain = Domain.objects.filter(pk=payload.domain_id).first()
        if domain is None:
            raise HttpError(404, f"No domain {payload.domain_id}: list them at /api/v3/domains.")
    else:
        try:
            domain, start_url = domain_for_url(payload.url)
        except InvalidURL as exc:
            raise HttpError(422, f"url: {exc}.") from None
    job, created = request_scan(domain, request.auth, start_url=start_url)
    return Status(202, {"job_id": job.pk, "status": job.status, "created": created})


@router.get("/scan/status/{job_id}", response=ScanJobOut, summary="A scan job's status")
def scan_status(request, job_id: UUID):
    return get_job(job_id)


@router.post(
    "/scan/{job_id}/cancel",
    response={200: ScanJobOut, 409: Detail},
    summary="Cancel a scan job",
)
def cancel(request, job_id: UUID):
    """Stops a pending or running scan before its next page; the pages and contacts already
    found are kept. 409 when the job has already ended."""
    job = get_job(job_id)
    if not cancel_scan(job):
        job.refresh_from_db(fields=["status"])
        raise HttpError(409, f"The scan already ended ({job.status}); there is nothing to cancel.")
    return get_job(job_id)
