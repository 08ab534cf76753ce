"""Free-text counterparties (typed on threads, communications and tasks) and their promotion to partners."""

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower, Trim

from companies.models import Company
from partners.models import Partner


def _holders():
    from communications.models import Communication, Task, Thread

    return (Thread, Communication, Task)


def free_text_counterparties(company: Company, query: str = "") -> list[dict]:
    """Distinct free-text counterparties of the company (case and spaces ignored), with how many records."""
    totals: dict[str, dict] = {}
    for model in _holders():
        rows = (
            model.objects.filter(company=company, partner__isnull=True)
            .exclude(counterparty_text="")
            .annotate(key=Lower(Trim("counterparty_text")))
        )
        if query:
            rows = rows.filter(counterparty_text__icontains=query)
        for row in (
            rows.values("key").annotate(records=Count("pk"), text=Trim("counterparty_text")).order_by("key")
        ):
            entry = totals.setdefault(row["key"], {"key": row["key"], "text": row["text"], "records": 0})
            entry["records"] += row["records"]
    return sorted(totals.values(), key=lambda entry: entry["key"])


@transaction.atomic
def counterparty_promote(*, company: Company, text: str, partner: Partner) -> int:
    """Link every record of the company that carried `text` (case and spaces ignored) to `partner`."""
    key = text.strip().lower()
    linked = 0
    for model in _holders():
        linked += (
            model.objects.filter(company=company, partner__isnull=True)
            .annotate(key=Lower(Trim("counterparty_text")))
            .filter(Q(key=key))
            .update(partner=partner, counterparty_text="")
        )
    return linked
