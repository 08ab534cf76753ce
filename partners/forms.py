from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from companies.models import Company, User
from partners.models import AddressKind, Asset, Partner, PartnerAccount, PartnerAddress, Tag, Turnover
from partners.similarity import similar_partners
from partners.validators import normalize_tax_number, validate_tax_number

MASTER_FIELDS = [
    "name",
    "short_name",
    "tax_number",
    "registration_number",
    "is_customer",
    "is_supplier",
    "is_distributor",
    "phone",
    "email",
    "website",
    "main_activity",
    "notes",
]
ERP_READ_ONLY_HELP = _("Managed by the ERP: change it there, the next synchronisation brings it over.")


class PartnerForm(forms.ModelForm):
    """The shared master data. ERP-managed partners get every field read-only, with the reason."""

    website = forms.URLField(label=_("website"), max_length=200, required=False, assume_scheme="https")
    seat_postal_code = forms.CharField(label=_("Seat: postal code"), max_length=16, required=False)
    seat_city = forms.CharField(label=_("Seat: city"), max_length=100, required=False)
    seat_street = forms.CharField(label=_("Seat: street address"), max_length=255, required=False)
    seat_country = forms.CharField(label=_("Seat: country"), max_length=2, required=False, initial="HU")
    create_anyway = forms.BooleanField(
        label=_("I checked the similar partners above: this is a different one"), required=False
    )

    class Meta:
        model = Partner
        fields = MASTER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.similar: list[Partner] = []
        if self.instance.pk:
            del self.fields["create_anyway"]
            seat = self.instance.addresses.filter(kind=AddressKind.SEAT).first()
            if seat:
                for field in ("postal_code", "city", "street", "country"):
                    self.initial.setdefault(f"seat_{field}", getattr(seat, field))
        if self.instance.is_erp_managed:
            for field in self.fields.values():
                field.disabled = True
                field.help_text = ERP_READ_ONLY_HELP

    def clean_tax_number(self) -> str:
        value = validate_tax_number(self.cleaned_data.get("tax_number", ""))
        if value:
            existing = (
                Partner.objects.filter(tax_number=normalize_tax_number(value))
                .exclude(pk=self.instance.pk)
                .first()
            )
            if existing:
                raise forms.ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("A partner with this tax number already exists:"),
                        reverse("partners:adopt", args=[existing.pk]),
                        existing.name,
                    ),
                    code="duplicate_tax_number",
                )
        return value

    def clean_seat_country(self) -> str:
        return (self.cleaned_data.get("seat_country") or "HU").upper()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or self.errors or cleaned.get("create_anyway"):
            return cleaned
        self.similar = similar_partners(cleaned.get("name", ""))
        if self.similar:
            names = format_html_join(", ", "{}", ((partner.name,) for partner in self.similar))
            raise forms.ValidationError(
                format_html(
                    "{} {}{} {}",
                    _("Partners with a similar name already exist:"),
                    names,
                    "" if self.similar[-1].name.endswith(".") else ".",  # "Kft." ends the sentence too
                    _("Check them, then tick the box below to save anyway."),
                ),
                code="similar_name",
            )
        return cleaned

    def seat_address(self) -> dict:
        return {
            field: self.cleaned_data.get(f"seat_{field}", "")
            for field in ("postal_code", "city", "street", "country")
        }


class PartnerAccountForm(forms.ModelForm):
    """The active company's own data about the partner."""

    class Meta:
        model = PartnerAccount
        fields = ["owner", "status", "tags", "notes"]
        widgets = {"tags": forms.CheckboxSelectMultiple}

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(memberships__company=company, memberships__is_active=True, is_active=True)
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name")
        )
        self.fields["tags"].queryset = Tag.objects.filter(company=company)


class TurnoverForm(forms.ModelForm):
    class Meta:
        model = Turnover
        fields = ["period", "currency", "amount"]
        widgets = {"period": forms.DateInput(attrs={"type": "date"})}

    def clean_period(self):
        period = self.cleaned_data["period"]
        return period.replace(day=1) if period else period

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()


class AssetForm(forms.ModelForm):
    class Meta:
        model = Asset
        fields = ["item", "serial_number", "installed_on", "site"]
        widgets = {"installed_on": forms.DateInput(attrs={"type": "date"})}


AddressFormSet = forms.inlineformset_factory(
    Partner,
    PartnerAddress,
    fields=["kind", "country", "postal_code", "city", "street"],
    extra=1,
    can_delete=True,
)
TurnoverFormSet = forms.modelformset_factory(Turnover, form=TurnoverForm, extra=1, can_delete=True)
AssetFormSet = forms.modelformset_factory(Asset, form=AssetForm, extra=1, can_delete=True)
