"""Events in a real Chromium: the meeting block leads to closing; a reminder pops up without reload."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event
from events.reminders import deliver_due_reminders
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import PASSWORD, CompanyFactory, PartnerAccountFactory, PartnerFactory, member

FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")


def log_in(page: Page, live_server, username: str, next_url: str = "/") -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_blocked_user_is_led_to_close_the_meeting(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.")
    seller = member(company, *FUNCTIONS, username="blocked", groups=[Group.objects.create(name="Sales")])
    ended = timezone.now() - timedelta(days=10)
    meeting = EventFactory(
        company=company,
        type=EventTypeFactory(code="meeting", name_en="Meeting", kind="meeting"),
        owner=seller,
        subject="Quarterly review at Duna",
        starts_at=ended - timedelta(hours=1),
        ends_at=ended,
    )

    log_in(page, live_server, "blocked", "/partners/")
    expect(page).to_have_url(f"{live_server.url}/events/overdue/")
    expect(page.get_by_text("Quarterly review at Duna")).to_be_visible()
    page.goto(f"{live_server.url}/org/")
    expect(page).to_have_url(f"{live_server.url}/events/overdue/")

    page.get_by_label("Successful", exact=True).check()
    page.get_by_label("Closing note").fill("Signed the framework contract.")
    page.get_by_role("button", name="Close the event").click()
    expect(page.get_by_text("closed.")).to_be_visible()
    page.goto(f"{live_server.url}/partners/")
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.outcome == "successful"
    assert meeting.closing_note == "Signed the framework contract."


def test_reminder_pops_up_without_reload(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.")
    owner = member(company, *FUNCTIONS, username="reminded")
    partner = PartnerAccountFactory(
        company=company, owner=owner, partner=PartnerFactory(name="Tisza Kft.")
    ).partner
    log_in(page, live_server, "reminded", "/partners/")
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    page.evaluate("window.__notReloaded = true")

    event = EventFactory(
        company=company,
        type=EventTypeFactory(code="call", name_en="Phone call"),
        owner=owner,
        partner=partner,
        subject="Call about the delivery date",
        starts_at=timezone.now() + timedelta(minutes=10),
        reminder_minutes=15,
    )
    deliver_due_reminders()

    popup = page.locator(".reminder-popup")
    expect(popup).to_contain_text("Call about the delivery date", timeout=30_000)  # polled every 5 s
    assert page.evaluate("window.__notReloaded") is True
    popup.get_by_role("button", name="Dismiss").click()
    expect(page.locator(".reminder-popup")).to_have_count(0)
    assert event.reminders.get().status == "dismissed"
    assert Event.objects.get(pk=event.pk).outcome == "open"
