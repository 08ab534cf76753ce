"""A thread's timeline: communications, tasks, events and linked orders in time order.

Built in a constant number of queries however long the thread is:
1. one UNION ALL query of (kind, id, time) for the page, ordered and sliced in the database, which
   also counts the whole union (``COUNT(*) OVER ()``) for the paginator: the union (with the events'
   and orders' visibility rules inside) is compiled and planned once, not once more for a COUNT,
2. one query per kind present on the page for the objects themselves.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import CharField, DateTimeField, F, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from communications.models import Communication, Task, TaskStatus, Thread
from companies.visibility import Viewer
from core.rows import RowCells, choice_labels, escape, joined
from core.templatetags.crm import money
from events.models import Event
from orders.models import Order


@dataclass
class Item:
    kind: str
    pk: int
    when: datetime
    obj: object = None


def _keys(thread: Thread, viewer: Viewer | None):
    def rows(queryset, kind: str, when):
        # No per-part ORDER BY (models have default orderings): SQLite refuses it inside a UNION.
        return (
            queryset.order_by()
            .annotate(item_kind=Value(kind, output_field=CharField()), item_when=when)
            .values_list("item_kind", "pk", "item_when")
        )

    # Linked orders follow their partner's account, events their owner and participants: the
    # reader sees those they may open (a colleague's private meeting is no dead link here).
    orders = Order.objects.visible_to(viewer) if viewer is not None else Order.objects.all()
    events = Event.objects.visible_to(viewer) if viewer is not None else Event.objects.all()
    return rows(Communication.objects.filter(thread=thread), "communication", F("created_at")).union(
        rows(Task.objects.filter(thread=thread), "task", F("created_at")),
        rows(events.filter(thread=thread), "event", F("starts_at")),
        rows(orders.filter(threads=thread), "order", Cast("ordered_on", DateTimeField())),
        all=True,
    )


def _moment(value) -> datetime:
    """A raw cursor's timestamp: aware from PostgreSQL; text in UTC from SQLite."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _page_of_keys(keys, page_number, per_page: int, newest_first: bool) -> tuple[Page, list]:
    """The page's (kind, pk, when) rows and a Django ``Page`` for the links, from one query.

    A page number past the end (or not a number) gives the last (or first) page, as
    ``Paginator.get_page`` does; only then is a second query needed.
    """
    sql, params = keys.query.sql_with_params()
    when_order = "DESC" if newest_first else "ASC"  # as before: ("-")item_when, item_kind, pk
    query = (
        f"SELECT item_kind, pk, item_when, COUNT(*) OVER () FROM ({sql}) timeline_keys "  # noqa: S608
        f"ORDER BY item_when {when_order}, item_kind, pk LIMIT %s OFFSET %s"
    )
    try:
        number = max(int(page_number), 1)
    except (TypeError, ValueError):
        number = 1
    number = min(number, 1_000_000)  # keeps OFFSET inside a bigint whatever ?page= says

    def fetch(number: int) -> list:
        with connection.cursor() as cursor:
            cursor.execute(query, (*params, per_page, (number - 1) * per_page))
            return cursor.fetchall()

    rows = fetch(number)
    if not rows and number > 1:
        number = 1
        rows = fetch(1)
        if rows:  # past the end: the last page
            number = (rows[0][3] - 1) // per_page + 1
            rows = fetch(number) if number > 1 else rows
    paginator = Paginator([], per_page)
    paginator.count = rows[0][3] if rows else 0  # the cached property, set from the window count
    keys_on_page = [(kind, pk, _moment(when)) for kind, pk, when, _total in rows]
    return Page(keys_on_page, number, paginator), keys_on_page


class TimelinePage:
    def __init__(
        self,
        thread: Thread,
        page_number,
        *,
        per_page: int = 50,
        newest_first: bool = False,
        viewer: Viewer | None = None,
    ):
        self.page, rows = _page_of_keys(_keys(thread, viewer), page_number, per_page, newest_first)
        items = [Item(kind=kind, pk=pk, when=when) for kind, pk, when in rows]
        loaders = {
            "communication": lambda ids: Communication.objects.filter(pk__in=ids).select_related(
                "author", "assignee", "contact"
            ),
            "task": lambda ids: Task.objects.filter(pk__in=ids).select_related("author", "assignee"),
            "event": lambda ids: Event.objects.filter(pk__in=ids).select_related("type", "owner"),
            "order": lambda ids: Order.objects.filter(pk__in=ids).select_related("partner"),
        }
        loaded: dict[tuple[str, int], object] = {}
        for kind, load in loaders.items():
            ids = [item.pk for item in items if item.kind == kind]
            if ids:
                loaded.update({(kind, obj.pk): obj for obj in load(ids)})
        for item in items:
            item.obj = loaded.get((item.kind, item.pk))
        self.items = [item for item in items if item.obj is not None]

    def items_html(self) -> SafeString:
        return timeline_html(self.items)


def timeline_html(items: list[Item]) -> SafeString:
    """The timeline's items written in Python (core/rows.py says why): the same markup the template
    wrote, at a fraction of its cost for a page of 50."""
    cells = RowCells()
    incoming, outgoing = escape(gettext("Incoming")), escape(gettext("Outgoing"))
    channels = choice_labels(Communication, "channel")
    statuses = choice_labels(Task, "status")
    order_kinds = choice_labels(Order, "kind")
    order_statuses = choice_labels(Order, "status")
    now = timezone.now()
    rows: list[str] = []
    for item in items:
        obj = item.obj
        when = f'<time datetime="{timezone.localtime(item.when).isoformat()}">'
        if item.kind == "communication":
            arrow = f"← {incoming}" if obj.direction == "in" else f"→ {outgoing}"
            assignee = f" → {escape(obj.assignee)}" if obj.assignee_id else ""
            rows.append(
                f'<li class="timeline-item kind-communication direction-{escape(obj.direction)}">'
                f"{when}{cells.datetime(item.when)}</time> "
                f'<span class="direction-label">{arrow} · {escape(channels.get(obj.channel, obj.channel))}</span> '
                f"{cells.link('communications:communication', obj.pk, f'{obj.number} {obj.subject}')} "
                f"<small>{escape(obj.author)}{assignee}</small></li>"
            )
        elif item.kind == "task":
            overdue = obj.status != TaskStatus.DONE and obj.deadline is not None and obj.deadline < now
            assignee = f" <small>→ {escape(obj.assignee)}</small>" if obj.assignee_id else ""
            rows.append(
                f'<li class="timeline-item kind-task{" overdue" if overdue else ""}">'
                f"{when}{cells.datetime(item.when)}</time> "
                f'<span class="badge task-status-{escape(obj.status)}">{escape(statuses.get(obj.status, obj.status))}</span> '
                f"{cells.link('communications:task', obj.pk, f'{obj.number} {obj.subject}')}{assignee}</li>"
            )
        elif item.kind == "event":
            rows.append(
                f'<li class="timeline-item kind-event">{when}{cells.datetime(item.when)}</time> '
                f"{cells.link('events:detail', obj.pk, f'{obj.type.name}: {obj.subject}')} "
                f"<small>{escape(obj.owner)}</small></li>"
            )
        else:
            label = f"{order_kinds.get(obj.kind, obj.kind)} {obj.number}"
            rows.append(
                f'<li class="timeline-item kind-order">{when}{cells.date(item.when)}</time> '
                f'<a href="{escape(obj.get_absolute_url())}">{escape(label)}</a> '
                f"<small>{escape(money(obj.total, obj.currency))} · "
                f"{escape(order_statuses.get(obj.status, obj.status))}</small></li>"
            )
    return joined(rows)
