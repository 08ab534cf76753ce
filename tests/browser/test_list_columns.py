"""Column choice and row actions in Chromium (issue 18): columns chosen in the toolbar's "Columns" menu
at laptop width (the choice lands in the address, every column ticked again leaves no trace in it), a
task marked done from its row's menu by keyboard alone (focus back on the rows), the row menu within reach at
phone width; in Hungarian at 390 px the "Columns" panel inside the screen, Escape closing the toolbar's panels,
and the sticky "⋯" cell narrow and solid."""

import re

from django.conf import settings
from playwright.sync_api import Page, expect

from communications.models import Task, TaskStatus
from tests.browser.test_lists_board import login
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member


def header_texts(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("table thead th").all_text_contents()]


def test_choose_columns_and_mark_a_task_done_by_keyboard(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    seller = member(company, *ALL, "partners.view_partner", username="sanyi")
    PartnerAccountFactory(
        company=company, owner=seller, partner=PartnerFactory(name="Duna Zrt.", tax_number="12345678")
    )
    call = factories.task(company, seller, subject="Call the Duna buyer")
    factories.task(company, seller, subject="Send the signed offer")

    # 1366 px: untick "Tax number" and "Type" in the Columns menu and apply.
    login(page, live_server, "sanyi", "/partners/")
    expect(page.locator("table thead")).to_contain_text("Tax number")
    page.locator(".list-columns summary").click()
    page.get_by_label("Tax number", exact=True).uncheck()
    page.get_by_label("Type", exact=True).uncheck()
    page.get_by_role("button", name="Show these columns").click()
    expect(page).to_have_url(re.compile(r"cols=status"))
    expect(page.locator("table thead")).not_to_contain_text("Tax number")
    expect(page.locator("table tbody")).not_to_contain_text("12345678")
    expect(page.locator(".list-columns summary")).to_contain_text("(4 of 6)")
    assert header_texts(page)[:4] == ["Name", "Status", "Owner", "Source"]
    # Sorting keeps the choice.
    page.get_by_role("link", name="Status", exact=True).click()
    expect(page).to_have_url(re.compile(r"cols=status.*sort=status"))
    expect(page.locator("table thead")).not_to_contain_text("Tax number")
    # Every column ticked again: the address carries no column choice (lists.js drops it).
    page.locator(".list-columns summary").click()
    page.get_by_label("Tax number", exact=True).check()
    page.get_by_label("Type", exact=True).check()
    page.get_by_role("button", name="Show these columns").click()
    expect(page.locator("table thead")).to_contain_text("Tax number")
    assert "cols=" not in page.url

    # The task list: the row's menu opens from the keyboard and "Mark done" posts and comes back here.
    page.goto(f"{live_server.url}/tasks/?status=new")
    summary = page.get_by_text(f"Actions: {call.number}")
    menu = page.locator("details.row-menu", has=summary)
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Open")).to_be_visible()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Open")).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Edit")).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("button", name="Mark done")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/tasks/?status=new")
    expect(page.get_by_text(f"{call.number} moved to “Done”.")).to_be_visible()
    expect(page.locator("table tbody")).not_to_contain_text("Call the Duna buyer")
    expect(page.locator("table tbody tr")).to_have_count(1)
    # Focus is back on the rows: the menu button of the row now in the done task's place (here the only one).
    expect(page.locator("table tbody details.row-menu summary").first).to_be_focused()
    assert Task.objects.get(pk=call.pk).status == TaskStatus.DONE

    # 390 px: the table scrolls in its frame, the page does not; each row's menu button stays in view.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tasks/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("element => element.scrollWidth > element.clientWidth")
    button = page.locator("details.row-menu summary").first
    expect(button).to_be_in_viewport()
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.row-menu").first.get_by_role("link", name="Open")).to_be_in_viewport()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")  # closes the menu, focus back on its button
    expect(page.locator("details.row-menu").first.get_by_role("link", name="Open")).to_be_hidden()
    expect(button).to_be_focused()


def test_the_columns_panel_fits_a_phone_in_hungarian(live_server, page: Page):
    """390 px, Hungarian (longer labels than English): the open "Oszlopok" panel stays inside the screen,
    the page does not scroll sideways and the apply button is in view. Escape closes the toolbar's panels
    (focus back on their summary); the sticky "⋯" cell is narrow and solid and hides no column at the end."""
    company = CompanyFactory(name="Alfa Kft.", language="hu")
    seller = member(company, *ALL, "partners.view_partner", "receivables.view_receivables", username="sanyi")
    PartnerAccountFactory(company=company, owner=seller, partner=PartnerFactory(name="Duna Zrt."))
    factories.task(company, seller, subject="Call the Duna buyer")

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "hu", "url": live_server.url}])
    login(page, live_server, "sanyi", "/partners/", width=390, height=844)
    for url in ("/partners/", "/orders/", "/receivables/letters/", "/tasks/"):
        page.goto(f"{live_server.url}{url}")
        summary = page.locator(".list-columns summary")
        expect(summary).to_contain_text("Oszlopok")
        summary.click()
        apply = page.locator(".list-columns-fields button[type=submit]")
        expect(apply).to_be_visible()
        expect(apply).to_be_in_viewport()
        expect(page.locator(".list-columns-fields")).to_be_in_viewport(ratio=1)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        # Escape closes the panel and puts focus back on its summary.
        page.locator(".list-columns-fields input[type=checkbox]:not([disabled])").first.focus()
        page.keyboard.press("Escape")
        expect(apply).to_be_hidden()
        expect(summary).to_be_focused()

    # The toolbar's other panels ("More filters", "Views") close on Escape too, focus back on their summary.
    for panel, field in (
        ("details.list-more", "input, select"),
        ("details.saved-view-menu", "input[type=text]"),
    ):
        details = page.locator(panel)
        details.locator("summary").click()
        expect(details).to_have_attribute("open", "")
        details.locator(field).first.focus()
        page.keyboard.press("Escape")
        expect(details).not_to_have_attribute("open", "")
        expect(details.locator("summary")).to_be_focused()

    # The sticky "⋯" cell: a narrow solid layer; scrolled to the table's end, the last real column sits
    # beside it, not under it.
    page.goto(f"{live_server.url}/tasks/")
    actions = page.locator("table tbody td.row-actions").first
    expect(actions).to_be_in_viewport()
    assert actions.evaluate("cell => getComputedStyle(cell).backgroundColor") not in (
        "transparent",
        "rgba(0, 0, 0, 0)",
    )
    page.locator(".table-wrap").first.evaluate("frame => { frame.scrollLeft = frame.scrollWidth; }")
    rem = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert actions.evaluate("cell => cell.getBoundingClientRect().width") <= 2.1 * rem  # 2rem wide
    gap = actions.evaluate(
        "cell => cell.getBoundingClientRect().left - cell.previousElementSibling.getBoundingClientRect().right"
    )
    assert gap >= -1, gap
