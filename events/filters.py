from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Membership, User
from core.filters import StableOrderingFilter
from core.widgets import QuickSelect
from events.models import LATEST_EVENT_YEAR, Event, EventKind, EventType, Outcome

SCOPES = [
    ("mine", _("My events")),
    ("team", _("My subordinates' events")),
    ("all", _("Everything I can see")),
]


class EventFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(
        choices=SCOPES, method="filter_scope", label=_("Whose"), empty_label=None
    )
    type = django_filters.ModelChoiceFilter(
        queryset=EventType.objects.all(), label=_("Type"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        field_name="type__kind", choices=EventKind.choices, label=_("Kind"), empty_label=_("All")
    )
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"), empty_label=_("All"))
    start_from = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_to = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # Ended on or before a day (the start when there is no end): the team page's overdue meetings.
    ended_to = django_filters.DateFilter(
        method="filter_ended_to", label=_("Ended by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    partner = django_filters.CharFilter(
        field_name="partner__name", lookup_expr="icontains", label=_("Partner")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Owner"), widget=QuickSelect, empty_label=_("Anyone")
    )
    sort = StableOrderingFilter(
        nulls_last=True,  # an event without a partner or an outcome comes last
        fields=(
            ("starts_at", "start"),
            ("subject", "subject"),
            ("partner__name", "partner"),
            ("outcome", "outcome"),
        ),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.filters["type"].field.label_from_instance = lambda event_type: event_type.name
        owners = viewer.visible_user_ids
        if viewer.sees_all:  # whoever sees every event of the company may pick any member as the owner
            owners = Membership.objects.active().visible_to(viewer).values("user_id")
        self.filters["owner"].queryset = (
            User.objects.filter(pk__in=owners)
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name")
        )

    def filter_ended_to(self, queryset, name, value):
        day = min(value, date(LATEST_EVENT_YEAR, 12, 30))  # no event later; keeps the date maths in range
        before = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return queryset.alias(ended=Coalesce("ends_at", "starts_at")).filter(ended__lt=before)

    def filter_scope(self, queryset, name, value):
        if value == "mine":
            return queryset.involving(self.viewer.user)
        if value == "team":
            return queryset.filter(owner_id__in=self.viewer.visible_user_ids - {self.viewer.user.pk})
        return queryset
