"""The admin site: every registered ModelAdmin answers hostile query strings with a page, not a 500.

`CrmAdminConfig` (in INSTALLED_APPS instead of `django.contrib.admin`) makes `CrmAdminSite` the
default site, and the site mixes `HostileInputSafeAdmin` into every ModelAdmin registered with it,
ours and third-party ones alike (auditlog, celery beat, axes...):

- add pages take only initial values (`?owner=12`) that their form field accepts, cleaned; others
  are dropped (`/admin/events/event/add/?owner=abc` opens an empty owner field);
- change lists turn filter values Python cannot even convert (`?timestamp__year=99999999999`) into
  Django's "wrong lookup" answer: the list again with `?e=1`, as for any other bad filter.
"""

from functools import cache

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

CONVERSION_ERRORS = (ValidationError, ValueError, TypeError, OverflowError, ArithmeticError)


@cache
def _safe_changelist(base: type) -> type:
    class SafeChangeList(base):
        def get_filters(self, request):
            try:
                return super().get_filters(request)
            except IncorrectLookupParameters:
                raise
            except CONVERSION_ERRORS as error:
                raise IncorrectLookupParameters(error) from error

        def get_queryset(self, request, exclude_parameters=None):
            # Django guards its own filters; third-party SimpleListFilters (auditlog's resource
            # type: `content_type_id=abc`) may raise while building the query.
            try:
                return super().get_queryset(request, exclude_parameters)
            except IncorrectLookupParameters:
                raise
            except CONVERSION_ERRORS as error:
                raise IncorrectLookupParameters(error) from error

        def get_results(self, request):
            try:
                with transaction.atomic():  # a refused value must not spoil the request's transaction
                    return super().get_results(request)
            except (DatabaseError, *CONVERSION_ERRORS) as error:
                raise IncorrectLookupParameters(error) from error

    SafeChangeList.__name__ = SafeChangeList.__qualname__ = f"Safe{base.__name__}"
    return SafeChangeList


class HostileInputSafeAdmin:
    """Mixed into every registered ModelAdmin by CrmAdminSite."""

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        if not initial:
            return initial
        fields = self.get_form(request).base_fields
        safe = {}
        for name, value in initial.items():
            field = fields.get(name)
            if field is None:
                safe[name] = value  # not on the form: Django ignores it
                continue
            try:
                with transaction.atomic():
                    safe[name] = field.clean(value)
            except (DatabaseError, *CONVERSION_ERRORS):
                continue  # an initial value is a convenience: a wrong one is left out, not an error
        return safe

    def get_changelist(self, request, **kwargs):
        return _safe_changelist(super().get_changelist(request, **kwargs))


class CrmAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, HostileInputSafeAdmin):
            admin_class = type(
                admin_class.__name__,
                (HostileInputSafeAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class CrmAdminConfig(AdminConfig):
    default_site = "core.admin_site.CrmAdminSite"
