from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communications import bell, services
from communications.filters import ThreadFilter
from communications.forms import CommunicationForm, TaskForm, ThreadForm
from communications.mentions import mentioned_in
from communications.models import Attachment, Communication, Notification, Task, Thread
from communications.rows import THREAD_LIST_COLUMNS, thread_rows_html
from communications.timeline import TimelinePage
from companies.permissions import function_required, has_function, member_required
from companies.preferences import PAGE_SIZE_CHOICES, per_page
from companies.visibility import Viewer, get_readable_or_404, get_visible_or_404
from events import reminders
from events.models import ReminderDelivery, ReminderStatus


def _visible(request: HttpRequest, model):
    return model.objects.visible_to(Viewer.for_request(request))


# Threads --------------------------------------------------------------------------------------


@function_required("communications.view_thread")
def thread_list(request: HttpRequest) -> HttpResponse:
    threads = _visible(request, Thread).select_related("partner", "owner").order_by("-created_at", "-pk")
    filterset = ThreadFilter(request.GET or None, queryset=threads)
    if filterset.is_bound and filterset.is_valid():
        threads = filterset.qs
    page = Paginator(threads, per_page(request, "threads")).get_page(request.GET.get("page"))
    columns = THREAD_LIST_COLUMNS.choose(request.GET)
    rows = thread_rows_html(
        page.object_list,
        columns,
        can_change=has_function(request, "communications.change_thread"),
        can_add_communication=has_function(request, "communications.add_communication"),
        can_add_task=has_function(request, "communications.add_task"),
    )
    return render(
        request,
        "communications/thread_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_sizes": PAGE_SIZE_CHOICES,
            "query": request.GET.get("q", "").strip()[:100],
            "columns": columns,
            "rows": rows,
            "can_add": has_function(request, "communications.add_thread"),
        },
    )


@function_required("communications.add_thread")
def thread_create(request: HttpRequest) -> HttpResponse:
    viewer = Viewer.for_request(request)
    initial = {"partner": request.GET["partner"]} if request.GET.get("partner", "").isdigit() else None
    form = ThreadForm(request.POST or None, viewer=viewer, initial=initial)
    if request.method == "POST" and form.is_valid():
        thread = services.thread_create(company=request.company, owner=request.user, **form.cleaned_data)
        messages.success(request, _("Thread started."))
        _warn_about_ambiguous_mentions(request, form)
        return redirect(thread)
    return render(request, "communications/thread_form.html", {"form": form})


