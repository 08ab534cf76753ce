"""Activity figures per person: the team page, the person page, the manager's home and the weekly digest.

Entry points (stable; the home page imports them):

- ``period_for(choice, today, start=None, end=None) -> Period``: this week, last week, this month,
  last month or a custom range of company days, with the previous period of the same length.
- ``scope_people(viewer, scope, department=None, person=None) -> list[User]``: whose rows the viewer
  may see for a scope ("direct", "below", "department", "person"); never anyone outside what the
  viewer may see (their subtree at any depth, or the whole company with ``view_all_company_data``).
- ``team_figures(viewer, *, people, start, end) -> list[PersonFigures]``: one row per person.
- ``totals(rows) -> Figures``: the sum of rows, each person once (a person with two supervisors is
  one row in a scope, so once in its total); ``department_totals(rows)`` per department.
- ``weekly_activity(viewer, person, *, weeks, today)``: communications + events per week.

How it is read (the query count does not grow with the number of people): one query per kind of
record, filtered by ``company`` and ``person IN (...)``, grouped by person (and by day for the
sparkline), with the current and the previous period counted in the same scan (``COUNT(*) FILTER``).
Period boundaries are midnights in the company's time zone (``companies.workdays.company_midnight``).
The numbers are the rows the lists show for the same filters (``team/links.py`` builds the links):

- communications: by author, channel and direction, created in the period;
- events held: events owned, starting in the period up to the end of today;
- meetings: events of a meeting type owned, starting in the period up to the end of today, by outcome;
- overdue meetings: open meetings past their closing grace now (``events.services.overdue_meetings``'s
  rule, applied to everyone at once through the latest end day that is already overdue);
- tasks created: by author, created in the period; tasks done: by the responsible person (assignee,
  else author), completed in the period; tasks overdue: responsible, not done, deadline passed now;
- partners owned (accounts owned now, any status), without a next event now
  (``events.discipline.accounts_without_next_event``) and the fewest days left before a take-away
  (their ``PartnerWatch``), taken away in the period (``OwnerChange`` for no next event), new
  (accounts created in the period, still theirs), first successes (``PartnerPush`` created in the
  period for a partner whose account they own).
"""

from __future__ import annotations

import calendar as month_calendar
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from communications.models import Channel, Communication, Direction, Task, TaskStatus
from companies.models import Department, Membership, SupervisorEdge, User
from companies.visibility import Viewer
from companies.workdays import WorkCalendar, company_day, company_midnight
from events.discipline import WATCHED_STATUSES, accounts_without_next_event, take_away_on
from events.models import Event, EventKind, Outcome, PartnerWatch
from partners.models import OwnerChange, OwnerChangeReason, PartnerAccount

# ---------------------------------------------------------------------------------------------------
# Periods

PERIOD_CHOICES = ("this_week", "last_week", "this_month", "last_month", "custom")
SCOPES = ("direct", "below", "department", "person")
LONGEST_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Company days `start`..`end` (both included) and the previous period of the same length."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def day_list(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def period_for(choice: str, today: date, start: date | None = None, end: date | None = None) -> Period:
    """The period a choice names, seen from `today` (the company's day). "custom" takes `start`/`end`."""
    monday = today - timedelta(days=today.weekday())
    if choice == "last_week":
        return Period(monday - timedelta(days=7), monday - timedelta(days=1))
    if choice == "this_month":
        first = today.replace(day=1)
        return Period(first, first.replace(day=month_calendar.monthrange(first.year, first.month)[1]))
    if choice == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if choice == "custom" and start and end:
        return Period(start, end)
    return Period(monday, monday + timedelta(days=6))


# ---------------------------------------------------------------------------------------------------
# Figures

