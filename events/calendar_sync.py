"""Google Calendar: the OAuth connection, encrypted credentials and event sync.

A user connects their Google account with the OAuth 2.0 web flow
(`oauth_start` / `oauth_finish`); the tokens are stored encrypted with Fernet
(`encrypt_credentials` / `decrypt_credentials`). Saving or deleting a meeting
or reminder calls `schedule_google_sync` / `schedule_google_delete`, which
queue Celery tasks after the transaction commits; the tasks call
`sync_event` / `delete_remote_event`. Nothing here ever breaks saving an
event: a refused connection is marked failing (shown on the calendar
settings page), temporary errors are retried by Celery with back-off.

All traffic to the Calendar API goes through `events.clients.google_calendar`.
"""

import base64
import hashlib
import json
import logging
import os
import secrets
from datetime import datetime, timedelta
from functools import partial

import requests
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from google.auth import jwt as google_jwt
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow

from events.clients import google_calendar as google
from events.models import (
    Event,
    EventKind,
    GoogleCalendarConnection,
    GoogleConnectionStatus,
    GoogleEventLink,
)
from ops.jobs import enqueue_by_name

logger = logging.getLogger(__name__)

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.events"
SCOPES = [CALENDAR_SCOPE, "openid", "https://www.googleapis.com/auth/userinfo.email"]
SYNCED_KINDS = (EventKind.MEETING, EventKind.REMINDER)
SESSION_STATE = "google_oauth_state"
SESSION_VERIFIER = "google_oauth_code_verifier"
# When a user connects, their meetings from this far back onwards are copied to Google.
INITIAL_SYNC_SINCE = timedelta(days=1)
INITIAL_SYNC_LIMIT = 500
# The Celery tasks (events/google_tasks.py) call this module's work functions, so they are queued by name.
SYNC_TASK = "events.google_tasks.sync_event_to_google"
DELETE_TASK = "events.google_tasks.delete_google_event"


class OAuthError(Exception):
    """The OAuth round trip failed; the message is meant for the user."""


# -- settings ----------------------------------------------------------------


def _setting(name: str, default: str) -> str:
    return getattr(settings, name, default) or default


def client_id() -> str:
    return getattr(settings, "GOOGLE_OAUTH_CLIENT_ID", "")


def is_configured() -> bool:
    """Whether an OAuth client is set up, i.e. users can connect at all."""
    return bool(client_id() and getattr(settings, "GOOGLE_OAUTH_CLIENT_SECRET", ""))


# -- encryption --------------------------------------------------------------


def _fernet() -> MultiFernet:
    """CRM_ENCRYPTION_KEY: one Fernet key, or several comma-separated (the first encrypts)."""
    configured = getattr(settings, "CRM_ENCRYPTION_KEY", "")
    if configured:
        keys = configured if isinstance(configured, list | tuple) else str(configured).split(",")
        return MultiFernet([Fernet(key.strip()) for key in keys if key.strip()])
    derived = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest())
    return MultiFernet([Fernet(derived)])


def encrypt_credentials(creds: Credentials) -> bytes:
    return _fernet().encrypt(creds.to_json().encode())


def decrypt_credentials(blob) -> Credentials:
    """The stored credentials; ValueError when they are missing or cannot be decrypted."""
    if not blob:
        raise ValueError("No stored Google credentials.")
    try:
        info = json.loads(_fernet().decrypt(bytes(blob)))
    except InvalidToken as error:
        raise ValueError("The stored Google credentials cannot be decrypted (key changed?).") from error
    expiry = info.get("expiry")
    return Credentials(
        token=info.get("token"),
        refresh_token=info.get("refresh_token"),
        token_uri=info.get("token_uri"),
        client_id=info.get("client_id"),
        client_secret=info.get("client_secret"),
        scopes=info.get("scopes"),
        # Naive UTC, as google-auth keeps it.
        expiry=datetime.strptime(expiry.rstrip("Z").split(".")[0], "%Y-%m-%dT%H:%M:%S") if expiry else None,
    )


# -- OAuth 2.0 web flow --------------------------------------------------------


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("events:google_callback"))


