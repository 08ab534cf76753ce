from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from erp_sync.models import PartnerPush, SyncError, SyncRun


class SyncErrorInline(admin.TabularInline):
    model = SyncError
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "erp_id", "message"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """Every run with its counts and errors; "Import now" and "Full resync" start one in the background."""

    list_display = ["started_at", "finished_at", "status", "full", "trigger", "counts", "error_count"]
    list_filter = ["status", "full", "trigger"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]
    inlines = [SyncErrorInline]
    actions = ["import_now", "full_resync"]

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return obj.errors.count()

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Import the changes from the ERP now"))
    def import_now(self, request, queryset):
        from erp_sync.tasks import import_from_erp

        import_from_erp.delay(full=False, trigger="admin")
        messages.info(request, _("The import started in the background; its run appears here."))

    @admin.action(description=_("Full resync from the ERP"))
    def full_resync(self, request, queryset):
        from erp_sync.tasks import import_from_erp

        import_from_erp.delay(full=True, trigger="admin")
        messages.info(request, _("The full resync started in the background; its run appears here."))


@admin.register(PartnerPush)
class PartnerPushAdmin(admin.ModelAdmin):
    list_display = ["partner", "status", "attempts", "created_at", "updated_at"]
    list_filter = ["status"]
    readonly_fields = [
        "partner",
        "idempotency_key",
        "status",
        "reason",
        "attempts",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # written by the system only; the admin reads and filters them
