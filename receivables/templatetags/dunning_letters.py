"""`{% letter_text letter today as text %}`: a planned letter's subject and body, as the run will send it."""

from datetime import date

from django import template

from receivables.dunning import LetterRenderer, PlannedLetter

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_text(context, planned: PlannedLetter, on: date | None = None) -> tuple[str, str]:
    """(subject, body) of `planned` dated `on`, through one renderer per page and company (its
    templates, policy and calendar are loaded once, however many letters the page shows)."""
    company = context["request"].company
    renderers = context.render_context.setdefault("letter_renderers", {})
    renderer = renderers.get(company.pk)
    if renderer is None:
        renderer = renderers[company.pk] = LetterRenderer(company)
    return renderer.render(planned, on)
