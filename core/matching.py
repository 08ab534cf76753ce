"""What every fragment search shares: the length limits and the normalised tax number.

The conditions themselves live next to their models (partners/matching.py, contacts/matching.py,
communications/matching.py), so each list's own filter uses its app's rule and the global search
(a feature above them all) combines them; "show all" then shows the same rows. Every condition is a
plain column test an index serves on PostgreSQL: `trgm_icontains` (pg_trgm GIN indexes, see
core/lookups.py) or a prefix of the normalised tax number (a btree expression index).
"""

import re

from django.db.models import F, Value
from django.db.models.functions import Replace, Upper

from core import lookups  # noqa: F401 (registers trgm_icontains)

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
