"""The contact-person picker on communication and event forms: only the chosen partner's contacts.

Forms narrow their contact field with `limit_to_chosen_partner`; the browser refreshes the options
from `contact_options` when the partner changes (`select[data-contacts-url]` in static/crm/app.js).
"""

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from companies.permissions import member_required
from companies.visibility import Viewer
from contacts.models import Contact

NOT_THIS_PARTNERS = _("Pick a contact person of the chosen partner.")


def _partner_id(value) -> int | None:
    """The partner id from a bound value, an initial pk or a Partner; None for anything else."""
    value = getattr(value, "pk", value)
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def contacts_of(viewer: Viewer, partner_id: int | None, keep_ids=()):
    """Active contacts of the partner the viewer sees; `keep_ids` (the record's own) stay if still that partner's."""
    if partner_id is None:
        return Contact.objects.none()
    own = Q(pk__in=list(keep_ids), partner_id=partner_id) if keep_ids else Q(pk__in=[])
    visible = Contact.objects.active().visible_to(viewer).filter(partner_id=partner_id)
    return Contact.objects.filter(Q(pk__in=visible.values("pk")) | own).order_by(
        "last_name", "first_name", "pk"
    )


def limit_to_chosen_partner(form, viewer: Viewer, *, field: str, keep_ids=(), partner_field: str = "partner"):
    """Offer (and accept) only contacts of the partner chosen in the form (or its initial/instance)."""
    form.fields[field].queryset = contacts_of(viewer, _partner_id(form[partner_field].value()), keep_ids)
    form.fields[field].error_messages["invalid_choice"] = NOT_THIS_PARTNERS
    form.fields[field].widget.attrs["data-contacts-url"] = reverse_lazy("contacts:options")
    form.fields[field].widget.attrs["data-partner-field"] = form[partner_field].auto_id


@member_required
def contact_options(request: HttpRequest) -> JsonResponse:
    """`?partner=<id>`: the visible active contacts of that partner, as picker options."""
    contacts = contacts_of(Viewer.for_request(request), _partner_id(request.GET.get("partner")))
    return JsonResponse({"options": [{"value": contact.pk, "label": str(contact)} for contact in contacts]})
