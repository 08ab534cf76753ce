"""The import wizard in a real Chromium: upload an XLSX, choose columns, read the preview's cell errors,
run it, read the result and download the failed rows."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from partners.models import Partner, PartnerAccount
from tests.factories import PASSWORD, CompanyFactory, member
from tests.imports.sheets import hu_tax_number, xlsx_bytes

GOOD_TAX = hu_tax_number(1048487)


def serious_axe_violations(page: Page, axe: Axe, step: str) -> list[str]:
    return [
        f"{step}: axe {violation['id']} ({violation['impact']})"
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_import_partners_through_the_whole_wizard(live_server, page: Page):
    company = CompanyFactory(name="Alfa Csoport Kft.")
    user = member(
        company, "imports.run_import", "partners.view_partner", "partners.add_partner", username="importer"
    )
    sheet = xlsx_bytes(
        [
            ["Cégnév", "Adószám", "E-mail", "Település"],
            ["Alfa Kft.", GOOD_TAX, "info@alfa.hu", "Budapest"],
            ["Béta Bt.", "12345678-9-99", "info@beta.hu", "Győr"],
            ["Gamma Zrt.", "", "not-an-address", "Pécs"],
            ["Delta Kft.", "", "", ""],
        ]
    )

    page.goto(f"{live_server.url}/accounts/login/?next=/imports/")
    page.fill("#id_username", "importer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    axe, problems = Axe(), []
    expect(page.get_by_role("heading", name="Import from a spreadsheet")).to_be_visible()
    problems += serious_axe_violations(page, axe, "upload")
    page.get_by_role("radio", name="Partners").check()
    page.set_input_files(
        "#id_file", files=[{"name": "partners.xlsx", "mimeType": "application/octet-stream", "buffer": sheet}]
    )
    page.get_by_role("button", name="Upload and choose columns").click()

    expect(page.get_by_role("heading", name="Choose the columns")).to_be_visible()
    # "Cégnév" and "Adószám" are recognised; "Település" is the seat's city.
    expect(page.get_by_label("Cégnév")).to_have_value("name")
    expect(page.get_by_label("Adószám")).to_have_value("tax_number")
    expect(page.get_by_label("Település")).to_have_value("seat_city")
    problems += serious_axe_violations(page, axe, "columns")
    page.get_by_label("Update the existing record, create the rest").check()
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Check the first rows")).to_be_visible()
    expect(page.get_by_text("2 of them have errors")).to_be_visible()
    expect(page.get_by_text("has a wrong check digit")).to_be_visible()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    assert not Partner.objects.exists()
    problems += serious_axe_violations(page, axe, "preview")
    page.get_by_role("button", name="Import 4 rows").click()

    expect(page.get_by_role("heading", name="Import of Partners: partners.xlsx")).to_be_visible()
    expect(page.locator("[data-count=created]")).to_have_text("2")
    expect(page.locator("[data-count=failed]")).to_have_text("2")
    expect(page.get_by_role("cell", name="3", exact=True)).to_be_visible()
    problems += serious_axe_violations(page, axe, "result")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the failed rows (CSV)").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        content = handle.read()
    assert content.splitlines()[1].startswith("3,")
    assert content.splitlines()[2].startswith("4,")

    alfa = Partner.objects.get(tax_number=GOOD_TAX)
    assert alfa.addresses.get().city == "Budapest"
    assert PartnerAccount.objects.get(partner=alfa, company=company).owner == user

    page.get_by_role("link", name="Imports", exact=True).first.click()
    expect(page.get_by_role("link", name="partners.xlsx")).to_be_visible()
    assert not problems, problems
