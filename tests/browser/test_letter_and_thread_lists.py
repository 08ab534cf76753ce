"""The dunning letter and thread lists in Chromium: columns chosen in the toolbar's "Columns" menu, a row's
menu opened by keyboard and followed (a new task in the thread, the partner's receivables page), no
serious or critical axe-core violation and no sideways scroll at 1366 and 390 px."""

import re
from datetime import date

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from receivables.models import DunningLetter
from tests.browser.test_lists_board import login
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member


def header_texts(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("table thead th").all_text_contents()]


def test_letters_and_threads_columns_menus_and_axe(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    clerk = member(
        company, *ALL, "communications.change_thread", "receivables.view_receivables",
        "companies.view_all_company_data", "partners.view_partner", "events.view_event", "events.add_event",
        username="fanni",
    )  # fmt: skip
    partner = PartnerAccountFactory(
        company=company, owner=clerk, partner=PartnerFactory(name="Duna Zrt.")
    ).partner
    for day, level in ((23, 1), (30, 2)):
        DunningLetter.objects.create(
            company=company, partner=partner, slot=date(2026, 11, day), level=level,
            sequence_started_on=date(2026, 11, 23), subject="Reminder", body="-",
            totals={"HUF": "1234567"}, recipients=["ap@duna.example"],
        )  # fmt: skip
    thread = factories.thread(company, clerk, subject="Tender 2027", partner=partner)

    # Letters at 1366 px: hide "Recipients" and "Sent".
    login(page, live_server, "fanni", "/receivables/letters/")
    expect(page.locator("table tbody")).to_contain_text("ap@duna.example")
    page.locator(".list-columns summary").click()
    page.get_by_label("Recipients", exact=True).uncheck()
    page.get_by_label("Sent", exact=True).uncheck()
    page.get_by_role("button", name="Show these columns").click()
    expect(page).to_have_url(re.compile(r"cols=partner"))
    expect(page.locator("table tbody")).not_to_contain_text("ap@duna.example")
    expect(page.locator(".list-columns summary")).to_contain_text("(5 of 7)")
    assert header_texts(page)[:5] == ["Due slot", "Partner", "Level", "Total", "Status"]
    # The first row's menu by keyboard: Open, then the partner's receivables page.
    summary = page.locator("details.row-menu summary").first
    summary.focus()
    page.keyboard.press("Enter")
    menu = page.locator("details.row-menu").first
    expect(menu.get_by_role("link", name="Open", exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Invoices, letters and collection")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/receivables/partners/{partner.pk}/")

    # Threads: the search and the columns in one form; the row's "New task" opens the form in the thread.
    page.goto(f"{live_server.url}/threads/")
    page.locator(".list-columns summary").click()
    page.get_by_label("Counterparty", exact=True).uncheck()
    page.get_by_role("button", name="Show these columns").click()
    expect(page.locator("table thead")).not_to_contain_text("Counterparty")
    page.get_by_placeholder("Subject or counterparty").fill("tender")
    page.get_by_placeholder("Subject or counterparty").press("Enter")
    expect(page).to_have_url(re.compile(r"q=tender"))
    expect(page.locator("table thead")).not_to_contain_text("Counterparty")  # the choice kept
    page.locator("details.row-menu summary", has_text="Actions: Tender 2027").click()
    page.get_by_role("link", name="New task").click()
    expect(page).to_have_url(f"{live_server.url}/tasks/new/?thread={thread.pk}")
    expect(page.locator("#id_thread option:checked")).to_have_text("Tender 2027")

    axe = Axe()
    problems = []
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for url in (
            "/receivables/letters/",
            "/receivables/letters/?cols=status",
            "/threads/",
            "/threads/?q=x",
        ):
            page.goto(live_server.url + url)
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{url} @{width}: {violation['id']} {violation['help']} {targets}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{url} @{width}: scrolls sideways ({scroll}px)")
        if width == 390:  # the row menu stays within reach at phone width
            page.goto(f"{live_server.url}/receivables/letters/")
            button = page.locator("details.row-menu summary").first
            expect(button).to_be_in_viewport()
            button.click()
            expect(
                page.locator("details.row-menu").first.get_by_role("link", name="Open", exact=True)
            ).to_be_in_viewport()
            page.screenshot(path="/tmp/teamlists_check/letters-390.png")
    assert not problems, "\n".join(problems)
