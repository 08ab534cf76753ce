"""The partner export through core.export: the same columns, and the formula guard on every cell."""

import csv
import io

from django.test import TestCase

from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member


class PartnerExportTests(TestCase):
    def test_every_cell_is_guarded_even_an_imported_tax_number(self):
        company = CompanyFactory()
        boss = member(company, "partners.view_partner", "partners.export_partners", first_name="@Boss")
        # The ERP import stores what the ERP holds: a tax number is not checked there.
        partner = PartnerFactory(name="=1+1", short_name="+SUM(1)", tax_number="-2+3")
        PartnerAccountFactory(company=company, owner=boss, partner=partner)
        self.client.force_login(boss)
        response = self.client.get("/partners/export.csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        self.assertEqual(rows[0], ["Name", "Short name", "Tax number", "Type", "Status", "Owner", "Source"])
        self.assertEqual(rows[1][:3], ["'=1+1", "'+SUM(1)", "'-2+3"])
        self.assertTrue(rows[1][5].startswith("'@Boss"), rows[1][5])
