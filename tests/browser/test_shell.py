"""Log in, switch company, switch language, log out: in a real Chromium."""

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, CompanyFactory, PartnerAccountFactory, PartnerFactory, member


def test_login_switch_company_and_language(live_server, page: Page):
    alfa = CompanyFactory(name="Alfa Kft.")
    beta = CompanyFactory(name="Beta EOOD")
    user = member(alfa, "partners.view_partner", username="anna", first_name="Anna", last_name="Kiss")
    member(beta, "partners.view_partner", user=user)
    PartnerAccountFactory(company=alfa, owner=user, partner=PartnerFactory(name="Only In Alfa Zrt."))
    PartnerAccountFactory(company=beta, owner=user, partner=PartnerFactory(name="Only In Beta OOD"))

    page.goto(f"{live_server.url}/partners/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/partners/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "wrong password")
    page.click("main button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("didn't match")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")

    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    expect(page.get_by_role("link", name="Only In Alfa Zrt.")).to_be_visible()
    expect(page.get_by_text("Only In Beta OOD")).to_have_count(0)

    # The switcher submits itself on change (app.js; no inline script under the CSP).
    page.select_option("#company-select", label="Beta EOOD")
    expect(page.get_by_text("You are now working in Beta EOOD.")).to_be_visible()
    page.click("a[data-nav=partners]")
    expect(page.get_by_role("link", name="Only In Beta OOD")).to_be_visible()
    expect(page.get_by_text("Only In Alfa Zrt.")).to_have_count(0)

    # The language switcher lives in the user menu (it submits itself on change, too).
    page.click("#user-menu")
    page.select_option("#language-select", value="hu")
    expect(page.get_by_role("heading", name="Partnerek")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "hu")
    page.click("#user-menu")
    page.select_option("#language-select", value="bg")
    expect(page.get_by_role("heading", name="Партньори")).to_be_visible()

    page.click("#user-menu")
    page.click("#logout-button")
    page.goto(f"{live_server.url}/partners/")
    expect(page.locator("#id_username")).to_be_visible()


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()


def test_phone_width_has_a_menu_button_and_content_in_the_first_screen(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, "partners.view_partner", username="phone")
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, live_server.url, "phone")
    page.goto(f"{live_server.url}/partners/")
    # The header is one short row; the page's heading is in the first screen.
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= 64, header
    heading = page.get_by_role("heading", name="Partners").bounding_box()
    assert heading is not None and heading["y"] < 200, heading
    # The sections wait behind the menu button.
    partners_link = page.locator("a[data-nav=partners]")
    expect(partners_link).to_be_hidden()
    menu = page.locator("[data-menu-toggle]")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(partners_link).to_be_visible()
    box = partners_link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    page.keyboard.press("Escape")
    expect(partners_link).to_be_hidden()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375 + 1, f"page scrolls sideways: {scroll_width}px"


def test_the_menu_button_works_without_javascript(live_server, browser):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, "partners.view_partner", username="nojs")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server.url, "nojs")
    partners_link = page.locator("a[data-nav=partners]")
    expect(partners_link).to_be_hidden()
    page.click("a.menu-button")  # a link to #sidebar: CSS shows the target
    expect(partners_link).to_be_visible()
    partners_link.click()
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    context.close()


def test_laptop_header_is_one_row_and_the_keyboard_starts_at_a_skip_link(live_server, page: Page):
    alfa = CompanyFactory(name="Alfa Kereskedelmi és Szolgáltató Kft.")
    user = member(alfa, "partners.view_partner", "contacts.view_contact", username="keys", first_name="Kinga")
    member(CompanyFactory(name="Beta EOOD"), "partners.view_partner", user=user)
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, live_server.url, "keys")
    page.goto(f"{live_server.url}/partners/")
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= 64, header
    for locator in (
        "#global-search input",
        "#bell summary",
        "#user-menu",
        "#company-select",
        "a[data-nav=contacts]",
    ):
        # The bell is redrawn by the live poll right after load: a retrying assertion, not a
        # one-off bounding box that may catch the element between two swaps.
        expect(page.locator(locator)).to_be_in_viewport(ratio=1)
    # The current section is marked for assistive technology and the eye.
    expect(page.locator("a[data-nav=partners]")).to_have_attribute("aria-current", "page")
    # The first Tab reaches the skip link, which is then visible and leads to the content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "the next Tab after the skip link stays in the content"


def test_a_destructive_action_asks_in_a_dialog_and_cancel_keeps_everything(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, "events.view_event", username="feed")
    log_in(page, live_server.url, "feed")
    page.click("#user-menu")
    page.click("a[data-nav=calendar-settings]")
    page.get_by_role("button", name="Create calendar address").click()
    revoke = page.get_by_role("button", name="Revoke address")
    revoke.click()
    dialog = page.locator("dialog#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Revoke the address? Subscribed calendar apps stop updating.")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#feed-url")).to_be_visible()  # nothing was sent
    revoke.click()
    page.keyboard.press("Escape")  # Escape cancels too
    expect(dialog).to_be_hidden()
    expect(page.locator("#feed-url")).to_be_visible()
    revoke.click()
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You have no calendar address yet.")).to_be_visible()
    # "Done" comes back as a toast at the top, in a live region, that can be closed.
    toast = page.locator(".toasts[role=status] .toast-success")
    expect(toast).to_contain_text("Calendar address revoked.")
    toast.locator("[data-toast-close]").click()
    expect(toast).to_have_count(0)
