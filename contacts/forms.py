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
