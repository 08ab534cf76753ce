import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from receivables.models import DunningLetter, LetterStatus


class LetterFilter(django_filters.FilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__name", lookup_expr="icontains", label=_("Partner")
    )
    level = django_filters.ChoiceFilter(
        choices=[(1, "1"), (2, "2"), (3, "3")], label=_("Level"), empty_label=_("All")
    )
    sent_from = django_filters.DateFilter(
        field_name="sent_at__date",
        lookup_expr="gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sent_to = django_filters.DateFilter(
        field_name="sent_at__date",
        lookup_expr="lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = django_filters.ChoiceFilter(
        choices=LetterStatus.choices, label=_("Status"), empty_label=_("All")
    )
    recipient = django_filters.CharFilter(method="filter_recipient", label=_("Recipient"), max_length=254)
    invoice = django_filters.CharFilter(method="filter_invoice", label=_("Invoice number"), max_length=64)

    class Meta:
        model = DunningLetter
        fields: list[str] = []

    def filter_recipient(self, queryset, name, value):
        # Recipients are a JSON list; a text match on its serialised form works on SQLite and PostgreSQL.
        return queryset.filter(Q(recipients__icontains=value))

    def filter_invoice(self, queryset, name, value):
        return queryset.filter(lines__invoice__number__icontains=value).distinct()
