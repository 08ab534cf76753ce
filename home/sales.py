"""The sales user's home: today's and this week's events, tasks to do, partners without a next event, mentions.

Every list is the viewer's own work (events they own or take part in, tasks assigned to them, accounts
they own, their unread mentions), read through ``visible_to`` in index-served shapes with a fixed
number of queries however many rows there are:

1. events: the ids of the viewer's own events (``event_owner_start``) and of those they take part in
   (the participants table by user), each from the start of today, merged and limited in SQL, then the
   rows through ``Event.objects.visible_to`` by primary key (one query; no OR across the whole table);
2. tasks assigned to them, not done: the latest overdue and those due this week, and how many of each
   (``task_assignee_status``; the counts from the index alone);
3. partners without a next event (``events.discipline.accounts_without_next_event``; the total by a
   window count in the same query) with the day each
   is taken away (their ``PartnerWatch``; not yet listed: counted from today, as the nightly job will),
   plus the company's working-day calendar (one query);
4. unread mentions in this company (``notification_unread``).
The meeting block's overdue count comes from its cache (``events.services.overdue_meeting_count``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connections, models
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.expressions import RawSQL
from django.utils import timezone

from communications.models import Notification, Task, TaskStatus
from companies.visibility import Viewer
from companies.workdays import WorkCalendar, company_day, company_midnight
from events.discipline import accounts_without_next_event, take_away_on
from events.models import Event, PartnerWatch
from events.services import meeting_block_applies, overdue_meeting_count

EVENTS_SHOWN = 25  # today's and this week's events (more: the calendar)
LATER_SHOWN = 5  # the next events after this week
TASKS_SHOWN = 10  # of the overdue (the latest first) and of those due this week; the counts are whole
PARTNERS_SHOWN = 20
MENTIONS_SHOWN = 10
OPEN_STATUSES = [TaskStatus.NEW, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS]


@dataclass
class Week:
    """The company's today and its week (Monday..Sunday), with the midnights the queries use."""

    today: date
    monday: date
    today_starts: datetime
    tomorrow_starts: datetime
    week_ends: datetime  # the midnight after Sunday
    now: datetime

    @classmethod
    def of(cls, company, now: datetime | None = None) -> Week:
        now = now or timezone.now()
        today = company_day(company, now)
        monday = today - timedelta(days=today.weekday())
        return cls(
            today=today,
            monday=monday,
            today_starts=company_midnight(company, today),
            tomorrow_starts=company_midnight(company, today + timedelta(days=1)),
            week_ends=company_midnight(company, monday + timedelta(days=7)),
            now=now,
        )

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass
class SalesDashboard:
    week: Week
    today_events: list[Event] = field(default_factory=list)
    week_events: list[Event] = field(default_factory=list)  # after today, this week
    later_events: list[Event] = field(default_factory=list)
    more_events: bool = False
    overdue_tasks: list[Task] = field(default_factory=list)
    due_tasks: list[Task] = field(default_factory=list)
    without_next: list = field(default_factory=list)  # PartnerAccount with .listed_on and .taken_on
    without_next_count: int = 0
    overdue_count: int = 0
    due_count: int = 0
    mentions: list[Notification] = field(default_factory=list)
    overdue_meetings: int = 0

    @property
    def open_tasks(self) -> list[Task]:
        return [*self.overdue_tasks, *self.due_tasks]


def _my_event_ids_sql(viewer: Viewer, since: datetime, limit: int) -> tuple[str, list]:
    """SQL of the ids of the viewer's events (own or taking part) from `since`, soonest first."""
    user = viewer.user.pk
    visible = Event.objects.visible_to(viewer)  # the rule holds for both parts (they are the viewer's own)
    own = visible.filter(owner_id=user, starts_at__gte=since)
    through = Event.participants.through
    taking_part = visible.filter(
        starts_at__gte=since, pk__in=through.objects.filter(user_id=user).values("event_id")
    ).exclude(owner_id=user)
    parts = []
    params: list = []
    for queryset in (own, taking_part):
        sql, part_params = (
            queryset.annotate(u_id=F("pk"), u_at=F("starts_at"))
            .values("u_id", "u_at")
            .order_by("u_at", "u_id")[:limit]
            .query.sql_with_params()
        )
        parts.append(f"({sql})")
        params.extend(part_params)
    union = " UNION ALL ".join(parts)
    return f"SELECT u.u_id FROM ({union}) AS u ORDER BY u.u_at, u.u_id LIMIT %s", [*params, limit]  # noqa: S608


