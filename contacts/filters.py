"""The contacts list's search, filters and sorting (django-filter, as the partner and item lists)."""

import re

import django_filters
from django import forms
from django.db.models import Exists, F, Func, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from contacts.matching import contact_condition
from contacts.models import GDPR_GROUPS, Contact, ContactRole, ContactType
from partners.matching import matching_partners
from partners.models import Partner

GDPR_CHOICES = [
    ("sent", _("Sent")),
    ("queued", _("Queued")),
    ("failed", _("Failed")),
    ("none", _("None")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PARTNER_IDS_UP_TO = 2000
# A phone search: at least six digits with the separators people type (+36 30 123-4567, (06) 30/1234567).
PHONE_TEXT = re.compile(r"[\d\s+()/.-]+")
NOT_DIGITS = re.compile(r"\D")
# Each sort a user can click: the columns it orders by (reversed by "-"), then the name, always A to Z,
# so the contacts of one partner or one type stay in alphabetical order either way.
SORTS = {
    "name": (("last_name", "first_name"), ()),
    "partner": (("partner__name",), ("last_name", "first_name")),
    "type": (("type_sort",), ("last_name", "first_name")),
}


class DigitsOnly(Func):
    """The column with everything but digits removed, to match phone numbers whatever their format."""

    function = "REGEXP_REPLACE"
    template = "REGEXP_REPLACE(%(expressions)s, '[^0-9]', '', 'g')"

    def as_sqlite(self, compiler, connection, **extra_context):  # the embedded database: no regexes
        return super().as_sql(compiler, connection, template="%(expressions)s", **extra_context)


class ContactOrdering(django_filters.OrderingFilter):
    """Sort by name, partner or type; a click on the same column again reverses it."""

    def __init__(self, **kwargs):
        kwargs["fields"] = {key: key for key in SORTS}
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        ordering = []
        for param in value:
            descending = param.startswith("-")
            columns, tiebreak = SORTS[param.lstrip("-")]
            for column in columns:
                if column == "type_sort":  # a contact without a type comes last either way
                    ordering.append(
                        F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
                    )
                else:  # never NULL: plain ASC/DESC, which an index serves in both directions
                    ordering.append(f"-{column}" if descending else column)
            ordering.extend(tiebreak)
        if any(param.lstrip("-") == "type" for param in value):
            queryset = queryset.with_type_sort()
        return queryset.order_by(*ordering, "pk")


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    type = django_filters.ModelChoiceFilter(
        queryset=ContactType.objects.all(), method="filter_type", label=_("Type"), empty_label=_("Any type")
    )
    # Chosen from a partner's page ("All contacts of this partner"), not from a list of every partner.
    partner = django_filters.ModelChoiceFilter(
        queryset=Partner.objects.none(), label=_("Partner"), widget=forms.HiddenInput
    )
    gdpr = django_filters.ChoiceFilter(
        choices=GDPR_CHOICES, method="filter_gdpr", label=_("GDPR notice"), empty_label=_("Any")
    )
    has_email = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_has_email", label=_("Has e-mail"), empty_label=_("Any")
    )
    sort = ContactOrdering(label=_("Sort"), widget=forms.HiddenInput)

    class Meta:
        model = Contact
        fields: list[str] = []

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        # Only a partner the viewer sees can be chosen: another one is "not a valid choice".
        self.filters["partner"].queryset = (
            Partner.objects.visible_to(viewer) if viewer else Partner.objects.none()
        )

    def filter_q(self, queryset, name, value):
        """Name or e-mail (contacts/matching.py), the partner's name or tax number (partners/matching.py),
        or a phone or mobile number typed in any format."""
        text = value.strip()
        if not text:
            return queryset
        # The matching partners' ids as a list (up to PARTNER_IDS_UP_TO): PostgreSQL then ORs the
        # trigram indexes of the contact columns with the partner-id index in one bitmap; a subquery
        # in the OR made it read every contact (440 ms for a manager searching "kov").
        partners = matching_partners(text).values_list("pk", flat=True)
        partner_ids = list(partners[: PARTNER_IDS_UP_TO + 1])
        if len(partner_ids) > PARTNER_IDS_UP_TO:
            partner_ids = partners
        condition = contact_condition(text) | Q(partner_id__in=partner_ids)
        words = text.split()
        if len(words) > 1:
            # "Anna Kovács" and "Kovács Anna" (the Hungarian order): each word in the first or last
            # name, which the trigram indexes of both columns answer.
            each_word = Q()
            for word in words[:4]:
                each_word &= Q(first_name__trgm_icontains=word) | Q(last_name__trgm_icontains=word)
            condition |= each_word
        digits = NOT_DIGITS.sub("", text)
        if len(digits) >= 6 and PHONE_TEXT.fullmatch(text):
            condition |= Q(phone_digits__contains=digits) | Q(mobile_digits__contains=digits)
            queryset = queryset.alias(phone_digits=DigitsOnly("phone"), mobile_digits=DigitsOnly("mobile"))
        return queryset.filter(condition)

    def filter_type(self, queryset, name, value):
        return queryset.filter(Exists(ContactRole.objects.filter(contact_id=OuterRef("pk"), type=value)))

    def filter_gdpr(self, queryset, name, value):
        if self.viewer is None:
            return queryset.none()
        if "gdpr_status" not in queryset.query.annotations:  # the export annotates it already
            queryset = queryset.with_gdpr_status(self.viewer.company, alias=True)
        if value == "none":
            return queryset.filter(gdpr_status__isnull=True)
        return queryset.filter(gdpr_status__in=GDPR_GROUPS[value])

    def filter_has_email(self, queryset, name, value):
        return queryset.exclude(email="") if value == "yes" else queryset.filter(email="")
