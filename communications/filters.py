"""Filters of the communication and task lists (django-filter, the partners list's pattern).

Every filter validates its value first: a value that does not fit gives a form
error (the view shows it with an empty list), never a database error.
"""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from communications.models import Channel, Communication, CommunicationStatus, Direction, Task, TaskStatus
from companies.models import User

BIGINT_MAX = 2**63 - 1


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole number in the database's range (not NumberFilter's decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by the chosen column, empty values last either way, then newest record first (stable pages)."""

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


class ItemFilter(django_filters.FilterSet):
    """Filters shared by communications and tasks."""

    number = django_filters.CharFilter(lookup_expr="icontains", label=_("Number"), max_length=20)
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Created from"), widget=_date_widget()
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Created to"), widget=_date_widget()
    )
    counterparty = django_filters.CharFilter(
        method="filter_counterparty", label=_("Counterparty"), max_length=100
    )
    # The thread's id (links from a thread page); `thread_subject` is the one people type into.
    thread = IdFilter(field_name="thread_id", label=_("Thread"), widget=forms.HiddenInput)
    thread_subject = django_filters.CharFilter(
        field_name="thread__subject", lookup_expr="icontains", label=_("Thread"), max_length=100
    )
    subject = django_filters.CharFilter(lookup_expr="icontains", label=_("Subject"), max_length=100)
    author = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Author"), empty_label=_("Anyone")
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Assignee"), empty_label=_("Anyone"), null_label=_("Nobody")
    )

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__company=company, memberships__is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
        self.filters["author"].queryset = members
        self.filters["assignee"].queryset = members

    def filter_counterparty(self, queryset, name, value):
        return queryset.filter(Q(partner__name__icontains=value) | Q(counterparty_text__icontains=value))


class CommunicationFilter(ItemFilter):
    direction = django_filters.ChoiceFilter(
        choices=Direction.choices, label=_("Direction"), empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        choices=CommunicationStatus.choices, label=_("Status"), empty_label=_("All")
    )
    sort = StableOrderingFilter(
        fields=(
            ("number", "number"),
            ("created_at", "created"),
            ("subject", "subject"),
            ("status", "status"),
            ("direction", "direction"),
            ("channel", "channel"),
        ),
        label=_("Sort"),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Communication
        fields: list[str] = []


class TaskFilter(ItemFilter):
    deadline_from = django_filters.DateFilter(
        field_name="deadline", lookup_expr="date__gte", label=_("Deadline from"), widget=_date_widget()
    )
    deadline_to = django_filters.DateFilter(
        field_name="deadline", lookup_expr="date__lte", label=_("Deadline to"), widget=_date_widget()
    )
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"), empty_label=_("All"))
    overdue = django_filters.ChoiceFilter(
        choices=[("1", _("Overdue only"))], method="filter_overdue", label=_("Overdue"), empty_label=_("All")
    )
    sort = StableOrderingFilter(
        fields=(
            ("number", "number"),
            ("deadline", "deadline"),
            ("created_at", "created"),
            ("subject", "subject"),
            ("status", "status"),
        ),
        label=_("Sort"),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(deadline__lt=timezone.now()).exclude(status=TaskStatus.DONE)
