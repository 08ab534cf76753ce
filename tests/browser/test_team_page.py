"""The team page in a real Chromium: a manager reads their team's figures and drills down into one."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from communications.models import Task
from tests.communications.factories import communication, task
from tests.factories import PASSWORD, CompanyFactory, member, supervise

FUNCTIONS = (
    "team.view_team_activity",
    "communications.view_communication",
    "communications.view_task",
    "events.view_event",
    "partners.view_partner",
)


def log_in(page: Page, live_server, username: str, next_url: str = "/") -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_manager_drills_down_from_the_team_page(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    manager = member(company, *FUNCTIONS, username="manager", first_name="Maria", last_name="Manager")
    anna = member(company, *FUNCTIONS, username="anna", first_name="Anna", last_name="Kovacs")
    bence = member(company, *FUNCTIONS, username="bence", first_name="Bence", last_name="Szabo")
    outsider = member(company, *FUNCTIONS, username="outsider", first_name="Olga", last_name="Outside")
    supervise(company, manager, anna)
    supervise(company, manager, bence)
    for subject in ("Call about the offer", "Price question"):
        communication(company, anna, channel="phone", direction="out", subject=subject)
    communication(company, bence, channel="email", direction="in", subject="Bence's mail")
    communication(company, outsider, channel="email", direction="in", subject="Not in the team")
    for subject in ("Send the contract", "Call back Duna Kft.", "Update the price list"):
        late = task(company, anna, subject=subject, assignee=anna)
        Task.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(days=2))

    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "manager", "/team/")
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    # The scope's longest choice ("Everyone below me, at any depth") is not cut: its select is wider
    # than a filter's usual 10rem column (a tester saw it cut at 1366 px).
    scope = page.locator("#id_scope")
    expect(scope).to_be_visible()
    assert scope.evaluate("select => select.getBoundingClientRect().width >= 200"), scope.bounding_box()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Anna Kovacs")
    expect(page.get_by_text("Olga Outside")).to_have_count(0)

    # Sorting by a column: Bence has more incoming e-mails, so he comes first when sorted descending.
    page.locator("thead").get_by_role("link", name="E-mail in").click()
    page.locator("thead").get_by_role("link", name="E-mail in").click()
    expect(rows.nth(0)).to_contain_text("Bence Szabo")

    # "Anna's 3 overdue tasks" in one click: the task list shows exactly those three.
    anna_row = page.locator('tr[data-person="anna"]')
    anna_row.get_by_role("link", name="Overdue now: 3").click()
    expect(page).to_have_url(f"{live_server.url}/tasks/?responsible={anna.pk}&overdue=1")
    for subject in ("Send the contract", "Call back Duna Kft.", "Update the price list"):
        expect(page.get_by_text(subject)).to_be_visible()

    page.go_back()
    page.locator('tr[data-person="anna"]').get_by_role("link", name="All: 2").click()
    expect(page.get_by_text("Call about the offer")).to_be_visible()
    expect(page.get_by_text("Price question")).to_be_visible()
    expect(page.get_by_text("Bence's mail")).to_have_count(0)

    # A phone-width screen keeps the names in view and the table scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/team/?period=this_month")
    expect(page.locator('tr[data-person="bence"] th')).to_be_visible()
