"""The toolbar above every list (issue 18): one search box, two or three quick filters, the other filters
folded in a <details>, the active filters as removable chips, the saved views as tabs, and, when
nothing matches, which filter hid everything.

    {% load list_toolbar %}{% list_toolbar filter "tasks" quick="status assignee overdue" %}

`filter` is the list's django-filter FilterSet (or None for a list without one); the chips and the
fields come from its form, so a list needs no code of its own. Rendered by templates/_list_toolbar.html.
"""

import datetime
from decimal import Decimal
from urllib.parse import parse_qsl

from django import forms, template
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from companies.list_toolbars import cached_toolbar
from companies.models import SavedView
from companies.preferences import PAGE_SIZE_CHOICES
from companies.saved_views import (
    ALL_PARAM,
    LISTS,
    default_view_id,
    normalized_query,
    without_page_size,
)
from companies.visibility import Viewer
from core.columns import PARAM as COLUMNS_PARAM
from core.widgets import quicken

register = template.Library()

NOT_CHIPS = frozenset({"sort", "page", "per_page", ALL_PARAM, COLUMNS_PARAM})


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _shown_value(field: forms.Field, value, raw: str) -> str:
    """How the chip shows a filter's value: the choice's label, the record's name, a local date."""
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int | float):
        return number_format(value, use_l10n=True, force_grouping=True)
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): label for key, label in choices if not isinstance(label, list | tuple)}
        if raw in labels:
            return str(labels[raw])
    return str(value if not _empty(value) else raw)


