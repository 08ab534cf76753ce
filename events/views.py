from datetime import datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.permissions import function_required, has_function
from companies.preferences import PAGE_SIZE_CHOICES, per_page
from companies.visibility import Viewer, get_visible_or_404
from core.export import list_export_response
from events import reminders, services
from events.filters import EventFilter
from events.forms import CloseEventForm, EventForm
from events.models import (
    EARLIEST_EVENT_YEAR,
    LATEST_EVENT_YEAR,
    Event,
    EventType,
    ReminderDelivery,
    ReminderStatus,
)
from events.rows import EVENT_COLUMNS

EVENT_FUNCTIONS = {"view": "events.view_event", "add": "events.add_event", "change": "events.change_event"}


def _visible_events(request: HttpRequest):
    return Event.objects.visible_to(Viewer.for_request(request))


# What an event's pages show about it, loaded with it.
EVENT_RELATED = ("type", "partner", "owner", "follows__type", "closed_by")


def _filtered_events(request: HttpRequest):
    """(filterset, the visible events its filters let through); "mine" unless a scope is chosen."""
    data = request.GET.copy()
    data.setdefault("scope", "mine")
    queryset = (
        _visible_events(request).select_related("type", "partner", "owner").order_by("-starts_at", "-pk")
    )
    filterset = EventFilter(data, queryset=queryset, viewer=Viewer.for_request(request))
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


@function_required(EVENT_FUNCTIONS["view"])
def event_list(request: HttpRequest) -> HttpResponse:
    filterset, events = _filtered_events(request)
    page = Paginator(events, per_page(request, "events")).get_page(request.GET.get("page"))
    template = "events/_event_rows.html" if request.htmx else "events/event_list.html"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "page_sizes": PAGE_SIZE_CHOICES,
            "can_add": has_function(request, EVENT_FUNCTIONS["add"]),
            "columns": EVENT_COLUMNS.choose(request.GET),
            "can_edit": has_function(request, EVENT_FUNCTIONS["change"]),
            # Closing someone else's event needs this function; one's own needs none (event_close).
            "can_close_others": has_function(request, "events.close_subordinate_event"),
        },
    )


# Export uses the view function, as the communication and task lists' exports do.
@function_required(EVENT_FUNCTIONS["view"])
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered list as CSV (streamed), or with ?format=xlsx as an Excel file (core/export.py):
    real date-times in the company's zone, every column whatever the page shows."""
    _filterset, events = _filtered_events(request)
    header = [
        _("Start"),
        _("End"),
        _("Type"),
        _("Subject"),
        _("Partner"),
        _("Owner"),
        _("Outcome"),
        _("Location"),
    ]
    rows = (
        [
            event.starts_at,
            event.ends_at,
            event.type.name,
            event.subject,
            event.partner.name if event.partner_id else "",
            str(event.owner),
            event.get_outcome_display(),
            event.location,
        ]
        for event in events.iterator(chunk_size=2000)
    )
    return list_export_response(
        request,
        "events",
        header,
        rows,
        queryset=events,
        format=request.GET.get("format", "csv"),
        list_url=reverse("events:list"),
    )


@function_required(EVENT_FUNCTIONS["add"])
def event_create(request: HttpRequest) -> HttpResponse:
    viewer = Viewer.for_request(request)
    follows = None
    if request.GET.get("follows", "").isdigit():
        follows = get_visible_or_404(
            request, Event, int(request.GET["follows"]), select_related=EVENT_RELATED
        )
    types = (
        services.follow_up_types(follows, request.membership)
        if follows
        else services.usable_event_types(request.membership)
    )
    initial = {"owner": request.user.pk, "starts_at": _asked_start(request) or _next_half_hour()}
    if follows:
        initial.update(
            partner=follows.partner_id,
            contacts=list(follows.contacts.values_list("pk", flat=True)),
            subject=follows.subject,
            location=follows.location,
        )
    elif request.GET.get("partner", "").isdigit():
        initial["partner"] = int(request.GET["partner"])
    if request.GET.get("type", "").isdigit():
        initial["type"] = int(request.GET["type"])
    form = EventForm(request.POST or None, initial=initial, viewer=viewer, types=types)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                company=request.company,
                membership=request.membership,
                created_by=request.user,
                follows=follows,
                contacts=form.cleaned_data["contacts"],
                participants=form.cleaned_data["participants"],
                **form.event_fields(),
            )
        except services.EventRuleError as error:
            form.add_error("type", str(error))
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "follows": follows})


def _asked_start(request: HttpRequest) -> datetime | None:
    """`?starts_at=2026-11-10T08:30` from a calendar slot, in the company's zone; None if unreadable."""
    try:
        start = datetime.fromisoformat(request.GET.get("starts_at", "")[:16])
    except ValueError:
        return None
    if not EARLIEST_EVENT_YEAR <= start.year <= LATEST_EVENT_YEAR:
        return None
    return timezone.make_aware(start.replace(tzinfo=None), timezone.get_current_timezone())


