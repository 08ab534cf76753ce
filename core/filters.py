"""Filter pieces shared by the lists of several apps (django-filter)."""

import django_filters
from django import forms
from django.db.models import F
from django_filters.constants import EMPTY_VALUES


def filter_data(query, filterset_class) -> dict | None:
    """The list's query string as the filterset's data when it names one of its filters, else None: a
    list opened with only ``per_page``, ``page``, ``cols`` or ``all`` is not filtered, so no form is built
    and validated for it (its toolbar builds one only when it is drawn)."""
    filters = filterset_class.base_filters
    return query if any(key in filters for key in query) else None


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by the chosen column, empty values last either way, then the newest row first (stable pages).

    ``nulls_last=False`` for columns that are never empty: plain ASC/DESC (an index serves both
    directions) and the primary key as the tie-break in the same direction, so equal values never
    make a row show on two pages (or none) and keyset paging has its unique last key.
    """

    def __init__(self, *args, nulls_last: bool = True, **kwargs):
        self.nulls_last = nulls_last
        super().__init__(*args, **kwargs)
        base = self.field_class

        class LenientOrderingField(base):
            """An unknown sort (an old bookmark, a saved view of a column since removed) is ignored: the
            list keeps its default order instead of showing nothing behind "Select a valid choice"."""

            def clean(self, value):
                if value:
                    known = {str(choice) for choice, _label in self.choices}
                    value = [each for each in value if each in known] or None
                return super().clean(value)

        self.field_class = LenientOrderingField

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in EMPTY_VALUES:
                continue
            field = self.get_ordering_value(param)
            if not self.nulls_last:
                ordering.append(field)
            elif field.startswith("-"):
                ordering.append(F(field[1:]).desc(nulls_last=True))
            else:
                ordering.append(F(field).asc(nulls_last=True))
        if not ordering:
            return qs
        if not self.nulls_last:
            return qs.order_by(*ordering, "-pk" if ordering[-1].startswith("-") else "pk")
        return qs.order_by(*ordering, "-pk")
