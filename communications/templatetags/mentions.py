from django import template

from communications.mentions import render

register = template.Library()


@register.simple_tag(takes_context=True)
def render_description(context, text: str):
    """Plain text with mention links, escaped and sanitised (see communications.mentions.render)."""
    request = context.get("request")
    return render(text, getattr(request, "company", None))
