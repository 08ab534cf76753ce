from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import Encoding, ImportKind, Matching
from imports.reading import max_bytes
from imports.rows import ROWS

# Which function each kind of import needs besides imports.run_import (what the user may create).
KIND_FUNCTIONS = {ImportKind.PARTNERS: "partners.add_partner", ImportKind.CONTACTS: "contacts.add_contact"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .xlsx or .csv file whose first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    kind = forms.ChoiceField(
        label=_("What does it hold?"), choices=ImportKind.choices, widget=forms.RadioSelect
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=Encoding.choices,
        initial=Encoding.AUTO,
        help_text=_("Leave it on “Detect” unless the accents come out wrong in the preview."),
    )

    def __init__(self, *args, functions: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in ImportKind.choices if KIND_FUNCTIONS[value] in functions
        ]
        if len(self.fields["kind"].choices) == 1:
            self.fields["kind"].initial = self.fields["kind"].choices[0][0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB: split it into smaller files.")
                % {"limit": max_bytes() // (1024 * 1024)}
            )
        if not (upload.name or "").lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Choose a .xlsx or .csv file."))
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file: the field it fills, or nothing."""

    matching = forms.ChoiceField(label=_("Rows that match an existing record"), widget=forms.RadioSelect)

    def __init__(self, *args, run, suggestion: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = ROWS[run.kind]
        key = {"partners": _("by tax number (or, without one, by name)"), "contacts": _("by e-mail (or, without one, by name) at the same partner")}[run.kind]  # fmt: skip
        self.fields["matching"].help_text = _("A row matches %(how)s.") % {"how": key}
        self.fields["matching"].choices = Matching.choices
        self.fields["matching"].initial = run.matching
        choices = [("", _("(do not import)"))] + [
            (field.name, f"{field.label}{' *' if field.required else ''}") for field in self.rows.fields
        ]
        self.headers = list(run.headers)
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=suggestion.get(header, "")
            )

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def clean(self):
        cleaned = super().clean()
        mapping = {header: cleaned.get(f"column_{index}", "") for index, header in enumerate(self.headers)}
        for message in self.rows.mapping_errors(mapping):
            self.add_error(None, message)
        cleaned["mapping"] = mapping
        return cleaned
