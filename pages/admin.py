from django.contrib import admin
from django.db import models
from django.db.models import Count

from curation.admin import CurationAdminMixin
from pages.models import Domain, Page


@admin.register(Page)
class PageAdmin(CurationAdminMixin, admin.ModelAdmin):
    list_display = (
        "url",
        "domain",
        "curation_status",
        "processing_status",
        "contacts_found",
        "source",
        "short_error",
        "updated_at",
    )
    list_filter = ("curation_status", "processing_status", "source", "page_type")
    search_fields = ("url", "title", "domain__name", "processing_error")
    list_select_related = ("domain",)
    readonly_fields = (
        "domain",
        "http_status",
        "final_url",
        "contacts_found",
        "created_at",
        "updated_at",
    )
    fields = (
        "url",
        "title",
        "source",
        "curation_status",
        "domain",
        "page_type",
        "page_type_confidence",
        "path_depth",
        "processing_status",
        "processing_error",
        "processing_attempts",
        "queued_at",
        "processing_started_at",
        "processing_finished_at",
        "http_status",
        "final_url",
        "contacts_found",
        "curated_by",
        "curated_at",
        "created_at",
        "updated_at",
    )
    list_per_page = 100
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Error")
    def short_error(self, obj: Page) -> str:
        return obj.processing_error[:80]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "page_count", "contact_count", "created_at")
    search_fields = ("name",)
    show_facets = admin.ShowFacets.ALWAYS
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "created_at", "updated_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                page_count=Count("pages", distinct=True),
                contact_count=Count("contacts", distinct=True),
            )
        )

    @admin.display(description="Pages", ordering="page_count")
    def page_count(self, obj: Domain) -> int:
        return obj.page_count

    @admin.display(description="Contacts", ordering="contact_count")
    def contact_count(self, obj: Domain) -> int:
        return obj.contact_count
