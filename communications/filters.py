import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communications.models import Channel, Communication, CommunicationStatus, Direction, Task, TaskStatus
from companies.models import User

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class ItemFilter(django_filters.FilterSet):
    """Filters shared by communications and tasks."""

    number = django_filters.CharFilter(lookup_expr="icontains", label=_("Number"), max_length=20)
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Created from"), **DATE
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Created to"), **DATE
    )
    counterparty = django_filters.CharFilter(
        method="filter_counterparty", label=_("Counterparty"), max_length=100
    )
    thread = django_filters.NumberFilter(field_name="thread_id", label=_("Thread"), widget=forms.HiddenInput)
    subject = django_filters.CharFilter(lookup_expr="icontains", label=_("Subject"), max_length=100)
    author = django_filters.ModelChoiceFilter(queryset=User.objects.none(), label=_("Author"))
    assignee = django_filters.ModelChoiceFilter(queryset=User.objects.none(), label=_("Assignee"))

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__company=company, memberships__is_active=True).order_by(
            "last_name", "first_name"
        )
        self.filters["author"].queryset = members
        self.filters["assignee"].queryset = members

    def filter_counterparty(self, queryset, name, value):
        return queryset.filter(Q(partner__name__icontains=value) | Q(counterparty_text__icontains=value))


class CommunicationFilter(ItemFilter):
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("Direction"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    status = django_filters.ChoiceFilter(choices=CommunicationStatus.choices, label=_("Status"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("number", "number"),
            ("created_at", "created"),
            ("subject", "subject"),
            ("status", "status"),
            ("direction", "direction"),
            ("channel", "channel"),
        ),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Communication
        fields: list[str] = []


class TaskFilter(ItemFilter):
    deadline_from = django_filters.DateFilter(
        field_name="deadline", lookup_expr="date__gte", label=_("Deadline from"), **DATE
    )
    deadline_to = django_filters.DateFilter(
        field_name="deadline", lookup_expr="date__lte", label=_("Deadline to"), **DATE
    )
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    overdue = django_filters.ChoiceFilter(
        choices=[("1", _("Overdue only"))], method="filter_overdue", label=_("Overdue")
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("number", "number"),
            ("deadline", "deadline"),
            ("created_at", "created"),
            ("subject", "subject"),
            ("status", "status"),
        ),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(deadline__lt=timezone.now()).exclude(status=TaskStatus.DONE)