def _flow(request: HttpRequest, state: str | None = None, code_verifier: str | None = None) -> Flow:
    if settings.DEBUG:
        # Local development over plain http (never set in production).
        os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    # Google may grant the scopes in another order or add earlier grants: not an error.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    redirect_uri = _redirect_uri(request)
    config = {
        "web": {
            "client_id": client_id(),
            "client_secret": getattr(settings, "GOOGLE_OAUTH_CLIENT_SECRET", ""),
            "auth_uri": _setting("GOOGLE_OAUTH_AUTH_URI", "https://accounts.google.com/o/oauth2/auth"),
            "token_uri": _setting("GOOGLE_OAUTH_TOKEN_URI", "https://oauth2.googleapis.com/token"),
            "redirect_uris": [redirect_uri],
        }
    }
    flow = Flow.from_client_config(config, scopes=SCOPES, state=state, code_verifier=code_verifier)
    flow.redirect_uri = redirect_uri
    return flow


def oauth_start(request: HttpRequest) -> str:
    """The Google consent page URL; remembers state and PKCE verifier in the session."""
    flow = _flow(request)
    url, state = flow.authorization_url(
        access_type="offline",
        prompt="consent",
        include_granted_scopes="true",
        login_hint=request.user.email or None,
    )
    request.session[SESSION_STATE] = state
    request.session[SESSION_VERIFIER] = flow.code_verifier
    return url


def _granted(creds: Credentials) -> set[str]:
    granted = creds.granted_scopes or creds.scopes or []
    return set(granted.split() if isinstance(granted, str) else granted)


def _email_from_id_token(id_token: str | None) -> str:
    # Received straight from Google's token endpoint over TLS: OpenID Connect allows
    # trusting it without checking the signature (Core 1.0, section 3.1.3.7).
    if not id_token:
        return ""
    try:
        return google_jwt.decode(id_token, verify=False).get("email", "")
    except ValueError:
        return ""


def _with_refresh_token_of(connection: GoogleCalendarConnection, creds: Credentials) -> Credentials:
    """Google sends a refresh token only on the first consent: keep the one we have."""
    try:
        refresh_token = decrypt_credentials(connection.encrypted_credentials).refresh_token
    except ValueError:
        return creds
    return Credentials(
        token=creds.token,
        refresh_token=refresh_token,
        token_uri=creds.token_uri,
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        scopes=creds.scopes,
        expiry=creds.expiry,
        id_token=creds.id_token,
        granted_scopes=creds.granted_scopes,
    )


def oauth_finish(request: HttpRequest) -> GoogleCalendarConnection:
    """Google redirected back with ?code=...&state=...: store the tokens, encrypted."""
    expected_state = request.session.pop(SESSION_STATE, None)
    code_verifier = request.session.pop(SESSION_VERIFIER, None)
    state = request.GET.get("state", "")
    if not expected_state or not secrets.compare_digest(str(expected_state), state):
        raise OAuthError(_("The answer from Google does not belong to this session. Please connect again."))
    code = request.GET.get("code")
    if not code:
        raise OAuthError(_("Google did not send an authorisation code. Please connect again."))
    flow = _flow(request, state=state, code_verifier=code_verifier)
    try:
        flow.fetch_token(code=code)
    except Exception as error:  # oauthlib, requests and JSON errors alike: tell the user, log the rest
        logger.warning("Google OAuth token exchange failed for user %s: %s", request.user.pk, error)
        raise OAuthError(_("Google did not accept the authorisation. Please try again.")) from error
    creds = flow.credentials
    if CALENDAR_SCOPE not in _granted(creds):
        raise OAuthError(_("Access to your calendar events was not allowed, so nothing can be synced."))
    existing = GoogleCalendarConnection.objects.filter(user=request.user).first()
    if not creds.refresh_token and existing is not None:
        creds = _with_refresh_token_of(existing, creds)
    connection, _created = GoogleCalendarConnection.objects.update_or_create(
        user=request.user,
        defaults={
            "google_email": _email_from_id_token(getattr(creds, "id_token", None)),
            "encrypted_credentials": encrypt_credentials(creds),
            "status": GoogleConnectionStatus.ACTIVE,
            "last_error": "",
        },
    )
    schedule_initial_sync(request.user)
    return connection


