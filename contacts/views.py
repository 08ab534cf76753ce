import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from companies.permissions import function_required, has_function
from companies.visibility import get_visible_or_404
from contacts import services
from contacts.forms import ContactForm
from contacts.models import Contact
from core.export import table_response
from partners.models import Partner


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
    context = {
        "contact": contact,
        "roles": contact.roles.select_related("type"),
        "notices": contact.gdpr_notices.filter(company=request.company),
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
            *(["contact", key, value] for key, value in data["contact"].items()),
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
