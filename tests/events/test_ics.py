"""The iCalendar subscription feed: valid (parsed back with icalendar), private, revocable."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.ics import build_feed
from events.models import CalendarFeedToken, Event, EventKind, EventType, Outcome
from tests.factories import CompanyFactory, PartnerFactory, member

pytestmark = pytest.mark.django_db

BUDAPEST = ZoneInfo("Europe/Budapest")


@pytest.fixture(autouse=True)
def calendar_urls(settings):
    settings.CRM_BASE_URL = "https://crm.example.com"


@pytest.fixture
def company():
    return CompanyFactory(name="Alfa Kft.", language="en")


@pytest.fixture
def user(company):
    return member(company, first_name="Anna", last_name="Kiss")


@pytest.fixture
def meeting_type():
    return EventType.objects.create(code="ics-meeting", name_en="Meeting", kind=EventKind.MEETING)


def event(company, owner, event_type, **fields) -> Event:
    values = {"company": company, "type": event_type, "owner": owner, "subject": "Visit"}
    values.update(fields)
    return Event.objects.create(**values)


@pytest.fixture
def feed(user, company):
    return CalendarFeedToken.objects.create(user=user, company=company, token="secret-token-" + "x" * 30)


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_parses_back_with_the_visible_events(client, company, user, meeting_type, feed):
    starts = timezone.now().astimezone(BUDAPEST).replace(microsecond=0, second=0) + timedelta(days=2)
    mine = event(
        company,
        user,
        meeting_type,
        subject="Contract signing",
        partner=PartnerFactory(name="Duna Zrt."),
        location="Budapest, Váci út 12.",
        notes="Bring two copies.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        reminder_minutes=30,
    )
    closed = event(
        company,
        user,
        meeting_type,
        subject="Done",
        starts_at=starts - timedelta(days=3),
        outcome=Outcome.SUCCESSFUL,
    )
    event(company, user, meeting_type, subject="Long ago", starts_at=timezone.now() - timedelta(days=40))
    stranger = member(company)
    event(company, stranger, meeting_type, subject="Not yours", starts_at=starts)
    other_company = CompanyFactory()
    member(other_company, user=user)
    event(other_company, user, meeting_type, subject="Other company", starts_at=starts)

    response = client.get(reverse("events:ics_feed", args=[feed.token]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert "Alfa Kft." in str(calendar["X-WR-CALNAME"])
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT15M"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"crm-event-{mine.pk}@crm.example.com", f"crm-event-{closed.pk}@crm.example.com"}

    vevent = events[f"crm-event-{mine.pk}@crm.example.com"]
    assert vevent.decoded("DTSTART") == starts
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(0)
    assert vevent.decoded("DTEND") == starts + timedelta(hours=1)
    assert str(vevent["SUMMARY"]) == "Meeting: Contract signing – Duna Zrt."
    assert str(vevent["LOCATION"]) == "Budapest, Váci út 12."
    assert "Bring two copies." in str(vevent["DESCRIPTION"])
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["URL"]) == f"https://crm.example.com/events/{mine.pk}/"
    assert vevent.decoded("DTSTAMP")
    [alarm] = vevent.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)

    done = events[f"crm-event-{closed.pk}@crm.example.com"]
    assert str(done["STATUS"]) == "CONFIRMED"  # closed events stay, never CANCELLED
    assert not done.walk("VALARM")
    assert done.decoded("DTEND") == done.decoded("DTSTART") + timedelta(minutes=30)


def test_a_supervisor_sees_the_events_of_the_team(company, user, meeting_type):
    from tests.factories import supervise

    worker = member(company)
    supervise(company, user, worker)
    theirs = event(company, worker, meeting_type, subject="Team visit", starts_at=timezone.now())
    calendar = icalendar.Calendar.from_ical(build_feed(user, company))
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"crm-event-{theirs.pk}@crm.example.com"]


def test_an_empty_feed_is_still_a_valid_calendar(client, feed):
    calendar = parse(client.get(reverse("events:ics_feed", args=[feed.token])))
    assert calendar.walk("VEVENT") == []
    assert calendar.name == "VCALENDAR"


def test_a_user_no_longer_member_gets_an_empty_feed(client, company, user, meeting_type, feed):
    event(company, user, meeting_type, starts_at=datetime(2099, 1, 1, tzinfo=UTC))
    user.memberships.update(is_active=False)
    assert parse(client.get(reverse("events:ics_feed", args=[feed.token]))).walk("VEVENT") == []


def test_unknown_and_revoked_tokens_are_404(client, feed):
    assert client.get(reverse("events:ics_feed", args=["no-such-token"])).status_code == 404
    feed.revoked_at = timezone.now()
    feed.save()
    assert client.get(reverse("events:ics_feed", args=[feed.token])).status_code == 404


def test_rotating_gives_a_new_address_and_kills_the_old_one(client, company, user, feed):
    old_url = reverse("events:ics_feed", args=[feed.token])
    client.force_login(user)
    response = client.post(reverse("events:feed_rotate"), follow=True)

    new = CalendarFeedToken.objects.get(user=user, company=company, revoked_at__isnull=True)
    assert new.token != feed.token
    assert len(new.token) >= 40
    new_url = reverse("events:ics_feed", args=[new.token])
    assert "http://testserver" + new_url in response.content.decode()
    assert client.get(old_url).status_code == 404
    client.logout()
    assert client.get(new_url).status_code == 200  # no login needed


def test_revoking_kills_the_address(client, user, feed):
    client.force_login(user)
    response = client.post(reverse("events:feed_revoke"), follow=True)
    assert "You have no calendar address yet." in response.content.decode()
    assert client.get(reverse("events:ics_feed", args=[feed.token])).status_code == 404


def test_the_first_address_is_created_from_the_settings_page(client, user):
    client.force_login(user)
    page = client.get(reverse("events:calendar_settings")).content.decode()
    assert "You have no calendar address yet." in page
    assert "No Google account is connected." in page
    client.post(reverse("events:feed_rotate"))
    token = CalendarFeedToken.objects.get(user=user).token
    assert token in client.get(reverse("events:calendar_settings")).content.decode()


def test_the_settings_page_and_its_actions_need_login(client, feed):
    for name in ("calendar_settings",):
        response = client.get(reverse(f"events:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for name in ("feed_rotate", "feed_revoke", "google_connect", "google_disconnect"):
        response = client.post(reverse(f"events:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert CalendarFeedToken.objects.get().revoked_at is None


def test_actions_need_post(client, user):
    client.force_login(user)
    for name in ("feed_rotate", "feed_revoke", "google_connect", "google_disconnect"):
        assert client.get(reverse(f"events:{name}")).status_code == 405
    assert not CalendarFeedToken.objects.exists()
