"""The partner page and the new-partner form fit a laptop and a phone without horizontal scrolling (issue 18)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from orders.models import Order
from partners.models import Asset, Tag, Turnover
from receivables.models import Invoice
from tests.communications.factories import communication, task, thread
from tests.events.factories import EventFactory
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    ContactFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
)
from tests.partners.test_partner_page import SALES

SIZES = [(1366, 768), (390, 844)]
BLOCKING = {"serious", "critical"}


def axe_problems(page: Page) -> list[str]:
    """axe-core violations of impact serious or critical on the page, readable in a failure."""
    return [
        f"{violation['id']} ({violation['help']}) at {[node.get('target') for node in violation['nodes'][:3]]}"
        for violation in Axe().run(page).response["violations"]
        if violation.get("impact") in BLOCKING
    ]


def login(page: Page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def horizontal_overflow(page: Page) -> int:
    """How many pixels the document is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def full_partner(db):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    user = member(
        company, *SALES, "partners.add_partner", "receivables.view_receivables", "companies.view_all_company_data",
        username="wide",
    )  # fmt: skip
    partner = PartnerFactory(
        name="Duna Gépgyártó és Kereskedelmi Zártkörűen Működő Részvénytársaság", tax_number="12345676-2-42"
    )
    account = PartnerAccountFactory(company=company, partner=partner, owner=user)
    account.tags.add(Tag.objects.create(company=company, name="Key account"))
    ContactFactory(partner=partner, email="a.very.long.address.for.testing@duna-gepgyarto.example")
    talk = thread(company, user, "Pump offer for the second production line", partner=partner)
    now = timezone.now()
    for i in range(6):
        communication(
            company, user, thread=talk, subject=f"Asked for a quote about pump HP-{200 + i}", partner=partner
        )
        task(
            company,
            user,
            thread=talk,
            subject=f"Send the quote {i}",
            partner=partner,
            deadline=now + timedelta(days=i),
        )
        EventFactory(company=company, owner=user, partner=partner, subject=f"Visit {i}",
                     starts_at=now + timedelta(days=i - 3))  # fmt: skip
        Order.objects.create(company=company, partner=partner, number=f"SO-2026-00000{i}", kind="customer",
                             ordered_on=date(2026, 1, 1 + i), total=Decimal("123456789.50"))  # fmt: skip
        Invoice.objects.create(company=company, partner=partner, number=f"IN-2026-00000{i}",
                               issued_on=date(2026, 1, 1), due_on=date(2026, 2, 1 + i),
                               amount=Decimal("9876543.21"), open_amount=Decimal("9876543.21"))  # fmt: skip
    for month in range(1, 13):
        Turnover.objects.create(company=company, partner=partner, period=date(2025, month, 1),
                                amount=Decimal(1_000_000 * month))  # fmt: skip
    Asset.objects.create(company=company, partner=partner, item="Compressor", serial_number="SN-0000000001")
    return partner


@pytest.mark.parametrize("width,height", SIZES)
def test_partner_page_fits_without_horizontal_scroll(live_server, page: Page, full_partner, width, height):
    page.set_viewport_size({"width": width, "height": height})
    login(page, live_server, "wide", f"/partners/{full_partner.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Duna Gépgyártó")
    for name in ("Timeline", "Communications", "Tasks", "Events", "Orders", "Receivables"):
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_attached()
    expect(page.locator("#turnover svg")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert axe_problems(page) == []
    # The section bar takes the reader to a section.
    page.locator(".record-sections").get_by_role("link", name="Orders").click()
    expect(page.locator("#orders")).to_be_in_viewport()


@pytest.mark.parametrize("width,height", SIZES)
def test_new_partner_form_fits_without_horizontal_scroll(
    live_server, page: Page, full_partner, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    login(page, live_server, "wide", "/partners/new/")
    expect(page.get_by_role("heading", name="New partner")).to_be_visible()
    assert horizontal_overflow(page) <= 0


@pytest.mark.parametrize("width,height", SIZES)
def test_other_record_pages_fit_and_pass_axe(live_server, page: Page, full_partner, width, height):
    from communications.models import Communication, Task
    from contacts.models import Contact
    from events.models import Event

    page.set_viewport_size({"width": width, "height": height})
    login(page, live_server, "wide", "/")
    urls = [
        Communication.objects.filter(partner=full_partner).first().get_absolute_url(),
        Task.objects.filter(partner=full_partner).first().get_absolute_url(),
        Event.objects.filter(partner=full_partner).first().get_absolute_url(),
        f"/contacts/{Contact.objects.filter(partner=full_partner).first().pk}/",
    ]
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        expect(page.locator(".record-header h1")).to_be_visible()
        assert horizontal_overflow(page) <= 0, url
        assert axe_problems(page) == [], url
