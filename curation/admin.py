"""Admin pieces shared by every curated model: the status actions and safe saving."""

from django.contrib import admin, messages
from django.db import models
from django.utils import timezone

from curation.models import ApiToken, CurationStatus
from curation.queue import StatusChange, set_curation_status

PROCESSING_FIELDS = (
    "processing_status",
    "processing_error",
    "processing_attempts",
    "queued_at",
    "processing_started_at",
    "processing_finished_at",
    "curated_by",
    "curated_at",
)


class CurationAdminMixin:
    """Bulk actions that run the dual-status update, and a save that never bypasses it.

    The processing fields are read-only; a curation status typed into the change form is
    applied through `set_curation_status`, exactly like the bulk actions.
    """

    curation_noun = "page"
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["select_for_extraction", "reject", "archive", "reset_to_new"]

    def get_readonly_fields(self, request, obj=None):
        return tuple(super().get_readonly_fields(request, obj)) + PROCESSING_FIELDS

    def apply_curation_status(
        self, request, queryset: models.QuerySet, status: str
    ) -> StatusChange:
        change = set_curation_status(queryset, status, user=request.user)
        level = messages.WARNING if change.skipped else messages.SUCCESS
        self.message_user(request, f"{status}: {change.describe(self.curation_noun)}", level)
        return change

    @admin.action(description="Select for extraction", permissions=["change"])
    def select_for_extraction(self, request, queryset):
        self.apply_curation_status(request, queryset, CurationStatus.SELECTED)

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request, queryset):
        self.apply_curation_status(request, queryset, CurationStatus.REJECTED)

    @admin.action(description="Archive", permissions=["change"])
    def archive(self, request, queryset):
        self.apply_curation_status(request, queryset, CurationStatus.ARCHIVED)

    @admin.action(description="Reset to New", permissions=["change"])
    def reset_to_new(self, request, queryset):
        self.apply_curation_status(request, queryset, CurationStatus.NEW)

    def save_model(self, request, obj, form, change):
        wanted = obj.curation_status
        model = type(obj)
        if change:
            # Write only the fields of the form: a full save would put back the processing
            # status read when the form was opened, over whatever the worker wrote since.
            obj.curation_status = model._default_manager.values_list(
                "curation_status", flat=True
            ).get(pk=obj.pk)
            fields = [f for f in form.changed_data if f != "curation_status"]
            if fields:
                obj.save(update_fields=fields)
        else:
            obj.curation_status = CurationStatus.NEW
            obj.save()
        if wanted != obj.curation_status:
            self.apply_curation_status(request, model._default_manager.filter(pk=obj.pk), wanted)
            obj.refresh_from_db()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `manage.py create_api_token` (the only time one is shown);
    here they are listed and revoked."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user",)
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    fields = ("name", *readonly_fields)
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token{'' if count == 1 else 's'} revoked.")
