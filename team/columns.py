"""The team page's columns (the page, its exports and the person page show the same figures)."""

from html import escape

from django.utils.formats import number_format
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


def grouped(value: int) -> str:
    """A count as the active language groups it ("1,203"; hu and bg "1 203" with a no-break space), as
    amounts are on pages and counts in exports. Below 1,000 there is nothing to group: plain `str`, the
    cheap path for most of a page's cells."""
    value = int(value)
    if -1000 < value < 1000:
        return str(value)
    return number_format(value, use_l10n=True, force_grouping=True)


def signed(value: int) -> str:
    """A change with its sign, grouped: "+1,202", "-3"."""
    return ("+" if value > 0 else "-") + grouped(abs(value)) if value else "0"


def cells_html(cells: list[dict]) -> SafeString:
    """The row's cells written in Python with plain strings (a template include, then format_html, per
    cell were most of a 100-row page). Numbers are ints, grouped in the active language (`grouped`);
    the texts and URLs are escaped here (the URLs' ids are never grouped)."""
    days_left_title = escape(gettext("Fewest days left before a partner is taken away"))
    parts = []
    for cell in cells:
        value = int(cell["value"])
        shown = escape(grouped(value))
        if cell.get("url"):
            number = f'<a href="{escape(cell["url"])}" aria-label="{escape(str(cell["label"]))}: {shown}">{shown}</a>'
        else:
            number = shown
        days = cell.get("days_left")
        if days is not None and value:
            days = int(days)
            left = escape(ngettext("%(days)s day left", "%(days)s days left", days) % {"days": grouped(days)})
            number += f' <small class="days-left" title="{days_left_title}">{left}</small>'
        change = cell.get("change")
        if change:
            previous = grouped(cell["previous"])
            title = escape(gettext("Previous period: %(previous)s") % {"previous": previous})
            number += f'<br><small class="change {"up" if change > 0 else "down"}" title="{title}">{escape(signed(change))}</small>'
        parts.append(f'<td class="num" data-figure="{escape(cell["key"])}">{number}</td>')
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
