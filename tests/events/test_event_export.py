"""The event list's CSV and Excel export: the filtered, visible events only, in the reader's language and
the company's zone (core/export.py), linked from the list."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import TestCase
from openpyxl import load_workbook

from tests.events.factories import EventFactory
from tests.factories import CompanyFactory, PartnerFactory, member

UTC = ZoneInfo("UTC")


class EventExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU")
        cls.seller = member(cls.company, "events.view_event", username="exporter")
        cls.sibling = member(cls.company, "events.view_event", username="sibling-exporter")
        partner = PartnerFactory(name="Duna Kft.")
        # 23:30 UTC on 7 December is 00:30 on 8 December in Budapest.
        cls.mine = EventFactory(
            company=cls.company,
            owner=cls.seller,
            subject="=Visit",
            partner=partner,
            starts_at=datetime(2026, 12, 7, 23, 30, tzinfo=UTC),
            location="Győr",
        )
        cls.theirs = EventFactory(company=cls.company, owner=cls.sibling, subject="Sibling's secret visit")
        EventFactory(subject="Another company's visit")

    def get(self, query="", language="en"):
        self.client.force_login(self.seller)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return self.client.get(f"/events/export.csv{query}")

    def rows(self, response, delimiter):
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(body), delimiter=delimiter))

    def test_csv_in_english_and_hungarian_holds_only_the_visible_events(self):
        english = self.rows(self.get(), ",")
        self.assertEqual(english[0][:3], ["Start", "End", "Type"])
        self.assertEqual(len(english), 2)
        self.assertEqual(english[1][0], "08/12/2026 00:30")
        self.assertEqual(english[1][3], "'=Visit")  # the CSV formula guard
        self.assertEqual(english[1][4], "Duna Kft.")
        self.assertEqual(english[1][7], "Győr")
        hungarian = self.rows(self.get(language="hu"), ";")
        self.assertEqual(hungarian[1][0], "2026.12.08. 00:30")
        for rows in (english, hungarian):
            text = str(rows)
            self.assertNotIn("Sibling's secret", text)
            self.assertNotIn("Another company", text)

    def test_the_filters_apply(self):
        rows = self.rows(self.get("?partner=nothing-like-this"), ",")
        self.assertEqual(len(rows), 1)  # the header only

    def test_xlsx_holds_a_real_date_time(self):
        response = self.get("?format=xlsx")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        row = [cell.value for cell in list(sheet.iter_rows())[1]]
        self.assertEqual(row[0], datetime(2026, 12, 8, 0, 30))
        self.assertEqual(row[3], "=Visit")

    def test_the_list_links_the_export_and_a_stranger_gets_none(self):
        self.client.force_login(self.seller)
        self.assertContains(self.client.get("/events/"), "/events/export.csv")
        outsider = member(self.company, "partners.view_partner", username="no-events")
        self.client.force_login(outsider)
        self.assertEqual(self.client.get("/events/export.csv").status_code, 403)
