"""Links that point only where the reader may go.

`{% render_description text %}` links a description's mentions; `{% link_if_visible obj %}` links a
record a page refers to (an item's thread and partner, a task's source communication, an event's
partner): whoever reads the page through a share sees the records they cannot open as plain text.
Lower apps' pages load this library too (docs/architecture.md, "Layers").
"""

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext as _

from communications.mentions import mentioned_in, render
from companies.visibility import Viewer

register = template.Library()


@register.simple_tag(takes_context=True)
def render_description(context, text: str):
    """Plain text with mention links, escaped and sanitised (see communications.mentions.render).

    Links only what the viewing user may open; other mentions stay the label typed in the token.
    """
    request = context.get("request")
    if getattr(request, "membership", None) is None:
        return render(text, None)
    viewer = Viewer.for_request(request)
    return render(text, viewer.company, viewer)


@register.inclusion_tag("communications/_mentioned_in.html", takes_context=True)
def mentioned_in_section(context, obj):
    """The "Mentioned in" section of a person, department, partner, order or product page.

    A tag, so the lower apps' views need not import communications (docs/architecture.md, "Layers"):
    `{% load mentions %}{% mentioned_in_section partner %}`. Only what the viewer may see is listed.
    """
    return {"mentioned_in": mentioned_in(obj, Viewer.for_request(context["request"]))}


def may_open(viewer: Viewer, obj: models.Model) -> bool:
    """Whether `obj`'s page would open for the viewer rather than answer 404.

    No query for whoever sees the whole company, nor for a record of the viewer or of someone below
    them (its owner fields, read from the loaded row; the viewer's people are cached per request);
    else one EXISTS through the model's own rule: `readable_by` for a thread item (its thread's
    readers open it too), `visible_to` for anything else (a partner, a thread, an event).
    """
    if not viewer.has_access or getattr(obj, "company_id", viewer.company.pk) != viewer.company.pk:
        return False
    if viewer.sees_all:
        return True
    queryset = type(obj)._default_manager.all()
    people = viewer.visible_user_ids
    if any(getattr(obj, f"{field}_id", None) in people for field in getattr(queryset, "owner_fields", ())):
        return True
    rule = queryset.readable_by if hasattr(queryset, "readable_by") else queryset.visible_to
    return rule(viewer).filter(pk=obj.pk).exists()


@register.simple_tag(takes_context=True)
def link_if_visible(context, obj, label=None):
    """`{% link_if_visible item.thread %}`: a link to the record when the reader may open it, else its
    name as text with "(not shared with you)". `label` replaces `str(obj)` (e.g. a number and subject).

    At most one query per record and page (the answer is kept on the request), none for the reader's
    own records; nothing for an empty reference.
    """
    if obj is None:
        return ""
    text = str(obj) if label is None else label
    request = context["request"]
    answers = request.__dict__.setdefault("_may_open", {})
    key = (obj._meta.label, obj.pk)
    if key not in answers:
        answers[key] = may_open(Viewer.for_request(request), obj)
    if answers[key]:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text)
    return format_html('{} <small class="not-shared">({})</small>', text, _("not shared with you"))