def _next_half_hour() -> datetime:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return now + timedelta(minutes=30 - now.minute % 30)


@function_required(EVENT_FUNCTIONS["view"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_visible_or_404(request, Event, pk, select_related=EVENT_RELATED))


def _render_detail(
    request: HttpRequest, event: Event, close_form: CloseEventForm | None = None
) -> HttpResponse:
    can_close = event.is_open and (
        event.owner_id == request.user.pk or has_function(request, "events.close_subordinate_event")
    )
    if close_form is not None and not can_close:
        _say_errors(request, close_form)  # e.g. closed meanwhile by someone else: no form to show them in
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "contacts": event.contacts.all(),
            "participants": event.participants.all(),
            "follow_ups": event.follow_ups.select_related("type", "owner").order_by("starts_at"),
            "next_types": services.follow_up_types(event, request.membership),
            "close_form": (close_form or CloseEventForm(event=event)) if can_close else None,
            "can_edit": has_function(request, EVENT_FUNCTIONS["change"]),
            "can_add": has_function(request, EVENT_FUNCTIONS["add"]),
            "can_delete": has_function(request, "events.delete_event"),
        },
    )


@function_required(EVENT_FUNCTIONS["change"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(request, Event, pk, select_related=EVENT_RELATED)
    viewer = Viewer.for_request(request)
    usable = services.usable_event_types(request.membership).values("pk")
    types = EventType.objects.filter(Q(pk__in=usable) | Q(pk=event.type_id))
    form = EventForm(request.POST or None, instance=event, viewer=viewer, types=types)
    if request.method == "POST" and form.is_valid():
        services.event_update(
            event=event,
            contacts=form.cleaned_data["contacts"],
            participants=form.cleaned_data["participants"],
            **form.event_fields(),
        )
        messages.success(request, _("Event saved."))
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@require_POST
@function_required(EVENT_FUNCTIONS["view"])
def event_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an event. Owners close their own; closing a subordinate's needs its own function."""
    event = get_visible_or_404(request, Event, pk, select_related=EVENT_RELATED)
    if event.owner_id != request.user.pk and not has_function(request, "events.close_subordinate_event"):
        raise Http404(_("No such event in this company."))
    form = CloseEventForm(request.POST, event=event)
    back = request.POST.get("back") == "overdue"
    if form.is_valid():
        try:
            services.event_close(
                event=event,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except services.EventRuleError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("%(event)s closed.") % {"event": event})
            if back and services.overdue_meetings(user=request.user, company=request.company):
                return redirect("events:overdue")
            return redirect("events:detail", pk=event.pk) if not back else redirect("home")
    # The page again, with the errors next to the fields and what was typed kept.
    if back:
        return _render_overdue(request, failed=form)
    event.refresh_from_db()
    return _render_detail(request, event, close_form=form)


def overdue(request: HttpRequest) -> HttpResponse:
    """The page a blocked sales user is sent to: close each overdue meeting to go on."""
    if not request.user.is_authenticated or request.company is None:
        return redirect("login")
    return _render_overdue(request)


def _render_overdue(request: HttpRequest, failed: CloseEventForm | None = None) -> HttpResponse:
    meetings = services.overdue_meetings(user=request.user, company=request.company)
    shown = False
    for meeting in meetings:
        mine = failed is not None and failed.event is not None and failed.event.pk == meeting.pk
        meeting.close_form = failed if mine else CloseEventForm(event=meeting)
        shown = shown or mine
    if failed is not None and not shown:
        _say_errors(request, failed)
    return render(request, "events/overdue.html", {"meetings": meetings})


def _say_errors(request: HttpRequest, form: CloseEventForm) -> None:
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)


def reminder_popups(request: HttpRequest) -> HttpResponse:
    """Polled by every open page (htmx, every few seconds): the reminders due for the user now."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    popups = list(reminders.due_popups(request.user))
    ReminderDelivery.objects.filter(pk__in=[p.pk for p in popups], status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SHOWN
    )
    return render(request, "events/_reminder_popups.html", {"popups": popups})


@require_POST
def reminder_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    delivery = ReminderDelivery.objects.filter(pk=pk, user=request.user).first()
    if delivery is None:
        raise Http404
    if action == "snooze":
        reminders.reminder_snooze(delivery)
    else:
        reminders.reminder_dismiss(delivery)
    if request.htmx:
        return reminder_popups(request)
    return redirect(request.POST.get("next") if url_has_allowed_host_and_scheme(
        request.POST.get("next"), allowed_hosts={request.get_host()}
    ) else "home")  # fmt: skip


@function_required("events.delete_event")
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(request, Event, pk, select_related=EVENT_RELATED)
    if request.method == "POST":
        services.event_delete(event=event)
        messages.success(request, _("Event deleted."))
        return redirect("events:list")
    return render(request, "events/event_confirm_delete.html", {"event": event})
