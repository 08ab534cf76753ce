"""The calendar (day, week and month views) and its settings: Google Calendar and the iCalendar feed."""

import logging
import secrets
from datetime import date, timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from companies.models import User
from companies.permissions import function_required, has_function, member_required
from companies.visibility import Viewer
from events import calendar_grid, calendar_sync
from events.ics import build_feed
from events.models import (
    EARLIEST_EVENT_YEAR,
    LATEST_EVENT_YEAR,
    CalendarFeedToken,
    Event,
    GoogleCalendarConnection,
    GoogleConnectionStatus,
)

logger = logging.getLogger(__name__)

SETTINGS = "events:calendar_settings"
# An event that began this long before the shown period and still runs is shown too (a longer one is not).
LONGEST_SHOWN_SPAN = timedelta(days=7)
MAX_OVERLAID_PEOPLE = 6
# A whole company's month is thousands of events: more than this are not drawn (the page says so).
MAX_SHOWN_EVENTS = 500


def _parse_day(value: str | None) -> date:
    """The day asked for, today if unreadable, clamped to the years events may have (keeps the
    week/month arithmetic and the time-zone conversion of the calendar inside the date range)."""
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return min(max(day, date(EARLIEST_EVENT_YEAR, 1, 1)), date(LATEST_EVENT_YEAR, 12, 31))


def _overlay_choices(request: HttpRequest, viewer: Viewer) -> tuple[list[User], list[int]]:
    """The people the user supervises (any depth, via the visibility helper) and those chosen of them."""
    supervised = viewer.visible_user_ids - {request.user.pk}
    if not supervised:
        return [], []
    people = list(
        User.objects.filter(
            pk__in=supervised,
            is_active=True,
            memberships__company_id=viewer.company.pk,
            memberships__is_active=True,
        ).order_by("last_name", "first_name", "pk")
    )
    asked = {int(value) for value in request.GET.getlist("people") if value.isdigit() and len(value) < 19}
    chosen = [person.pk for person in people if person.pk in asked][:MAX_OVERLAID_PEOPLE]
    return people, chosen


def _involving_ids(viewer: Viewer, people: list[int], window: dict) -> list[int]:
    """Ids of the period's visible events owned by or taken part in by `people`, in one query that
    walks the indexes per person (`event_owner_start`, the participants' user index) instead of
    testing the OR of both for every event of the company in the period (measured: 26-240 ms -> under
    10 ms on the reference data); the visibility rule is then only checked on those few rows."""
    visible = (
        Event.objects.visible_to(viewer).filter(**window).order_by()
    )  # SQLite: no ORDER BY in a UNION part
    owned = visible.filter(owner_id__in=people).values_list("pk")
    taking_part = visible.filter(participants__in=people).values_list("pk")
    return [pk for (pk,) in owned.union(taking_part)]


def _people_of(events: list[Event], owner_id: int, chosen: list[int], colours: dict[int, str]) -> dict:
    """Which overlaid person each event is shown for: its owner, else a chosen participant (one query)."""
    if not chosen:
        return {}
    by_id = {}
    pending = []
    for event in events:
        if event.owner_id in colours and event.owner_id != owner_id:
            by_id[event.pk] = event.owner_id
        elif event.owner_id != owner_id:
            pending.append(event.pk)
    if pending:
        through = Event.participants.through
        for event_id, user_id in through.objects.filter(event_id__in=pending, user_id__in=chosen).values_list(
            "event_id", "user_id"
        ):
            by_id.setdefault(event_id, user_id)
    return by_id


@function_required("events.view_event")
def event_calendar(request: HttpRequest) -> HttpResponse:
    """Day and week time grids and the month grid with its agenda, of the events the user can see.

    Own events (owned or taken part in) by default, everything visible with `scope=all`; a supervisor
    may overlay the calendars of people they supervise (`people=<id>`, several).
    Queries: the supervised people (cached by the viewer) and their names, the ids of the events of the
    people shown (with `scope=mine`), the events, and with an overlay which chosen person takes part in
    which event.
    """
    viewer = Viewer.for_request(request)
    view = request.GET.get("view") if request.GET.get("view") in calendar_grid.VIEWS else "week"
    scope = "all" if request.GET.get("scope") == "all" else "mine"
    shown = calendar_grid.period(view, _parse_day(request.GET.get("date")))
    grid_days = shown.grid_days
    start, end = calendar_grid.local_bounds(grid_days[0], grid_days[-1])
    people, chosen = _overlay_choices(request, viewer)
    colours = {pk: calendar_grid.PERSON_COLOURS[n] for n, pk in enumerate(chosen)}

    window = {"starts_at__gte": start - LONGEST_SHOWN_SPAN, "starts_at__lt": end}
    events = Event.objects.visible_to(viewer).filter(Q(starts_at__gte=start) | Q(ends_at__gt=start), **window)
    if scope == "mine":
        events = events.filter(pk__in=_involving_ids(viewer, [request.user.pk, *chosen], window))
    events = list(
        events.select_related("type", "partner", "owner").order_by("starts_at", "pk")[: MAX_SHOWN_EVENTS + 1]
    )
    truncated = len(events) > MAX_SHOWN_EVENTS
    events = events[:MAX_SHOWN_EVENTS]
    person_ids = _people_of(events, request.user.pk, chosen, colours)
    people_by_id = {person.pk: person for person in people}
    for event in events:
        person_id = person_ids.get(event.pk)
        event.overlay_person = people_by_id.get(person_id)
        event.overlay_colour = colours.get(person_id, "")
        event.colour = calendar_grid.type_colour(event.type)

    today = timezone.localdate()
    can_add = has_function(request, "events.add_event")
    starting = [event for event in events if event.starts_at >= start]
    weeks = calendar_grid.month_grid(grid_days, starting)
    context = {
        "view": view,
        "scope": scope,
        "first": shown.first,
        "last": shown.last,
        "previous": shown.previous,
        "following": shown.following,
        "today": today,
        "weeks": weeks,
        "can_add": can_add,
        "people": [(person, person.pk in colours, colours.get(person.pk, "")) for person in people],
        "chosen": chosen,
        "keep": urlencode([("scope", scope), *(("people", pk) for pk in chosen)]),
        "legend": _legend(events),
        "truncated": truncated,
        "max_shown": MAX_SHOWN_EVENTS,
    }
    if view == "month":
        context["agenda"] = [
            (day, day_events)
            for week in weeks
            for day, day_events in week
            if day_events and shown.first <= day <= shown.last
        ]
    else:
        context["columns"] = calendar_grid.time_grid(
            grid_days,
            events,
            today=today,
            people_of={e.pk: (e.overlay_person, e.overlay_colour) for e in events if e.overlay_person},
            with_slots=can_add,
        )
        context["hours"] = [f"{hour:02d}:00" for hour in range(24)]
        context["first_visible_hour"] = calendar_grid.WORKDAY_FIRST_HOUR
    return render(request, "events/calendar.html", context)


