"""The partner page's activity sections (issue 18), read through `visible_to` in one query each.

A tag, so the partner page (a lower app) renders them without importing communications, events or
orders (docs/architecture.md, "Layers"):

    {% load partner_overview %}{% partner_activity partner as activity %}

`activity` holds the newest `SECTION_SIZE` communications, tasks (open ones first, by deadline),
events, orders and threads the viewer may see, the next open event, whether each section has more
rows than it shows, and a timeline merged in Python from those rows (no query of its own). Five
queries whatever the number of rows: communications, tasks, events, orders, threads (a sixth for
the next event only when the events section is full of upcoming events).
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from django import template
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from communications.models import Communication, Task, TaskStatus, Thread
from companies.visibility import Viewer
from events.models import Event
from orders.models import Order

register = template.Library()

SECTION_SIZE = 8
TIMELINE_SIZE = 12


@dataclass
class TimelineEntry:
    kind: str  # communication, task, event, order
    when: datetime
    obj: object


@dataclass
class Section:
    rows: list
    has_more: bool

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class PartnerActivity:
    communications: Section
    tasks: Section
    events: Section
    orders: Section
    threads: Section
    next_event: Event | None
    timeline: list[TimelineEntry] = field(default_factory=list)


def _section(queryset) -> Section:
    """One query: a row more than shown says whether the section has more."""
    rows = list(queryset[: SECTION_SIZE + 1])
    return Section(rows=rows[:SECTION_SIZE], has_more=len(rows) > SECTION_SIZE)


def _order_time(order: Order) -> datetime:
    return timezone.make_aware(datetime.combine(order.ordered_on, time.min))


def _next_event(events: Section, viewer: Viewer, partner) -> Event | None:
    """The earliest open upcoming event. The events section (newest first) already holds every
    upcoming event unless it is full of them; only then is one more query needed."""
    now = timezone.now()
    if events.has_more and all(event.starts_at >= now for event in events):
        return (
            Event.objects.visible_to(viewer)
            .filter(partner=partner)
            .open()
            .upcoming(now)
            .select_related("type", "owner")
            .order_by("starts_at", "pk")
            .first()
        )
    upcoming = [event for event in events if event.is_open and event.starts_at >= now]
    return min(upcoming, key=lambda event: (event.starts_at, event.pk), default=None)


def _timeline(communications, tasks, events, orders) -> list[TimelineEntry]:
    now = timezone.now()
    entries = [TimelineEntry("communication", item.created_at, item) for item in communications]
    entries += [TimelineEntry("task", item.created_at, item) for item in tasks]
    # Only what happened: a planned event shows under "Next event" and in the events section.
    entries += [TimelineEntry("event", event.starts_at, event) for event in events if event.starts_at <= now]
    entries += [TimelineEntry("order", _order_time(order), order) for order in orders]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:TIMELINE_SIZE]


@register.simple_tag(takes_context=True)
def partner_activity(context, partner) -> PartnerActivity:
    """Loaded once per request and partner: the header card's block and the sections' block of the
    page (each a template block of its own context) both ask for it."""
    request = context["request"]
    cache = request.__dict__.setdefault("_partner_activity", {})
    if partner.pk not in cache:
        cache[partner.pk] = _load(Viewer.for_request(request), partner)
    return cache[partner.pk]


def _load(viewer: Viewer, partner) -> PartnerActivity:
    communications = _section(
        Communication.objects.visible_to(viewer)
        .filter(partner=partner)
        .select_related("author", "assignee", "contact")
        .order_by("-created_at", "-pk")
    )
    finished_last = Case(
        When(status=TaskStatus.DONE, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    tasks = _section(
        Task.objects.visible_to(viewer)
        .filter(partner=partner)
        .select_related("author", "assignee")
        .order_by(finished_last, "deadline", "-created_at", "-pk")
    )
    events = _section(
        Event.objects.visible_to(viewer)
        .filter(partner=partner)
        .select_related("type", "owner")
        .order_by("-starts_at", "-pk")
    )
    next_event = _next_event(events, viewer, partner)
    orders = _section(Order.objects.visible_to(viewer).filter(partner=partner).order_by("-ordered_on", "-pk"))
    threads = _section(
        Thread.objects.visible_to(viewer)
        .filter(partner=partner)
        .select_related("owner")
        .order_by("-created_at", "-pk")
    )
    return PartnerActivity(
        communications=communications,
        tasks=tasks,
        events=events,
        orders=orders,
        threads=threads,
        next_event=next_event,
        timeline=_timeline(communications, tasks, events, orders),
    )
