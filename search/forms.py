from django import forms
from django.utils.translation import gettext_lazy as _

from core.matching import MAX_LENGTH, MIN_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        error_messages={
            "min_length": _("Type at least %(limit_value)d characters to search."),
            "max_length": _("Search for at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Partner, contact, subject or number"),
                "autocomplete": "off",
            }
        ),
    )

    def clean_q(self) -> str:
        # NUL cannot go into a PostgreSQL string; the middleware drops it from query strings already.
        return self.cleaned_data["q"].replace("\x00", "")
