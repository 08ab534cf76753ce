"""Bulk actions on the task and communication lists (issue 18): the rows ticked on the page.

Tasks: assign to a member, change the status (each through `services.task_update` with the acting
user, so notifications and the audit trail are as for one task), or export the ticked ones as CSV.
Communications: export the ticked ones. Only rows the viewer sees are touched: ids of rows they do not
see (another company's, a sibling's, a made-up one) are left out and counted in the message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from communications import services
from communications.models import Communication, Task, TaskStatus
from communications.views_lists import COMMUNICATION_COLUMNS, TASK_COLUMNS
from companies.models import User
from companies.permissions import function_required, has_function
from companies.saved_views import normalized_query
from companies.visibility import Viewer
from core.export import csv_stream_response

MAX_SELECTED = 100  # a page holds at most 100 rows
ID_DIGITS = 18


def _selected_ids(request: HttpRequest) -> list[int]:
    values = request.POST.getlist("selected")[: MAX_SELECTED + 1]
    return sorted({int(value) for value in values if value.isdigit() and len(value) <= ID_DIGITS})


def _back(request: HttpRequest, list_url: str) -> HttpResponse:
    query = normalized_query(request.POST.get("query", ""))
    return redirect(reverse(list_url) + (f"?{query}" if query else ""))


def _export(name: str, columns, items) -> HttpResponse:
    rows = ([cell(item) for _header, cell in columns] for item in items)
    return csv_stream_response(f"{name}.csv", [header for header, _cell in columns], rows)


def _member(request: HttpRequest, value: str) -> User | None:
    if not value.isdigit() or len(value) > ID_DIGITS:
        return None
    return User.objects.filter(
        pk=int(value), memberships__company=request.company, memberships__is_active=True
    ).first()


@function_required("communications.view_task")
@require_POST
def task_bulk(request: HttpRequest) -> HttpResponse:
    list_url = "communications:task_list"
    ids = _selected_ids(request)
    if not ids:
        messages.error(request, _("Tick at least one task first."))
        return _back(request, list_url)
    if len(ids) > MAX_SELECTED:
        messages.error(request, _("At most %(count)d tasks at once.") % {"count": MAX_SELECTED})
        return _back(request, list_url)
    tasks = list(
        Task.objects.visible_to(Viewer.for_request(request))
        .filter(pk__in=ids)
        .select_related("partner", "author", "assignee", "thread")
        .order_by("number")
    )
    action = request.POST.get("action", "")
    if action == "export":
        return _export("tasks-selected", TASK_COLUMNS, tasks)
    if action not in ("assign", "status"):
        messages.error(request, _("Choose what to do with the ticked tasks."))
        return _back(request, list_url)
    if not has_function(request, "communications.change_task"):
        raise PermissionDenied(_("You may not change tasks."))
    if action == "assign":
        assignee = _member(request, request.POST.get("assignee", ""))
        if assignee is None:
            messages.error(request, _("Choose the colleague to assign the tasks to."))
            return _back(request, list_url)
        changes = {"assignee": assignee}
    else:
        status = request.POST.get("status", "")
        if status not in TaskStatus.values:
            messages.error(request, _("Choose the new status."))
            return _back(request, list_url)
        changes = {"status": status}
    with transaction.atomic():
        for task in tasks:
            services.task_update(task=task, actor=request.user, **changes)
    messages.success(
        request,
        ngettext("%(count)d task updated.", "%(count)d tasks updated.", len(tasks)) % {"count": len(tasks)},
    )
    if len(tasks) < len(ids):
        skipped = len(ids) - len(tasks)
        messages.warning(
            request,
            ngettext(
                "%(count)d ticked task is not yours to see and was left alone.",
                "%(count)d ticked tasks are not yours to see and were left alone.",
                skipped,
            )
            % {"count": skipped},
        )
    return _back(request, list_url)


@function_required("communications.view_communication")
@require_POST
def communication_bulk(request: HttpRequest) -> HttpResponse:
    ids = _selected_ids(request)
    if not ids or len(ids) > MAX_SELECTED or request.POST.get("action") != "export":
        messages.error(request, _("Tick at least one communication first."))
        return _back(request, "communications:communication_list")
    items = (
        Communication.objects.visible_to(Viewer.for_request(request))
        .filter(pk__in=ids)
        .select_related("partner", "author", "assignee", "thread", "contact")
        .order_by("number")
    )
    return _export("communications-selected", COMMUNICATION_COLUMNS, items)