#: Figures counted over a period (current and previous).
CHANNEL_DIRECTIONS = [(c, d) for c in Channel.values for d in Direction.values]
PERIOD_FIGURES = (
    *(f"comm_{c}_{d}" for c, d in CHANNEL_DIRECTIONS),
    "communications",
    "events_held",
    "meetings_successful",
    "meetings_unsuccessful",
    "meetings_open",
    "tasks_created",
    "tasks_done",
    "partners_taken",
    "partners_new",
    "first_successes",
)
#: Figures of the moment (no previous period).
NOW_FIGURES = (
    "meetings_overdue",
    "tasks_overdue",
    "partners_owned",
    "partners_without_next_event",
)
FIGURES = (*PERIOD_FIGURES, *NOW_FIGURES)

Figures = dict[str, int]


@dataclass
class PersonFigures:
    """One person's row: figures of the period, of the previous period, and activity per day."""

    user: User
    department: Department | None = None
    current: Figures = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))
    previous: Figures = field(default_factory=lambda: dict.fromkeys(PERIOD_FIGURES, 0))
    # Fewest days left before a partner without a next event is taken away (None: none watched).
    days_left: int | None = None
    # Communications + events per day of the period (the sparkline).
    daily: list[int] = field(default_factory=list)

    @property
    def activity(self) -> int:
        return self.current["communications"] + self.current["events_held"]

    def change(self, key: str) -> int | None:
        if key not in self.previous:
            return None
        return self.current[key] - self.previous[key]


@dataclass
class Bounds:
    """The moments a period covers in the company's zone, as the queries use them."""

    start: datetime  # current period's first midnight
    end: datetime  # the midnight after the current period
    prev_start: datetime  # previous period's first midnight
    held_end: datetime  # the end of the current period, but no later than the end of today
    prev_held_end: datetime  # the previous period's end, no later than the end of today

    @classmethod
    def of(cls, company, period: Period, today: date) -> Bounds:
        tomorrow = company_midnight(company, today + timedelta(days=1))
        end = company_midnight(company, period.end + timedelta(days=1))
        start = company_midnight(company, period.start)
        return cls(
            start=start,
            end=end,
            prev_start=company_midnight(company, period.previous.start),
            held_end=min(end, tomorrow),
            prev_held_end=min(start, tomorrow),
        )


def _split(column: str, bounds: Bounds, *, held: bool = False) -> dict:
    """COUNT FILTER for the current and the previous period in one scan (of the column itself, which the
    indexes hold: the id would make PostgreSQL read the table rows)."""
    end, prev_end = (bounds.held_end, bounds.prev_held_end) if held else (bounds.end, bounds.start)
    return {
        "cur": Count(column, filter=Q(**{f"{column}__gte": bounds.start, f"{column}__lt": end})),
        "prev": Count(column, filter=Q(**{f"{column}__gte": bounds.prev_start, f"{column}__lt": prev_end})),
    }


def last_overdue_end_day(cal: WorkCalendar, today: date) -> date:
    """The latest day a meeting may have ended on and be overdue today (`grace_over_on` grows with the day)."""
    grace = settings.MEETING_CLOSE_GRACE_WORKING_DAYS
    day = today - timedelta(days=1)
    while cal.grace_over_on(day, grace) > today:
        day -= timedelta(days=1)
    return day


# How long the team page keeps a viewer's figures (the page says "Figures of 09:05" and offers Refresh).
CACHE_SECONDS = 120


@dataclass
class CachedFigures:
    rows: list[PersonFigures]
    built_at: datetime


