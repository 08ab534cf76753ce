import json

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from companies.permissions import function_required, has_function
from companies.preferences import PAGE_SIZE_CHOICES, per_page
from companies.visibility import Viewer, get_visible_or_404
from contacts import services
from contacts.filters import GDPR_CHOICES, ContactFilter
from contacts.forms import ContactForm
from contacts.models import Contact, ContactRole
from contacts.rows import CONTACT_COLUMNS, ROW_VALUES, contact_rows, contact_rows_html
from core.export import csv_stream_response, table_response
from core.filters import filter_data
from core.paging import CappedPaginator
from partners.models import Partner

# An XLSX file is built in memory; a longer list goes out as CSV, which streams.
XLSX_MAX_ROWS = 20_000


def _filtered_contacts(request: HttpRequest, *, with_status: bool = False) -> tuple[ContactFilter, object]:
    """(filterset, the active contacts the viewer sees that the filters let through).

    Every row comes from ``Contact.objects.visible_to(viewer)``; an invalid filter value shows the
    form's errors and an empty list.
    """
    viewer = Viewer.for_request(request)
    queryset = (
        Contact.objects.visible_to_listed(viewer)
        .active()
        .select_related("partner")
        .order_by("last_name", "first_name", "pk")
    )
    if with_status:  # the export's column; the GDPR filter adds what it filters on itself
        queryset = queryset.with_gdpr_status(request.company)
    filterset = ContactFilter(filter_data(request.GET, ContactFilter), queryset=queryset, viewer=viewer)
    if not filterset.is_bound:
        return filterset, queryset
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


FILTER_KEYS = ("q", "type", "partner", "gdpr", "has_email")


@function_required("contacts.view_contact")
def contact_list(request: HttpRequest) -> HttpResponse:
    filterset, contacts = _filtered_contacts(request)
    number = request.GET.get("page")
    paginator = CappedPaginator(contacts, per_page(request, "contacts"), page=number, values=ROW_VALUES)
    page = paginator.get_page(number)
    page.object_list = contact_rows(request.company, page.object_list)
    valid = filterset.is_bound and filterset.is_valid()
    columns = CONTACT_COLUMNS.choose(request.GET)
    can_edit = has_function(request, "contacts.change_contact")
    context = {
        "filter": filterset,
        "page": page,
        "columns": columns,
        "rows": contact_rows_html(page.object_list, columns, can_edit=can_edit),
        "page_sizes": PAGE_SIZE_CHOICES,
        "filtered": any(request.GET.get(key) for key in FILTER_KEYS),
        "filtered_partner": filterset.form.cleaned_data.get("partner") if valid else None,
        "can_add": has_function(request, "contacts.add_contact"),
    }
    template = "contacts/_contact_rows.html" if request.htmx else "contacts/contact_list.html"
    return render(request, template, context)


def _types(contact: Contact) -> str:
    return ", ".join(role.type.name for role in contact.roles.all())


GDPR_LABELS = dict(GDPR_CHOICES)
# The export's columns, in order: (header, the cell of a contact).
EXPORT_COLUMNS = (
    (_lazy("Last name"), lambda contact: contact.last_name),
    (_lazy("First name"), lambda contact: contact.first_name),
    (_lazy("Type"), _types),
    (_lazy("Position"), lambda contact: contact.position),
    (_lazy("Partner"), lambda contact: contact.partner.name),
    (_lazy("E-mail"), lambda contact: contact.email),
    (_lazy("Phone"), lambda contact: contact.phone),
    (_lazy("Mobile"), lambda contact: contact.mobile),
    (_lazy("GDPR notice"), lambda contact: GDPR_LABELS[contact.gdpr_group]),
)


def _export_rows(contacts):
    roles = Prefetch("roles", queryset=ContactRole.objects.select_related("type"))
    for contact in contacts.prefetch_related(roles).iterator(chunk_size=2000):
        yield [cell(contact) for _header, cell in EXPORT_COLUMNS]


