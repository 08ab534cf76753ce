"""What "matches a search text" means for each kind of record, in index-friendly conditions.

Shared by the global search and the lists' own search filters, so "show all" shows the same rows.
Every condition is a plain column test that an index serves on PostgreSQL: `trgm_icontains`
(pg_trgm GIN indexes, see search/lookups.py) or a prefix of the normalised tax number (a btree
expression index). The conditions are OR-ed on one table, which PostgreSQL answers with a
BitmapOr of those indexes instead of reading the table.
"""

import re

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from search import lookups  # noqa: F401 (registers trgm_icontains)

MIN_LENGTH = 3  # a trigram index needs three characters to narrow anything down
MAX_LENGTH = 100
TAX_NUMBER_START = re.compile(r"[A-Z]{0,2}[0-9]+")


def tax_key_expression():
    """The tax number without spaces and dashes, upper-case: "12345678-2-42" -> "12345678242".

    Migration partners/0005 indexes exactly this expression (PostgreSQL).
    """
    stripped = Replace(Replace(F("tax_number"), Value("-"), Value("")), Value(" "), Value(""))
    return Upper(stripped)


def tax_key(text: str) -> str:
    """The search text normalised like `tax_key_expression` (other punctuation dropped too)."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def matching_partners(text: str) -> QuerySet:
    """Partners whose name or short name contains `text`, or whose tax number starts with it."""
    from partners.models import Partner

    condition = Q(name__trgm_icontains=text) | Q(short_name__trgm_icontains=text)
    key = tax_key(text)
    if TAX_NUMBER_START.fullmatch(key):  # digits, perhaps after a country code: "10773381", "HU1077"
        condition |= Q(tax_key__startswith=key)
    return Partner.objects.alias(tax_key=tax_key_expression()).filter(condition)


def contact_condition(text: str) -> Q:
    return (
        Q(last_name__trgm_icontains=text) | Q(first_name__trgm_icontains=text) | Q(email__trgm_icontains=text)
    )


def item_condition(text: str) -> Q:
    """Communications and tasks: the subject or the number ("IN-2026-000123") contains `text`."""
    return Q(subject__trgm_icontains=text) | Q(number__trgm_icontains=text)
