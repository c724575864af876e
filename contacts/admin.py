from django.contrib import admin

from contacts.models import Contact


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
