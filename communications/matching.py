"""Which communications and tasks match a search text (the global search and the lists' `q` filter)."""

from django.db.models import Q

from core import lookups  # noqa: F401 (registers trgm_icontains)


def item_condition(text: str) -> Q:
    """Communications and tasks: the subject or the number ("IN-2026-000123") contains `text`."""
    return Q(subject__trgm_icontains=text) | Q(number__trgm_icontains=text)