def _legend(events: list[Event]) -> list[tuple[str, str]]:
    """The event types on the page with their colours, in the types' order."""
    types = {event.type_id: event.type for event in events}
    ordered = sorted(types.values(), key=lambda t: (t.sort_order, t.code))
    return [(event_type.name, calendar_grid.type_colour(event_type)) for event_type in ordered]


def _active_feed(request: HttpRequest) -> CalendarFeedToken | None:
    return (
        CalendarFeedToken.objects.filter(user=request.user, company=request.company, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


@member_required
@require_GET
def calendar_settings(request: HttpRequest) -> HttpResponse:
    connection = GoogleCalendarConnection.objects.filter(user=request.user).first()
    feed = _active_feed(request)
    feed_url = request.build_absolute_uri(reverse("events:ics_feed", args=[feed.token])) if feed else ""
    context = {
        "connection": connection,
        "connected": connection is not None and connection.status != GoogleConnectionStatus.REVOKED,
        "failing": connection is not None and connection.status == GoogleConnectionStatus.FAILING,
        "google_configured": calendar_sync.is_configured(),
        "feed": feed,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else "",
    }
    return render(request, "events/calendar_settings.html", context)


@member_required
@require_POST
def google_connect(request: HttpRequest) -> HttpResponse:
    if not calendar_sync.is_configured():
        messages.error(
            request, _("Google Calendar is not set up on this server. Please ask an administrator.")
        )
        return redirect(SETTINGS)
    return redirect(calendar_sync.oauth_start(request))


@member_required
@require_GET
def google_callback(request: HttpRequest) -> HttpResponse:
    error = request.GET.get("error")
    if error:
        request.session.pop(calendar_sync.SESSION_STATE, None)
        request.session.pop(calendar_sync.SESSION_VERIFIER, None)
        if error == "access_denied":
            messages.error(
                request, _("You did not allow access to your Google calendar, so it is not connected.")
            )
        else:
            messages.error(
                request,
                _("Google reported an error (%(error)s). The calendar is not connected.") % {"error": error},
            )
        return redirect(SETTINGS)
    try:
        connection = calendar_sync.oauth_finish(request)
    except calendar_sync.OAuthError as failure:
        messages.error(request, str(failure))
        return redirect(SETTINGS)
    messages.success(
        request,
        _("Google Calendar connected (%(account)s). Your meetings and reminders will appear there.")
        % {"account": connection.google_email or _("your Google account")},
    )
    return redirect(SETTINGS)


@member_required
@require_POST
def google_disconnect(request: HttpRequest) -> HttpResponse:
    if calendar_sync.connection_revoke(request.user) is None:
        messages.info(request, _("No Google account was connected."))
    else:
        messages.success(
            request, _("Google Calendar disconnected. Events already copied there stay in your calendar.")
        )
    return redirect(SETTINGS)


def _revoke_feeds(request: HttpRequest) -> int:
    return CalendarFeedToken.objects.filter(
        user=request.user, company=request.company, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


@member_required
@require_POST
def feed_token_rotate(request: HttpRequest) -> HttpResponse:
    had_one = _revoke_feeds(request) > 0
    CalendarFeedToken.objects.create(
        user=request.user, company=request.company, token=secrets.token_urlsafe(32)
    )
    if had_one:
        messages.success(request, _("New calendar address created. The old address no longer works."))
    else:
        messages.success(
            request, _("Calendar address created. Add it to your calendar app as a subscription.")
        )
    return redirect(SETTINGS)


@member_required
@require_POST
def feed_token_revoke(request: HttpRequest) -> HttpResponse:
    if _revoke_feeds(request):
        messages.success(request, _("Calendar address revoked. Subscribed calendar apps stop updating."))
    else:
        messages.info(request, _("There was no calendar address to revoke."))
    return redirect(SETTINGS)


@require_safe
def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no login): the secret token is the key. Unknown or revoked → 404."""
    feed = (
        CalendarFeedToken.objects.select_related("user", "company")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404(_("No such calendar."))
    response = HttpResponse(build_feed(feed.user, feed.company), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="crm.ics"'
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, max_age=300)
    return response
