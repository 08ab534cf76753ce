"""Google Calendar sync through the real google-api-python-client, against a local fake Google."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from google.oauth2.credentials import Credentials

from events import calendar_sync
from events.clients.google_calendar import GoogleSyncError
from events.google_tasks import MAX_RETRIES, sync_event_to_google
from events.models import (
    Event,
    EventKind,
    EventType,
    GoogleCalendarConnection,
    GoogleConnectionStatus,
    GoogleEventLink,
)
from tests.events.google_calendar_server import FakeGoogle
from tests.factories import CompanyFactory, PartnerFactory, member

pytestmark = pytest.mark.django_db

BUDAPEST = ZoneInfo("Europe/Budapest")
CLIENT_ID = "test-client.apps.googleusercontent.com"
CLIENT_SECRET = "test-client-secret"


@pytest.fixture
def google():
    server = FakeGoogle().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def google_settings(settings, google, monkeypatch):
    settings.GOOGLE_OAUTH_CLIENT_ID = CLIENT_ID
    settings.GOOGLE_OAUTH_CLIENT_SECRET = CLIENT_SECRET
    settings.GOOGLE_CALENDAR_API_ENDPOINT = google.url
    settings.GOOGLE_OAUTH_TOKEN_URI = google.url + "token"
    settings.GOOGLE_OAUTH_REVOKE_URI = google.url + "revoke"
    settings.CRM_BASE_URL = "https://crm.example.com"
    # The local token endpoint speaks plain http.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    return settings


@pytest.fixture
def company():
    return CompanyFactory(language="en")


@pytest.fixture
def user(company):
    return member(company, email="anna@example.com")


@pytest.fixture
def meeting_type():
    return EventType.objects.create(
        code="gc-meeting", name_en="Meeting", kind=EventKind.MEETING, has_place=True
    )


def utc_now() -> datetime:
    """Naive UTC, as google-auth keeps credential expiry."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(google: FakeGoogle, user, *, expiry=None) -> GoogleCalendarConnection:
    """A user whose Google account is connected, with tokens the fake Google knows."""
    refresh_token = "1//refresh-" + user.username
    google.refresh_tokens.add(refresh_token)
    creds = Credentials(
        token=google.issue_token(),
        refresh_token=refresh_token,
        token_uri=google.url + "token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=calendar_sync.SCOPES,
        expiry=expiry or utc_now() + timedelta(hours=1),
    )
    return GoogleCalendarConnection.objects.create(
        user=user,
        google_email=f"{user.username}@gmail.example",
        encrypted_credentials=calendar_sync.encrypt_credentials(creds),
    )


def make_meeting(company, user, meeting_type, **fields) -> Event:
    values = {
        "company": company,
        "type": meeting_type,
        "owner": user,
        "subject": "Contract signing",
        "location": "Budapest, Váci út 12.",
        "notes": "Bring two copies.",
        "starts_at": datetime(2026, 12, 1, 10, 0, tzinfo=BUDAPEST),
        "reminder_minutes": 30,
    }
    values.update(fields)
    return Event.objects.create(**values)


def save_and_sync(event: Event, capture) -> None:
    """What the event services do: save, then schedule the sync (run by the eager Celery task on commit)."""
    with capture(execute=True):
        event.save()
        calendar_sync.schedule_google_sync(event)


@pytest.fixture
def synced(google, company, user, meeting_type, django_capture_on_commit_callbacks):
    connect(google, user)
    event = make_meeting(company, user, meeting_type, partner=PartnerFactory(name="Duna Zrt."))
    save_and_sync(event, django_capture_on_commit_callbacks)
    return event


# -- create / update / delete -------------------------------------------------------------------


def test_meeting_is_inserted_with_place_times_and_reminder(google, synced, user):
    [insert] = google.api_calls("POST")
    assert insert.path == "/calendars/primary/events"  # api_endpoint set: no /calendar/v3 prefix
    body = insert.body
    assert body["summary"] == "Meeting: Contract signing – Duna Zrt."
    assert body["location"] == "Budapest, Váci út 12."
    assert body["start"] == {"dateTime": "2026-12-01T10:00:00+01:00", "timeZone": "Europe/Budapest"}
    assert body["end"] == {"dateTime": "2026-12-01T10:30:00+01:00", "timeZone": "Europe/Budapest"}
    assert body["reminders"] == {"useDefault": False, "overrides": [{"method": "popup", "minutes": 30}]}
    assert body["extendedProperties"] == {"private": {"crm_event_id": str(synced.pk)}}
    assert "Bring two copies." in body["description"]
    assert "Duna Zrt." in body["description"]
    assert f"https://crm.example.com/events/{synced.pk}/" in body["description"]
    link = GoogleEventLink.objects.get(event=synced, user=user)
    assert link.synced_at is not None
    assert google.events[f"primary/{link.google_event_id}"]["location"] == "Budapest, Váci út 12."
    assert insert.authorization.startswith("Bearer ya29.")


