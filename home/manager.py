"""The manager's home: the team this week against last week, who needs attention, the open-task pipeline,
and the team's activity per week.

"The team" is everyone below the viewer at any depth (``team.stats.scope_people(viewer, "below")``: a
person with two supervisors once; with ``view_all_company_data``, the company). The figures come from
``team.stats.team_figures`` (one grouped query per kind of record, the same for 5 or 500 people); the
pipeline and the weekly chart add one grouped query each, read from the per-person indexes
(``task_assignee_status``: company, assignee, status, deadline; ``communication_author``: company,
author, created_at; ``event_owner_start``: company, owner, starts_at) without touching the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from communications.models import Communication, Task, TaskStatus
from companies.visibility import Viewer
from companies.workdays import company_midnight
from core.charts import Chart, stacked_bar_chart
from events.models import Event
from home.formats import short_day
from home.sales import OPEN_STATUSES, Week
from team.stats import PersonFigures, scope_people, team_figures, totals

WEEKS_CHARTED = 8
# The figures are kept this long per viewer and language (the page says of when, and offers a refresh):
# a dozen grouped queries over the whole team are worth reusing while a manager moves between pages.
CACHE_SECONDS = 120
TAKEAWAY_SOON_DAYS = 7  # "about to be taken away": a partner's take-away within this many days

# (figure key, label): the summary's rows in order.
SUMMARY_ROWS = (
    ("communications", gettext_lazy("Communications")),
    ("events_held", gettext_lazy("Events held")),
    ("meetings_successful", gettext_lazy("Meetings closed successful")),
    ("meetings_unsuccessful", gettext_lazy("Meetings closed unsuccessful")),
    ("tasks_created", gettext_lazy("Tasks created")),
    ("tasks_done", gettext_lazy("Tasks done")),
    ("partners_new", gettext_lazy("New partners")),
    ("first_successes", gettext_lazy("First successes (sent to the ERP)")),
    ("partners_taken", gettext_lazy("Partners taken away")),
)
NOW_ROWS = (
    ("meetings_overdue", gettext_lazy("Overdue meetings now")),
    ("tasks_overdue", gettext_lazy("Overdue tasks now")),
    ("partners_without_next_event", gettext_lazy("Partners without a next event now")),
)


@dataclass
class SummaryRow:
    key: str
    label: str
    this_week: int
    last_week: int | None = None
    link: str = ""

    @property
    def change(self) -> int | None:
        return None if self.last_week is None else self.this_week - self.last_week


@dataclass
class ManagerDashboard:
    week: Week
    people: int = 0
    summary: list[SummaryRow] = field(default_factory=list)
    attention: list[PersonFigures] = field(default_factory=list)
    pipeline: dict[str, dict[str, int]] = field(default_factory=dict)
    pipeline_chart: Chart | None = None
    activity_chart: Chart | None = None
    built_at: datetime | None = None


def _summary_links(week: Week) -> dict[str, str]:
    """The lists behind the summary's figures, filtered to this week (they show the viewer's own rows
    too, and shared ones, besides the team's)."""
    monday, sunday = week.monday.isoformat(), week.sunday.isoformat()
    held_to = min(week.today, week.sunday).isoformat()
    events = f"{reverse('events:list')}?scope=team&start_from={monday}&start_to={held_to}"
    tasks = reverse("communications:task_list")
    return {
        "communications": f"{reverse('communications:communication_list')}?created_from={monday}&created_to={sunday}",
        "events_held": events,
        "meetings_successful": f"{events}&outcome=successful",
        "meetings_unsuccessful": f"{events}&outcome=unsuccessful",
        "tasks_created": f"{tasks}?created_from={monday}&created_to={sunday}",
        "tasks_overdue": f"{tasks}?overdue=1",
        "meetings_overdue": f"{reverse('events:list')}?scope=team&outcome=open&start_to={week.today.isoformat()}",
    }


def _pipeline(viewer: Viewer, ids: list[int], week: Week) -> dict[str, dict[str, int]]:
    """Open tasks of the team by status: overdue, due this week, later, without a deadline (one query)."""
    rows = (
        Task.objects.visible_to(Viewer.for_job(viewer.company))  # the people are the viewer's (scope_people)
        .filter(assignee_id__in=ids, status__in=OPEN_STATUSES)
        .values("status")
        .annotate(
            # Counting a column of the index (company, assignee, status, deadline), not the id: the
            # rows are read from the index alone.
            overdue=Count("status", filter=Q(deadline__lt=week.now)),
            this_week=Count("status", filter=Q(deadline__gte=week.now, deadline__lt=week.week_ends)),
            later=Count("status", filter=Q(deadline__gte=week.week_ends)),
            undated=Count("status", filter=Q(deadline__isnull=True)),
        )
        .order_by()
    )
    found = {row["status"]: row for row in rows}
    return {
        status: {
            key: found.get(status, {}).get(key, 0) for key in ("overdue", "this_week", "later", "undated")
        }
        for status in OPEN_STATUSES
    }


