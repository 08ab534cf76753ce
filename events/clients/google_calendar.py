"""The only code that talks to the Google Calendar API (google-api-python-client).

Everything else goes through these functions, which turn the library's errors
into two of ours: `GoogleAuthError` (the user must connect again) and
`GoogleSyncError` (temporary: try again later).
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import httplib2
from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import translation
from google.auth import exceptions as google_auth_exceptions
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

DEFAULT_DURATION = timedelta(minutes=30)
# Google accepts reminder overrides up to four weeks before the start.
MAX_REMINDER_MINUTES = 40320
# 403 answers that mean "slow down", not "not allowed".
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}
# Errors of the network or of the other side: worth another try.
# (OSError covers socket timeouts, refused connections and TLS errors.)
NETWORK_ERRORS = (httplib2.HttpLib2Error, google_auth_exceptions.TransportError, OSError)


class GoogleCalendarError(Exception):
    """Base of the errors of this module."""


class GoogleAuthError(GoogleCalendarError):
    """Google refused our credentials: the connection must be authorised again."""


class GoogleSyncError(GoogleCalendarError):
    """A temporary failure (server error, rate limit, network): retry later."""


class GoogleEventGone(GoogleCalendarError):
    """The Google event no longer exists (deleted in Google Calendar)."""


class GoogleEventExists(GoogleCalendarError):
    """An insert with our own event id found that id already taken (409): patch it instead."""


def build_service(credentials):
    """A Calendar v3 service using the discovery document shipped with the library (no network)."""
    endpoint = getattr(settings, "GOOGLE_CALENDAR_API_ENDPOINT", "")
    return build(
        "calendar",
        "v3",
        credentials=credentials,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": endpoint} if endpoint else None,
    )


def _reasons(error: HttpError) -> set[str]:
    details = getattr(error, "error_details", None) or []
    if not isinstance(details, list):
        return set()
    return {detail.get("reason", "") for detail in details if isinstance(detail, dict)}


def _is_gone(error: HttpError) -> bool:
    return error.status_code in (404, 410)


def _translate(error: Exception) -> GoogleCalendarError:
    if isinstance(error, HttpError):
        status = error.status_code
        message = f"Google Calendar answered {status}: {error.reason}"
        if status == 401 or (status == 403 and not _reasons(error) & RATE_LIMIT_REASONS):
            return GoogleAuthError(message)
        return GoogleSyncError(message)
    if isinstance(error, google_auth_exceptions.RefreshError):
        if getattr(error, "retryable", False):
            return GoogleSyncError(f"Google could not renew the access now: {error}")
        return GoogleAuthError(f"Google refused to renew the access: {error}")
    return GoogleSyncError(f"Google Calendar could not be reached: {error}")


def _execute(request):
    try:
        return request.execute()
    except HttpError:
        raise
    except google_auth_exceptions.RefreshError as error:
        raise _translate(error) from error
    except NETWORK_ERRORS as error:
        raise _translate(error) from error


def insert_event(service, calendar_id: str, body: dict) -> str:
    """Create the event; returns Google's event id.

    When `body` carries our own "id" and Google already has it (409), raises `GoogleEventExists`.
    """
    try:
        created = _execute(service.events().insert(calendarId=calendar_id, body=body, sendUpdates="none"))
    except HttpError as error:
        if error.status_code == 409 and body.get("id"):
            raise GoogleEventExists(body["id"]) from error
        raise _translate(error) from error
    return created["id"]


def patch_event(service, calendar_id: str, event_id: str, body: dict) -> dict:
    """Update the fields in `body`. A 404/410 (deleted in Google) raises `GoogleEventGone`."""
    try:
        return _execute(
            service.events().patch(calendarId=calendar_id, eventId=event_id, body=body, sendUpdates="none")
        )
    except HttpError as error:
        if _is_gone(error):
            raise GoogleEventGone(event_id) from error
        raise _translate(error) from error


def delete_event(service, calendar_id: str, event_id: str) -> None:
    """Delete the event; one that is already gone (404/410) is fine."""
    try:
        _execute(service.events().delete(calendarId=calendar_id, eventId=event_id, sendUpdates="none"))
    except HttpError as error:
        if _is_gone(error):
            return
        raise _translate(error) from error


def _crm_link(event) -> str:
    base = getattr(settings, "CRM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    try:
        return base + event.get_absolute_url()
    except NoReverseMatch:
        return ""


def _description(event) -> str:
    lines = []
    if event.notes:
        lines += [event.notes, ""]
    if event.partner_id:
        lines.append(f"{translation.gettext('Partner')}: {event.partner.name}")
    contacts = list(event.contacts.all())
    if contacts:
        lines.append(f"{translation.gettext('Contacts')}:")
        for contact in contacts:
            phones = ", ".join(
                p for p in (getattr(contact, "phone", ""), getattr(contact, "mobile", "")) if p
            )
            lines.append(f"- {contact}" + (f" ({phones})" if phones else ""))
    link = _crm_link(event)
    if link:
        lines += ["", f"{translation.gettext('In the CRM')}: {link}"]
    return "\n".join(lines).strip()


def event_body(event) -> dict:
    """The Google Calendar resource for a CRM event (texts in the company's language)."""
    # The company's zone: a Sofia company's 10:00 meeting is 10:00 Europe/Sofia in Google too.
    time_zone = event.company.time_zone_name
    zone = ZoneInfo(time_zone)
    starts_at = event.starts_at
    ends_at = event.ends_at or starts_at + DEFAULT_DURATION
    language = getattr(event.company, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        summary = f"{event.type.name}: {event.subject}"
        if event.partner_id:
            summary += f" – {event.partner.name}"
        description = _description(event)
    if event.reminder_minutes is not None:
        minutes = min(int(event.reminder_minutes), MAX_REMINDER_MINUTES)
        reminders = {"useDefault": False, "overrides": [{"method": "popup", "minutes": minutes}]}
    else:
        reminders = {"useDefault": False, "overrides": []}
    return {
        "summary": summary,
        "status": "confirmed",
        "location": event.location or "",
        "description": description,
        "start": {"dateTime": starts_at.astimezone(zone).isoformat(), "timeZone": time_zone},
        "end": {"dateTime": ends_at.astimezone(zone).isoformat(), "timeZone": time_zone},
        "reminders": reminders,
        "extendedProperties": {"private": {"crm_event_id": str(event.pk)}},
    }
