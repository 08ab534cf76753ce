"""The rows of the communication and task lists, written in Python (core/rows.py says why).

Each kind has its own few cells; the shared ones come from one place, as in the CSV export.
"""

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from communications.models import Communication, Task, TaskStatus
from core.rows import DASH, RowCells, choice_labels, joined


def _shared_cells(item, cells: RowCells) -> str:
    thread = cells.link("communications:thread", item.thread_id, item.thread.subject)
    counterparty = item.partner.name if item.partner_id else item.counterparty_text
    return (
        f"<td>{cells.text(counterparty)}</td>"
        f"<td>{escape(item.subject)}<br><small>{thread}</small></td>"
        f"<td>{escape(item.author)}</td><td>{cells.text(item.assignee)}</td>"
    )


OVERDUE_CLASS = ' class="overdue"'


def _select_cell(item, label: str) -> str:
    """The row's checkbox for the bulk actions (it belongs to the page's #bulk-form, see lists.js)."""
    return (
        f'<td class="select"><input type="checkbox" name="selected" value="{item.pk}" form="bulk-form" '
        f'aria-label="{escape(label % {"number": item.number})}"></td>'
    )


def task_rows_html(tasks) -> SafeString:
    cells = RowCells()
    statuses = choice_labels(Task, "status")
    overdue_label = f' <strong class="overdue-label">{escape(gettext("Overdue"))}</strong>'
    now = timezone.now()
    select = gettext("Select %(number)s")
    rows = []
    for task in tasks:
        overdue = task.status != TaskStatus.DONE and task.deadline is not None and task.deadline < now
        rows.append(
            f"<tr{OVERDUE_CLASS if overdue else ''}>{_select_cell(task, select)}"
            f"<td>{cells.link('communications:task', task.pk, task.number)}</td>"
            f'<td class="deadline">{cells.datetime(task.deadline)}{overdue_label if overdue else ""}</td>'
            f'<td><span class="badge task-status-{escape(task.status)}">{escape(statuses.get(task.status, task.status))}</span></td>'
            f"{_shared_cells(task, cells)}"
            f'<td class="date">{cells.date(task.created_at)}</td></tr>'
        )
    return joined(rows)


def communication_rows_html(communications) -> SafeString:
    cells = RowCells()
    statuses = choice_labels(Communication, "status")
    directions = choice_labels(Communication, "direction")
    channels = choice_labels(Communication, "channel")
    arrows = {"in": "←", "out": "→"}
    select = gettext("Select %(number)s")
    rows = []
    for item in communications:
        direction = escape(item.direction)
        rows.append(
            f'<tr class="direction-{direction}">{_select_cell(item, select)}'
            f"<td>{cells.link('communications:communication', item.pk, item.number)}</td>"
            f'<td class="date">{cells.datetime(item.created_at)}</td>'
            f'<td class="direction-label"><span aria-hidden="true">{arrows.get(item.direction, DASH)}</span> '
            f"{escape(directions.get(item.direction, item.direction))}</td>"
            f"<td>{escape(channels.get(item.channel, item.channel))}</td>"
            f"{_shared_cells(item, cells)}"
            f'<td><span class="badge communication-status-{escape(item.status)}">{escape(statuses.get(item.status, item.status))}</span></td></tr>'
        )
    return joined(rows)
