"""The admin of core: the audit log (auditlog's LogEntry admin with company and actor filters). Periodic
job runs and failed background tasks are in ops/admin.py."""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
