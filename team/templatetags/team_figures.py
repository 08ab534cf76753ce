"""The team app's template tags: small charts, and a person's figures for the person page.

The person page lives in companies, below the team app: it reaches the figures only through this
tag library (``{% load team_figures %}{% person_figures person %}``), which reads as the viewer of the
request, so a page about someone outside the viewer's team shows nothing of it.
"""

from datetime import date, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from companies.permissions import has_function
from companies.visibility import Viewer
from companies.workdays import WorkCalendar, company_day
from events.models import Event, EventKind
from team.columns import COLUMNS, cells, cells_html, grouped
from team.links import figure_links
from team.stats import allowed_user_ids, period_for, team_figures, weekly_activity

register = template.Library()
FUNCTION = "team.view_team_activity"


@register.filter
def sparkline(values: list[int]) -> SafeString:
    """Daily activity as small bars (inline SVG, no script), with the values as its text alternative.
    Plain strings of numbers (one per row of the team page, so kept cheap)."""
    if not values:
        return mark_safe("")
    width, height, gap = 4, 20, 1
    top = max(values) or 1
    bars = []
    for i, v in enumerate(values):
        h = max(round(int(v) / top * height), 1 if v else 0)
        bars.append(f'<rect x="{i * (width + gap)}" y="{height - h}" width="{width}" height="{h}"></rect>')
    # Grouped as the language writes counts; "; " between them, since English groups with a comma.
    label = escape(_("Activity per day: %(values)s") % {"values": "; ".join(grouped(v) for v in values)})
    size = len(values) * (width + gap)
    return mark_safe(  # noqa: S308 (numbers and an escaped label)
        f'<svg class="sparkline" role="img" width="{size}" height="{height}" viewBox="0 0 {size} {height}">'
        f"<title>{label}</title>{''.join(bars)}</svg>"
    )


@register.filter
def weekly_chart(weeks: list[tuple[date, int]]) -> SafeString:
    """Activity per week as a bar chart with a labelled axis and the value above each bar (inline SVG)."""
    if not weeks:
        return mark_safe("")
    bar, gap, height, top_pad, axis = 22, 8, 120, 16, 34
    top = max(n for _w, n in weeks) or 1
    parts = []
    for i, (monday, n) in enumerate(weeks):
        h = round(n / top * height)
        x = i * (bar + gap) + gap
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
                '<text class="value" x="{}" y="{}">{}</text>'
                '<text class="axis" x="{}" y="{}">{}</text>',
                x, top_pad + height - h, bar, h, date_format(monday, "SHORT_DATE_FORMAT"), grouped(n),
                x + bar / 2, top_pad + height - h - 3, grouped(n),
                x + bar / 2, top_pad + height + 14, date_format(monday, "d.m"),
            )
        )  # fmt: skip
    width = len(weeks) * (bar + gap) + gap
    total_height = top_pad + height + axis
    return format_html(
        '<svg class="weekly-chart" role="img" viewBox="0 0 {} {}" preserveAspectRatio="xMinYMin meet">'
        '<title>{}</title><line x1="0" y1="{}" x2="{}" y2="{}" class="baseline"></line>{}</svg>',
        width,
        total_height,
        _("Communications and events per week (weeks starting on Monday)"),
        top_pad + height,
        width,
        top_pad + height,
        mark_safe("".join(parts)),  # noqa: S308 (each part built by format_html)
    )


@register.inclusion_tag("team/_person_figures.html", takes_context=True)
def person_figures(context, person) -> dict:
    """This month's figures of `person` against last month, a weekly chart over 3 months and their
    upcoming meetings: for a viewer with the team function who may see the person (else nothing)."""
    request = context.get("request")
    if request is None or not has_function(request, FUNCTION):
        return {"show": False}
    viewer = Viewer.for_request(request)
    if person.pk not in allowed_user_ids(viewer):
        return {"show": False}
    company = viewer.company
    today = company_day(company)
    period = period_for("this_month", today)
    rows = team_figures(viewer, people=[person], start=period.start, end=period.end, today=today)
    if not rows:
        return {"show": False}
    links = figure_links(person.pk, period, today, WorkCalendar.for_company(company))
    meetings = (
        Event.objects.visible_to(viewer)
        .filter(owner_id=person.pk, type__kind=EventKind.MEETING, starts_at__gte=timezone.now())
        .select_related("partner")
        .order_by("starts_at", "pk")[:10]
    )
    return {
        "show": True,
        "person": person,
        "period": period,
        "row": rows[0],
        "cells": cells_html(cells(rows[0], links)),
        "columns": COLUMNS,
        "weeks": weekly_activity(viewer, person, weeks=13, today=today),
        "meetings": meetings,
        "team_url_person": person.pk,
        "since": today - timedelta(weeks=13),
    }
