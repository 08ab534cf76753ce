"""Every list that exports CSV also exports XLSX (issue 20): the same filtered, visible rows, the formula
guard, and the 20,000-row cap that sends a longer list back with a message."""

import io
from unittest import mock

from django.test import TestCase
from openpyxl import load_workbook

from tests.communications import factories
from tests.factories import CompanyFactory, member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


class CommunicationAndTaskXlsxTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        functions = ("communications.view_communication", "communications.view_task")
        cls.user = member(cls.company, *functions)
        cls.sibling = member(cls.company, *functions)
        factories.communication(cls.company, cls.user, subject='=HYPERLINK("http://x")', direction="out")
        factories.communication(cls.company, cls.user, subject="Incoming call", direction="in")
        factories.communication(cls.company, cls.sibling, subject="Sibling's secret")
        factories.task(cls.company, cls.user, subject="Call back Alfa")
        factories.task(cls.company, cls.sibling, subject="Sibling's task")

    def setUp(self):
        self.client.force_login(self.user)

    def test_communications_as_xlsx_follow_the_filters_and_visibility(self):
        response = self.client.get("/communications/export.csv?format=xlsx&direction=out")
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertIn('filename="communications.xlsx"', response["Content-Disposition"])
        rows = sheet_rows(response)
        csv = self.client.get("/communications/export.csv?direction=out")
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        csv_header = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()[0].split(",")
        self.assertEqual(rows[0], csv_header)  # the same columns as the CSV
        subjects = [cell for row in rows[1:] for cell in row]
        self.assertIn('=HYPERLINK("http://x")', subjects)  # a text cell, never a formula
        self.assertNotIn("Incoming call", subjects)
        self.assertNotIn("Sibling's secret", subjects)

    def test_the_lists_offer_the_excel_export(self):
        self.assertContains(
            self.client.get("/communications/?direction=out"),
            "/communications/export.csv?direction=out&amp;format=xlsx",
        )
        self.assertContains(self.client.get("/tasks/"), "/tasks/export.csv?format=xlsx")

    def test_tasks_as_xlsx(self):
        response = self.client.get("/tasks/export.csv?format=xlsx")
        self.assertEqual(response["Content-Type"], XLSX)
        cells = [cell for row in sheet_rows(response)[1:] for cell in row]
        self.assertIn("Call back Alfa", cells)
        self.assertNotIn("Sibling's task", cells)

    def test_too_many_rows_for_excel_go_back_to_the_list_with_a_message(self):
        with mock.patch("core.export.XLSX_MAX_ROWS", 1):
            response = self.client.get("/communications/export.csv?format=xlsx&q=", follow=False)
        self.assertRedirects(response, "/communications/?q=", fetch_redirect_response=False)
        page = self.client.get(response["Location"])
        self.assertContains(page, "too many for an Excel file")

    def test_the_export_needs_the_list_function(self):
        self.client.force_login(member(self.company, "communications.view_task"))
        self.assertEqual(self.client.get("/communications/export.csv?format=xlsx").status_code, 403)


class PartnerXlsxTests(TestCase):
    def test_partners_as_xlsx_with_the_filters_and_only_visible_ones(self):
        from tests.factories import PartnerAccountFactory

        company = CompanyFactory()
        user = member(company, "partners.view_partner", "partners.export_partners")
        sibling = member(company, "partners.view_partner")
        PartnerAccountFactory(company=company, owner=user, partner__name="Alfa Kft.")
        PartnerAccountFactory(company=company, owner=user, partner__name="=Béta Bt.")
        PartnerAccountFactory(company=company, owner=sibling, partner__name="Sibling Kft.")
        PartnerAccountFactory(partner__name="Other company Kft.")
        self.client.force_login(user)
        page = self.client.get("/partners/")
        self.assertContains(page, "/partners/export.csv?format=xlsx")
        response = self.client.get("/partners/export.csv?format=xlsx")
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertIn('filename="partners.xlsx"', response["Content-Disposition"])
        names = [row[0] for row in sheet_rows(response)[1:]]
        self.assertEqual(sorted(names), ["=Béta Bt.", "Alfa Kft."])
        filtered = self.client.get("/partners/export.csv?format=xlsx&q=Alfa")
        self.assertEqual([row[0] for row in sheet_rows(filtered)[1:]], ["Alfa Kft."])
        self.client.force_login(sibling)  # no export function
        self.assertEqual(self.client.get("/partners/export.csv?format=xlsx").status_code, 403)
