"""The rows of the communication and task lists, written in Python (core/rows.py says why).

Each kind has its own few cells; the shared ones come from one place, as in the CSV export. The columns
are declared once per kind (`TASK_LIST_COLUMNS`, `COMMUNICATION_LIST_COLUMNS`): the header, the "Columns" picker
and the rows read them. Each row ends with its actions menu (`core.rows.RowMenu`).
"""

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from communications.models import Communication, Task, TaskStatus
from core.columns import Column, ColumnChoice, ListColumns
from core.rows import DASH, RowCells, RowMenu, choice_labels, escape, joined, person_name
from core.templatetags.crm import link, link_maker

# The shared columns of both kinds, in the order the kinds show them.
SHARED_COLUMNS = (
    Column("counterparty", _("Counterparty")),
    Column("subject", _("Subject"), sort="subject"),
    Column("author", _("Author")),
    Column("assignee", _("Assignee")),
)
TASK_LIST_COLUMNS = ListColumns(
    Column("number", _("Number"), sort="number"),
    Column("deadline", _("Deadline"), sort="deadline"),
    Column("status", _("Status"), sort="status"),
    *SHARED_COLUMNS,
    Column("created", _("Created"), sort="created"),
)
COMMUNICATION_LIST_COLUMNS = ListColumns(
    Column("number", _("Number"), sort="number"),
    Column("created", _("Created"), sort="created"),
    Column("direction", _("Direction"), sort="direction"),
    Column("channel", _("Channel"), sort="channel"),
    *SHARED_COLUMNS,
    Column("status", _("Status"), sort="status"),
)
# The page's one form the tasks' "Mark done" buttons submit (in _item_rows.html, with the CSRF token).
ROW_ACTION_FORM = "row-action-form"


def _shared_cells(item, cells: RowCells, thread_url) -> tuple[str, str, str, str]:
    thread = f'<a href="{thread_url(item.thread_id)}">{escape(item.thread__subject)}</a>'
    counterparty = item.partner__name if item.partner_id else item.counterparty_text
    author = person_name(item.author__first_name, item.author__last_name, item.author__username)
    assignee = person_name(item.assignee__first_name, item.assignee__last_name, item.assignee__username)
    return (
        f"<td>{cells.text(counterparty)}</td>",
        f"<td>{escape(item.subject)}<br><small>{thread}</small></td>",
        f"<td>{escape(author)}</td>",
        f"<td>{cells.text(assignee)}</td>",
    )


OVERDUE_CLASS = ' class="overdue"'


def _select_cell(item, label: str) -> str:
    """The row's checkbox for the bulk actions (it belongs to the page's #bulk-form, see lists.js)."""
    return (
        f'<td class="select"><input type="checkbox" name="selected" value="{item.pk}" form="bulk-form" '
        f'aria-label="{escape(label % {"number": item.number})}"></td>'
    )


# What a row reads (`values_list(..., named=True)` in views_lists.py): plain values, no model instances;
# the partner, the thread and both people come from their joined columns.
ROW_VALUES = (
    "pk",
    "number",
    "subject",
    "status",
    "created_at",
    "counterparty_text",
    "thread_id",
    "thread__subject",
    "partner_id",
    "partner__name",
    *(
        f"{role}__{field}"
        for role in ("author", "assignee")
        for field in ("first_name", "last_name", "username")
    ),
)
TASK_ROW_VALUES = (*ROW_VALUES, "deadline")
COMMUNICATION_ROW_VALUES = (*ROW_VALUES, "direction", "channel")


def task_rows_html(tasks, columns: ColumnChoice | None = None, *, can_change: bool = False) -> SafeString:
    """`tasks`: rows with the attributes of TASK_ROW_VALUES. `can_change`: the viewer's change_task
    function, read once per page (Edit, Mark done)."""
    columns = columns or TASK_LIST_COLUMNS.all()
    cells = RowCells()
    statuses = choice_labels(Task, "status")
    overdue_label = f' <strong class="overdue-label">{escape(gettext("Overdue"))}</strong>'
    now = timezone.now()
    select = gettext("Select %(number)s")
    menu = RowMenu()
    open_label, edit_label, done_label = (
        escape(pgettext("row action", "Open")),
        escape(gettext("Edit")),
        escape(gettext("Mark done")),
    )
    task_url, edit_url, move_url = (
        link_maker("communications:task"),
        link_maker("communications:task_edit"),
        link_maker("communications:task_move"),
    )
    thread_url = link_maker("communications:thread")
    rows = []
    for task in tasks:
        overdue = task.status != TaskStatus.DONE and task.deadline is not None and task.deadline < now
        url = task_url(task.pk)
        row = (
            f'<td><a href="{url}">{escape(task.number)}</a></td>',
            f'<td class="deadline">{cells.datetime(task.deadline)}{overdue_label if overdue else ""}</td>',
            f'<td><span class="badge task-status-{escape(task.status)}">{escape(statuses.get(task.status, task.status))}</span></td>',
            *_shared_cells(task, cells, thread_url),
            f'<td class="date">{cells.date(task.created_at)}</td>',
        )
        items = [f'<a href="{url}">{open_label}</a>']
        if can_change:
            items.append(f'<a href="{edit_url(task.pk)}">{edit_label}</a>')
            if task.status != TaskStatus.DONE:
                items.append(
                    f'<button type="submit" form="{ROW_ACTION_FORM}" '
                    f'formaction="{move_url(task.pk)}">{done_label}</button>'
                )
        rows.append(
            f"<tr{OVERDUE_CLASS if overdue else ''}>{_select_cell(task, select)}"
            f"{columns.pick(row)}{menu.cell(task.number, items)}</tr>"
        )
    return joined(rows)


