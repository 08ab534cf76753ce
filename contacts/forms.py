from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, ContactType
from contacts.services import exclusive_holder

FIELDS = [
    "first_name",
    "last_name",
    "position",
    "email",
    "email_other",
    "phone",
    "mobile",
    "preferred_language",
    "notes",
]

# What the ERP import overwrites on a contact with an ERP id (erp_sync/writers.py CONTACT_FIELDS):
# read-only here, so the CRM's own fields (other e-mail, mobile, notes, types) stay editable.
ERP_FIELDS = ["first_name", "last_name", "position", "email", "phone", "preferred_language", "is_active"]
ERP_READ_ONLY_HELP = _("Managed by the ERP: change it there.")


class ContactForm(forms.ModelForm):
    types = forms.ModelMultipleChoiceField(
        queryset=ContactType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Contact types"),
    )

    class Meta:
        model = Contact
        fields = [*FIELDS, "is_active"]

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.fields["types"].label_from_instance = lambda contact_type: contact_type.name
        if self.instance.pk:
            self.initial["types"] = list(self.instance.roles.values_list("type_id", flat=True))
        else:
            del self.fields["is_active"]
        if self.instance.erp_id:
            for name in ERP_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True  # the saved value is kept, whatever is posted
                    self.fields[name].help_text = ERP_READ_ONLY_HELP

    def clean_types(self):
        types = list(self.cleaned_data["types"])
        for contact_type in types:
            holder = exclusive_holder(self.partner, contact_type, exclude=self.instance)
            if holder:
                raise forms.ValidationError(
                    _(
                        "%(partner)s already has a %(type)s contact: %(holder)s. Only one is allowed per "
                        "partner: change that contact first, or pick another type."
                    ),
                    params={"partner": self.partner, "type": contact_type.name, "holder": holder},
                    code="one_per_partner",
                )
        return types

    def contact_fields(self) -> dict:
        names = [*FIELDS, "is_active"] if "is_active" in self.fields else FIELDS
        return {name: self.cleaned_data[name] for name in names}
