"""Every figure of the team page as a link to the list it counts, already filtered.

The lists apply their own visibility (``visible_to``), so a link opens only what the reader may see;
the filters are the lists' own query parameters, chosen so that the list shows exactly the rows the
figure counts (``tests/team/test_links.py`` opens each link and compares). The dates are company
days: the lists read them in the active company's zone, as the figures do.
"""

from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse

from companies.workdays import WorkCalendar
from team.stats import CHANNEL_DIRECTIONS, Period, last_overdue_end_day

# Partner figures no partner list can filter (they need events' or the ERP's records): the team
# app lists them itself (team:partners).
TEAM_PARTNER_FIGURES = ("partners_without_next_event", "partners_taken", "partners_new", "first_successes")


@lru_cache(maxsize=64)
def _path(name: str) -> str:
    return reverse(name)  # fixed paths without arguments: reversed once per process, not per cell


def _url(name: str, **params) -> str:
    return f"{_path(name)}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def figure_links(person_id: int, period: Period, today: date, cal: WorkCalendar) -> dict[str, str]:
    """{figure: URL} for one person and period (no query: the calendar is loaded once per page)."""
    start, end = period.start.isoformat(), period.end.isoformat()
    held_end = min(period.end, today).isoformat()
    comms = {"author": person_id, "created_from": start, "created_to": end}
    events = {"scope": "all", "owner": person_id, "start_from": start, "start_to": held_end}
    links = {
        "communications": _url("communications:communication_list", **comms),
        "events_held": _url("events:list", **events),
        "meetings_overdue": _url(
            "events:list",
            scope="all",
            owner=person_id,
            kind="meeting",
            outcome="open",
            ended_to=last_overdue_end_day(cal, today).isoformat(),
        ),
        "tasks_created": _url(
            "communications:task_list", author=person_id, created_from=start, created_to=end
        ),
        "tasks_done": _url(
            "communications:task_list",
            responsible=person_id,
            status="done",
            completed_from=start,
            completed_to=end,
        ),
        "tasks_overdue": _url("communications:task_list", responsible=person_id, overdue="1"),
        "partners_owned": _url("partners:list", owner=person_id),
    }
    for channel, direction in CHANNEL_DIRECTIONS:
        links[f"comm_{channel}_{direction}"] = _url(
            "communications:communication_list", channel=channel, direction=direction, **comms
        )
    for outcome in ("successful", "unsuccessful", "open"):
        links[f"meetings_{outcome}"] = _url("events:list", kind="meeting", outcome=outcome, **events)
    for figure in TEAM_PARTNER_FIGURES:
        links[figure] = _url("team:partners", person=person_id, figure=figure, start=start, end=end)
    return links


def team_page_url(**params) -> str:
    return _url("team:index", **params)
