"""The team page (/team/), its exports and the partner figures' own list."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from companies.models import Department, User
from companies.permissions import function_required, member_required
from companies.visibility import Viewer
from companies.workdays import WorkCalendar, company_day
from core.export import table_response
from team.columns import COLUMNS, GROUPS, SORTS, cells, cells_html, grouped
from team.forms import DATE, EARLIEST, LATEST, DigestPreferenceForm, TeamForm
from team.links import figure_links
from team.models import DigestPreference
from team.services import digest_preference_update
from team.stats import (
    PERIOD_FIGURES,
    Period,
    PersonFigures,
    allowed_user_ids,
    cached_team_figures,
    department_totals,
    partner_figure_rows,
    scope_people,
    totals,
    watch_days_left,
)

FUNCTION = "team.view_team_activity"


def _sorted(rows: list[PersonFigures], sort: str) -> list[PersonFigures]:
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "name", "name"
    descending = sort.startswith("-")
    name = lambda r: (r.user.last_name.lower(), r.user.first_name.lower(), r.user.pk)  # noqa: E731
    if key == "name":
        return sorted(rows, key=name, reverse=descending)
    if key == "department":
        return sorted(rows, key=lambda r: (str(r.department or "\uffff"), name(r)), reverse=descending)
    if key == "activity":
        return sorted(rows, key=lambda r: (r.activity, name(r)), reverse=descending)
    return sorted(rows, key=lambda r: (r.current[key], name(r)), reverse=descending)


def _export(rows: list[PersonFigures], total: PersonFigures, period: Period, format: str) -> HttpResponse:
    header = [_("Person"), _("Department")]
    for key, label, group in COLUMNS:
        group_label = {g: lbl for g, lbl, _n in GROUPS}[group]
        header.append(f"{group_label}: {label}")
        if key in PERIOD_FIGURES:
            header.append(f"{group_label}: {label} ({_('previous period')})")
    header.append(_("Fewest days left before a take-away"))

    def line(name: str, department: str, row: PersonFigures) -> list:
        values: list = [name, department]
        for key, _label, _group in COLUMNS:
            values.append(row.current[key])
            if key in PERIOD_FIGURES:
                values.append(row.previous[key])
        values.append("" if row.days_left is None else row.days_left)
        return values

    body = [line(str(r.user), str(r.department or ""), r) for r in rows]
    body.append(line(_("Total"), "", total))
    filename = f"team-{period.start.isoformat()}-{period.end.isoformat()}"
    return table_response(filename, header, body, format=format)


@function_required(FUNCTION)
def team_index(request: HttpRequest) -> HttpResponse:
    """Figures per person for a period and a scope, against the previous period of the same length."""
    viewer = Viewer.for_request(request)
    company = request.company
    today = company_day(company)
    allowed = allowed_user_ids(viewer)
    choosable = User.objects.filter(pk__in=allowed).order_by("last_name", "first_name", "pk")
    # The department tree is the organisation, open to every member (as on the organisation page).
    departments = Department.objects.filter(company_id=company.pk).order_by("tree_id", "lft")
    data = request.GET.copy()  # the defaults shown as chosen, not only applied
    data.setdefault("period", "this_week")
    data.setdefault("scope", "below")
    form = TeamForm(data, departments=departments, people=choosable, today=today)
    rows: list[PersonFigures] = []
    period = None
    built_at = None
    if form.is_valid():
        data = form.cleaned_data
        period = form.chosen_period()
        people = scope_people(
            viewer, data["scope"], department=data.get("department"), person=data.get("person")
        )
        # Kept two minutes per viewer, people and period (sorting, exporting, reloading); ?fresh=1 rebuilds.
        figures = cached_team_figures(
            viewer,
            people=people,
            start=period.start,
            end=period.end,
            today=today,
            fresh=bool(request.GET.get("fresh")),
        )
        rows, built_at = figures.rows, figures.built_at
        if request.GET.get("fresh"):  # rebuilt: back to the address without it (links would carry it)
            params = request.GET.copy()
            params.pop("fresh")
            return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)
    sort = request.GET.get("sort", "name")
    rows = _sorted(rows, sort)
    total = totals(rows)
    export = request.GET.get("export")
    if period is not None and export in ("csv", "xlsx"):
        return _export(rows, total, period, export)
    cal = WorkCalendar.for_company(company) if rows else None
    table = [
        {
            "row": r,
            "cells": cells_html(cells(r, figure_links(r.user.pk, period, today, cal))),
            "daily": r.daily,
        }
        for r in rows
    ]
    by_department = []
    for department, department_total in department_totals(rows):
        people = len({r.user.pk for r in rows if r.department == department})
        name = department if department is not None else _("No department")
        label = ngettext("%(department)s: %(people)s person", "%(department)s: %(people)s people", people) % {
            "department": name,
            "people": grouped(people),
        }
        by_department.append({"label": label, "cells": cells_html(cells(department_total, None))})
    total_label = ngettext("Total: %(people)s person", "Total: %(people)s people", len(table)) % {
        "people": grouped(len(table))
    }
    return render(
        request,
        "team/index.html",
        {
            "form": form,
            "period": period,
            "today": today,
            "table": table,
            "columns": COLUMNS,
            "groups": GROUPS,
            "total_cells": cells_html(cells(total, None)),
            "total": total,
            "total_label": total_label,
            "by_department": by_department if len(by_department) > 1 else [],
            "sort": sort,
            "built_at": built_at,
        },
    )


PARTNER_FIGURES = [
    ("partners_without_next_event", gettext_lazy("Partners without a next event")),
    ("partners_taken", gettext_lazy("Partners taken away")),
    ("partners_new", gettext_lazy("New partners")),
    ("first_successes", gettext_lazy("First successes")),
]
# Counted now, whatever the period (the team page's column is "now" too).
FIGURES_WITHOUT_PERIOD = {"partners_without_next_event"}


class PartnerFigureForm(forms.Form):
    """Whose partners, which figure, which period. A link from the team page fills every field; an old
    link or a typed URL gets each problem next to its field, and a person the viewer may not see is
    not offered (so another company's or another team's person reads "Select a valid choice")."""

    person = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=User.objects.none(),
        empty_label=gettext_lazy("Choose…"),
        error_messages={"required": gettext_lazy("Choose a person.")},
    )
    figure = forms.ChoiceField(
        label=gettext_lazy("Figure"),
        choices=[("", gettext_lazy("Choose…")), *PARTNER_FIGURES],
        error_messages={"required": gettext_lazy("Choose a figure.")},
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name) and not EARLIEST <= data[name] <= LATEST:
                self.add_error(name, _("Enter a day between 1900 and 2999."))
        if data.get("figure") not in FIGURES_WITHOUT_PERIOD:  # (also when the figure is missing)
            start, end = data.get("start"), data.get("end")
            if not start and "start" not in self.errors:
                self.add_error("start", _("Enter the first day of the range."))
            if not end and "end" not in self.errors:
                self.add_error("end", _("Enter the last day of the range."))
            if start and end and end < start and "end" not in self.errors:
                self.add_error("end", _("The last day must not be before the first."))
        return data


PARTNER_FIGURE_TITLES = {
    "partners_without_next_event": gettext_lazy("Partners of %(person)s without a next event"),
    "partners_taken": gettext_lazy("Partners taken away from %(person)s from %(start)s to %(end)s"),
    "partners_new": gettext_lazy("New partners of %(person)s from %(start)s to %(end)s"),
    "first_successes": gettext_lazy("First successes of %(person)s from %(start)s to %(end)s"),
}


@function_required(FUNCTION)
def team_partners(request: HttpRequest) -> HttpResponse:
    """The rows a partner figure counts (no partner list can filter them), for a person in the viewer's
    team. Without its parameters, or with bad ones, the page shows its choices and what is wrong."""
    viewer = Viewer.for_request(request)
    people = User.objects.filter(pk__in=allowed_user_ids(viewer)).order_by("last_name", "first_name", "pk")
    fields = ("person", "figure", "start", "end")
    bound = any(name in request.GET for name in fields)
    form = PartnerFigureForm(request.GET if bound else None, people=people)
    context: dict = {"form": form, "rows": []}
    if not form.is_valid():
        return render(request, "team/partners.html", context)
    data = form.cleaned_data
    person, figure = data["person"], data["figure"]
    today = company_day(request.company)
    if figure in FIGURES_WITHOUT_PERIOD:
        period = Period(data["start"] or today, data["end"] or today)
    else:
        period = Period(data["start"], data["end"])
    rows = list(partner_figure_rows(viewer, person, figure, period, today)[:1000])
    if figure == "partners_without_next_event":
        days_left = watch_days_left(viewer, person, today)
        for row in rows:
            row.days_left = days_left.get(row.partner_id)
    title = PARTNER_FIGURE_TITLES[figure] % {
        "person": person,
        "start": date_format(period.start, "SHORT_DATE_FORMAT"),
        "end": date_format(period.end, "SHORT_DATE_FORMAT"),
    }
    context.update(rows=rows, figure=figure, person=person, period=period, title=title)
    return render(request, "team/partners.html", context)


@member_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    """The user's own choice about the weekly team digest (linked from "My settings")."""
    preference = DigestPreference.objects.filter(user=request.user).first()
    initial = {
        "weekly_digest": preference.weekly_digest if preference else True,
        "language": preference.language if preference else "",
    }
    form = DigestPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        digest_preference_update(
            user=request.user,
            weekly_digest=form.cleaned_data["weekly_digest"],
            language=form.cleaned_data["language"],
            actor=request.user,
        )
        messages.success(request, _("Your weekly digest choice is saved."))
        return redirect("team:digest_settings")
    return render(request, "team/digest_settings.html", {"form": form})
