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
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("didn't match")
    page.fill("#id_username", "anna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    expect(page.get_by_role("link", name="Only In Alfa Zrt.")).to_be_visible()
    expect(page.get_by_text("Only In Beta OOD")).to_have_count(0)

    # The switcher submits itself on change (app.js; no inline script under the CSP).
    page.select_option("#company-select", label="Beta EOOD")
    expect(page.get_by_text("You are now working in Beta EOOD.")).to_be_visible()
    page.click("a[data-nav=partners]")
    expect(page.get_by_role("link", name="Only In Beta OOD")).to_be_visible()
    expect(page.get_by_text("Only In Alfa Zrt.")).to_have_count(0)

    page.select_option("#language-select", value="hu")
    expect(page.get_by_role("heading", name="Partnerek")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "hu")
    page.select_option("#language-select", value="bg")
    expect(page.get_by_role("heading", name="Партньори")).to_be_visible()

    page.click("#user-menu")
    page.click("#logout-button")
    page.goto(f"{live_server.url}/partners/")
    expect(page.locator("#id_username")).to_be_visible()


def test_phone_width_keeps_navigation_usable(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, "partners.view_partner", username="phone")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "phone")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    partners_link = page.locator("a[data-nav=partners]")
    expect(partners_link).to_be_visible()
    box = partners_link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375 + 1, f"page scrolls sideways: {scroll_width}px"
