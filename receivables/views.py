from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Sum, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from companies.permissions import function_required, has_function
from companies.preferences import PAGE_SIZE_CHOICES, per_page
from companies.visibility import Viewer, get_visible_or_404
from core.charts import Chart, bar_chart
from core.templatetags.crm import money
from events.models import Event
from partners.models import Partner, PartnerAccount
from receivables.dunning import dunning_run, plan_letters
from receivables.filters import LetterFilter
from receivables.models import DunningLetter, Invoice
from receivables.rows import LETTER_LIST_COLUMNS

BUCKETS = [(0, 30, "0–30"), (31, 60, "31–60"), (61, 90, "61–90"), (91, None, "90+")]


def ageing(invoices, today) -> dict[str, list[tuple[str, Decimal]]]:
    """Overdue open amounts by days-overdue bucket, per currency."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: {label: Decimal(0) for *_, label in BUCKETS})
    for due_on, currency, amount in invoices:
        days = (today - due_on).days
        if days <= 0:
            continue
        for low, high, label in BUCKETS:
            if days >= low and (high is None or days <= high):
                totals[currency][label] += amount
                break
    return {currency: list(buckets.items()) for currency, buckets in sorted(totals.items())}


def chart(currency: str, buckets: list[tuple[str, Decimal]]) -> Chart:
    """The ageing bars of one currency, server-drawn with axes, values and a data table (core.charts)."""
    return bar_chart(
        _("Overdue amount by days overdue in %(currency)s") % {"currency": currency},
        [f"{label} {_('days')}" for label, _amount in buckets],
        [amount for _label, amount in buckets],
        value_name=currency,
        value_format=lambda value: money(value, currency),
        table="visible",
    )


def _partners_seen(viewer: Viewer, partners: list[Partner]) -> set[int]:
    """Ids of those of `partners` the viewer sees (the plan is the company's; the desk shows the viewer's)."""
    ids = {partner.pk for partner in partners}
    if viewer.sees_all or not ids:
        return ids
    return set(Partner.objects.visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True))


LARGEST_PER_CURRENCY = 50


def largest_overdue(open_invoices, today, home_currency: str) -> list[tuple[str, list[dict]]]:
    """The largest overdue balances, ranked within each currency (amounts of two currencies are never
    compared): the company's own currency first, then the others alphabetically, at most
    `LARGEST_PER_CURRENCY` partners each. A row is {"partner_id", "partner__name", "total", "others"},
    `others` being the partner's overdue balances in the other currencies, [(currency, total)], so a
    partner owing in two currencies is recognisable in both rankings. Two queries."""
    overdue = open_invoices.filter(due_on__lt=today)
    rows = list(
        overdue.values("partner_id", "partner__name", "currency")
        .annotate(total=Sum("open_amount"))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("currency")], order_by=[F("total").desc(), F("partner_id")]
            )
        )
        .filter(rank__lte=LARGEST_PER_CURRENCY)
        .order_by("currency", "rank")
    )
    balances: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        overdue.filter(partner_id__in={row["partner_id"] for row in rows})
        .values("partner_id", "currency")
        .annotate(total=Sum("open_amount"))
        .order_by("currency")
    ):
        balances[row["partner_id"]][row["currency"]] = row["total"]
    rankings: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        others = [
            (cur, total) for cur, total in balances[row["partner_id"]].items() if cur != row["currency"]
        ]
        rankings[row["currency"]].append({**row, "others": others})
    order = sorted(rankings, key=lambda currency: (currency != home_currency, currency))
    return [(currency, rankings[currency]) for currency in order]


@function_required("receivables.view_receivables")
def desk(request: HttpRequest) -> HttpResponse:
    """The collection desk: ageing per currency, the partners without a financial contact, recent letters."""
    today = timezone.localdate()
    viewer = Viewer.for_request(request)
    open_invoices = Invoice.objects.visible_to(viewer).filter(open_amount__gt=0)
    buckets = ageing(open_invoices.values_list("due_on", "currency", "open_amount"), today)
    plan = plan_letters(request.company, today)
    shown = _partners_seen(viewer, [letter.partner for letter in plan.without_contact] + plan.paused)
    return render(
        request,
        "receivables/desk.html",
        {
            "charts": {currency: chart(currency, rows) for currency, rows in buckets.items()},
            "buckets": buckets,
            "without_contact": [letter for letter in plan.without_contact if letter.partner.pk in shown],
            "paused": [partner for partner in plan.paused if partner.pk in shown],
            "largest": largest_overdue(open_invoices, today, request.company.currency),
            "recent": DunningLetter.objects.visible_to(viewer).select_related("partner")[:10],
            "can_run": has_function(request, "receivables.run_dunning"),
            "can_add_contact": has_function(request, "contacts.add_contact"),
        },
    )


@function_required("receivables.view_receivables")
def letter_list(request: HttpRequest) -> HttpResponse:
    queryset = DunningLetter.objects.visible_to(Viewer.for_request(request)).select_related("partner")
    filterset = LetterFilter(request.GET or None, queryset=queryset)
    letters = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    if filterset.is_bound and not filterset.is_valid():
        letters = queryset.none()
    size = per_page(request, "letters")
    page = Paginator(letters.order_by("-slot", "-pk"), size).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "page_sizes": PAGE_SIZE_CHOICES,
        "columns": LETTER_LIST_COLUMNS.choose(request.GET),
        # The row menus' entries, read once per page (a visible letter's partner is a visible partner:
        # letters follow the partner's account, so its receivables page and partner page open).
        "can_view_partner": has_function(request, "partners.view_partner"),
        "can_add_event": has_function(request, "events.add_event"),
    }
    return render(request, "receivables/letter_list.html", context)


@function_required("receivables.view_receivables")
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(request, DunningLetter, pk, select_related=("partner",))
    return render(
        request,
        "receivables/letter_detail.html",
        {"letter": letter, "lines": letter.lines.select_related("invoice"), "events": letter.events.all()},
    )


@function_required("receivables.view_receivables")
def partner_receivables(request: HttpRequest, pk: int) -> HttpResponse:
    """One partner's open invoices, letters and collection events: a partner the viewer sees, and
    of its events those the viewer sees (finance, who see all company data, see everything)."""
    viewer = Viewer.for_request(request)
    account = get_visible_or_404(viewer, PartnerAccount, pk, field="partner_id", select_related=("partner",))
    today = timezone.localdate()
    invoices = list(Invoice.objects.visible_to(viewer).filter(partner_id=pk, open_amount__gt=0))
    for invoice in invoices:
        invoice.days_overdue = max((today - invoice.due_on).days, 0)
    activities = (
        Event.objects.visible_to(viewer)
        .filter(partner_id=pk, type__code__in=["collection-call", "promise-to-pay"])
        .select_related("type", "owner")
        .order_by("-starts_at")[:50]
    )
    return render(
        request,
        "receivables/partner_receivables.html",
        {
            "partner": account.partner,
            "invoices": invoices,
            "letters": DunningLetter.objects.visible_to(viewer).filter(partner_id=pk).order_by("-slot")[:50],
            "activities": activities,
        },
    )


@function_required("receivables.run_dunning")
def preview(request: HttpRequest) -> HttpResponse:
    """Exactly what today's run would send, before anything goes out."""
    today = timezone.localdate()
    plan = plan_letters(request.company, today)
    return render(request, "receivables/preview.html", {"plan": plan, "today": today})


@require_POST
@function_required("receivables.run_dunning")
def run_now(request: HttpRequest) -> HttpResponse:
    result = dunning_run(request.company)
    created, missing = result["created"], result["without_contact"]
    queued = ngettext("%(count)d letter queued", "%(count)d letters queued", created) % {"count": created}
    lacking = ngettext(
        "%(count)d partner without a financial contact",
        "%(count)d partners without a financial contact",
        missing,
    ) % {"count": missing}
    messages.success(
        request, _("Dunning run done: %(queued)s, %(lacking)s.") % {"queued": queued, "lacking": lacking}
    )
    return redirect("receivables:letters")
