"""The partner page's receivables (issue 18): overdue balance per currency and the open invoices.

A tag, so the partner page renders them without importing receivables (docs/architecture.md,
"Layers"): `{% load partner_receivables %}{% partner_receivables partner as receivables %}`.
Read through `Invoice.objects.visible_to` (the partner's account decides, as on the receivables
pages); two queries whatever the number of invoices. The page calls it only for a viewer with
`receivables.view_receivables`, as the receivables pages require.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.db.models import Count, Sum
from django.utils import timezone

from companies.visibility import Viewer
from receivables.models import Invoice

register = template.Library()

INVOICES_SHOWN = 8


@dataclass
class Balance:
    currency: str
    amount: Decimal
    invoices: int


@dataclass
class PartnerReceivables:
    overdue: list[Balance]  # per currency, largest first
    invoices: list[Invoice]  # open invoices, oldest due first, with `days_overdue`
    has_more: bool


@register.simple_tag(takes_context=True)
def partner_receivables(context, partner) -> PartnerReceivables:
    """Loaded once per request and partner (the header card and the section both show it)."""
    request = context["request"]
    cache = request.__dict__.setdefault("_partner_receivables", {})
    if partner.pk not in cache:
        cache[partner.pk] = _load(Viewer.for_request(request), partner)
    return cache[partner.pk]


def _load(viewer: Viewer, partner) -> PartnerReceivables:
    today = timezone.localdate()  # the active company's day (ActiveCompanyMiddleware)
    open_invoices = Invoice.objects.visible_to(viewer).filter(partner=partner, open_amount__gt=0)
    overdue = [
        Balance(currency=row["currency"], amount=row["amount"], invoices=row["invoices"])
        for row in open_invoices.filter(due_on__lt=today)
        .order_by()
        .values("currency")
        .annotate(amount=Sum("open_amount"), invoices=Count("pk"))
        .order_by("-amount", "currency")
    ]
    invoices = list(open_invoices.order_by("due_on", "number")[: INVOICES_SHOWN + 1])
    for invoice in invoices:
        invoice.days_overdue = max((today - invoice.due_on).days, 0)
    return PartnerReceivables(
        overdue=overdue, invoices=invoices[:INVOICES_SHOWN], has_more=len(invoices) > INVOICES_SHOWN
    )