def my_events(viewer: Viewer, since: datetime, limit: int) -> list[Event]:
    """The viewer's events (owned or taking part) from `since`, soonest first, at most `limit` (one query)."""
    if connections[Event.objects.db].vendor != "postgresql":
        # The embedded default (SQLite) has no ARRAY() and no ordered parts in a UNION: the plain OR.
        through = Event.participants.through
        mine = Q(owner_id=viewer.user.pk) | Q(
            pk__in=through.objects.filter(user_id=viewer.user.pk).values("event_id")
        )
        return list(
            Event.objects.visible_to(viewer)
            .filter(mine, starts_at__gte=since)
            .select_related("type", "partner")
            .order_by("starts_at", "pk")[:limit]
        )
    sql, params = _my_event_ids_sql(viewer, since, limit)
    wanted = RawSQL(f'"events_event"."id" = ANY(ARRAY({sql}))', params, output_field=models.BooleanField())  # noqa: S611
    return list(
        Event.objects.visible_to(viewer)
        .filter(wanted)
        .select_related("type", "partner")
        .order_by("starts_at", "pk")[:limit]
    )


def sales_dashboard(viewer: Viewer, now: datetime | None = None) -> SalesDashboard:
    company, user = viewer.company, viewer.user
    week = Week.of(company, now)
    board = SalesDashboard(week=week)

    # 1. Events from the start of today: today's, the rest of this week's, then the next few.
    events = my_events(viewer, week.today_starts, EVENTS_SHOWN + LATER_SHOWN)
    in_week = [event for event in events if event.starts_at < week.week_ends]
    board.today_events = [event for event in in_week if event.starts_at < week.tomorrow_starts][:EVENTS_SHOWN]
    board.week_events = [event for event in in_week if event.starts_at >= week.tomorrow_starts][
        : max(EVENTS_SHOWN - len(board.today_events), 0)
    ]
    board.more_events = len(in_week) > EVENTS_SHOWN
    board.later_events = [event for event in events if event.starts_at >= week.week_ends][:LATER_SHOWN]

    # 2. Tasks assigned to the viewer, not done: the overdue (latest first) and those due this week,
    #    a few of each, and how many there are (counted from the index alone).
    mine = Task.objects.visible_to(viewer).filter(assignee_id=user.pk, status__in=OPEN_STATUSES)
    rows = mine.select_related("thread", "partner")
    board.overdue_tasks = list(rows.filter(deadline__lt=week.now).order_by("-deadline", "-pk")[:TASKS_SHOWN])
    board.due_tasks = list(
        rows.filter(deadline__gte=week.now, deadline__lt=week.week_ends).order_by("deadline", "-pk")[
            :TASKS_SHOWN
        ]
    )
    counts = mine.filter(deadline__lt=week.week_ends).aggregate(
        overdue=Count("status", filter=Q(deadline__lt=week.now)),
        due=Count("status", filter=Q(deadline__gte=week.now)),
    )
    board.overdue_count, board.due_count = counts["overdue"], counts["due"]

    # 3. Partners without a next event, soonest take-away first.
    watches = PartnerWatch.objects.filter(
        company_id=company.pk, partner_id=OuterRef("partner_id"), owner_id=user.pk
    ).values("listed_on")[:1]
    accounts = list(
        accounts_without_next_event(company=company, owner=user, now=week.now)
        .annotate(listed_on=Subquery(watches), total=Window(Count("pk")))
        .select_related("partner")
        .order_by(F("listed_on").asc(nulls_last=True), "partner__name", "pk")[:PARTNERS_SHOWN]
    )
    board.without_next_count = accounts[0].total if accounts else 0
    if accounts:
        calendar = WorkCalendar.for_company(company)
        for account in accounts:
            account.taken_on = take_away_on(calendar, account.listed_on or week.today)
            account.days_left = max((account.taken_on - week.today).days, 0)
        board.without_next = accounts

    # 4. Unread mentions here (a notification is its recipient's; the company narrows it to this one).
    board.mentions = list(
        Notification.objects.unread()
        .filter(recipient_id=user.pk, company_id=company.pk, verb="mention")
        .select_related("actor")
        .order_by("-created_at", "-pk")[:MENTIONS_SHOWN]
    )
    if meeting_block_applies(viewer.membership):
        board.overdue_meetings = overdue_meeting_count(user=user, company=company)
    return board
