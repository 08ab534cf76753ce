"""Calendar settings: the Google Calendar connection and the iCalendar subscription feed."""

import logging
import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from companies.permissions import member_required
from events import calendar_sync
from events.ics import build_feed
from events.models import CalendarFeedToken, GoogleCalendarConnection, GoogleConnectionStatus

logger = logging.getLogger(__name__)

SETTINGS = "events:calendar_settings"


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
