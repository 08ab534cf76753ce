"""Cursor pagination (DRF's) over a whitelisted ordering; bad cursors and sizes answer 400."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 100


class ApiCursorPagination(CursorPagination):
    """`?ordering=` takes one of the view's `orderings` (public name -> model fields, the first one
    is the cursor's position and must not be NULL), `?page_size=` 1..100 (default 25)."""

    page_size = 25
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def paginate_queryset(self, queryset, request, view=None):
        self._model_queryset = queryset
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [_("Give a number from 1 to %(max)d.") % {"max": self.max_page_size}]}
            )
        return int(value)

    def get_ordering(self, request, queryset, view):
        orderings = view.orderings
        wanted = request.query_params.get(self.ordering_query_param, view.default_ordering)
        if wanted not in orderings:
            raise exceptions.ValidationError(
                {
                    self.ordering_query_param: [
                        _("Choose one of: %(names)s.") % {"names": ", ".join(orderings)}
                    ]
                }
            )
        return tuple(orderings[wanted])

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor = None
            broken = True
        else:
            broken = cursor is not None and cursor.position is not None and not self._valid(cursor.position)
        if broken:
            raise exceptions.ValidationError({self.cursor_query_param: [_("This cursor is not valid.")]})
        return cursor

    def _valid(self, position: str) -> bool:
        """The position must convert to the ordering field's type (else the query would fail)."""
        if "\x00" in position:
            return False
        name = self.ordering[0].lstrip("-")
        queryset = self._model_queryset
        try:
            field = queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            field = queryset.query.annotations[name].output_field
        try:
            field.to_python(position)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        return True

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "Sort order",
                "schema": {"type": "string", "enum": list(view.orderings)},
            }
        )
        return parameters
