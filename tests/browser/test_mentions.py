"""Mention a colleague through the picker; the colleague's open page shows it without reload."""

from playwright.sync_api import Browser, Page, expect

from communications.models import Mention, Notification, Task
from tests.factories import PASSWORD, CompanyFactory, member

FUNCTIONS = ("communications.view_task", "communications.add_task", "communications.view_thread")


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_mention_reaches_a_colleague_in_another_browser_without_reload(
    live_server, page: Page, browser: Browser
):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, *FUNCTIONS, username="writer", first_name="Vera", last_name="Writer")
    reader = member(company, *FUNCTIONS, username="reader", first_name="Rita", last_name="Reader")

    other_context = browser.new_context()
    other = other_context.new_page()
    log_in(other, live_server, "reader")
    expect(other.locator(".bell-count")).to_have_attribute("data-count", "0")
    other.evaluate("window.__notReloaded = true")

    log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/tasks/new/")
    page.fill("#id_subject", "Check the stock")
    description = page.locator("#id_description")
    description.click()
    description.press_sequentially("Please help @Rea", delay=30)
    option = page.locator(".mention-option", has_text="Rita Reader")
    expect(option).to_be_visible()
    description.press("Enter")
    expect(description).to_have_value(f"Please help @[Rita Reader](user:{reader.pk}) ")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("a.mention", has_text="@Rita Reader")).to_be_visible()

    task = Task.objects.get()
    assert Mention.objects.get().target == reader
    assert Notification.objects.filter(recipient=reader, verb="mention").count() == 1

    expect(other.locator(".bell-count")).to_have_attribute("data-count", "1", timeout=30_000)
    assert other.evaluate("window.__notReloaded") is True
    other.locator("#bell summary").click()
    other.locator(".bell-item").first.click()
    expect(other).to_have_url(f"{live_server.url}/tasks/{task.pk}/")
    other_context.close()


def test_typing_on_after_the_picker_opens_raises_no_error_and_a_typed_name_still_notifies(
    live_server, page: Page
):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, *FUNCTIONS, username="writer", first_name="Vera", last_name="Writer")
    reader = member(company, *FUNCTIONS, username="reader", first_name="Rita", last_name="Reader")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/tasks/new/")
    page.fill("#id_subject", "Check the stock")
    description = page.locator("#id_description")
    description.click()
    description.press_sequentially("Please help @Rit", delay=30)
    expect(page.locator(".mention-option", has_text="Rita Reader")).to_be_visible()
    # Go on typing without picking: the lookups still waiting must not throw once the "@" run ends.
    description.press_sequentially("a Reader, thanks", delay=20)
    page.wait_for_timeout(600)
    expect(page.locator(".mention-list")).to_be_hidden()
    assert errors == []
    page.get_by_role("button", name="Save").click()
    expect(page.locator("a.mention", has_text="@Rita Reader")).to_be_visible()
    assert Mention.objects.get().target == reader
    assert Notification.objects.filter(recipient=reader, verb="mention").count() == 1
    assert errors == []
