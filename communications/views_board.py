"""The task board (issue 18): the visible tasks as columns by status, filtered like the task list.

A card moves by drag and drop (static/crm/lists.js sets the card's status select and submits its form)
or by the keyboard (the same select and its "Move" button). The move posts to `task_move`, which calls
the task update service with the acting user; an htmx request gets the board back, a plain one a
redirect to it.
"""

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communications import services
from communications.filters import TaskFilter
from communications.models import Task, TaskStatus
from companies.permissions import function_required, has_function
from companies.saved_views import normalized_query
from companies.visibility import Viewer, get_visible_or_404, visible_rows
from core.paging import CappedPaginator

COLUMNS = (TaskStatus.NEW, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.DONE)
CARDS_PER_COLUMN = 25
COUNT_CAP = 500
CARD_FIELDS = (
    "number",
    "subject",
    "status",
    "deadline",
    "completed_at",
    "counterparty_text",
    "partner__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)
# Open work by deadline (soonest first, the task_deadline index); done work newest first (by id: no index
# serves completed_at, and sorting a director's done tasks by it cost 140 ms on the reference data).
ORDERING = {
    status: (F("deadline").asc(nulls_last=True), "-pk")
    for status in (TaskStatus.NEW, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)
}
ORDERING[TaskStatus.DONE] = ("-pk",)


def _board(request: HttpRequest, data: QueryDict) -> dict:
    """The board's context for the filters in `data` (those of the task list)."""
    viewer = Viewer.for_request(request)
    queryset = Task.objects.visible_to(viewer).select_related("partner", "assignee")
    filterset = TaskFilter(data or None, queryset=queryset, company=request.company)
    tasks = queryset
    if filterset.is_bound:
        tasks = filterset.qs if filterset.is_valid() else queryset.none()
    labels = dict(TaskStatus.choices)
    columns = []
    for status in COLUMNS:
        rows = visible_rows(
            tasks.filter(status=status).only(*CARD_FIELDS).order_by(*ORDERING[status]), viewer
        )
        paginator = CappedPaginator(rows, CARDS_PER_COLUMN, page=1, cap=COUNT_CAP)
        cards = list(paginator.page(1).object_list) if paginator.count else []
        columns.append(
            {
                "status": status,
                "label": labels[status],
                "cards": cards,
                "count": paginator.count,
                "capped": paginator.capped,
                "more": paginator.count > len(cards),
                "list_query": normalized_query([*_pairs(data, drop="status"), ("status", status)]),
            }
        )
    return {
        "filter": filterset,
        "columns": columns,
        "statuses": [(status, labels[status]) for status in COLUMNS],
        "query": normalized_query(_pairs(data)),
        "can_move": has_function(request, "communications.change_task"),
    }


def _pairs(data: QueryDict, drop: str = "") -> list[tuple[str, str]]:
    return [(key, value) for key, values in data.lists() for value in values if key != drop]


@function_required("communications.view_task")
def task_board(request: HttpRequest) -> HttpResponse:
    context = _board(request, request.GET)
    template = "communications/_task_board.html" if request.htmx else "communications/task_board.html"
    return render(request, template, context)


@function_required("communications.change_task")
@require_POST
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a visible task's status (the board's drag and drop and its keyboard alternative; the task
    list's "Mark done" row action, which sends `next`: the list page to come back to)."""
    task = get_visible_or_404(request, Task, pk)
    status = request.POST.get("status", "")
    query = normalized_query(request.POST.get("query", ""))
    if status not in TaskStatus.values:
        note, status_code = _("Choose one of the statuses."), 400
    else:
        if status != task.status:
            services.task_update(task=task, actor=request.user, status=status)
        note = _("%(task)s moved to “%(status)s”.") % {
            "task": task.number,
            "status": task.get_status_display(),
        }
        status_code = 200
    if request.htmx:  # the board again, the note read out by screen readers, focus back on the card
        context = {**_board(request, QueryDict(query)), "moved": task.pk, "note": note}
        return render(request, "communications/_task_board.html", context, status=status_code)
    (messages.success if status_code == 200 else messages.error)(request, note)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect(reverse("communications:task_board") + (f"?{query}" if query else ""))
