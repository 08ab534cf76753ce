"""Communication and task lists: filters, sorting, pagination and CSV export, via the visibility helper.

What a user sees comes only from ``Model.objects.visible_to(Viewer.for_request(request))``; the
filters narrow that down further. An invalid filter value shows the form errors and an empty list.
"""

from django.db.models import F
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from communications.filters import CommunicationFilter, TaskFilter
from communications.models import Communication, Direction, Task, Thread
from communications.paging import CappedPaginator
from communications.rows import (
    COMMUNICATION_LIST_COLUMNS,
    COMMUNICATION_ROW_VALUES,
    TASK_LIST_COLUMNS,
    TASK_ROW_VALUES,
    communication_rows_html,
    task_rows_html,
)
from companies.permissions import function_required, has_function
from companies.preferences import per_page
from companies.visibility import Viewer, visible_rows
from core.export import list_export_response
from core.filters import filter_data

RELATED = ("partner", "author", "assignee", "thread")  # the exports' rows (model instances)
PER_PAGE = 25
PAGE_SIZES = ("25", "50", "100")  # ?per_page=


def _filtered(request: HttpRequest, model, filter_class, ordering):
    """(filterset, the visible rows the filters let through); invalid filters let nothing through."""
    queryset = (
        model.objects.visible_to(Viewer.for_request(request)).select_related(*RELATED).order_by(*ordering)
    )
    filterset = filter_class(
        filter_data(request.GET, filter_class), queryset=queryset, company=request.company
    )
    if not filterset.is_bound:
        return filterset, queryset
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


def _communications(request: HttpRequest):
    return _filtered(request, Communication, CommunicationFilter, ("-created_at", "-pk"))


def _tasks(request: HttpRequest):
    return _filtered(request, Task, TaskFilter, (F("deadline").asc(nulls_last=True), "-pk"))


def _filtered_thread(request: HttpRequest, filterset) -> Thread | None:
    """The thread the list is narrowed to (shown above the list), if the viewer may see it."""
    if not filterset.is_bound or not filterset.is_valid():
        return None
    thread_id = filterset.form.cleaned_data.get("thread")
    if not thread_id:
        return None
    return Thread.objects.visible_to(Viewer.for_request(request)).filter(pk=thread_id).first()


def _per_page(request: HttpRequest) -> int:
    # ?per_page= 25/50/100, remembered per user and list ("communication_list", "task_list").
    return per_page(request, request.resolver_match.url_name)


def _render_list(
    request: HttpRequest,
    filterset,
    items,
    template: str,
    rows_template: str,
    rows_html,
    extra: dict,
    *,
    values: tuple[str, ...],
):
    """`rows_html(page's rows, columns, can_change=)` writes the rows from their `values` (a row is its
    values, communications.rows, not six model instances); `extra` has the list's columns (`columns`) and
    the viewer's change function (`can_change`)."""
    number = request.GET.get("page")
    # Each part of the visibility rule reads only the page's rows in the list's order (visible_rows).
    rows = visible_rows(items, Viewer.for_request(request))
    page = CappedPaginator(rows, _per_page(request), page=number, values=values).get_page(number)
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows_html(page.object_list, extra["columns"], can_change=extra["can_change"]),
        "page_sizes": PAGE_SIZES,
        **extra,
    }
    if request.htmx:
        return render(request, rows_template, context)
    context["filtered_thread"] = _filtered_thread(request, filterset)
    return render(request, template, context)


@function_required("communications.view_communication")
def communication_list(request: HttpRequest) -> HttpResponse:
    filterset, items = _communications(request)
    direction = request.GET.get("direction", "")
    return _render_list(
        request,
        filterset,
        items,
        "communications/communication_list.html",
        "communications/_communication_rows.html",
        communication_rows_html,
        {
            "direction": direction if direction in Direction.values else "",
            "can_add": has_function(request, "communications.add_communication"),
            "can_change": has_function(request, "communications.change_communication"),
            "columns": COMMUNICATION_LIST_COLUMNS.choose(request.GET),
        },
        values=COMMUNICATION_ROW_VALUES,
    )


@function_required("communications.view_task")
def task_list(request: HttpRequest) -> HttpResponse:
    filterset, items = _tasks(request)
    return _render_list(
        request,
        filterset,
        items,
        "communications/task_list.html",
        "communications/_task_rows.html",
        task_rows_html,
        {
            "can_add": has_function(request, "communications.add_task"),
            "can_change": has_function(request, "communications.change_task"),
            "columns": TASK_LIST_COLUMNS.choose(request.GET),
        },
        values=TASK_ROW_VALUES,
    )


# The export's columns, in order: (header, the cell of an item). The cells shared by both kinds come
# from one place, so the two files say the same thing the same way. Each cell keeps its Python type:
# core.export writes datetimes in the reader's language and time zone (XLSX: real dates); the item
# numbers are text.
NUMBER = (gettext_lazy("Number"), lambda item: item.number)
CREATED = (gettext_lazy("Created"), lambda item: item.created_at)
STATUS = (gettext_lazy("Status"), lambda item: item.get_status_display())
COUNTERPARTY = (gettext_lazy("Counterparty"), lambda item: item.counterparty_display)
SUBJECT = (gettext_lazy("Subject"), lambda item: item.subject)
PEOPLE = (
    (gettext_lazy("Author"), lambda item: item.author),
    (gettext_lazy("Assignee"), lambda item: item.assignee or ""),
)
THREAD = (gettext_lazy("Thread"), lambda item: item.thread.subject)
COMMUNICATION_COLUMNS = (
    NUMBER,
    CREATED,
    (gettext_lazy("Direction"), lambda item: item.get_direction_display()),
    (gettext_lazy("Channel"), lambda item: item.get_channel_display()),
    COUNTERPARTY,
    (gettext_lazy("Contact"), lambda item: item.contact or ""),
    SUBJECT,
    *PEOPLE,
    STATUS,
    THREAD,
)
TASK_COLUMNS = (
    NUMBER,
    CREATED,
    (gettext_lazy("Deadline"), lambda item: item.deadline),
    STATUS,
    COUNTERPARTY,
    SUBJECT,
    *PEOPLE,
    THREAD,
)


def _export(
    request: HttpRequest, name: str, columns, items, list_url: str
) -> HttpResponse | StreamingHttpResponse:
    """The filtered list as CSV (streamed while the database is read in chunks) or, with
    ?format=xlsx, as an Excel file (core.export.list_export_response)."""
    rows = ([cell(item) for _header, cell in columns] for item in items.iterator(chunk_size=2000))
    header = [header for header, _cell in columns]
    format = request.GET.get("format", "csv")
    return list_export_response(
        request, name, header, rows, queryset=items, format=format, list_url=reverse(list_url)
    )


# Export uses the view permission: there is no separate export permission for communications yet.
@function_required("communications.view_communication")
def communication_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    _filterset, items = _communications(request)
    return _export(
        request,
        "communications",
        COMMUNICATION_COLUMNS,
        items.select_related("contact"),
        "communications:communication_list",
    )


@function_required("communications.view_task")
def task_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    _filterset, items = _tasks(request)
    return _export(request, "tasks", TASK_COLUMNS, items, "communications:task_list")
