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


def test_look_up_fills_in_place_and_keeps_what_was_typed(live_server, page: Page, simulator):
    company = CompanyFactory(name="Alfa Kft.")
    member(company, "partners.view_partner", "partners.add_partner", username="typist")
    page.goto(f"{live_server.url}/accounts/login/?next=/partners/new/")
    page.fill("#id_username", "typist")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.fill("#id_name", "Példa (as I typed it)")
    page.fill("#id_notes", "Met at the fair; wants a quote by Friday.")
    page.evaluate("window.__notReloaded = true")
    dialogs: list[str] = []

    def keep_mine(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", keep_mine)
    page.fill("#id_lookup", "10537914-2-44")
    page.click("#lookup-button")
    expect(page.locator("#lookup-result")).to_contain_text("Filled in from the company-information service")
    assert page.evaluate("window.__notReloaded") is True  # filled in place, no reload
    assert page.input_value("#id_notes") == "Met at the fair; wants a quote by Friday."
    assert page.input_value("#id_name") == "Példa (as I typed it)"  # the user said no to replacing it
    assert len(dialogs) == 1 and "Példa (as I typed it)" in dialogs[0]
    assert page.input_value("#id_tax_number") == "10537914-2-44"
    assert page.input_value("#id_registration_number") == "01-09-562739"
    assert page.input_value("#id_seat_city") == "Budapest"

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#lookup-button")
    expect(page.locator("#id_name")).to_have_value("Példa Informatikai Korlátolt Felelősségű Társaság")
    assert page.input_value("#id_notes") == "Met at the fair; wants a quote by Friday."
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name="Példa Informatikai Korlátolt Felelősségű Társaság")
    ).to_be_visible()
    assert (
        Partner.objects.get(tax_number="10537914-2-44").notes == "Met at the fair; wants a quote by Friday."
    )
