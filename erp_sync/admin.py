from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from erp_sync.importer import abandon_dead_runs, format_moment, holder_label, lock_release
from erp_sync.models import PartnerPush, SyncError, SyncRun, SyncState


class SyncErrorInline(admin.TabularInline):
    model = SyncError
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "erp_id", "message"]


def lock_context() -> dict:
    """What the run list and the lock page say about the lock: holder, expiry, whether it ran out."""
    state = SyncState.objects.select_related("run").filter(key="erp").first()
    if state is None or not state.locked_by:
        return {"lock_state": state, "lock_held": False, "lock_expired": False}
    return {
        "lock_state": state,
        "lock_held": True,
        "lock_expired": not state.is_locked,
        "lock_holder": holder_label(state),
        "lock_url": reverse("admin:erp_sync_syncstate_changelist"),
    }


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """Every run with its counts and errors; "Import now" and "Full resync" start one in the background.
    Above the list: who holds the import lock and until when, with a link to release it."""

    list_display = [
        "started_at", "finished_at", "status", "full", "trigger", "counts", "last_page_label", "where",
        "error_count",
    ]  # fmt: skip
    list_filter = ["status", "full", "trigger"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]
    inlines = [SyncErrorInline]
    actions = ["import_now", "full_resync"]

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return obj.errors.count()

    @admin.display(description=_("last page imported"))
    def last_page_label(self, obj):
        return obj.last_page_label

    @admin.display(description=_("host (process)"))
    def where(self, obj):
        return f"{obj.host} ({obj.pid})" if obj.host else ""

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        # A run whose worker was killed says "running" until someone looks: mark it now (idempotent).
        abandon_dead_runs()
        return super().changelist_view(request, {**lock_context(), **(extra_context or {})})

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


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    """The import lock: who holds it (run, host, process) and until when; "Release the lock" frees it
    after a confirmation page (audited), for when a run is known to be dead and nobody wants to wait."""

    list_display = ["__str__", "holder", "expires", "last_cursor"]
    readonly_fields = ["holder", "expires", "locked_by", "last_cursor"]
    fields = readonly_fields
    actions = ["release_lock"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("run")

    @admin.display(description=_("held by"))
    def holder(self, obj):
        return holder_label(obj) or _("nobody: the lock is free")

    @admin.display(description=_("lock expires at"))
    def expires(self, obj):
        if not obj.locked_by or obj.locked_until is None:
            return "-"
        when = format_moment(obj.locked_until)
        if not obj.is_locked:
            return _("%(when)s (ran out: the next run takes over)") % {"when": when}
        return when

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        pass  # nothing here is edited by hand; the release is the action

    @admin.action(description=_("Release the lock"), permissions=["change"])
    def release_lock(self, request, queryset):
        state = queryset.select_related("run").filter(key="erp").first()
        if state is None or not state.locked_by:
            messages.info(request, _("The lock is free; there is nothing to release."))
            return None
        if request.POST.get("confirm") == "yes":
            if lock_release(actor=request.user, owner=request.POST.get("owner", "")):
                messages.success(
                    request,
                    _("The lock is released and its run marked abandoned; the next import starts at once."),
                )
            else:
                messages.warning(
                    request, _("The lock changed hands in the meantime, so nothing was released. Look again.")
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Release the ERP import lock?"),
            "opts": self.model._meta,
            "state": state,
            "holder": holder_label(state),
            "expires": self.expires(state),
            "alive": state.is_locked,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/erp_sync/syncstate/release_lock.html", context)


@admin.register(PartnerPush)
class PartnerPushAdmin(admin.ModelAdmin):
    """Partners handed to the ERP; "Ask the ERP now" runs the approval check at once (the schedule runs
    it every 10 minutes)."""

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

    def get_urls(self):
        check = self.admin_site.admin_view(self.check_approvals_view)
        return [path("check-approvals/", check, name="erp_sync_partnerpush_check"), *super().get_urls()]

    def check_approvals_view(self, request):
        from erp_sync.connectors import ConnectorError
        from erp_sync.push import approvals_check

        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        try:
            result = approvals_check()
        except ConnectorError as error:
            messages.error(request, _("The ERP did not answer: %(error)s") % {"error": error})
        else:
            messages.success(
                request,
                _("Asked the ERP: %(approved)s approved, %(rejected)s rejected.") % result,
            )
        return redirect("admin:erp_sync_partnerpush_changelist")