def test_update_patches_the_same_google_event(google, synced, user, django_capture_on_commit_callbacks):
    google_id = GoogleEventLink.objects.get(event=synced).google_event_id
    synced.location = "Debrecen, Piac utca 1."
    synced.starts_at = datetime(2026, 12, 2, 14, 0, tzinfo=BUDAPEST)
    synced.ends_at = datetime(2026, 12, 2, 15, 30, tzinfo=BUDAPEST)
    synced.reminder_minutes = 60
    save_and_sync(synced, django_capture_on_commit_callbacks)

    assert len(google.api_calls("POST")) == 1
    [patch] = google.api_calls("PATCH")
    assert patch.path == f"/calendars/primary/events/{google_id}"
    stored = google.events[f"primary/{google_id}"]
    assert stored["location"] == "Debrecen, Piac utca 1."
    assert stored["start"]["dateTime"] == "2026-12-02T14:00:00+01:00"
    assert stored["end"]["dateTime"] == "2026-12-02T15:30:00+01:00"
    assert stored["reminders"]["overrides"] == [{"method": "popup", "minutes": 60}]
    assert GoogleEventLink.objects.get(event=synced).google_event_id == google_id


def test_delete_removes_the_google_event(google, synced, django_capture_on_commit_callbacks):
    google_id = GoogleEventLink.objects.get(event=synced).google_event_id
    with django_capture_on_commit_callbacks(execute=True):
        calendar_sync.schedule_google_delete(synced)
        synced.delete()

    [delete] = google.api_calls("DELETE")
    assert delete.path == f"/calendars/primary/events/{google_id}"
    assert google.live_events() == {}
    assert not GoogleEventLink.objects.exists()


def test_deleting_an_event_already_gone_in_google_is_fine(google, synced, user):
    google_id = GoogleEventLink.objects.get(event=synced).google_event_id
    assert calendar_sync.delete_remote_event(user.pk, google_id) == "deleted"
    assert calendar_sync.delete_remote_event(user.pk, google_id) == "deleted"  # 410 the second time
    assert GoogleCalendarConnection.objects.get(user=user).status == GoogleConnectionStatus.ACTIVE


def test_event_deleted_in_google_is_created_again_on_update(
    google, synced, user, django_capture_on_commit_callbacks
):
    google.events.clear()
    synced.subject = "Contract signing, new date"
    save_and_sync(synced, django_capture_on_commit_callbacks)
    [live] = google.live_events().values()
    assert live["summary"].startswith("Meeting: Contract signing, new date")
    assert GoogleEventLink.objects.get(event=synced).google_event_id == live["id"]


def test_a_repeated_insert_creates_no_duplicate(google, synced, user):
    GoogleEventLink.objects.all().delete()  # e.g. the worker died after Google answered
    assert calendar_sync.sync_event(synced.pk, user.pk) == "inserted"
    assert len(google.live_events()) == 1
    assert len(google.api_calls("PATCH")) == 1  # the 409 was turned into a patch


def test_participants_get_a_copy_and_calls_are_not_synced(
    google, company, user, meeting_type, django_capture_on_commit_callbacks
):
    guest = member(company)
    connect(google, user)
    connect(google, guest)
    meeting = make_meeting(company, user, meeting_type)
    meeting.participants.set([guest])
    save_and_sync(meeting, django_capture_on_commit_callbacks)
    assert set(GoogleEventLink.objects.values_list("user_id", flat=True)) == {user.pk, guest.pk}

    call_type = EventType.objects.create(code="gc-call", name_en="Call", kind=EventKind.CALL)
    save_and_sync(make_meeting(company, user, call_type, subject="Phone"), django_capture_on_commit_callbacks)
    assert len(google.api_calls("POST")) == 2

    # The guest leaves the meeting: their copy goes away, the owner's stays.
    meeting.participants.set([])
    save_and_sync(meeting, django_capture_on_commit_callbacks)
    assert list(GoogleEventLink.objects.values_list("user_id", flat=True)) == [user.pk]
    assert len(google.live_events()) == 1


def test_users_without_a_connection_are_left_alone(
    google, company, user, meeting_type, django_capture_on_commit_callbacks
):
    save_and_sync(make_meeting(company, user, meeting_type), django_capture_on_commit_callbacks)
    assert google.requests == []


# -- failures ---------------------------------------------------------------------------------


