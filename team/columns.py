"""The team page's columns (the page, its exports and the person page show the same figures)."""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from team.stats import FIGURES, PERIOD_FIGURES, PersonFigures

# (figure, column label, group): the table's columns in order.
COLUMNS = [
    ("comm_phone_in", gettext_lazy("Phone in"), "communications"),
    ("comm_phone_out", gettext_lazy("Phone out"), "communications"),
    ("comm_email_in", gettext_lazy("E-mail in"), "communications"),
    ("comm_email_out", gettext_lazy("E-mail out"), "communications"),
    ("comm_meeting_in", gettext_lazy("Meeting in"), "communications"),
    ("comm_meeting_out", gettext_lazy("Meeting out"), "communications"),
    ("communications", gettext_lazy("All"), "communications"),
    ("events_held", gettext_lazy("Events held"), "events"),
    ("meetings_successful", gettext_lazy("Successful"), "events"),
    ("meetings_unsuccessful", gettext_lazy("Unsuccessful"), "events"),
    ("meetings_open", gettext_lazy("Still open"), "events"),
    ("meetings_overdue", gettext_lazy("Overdue now"), "events"),
    ("tasks_created", gettext_lazy("Created"), "tasks"),
    ("tasks_done", gettext_lazy("Done"), "tasks"),
    ("tasks_overdue", gettext_lazy("Overdue now"), "tasks"),
    ("partners_owned", gettext_lazy("Owned"), "partners"),
    ("partners_without_next_event", gettext_lazy("No next event"), "partners"),
    ("partners_taken", gettext_lazy("Taken away"), "partners"),
    ("partners_new", gettext_lazy("New"), "partners"),
    ("first_successes", gettext_lazy("First successes"), "partners"),
]
GROUPS = [
    ("communications", gettext_lazy("Communications"), 7),
    ("events", gettext_lazy("Events and meetings"), 5),
    ("tasks", gettext_lazy("Tasks"), 3),
    ("partners", gettext_lazy("Partners"), 5),
]
SORTS = {"name", "department", "activity", *FIGURES}


def cells(row: PersonFigures, links: dict[str, str] | None) -> list[dict]:
    cells = []
    for key, label, _group in COLUMNS:
        cell = {
            "key": key,
            "label": label,
            "value": row.current[key],
            "url": links.get(key) if links else None,
        }
        if key in PERIOD_FIGURES:
            cell["previous"] = row.previous[key]
            cell["change"] = row.current[key] - row.previous[key]
        if key == "partners_without_next_event":
            cell["days_left"] = row.days_left
        cells.append(cell)
    return cells


def cells_html(cells: list[dict]) -> SafeString:
    """The row's cells written in Python with plain strings (a template include, then format_html, per
    cell were most of a 100-row page). Numbers are ints; the texts and URLs are escaped here."""
    days_left_title = escape(gettext("Fewest days left before a partner is taken away"))
    parts = []
    for cell in cells:
        value = int(cell["value"])
        if cell.get("url"):
            number = f'<a href="{escape(cell["url"])}" aria-label="{escape(str(cell["label"]))}: {value}">{value}</a>'
        else:
            number = str(value)
        days = cell.get("days_left")
        if days is not None and value:
            left = escape(ngettext("%(days)s day left", "%(days)s days left", days) % {"days": int(days)})
            number += f' <small class="days-left" title="{days_left_title}">{left}</small>'
        change = cell.get("change")
        if change:
            title = escape(gettext("Previous period: %(previous)s") % {"previous": int(cell["previous"])})
            number += f'<br><small class="change {"up" if change > 0 else "down"}" title="{title}">{int(change):+d}</small>'
        parts.append(f'<td class="num" data-figure="{escape(cell["key"])}">{number}</td>')
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
