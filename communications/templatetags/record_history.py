"""`{% thread_history thread %}`: a thread's audit trail without the names of orders its reader may not open.

The audit log writes a many-to-many change as the objects' names ("SO-1 (Customer order)"), so
`{% object_history %}` would show the number of a colleague's partner's order to whoever reads the
thread. This tag shows the same history (core/_history.html) with every linked order the reader
does not see replaced by a count ("1 order not shared with you"), as the timeline leaves such
orders out (docs/record-pages.md). One query more than `{% object_history %}`, whatever the
number of entries.
"""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

from communications.models import Thread
from companies.visibility import Viewer
from core.audit import history_for
from orders.models import Order, OrderKind

register = template.Library()


def _order_names(number: str, kind: str) -> set[str]:
    """The names the log may hold for an order: `str(order)` in each language it was saved in."""
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(f"{number} ({OrderKind(kind).label})")
    return names


def _numbers(entries) -> set[str]:
    return {
        name.rsplit(" (", 1)[0]
        for entry in entries
        for change in entry["changes"]
        if change.get("name") == "orders"
        for name in change.get("object_list", [])
    }


@register.inclusion_tag("core/_history.html", takes_context=True)
def thread_history(context, thread: Thread, limit: int = 50) -> dict:
    request = context["request"]
    entries = history_for(thread, company=getattr(request, "company", None), limit=limit)
    numbers = _numbers(entries)
    if not numbers:
        return {"entries": entries}
    visible = set()
    for number, kind in (
        Order.objects.visible_to(Viewer.for_request(request))
        .filter(number__in=numbers)
        .values_list("number", "kind")
    ):
        visible |= _order_names(number, kind)
    for entry in entries:
        for change in entry["changes"]:
            if change.get("name") != "orders":
                continue
            shown = [name for name in change["object_list"] if name in visible]
            hidden = len(change["object_list"]) - len(shown)
            if hidden:
                shown.append(
                    ngettext(
                        "%(count)s order not shared with you", "%(count)s orders not shared with you", hidden
                    )
                    % {"count": hidden}
                )
            change["objects"] = ", ".join(shown)
    return {"entries": entries}
