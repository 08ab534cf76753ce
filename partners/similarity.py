"""Finding partners whose name looks like a new one (duplicate warning, search).

PostgreSQL: trigram similarity (pg_trgm, GIN index from migration 0003).
SQLite: a portable fallback, narrowing by significant words and ranking with
difflib, so the embedded demo warns the same way.
"""

import difflib
import re
import unicodedata

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q

from partners.models import Partner

LEGAL_FORMS = {
    "kft", "zrt", "nyrt", "bt", "kkt", "ev", "rt", "eood", "ood", "ad", "ead", "et", "kd",
    "gmbh", "ag", "kg", "ltd", "llc", "inc", "sa", "srl", "sro", "spzoo", "bv", "nv",
}  # fmt: skip
THRESHOLD = 0.45


def name_key(name: str) -> str:
    """Lower-case, accents and legal forms removed: "Duna Gépgyártó Zrt." -> "duna gepgyarto"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(word for word in words if word not in LEGAL_FORMS)


def similar_partners(name: str, *, limit: int = 5, exclude_pk: int | None = None) -> list[Partner]:
    name = name.strip()
    if len(name) < 3:
        return []
    queryset = Partner.objects.exclude(pk=exclude_pk) if exclude_pk else Partner.objects.all()
    if connection.vendor == "postgresql":
        return list(
            queryset.annotate(similarity=TrigramSimilarity("name", name))
            .filter(similarity__gte=THRESHOLD)
            .order_by("-similarity", "name")[:limit]
        )
    key = name_key(name)
    words = [word for word in key.split() if len(word) >= 3] or key.split()
    if not words:
        return []
    narrowed = Q()
    for word in words:
        narrowed |= Q(name__icontains=word[:5])
    candidates = list(queryset.filter(narrowed)[:500])
    scored = [
        (difflib.SequenceMatcher(None, key, name_key(candidate.name)).ratio(), candidate)
        for candidate in candidates
    ]
    return [candidate for score, candidate in sorted(scored, key=lambda pair: -pair[0]) if score >= 0.6][
        :limit
    ]
