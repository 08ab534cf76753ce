"""`{% shared_with obj "thread" %}`: the "Shared with" list of a record, with revoke and a link to the
share form for those who manage its shares (the kind names what can be shared by hand; empty: list and
revoke). The form itself (a choice of every colleague) is on its own page, so a record page does not
read and draw the whole company's people for a panel most visits leave closed."""

from django import template

from companies.sharing import can_manage_shares, shares_of
from companies.visibility import Viewer

register = template.Library()


@register.inclusion_tag("companies/_shared_with.html", takes_context=True)
def shared_with(context, obj, kind: str = "") -> dict:
    request = context["request"]
    viewer = Viewer.for_request(request)
    can_manage = can_manage_shares(viewer, obj)
    return {
        "object": obj,
        "kind": kind,
        "shares": list(shares_of(obj)),
        "can_manage": can_manage,
        "form": bool(can_manage and kind),
    }
