"""What "matches a search text" means for each kind of record, gathered for the global search.

Each rule lives next to its model (partners/, contacts/, communications/matching.py; the shared
pieces in core/matching.py), so the lists' own filters use it without importing this feature app.
"""

from communications.matching import item_condition
from contacts.matching import contact_condition
from core.matching import MAX_LENGTH, MIN_LENGTH, tax_key, tax_key_expression
from partners.matching import matching_partners

__all__ = [
    "MAX_LENGTH",
    "MIN_LENGTH",
    "contact_condition",
    "item_condition",
    "matching_partners",
    "tax_key",
    "tax_key_expression",
]