# Export uses the view permission: whoever sees the list may take it to a spreadsheet.
@function_required("contacts.view_contact")
def contact_list_export(request: HttpRequest, format: str) -> HttpResponse | StreamingHttpResponse:
    _filterset, contacts = _filtered_contacts(request, with_status=True)
    header = [header for header, _cell in EXPORT_COLUMNS]
    if format == "csv":
        return csv_stream_response("contacts.csv", header, _export_rows(contacts))
    if contacts[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS:
        messages.error(
            request,
            _(
                "More than %(count)s contacts match: too many for an Excel file. "
                "Narrow the filters or export them as CSV."
            )
            % {"count": number_format(XLSX_MAX_ROWS, use_l10n=True, force_grouping=True)},
        )
        query = request.GET.urlencode()
        return redirect(reverse("contacts:list") + (f"?{query}" if query else ""))
    return table_response("contacts", header, _export_rows(contacts), format="xlsx")


def _form_error(form: ContactForm, error: services.ContactRuleError) -> None:
    form.add_error("types", str(error))


@function_required("contacts.add_contact")
def contact_create(request: HttpRequest, partner_pk: int) -> HttpResponse:
    partner = get_visible_or_404(request, Partner, partner_pk)
    form = ContactForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                partner=partner,
                company=request.company,
                types=form.cleaned_data["types"],
                **form.contact_fields(),
            )
        except services.ContactRuleError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact})
            return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "partner": partner})


@function_required("contacts.change_contact")
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_visible_or_404(request, Contact, pk, select_related=("partner",))
    if contact.anonymised_at:
        raise Http404(_("This contact was anonymised."))
    form = ContactForm(request.POST or None, instance=contact, partner=contact.partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=contact,
                company=request.company,
                types=form.cleaned_data["types"],
                **form.contact_fields(),
            )
        except services.ContactRuleError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact})
            return redirect("contacts:detail", pk=contact.pk)
    return render(
        request, "contacts/contact_form.html", {"form": form, "partner": contact.partner, "contact": contact}
    )


@function_required("contacts.view_contact")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_visible_or_404(request, Contact, pk, select_related=("partner",))
    erp_managed = bool(contact.erp_id)  # the ERP import overwrites some fields: the page says which
    context = {
        "contact": contact,
        "roles": list(contact.roles.select_related("type")),
        "notices": contact.gdpr_notices.filter(company=request.company),
        "erp_managed": erp_managed,
        "can_edit": has_function(request, "contacts.change_contact") and not contact.anonymised_at,
        "can_export": has_function(request, "contacts.export_contact_data"),
        "can_anonymise": has_function(request, "contacts.anonymise_contact") and not contact.anonymised_at,
    }
    return render(request, "contacts/contact_detail.html", context)


@function_required("contacts.export_contact_data")
def contact_export(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_visible_or_404(request, Contact, pk, select_related=("partner",))
    data = services.contact_export(contact)
    if request.GET.get("format") == "csv":
        rows = [
            # The data as stored (ids, ISO dates, True/False), as text: never regrouped or reformatted.
            *(
                ["contact", key, "" if value is None else str(value)]
                for key, value in data["contact"].items()
            ),
            ["partner", "name", data["partner"]["name"]],
            ["types", "codes", ", ".join(data["types"])],
            *(
                ["gdpr_notice", notice["company"], f"{notice['status']} {notice['sent_at'] or ''}"]
                for notice in data["gdpr_notices"]
            ),
        ]
        return table_response(f"contact-{contact.pk}", ["section", "field", "value"], rows)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response


@function_required("contacts.anonymise_contact")
def contact_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_visible_or_404(request, Contact, pk, select_related=("partner",))
    if request.method == "POST":
        services.contact_anonymise(contact=contact)
        messages.success(request, _("The contact's personal data was erased; their history stays."))
        return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/contact_confirm_anonymise.html", {"contact": contact})
