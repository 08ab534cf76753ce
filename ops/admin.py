"""The admin of ops: periodic job runs and failed background tasks (read-only)."""

from django.contrib import admin

from ops.models import JobRun, TaskFailure


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
