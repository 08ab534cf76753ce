"""The list pages of issue 18 pass an axe-core scan (no serious or critical violation) with filters,
chips, saved views, the "no results" note, bulk bar and the task board on screen, at laptop and phone
width, without horizontal scroll."""

from datetime import date, timedelta
from decimal import Decimal

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page

from companies.models import SavedView
from orders.models import Order, OrderLine, Product
from tests.browser.test_lists_board import login
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

PAGES = (
    "/tasks/?status=new&overdue=1",
    "/tasks/?status=done&subject=nothing",
    "/tasks/board/?assignee=",
    "/communications/?status=new",
    "/orders/?status=open",
    "/orders/?status=cancelled&kind=supply",
    "/products/?active=1",
    "/partners/?status=active",
    "/contacts/?has_email=yes",
    "/events/?scope=mine",
    "/threads/?q=offer",
)


def test_list_pages_pass_axe_and_fit(live_server, page: Page):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    seller = member(
        company, *ALL, "orders.view_order", "contacts.view_contact", "events.view_event", username="sanyi"
    )
    for n in range(6):
        factories.task(
            company,
            seller,
            subject=f"Call back about offer {n}",
            status=["new", "in_progress", "done"][n % 3],
            deadline=timezone.now() + timedelta(days=n - 3),
        )
        factories.communication(company, seller, subject=f"Offer {n}")
    partner = PartnerAccountFactory(
        company=company, owner=seller, partner=PartnerFactory(name="Duna Zrt.")
    ).partner
    order = Order.objects.create(
        company=company,
        number="SO-2026-000001",
        kind="customer",
        partner=partner,
        total=Decimal("1234567.5"),
        ordered_on=date(2026, 3, 1),
    )
    OrderLine.objects.create(order=order, product=Product.objects.create(code="B-1", name="Bolt"), quantity=3)
    SavedView.objects.create(
        company=company, owner=seller, list_name="tasks", name="Overdue", query="overdue=1", shared=True
    )
    axe = Axe()
    problems = []
    for width, height in ((1366, 768), (390, 844)):
        login(page, live_server, "sanyi", "/tasks/", width, height)
        for url in PAGES:
            page.goto(live_server.url + url)
            results = axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{url} @{width}: {violation['id']} {violation['help']} {targets}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{url} @{width}: scrolls sideways ({scroll}px)")
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)
