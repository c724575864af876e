from django.contrib import admin, messages
from django.db import models

from contacts.models import Contact, ScanJob
from contacts.scan import request_scan
from pages import admin as pages_admin
from pages.admin import count_per_domain
from pages.models import Domain


def _with_after(names: tuple[str, ...], after: str, name: str) -> tuple[str, ...]:
    at = names.index(after) + 1
    return (*names[:at], name, *names[at:])


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "name",
        "phone",
        "email_type",
        "domain",
        "source",
        "first_seen",
        "last_seen",
    )
    list_filter = ("email_type", "source")
    search_fields = ("email", "name", "phone", "domain__name")
    list_select_related = ("domain",)
    show_facets = admin.ShowFacets.ALLOW  # counts on request: the table grows large
    raw_id_fields = ("domain", "page")
    readonly_fields = ("first_seen", "last_seen")
    list_per_page = 100


admin.site.unregister(Domain)


@admin.register(Domain)
class DomainAdmin(pages_admin.DomainAdmin):
    """The pages app's domain admin with what contacts know: contact counts, website scans."""

    actions = [*pages_admin.DomainAdmin.actions, "scan_website"]
    list_display = _with_after(pages_admin.DomainAdmin.list_display, "page_count", "contact_count")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contact_count=count_per_domain(Contact))

    @admin.display(description="Contacts", ordering="contact_count")
    def contact_count(self, obj: Domain) -> int:
        return obj.contact_count

    @admin.action(description="Scan website for emails", permissions=["change"])
    def scan_website(self, request, queryset):
        started = running = 0
        for domain in queryset:
            _job, created = request_scan(domain, request.user)
            started += created
            running += not created
        text = f"{started} scan{'' if started == 1 else 's'} started"
        if running:
            text += f"; {running} already pending or running (see Scan jobs)"
        self.message_user(request, text + ".", messages.SUCCESS)


@admin.register(ScanJob)
class ScanJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are created by the domain action and the API, and run by the worker."""

    list_display = (
        "domain",
        "status",
        "progress_percent",
        "pages_visited",
        "emails_found",
        "created_by",
        "created_at",
        "finished_at",
        "short_error",
    )
    list_filter = ("status",)
    search_fields = ("domain__name", "error")
    list_select_related = ("domain", "created_by")
    show_facets = admin.ShowFacets.ALWAYS
    date_hierarchy = "created_at"
    list_per_page = 100
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Progress", ordering="progress")
    def progress_percent(self, obj: ScanJob) -> str:
        return f"{obj.progress:.0%}"

    @admin.display(description="Pages")
    def pages_visited(self, obj: ScanJob):
        return obj.result.get("pages_visited")

    @admin.display(description="Emails")
    def emails_found(self, obj: ScanJob):
        return obj.result.get("emails_found")

    @admin.display(description="Error")
    def short_error(self, obj: ScanJob) -> str:
        return obj.error[:80]
