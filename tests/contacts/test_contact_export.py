"""The GDPR data export as CSV, through core.export: the same rows, and the formula guard."""

import csv
import io

from django.test import TestCase

from contacts.services import contact_create
from tests.factories import CompanyFactory, PartnerAccountFactory, member

FUNCTIONS = ("contacts.view_contact", "contacts.export_contact_data")


class ContactCsvExportTests(TestCase):
    def test_the_csv_has_its_sections_and_defuses_formulas(self):
        company = CompanyFactory()
        dpo = member(company, *FUNCTIONS)
        partner = PartnerAccountFactory(company=company, owner=dpo).partner
        contact = contact_create(
            partner=partner,
            company=company,
            types=[],
            first_name="Éva",
            last_name="Bíró",
            email="eva.biro@example.com",
            notes='=HYPERLINK("https://example.com/x","click")',
        )
        self.client.force_login(dpo)
        response = self.client.get(f"/contacts/{contact.pk}/export/?format=csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="contact-{contact.pk}.csv"')
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], ["section", "field", "value"])
        cells = {(section, field): value for section, field, value in rows[1:]}
        self.assertEqual(cells["contact", "last_name"], "Bíró")
        self.assertEqual(cells["contact", "notes"], '\'=HYPERLINK("https://example.com/x","click")')
        self.assertEqual(cells["partner", "name"], partner.name)
        self.assertIn(("types", "codes"), cells)
