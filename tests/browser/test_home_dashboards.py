"""The home dashboards in a real Chromium at a laptop (1366x768) and a phone (390x844) size: nothing scrolls
sideways, the charts fit their column and show their values, and axe-core finds nothing serious."""

import os
from datetime import date, timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, expect

from receivables.models import Invoice
from tests.communications import factories as items
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import PASSWORD, CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
FUNCTIONS = ("partners.view_partner", "events.view_event", "events.add_event", "communications.view_task")
FINANCE = ("receivables.view_receivables", "companies.view_all_company_data", "partners.view_partner")
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def people(db):
    company = CompanyFactory(name="Alfa Kereskedelmi Kft.", language="en")
    manager = member(company, *FUNCTIONS, username="dash-manager", first_name="Mária")
    seller = member(company, *FUNCTIONS, username="dash-seller", first_name="Anna")
    member(company, *FINANCE, username="dash-finance", first_name="Fanni")
    supervise(company, manager, seller)
    now = timezone.now()
    call = EventTypeFactory(code="call", name_en="Call")
    for hours in (-2, 3, 30, 200):
        EventFactory(
            company=company, type=call, owner=seller, starts_at=now + timedelta(hours=hours),
            subject="Quarterly review with the purchasing director of Nagyon Hosszú Nevű Partner Zrt.",
        )  # fmt: skip
    for days in (-3, -1, 2, 5):
        items.task(
            company, seller, subject="Send the signed framework contract and the price list", assignee=seller,
            deadline=now + timedelta(days=days),
        )  # fmt: skip
        items.communication(company, seller, subject="Called about the offer")
    partner = PartnerFactory(
        name="Egy Nagyon Hosszú Nevű Kereskedelmi és Szolgáltató Korlátolt Felelősségű Társaság"
    )
    PartnerAccountFactory(company=company, partner=partner, owner=seller)
    today = date.today()
    for number, days, amount, currency in (
        ("A-1", 10, "1234567", "HUF"), ("A-2", 45, "98765432", "HUF"), ("A-3", 120, "5500.50", "EUR"),
    ):  # fmt: skip
        Invoice.objects.create(
            company=company, partner=partner, number=number, issued_on=today - timedelta(days=200),
            due_on=today - timedelta(days=days), amount=Decimal(amount), open_amount=Decimal(amount),
            currency=currency,
        )  # fmt: skip
    return {"dash-seller": "/", "dash-manager": "/?tab=team", "dash-finance": "/?tab=finance"}


@pytest.mark.parametrize("size", SIZES)
def test_dashboards_fit_the_screen_and_pass_axe(live_server, browser: Browser, people, size):
    problems = []
    axe = Axe()
    for username, path in people.items():
        context = browser.new_context(viewport=SIZES[size])
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next={path}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator(".dash-grid, .dash-card").first).to_be_visible()
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            problems.append(f"{username} at {size}: {overflow}px of horizontal scroll")
        width = page.evaluate("() => document.documentElement.clientWidth")
        for box in page.locator("figure.chart svg").all():
            right = box.bounding_box()["x"] + box.bounding_box()["width"]
            if right > width + 1:
                problems.append(f"{username} at {size}: a chart ends at {right}px of {width}px")
        if username != "dash-seller":
            expect(page.locator("figure.chart svg").first).to_be_visible()
            assert page.locator("figure.chart .chart-tick").count() > 0
            assert page.locator("figure.chart .chart-value").count() > 0
        if os.environ.get("DASH_SCREENSHOTS"):  # a folder: full-page screenshots to look at
            page.screenshot(
                path=f"{os.environ['DASH_SCREENSHOTS']}/home-{username}-{size}.png", full_page=True
            )
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = [node["target"] for node in violation["nodes"][:3]]
                problems.append(
                    f"{username} at {size}: axe {violation['id']} ({violation['impact']}) {targets}"
                )
        context.close()
    assert not problems, "\n".join(problems)
