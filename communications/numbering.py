"""Item numbers: series, year and sequence (IN-2026-000042), per company, no duplicates, no gaps.

The counter row is locked (SELECT ... FOR UPDATE) inside the transaction that inserts the item, so
concurrent creators queue on it; if the transaction rolls back, so does the increment: no gaps.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from communications.models import NumberSequence
from companies.models import Company


def next_number(*, company: Company, prefix: str, when=None) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that saves the item")
    series = f"{prefix}-{timezone.localtime(when or timezone.now()).year}"
    NumberSequence.objects.bulk_create(
        [NumberSequence(company=company, series=series)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(company=company, series=series)
    NumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{series}-{sequence.last_value:06d}"
