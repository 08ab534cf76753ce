"""Communication and task lists: filters, sorting, pagination and CSV export, via the visibility helper."""

import csv

from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from communications.filters import CommunicationFilter, TaskFilter
from communications.models import Communication, Task
from companies.permissions import function_required, has_function
from companies.visibility import Viewer

RELATED = ("partner", "author", "assignee", "thread")


def _filtered(request: HttpRequest, model, filter_class, ordering):
    queryset = (
        model.objects.visible_to(Viewer.for_request(request)).select_related(*RELATED).order_by(*ordering)
    )
    filterset = filter_class(request.GET or None, queryset=queryset, company=request.company)
    if not filterset.is_bound:
        return filterset, queryset
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


def _communications(request):
    return _filtered(request, Communication, CommunicationFilter, ("-created_at", "-pk"))


def _tasks(request):
    return _filtered(request, Task, TaskFilter, (F("deadline").asc(nulls_last=True), "-pk"))


def _page(request, filterset, items, template, rows_template, extra):
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "now": timezone.now(), **extra}
    return render(request, rows_template if request.htmx else template, context)


@function_required("communications.view_communication")
def communication_list(request: HttpRequest) -> HttpResponse:
    filterset, items = _communications(request)
    return _page(
        request,
        filterset,
        items,
        "communications/communication_list.html",
        "communications/_communication_rows.html",
        {
            "direction": request.GET.get("direction", ""),
            "can_add": has_function(request, "communications.add_communication"),
        },
    )


@function_required("communications.view_task")
def task_list(request: HttpRequest) -> HttpResponse:
    filterset, items = _tasks(request)
    return _page(
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


def _safe(text) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@function_required("communications.view_communication")
def communication_export(request: HttpRequest) -> StreamingHttpResponse:
    _filterset, items = _communications(request)
    header = [_("Number"), _("Created"), _("Direction"), _("Channel"), _("Counterparty"), _("Contact"),
              _("Subject"), _("Author"), _("Assignee"), _("Status"), _("Thread")]  # fmt: skip
    rows = (
        [
            c.number,
            _local(c.created_at),
            c.get_direction_display(),
            c.get_channel_display(),
            c.counterparty_display,
            c.contact or "",
            c.subject,
            c.author,
            c.assignee or "",
            c.get_status_display(),
            c.thread.subject,
        ]  # fmt: skip
        for c in items.select_related("contact").iterator(chunk_size=2000)
    )
    return _csv("communications.csv", header, rows)


@function_required("communications.view_task")
def task_export(request: HttpRequest) -> StreamingHttpResponse:
    _filterset, items = _tasks(request)
    header = [_("Number"), _("Created"), _("Deadline"), _("Status"), _("Counterparty"), _("Subject"),
              _("Author"), _("Assignee"), _("Thread")]  # fmt: skip
    rows = (
        [
            t.number,
            _local(t.created_at),
            _local(t.deadline),
            t.get_status_display(),
            t.counterparty_display,
            t.subject,
            t.author,
            t.assignee or "",
            t.thread.subject,
        ]  # fmt: skip
        for t in items.iterator(chunk_size=2000)
    )
    return _csv("tasks.csv", header, rows)
