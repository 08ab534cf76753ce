"""The task board and the list toolbar in Chromium (issue 18): a card moves by keyboard (its status
select and Move button) and by drag and drop; the list's chips remove a filter; a saved view is saved,
shown as a tab and opens the list by default; the header row sticks while the rows scroll."""

from playwright.sync_api import Page, expect

from communications.models import Task, TaskStatus
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import PASSWORD, CompanyFactory, member


def login(
    page: Page, live_server, username: str, next_url: str, width: int = 1366, height: int = 768
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def column(page: Page, status: str):
    return page.locator(f'[data-status-column="{status}"]')


def test_a_card_moves_by_keyboard_and_by_drag(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    seller = member(company, *ALL, username="sanyi")
    call = factories.task(company, seller, subject="Call the Duna buyer")
    offer = factories.task(company, seller, subject="Send the signed offer")

    login(page, live_server, "sanyi", "/tasks/board/")
    expect(column(page, "new").locator(".task-card")).to_have_count(2)

    # Keyboard: focus the card's status select, pick "In progress", Tab to "Move", press Enter.
    select = page.locator(f"#status-{call.pk}")
    select.focus()
    select.select_option("in_progress")
    page.keyboard.press("Tab")
    expect(page.locator(f"#card-{call.pk} button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(column(page, "in_progress").locator(f"#card-{call.pk}")).to_be_visible()
    expect(page.locator(f"#status-{call.pk}")).to_be_focused()  # focus comes back to the moved card
    expect(page.locator("#board-note")).to_contain_text("moved to “In progress”")
    assert Task.objects.get(pk=call.pk).status == TaskStatus.IN_PROGRESS

    # Drag and drop: the other card onto the "Done" column.
    page.locator(f"#card-{offer.pk}").drag_to(column(page, "done"))
    expect(column(page, "done").locator(f"#card-{offer.pk}")).to_be_visible()
    expect(column(page, "new").locator(".task-card")).to_have_count(0)
    assert Task.objects.get(pk=offer.pk).status == TaskStatus.DONE
    expect(column(page, "done").locator(f"#card-{offer.pk}")).to_have_class("task-card task-status-done")

    # The board works at phone width too: no horizontal scroll.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_chips_saved_views_and_the_sticky_header(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    seller = member(company, *ALL, username="sanyi")
    for n in range(40):
        factories.task(company, seller, subject=f"Task {n:02d}", status="in_progress" if n % 2 else "new")

    login(page, live_server, "sanyi", "/tasks/?per_page=50")
    # A quick filter applies at once and shows as a chip.
    page.locator(".list-quick select[name=status]").select_option("in_progress")
    chip = page.locator(".filter-chips .chip", has_text="Status: In progress")
    expect(chip).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(20)

    # Save it as a view, opened by default.
    page.locator(".saved-view-menu summary").click()
    page.fill("#saved-view-name-tasks", "In progress")
    page.locator(".saved-view-save input[name=make_default]").check()
    page.locator(".saved-view-save button[type=submit]").click()
    expect(page.locator(".saved-views a[aria-current=page]")).to_contain_text("In progress")
    page.goto(f"{live_server.url}/tasks/")
    expect(page).to_have_url(f"{live_server.url}/tasks/?per_page=50&status=in_progress")

    # Removing the chip shows everything again (and does not fall back to the default view).
    page.locator(".filter-chips .chip a").click()
    expect(page.locator(".filter-chips")).to_have_count(0)
    expect(page.locator("tbody tr")).to_have_count(40)

    # The header row stays in view while the rows scroll.
    header = page.locator("table.item-list thead th").nth(1)
    wrap = page.locator(".table-wrap").first
    wrap.evaluate("element => element.scrollTo(0, 600)")
    top = header.evaluate("element => element.getBoundingClientRect().top")
    wrap_top = wrap.evaluate("element => element.getBoundingClientRect().top")
    assert abs(top - wrap_top) < 3, (top, wrap_top)