def _weekly_activity(viewer: Viewer, ids: list[int], week: Week) -> tuple[list[date], dict[str, list[int]]]:
    """Communications and events held per week by the team, the last `WEEKS_CHARTED` weeks (two queries)."""
    company = viewer.company
    first = week.monday - timedelta(weeks=WEEKS_CHARTED - 1)
    mondays = [first + timedelta(weeks=i) for i in range(WEEKS_CHARTED)]
    start = company_midnight(company, first)
    job = Viewer.for_job(company)
    counts: dict[str, list[int]] = {}
    for name, model, owner, column, until in (
        ("communications", Communication, "author_id", "created_at", week.week_ends),
        ("events", Event, "owner_id", "starts_at", week.tomorrow_starts),
    ):
        per_day = (
            model.objects.visible_to(job)
            .filter(**{f"{owner}__in": ids, f"{column}__gte": start, f"{column}__lt": until})
            .annotate(day=TruncDate(column, tzinfo=company.zone))
            .values("day")
            .annotate(n=Count("*"))  # from the per-person index alone
            .order_by()
        )
        weekly = [0] * WEEKS_CHARTED
        for row in per_day:
            index = (row["day"] - first).days // 7
            if 0 <= index < WEEKS_CHARTED:
                weekly[index] += row["n"]
        counts[name] = weekly
    return mondays, counts


def manager_dashboard(viewer: Viewer, now=None, *, fresh: bool = False) -> ManagerDashboard:
    """The manager's figures, from the cache when they were built in the last `CACHE_SECONDS` for this
    viewer, company day and language (unless `fresh`)."""
    week = Week.of(viewer.company, now)
    key = f"home:team:1:{viewer.company.pk}:{viewer.user.pk}:{week.today.isoformat()}:{get_language()}"
    board = None if fresh else cache.get(key)
    if board is None:
        board = build_manager_dashboard(viewer, week)
        cache.set(key, board, CACHE_SECONDS)
    return board


def build_manager_dashboard(viewer: Viewer, week: Week) -> ManagerDashboard:
    board = ManagerDashboard(week=week, built_at=week.now)
    people = scope_people(viewer, "below")
    people = [person for person in people if person.pk != viewer.user.pk]
    board.people = len(people)
    if not people:
        return board
    ids = [person.pk for person in people]
    rows = team_figures(viewer, people=people, start=week.monday, end=week.sunday, today=week.today)
    total = totals(rows)
    links = _summary_links(week)
    board.summary = [
        SummaryRow(key, str(label), total.current[key], total.previous[key], links.get(key, ""))
        for key, label in SUMMARY_ROWS
    ] + [SummaryRow(key, str(label), total.current[key], link=links.get(key, "")) for key, label in NOW_ROWS]
    board.attention = sorted(
        (
            row
            for row in rows
            if row.current["meetings_overdue"]
            or (row.days_left is not None and row.days_left <= TAKEAWAY_SOON_DAYS)
        ),
        key=lambda row: (
            -row.current["meetings_overdue"],
            row.days_left if row.days_left is not None else 999,
        ),
    )
    board.pipeline = _pipeline(viewer, ids, week)
    status_labels = dict(TaskStatus.choices)
    board.pipeline_chart = stacked_bar_chart(
        _("Open tasks of the team by status"),
        [str(status_labels[status]) for status in OPEN_STATUSES],
        [
            (_("Overdue"), [board.pipeline[s]["overdue"] for s in OPEN_STATUSES]),
            (_("Due this week"), [board.pipeline[s]["this_week"] for s in OPEN_STATUSES]),
            (_("Later"), [board.pipeline[s]["later"] for s in OPEN_STATUSES]),
            (_("No deadline"), [board.pipeline[s]["undated"] for s in OPEN_STATUSES]),
        ],
        links=[f"/tasks/?status={status}" for status in OPEN_STATUSES],
    )
    mondays, activity = _weekly_activity(viewer, ids, week)
    board.activity_chart = stacked_bar_chart(
        _("Team activity per week"),
        [short_day(monday) for monday in mondays],
        [(_("Communications"), activity["communications"]), (_("Events held"), activity["events"])],
        description=_(
            "Communications logged and events held by the team in each of the last %(weeks)s weeks."
        )
        % {"weeks": WEEKS_CHARTED},
    )
    return board
