"""The bell in Chromium: one entry per task with its count and a relative time; opening it leads to the
task and the bell's number drops by that one item; opening a task's page directly reads its item too."""

import re

from playwright.sync_api import Page, expect

from communications import services
from tests.communications import factories
from tests.factories import PASSWORD, CompanyFactory, member

FUNCTIONS = ("communications.view_task", "communications.view_thread", "communications.change_task")


def test_opening_a_grouped_item_reads_it_and_the_count_follows(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    reader = member(company, *FUNCTIONS, username="belle")
    boss = member(company, *FUNCTIONS, first_name="Márk", last_name="Szabó")
    task = factories.task(company, boss, assignee=reader, subject="Send the signed offer")
    services.task_update(task=task, actor=boss, description=f"@[{reader}](user:{reader.pk}) please hurry")
    other = factories.task(company, boss, assignee=reader, subject="Call the Duna buyer")

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/?next=/notifications/")
    page.fill("#id_username", "belle")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    count = page.locator("#bell .bell-count")
    expect(count).to_have_attribute("data-count", "2")  # filled by the /live/ poll on load
    expect(page.locator(".notifications-unread")).to_have_attribute("data-count", "2")
    page.locator("#bell summary").click()
    item = page.locator("#bell .bell-item", has_text="Send the signed offer")
    expect(item).to_be_visible()
    expect(item).to_contain_text("2 new")
    # Relative: "now" when it has just happened, then "... ago" (an open bell is not redrawn by the poll).
    expect(item.locator("time")).to_have_text(re.compile(r"^now$|ago"))
    item.click()
    expect(page).to_have_url(f"{live_server.url}/tasks/{task.pk}/")
    expect(page.locator("#bell .bell-count")).to_have_attribute("data-count", "1")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator(".notifications-unread")).to_have_attribute("data-count", "1")
    expect(page.locator(".notifications li.unread")).to_have_count(1)
    expect(page.locator(".notifications li.unread")).to_contain_text("Call the Duna buyer")
    # Opening the other task's page directly (not from the bell) reads its notification too.
    page.goto(f"{live_server.url}/tasks/{other.pk}/")
    expect(page.locator("#bell .bell-count")).to_have_attribute("data-count", "0")


def test_an_open_bell_stays_open_through_the_live_poll(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    reader = member(company, *FUNCTIONS, username="bella")
    boss = member(company, *FUNCTIONS)
    factories.task(company, boss, assignee=reader, subject="Check the invoice")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/?next=/tasks/")
    page.fill("#id_username", "bella")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#bell .bell-count")).to_have_attribute("data-count", "1")
    page.locator("#bell summary").click()
    expect(page.locator("#bell details")).to_have_attribute("open", "")
    # The next poll arrives (as the 5-second timer sends it) while the list is open; htmx.ajax's promise
    # resolves once its answer, the bell included (out of band), has been swapped in.
    page.evaluate("htmx.ajax('GET', '/live/', {target: '#reminder-popups', swap: 'innerHTML'})")
    # ... and the reader still has the list in front of them.
    expect(page.locator("#bell details")).to_have_attribute("open", "")
    expect(page.locator("#bell .bell-item", has_text="Check the invoice")).to_be_visible()
