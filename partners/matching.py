"""Which partners match a search text (the global search and the partner list's `q` filter)."""

from django.db.models import Q, QuerySet

from core.matching import TAX_NUMBER_START, tax_key, tax_key_expression
from partners.models import Partner


def matching_partners(text: str) -> QuerySet:
    """Partners whose name or short name contains `text`, or whose tax number starts with it."""
    condition = Q(name__trgm_icontains=text) | Q(short_name__trgm_icontains=text)
    key = tax_key(text)
    if TAX_NUMBER_START.fullmatch(key):  # digits, perhaps after a country code: "10773381", "HU1077"
        condition |= Q(tax_key__startswith=key)
    return Partner.objects.alias(tax_key=tax_key_expression()).filter(condition)
