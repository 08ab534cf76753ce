"""What happened in a company's data, said once at the line that causes it, for those above who listen.

A domain service calls `publish` inside its transaction, e.g. right after the partner is saved:

    publish("partner.created", company_id=company.pk, data=lambda: {"id": partner.pk, ...})

The listeners are registered by apps above the domains (the webhooks app records one delivery row per
subscription in the same transaction, so a rolled-back write sends nothing and a committed one is
never lost: the outbox sends it after commit). `data` is a callable so an event nobody listens to
costs no serialisation. The domain apps import only this module: imports still go one way.

Event names are `<entity>.<verb>`; `EVENTS` lists every one with its label (the subscription form
offers these).
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "partner.created": _("Partner created"),
    "partner.updated": _("Partner updated"),
    "communication.created": _("Communication created"),
    "task.created": _("Task created"),
    "task.status_changed": _("Task status changed"),
    "event.closed": _("Event closed"),
    "letter.bounced": _("Dunning letter bounced"),
}

Listener = Callable[[str, int, Callable[[], dict[str, Any]]], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Register `listener(event, company_id, data)` (an app's `ready()` does it, once)."""
    if listener not in _listeners:
        _listeners.append(listener)


def publish(event: str, *, company_id: int, data: Callable[[], dict[str, Any]]) -> None:
    if event not in EVENTS:
        raise ValueError(f"Unknown domain event {event!r}: add it to ops.domain_events.EVENTS.")
    for listener in _listeners:
        listener(event, company_id, data)
