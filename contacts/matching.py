"""Which contacts match a search text (the global search)."""

from django.db.models import Q

from core import lookups  # noqa: F401 (registers trgm_icontains)


def contact_condition(text: str) -> Q:
    return (
        Q(last_name__trgm_icontains=text) | Q(first_name__trgm_icontains=text) | Q(email__trgm_icontains=text)
    )
