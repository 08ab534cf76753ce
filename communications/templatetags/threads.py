"""Threads shown on the pages of lower apps (a partner, an order), read through `visible_to`.

Tags, so partners and orders render their threads without importing communications
(docs/architecture.md, "Layers"): `{% load threads %}{% partner_threads partner as threads %}`, `{% order_threads order %}`.
"""

from django import template

from communications.models import Thread
from companies.visibility import Viewer

register = template.Library()


@register.simple_tag(takes_context=True)
def partner_threads(context, partner):
    """The partner's latest 20 threads the viewer may see."""
    viewer = Viewer.for_request(context["request"])
    return (
        Thread.objects.visible_to(viewer)
        .filter(partner=partner)
        .select_related("owner")
        .order_by("-created_at")[:20]
    )


@register.inclusion_tag("communications/_order_threads.html", takes_context=True)
def order_threads(context, order):
    """The order page's "Threads" section: the threads the viewer may see that name the order."""
    viewer = Viewer.for_request(context["request"])
    return {"threads": Thread.objects.visible_to(viewer).filter(orders=order).order_by("-created_at", "-pk")}
