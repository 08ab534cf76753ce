"""The calendar in Chromium: the month fits a phone with its agenda; the week grid opens at 08:00 and a
click on a slot opens the event form at that time."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import PASSWORD, CompanyFactory, member

FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")


def log_in(page: Page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def _calendar_user(username: str):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    user = member(company, *FUNCTIONS, username=username)
    call = EventTypeFactory(code="call", name_en="Call", kind="call", colour="#0f766e")
    today = timezone.localdate()
    EventFactory(
        company=company, type=call, owner=user, subject="Call the Duna buyer", starts_at=at(today, 10)
    )
    EventFactory(company=company, type=call, owner=user, subject="Late evening call", starts_at=at(today, 20))
    return user, today


def test_the_month_fits_a_phone_with_seven_days_and_the_agenda(live_server, page: Page):
    _calendar_user("phone")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "phone", "/events/calendar/view/?view=month")
    headers = page.locator("table.cal-month thead th")
    expect(headers).to_have_count(7)
    for index in range(7):
        expect(headers.nth(index)).to_be_visible()
        box = headers.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, box)
    sunday = headers.nth(6)
    expect(sunday.locator("abbr")).to_have_attribute("title", "Sunday")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("td.is-today")).to_have_count(1)
    agenda = page.locator("section.cal-agenda")
    expect(agenda.get_by_role("heading", name="Agenda")).to_be_visible()
    expect(agenda.get_by_text("Call the Duna buyer")).to_be_visible()
    agenda.get_by_text("Call the Duna buyer").click()
    expect(page.get_by_role("heading", name="Call the Duna buyer")).to_be_visible()


def test_the_week_opens_at_eight_and_a_slot_opens_the_form_at_its_time(live_server, page: Page):
    _, today = _calendar_user("laptop")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "laptop", "/events/calendar/view/")
    scroller = page.locator(".cal-scroll")
    eight = page.locator(".cal-hour").nth(8)
    expect(eight).to_have_text("08:00")
    expect(eight).to_be_in_viewport()
    # 08:00 is at the top of the scrolling grid; 20:00 needs scrolling.
    top = scroller.bounding_box()["y"]
    assert abs(eight.bounding_box()["y"] - top) < 12, (eight.bounding_box(), top)
    evening = page.locator(".cal-event", has_text="Late evening call")
    assert evening.bounding_box()["y"] > top + scroller.bounding_box()["height"]
    morning = page.locator(".cal-event", has_text="Call the Duna buyer")
    expect(morning).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    slot = page.locator(f'.cal-day[data-day="{today.isoformat()}"] .cal-slot[data-slot$="T15:30"]')
    slot.click()
    expect(page.locator("#id_starts_at")).to_have_value(f"{today.isoformat()}T15:30")
    page.go_back()
    page.locator(".cal-event", has_text="Call the Duna buyer").click()
    expect(page.get_by_role("heading", name="Call the Duna buyer")).to_be_visible()


def test_a_day_before_today_in_the_week_is_not_marked_today(live_server, page: Page):
    _, today = _calendar_user("marker")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(
        page, live_server, "marker", f"/events/calendar/view/?date={(today - timedelta(days=7)).isoformat()}"
    )
    expect(page.locator(".cal-day-head.is-today")).to_have_count(0)
    page.get_by_role("button", name="Today").click()
    expect(page.locator(".cal-day-head.is-today")).to_have_count(1)
