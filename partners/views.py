from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from companies.permissions import function_required, has_function
from companies.preferences import PAGE_SIZE_CHOICES, per_page
from companies.visibility import Viewer, get_visible_or_404, visible_rows
from core.charts import bar_chart
from core.export import list_export_response
from core.filters import filter_data
from core.paging import CappedPaginator
from core.templatetags.crm import money
from partners import services
from partners.clients import bisnode
from partners.filters import PartnerAccountFilter
from partners.forms import (
    MASTER_FIELDS,
    AddressFormSet,
    AssetFormSet,
    PartnerAccountForm,
    PartnerForm,
    TurnoverFormSet,
)
from partners.models import Asset, OwnerChange, Partner, PartnerAccount, Turnover
from partners.rows import PARTNER_COLUMNS, ROW_VALUES, PartnerActions, partner_rows_html
from partners.validators import validate_tax_number

# What the partner pages show about the account, loaded with it.
ACCOUNT_RELATED = ("partner", "owner")


def _visible_accounts(request: HttpRequest):
    return PartnerAccount.objects.visible_to(Viewer.for_request(request))


def _filtered(request: HttpRequest) -> PartnerAccountFilter:
    queryset = _visible_accounts(request).select_related("partner", "owner").order_by("partner__name", "pk")
    data = filter_data(request.GET, PartnerAccountFilter)
    return PartnerAccountFilter(data, queryset=queryset, company=request.company)


@function_required("partners.view_partner")
def partner_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    # Each part of the visibility rule reads only the page's rows in the list's order (visible_rows).
    rows = visible_rows(queryset, Viewer.for_request(request))
    number = request.GET.get("page")
    # Counted up to a cap ("more than 1,000"), not every visible account (core/paging.py); a row is its
    # values (partners.rows), not three model instances with every column.
    paginator = CappedPaginator(rows, per_page(request, "partners"), page=number, values=ROW_VALUES)
    page = paginator.get_page(number)
    template = "partners/_partner_rows.html" if request.htmx else "partners/partner_list.html"
    columns = PARTNER_COLUMNS.choose(request.GET)
    actions = PartnerActions(
        edit=has_function(request, "partners.change_partner"),
        add_event=has_function(request, "events.add_event"),
        add_communication=has_function(request, "communications.add_communication"),
    )
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "columns": columns,
            "rows": partner_rows_html(page.object_list, columns, actions),
            "page_sizes": PAGE_SIZE_CHOICES,
            "can_export": has_function(request, "partners.export_partners"),
            "can_add": has_function(request, "partners.add_partner"),
            "can_promote": has_function(request, "partners.promote_counterparty"),
        },
    )


@function_required("partners.export_partners")
def partner_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered list as CSV, or with ?format=xlsx as an Excel file (core.export.list_export_response)."""
    filterset = _filtered(request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    header = [_("Name"), _("Short name"), _("Tax number"), _("Type"), _("Status"), _("Owner"), _("Source")]
    rows = (
        [
            account.partner.name,
            account.partner.short_name,
            account.partner.tax_number,
            account.partner.types_display,
            account.get_status_display(),
            account.owner or "",
            account.partner.get_source_display(),
        ]
        for account in queryset.iterator(chunk_size=2000)
    )
    format = request.GET.get("format", "csv")
    return list_export_response(
        request, "partners", header, rows, queryset=queryset, format=format, list_url=reverse("partners:list")
    )


@function_required("partners.view_partner")
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The 360-degree view (issue 18, docs/record-pages.md): a header card and one section per kind.

    This view reads what the partners app owns; the sections of higher apps (communications, tasks,
    events, orders, threads, timeline, receivables, "Mentioned in") come from their template tags,
    each one query with a limit, so the page's query count does not grow with the partner's rows.
    """
    viewer = Viewer.for_request(request)
    account = get_visible_or_404(
        viewer, PartnerAccount, pk, field="partner_id", select_related=(*ACCOUNT_RELATED, "partner__erp_push")
    )
    partner = account.partner
    contacts = list(partner.contacts.active().prefetch_related("roles__type"))
    turnovers = list(Turnover.objects.visible_to(viewer).filter(partner=partner)[:24])
    context = {
        "account": account,
        "partner": partner,
        "erp_push": getattr(partner, "erp_push", None),  # loaded with the account (None: not pushed)
        "addresses": partner.addresses.all(),
        "tags": account.tags.all(),
        "contacts": contacts,
        "main_contact": _main_contact(contacts),
        "turnovers": turnovers,
        "turnover_chart": _turnover_chart(turnovers),
        "assets": Asset.objects.visible_to(viewer).filter(partner=partner).select_related("site"),
        "can_edit": has_function(request, "partners.change_partner"),
        "can_add_contact": has_function(request, "contacts.add_contact"),
        "owner_changes": OwnerChange.objects.visible_to(viewer)
        .filter(partner=partner)
        .select_related("from_owner", "to_owner")[:20],
    }
    return render(request, "partners/partner_detail.html", context)