def cached_team_figures(
    viewer: Viewer, *, people: list[User], start: date, end: date, today: date, fresh: bool = False
) -> CachedFigures:
    """`team_figures` kept for `CACHE_SECONDS` per viewer, people, period and company day.

    A director's whole company costs a few hundred milliseconds of SQL and Python; the same figures
    asked again within two minutes (a sort, an export, a reload, the Monday meeting's projector)
    come from the cache. The key holds the viewer and the exact people, so a cached row is never
    shown to someone else; `fresh` rebuilds.
    """
    ids = ",".join(str(pk) for pk in sorted(person.pk for person in people))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:24]
    key = f"team:figures:1:{viewer.company.pk}:{viewer.user.pk}:{digest}:{start}:{end}:{today}"
    cached = None if fresh else cache.get(key)
    if cached is None:
        rows = team_figures(viewer, people=people, start=start, end=end, today=today)
        cached = CachedFigures(rows=rows, built_at=timezone.now())
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def team_figures(
    viewer: Viewer, *, people: list[User] | None, start: date, end: date, today: date | None = None
) -> list[PersonFigures]:
    """One row per person of `people` (default: `scope_people(viewer, "below")`) for company days
    `start`..`end` against the previous period of the same length.

    People the viewer may not see are dropped (never a figure outside the viewer's subtree). About a
    twenty queries whatever the number of people.
    """
    company = viewer.company
    if people is None:
        people = scope_people(viewer, "below")
    allowed = allowed_user_ids(viewer)
    people = [p for p in people if p.pk in allowed]
    if not people:
        return []
    today = today or company_day(company)
    period = Period(start, end)
    bounds = Bounds.of(company, period, today)
    ids = [p.pk for p in people]
    rows = {p.pk: PersonFigures(user=p, daily=[0] * period.days) for p in people}
    departments = _departments(company, ids)
    for pk, row in rows.items():
        row.department = departments.get(pk)
    job = Viewer.for_job(company)  # the people are checked above; each query stays inside the company
    zone = company.zone
    now = timezone.now()

    def add(pk: int | None, key: str, cur: int, prev: int | None = None) -> None:
        if pk in rows:
            rows[pk].current[key] += cur
            if prev is not None:
                rows[pk].previous[key] += prev

    # 1. Communications by author, channel and direction.
    # Naming every channel and direction lets PostgreSQL read the list index `communication_list`
    # (company, channel, direction, created_at; author included) alone: no table rows are read.
    every_kind = {"channel__in": Channel.values, "direction__in": Direction.values}
    communications = Communication.objects.visible_to(job).filter(
        author_id__in=ids, created_at__gte=bounds.prev_start, created_at__lt=bounds.end, **every_kind
    )
    for r in communications.values("author_id", "channel", "direction").annotate(
        **_split("created_at", bounds)
    ):
        add(r["author_id"], f"comm_{r['channel']}_{r['direction']}", r["cur"], r["prev"])
        add(r["author_id"], "communications", r["cur"], r["prev"])

    # 2. Events held and meetings by outcome.
    events = Event.objects.visible_to(job).filter(
        owner_id__in=ids, starts_at__gte=bounds.prev_start, starts_at__lt=bounds.held_end
    )
    for r in events.values("owner_id", "type__kind", "outcome").annotate(
        **_split("starts_at", bounds, held=True)
    ):
        add(r["owner_id"], "events_held", r["cur"], r["prev"])
        if r["type__kind"] == EventKind.MEETING:
            add(r["owner_id"], f"meetings_{r['outcome']}", r["cur"], r["prev"])

    # 3. Activity per day (communications + events held) for the sparkline.
    first = period.start
    for model, owner, column, until, kinds in (
        (Communication, "author_id", "created_at", bounds.end, every_kind),
        (Event, "owner_id", "starts_at", bounds.held_end, {}),
    ):
        daily = (
            model.objects.visible_to(job)
            .filter(**{f"{owner}__in": ids, f"{column}__gte": bounds.start, f"{column}__lt": until}, **kinds)
            .annotate(day=TruncDate(column, tzinfo=zone))
            .values(owner, "day")
            .annotate(n=Count("*"))
            .order_by()
        )
        for r in daily:
            index = (r["day"] - first).days
            if r[owner] in rows and 0 <= index < period.days:
                rows[r[owner]].daily[index] += r["n"]

    # 4. Overdue meetings now: open meetings that ended on or before the last overdue end day.
    cal = WorkCalendar.for_company(company)
    overdue_before = company_midnight(company, last_overdue_end_day(cal, today) + timedelta(days=1))
    overdue = (
        Event.objects.visible_to(job)
        .filter(owner_id__in=ids, outcome=Outcome.OPEN, type__kind=EventKind.MEETING)
        .annotate(ended=Coalesce("ends_at", "starts_at"))
        .filter(ended__lt=overdue_before)
        .values("owner_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for r in overdue:
        add(r["owner_id"], "meetings_overdue", r["n"])

    # 5. Tasks created (by author).
    created = (
        Task.objects.visible_to(job)
        .filter(author_id__in=ids, created_at__gte=bounds.prev_start, created_at__lt=bounds.end)
        .values("author_id")
        .annotate(**_split("created_at", bounds))
        .order_by()
    )
    for r in created:
        add(r["author_id"], "tasks_created", r["cur"], r["prev"])

    # 6. Tasks done in the period and overdue now, by the responsible person: the assignee, else the
    #    author. Assigned and unassigned tasks are counted apart, so the overdue count of assigned ones
    #    reads the index task_assignee_status (company, assignee, status, deadline) alone.
    open_statuses = [s for s in TaskStatus.values if s != TaskStatus.DONE]
    tasks = Task.objects.visible_to(job)
    for who, mine in (
        ("assignee_id", {"assignee_id__in": ids}),
        ("author_id", {"assignee__isnull": True, "author_id__in": ids}),
    ):
        overdue_tasks = (
            tasks.filter(**mine, status__in=open_statuses, deadline__lt=now)
            .values(who)
            .annotate(n=Count("*"))
            .order_by()
        )
        for r in overdue_tasks:
            add(r[who], "tasks_overdue", r["n"])
        done = (
            tasks.filter(
                **mine,
                status=TaskStatus.DONE,
                completed_at__gte=bounds.prev_start,
                completed_at__lt=bounds.end,
            )
            .values(who)
            .annotate(**_split("completed_at", bounds))
            .order_by()
        )
        for r in done:
            add(r[who], "tasks_done", r["cur"], r["prev"])

    # 7. Partners owned now and new in the period (accounts still theirs).
    accounts = (
        PartnerAccount.objects.visible_to(job)
        .filter(owner_id__in=ids)
        .values("owner_id")
        .annotate(
            owned=Count("*"),
            **_split("created_at", bounds),
        )
        .order_by()
    )
    for r in accounts:
        add(r["owner_id"], "partners_owned", r["owned"])
        add(r["owner_id"], "partners_new", r["cur"], r["prev"])

    # 8. Partners without a next event now, and the fewest days left before a take-away.
    #    The rule of events.discipline.accounts_without_next_event (watched statuses, no event of the
    #    company for the partner from now on), written as NOT IN the future events' partners: one
    #    hashed list instead of a probe per account (the team page's list reads the rule itself, and
    #    the link test compares the two).
    future = (
        Event.objects.visible_to(job).filter(starts_at__gte=now, partner__isnull=False).values("partner_id")
    )
    without = (
        PartnerAccount.objects.visible_to(job)
        .filter(status__in=WATCHED_STATUSES, owner_id__in=ids)
        .exclude(partner_id__in=future)
        .values("owner_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for r in without:
        add(r["owner_id"], "partners_without_next_event", r["n"])
    watches = (
        PartnerWatch.objects.filter(company_id=company.pk, owner_id__in=ids)
        .values("owner_id")
        .annotate(first=Min("listed_on"))
        .order_by()
    )
    for r in watches:
        if r["owner_id"] in rows and rows[r["owner_id"]].current["partners_without_next_event"]:
            rows[r["owner_id"]].days_left = max((take_away_on(cal, r["first"]) - today).days, 0)

    # 9. Partners taken away in the period (company days of the change).
    taken = (
        OwnerChange.objects.visible_to(job)
        .filter(
            from_owner_id__in=ids,
            reason=OwnerChangeReason.NO_NEXT_EVENT,
            changed_on__gte=period.previous.start,
            changed_on__lte=period.end,
        )
        .values("from_owner_id")
        .annotate(
            cur=Count("changed_on", filter=Q(changed_on__gte=period.start)),
            prev=Count("changed_on", filter=Q(changed_on__lt=period.start)),
        )
        .order_by()
    )
    for r in taken:
        add(r["from_owner_id"], "partners_taken", r["cur"], r["prev"])

    # 10. First successes: partners pushed to the ERP in the period, by their account's owner here.
    pushes = (
        PartnerAccount.objects.visible_to(job)
        .filter(
            owner_id__in=ids,
            partner__erp_push__created_at__gte=bounds.prev_start,
            partner__erp_push__created_at__lt=bounds.end,
        )
        .values("owner_id")
        .annotate(**_split("partner__erp_push__created_at", bounds))
        .order_by()
    )
    for r in pushes:
        add(r["owner_id"], "first_successes", r["cur"], r["prev"])

    return list(rows.values())


def totals(rows: list[PersonFigures]) -> PersonFigures:
    """The rows added up, each person once (by id), in a row without a user."""
    total = PersonFigures(user=None, daily=[0] * max((len(r.daily) for r in rows), default=0))
    seen: set[int] = set()
    for row in rows:
        if row.user.pk in seen:
            continue
        seen.add(row.user.pk)
        for key in FIGURES:
            total.current[key] += row.current[key]
        for key in PERIOD_FIGURES:
            total.previous[key] += row.previous[key]
        for i, n in enumerate(row.daily):
            total.daily[i] += n
        if row.days_left is not None:
            total.days_left = (
                row.days_left if total.days_left is None else min(total.days_left, row.days_left)
            )
    return total


def department_totals(rows: list[PersonFigures]) -> list[tuple[Department | None, PersonFigures]]:
    """Totals per department (people without one last), ordered by the department's name."""
    groups: dict[int | None, list[PersonFigures]] = defaultdict(list)
    names: dict[int | None, Department | None] = {}
    for row in rows:
        key = row.department.pk if row.department else None
        groups[key].append(row)
        names[key] = row.department
    order = sorted(groups, key=lambda k: (k is None, str(names[k] or "")))
    return [(names[k], totals(groups[k])) for k in order]


# ---------------------------------------------------------------------------------------------------
# Who


def allowed_user_ids(viewer: Viewer) -> frozenset[int]:
    """Whose figures the viewer may see: everyone in the company with ``view_all_company_data``,
    else themself and everyone below them at any depth. Cached on the viewer."""
    cached = getattr(viewer, "_team_allowed", None)
    if cached is not None:
        return cached
    if not viewer.has_access:
        ids: frozenset[int] = frozenset()
    elif viewer.sees_all:
        ids = frozenset(Membership.objects.active().visible_to(viewer).values_list("user_id", flat=True))
    else:
        ids = viewer.visible_user_ids
    viewer._team_allowed = ids
    return ids


def _departments(company, ids: list[int]) -> dict[int, Department | None]:
    memberships = Membership.objects.filter(company_id=company.pk, user_id__in=ids).select_related(
        "department"
    )
    return {m.user_id: m.department for m in memberships}


def _people(ids) -> list[User]:
    return list(
        User.objects.filter(pk__in=list(ids), is_active=True).order_by("last_name", "first_name", "pk")
    )


def scope_people(
    viewer: Viewer, scope: str, department: Department | None = None, person: User | None = None
) -> list[User]:
    """The people of a scope, in name order, among those the viewer may see (`allowed_user_ids`).

    - "direct": the viewer's direct reports (a viewer without any: themself);
    - "below": everyone below the viewer at any depth, or with ``view_all_company_data`` everyone in the
      company; a viewer without anyone below: themself;
    - "department": the active members of `department` and its sub-departments;
    - "person": `person` alone.
    Each person once, however many supervisors lead to them.
    """
    allowed = allowed_user_ids(viewer)
    if not allowed or viewer.user is None:
        return []
    me = viewer.user.pk
    if scope == "person":
        return _people({person.pk} & allowed) if person is not None else []
    if scope == "department":
        if department is None or department.company_id != viewer.company.pk:
            return []
        tree = department.get_descendants(include_self=True)
        members = Membership.objects.active().visible_to(viewer).filter(department__in=tree)
        return _people(set(members.values_list("user_id", flat=True)) & allowed)
    if scope == "direct":
        direct = SupervisorEdge.objects.visible_to(viewer).filter(supervisor_id=me)
        ids = set(direct.values_list("subordinate_id", flat=True)) & allowed
    else:  # "below": the subtree, or the whole company for a viewer who sees all of it
        ids = set(allowed) - {me}
    return _people(ids or {me})


# ---------------------------------------------------------------------------------------------------
# The partner figures' rows (team:partners lists them; the same conditions as team_figures)


def partner_figure_rows(viewer: Viewer, person: User, figure: str, period: Period, today: date | None = None):
    """The rows one partner figure counts for `person`: accounts, or owner changes for "partners_taken".

    Empty for a person the viewer may not see. Read as the company's job inside the viewer's company,
    like the figures (the people are checked here, as in `team_figures`).
    """
    company = viewer.company
    if person.pk not in allowed_user_ids(viewer):
        return PartnerAccount.objects.none()
    job = Viewer.for_job(company)
    today = today or company_day(company)
    bounds = Bounds.of(company, period, today)
    accounts = PartnerAccount.objects.visible_to(job).filter(owner_id=person.pk).select_related("partner")
    if figure == "partners_without_next_event":
        return accounts_without_next_event(company=company, owner=person).select_related("partner")
    if figure == "partners_new":
        return accounts.filter(created_at__gte=bounds.start, created_at__lt=bounds.end)
    if figure == "first_successes":
        return accounts.filter(
            partner__erp_push__created_at__gte=bounds.start, partner__erp_push__created_at__lt=bounds.end
        )
    if figure == "partners_taken":
        return (
            OwnerChange.objects.visible_to(job)
            .filter(
                from_owner_id=person.pk,
                reason=OwnerChangeReason.NO_NEXT_EVENT,
                changed_on__gte=period.start,
                changed_on__lte=period.end,
            )
            .select_related("partner", "to_owner")
        )
    return PartnerAccount.objects.none()


def watch_days_left(viewer: Viewer, person: User, today: date | None = None) -> dict[int, int]:
    """{partner id: days left before the take-away} of the person's partners without a next event."""
    company = viewer.company
    today = today or company_day(company)
    cal = WorkCalendar.for_company(company)
    watches = PartnerWatch.objects.filter(company_id=company.pk, owner_id=person.pk)
    return {w.partner_id: max((take_away_on(cal, w.listed_on) - today).days, 0) for w in watches}


# ---------------------------------------------------------------------------------------------------
# The person page's chart


def weekly_activity(
    viewer: Viewer, person: User, *, weeks: int = 13, today: date | None = None
) -> list[tuple[date, int]]:
    """(Monday, communications + events held) for the last `weeks` weeks up to this one (two queries)."""
    company = viewer.company
    if person.pk not in allowed_user_ids(viewer):
        return []
    today = today or company_day(company)
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    start = company_midnight(company, first)
    end = company_midnight(company, today + timedelta(days=1))
    counts: dict[date, int] = defaultdict(int)
    job = Viewer.for_job(company)
    every_kind = {"channel__in": Channel.values, "direction__in": Direction.values}  # index-only (see above)
    for model, owner, column, kinds in (
        (Communication, "author_id", "created_at", every_kind),
        (Event, "owner_id", "starts_at", {}),
    ):
        per_day = (
            model.objects.visible_to(job)
            .filter(**{owner: person.pk, f"{column}__gte": start, f"{column}__lt": end}, **kinds)
            .annotate(day=TruncDate(column, tzinfo=company.zone))
            .values("day")
            .annotate(n=Count("*"))
            .order_by()
        )
        for r in per_day:
            counts[r["day"] - timedelta(days=r["day"].weekday())] += r["n"]
    return [(first + timedelta(weeks=i), counts[first + timedelta(weeks=i)]) for i in range(weeks)]
