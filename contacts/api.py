"""The contacts API: list and CSV export, a page with its contacts, domains with their counts.

The last two join pages and contacts, so they live here (contacts depend on pages, never the
other way round).
"""

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from contacts.models import Contact, EmailType
from pages.api import EXAMPLE_ID, PageOut, Pagination, Text, paginate
from pages.models import Domain, Page

router = Router(tags=["contacts"])

CSV_COLUMNS = [
    "email",
    "name",
    "phone",
    "email_type",
    "source",
    "domain",
    "page_url",
    "context",
    "first_seen",
    "last_seen",
    "id",
]


class ContactOut(Schema):
    id: UUID = Field(..., examples=[EXAMPLE_ID])
    email: str = Field(..., examples=["jane.doe@firm.example.org"])
    name: str = Field(..., examples=["Jane Doe"])
    phone: str = Field(..., description="E.164, or empty.", examples=["+14155550123"])
    email_type: str = Field(..., examples=["CORPORATE"])
    source: str = Field(..., examples=["mailto"])
    context: str = Field(..., examples=["Jane Doe, Head of Sales, jane.doe@firm.example.org"])
    domain: str = Field(..., examples=["firm.example.org"])
    page_id: UUID | None
    page_url: str | None = Field(..., examples=["https://firm.example.org/team"])
    first_seen: datetime
    last_seen: datetime

    @staticmethod
    def resolve_domain(obj: Contact) -> str:
        return obj.domain.name

    @staticmethod
    def resolve_page_url(obj: Contact) -> str | None:
        return obj.page.url if obj.page_id else None


class ContactListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ContactOut]


class ContactFilters(Schema):
    domain: Text | None = Field(None, description="Host name, exactly.", examples=["firm.org"])
    email_type: EmailType | None = Field(None, examples=["SERVICE"])
    q: Text | None = Field(None, description="Text in the email, name or phone.", examples=["jane"])
    since: datetime | None = Field(
        None, description="Only contacts first seen at or after this time (ISO 8601)."
    )


class PageDetailOut(PageOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj: Page) -> list[Contact]:
        return list(obj.contacts.select_related("domain", "page").order_by("-first_seen", "-id"))


class DomainOut(Schema):
    id: UUID
    name: str = Field(..., examples=["firm.example.org"])
    curation_status: str
    processing_status: str | None
    page_count: int = Field(..., examples=[14])
    contact_count: int = Field(..., examples=[5])
    created_at: datetime


class DomainListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[DomainOut]


def aware(moment: datetime) -> datetime:
    """A time the database can compare: naive times are taken as UTC; out of range is a 422."""
    try:
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise HttpError(422, f"since: {moment.isoformat()} is out of range.") from None


def filter_contacts(filters: ContactFilters) -> QuerySet:
    contacts = Contact.objects.select_related("domain", "page").order_by("-first_seen", "-id")
    if filters.domain:
        contacts = contacts.filter(domain__name=filters.domain.strip().lower())
    if filters.email_type:
        contacts = contacts.filter(email_type=filters.email_type)
    if filters.q:
        q = filters.q
        contacts = contacts.filter(
            Q(email__icontains=q) | Q(name__icontains=q) | Q(phone__icontains=q)
        )
    if filters.since:
        contacts = contacts.filter(first_seen__gte=aware(filters.since))
    return contacts


@router.get("/contacts", response=ContactListOut, summary="List contacts")
def list_contacts(request, filters: Query[ContactFilters], page: Query[Pagination]):
    return paginate(filter_contacts(filters), page)


class _Echo:
    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(value: str) -> str:
    """Text scraped from web pages must not run as a formula when the CSV is opened in Excel."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_rows(contacts: QuerySet) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for c in contacts.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                spreadsheet_safe(c.email),
                spreadsheet_safe(c.name),
                c.phone,
                c.email_type,
                c.source,
                c.domain.name,
                c.page.url if c.page_id else "",
                spreadsheet_safe(c.context),
                c.first_seen.isoformat(),
                c.last_seen.isoformat(),
                str(c.id),
            ]
        )


@router.get(
    "/contacts.csv",
    summary="Export contacts as CSV",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "UTF-8 CSV with a byte-order mark (opens in Excel), one contact "
                "per row: " + ", ".join(CSV_COLUMNS) + ".",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_contacts(request, filters: Query[ContactFilters]):
    """Every contact matching the filters (no pagination), streamed."""
    contacts = filter_contacts(filters)
    response = StreamingHttpResponse(csv_rows(contacts), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
    return response


@router.get(
    "/pages/{page_id}", response=PageDetailOut, tags=["pages"], summary="A page and its contacts"
)
def page_detail(request, page_id: UUID):
    return get_object_or_404(Page.objects.select_related("domain", "curated_by"), pk=page_id)


class DomainFilters(Schema):
    q: Text | None = Field(None, description="Text in the host name.", examples=["firm"])


def counted(model: type, **extra: object) -> Coalesce:
    rows = (
        model.objects.filter(domain=OuterRef("pk"), **extra)
        .order_by()
        .values("domain")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@router.get("/domains", response=DomainListOut, tags=["domains"], summary="List domains")
def list_domains(request, filters: Query[DomainFilters], page: Query[Pagination]):
    domains = Domain.objects.order_by("name")
    if filters.q:
        domains = domains.filter(name__icontains=filters.q.strip().lower())
    return paginate(
        domains.annotate(page_count=counted(Page), contact_count=counted(Contact)), page
    )
