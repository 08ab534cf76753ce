"""Communication and task lists: filters, sorting, pagination and CSV export, via the visibility helper.

What a user sees comes only from ``Model.objects.visible_to(Viewer.for_request(request))``; the
filters narrow that down further. An invalid filter value shows the form errors and an empty list.
"""

import csv

from django.db.models import F
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from communications.filters import CommunicationFilter, TaskFilter
from communications.models import Communication, Direction, Task, Thread
from communications.paging import CappedPaginator
from companies.permissions import function_required, has_function
from companies.visibility import Viewer

RELATED = ("partner", "author", "assignee", "thread")
# What a list row shows (_communication_rows.html, _task_rows.html): the rest of each row, its partner
# and both people stay in the database, so a 50-row page builds and decodes a third of the columns.
PERSON = ("username", "first_name", "last_name")
ROW_FIELDS = (
    *RELATED,
    "number",
    "subject",
    "status",
    "created_at",
    "counterparty_text",
    "partner__name",
    "thread__subject",
    *(f"{role}__{field}" for role in ("author", "assignee") for field in PERSON),
)
COMMUNICATION_ROW = (*ROW_FIELDS, "direction", "channel")
TASK_ROW = (*ROW_FIELDS, "deadline")
PER_PAGE = 25
PAGE_SIZES = ("25", "50", "100")  # ?per_page=


def _filtered(request: HttpRequest, model, filter_class, ordering):
    """(filterset, the visible rows the filters let through); invalid filters let nothing through."""
    queryset = (
        model.objects.visible_to(Viewer.for_request(request)).select_related(*RELATED).order_by(*ordering)
    )
    filterset = filter_class(request.GET or None, queryset=queryset, company=request.company)
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
    value = request.GET.get("per_page", "")
    return int(value) if value in PAGE_SIZES else PER_PAGE


def _render_list(request: HttpRequest, filterset, items, template: str, rows_template: str, extra: dict):
    number = request.GET.get("page")
    page = CappedPaginator(items, _per_page(request), page=number).get_page(number)
    context = {"filter": filterset, "page": page, "page_sizes": PAGE_SIZES, **extra}
    if request.htmx:
        return render(request, rows_template, context)
    context["filtered_thread"] = _filtered_thread(request, filterset)
    return render(request, template, context)


@function_required("communications.view_communication")
def communication_list(request: HttpRequest) -> HttpResponse:
    filterset, items = _communications(request)
    items = items.only(*COMMUNICATION_ROW)
    direction = request.GET.get("direction", "")
    return _render_list(
        request,
        filterset,
        items,
        "communications/communication_list.html",
        "communications/_communication_rows.html",
        {
            "direction": direction if direction in Direction.values else "",
            "can_add": has_function(request, "communications.add_communication"),
        },
    )


@function_required("communications.view_task")
def task_list(request: HttpRequest) -> HttpResponse:
    filterset, items = _tasks(request)
    items = items.only(*TASK_ROW)
    return _render_list(
        request,
        filterset,
        items,
        "communications/task_list.html",
        "communications/_task_rows.html",
        {"can_add": has_function(request, "communications.add_task")},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local_iso(value) -> str:
    """Local (active time zone) time, ISO 8601 with its offset: 2026-10-01T09:00:00+02:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _csv(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Export uses the view permission: there is no separate export permission for communications yet.
@function_required("communications.view_communication")
def communication_export(request: HttpRequest) -> StreamingHttpResponse:
    _filterset, items = _communications(request)
    header = [
        _("Number"),
        _("Created"),
        _("Direction"),
        _("Channel"),
        _("Counterparty"),
        _("Contact"),
        _("Subject"),
        _("Author"),
        _("Assignee"),
        _("Status"),
        _("Thread"),
    ]
    rows = (
        [
            item.number,
            _local_iso(item.created_at),
            item.get_direction_display(),
            item.get_channel_display(),
            item.counterparty_display,
            item.contact or "",
            item.subject,
            item.author,
            item.assignee or "",
            item.get_status_display(),
            item.thread.subject,
        ]
        for item in items.select_related("contact").iterator(chunk_size=2000)
    )
    return _csv("communications.csv", header, rows)


@function_required("communications.view_task")
def task_export(request: HttpRequest) -> StreamingHttpResponse:
    _filterset, items = _tasks(request)
    header = [
        _("Number"),
        _("Created"),
        _("Deadline"),
        _("Status"),
        _("Counterparty"),
        _("Subject"),
        _("Author"),
        _("Assignee"),
        _("Thread"),
    ]
    rows = (
        [
            task.number,
            _local_iso(task.created_at),
            _local_iso(task.deadline),
            task.get_status_display(),
            task.counterparty_display,
            task.subject,
            task.author,
            task.assignee or "",
            task.thread.subject,
        ]
        for task in items.iterator(chunk_size=2000)
    )
    return _csv("tasks.csv", header, rows)