def connection_revoke(user) -> GoogleCalendarConnection | None:
    """Disconnect: ask Google to revoke the token (best effort), then forget it."""
    connection = GoogleCalendarConnection.objects.filter(user=user).first()
    if connection is None:
        return None
    try:
        creds = decrypt_credentials(connection.encrypted_credentials)
        token = creds.refresh_token or creds.token
    except ValueError:
        token = None
    if token:
        try:
            requests.post(
                _setting("GOOGLE_OAUTH_REVOKE_URI", "https://oauth2.googleapis.com/revoke"),
                params={"token": token},
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=5,
            )
        except requests.RequestException as error:
            logger.info("Revoking the Google token of user %s failed: %s", user.pk, error)
    connection.status = GoogleConnectionStatus.REVOKED
    connection.encrypted_credentials = b""
    connection.last_error = ""
    connection.save(update_fields=["status", "encrypted_credentials", "last_error", "updated_at"])
    return connection


# -- scheduling (called by whoever saves or deletes events) ---------------------


def _should_sync(event: Event, user_id: int) -> bool:
    if event.type.kind not in SYNCED_KINDS:
        return False
    return event.owner_id == user_id or event.participants.filter(pk=user_id).exists()


def schedule_google_sync(event: Event) -> None:
    """After commit, sync the event to the Google calendar of its owner and participants.

    Call it after the participants are saved. Users who have a Google copy but
    no longer should (removed participant, type no longer a meeting) are queued
    too: their copy is deleted. Never raises.
    """
    try:
        user_ids = set(event.google_links.values_list("user_id", flat=True))
        if event.type.kind in SYNCED_KINDS:
            user_ids |= {event.owner_id, *event.participants.values_list("pk", flat=True)}
        active = GoogleCalendarConnection.objects.filter(
            user_id__in=user_ids, status=GoogleConnectionStatus.ACTIVE
        ).values_list("user_id", flat=True)
        for user_id in sorted(active):
            transaction.on_commit(partial(enqueue_by_name, SYNC_TASK, event.pk, user_id), robust=True)
    except Exception:
        logger.exception("Could not schedule the Google Calendar sync of event %s", event.pk)


def schedule_google_delete(event: Event) -> None:
    """Call BEFORE deleting an event: after commit, delete its Google copies. Never raises."""
    try:
        for user_id, google_event_id in event.google_links.values_list("user_id", "google_event_id"):
            transaction.on_commit(
                partial(enqueue_by_name, DELETE_TASK, user_id, google_event_id), robust=True
            )
    except Exception:
        logger.exception("Could not schedule the Google Calendar delete of event %s", event.pk)


def schedule_initial_sync(user) -> None:
    """After connecting: copy the user's current and future meetings and reminders."""
    since = timezone.now() - INITIAL_SYNC_SINCE
    event_ids = (
        Event.objects.filter(
            Q(owner=user) | Q(participants=user), type__kind__in=SYNCED_KINDS, starts_at__gte=since
        )
        .order_by("starts_at")
        .values_list("pk", flat=True)
        .distinct()[:INITIAL_SYNC_LIMIT]
    )
    for event_id in event_ids:
        transaction.on_commit(partial(enqueue_by_name, SYNC_TASK, event_id, user.pk), robust=True)


# -- the work the Celery tasks do ---------------------------------------------


def google_event_id(event_id: int, user_id: int) -> str:
    """Our own Google event id (base32hex), so a repeated insert cannot create a duplicate."""
    salt = settings.SECRET_KEY
    return "crm" + hashlib.sha256(f"{salt}:{user_id}:{event_id}".encode()).hexdigest()[:40]


def _active_connection(user_id: int) -> GoogleCalendarConnection | None:
    return GoogleCalendarConnection.objects.filter(
        user_id=user_id, status=GoogleConnectionStatus.ACTIVE
    ).first()


