from datetime import date, datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “web shop” or “BI export”.")
    )
    can_write = forms.BooleanField(
        label=_("Allow changes (read and write)"),
        required=False,
        help_text=_("Without it the token can only read."),
    )
    expires_on = forms.DateField(
        label=_("Expires after (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The token stops working at midnight after this day. Leave empty for no expiry."),
    )

    def clean_expires_on(self) -> date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        if day is not None and day.year > 9998:
            raise forms.ValidationError(_("Choose an earlier day."))
        return day

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min)) + timezone.timedelta(days=1)
