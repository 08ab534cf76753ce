"""Create a partner from the company-information service and add a contact, in a real Chromium."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from contacts.models import Contact, GdprNotice
from devtools.simulators.bisnode import start_simulator
from partners.models import Partner
from tests.factories import PASSWORD, CompanyFactory, ContactTypeFactory, member


@pytest.fixture
def simulator(settings):
    server, _thread, url = start_simulator(port=0)
    settings.BISNODE_ENDPOINT = url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield server
    server.stop()


def test_create_partner_via_lookup_and_add_a_contact(live_server, page: Page, simulator):
    company = CompanyFactory(name="Alfa Kft.")
    member(
        company,
        "partners.view_partner",
        "partners.add_partner",
        "contacts.view_contact",
        "contacts.add_contact",
        username="lookup",
    )
    ContactTypeFactory(code="financial", name_en="Financial", cardinality="one")

    page.goto(f"{live_server.url}/accounts/login/?next=/partners/new/")
    page.fill("#id_username", "lookup")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.fill("#id_lookup", "10484878-2-13")
    page.click("#lookup-button")
    expect(page.get_by_text("Filled in from the company-information service")).to_be_visible()
    name = page.input_value("#id_name")
    assert name
    assert page.input_value("#id_tax_number") == "10484878-2-13"
    assert page.input_value("#id_seat_city")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name=name)).to_be_visible()
    partner = Partner.objects.get(tax_number="10484878-2-13")
    assert partner.addresses.get(kind="seat").city

    page.get_by_role("button", name="Add contact").click()
    page.fill("#id_first_name", "Réka")
    page.fill("#id_last_name", "Balogh")
    page.fill("#id_email", "reka.balogh@example.com")
    page.get_by_label("Financial").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Balogh Réka")).to_be_visible()
    contact = Contact.objects.get(partner=partner)
    assert list(contact.roles.values_list("type__code", flat=True)) == ["financial"]
    assert GdprNotice.objects.filter(contact=contact).exists()
    assert [m.to for m in mail.outbox] == [["reka.balogh@example.com"]]
