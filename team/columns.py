"""The team page's columns (the page, its exports and the person page show the same figures)."""

from django.utils.html import format_html, format_html_join
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
    """The row's cells written in Python: a template include per cell was most of a 100-row page."""
    days_left_title = gettext("Fewest days left before a partner is taken away")
    parts = []
    for cell in cells:
        value = cell["value"]
        number = (
            format_html('<a href="{}" aria-label="{}: {}">{}</a>', cell["url"], cell["label"], value, value)
            if cell.get("url")
            else str(value)
        )
        extra = mark_safe("")
        if cell.get("days_left") is not None and value:
            days = cell["days_left"]
            extra = format_html(
                ' <small class="days-left" title="{}">{}</small>',
                days_left_title,
                ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days},
            )
        change = cell.get("change")
        if change:
            extra += format_html(
                '<br><small class="change {}" title="{}">{}</small>',
                "up" if change > 0 else "down",
                gettext("Previous period: %(previous)s") % {"previous": cell["previous"]},
                f"{change:+d}",
            )
        parts.append((cell["key"], number, extra))
    return format_html_join("", '<td class="num" data-figure="{}">{}{}</td>', parts)
