"""The iCalendar (RFC 5545) subscription feed of one user in one company.

Any calendar app (Apple, Outlook, Thunderbird, Google "From URL") subscribes to
the secret URL; it holds the events the user may see, from 30 days ago on.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone, translation

from companies.visibility import Viewer
from events.models import Event

PAST_DAYS = 30
MAX_EVENTS = 2000
DEFAULT_DURATION = timedelta(minutes=30)
REFRESH_INTERVAL = timedelta(minutes=15)


def _base_url() -> str:
    return getattr(settings, "CRM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _host() -> str:
    return urlsplit(_base_url()).hostname or "crm.invalid"


def _event_url(event: Event) -> str:
    try:
        return _base_url() + event.get_absolute_url()
    except NoReverseMatch:
        return ""


def feed_events(user, company):
    """The events of the feed: visible to the user in the company, from 30 days ago, at most 2000."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    return (
        Event.objects.visible_to(Viewer.for_user(user, company))
        .filter(starts_at__gte=since)
        .select_related("type", "partner")
        .order_by("starts_at", "pk")[:MAX_EVENTS]
    )


def _description(event: Event, url: str) -> str:
    lines = []
    if event.notes:
        lines += [event.notes, ""]
    if event.partner_id:
        lines.append(f"{translation.gettext('Partner')}: {event.partner.name}")
    if not event.is_open:
        lines.append(f"{translation.gettext('Outcome')}: {event.get_outcome_display()}")
    if url:
        lines.append(url)
    return "\n".join(lines).strip()


def _vevent(event: Event, host: str, now) -> icalendar.Event:
    url = _event_url(event)
    vevent = icalendar.Event()
    vevent.add("uid", f"crm-event-{event.pk}@{host}")
    vevent.add("dtstamp", (event.updated_at or now).astimezone(UTC))
    vevent.add("last-modified", (event.updated_at or now).astimezone(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", (event.ends_at or event.starts_at + DEFAULT_DURATION).astimezone(UTC))
    summary = f"{event.type.name}: {event.subject}"
    if event.partner_id:
        summary += f" – {event.partner.name}"
    vevent.add("summary", summary)
    if event.location:
        vevent.add("location", event.location)
    description = _description(event, url)
    if description:
        vevent.add("description", description)
    if url:
        vevent.add("url", url)
    # Closed events stay in the calendar as they happened; nothing is ever CANCELLED.
    vevent.add("status", "CONFIRMED")
    if event.reminder_minutes is not None:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(minutes=-int(event.reminder_minutes)))
        vevent.add_component(alarm)
    return vevent


def build_feed(user, company) -> bytes:
    """The VCALENDAR document, in the company's language."""
    host = _host()
    now = timezone.now()
    language = getattr(company, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", f"-//CRM//{host}//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", f"CRM · {company.name} · {user}")
        # Times are written in UTC (exact whatever the reader's zone); this names the company's zone,
        # which calendar apps use to show the feed (Europe/Sofia for a Bulgarian company).
        calendar.add("x-wr-timezone", company.time_zone_name)
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT15M")  # Outlook's refresh hint (a plain duration text)
        for event in feed_events(user, company):
            calendar.add_component(_vevent(event, host, now))
    return calendar.to_ical()
