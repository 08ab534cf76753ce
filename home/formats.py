"""Dates as the dashboards' chart axes write them: short, in the language's order."""

from datetime import date

from django.utils.dateformat import format as format_date
from django.utils.translation import pgettext


def short_day(day: date) -> str:
    """Day and month only, as the language writes them (en 07/12, hu 12.07., bg 07.12)."""
    return format_date(day, pgettext("short day and month (a date format) on a chart axis", "d/m"))
