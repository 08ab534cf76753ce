"""Filter pieces shared by the lists of several apps (django-filter)."""

import django_filters
from django import forms
from django.db.models import F
from django_filters.constants import EMPTY_VALUES


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by the chosen column, empty values last either way, then the newest row first (stable pages)."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in EMPTY_VALUES:
                continue
            field = self.get_ordering_value(param)
            if field.startswith("-"):
                ordering.append(F(field[1:]).desc(nulls_last=True))
            else:
                ordering.append(F(field).asc(nulls_last=True))
        return qs.order_by(*ordering, "-pk") if ordering else qs
