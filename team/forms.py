"""The team page's choices: period and scope. Bad values are shown next to their field, kept as typed."""

from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from companies.models import Department, User
from team.stats import LONGEST_PERIOD_DAYS, Period, period_for

PERIODS = [
    ("this_week", _("This week")),
    ("last_week", _("Last week")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("custom", _("Custom range")),
]
SCOPE_CHOICES = [
    ("direct", _("My direct reports")),
    ("below", _("Everyone below me")),
    ("department", _("One department")),
    ("person", _("One person")),
]
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeamForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    scope = forms.ChoiceField(label=_("Whose"), choices=SCOPE_CHOICES, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("Choose…")
    )
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Choose…")
    )

    def __init__(self, *args, departments, people, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["department"].queryset = departments
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        data["period"] = data.get("period") or "this_week"
        data["scope"] = data.get("scope") or "below"
        for name in ("start", "end"):  # keeps the period and the one before it inside the calendar
            day = data.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Enter a day between 1900 and 2999."))
                data[name] = None
        if data["period"] == "custom":
            start, end = data.get("start"), data.get("end")
            if not start and "start" not in self.errors:
                self.add_error("start", _("Enter the first day of the range."))
            if not end and "end" not in self.errors:
                self.add_error("end", _("Enter the last day of the range."))
            if start and end and end < start:
                self.add_error("end", _("The last day must not be before the first."))
            elif start and end and (end - start).days >= LONGEST_PERIOD_DAYS:
                self.add_error("end", _("Choose a range of at most a year."))
        if data["scope"] == "department" and not data.get("department") and "department" not in self.errors:
            self.add_error("department", _("Choose a department."))
        if data["scope"] == "person" and not data.get("person") and "person" not in self.errors:
            self.add_error("person", _("Choose a person."))
        return data

    def chosen_period(self) -> Period:
        data = self.cleaned_data
        return period_for(data["period"], self.today, data.get("start"), data.get("end"))


class DigestPreferenceForm(forms.Form):
    weekly_digest = forms.BooleanField(label=_("Send me the weekly team digest"), required=False)
    language = forms.ChoiceField(label=_("Language of the digest"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The company's language")), *settings.LANGUAGES]
