"""The partner export through core.export: the same columns, the formula guard on every cell, and a
Hungarian export (semicolons) that the import wizard reads back."""

import csv
import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from imports.models import ImportRun, RunStatus
from partners.models import PartnerAccount
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member
from tests.imports.sheets import hu_tax_number


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


class HungarianExportRoundTripTests(TestCase):
    """A Hungarian user's export splits into columns in Excel (semicolons) and imports back as it is."""

    def test_the_partner_list_exported_in_hungarian_imports_back(self):
        exporter_company, importer_company = CompanyFactory(), CompanyFactory()
        exporter = member(exporter_company, "partners.view_partner", "partners.export_partners")
        partners = [
            ("Alfa; Béta Kft.", "Alfa", hu_tax_number(1048487)),
            ("Gamma, Delta Bt.", "Gamma", hu_tax_number(1234567)),
            ('Őszi "Szél" Zrt.', "", ""),
        ]
        for name, short_name, tax_number in partners:
            partner = PartnerFactory(name=name, short_name=short_name, tax_number=tax_number)
            PartnerAccountFactory(company=exporter_company, owner=exporter, partner=partner)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hu"
        self.client.force_login(exporter)
        exported = b"".join(self.client.get("/partners/export.csv").streaming_content)
        header = exported.decode("utf-8-sig").split("\r\n")[0]
        self.assertEqual(header.split(";")[:3], ["Név", "Rövid név", "Adószám"])  # Hungarian, semicolons
        self.assertEqual(len(header.split(";")), 7)

        importer = member(
            importer_company, "imports.run_import", "partners.view_partner", "partners.add_partner"
        )
        self.client.force_login(importer)
        upload = SimpleUploadedFile("partnerek.csv", exported)
        response = self.client.post("/imports/", {"file": upload, "kind": "partners", "encoding": "auto"})
        self.assertEqual(response.status_code, 302)
        run = ImportRun.objects.get(created_by=importer)
        form = self.client.get(f"/imports/{run.pk}/columns/").context["form"]
        mapping = {name: form[name].value() or "" for name in form.fields if name.startswith("column_")}
        self.assertEqual(len(mapping), 7)  # the semicolons split the columns
        self.assertLessEqual(
            {"name", "short_name", "tax_number"}, set(mapping.values())
        )  # guessed in Hungarian
        mapping = {
            key: value if value in ("name", "short_name", "tax_number") else ""
            for key, value in mapping.items()
        }
        response = self.client.post(f"/imports/{run.pk}/columns/", {**mapping, "matching": "update"})
        self.assertRedirects(response, f"/imports/{run.pk}/preview/")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/imports/{run.pk}/start/")
        run.refresh_from_db()
        # The two with a tax number exist in the shared master: adopted into the company (an update).
        counts = (run.status, run.created_count, run.updated_count, run.failed_count)
        self.assertEqual(counts, (RunStatus.DONE, 1, 2, 0), run.failures)
        imported = PartnerAccount.objects.filter(company=importer_company).values_list(
            "partner__name", "partner__short_name", "partner__tax_number"
        )
        self.assertEqual(sorted(imported), sorted(partners))
