from django.contrib import admin

from contacts.models import Contact
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
    show_facets = admin.ShowFacets.ALWAYS
    raw_id_fields = ("domain", "page")
    readonly_fields = ("first_seen", "last_seen")
    list_per_page = 100


admin.site.unregister(Domain)


@admin.register(Domain)
class DomainAdmin(pages_admin.DomainAdmin):
    """The pages app's domain admin with what contacts know: contact counts."""

    list_display = _with_after(pages_admin.DomainAdmin.list_display, "page_count", "contact_count")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contact_count=count_per_domain(Contact))

    @admin.display(description="Contacts", ordering="contact_count")
    def contact_count(self, obj: Domain) -> int:
        return obj.contact_count