def test_revoked_access_marks_the_connection_failing_and_saving_still_works(
    google, synced, user, django_capture_on_commit_callbacks
):
    google.revoke_all()  # the user removed the CRM from their Google account
    synced.subject = "Contract signing (moved)"
    save_and_sync(synced, django_capture_on_commit_callbacks)

    synced.refresh_from_db()
    assert synced.subject == "Contract signing (moved)"
    connection = GoogleCalendarConnection.objects.get(user=user)
    assert connection.status == GoogleConnectionStatus.FAILING
    assert connection.last_error
    # A failing connection is not used again until the user reconnects.
    calls = len(google.requests)
    save_and_sync(synced, django_capture_on_commit_callbacks)
    assert len(google.requests) == calls


def test_a_401_answer_marks_the_connection_failing(google, synced, user, django_capture_on_commit_callbacks):
    google.fail_next(401, times=3)  # the client refreshes the token twice, then gives up
    synced.subject = "Still saved"
    save_and_sync(synced, django_capture_on_commit_callbacks)

    assert Event.objects.get(pk=synced.pk).subject == "Still saved"
    connection = GoogleCalendarConnection.objects.get(user=user)
    assert connection.status == GoogleConnectionStatus.FAILING
    assert "401" in connection.last_error


def test_a_500_is_a_retryable_error(google, synced, user):
    google.fail_next(500)
    with pytest.raises(GoogleSyncError):
        calendar_sync.sync_event(synced.pk, user.pk)
    assert GoogleCalendarConnection.objects.get(user=user).status == GoogleConnectionStatus.ACTIVE


def test_the_task_retries_after_500s(google, company, user, meeting_type, django_capture_on_commit_callbacks):
    connect(google, user)
    google.fail_next(500, times=2)
    event = make_meeting(company, user, meeting_type)
    save_and_sync(event, django_capture_on_commit_callbacks)

    assert len(google.api_calls("POST")) == 3
    assert GoogleEventLink.objects.filter(event=event, user=user).exists()
    connection = GoogleCalendarConnection.objects.get(user=user)
    assert connection.status == GoogleConnectionStatus.ACTIVE
    assert connection.last_error == ""


def test_the_task_gives_up_after_its_retries_and_shows_the_error(google, company, user, meeting_type):
    connect(google, user)
    google.fail_next(500, times=MAX_RETRIES + 5)
    event = make_meeting(company, user, meeting_type)

    result = sync_event_to_google.apply(args=(event.pk, user.pk))

    assert result.failed()
    assert len(google.api_calls("POST")) == MAX_RETRIES + 1
    connection = GoogleCalendarConnection.objects.get(user=user)
    assert connection.status == GoogleConnectionStatus.ACTIVE
    assert "500" in connection.last_error


# -- credentials ------------------------------------------------------------------------------


def test_credentials_are_stored_encrypted(google, user):
    connection = connect(google, user)
    blob = bytes(GoogleCalendarConnection.objects.get(pk=connection.pk).encrypted_credentials)
    creds = calendar_sync.decrypt_credentials(blob)
    assert creds.token.startswith("ya29.")
    assert creds.token.encode() not in blob
    assert creds.refresh_token.encode() not in blob
    assert b"refresh" not in blob
    assert creds.refresh_token == "1//refresh-" + user.username
    assert creds.token_uri == google.url + "token"


def test_expired_credentials_are_refreshed_and_stored_again(
    google, company, user, meeting_type, django_capture_on_commit_callbacks
):
    connection = connect(google, user, expiry=utc_now() - timedelta(minutes=5))
    old_token = calendar_sync.decrypt_credentials(connection.encrypted_credentials).token
    save_and_sync(make_meeting(company, user, meeting_type), django_capture_on_commit_callbacks)

    [refresh] = [r for r in google.requests if r.path == "/token"]
    assert refresh.body["grant_type"] == "refresh_token"
    connection.refresh_from_db()
    new_token = calendar_sync.decrypt_credentials(connection.encrypted_credentials).token
    assert new_token != old_token
    assert google.api_calls("POST")[0].authorization == f"Bearer {new_token}"


# -- OAuth web flow ---------------------------------------------------------------------------


