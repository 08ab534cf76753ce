from django import template

from communications.mentions import render
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