def _main_contact(contacts: list):
    """The decision maker if the partner has one, else the first active contact (None: no contacts)."""
    for contact in contacts:
        if any(role.type.code == "decision-maker" for role in contact.roles.all()):
            return contact
    return contacts[0] if contacts else None


def _turnover_chart(turnovers: list[Turnover]):
    """Bars of the last 12 months in the currency of the newest row (other currencies: the table)."""
    if not turnovers:
        return None
    currency = turnovers[0].currency
    months = sorted((row for row in turnovers if row.currency == currency), key=lambda row: row.period)[-12:]
    return bar_chart(
        _("Turnover by month (%(currency)s)") % {"currency": currency},
        [date_format(row.period, "M y") for row in months],
        [row.amount for row in months],
        value_name=_("Turnover"),
        value_format=lambda value: money(value, currency),
    )


LOOKUP_EMPTY = _lazy("Type a tax number or a company name to look up.")


def _company_lookup(query: str) -> tuple[dict, list, str]:
    """Ask the company-information service: (initial form data, several matches to pick from, error)."""
    try:
        tax_number = validate_tax_number(query)
    except ValidationError:
        tax_number = ""
    try:
        if tax_number:
            return bisnode.lookup_by_tax_number(tax_number).as_partner_initial(), [], ""
        matches = bisnode.search_by_name(query, max_results=10)
    except bisnode.CompanyInfoError as error:
        return {}, [], error.message
    if not matches:
        return (
            {},
            [],
            _("The company-information service knows no company called “%(query)s”.") % {"query": query},
        )
    if len(matches) == 1:
        return matches[0].as_partner_initial(), [], ""
    return {}, matches, ""


FILLED_IN = _lazy("Filled in from the company-information service. Check the data, then save.")


def _lookup_values(initial: dict) -> dict:
    values = {key: value for key, value in initial.items() if value}
    if values:
        values.setdefault("seat_country", "HU")
    return values


@function_required("partners.add_partner")
def partner_lookup(request: HttpRequest) -> JsonResponse:
    """The Look up button's answer as JSON: static/crm/app.js fills the form in place, asking before
    it replaces anything the user typed. Without JavaScript the button posts the form instead."""
    query = request.GET.get("lookup", "").strip()[:100]
    if not query:
        return JsonResponse({"values": {}, "matches": [], "error": str(LOOKUP_EMPTY), "message": ""})
    initial, matches, error = _company_lookup(query)
    values = _lookup_values(initial)
    return JsonResponse(
        {
            "values": values,
            "matches": [{"name": m.name, "tax_number": m.tax_number, "city": m.city} for m in matches],
            "error": error,
            "message": str(FILLED_IN) if values else "",
        }
    )


def _typed_values(data) -> dict:
    """What the user typed into the partner form (the no-JavaScript Look up posts the whole form)."""
    return {
        name: data.get(name)
        for name in PartnerForm.base_fields
        if name != "create_anyway" and (data.get(name) or "").strip()
    }


@function_required("partners.add_partner")
def partner_create(request: HttpRequest) -> HttpResponse:
    looking_up = request.method == "POST" and (
        "lookup_submit" in request.POST or "lookup_pick" in request.POST
    )
    if looking_up:
        query = (request.POST.get("lookup_pick") or request.POST.get("lookup", "")).strip()[:100]
    else:
        query = request.GET.get("lookup", "").strip()[:100]
    initial, matches, lookup_error = (
        _company_lookup(query) if query and (request.method == "GET" or looking_up) else ({}, [], "")
    )
    if looking_up and not query:
        lookup_error = str(LOOKUP_EMPTY)
    initial = _lookup_values(initial)
    if initial:
        messages.info(request, FILLED_IN)
    if looking_up:
        # Nothing typed is lost: typed values stay, the service fills the empty fields only.
        typed = _typed_values(request.POST)
        differing = [
            str(PartnerForm.base_fields[name].label)
            for name, value in initial.items()
            if name in typed and name in PartnerForm.base_fields and typed[name].strip() != value
        ]
        if differing:
            messages.warning(
                request,
                _(
                    "Kept what you typed in %(fields)s; the company-information service has other values there."
                )
                % {"fields": ", ".join(differing)},
            )
        form = PartnerForm(initial={**initial, **typed})
    else:
        form = PartnerForm(request.POST or None, initial=initial or None)
    context = {
        "form": form,
        "creating": True,
        "query": query,
        "matches": matches,
        "lookup_error": lookup_error,
    }
    if request.method == "POST" and not looking_up and form.is_valid():
        master = {field: form.cleaned_data[field] for field in MASTER_FIELDS}
        account = services.partner_create(
            company=request.company, owner=request.user, master=master, seat=form.seat_address()
        )
        messages.success(request, _("Partner %(name)s created.") % {"name": account.partner.name})
        return redirect("partners:detail", pk=account.partner_id)
    return render(request, "partners/partner_form.html", context)


