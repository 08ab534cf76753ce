from django import template

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
