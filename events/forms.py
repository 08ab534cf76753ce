from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import User
from contacts.picker import limit_to_chosen_partner
from events.models import EARLIEST_EVENT_YEAR, LATEST_EVENT_YEAR, MAX_REMINDER_MINUTES, Event, Outcome
from events.services import not_started_message
from partners.models import Partner


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def validate_event_year(value) -> None:
    """Refuse dates outside the supported years (the year as typed, in the user's time zone)."""
    if value is not None and not EARLIEST_EVENT_YEAR <= value.year <= LATEST_EVENT_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(earliest)s and %(latest)s."),
            code="year_out_of_range",
            params={"earliest": EARLIEST_EVENT_YEAR, "latest": LATEST_EVENT_YEAR},
        )


class EventForm(forms.ModelForm):
    """Create or edit an event. The type list is what the user's groups allow (and what may follow)."""

    class Meta:
        model = Event
        fields = [
            "type",
            "subject",
            "partner",
            "contacts",
            "owner",
            "participants",
            "starts_at",
            "ends_at",
            "location",
            "reminder_minutes",
            "promised_payment_on",
            "notes",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "promised_payment_on": forms.DateInput(attrs={"type": "date"}),
            "contacts": forms.SelectMultiple(attrs={"size": 4}),
            "participants": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, viewer, types, **kwargs):
        super().__init__(*args, **kwargs)
        company = viewer.company
        self.fields["type"].queryset = types
        self.fields["type"].label_from_instance = lambda event_type: event_type.name
        self.fields["partner"].queryset = Partner.objects.visible_to(viewer).order_by("name")
        keep = list(self.instance.contacts.values_list("pk", flat=True)) if self.instance.pk else []
        limit_to_chosen_partner(self, viewer, field="contacts", keep_ids=keep)
        self.fields["contacts"].required = False
        members = (
            User.objects.filter(memberships__company=company, memberships__is_active=True, is_active=True)
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name")
        )
        # The owner is the user or someone they manage; participants may be any colleague.
        self.fields["owner"].queryset = members.filter(pk__in=viewer.visible_user_ids)
        self.fields["participants"].queryset = members
        self.fields["participants"].required = False
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        for name in ("starts_at", "ends_at", "promised_payment_on"):
            # Checked before saving: the time-zone conversion of e.g. year 1 overflows.
            self.fields[name].validators.append(validate_event_year)
            self.fields[name].widget.attrs.update(
                min=f"{EARLIEST_EVENT_YEAR:04d}-01-01" + ("" if name == "promised_payment_on" else "T00:00"),
                max=f"{LATEST_EVENT_YEAR:04d}-12-31" + ("" if name == "promised_payment_on" else "T23:59"),
            )
        # The limit itself is the model field's validator; this only tells the browser.
        self.fields["reminder_minutes"].widget.attrs["max"] = MAX_REMINDER_MINUTES

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", _("The end must not be before the start."))
        partner, contacts = cleaned.get("partner"), cleaned.get("contacts") or []
        strangers = [contact for contact in contacts if partner is None or contact.partner_id != partner.pk]
        if strangers:
            self.add_error("contacts", _("Pick contacts of the chosen partner only."))
        event_type = cleaned.get("type")
        if event_type and event_type.has_place and not cleaned.get("location"):
            self.add_error("location", _("A %(type)s needs a place.") % {"type": event_type.name})
        return cleaned

    def event_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("contacts", None)
        data.pop("participants", None)
        return data


class CloseEventForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(Outcome.SUCCESSFUL, _("Successful")), (Outcome.UNSUCCESSFUL, _("Unsuccessful"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    @property
    def not_started_yet(self) -> bool:
        return self.event is not None and self.event.starts_at > timezone.now()

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if outcome == Outcome.SUCCESSFUL and self.event is not None:
            reason = not_started_message(self.event)
            if reason:
                raise ValidationError(reason, code="not_started")
        return outcome