@function_required("partners.change_partner")
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_visible_or_404(
        request, PartnerAccount, pk, field="partner_id", select_related=ACCOUNT_RELATED
    )
    partner = account.partner
    data = request.POST or None
    form = PartnerForm(data, instance=partner, prefix="master")
    account_form = PartnerAccountForm(data, instance=account, company=request.company, prefix="account")
    if request.method == "POST" and form.is_valid() and account_form.is_valid():
        master = {field: form.cleaned_data[field] for field in MASTER_FIELDS}
        services.partner_update(partner=partner, master=master, seat=form.seat_address())
        account = account_form.save()
        messages.success(request, _("Partner %(name)s saved.") % {"name": partner.name})
        if not _visible_accounts(request).filter(pk=account.pk).exists():
            # Handed over to someone outside the user's view: the partner page would be a 404.
            messages.info(
                request,
                _("%(name)s is now looked after by %(owner)s.")
                % {"name": partner.name, "owner": account.owner},
            )
            return redirect("partners:list")
        return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "account_form": account_form, "partner": partner, "creating": False},
    )


@function_required("partners.add_partner")
def partner_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared master holds a partner this company does not work with yet: start working with it."""
    partner = get_object_or_404(Partner, pk=pk)
    account = (
        PartnerAccount.objects.filter(company=request.company, partner=partner)
        .select_related("owner")
        .first()
    )
    if request.method == "POST" and account is None:
        services.partner_adopt(company=request.company, partner=partner, owner=request.user)
        return redirect("partners:detail", pk=partner.pk)
    if request.method == "POST":
        return redirect("partners:adopt", pk=partner.pk)  # someone was quicker: the page says who
    context = {
        "partner": partner,
        "already": account is not None,
        # A colleague's partner outside the viewer's visibility: say who looks after it, no dead link.
        "can_open": account is not None and _visible_accounts(request).filter(pk=account.pk).exists(),
        "account": account,
    }
    return render(request, "partners/partner_adopt.html", context)


@function_required("partners.change_partner")
def partner_records(request: HttpRequest, pk: int) -> HttpResponse:
    """Addresses, turnover and assets typed in by hand; only for CRM-made partners (the ERP fills the rest)."""
    viewer = Viewer.for_request(request)
    account = get_visible_or_404(
        viewer, PartnerAccount, pk, field="partner_id", select_related=ACCOUNT_RELATED
    )
    partner = account.partner
    if partner.is_erp_managed:
        messages.info(request, _("The ERP manages this partner's addresses, turnover and assets."))
        return redirect("partners:detail", pk=partner.pk)
    data = request.POST or None
    addresses = AddressFormSet(data, instance=partner, prefix="addresses")
    turnovers = TurnoverFormSet(
        data, prefix="turnover", queryset=Turnover.objects.visible_to(viewer).filter(partner=partner)
    )
    assets = AssetFormSet(
        data, prefix="assets", queryset=Asset.objects.visible_to(viewer).filter(partner=partner)
    )
    for form in assets.forms:
        form.fields["site"].queryset = partner.addresses.all()
    if request.method == "POST" and all(formset.is_valid() for formset in (addresses, turnovers, assets)):
        services.partner_records_save(
            company=request.company, partner=partner, addresses=addresses, turnovers=turnovers, assets=assets
        )
        messages.success(request, _("Saved."))
        return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/partner_records.html",
        {
            "partner": partner,
            "formsets": [(_("Addresses"), addresses), (_("Turnover"), turnovers), (_("Assets"), assets)],
        },
    )