def communication_rows_html(
    communications, columns: ColumnChoice | None = None, *, can_change: bool = False
) -> SafeString:
    """`communications`: rows with the attributes of COMMUNICATION_ROW_VALUES. `can_change`: the viewer's
    change_communication function, read once per page (Edit)."""
    columns = columns or COMMUNICATION_LIST_COLUMNS.all()
    cells = RowCells()
    statuses = choice_labels(Communication, "status")
    directions = choice_labels(Communication, "direction")
    channels = choice_labels(Communication, "channel")
    arrows = {"in": "←", "out": "→"}
    select = gettext("Select %(number)s")
    menu = RowMenu()
    open_label, edit_label, thread_label = (
        escape(pgettext("row action", "Open")),
        escape(gettext("Edit")),
        escape(gettext("Open the thread")),
    )
    item_url, edit_url = (
        link_maker("communications:communication"),
        link_maker("communications:communication_edit"),
    )
    thread_url = link_maker("communications:thread")
    rows = []
    for item in communications:
        direction = escape(item.direction)
        url = item_url(item.pk)
        row = (
            f'<td><a href="{url}">{escape(item.number)}</a></td>',
            f'<td class="date">{cells.datetime(item.created_at)}</td>',
            f'<td class="direction-label"><span aria-hidden="true">{arrows.get(item.direction, DASH)}</span> '
            f"{escape(directions.get(item.direction, item.direction))}</td>",
            f"<td>{escape(channels.get(item.channel, item.channel))}</td>",
            *_shared_cells(item, cells, thread_url),
            f'<td><span class="badge communication-status-{escape(item.status)}">{escape(statuses.get(item.status, item.status))}</span></td>',
        )
        items = [f'<a href="{url}">{open_label}</a>']
        if can_change:
            items.append(f'<a href="{edit_url(item.pk)}">{edit_label}</a>')
        items.append(f'<a href="{thread_url(item.thread_id)}">{thread_label}</a>')
        rows.append(
            f'<tr class="direction-{direction}">{_select_cell(item, select)}'
            f"{columns.pick(row)}{menu.cell(item.number, items)}</tr>"
        )
    return joined(rows)


THREAD_LIST_COLUMNS = ListColumns(
    Column("subject", _("Subject")),  # identifies the thread: always shown
    Column("counterparty", _("Counterparty")),
    Column("owner", _("Owner")),
    Column("started", _("Started"), css="date"),
)


def thread_rows_html(
    threads,
    columns: ColumnChoice | None = None,
    *,
    can_change: bool = False,
    can_add_communication: bool = False,
    can_add_task: bool = False,
) -> SafeString:
    """The thread list's rows (partner and owner selected with them). The functions are the viewer's,
    read once per page: Edit (change_thread), New communication and New task in the thread (the create
    forms' `?thread=`, which fill the thread in)."""
    columns = columns or THREAD_LIST_COLUMNS.all()
    cells = RowCells()
    menu = RowMenu()
    open_label, edit_label = escape(pgettext("row action", "Open")), escape(gettext("Edit"))
    communication_label, task_label = escape(gettext("New communication")), escape(gettext("New task"))
    new_communication = link("communications:communication_create")
    new_task = link("communications:task_create")
    rows = []
    for thread in threads:
        row = (
            f"<td>{cells.link('communications:thread', thread.pk, thread.subject)}</td>",
            f"<td>{cells.text(thread.counterparty_display)}</td>",
            f"<td>{escape(thread.owner)}</td>",
            f'<td class="date">{cells.date(thread.created_at)}</td>',
        )
        items = [f'<a href="{link("communications:thread", thread.pk)}">{open_label}</a>']
        if can_change:
            items.append(f'<a href="{link("communications:thread_edit", thread.pk)}">{edit_label}</a>')
        if can_add_communication:
            items.append(f'<a href="{new_communication}?thread={thread.pk}">{communication_label}</a>')
        if can_add_task:
            items.append(f'<a href="{new_task}?thread={thread.pk}">{task_label}</a>')
        rows.append(f"<tr>{columns.pick(row)}{menu.cell(thread.subject, items)}</tr>")
    return joined(rows)
