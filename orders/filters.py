"""Filters of the order and product lists (django-filter, the communication lists' pattern).

Every value is validated first: one that does not fit gives a form error next to the field (the view
shows it with an empty list), never a database error.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import StableOrderingFilter, date_widget
from orders.models import Order, OrderKind, OrderStatus, Product

AMOUNT_LIMIT = Decimal("99999999999999")  # fits max_digits=16, decimal_places=2


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"), empty_label=_("All"))
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices, label=_("Kind"), empty_label=_("All"))
    ordered_from = django_filters.DateFilter(
        field_name="ordered_on", lookup_expr="gte", label=_("Date from"), widget=date_widget()
    )
    ordered_to = django_filters.DateFilter(
        field_name="ordered_on", lookup_expr="lte", label=_("Date to"), widget=date_widget()
    )
    total_min = django_filters.NumberFilter(
        field_name="total",
        lookup_expr="gte",
        label=_("Total at least"),
        min_value=-AMOUNT_LIMIT,
        max_value=AMOUNT_LIMIT,
    )
    total_max = django_filters.NumberFilter(
        field_name="total",
        lookup_expr="lte",
        label=_("Total at most"),
        min_value=-AMOUNT_LIMIT,
        max_value=AMOUNT_LIMIT,
    )
    currency = django_filters.CharFilter(
        field_name="currency", lookup_expr="iexact", label=_("Currency"), max_length=3
    )
    sort = StableOrderingFilter(
        fields=(
            ("number", "number"),
            ("ordered_on", "date"),
            ("partner__name", "partner"),
            ("status", "status"),
            ("kind", "kind"),
            ("total", "total"),
        ),
        label=_("Sort"),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Order
        fields: list[str] = []

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_q(self, queryset, name, value):
        """The order's number or its partner's name or tax number."""
        return queryset.filter(
            Q(number__icontains=value) | Q(partner__name__icontains=value) | Q(partner__tax_number=value)
        )


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    active = django_filters.ChoiceFilter(
        field_name="is_active",
        choices=[("1", _("Active")), ("0", _("Inactive"))],
        method="filter_active",
        label=_("Active"),
        empty_label=_("All"),
    )
    erp = django_filters.ChoiceFilter(
        choices=[("1", _("From the ERP")), ("0", _("Entered by hand"))],
        method="filter_erp",
        label=_("Source"),
        empty_label=_("All"),
    )
    ordered = django_filters.ChoiceFilter(
        choices=[("1", _("Ordered")), ("0", _("Never ordered"))],
        method="filter_ordered",
        label=_("Orders"),
        empty_label=_("All"),
    )
    sort = StableOrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("unit", "unit"),
            ("order_count", "orders"),
            ("ordered_quantity", "quantity"),
        ),
        label=_("Sort"),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")

    def filter_erp(self, queryset, name, value):
        return queryset.filter(erp_id__isnull=value != "1")

    def filter_ordered(self, queryset, name, value):
        return queryset.filter(order_count__gt=0) if value == "1" else queryset.filter(order_count=0)
