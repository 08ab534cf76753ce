"""The finance home: what is overdue (by age and currency, and over 12 weeks), this week's letters,
promises to pay that fall due, and partners with overdue invoices but no financial contact.

Everything is read through ``visible_to`` (finance usually see the whole company through
``companies.view_all_company_data``; a receivables viewer without it sees the partners they see), each
block in one grouped query whatever the number of invoices:

1. ageing: open overdue amounts by currency and the collection desk's buckets
   (``receivables.views.BUCKETS``), summed from the same query (open overdue amount per currency and
   due day, read from the index ``invoice_open_sums`` alone) as
2. the trend: for each of the last 12 Sundays, the open amount of today's open invoices that was already
   due then. Invoices keep no payment history, so a week's figure counts the invoices still open
   today (an invoice paid since is missing from its past weeks): the page says so;
3. letters: dunning letters sent this week and, of them, bounced and opened (the letter list's
   ``sent_from``/``sent_to``/``status`` filters give the same rows);
4. promises to pay: events of the promise type whose promised day is from a week ago to a week ahead
   (``event_promised_payment``: only the events that carry a promised day);
5. partners with overdue invoices and no active financial contact (the rule of
   ``contacts.services.financial_contacts``: an active contact with the "financial" role): the largest
   overdue amounts (per partner and currency, grouped in the order of ``invoice_open_sums``: no heap,
   no hash of every partner), one line per partner, then their names (two queries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from companies.visibility import Viewer
from companies.workdays import company_midnight
from contacts.models import Contact
from core.charts import Chart, bar_chart, line_chart
from core.templatetags.crm import money
from events.models import Event
from home.formats import short_day
from home.sales import Week
from partners.models import Partner
from receivables.dunning import PROMISE_TYPE
from receivables.models import DunningLetter, Invoice, LetterStatus
from receivables.views import BUCKETS

TREND_WEEKS = 12
PROMISES_SHOWN = 20
NO_CONTACT_SHOWN = 20
FINANCIAL = "financial"  # the contact type code of contacts.services.financial_contacts


@dataclass
class FinanceDashboard:
    week: Week
    ageing: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)  # currency -> buckets
    ageing_charts: list[Chart] = field(default_factory=list)
    overdue_totals: dict[str, Decimal] = field(default_factory=dict)
    trend_charts: list[Chart] = field(default_factory=list)
    letters: dict[str, int] = field(default_factory=dict)
    promises: list[Event] = field(default_factory=list)
    no_contact: list[dict] = field(default_factory=list)
    no_contact_more: bool = False


def _in_bucket(today: date, due_on: date, low: int, high: int | None) -> bool:
    """An invoice due on `due_on` is `low`..`high` days overdue today (the desk's rule: 1-30 days is the
    first bucket)."""
    if due_on > today - timedelta(days=max(low, 1)):
        return False
    return high is None or due_on >= today - timedelta(days=high)


def trend_days(today: date) -> list[date]:
    """The last `TREND_WEEKS` week ends: eleven Sundays and today."""
    sunday = today - timedelta(days=today.weekday() + 1)
    return [sunday - timedelta(weeks=TREND_WEEKS - 2 - i) for i in range(TREND_WEEKS - 1)] + [today]


def overdue_by_currency(
    viewer: Viewer, today: date
) -> tuple[dict[str, list[tuple[str, Decimal]]], dict[str, list[Decimal]]]:
    """Per currency: the open overdue amounts by age bucket, and for each of `trend_days` the amount of
    today's open invoices that was already overdue on that day.

    One query: the open overdue amount per currency and due day (a few hundred rows however many
    invoices, read from ``invoice_open_sums`` alone), summed into the buckets and weeks here."""
    days = trend_days(today)
    rows = (
        Invoice.objects.visible_to(viewer)
        .filter(open_amount__gt=0, due_on__lt=today)
        .values("currency", "due_on")
        .annotate(total=Sum("open_amount"))
        .order_by()
    )
    ageing: dict[str, list[Decimal]] = {}
    trend: dict[str, list[Decimal]] = {}
    for row in rows:
        currency, due_on, total = row["currency"], row["due_on"], row["total"]
        buckets = ageing.setdefault(currency, [Decimal(0)] * len(BUCKETS))
        weeks = trend.setdefault(currency, [Decimal(0)] * len(days))
        for i, (low, high, _label) in enumerate(BUCKETS):
            if _in_bucket(today, due_on, low, high):
                buckets[i] += total
        for i, day in enumerate(days):
            if due_on < day:
                weeks[i] += total
    labels = [label for _low, _high, label in BUCKETS]
    return (
        {currency: list(zip(labels, ageing[currency], strict=True)) for currency in sorted(ageing)},
        {currency: trend[currency] for currency in sorted(trend)},
    )


def letters_this_week(viewer: Viewer, week: Week) -> dict[str, int]:
    """Letters sent this week (company days), and of them bounced and opened now (one query)."""
    sent = DunningLetter.objects.visible_to(viewer).filter(
        sent_at__gte=company_midnight(viewer.company, week.monday), sent_at__lt=week.week_ends
    )
    return sent.aggregate(
        sent=Count("pk"),
        bounced=Count("pk", filter=Q(status=LetterStatus.BOUNCED)),
        opened=Count("pk", filter=Q(status=LetterStatus.OPENED)),
    )


def finance_dashboard(viewer: Viewer, now=None) -> FinanceDashboard:
    week = Week.of(viewer.company, now)
    today = week.today
    board = FinanceDashboard(week=week)

    board.ageing, trend = overdue_by_currency(viewer, today)
    for currency, buckets in board.ageing.items():
        board.overdue_totals[currency] = sum((amount for _label, amount in buckets), Decimal(0))
        board.ageing_charts.append(
            bar_chart(
                _("Overdue amount by days overdue in %(currency)s") % {"currency": currency},
                [f"{label} {_('days')}" for label, _amount in buckets],
                [amount for _label, amount in buckets],
                value_name=currency,
                value_format=lambda value, currency=currency: money(value, currency),
            )
        )

    labels = [short_day(day) for day in trend_days(today)]
    for currency, values in trend.items():
        board.trend_charts.append(
            line_chart(
                _("Overdue in %(currency)s at the end of each week") % {"currency": currency},
                labels,
                [(currency, values)],
                value_format=lambda value, currency=currency: money(value, currency),
                description=_(
                    "Counted from the invoices open today: an invoice paid since is not in its past weeks."
                ),
            )
        )

    board.letters = letters_this_week(viewer, week)

    board.promises = list(
        Event.objects.visible_to(viewer)
        .filter(
            type__code=PROMISE_TYPE,
            promised_payment_on__gte=today - timedelta(days=7),
            promised_payment_on__lte=today + timedelta(days=7),
        )
        .select_related("partner", "owner")
        .order_by("promised_payment_on", "pk")[:PROMISES_SHOWN]
    )

    financial = Contact.objects.active().filter(
        partner_id=OuterRef("partner_id"), roles__type__code=FINANCIAL
    )
    rows = list(
        Invoice.objects.visible_to(viewer)
        .filter(open_amount__gt=0, due_on__lt=today)
        .filter(~Exists(financial))
        .values("partner_id", "currency")
        .annotate(total=Sum("open_amount"))
        .order_by("-total", "partner_id")[: NO_CONTACT_SHOWN + 1]
    )
    # The names of the shown partners only (joining every partner to the grouping cost more than the sums).
    names = dict(
        Partner.objects.visible_to(viewer)
        .filter(pk__in=[row["partner_id"] for row in rows])
        .values_list("pk", "name")
    )
    board.no_contact_more = len(rows) > NO_CONTACT_SHOWN
    # One line per partner (largest amount first), with its overdue total in each currency.
    partners: dict[int, dict] = {}
    for row in rows[:NO_CONTACT_SHOWN]:
        line = partners.setdefault(
            row["partner_id"],
            {
                "partner_id": row["partner_id"],
                "partner__name": names.get(row["partner_id"], "—"),
                "totals": [],
            },
        )
        line["totals"].append((row["currency"], row["total"]))
    board.no_contact = list(partners.values())
    return board