def test_connecting_through_the_oauth_callback(google, client, user):
    client.force_login(user)
    response = client.post(reverse("events:google_connect"))
    assert response.status_code == 302
    auth = urlsplit(response["Location"])
    query = parse_qs(auth.query)
    assert auth.netloc == "accounts.google.com"
    assert query["client_id"] == [CLIENT_ID]
    assert query["access_type"] == ["offline"]
    assert query["prompt"] == ["consent"]
    assert "https://www.googleapis.com/auth/calendar.events" in query["scope"][0].split()
    assert query["redirect_uri"] == ["http://testserver/events/calendar/google/callback/"]
    state = query["state"][0]

    # Google sends the user back with a code.
    response = client.get(reverse("events:google_callback"), {"code": "4/good-code", "state": state})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:calendar_settings")

    connection = GoogleCalendarConnection.objects.get(user=user)
    assert connection.status == GoogleConnectionStatus.ACTIVE
    assert connection.google_email == google.email
    creds = calendar_sync.decrypt_credentials(connection.encrypted_credentials)
    assert creds.token in google.access_tokens
    assert creds.refresh_token in google.refresh_tokens
    [exchange] = [r for r in google.requests if r.path == "/token"]
    assert exchange.body["code"] == "4/good-code"
    assert exchange.body["redirect_uri"] == "http://testserver/events/calendar/google/callback/"
    assert exchange.body["code_verifier"]  # PKCE
    page = client.get(reverse("events:calendar_settings"))
    assert google.email in page.content.decode()


def test_the_callback_with_a_foreign_state_connects_nothing(google, client, user):
    client.force_login(user)
    client.post(reverse("events:google_connect"))
    response = client.get(reverse("events:google_callback"), {"code": "4/good-code", "state": "forged"})
    assert response.status_code == 302
    assert not GoogleCalendarConnection.objects.exists()
    assert [r for r in google.requests if r.path == "/token"] == []
    [message] = get_messages(response.wsgi_request)
    assert "does not belong to this session" in str(message)


def test_refused_consent_shows_a_message(google, client, user):
    client.force_login(user)
    client.post(reverse("events:google_connect"))
    response = client.get(reverse("events:google_callback"), {"error": "access_denied"}, follow=True)
    assert not GoogleCalendarConnection.objects.exists()
    assert "You did not allow access to your Google calendar" in response.content.decode()


def test_a_rejected_code_shows_a_message(google, client, user):
    client.force_login(user)
    state = parse_qs(urlsplit(client.post(reverse("events:google_connect"))["Location"]).query)["state"][0]
    response = client.get(
        reverse("events:google_callback"), {"code": "bad-code", "state": state}, follow=True
    )
    assert not GoogleCalendarConnection.objects.exists()
    assert "Google did not accept the authorisation" in response.content.decode()


def test_connecting_copies_upcoming_meetings(
    google, client, company, user, meeting_type, django_capture_on_commit_callbacks
):
    event = make_meeting(company, user, meeting_type, starts_at=timezone.now() + timedelta(days=3))
    make_meeting(company, user, meeting_type, starts_at=timezone.now() - timedelta(days=30))
    client.force_login(user)
    state = parse_qs(urlsplit(client.post(reverse("events:google_connect"))["Location"]).query)["state"][0]
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("events:google_callback"), {"code": "4/good-code", "state": state})
    assert list(GoogleEventLink.objects.values_list("event_id", flat=True)) == [event.pk]


def test_disconnect_revokes_the_token(google, client, user):
    connection = connect(google, user)
    refresh_token = calendar_sync.decrypt_credentials(connection.encrypted_credentials).refresh_token
    client.force_login(user)
    response = client.post(reverse("events:google_disconnect"))
    assert response.status_code == 302

    connection.refresh_from_db()
    assert connection.status == GoogleConnectionStatus.REVOKED
    assert bytes(connection.encrypted_credentials) == b""
    [revoke] = [r for r in google.requests if r.path == "/revoke"]
    assert revoke.query["token"] == refresh_token
    assert refresh_token in google.revoked


def test_disconnect_works_when_google_cannot_be_reached(google, settings, client, user):
    connection = connect(google, user)
    settings.GOOGLE_OAUTH_REVOKE_URI = "http://127.0.0.1:9/revoke"  # nothing listens there
    client.force_login(user)
    client.post(reverse("events:google_disconnect"))
    connection.refresh_from_db()
    assert connection.status == GoogleConnectionStatus.REVOKED


def test_the_settings_page_shows_a_failing_connection(google, client, user):
    connection = connect(google, user)
    connection.status = GoogleConnectionStatus.FAILING
    connection.last_error = "Google refused to renew the access: invalid_grant"
    connection.save()
    client.force_login(user)
    content = client.get(reverse("events:calendar_settings")).content.decode()
    assert "Google refused the connection" in content
    assert "invalid_grant" in content
    assert reverse("events:google_connect") in content


def test_connect_without_an_oauth_client_explains_it(settings, client, user):
    settings.GOOGLE_OAUTH_CLIENT_ID = ""
    client.force_login(user)
    response = client.post(reverse("events:google_connect"), follow=True)
    assert "Google Calendar is not set up on this server" in response.content.decode()
