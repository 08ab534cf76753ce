"""A thread's timeline: communications, tasks, events and linked orders in time order.

Built in a constant number of queries however long the thread is:
1. one UNION ALL query of (kind, id, time) for the page, ordered and sliced in the database,
2. one COUNT of the same union for the paginator,
3. one query per kind present on the page for the objects themselves.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import CharField, DateTimeField, F, Value
from django.db.models.functions import Cast

from communications.models import Communication, Task, Thread
from companies.visibility import Viewer
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
        keys = _keys(thread, viewer).order_by(
            "-item_when" if newest_first else "item_when", "item_kind", "pk"
        )
        self.page = Paginator(keys, per_page).get_page(page_number)
        rows = list(self.page.object_list)
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