def _without(request, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    params.pop("page", None)
    if not any(value for key, values in params.lists() if key not in NOT_CHIPS for value in values):
        params[ALL_PARAM] = "1"  # otherwise the default view would open again
    return "?" + urlencode(sorted(params.lists()), doseq=True)


def _chips(request, filterset) -> list[dict]:
    if filterset is None or not filterset.is_bound:
        return []
    form = filterset.form
    valid = form.is_valid()
    chips = []
    for name, field in form.fields.items():
        if name in NOT_CHIPS or isinstance(field.widget, forms.HiddenInput):
            continue
        raw = request.GET.get(name, "")
        if raw == "":
            continue
        value = form.cleaned_data.get(name) if valid else None
        chips.append(
            {
                "name": name,
                "label": field.label or name,
                "value": _shown_value(field, value, raw),
                "url": _without(request, name),
                "value_clean": value,
                "invalid": name in form.errors,
            }
        )
    return chips


def _clear_url(request) -> str:
    """The "Clear all" link: without the filters, with the column choice."""
    kept = [(COLUMNS_PARAM, value) for value in request.GET.getlist(COLUMNS_PARAM) if value]
    return f"{request.path}?{urlencode([(ALL_PARAM, '1'), *kept])}"


def _hiding(filterset, chips: list[dict]) -> list[dict]:
    """The chips whose filter alone leaves nothing of the visible rows (one EXISTS each, only when empty)."""
    if not filterset.form.is_valid():
        return [chip for chip in chips if chip["invalid"]]
    hiding = []
    for chip in chips:
        filter_ = filterset.filters.get(chip["name"])
        if filter_ is None or _empty(chip["value_clean"]):
            continue
        if not filter_.filter(filterset.queryset, chip["value_clean"]).exists():
            hiding.append(chip)
    return hiding


def _saved_views(request, list_name: str) -> dict:
    if list_name not in LISTS or getattr(request, "membership", None) is None:
        return {}
    views = list(SavedView.objects.visible_to(Viewer.for_request(request)).filter(list_name=list_name))
    current = normalized_query(_pairs(request.GET))
    current_filters = without_page_size(current)
    # Only the column choice (no filter): still the "All" tab.
    only_columns = all(key == COLUMNS_PARAM for key, _value in parse_qsl(current_filters))
    default = default_view_id(request.user, list_name)
    tabs = []
    active = None
    for view in views:
        is_active = (
            active is None and current_filters != "" and without_page_size(view.query) == current_filters
        )
        if is_active:
            active = view
        tabs.append(
            {
                "view": view,
                "url": "?" + (view.query or f"{ALL_PARAM}=1"),
                "active": is_active,
                "default": view.pk == default,
                "mine": view.owner_id == request.user.pk,
            }
        )
    try:
        list_url = reverse(LISTS[list_name])
    except NoReverseMatch:
        list_url = request.path
    return {
        "tabs": tabs,
        "active_view": active,
        "active_is_default": active is not None and active.pk == default,
        "all_active": only_columns,
        "all_url": f"{list_url}?{ALL_PARAM}=1",
        "query": current,
        "has_default": default is not None and any(tab["default"] for tab in tabs),
    }


def _with_page_size(query: str, page) -> str:
    """What "Save the view" keeps: the filters, the sorting and the page size in use (even a remembered one)."""
    if page is None or "per_page=" in query:
        return query
    return normalized_query([*parse_qsl(query), ("per_page", str(page.paginator.per_page))])


def _pairs(query_dict) -> list[tuple[str, str]]:
    return [(key, value) for key, values in query_dict.lists() for value in values]


@register.simple_tag(takes_context=True)
def list_toolbar(
    context,
    filterset,
    list_name: str,
    quick: str = "",
    search: str = "q",
    hide: str = "",
    hint: str = "",
    target: str = "",
    columns=None,
) -> SafeString:
    """`quick`: the fields beside the search box; `hide`: fields the page offers another way (kept as
    hidden inputs so the form does not drop them); `hint`: the search box's placeholder; `columns`: the
    page's `core.columns.ColumnChoice`, for the "Columns" picker.

    Drawn once per viewer, list, filters and page size, then read from the cache (companies.list_toolbars);
    a list that shows nothing is always drawn (it names the filters that hid everything)."""
    request = context["request"]
    template = context.template.engine.get_template("_list_toolbar.html")
    arguments = (filterset, list_name, quick, search, hide, hint, target, columns)

    def draw(csrf_token) -> str:
        data = _toolbar(request, context.get("page"), *arguments)
        return template.render(context.new({**data, "csrf_token": csrf_token}))

    page = context.get("page")
    if page is not None and not page.object_list:
        return mark_safe(draw(context.get("csrf_token")))  # noqa: S308 - the template escaped it
    return cached_toolbar(request, arguments, page, draw, context.get("csrf_token"))


def _toolbar(request, page, filterset, list_name, quick, search, hide, hint, target, columns) -> dict:
    form = quicken(filterset.form) if filterset is not None else None
    quick_names = [name for name in quick.split() if form is not None and name in form.fields]
    hidden_names = set(hide.split())
    fields = {"search": None, "quick": [], "more": [], "hidden": [], "kept": []}
    if form is not None:
        for bound in form:
            if bound.is_hidden:
                fields["hidden"].append(bound)
            elif bound.name in hidden_names:
                fields["kept"].append(bound)
            elif bound.name == search:
                fields["search"] = bound
            elif bound.name in quick_names:
                fields["quick"].append(bound)
            else:
                fields["more"].append(bound)
        fields["quick"].sort(key=lambda bound: quick_names.index(bound.name))
    chips = _chips(request, filterset)
    empty = page is not None and not page.object_list
    more_names = {bound.name for bound in fields["more"]}
    per_page = request.GET.get("per_page")
    saved = _saved_views(request, list_name)
    return {
        "request": request,
        "list_name": list_name,
        "form": form,
        "fields": fields,
        "more_open": any(chip["name"] in more_names for chip in chips)
        or (form is not None and any(name in more_names for name in form.errors)),
        "chips": chips,
        "clear_url": _clear_url(request),
        "empty": empty,
        "hiding": _hiding(filterset, chips) if empty and chips else [],
        "per_page": per_page if per_page in PAGE_SIZE_CHOICES else "",
        "page_size": page.paginator.per_page if page is not None else "",
        "saved": saved,
        "save_query": _with_page_size(saved.get("query", ""), page),
        "target": target,
        "hint": hint,
        "columns": columns,
    }
