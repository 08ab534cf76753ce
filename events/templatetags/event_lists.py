"""Events shown on the pages of lower apps (a partner's activity), read through `visible_to`.

A tag, so partners render the partner's events without importing events
(docs/architecture.md, "Layers"): `{% load event_lists %}{% partner_events partner as events %}`.
"""

from django import template

from companies.visibility import Viewer
from events.models import Event

register = template.Library()


@register.simple_tag(takes_context=True)
def partner_events(context, partner):
    """The partner's latest 50 events the viewer may see."""
    viewer = Viewer.for_request(context["request"])
    return (
        Event.objects.visible_to(viewer)
        .filter(partner=partner)
        .select_related("type", "owner")
        .order_by("-starts_at")[:50]
    )
