"""In Chromium: make a token on /api/tokens/ (shown once), then read the API docs page under the CSP."""

import pytest
from playwright.sync_api import Page, expect

from api.models import ApiToken, hash_token
from tests.factories import PASSWORD, CompanyFactory, member

pytestmark = pytest.mark.browser


def test_make_a_token_and_read_the_docs(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, "partners.view_partner", username="integrator")
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/?next=/api/tokens/")
    page.fill("#id_username", "integrator")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.get_by_text("No tokens yet")).to_be_visible()
    page.fill("#id_name", "Web shop")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("it is shown only once")).to_be_visible()
    raw = page.input_value("#new-token-value")
    assert ApiToken.objects.get(name="Web shop").token_hash == hash_token(raw)

    page.goto(f"{live_server.url}/api/tokens/")
    expect(page.get_by_role("cell", name="Web shop")).to_be_visible()
    assert raw not in page.content()

    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_text("CRM API").first).to_be_visible()
    expect(page.locator(".opblock-tag", has_text="partners")).to_be_visible()
    # The page runs under the site's Content-Security-Policy: nothing refused, no script error.
    assert not problems, problems
