"""Filters of the communication and task lists (django-filter, the partners list's pattern).

Every filter validates its value first: a value that does not fit gives a form
error (the view shows it with an empty list), never a database error.
"""

from datetime import date, datetime, time, timedelta

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from communications.matching import item_condition
from communications.models import (
    Channel,
    Communication,
    CommunicationStatus,
    Direction,
    Task,
    TaskStatus,
    Thread,
)
from companies.models import User
from core.filters import StableOrderingFilter, date_widget
from core.widgets import QuickSelect

BIGINT_MAX = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole number in the database's range (not NumberFilter's decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class LocalDateFilter(django_filters.DateFilter):
    """A local calendar day as a bound on a datetime column: `from` = from its midnight, `until` = up to the next.

    Same rows as `created_at__date__gte` / `__lte` in the active time zone, but a plain range on the
    column, which its btree index serves (`created_at::date` hides the column from every index).
    """

    EARLIEST, LATEST = date(1900, 1, 1), date(9000, 1, 1)  # no data outside; keeps datetime maths in range

    def __init__(self, *args, until: bool = False, **kwargs):
        self.until = until
        kwargs.setdefault("widget", date_widget())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        day = min(max(value, self.EARLIEST), self.LATEST)
        day += timedelta(days=1) if self.until else timedelta()
        bound = timezone.make_aware(datetime.combine(day, time.min))
        return qs.filter(**{f"{self.field_name}__{'lt' if self.until else 'gte'}": bound})


class _SharedRows:
    """A queryset evaluated once, on first use, for several fields of one form."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._rows: list | None = None

    def __call__(self) -> list:
        if self._rows is None:
            self._rows = list(self.queryset)
        return self._rows


class _SharedRowsIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.shared_rows():
            yield self.choice(row)

    def __len__(self) -> int:
        return len(self.field.shared_rows()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.shared_rows())


class MemberChoiceField(django_filters.fields.ModelChoiceField):
    """Author and assignee offer the same people: one query renders and validates both, not four."""

    widget = QuickSelect

    class iterator(django_filters.fields.ModelChoiceIterator, _SharedRowsIterator):
        pass

    def __init__(self, *args, shared_rows: _SharedRows, **kwargs):
        self.shared_rows = shared_rows
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.null_label is not None and value == self.null_value:
            return value
        for row in self.shared_rows():
            if str(row.pk) == str(value):
                return row
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class MemberChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = MemberChoiceField


class ItemFilter(django_filters.FilterSet):
    """Filters shared by communications and tasks."""

    # The global search's "show all" link lands here: subject or number, as communications.matching defines it.
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    number = django_filters.CharFilter(lookup_expr="trgm_icontains", label=_("Number"), max_length=20)
    created_from = LocalDateFilter(field_name="created_at", label=_("Created from"))
    created_to = LocalDateFilter(field_name="created_at", label=_("Created to"), until=True)
    counterparty = django_filters.CharFilter(
        method="filter_counterparty", label=_("Counterparty"), max_length=100
    )
    # The thread's id (links from a thread page); `thread_subject` is the one people type into.
    thread = IdFilter(field_name="thread_id", label=_("Thread"), widget=forms.HiddenInput)
    thread_subject = django_filters.CharFilter(
        field_name="thread__subject", lookup_expr="icontains", label=_("Thread"), max_length=100
    )
    subject = django_filters.CharFilter(lookup_expr="trgm_icontains", label=_("Subject"), max_length=100)
    author = MemberChoiceFilter(queryset=User.objects.none(), label=_("Author"), empty_label=_("Anyone"))
    assignee = MemberChoiceFilter(
        queryset=User.objects.none(), label=_("Assignee"), empty_label=_("Anyone"), null_label=_("Nobody")
    )

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            User.objects.filter(memberships__company=company, memberships__is_active=True)
            # A choice shows a name: only the columns it needs, no JSON or dates to decode per member.
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name", "pk")
        )
        shared = _SharedRows(members)
        for name in ("author", "assignee"):
            self.filters[name].queryset = members
            self.filters[name].extra["shared_rows"] = shared

    def filter_q(self, queryset, name, value):
        return queryset.filter(item_condition(value))

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
    deadline_from = LocalDateFilter(field_name="deadline", label=_("Deadline from"))
    deadline_to = LocalDateFilter(field_name="deadline", label=_("Deadline to"), until=True)
    # Whose work the task is: its assignee, or its author while nobody is assigned (the team page's links).
    responsible = MemberChoiceFilter(
        queryset=User.objects.none(),
        method="filter_responsible",
        label=_("Responsible"),
        empty_label=_("Anyone"),
    )
    completed_from = LocalDateFilter(field_name="completed_at", label=_("Completed from"))
    completed_to = LocalDateFilter(field_name="completed_at", label=_("Completed to"), until=True)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["responsible"].queryset = self.filters["author"].queryset
        self.filters["responsible"].extra["shared_rows"] = self.filters["author"].extra["shared_rows"]

    def filter_responsible(self, queryset, name, value):
        return queryset.filter(Q(assignee=value) | Q(assignee__isnull=True, author=value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(deadline__lt=timezone.now()).exclude(status=TaskStatus.DONE)


class ThreadFilter(django_filters.FilterSet):
    """The thread list's one filter, so that the list toolbar draws its search box, its chip and the
    column picker as on every list. Longer searches are cut to 100 characters, as before."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = Thread
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value[:100]
        return queryset.filter(
            Q(subject__icontains=value)
            | Q(partner__name__icontains=value)
            | Q(counterparty_text__icontains=value)
        )