@function_required("communications.change_thread")
def thread_edit(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_visible_or_404(request, Thread, pk)
    form = ThreadForm(request.POST or None, instance=thread, viewer=Viewer.for_request(request))
    if request.method == "POST" and form.is_valid():
        services.thread_update(thread=thread, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Thread saved."))
        _warn_about_ambiguous_mentions(request, form)
        return redirect(thread)
    return render(request, "communications/thread_form.html", {"form": form, "thread": thread})


@function_required("communications.view_thread")
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_visible_or_404(request, Thread, pk, select_related=("partner", "owner"))
    newest_first = request.GET.get("order") == "newest"
    timeline = TimelinePage(
        thread, request.GET.get("page"), newest_first=newest_first, viewer=Viewer.for_request(request)
    )
    attachments = thread.attachments.select_related("communication", "task").order_by("uploaded_at", "pk")
    return render(
        request,
        "communications/thread_detail.html",
        {
            "thread": thread,
            "timeline": timeline,
            "page": timeline.page,
            "newest_first": newest_first,
            "attachments": attachments,
            "mentioned_in": mentioned_in(thread, Viewer.for_request(request)),
            "can_edit": has_function(request, "communications.change_thread"),
            "can_add_communication": has_function(request, "communications.add_communication"),
            "can_add_task": has_function(request, "communications.add_task"),
        },
    )


# Communications -------------------------------------------------------------------------------


def _warn_about_ambiguous_mentions(request: HttpRequest, form) -> None:
    """Typed "@names" that fit several people stayed text: say whom they could mean."""
    for mention in getattr(form, "ambiguous_mentions", []):
        names = ", ".join(
            f"{candidate.label} ({candidate.detail})" if candidate.detail else candidate.label
            for candidate in mention.candidates
        )
        messages.warning(
            request,
            _(
                "“@%(typed)s” was not turned into a mention: it fits %(names)s. Edit the text and pick "
                "the right one from the suggestions to notify them."
            )
            % {"typed": mention.typed, "names": names},
        )


def _initial_from_query(request: HttpRequest) -> dict:
    initial = {}
    for key in ("thread", "partner"):
        if request.GET.get(key, "").isdigit():
            initial[key] = int(request.GET[key])
    if request.GET.get("direction") in ("in", "out"):
        initial["direction"] = request.GET["direction"]
    return initial


def _save_item(request: HttpRequest, form, save, kind: str, item=None, source=None) -> HttpResponse:
    """Validate the form, call the create/update service, and answer: the shared flow of both items."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(files=form.cleaned_data["files"], **form.item_fields())
        except ValidationError as error:
            form.add_error("files", error)
        else:
            messages.success(request, _("%(item)s saved.") % {"item": saved.number})
            _warn_about_ambiguous_mentions(request, form)
            return redirect(saved)
    context = {"form": form, "kind": kind, "source": source}
    if item is not None:
        context["item"] = item
    return render(request, "communications/item_form.html", context)


@function_required("communications.add_communication")
def communication_create(request: HttpRequest) -> HttpResponse:
    form = CommunicationForm(
        request.POST or None,
        request.FILES or None,
        viewer=Viewer.for_request(request),
        initial={"direction": "in", "channel": "email", **_initial_from_query(request)},
    )

    def save(**fields):
        return services.communication_create(company=request.company, author=request.user, **fields)

    return _save_item(request, form, save, "communication")


@function_required("communications.view_communication")
def communication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    communication, own = get_readable_or_404(
        request, Communication, pk, select_related=("thread", "partner", "contact", "author", "assignee")
    )
    return render(
        request,
        "communications/communication_detail.html",
        {
            "item": communication,
            "attachments": communication.attachments.all(),
            "tasks": communication.tasks.order_by("pk"),
            "can_edit": own and has_function(request, "communications.change_communication"),
            "can_copy": own and has_function(request, "communications.add_task"),
        },
    )


@function_required("communications.change_communication")
def communication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    communication = get_visible_or_404(request, Communication, pk)
    form = CommunicationForm(
        request.POST or None,
        request.FILES or None,
        instance=communication,
        viewer=Viewer.for_request(request),
    )

    def save(**fields):
        return services.communication_update(communication=communication, actor=request.user, **fields)

    return _save_item(request, form, save, "communication", communication)


@function_required("communications.add_task")
def copy_to_task(request: HttpRequest, pk: int) -> HttpResponse:
    """A task form pre-filled from the communication; the task exists only once the form is saved."""
    communication = get_visible_or_404(request, Communication, pk, select_related=("thread", "partner"))
    form = TaskForm(
        request.POST or None,
        request.FILES or None,
        viewer=Viewer.for_request(request),
        initial={
            "thread": communication.thread_id,
            "partner": communication.partner_id,
            "counterparty_text": communication.counterparty_text,
            "subject": communication.subject,
            "description": communication.description,
            "assignee": communication.assignee_id,
        },
    )

    def save(**fields):
        return services.task_create(
            company=request.company, author=request.user, source_communication=communication, **fields
        )

    return _save_item(request, form, save, "task", source=communication)


# Tasks ----------------------------------------------------------------------------------------


@function_required("communications.add_task")
def task_create(request: HttpRequest) -> HttpResponse:
    form = TaskForm(
        request.POST or None,
        request.FILES or None,
        viewer=Viewer.for_request(request),
        initial=_initial_from_query(request),
    )

    def save(**fields):
        return services.task_create(company=request.company, author=request.user, **fields)

    return _save_item(request, form, save, "task")


@function_required("communications.view_task")
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task, own = get_readable_or_404(
        request, Task, pk, select_related=("thread", "partner", "author", "assignee", "source_communication")
    )
    return render(
        request,
        "communications/task_detail.html",
        {
            "item": task,
            "attachments": task.attachments.all(),
            "mentioned_in": mentioned_in(task, Viewer.for_request(request)),
            "can_edit": own and has_function(request, "communications.change_task"),
        },
    )


@function_required("communications.change_task")
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(request, Task, pk)
    form = TaskForm(
        request.POST or None, request.FILES or None, instance=task, viewer=Viewer.for_request(request)
    )

    def save(**fields):
        return services.task_update(task=task, actor=request.user, **fields)

    return _save_item(request, form, save, "task", task)


# Attachments ----------------------------------------------------------------------------------


@member_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Only for those who see the thread; always a download, never rendered (HTML and SVG included)."""
    attachment = get_object_or_404(Attachment, pk=pk, company=request.company)
    if not _visible(request, Thread).filter(pk=attachment.thread_id).exists():
        raise Http404(_("Not found in this company."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Notifications --------------------------------------------------------------------------------


@member_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Every item the user was notified about, grouped as in the bell (communications/bell.py)."""
    page = Paginator(bell.groups(request.user), per_page(request, "notifications")).get_page(
        request.GET.get("page")
    )
    page.object_list = bell.entries(page.object_list)
    context = {"page": page, "page_sizes": PAGE_SIZE_CHOICES, "unread_count": bell.unread_count(request.user)}
    return render(request, "communications/notification_list.html", context)


@require_POST
@member_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    bell.mark_item_read(notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("communications:notifications")


@require_POST
@member_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    if request.htmx:
        return live(request)
    return redirect("communications:notifications")


def live(request: HttpRequest) -> HttpResponse:
    """Polled by every open page every few seconds: the bell's count and list, and due reminders.

    One small request per open tab every 5 seconds (3 indexed queries); see docs/architecture.md.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    bell.mark_page_read(request.user, request.headers.get("HX-Current-URL", ""))
    latest, count = bell.bell(request.user)
    popups = list(reminders.due_popups(request.user))
    ReminderDelivery.objects.filter(pk__in=[p.pk for p in popups], status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SHOWN
    )
    return render(
        request, "communications/_live.html", {"unread": latest, "unread_count": count, "popups": popups}
    )