def _mark_failing(connection: GoogleCalendarConnection, message: str) -> None:
    logger.warning("Google Calendar connection of user %s fails: %s", connection.user_id, message)
    connection.status = GoogleConnectionStatus.FAILING
    connection.last_error = message
    connection.save(update_fields=["status", "last_error", "updated_at"])


def _save_credentials_if_refreshed(connection, creds: Credentials, token_before: str | None) -> None:
    if creds.token and creds.token != token_before:
        connection.encrypted_credentials = encrypt_credentials(creds)
        connection.save(update_fields=["encrypted_credentials", "updated_at"])


def _clear_error(connection: GoogleCalendarConnection) -> None:
    if connection.last_error:
        connection.last_error = ""
        connection.save(update_fields=["last_error", "updated_at"])


def record_error(user_id: int, message: str) -> None:
    """A sync gave up after all its retries: show it to the user (the connection stays on)."""
    GoogleCalendarConnection.objects.filter(user_id=user_id).update(
        last_error=message[:2000], updated_at=timezone.now()
    )


def _write(service, connection, event: Event, link: GoogleEventLink | None, body: dict) -> str:
    """Patch the linked Google event, or insert one; returns the Google id now holding the event."""
    calendar_id = connection.calendar_id
    if link is not None:
        try:
            google.patch_event(service, calendar_id, link.google_event_id, body)
            return link.google_event_id
        except google.GoogleEventGone:
            pass  # deleted in Google Calendar: the CRM is the source, create it again
    else:
        own_id = google_event_id(event.pk, connection.user_id)
        try:
            return google.insert_event(service, calendar_id, {**body, "id": own_id})
        except google.GoogleEventExists:
            try:
                google.patch_event(service, calendar_id, own_id, body)
                return own_id
            except google.GoogleEventGone:
                pass
    return google.insert_event(service, calendar_id, body)


def sync_event(event_id: int, user_id: int) -> str:
    """Create or update one event in one user's Google calendar.

    Returns what happened ("inserted", "updated", "deleted", "skipped", "auth-failed").
    Raises `GoogleSyncError` for temporary failures (the task retries).
    """
    connection = _active_connection(user_id)
    if connection is None:
        return "skipped"
    event = Event.objects.select_related("type", "partner", "company").filter(pk=event_id).first()
    link = GoogleEventLink.objects.filter(event_id=event_id, user_id=user_id).first()
    if event is None:
        return "skipped"
    if not _should_sync(event, user_id):
        if link is None:
            return "skipped"
        delete_remote_event(user_id, link.google_event_id)
        link.delete()
        return "deleted"
    try:
        creds = decrypt_credentials(connection.encrypted_credentials)
    except ValueError as error:
        _mark_failing(connection, str(error))
        return "auth-failed"
    token_before = creds.token
    try:
        service = google.build_service(creds)
        google_id = _write(service, connection, event, link, google.event_body(event))
    except google.GoogleAuthError as error:
        _mark_failing(connection, str(error))
        return "auth-failed"
    finally:
        _save_credentials_if_refreshed(connection, creds, token_before)
    try:
        with transaction.atomic():
            GoogleEventLink.objects.update_or_create(
                event_id=event.pk,
                user_id=user_id,
                defaults={"google_event_id": google_id, "synced_at": timezone.now()},
            )
    except IntegrityError:
        # The event was deleted while we were talking to Google: remove the copy again.
        delete_remote_event(user_id, google_id)
        return "deleted"
    _clear_error(connection)
    return "updated" if link is not None else "inserted"


def delete_remote_event(user_id: int, google_event_id: str) -> str:
    """Delete one Google event from one user's calendar (already gone is fine)."""
    connection = _active_connection(user_id)
    if connection is None:
        return "skipped"
    try:
        creds = decrypt_credentials(connection.encrypted_credentials)
    except ValueError as error:
        _mark_failing(connection, str(error))
        return "auth-failed"
    token_before = creds.token
    try:
        google.delete_event(google.build_service(creds), connection.calendar_id, google_event_id)
    except google.GoogleAuthError as error:
        _mark_failing(connection, str(error))
        return "auth-failed"
    finally:
        _save_credentials_if_refreshed(connection, creds, token_before)
    return "deleted"
