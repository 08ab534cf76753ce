import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from companies.models import User
from core.filters import StableOrderingFilter
from core.widgets import QuickSelect
from partners.matching import matching_partners
from partners.models import AccountStatus, PartnerAccount, PartnerAddress, PartnerSource

TYPE_CHOICES = [
    ("customer", _("Customer")),
    ("supplier", _("Supplier")),
    ("distributor", _("Distributor")),
]


class PartnerAccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Owner"), widget=QuickSelect, empty_label=_("Anyone")
    )
    status = django_filters.ChoiceFilter(
        choices=AccountStatus.choices, label=_("Status"), empty_label=_("All")
    )
    type = django_filters.ChoiceFilter(
        choices=TYPE_CHOICES, method="filter_type", label=_("Type"), empty_label=_("All")
    )
    city = django_filters.CharFilter(method="filter_city", label=_("City"), max_length=100)
    source = django_filters.ChoiceFilter(
        field_name="partner__source", choices=PartnerSource.choices, label=_("Source"), empty_label=_("All")
    )
    sort = StableOrderingFilter(
        nulls_last=False,  # plain ASC/DESC: the partner name index serves both directions
        fields=(
            ("partner__name", "name"),
            ("partner__tax_number", "tax_number"),
            ("status", "status"),
            ("owner__last_name", "owner"),
            ("created_at", "created"),
        ),
        label=_("Sort"),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = PartnerAccount
        fields: list[str] = []

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = (
            User.objects.filter(memberships__company=company, memberships__is_active=True)
            .only(
                "pk", "username", "first_name", "last_name"
            )  # a choice shows a name: no JSON to decode per member
            .order_by("last_name", "first_name")
        )

    def filter_q(self, queryset, name, value):
        # A semi-join on the partner table alone: PostgreSQL answers it from its trigram and tax-number
        # indexes (a BitmapOr) instead of testing every visible account's partner.
        return queryset.filter(partner_id__in=matching_partners(value).values("pk"))

    def filter_type(self, queryset, name, value):
        return queryset.filter(**{f"partner__is_{value}": True})

    def filter_city(self, queryset, name, value):
        return queryset.filter(
            Exists(PartnerAddress.objects.filter(partner=OuterRef("partner"), city__icontains=value))
        )
