"""The calendar's day, week and month grids, built from events already loaded through the visibility helper.

No queries here: the view loads the events (and which overlaid person each belongs to) and this module
lays them out in the company's time zone (the active one, set by `ActiveCompanyMiddleware`):

1. `period(view, day)`: the first and last day shown (weeks start on Monday) and the previous/next day.
2. `time_grid(...)`: one column per day (1 for the day view, 7 for the week view) with the events placed
   by minutes since midnight (top/height in percent of the day) and side by side when they overlap
   (lanes), and the half-hour slots that open the event form prefilled with their start.
3. `month_grid(...)`: the weeks of the month, each day with its events, for the month view and its agenda.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from events.models import EventKind

VIEWS = ("day", "week", "month")
SLOT_MINUTES = 30
DAY_MINUTES = 24 * 60
# What a block without an end (a call, a reminder) or a very short one takes up, so it stays readable.
SHORTEST_BLOCK_MINUTES = 30
# The grid's visible window when it opens (the rest scrolls): 08:00-18:00.
WORKDAY_FIRST_HOUR, WORKDAY_LAST_HOUR = 8, 18

# When a type has no colour of its own: one per kind, dark enough for a 4.5:1 border and dot.
KIND_COLOURS = {
    EventKind.CALL: "#1d4ed8",
    EventKind.MEETING: "#15803d",
    EventKind.REMINDER: "#b45309",
    EventKind.OTHER: "#6d28d9",
}
# Overlaid colleagues: a badge colour each, in the order they were chosen.
PERSON_COLOURS = ["#be123c", "#0e7490", "#4d7c0f", "#a21caf", "#c2410c", "#334155"]


def type_colour(event_type) -> str:
    return event_type.colour or KIND_COLOURS.get(event_type.kind, KIND_COLOURS[EventKind.OTHER])


@dataclass(frozen=True)
class Period:
    view: str
    first: date
    last: date
    previous: date
    following: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def grid_days(self) -> list[date]:
        """The month view's whole weeks (Monday to Sunday around the month), else the period's days."""
        if self.view != "month":
            return self.days
        start = self.first - timedelta(days=self.first.weekday())
        end = self.last + timedelta(days=6 - self.last.weekday())
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def period(view: str, day: date) -> Period:
    if view == "day":
        return Period(view, day, day, day - timedelta(days=1), day + timedelta(days=1))
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return Period(
            view, first, first + timedelta(days=6), first - timedelta(days=7), first + timedelta(days=7)
        )
    first = day.replace(day=1)
    last = day.replace(day=pycalendar.monthrange(day.year, day.month)[1])
    return Period(view, first, last, (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1))


def local_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Midnight before `first` and after `last` in the active (company's) time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


@dataclass
class Placed:
    """One event's block in one day column (an event over midnight has a block in each day)."""

    event: object
    start_minute: int
    end_minute: int
    colour: str
    person: object | None = None
    person_colour: str = ""
    lane: int = 0
    lanes: int = 1

    @property
    def top(self) -> str:
        return f"{100 * self.start_minute / DAY_MINUTES:.3f}"

    @property
    def height(self) -> str:
        shown = max(self.end_minute - self.start_minute, SHORTEST_BLOCK_MINUTES)
        shown = min(shown, DAY_MINUTES - self.start_minute)
        return f"{100 * shown / DAY_MINUTES:.3f}"

    @property
    def left(self) -> str:
        return f"{100 * self.lane / self.lanes:.3f}"

    @property
    def width(self) -> str:
        return f"{100 / self.lanes:.3f}"


@dataclass
class Slot:
    starts_at: datetime
    label: str

    @property
    def value(self) -> str:
        """For the event form's `?starts_at=` (its datetime-local format)."""
        return self.starts_at.strftime("%Y-%m-%dT%H:%M")

    @property
    def on_the_hour(self) -> bool:
        return self.starts_at.minute == 0


@dataclass
class DayColumn:
    day: date
    is_today: bool
    blocks: list[Placed] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)


def _minutes(moment: datetime) -> int:
    local = timezone.localtime(moment)
    return local.hour * 60 + local.minute


def _pack(blocks: list[Placed]) -> None:
    """Side by side where they overlap: each cluster of overlapping blocks shares the column's width."""
    blocks.sort(key=lambda b: (b.start_minute, -b.end_minute))
    cluster: list[Placed] = []
    lane_ends: list[int] = []
    cluster_end = -1

    def close_cluster() -> None:
        for block in cluster:
            block.lanes = len(lane_ends)

    for block in blocks:
        end = max(block.end_minute, block.start_minute + SHORTEST_BLOCK_MINUTES)
        if cluster and block.start_minute >= cluster_end:
            close_cluster()
            cluster, lane_ends = [], []
        free = next((i for i, lane_end in enumerate(lane_ends) if lane_end <= block.start_minute), None)
        if free is None:
            lane_ends.append(end)
            free = len(lane_ends) - 1
        else:
            lane_ends[free] = end
        block.lane = free
        cluster.append(block)
        cluster_end = max(cluster_end, end)
    if cluster:
        close_cluster()


def time_grid(
    days: list[date], events, *, today: date, people_of: dict[int, tuple[object, str]], with_slots: bool
) -> list[DayColumn]:
    """Day columns with their placed blocks and, if the user may create events, their half-hour slots.

    `people_of` maps an event id to the overlaid colleague it belongs to and that person's colour.
    """
    columns = {day: DayColumn(day=day, is_today=day == today) for day in days}
    zone = timezone.get_current_timezone()
    for event in events:
        start = timezone.localtime(event.starts_at)
        end = timezone.localtime(event.ends_at) if event.ends_at else start
        person, person_colour = people_of.get(event.pk, (None, ""))
        day = start.date()
        while day <= end.date():
            column = columns.get(day)
            if column is not None:
                first_minute = _minutes(event.starts_at) if day == start.date() else 0
                last_minute = _minutes(event.ends_at or event.starts_at) if day == end.date() else DAY_MINUTES
                column.blocks.append(
                    Placed(
                        event=event,
                        start_minute=first_minute,
                        end_minute=max(last_minute, first_minute),
                        colour=type_colour(event.type),
                        person=person,
                        person_colour=person_colour,
                    )
                )
            day += timedelta(days=1)
    for column in columns.values():
        _pack(column.blocks)
        if with_slots:
            midnight = datetime.combine(column.day, time.min)
            for n in range(DAY_MINUTES // SLOT_MINUTES):
                moment = timezone.make_aware(midnight + timedelta(minutes=n * SLOT_MINUTES), zone)
                label = _("New event on %(day)s at %(time)s") % {
                    "day": formats.date_format(column.day, "SHORT_DATE_FORMAT"),
                    "time": moment.strftime("%H:%M"),
                }
                column.slots.append(Slot(starts_at=moment, label=label))
    return list(columns.values())


def month_grid(grid_days: list[date], events) -> list[list[tuple[date, list]]]:
    """Weeks (Monday first) of (day, events starting that day in the company's zone)."""
    by_day: dict[date, list] = {}
    for event in events:
        by_day.setdefault(timezone.localdate(event.starts_at), []).append(event)
    return [
        [(day, by_day.get(day, [])) for day in grid_days[week : week + 7]]
        for week in range(0, len(grid_days), 7)
    ]
