"""The admin of core: the audit log (auditlog's LogEntry admin with company and actor filters), periodic
job runs and failed background tasks (read-only)."""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.models import JobRun, TaskFailure

if apps.is_installed("auditlog"):
    # Imported first so that its @admin.register has run before we replace the registration
    # ("core" comes before "auditlog" in INSTALLED_APPS, so autodiscovery reaches us first).
    from auditlog.admin import LogEntryAdmin
    from auditlog.models import LogEntry

    class CompanyFilter(admin.SimpleListFilter):
        """additional_data.company_id, written by core.audit for every entry (None: shared data)."""

        title = _("company")
        parameter_name = "company"

        def lookups(self, request, model_admin):
            # By name, not by import: core sits below companies in the layers (docs/architecture.md).
            companies = apps.get_model("companies", "Company").objects.order_by("name")
            return [(str(pk), name) for pk, name in companies.values_list("pk", "name")]

        def queryset(self, request, queryset):
            value = self.value()
            if value is None:
                return queryset
            try:
                company_id = int(value)
            except (TypeError, ValueError):
                return queryset.none()
            return queryset.filter(additional_data__company_id=company_id)

    admin.site.unregister(LogEntry)

    @admin.register(LogEntry)
    class CrmLogEntryAdmin(LogEntryAdmin):
        list_filter = [
            "action",
            CompanyFilter,
            ("actor", admin.RelatedOnlyFieldListFilter),
            *LogEntryAdmin.list_filter[1:],
        ]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the workers only: admins read and filter, nobody edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(_ReadOnlyAdmin):
    list_display = ["task", "slot", "status", "attempts", "started_at", "finished_at", "result"]
    list_filter = ["status", "task"]
    search_fields = ["task", "task_id", "error"]
    date_hierarchy = "slot"


@admin.register(TaskFailure)
class TaskFailureAdmin(_ReadOnlyAdmin):
    list_display = ["failed_at", "task", "exception"]
    list_filter = ["task"]
    search_fields = ["task", "task_id", "exception"]
    date_hierarchy = "failed_at"
