"""Free-text counterparties (typed on threads, communications and tasks) and their promotion to partners.

They live here, not in partners, because they read and write communications' records (the layers:
partners sits below communications).

Texts are compared case- and space-insensitively in Python (str.casefold), because SQLite's LOWER()
only folds ASCII and Hungarian and Bulgarian names are not ASCII.
"""

from collections import defaultdict

from django.db import transaction

from communications.models import Communication, Task, Thread
from companies.models import Company
from partners.models import Partner


def _holders():
    return (Thread, Communication, Task)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _rows(company: Company):
    for model in _holders():
        rows = (
            model.objects.filter(company=company, partner__isnull=True)
            .exclude(counterparty_text="")
            .values_list("pk", "counterparty_text")
        )
        for pk, text in rows.iterator(chunk_size=2000):
            yield model, pk, text


def free_text_counterparties(company: Company, query: str = "") -> list[dict]:
    """Distinct free-text counterparties of the company (case and spaces ignored), with how many records."""
    wanted = _key(query)
    totals: dict[str, dict] = {}
    for _model, _pk, text in _rows(company):
        key = _key(text)
        if wanted and wanted not in key:
            continue
        entry = totals.setdefault(key, {"key": key, "text": " ".join(text.split()), "records": 0})
        entry["records"] += 1
    return sorted(totals.values(), key=lambda entry: entry["key"])


@transaction.atomic
def counterparty_promote(*, company: Company, text: str, partner: Partner) -> int:
    """Link every record of the company that carried `text` (case and spaces ignored) to `partner`."""
    key = _key(text)
    ids = defaultdict(list)
    for model, pk, value in _rows(company):
        if _key(value) == key:
            ids[model].append(pk)
    return sum(
        model.objects.filter(pk__in=pks, partner__isnull=True).update(partner=partner, counterparty_text="")
        for model, pks in ids.items()
    )
