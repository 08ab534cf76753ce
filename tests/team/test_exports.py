"""The team figures as a clerk in Budapest or Sofia reads them (issue 18): the CSV split by the language's
list separator with counts grouped, the XLSX with real numbers, and the weekly digest grouping its
counts as the e-mail's language does."""

import csv
import io
from datetime import date

import time_machine
from django.conf import settings
from django.test import TestCase
from openpyxl import load_workbook

from communications.models import Communication
from team.columns import COLUMNS
from team.digest import digest_message
from team.models import DigestDelivery
from team.stats import PERIOD_FIGURES
from tests.communications.factories import thread
from tests.team.world import NOW, World, at

NBSP = "\N{NO-BREAK SPACE}"
CALLS = 1200  # seller1's phone calls this week, on top of the world's 3 communications (1 last week)
# language: (delimiter, Sara's communications this week, the previous week's, her phone calls out, the total)
EXPECTED = {
    "en": (",", "1,203", "1", "1,201", "1,204"),
    "hu": (";", f"1{NBSP}203", "1", f"1{NBSP}201", f"1{NBSP}204"),
    "bg": (";", f"1{NBSP}203", "1", f"1{NBSP}201", f"1{NBSP}204"),
}


def column(key: str, previous: bool = False) -> int:
    """The figure's column in the export: person, department, then each figure (and its previous period)."""
    index = 2
    for figure, _label, _group in COLUMNS:
        if figure == key and not previous:
            return index
        index += 1
        if figure in PERIOD_FIGURES:
            if figure == key:
                return index
            index += 1
    raise KeyError(key)


@time_machine.travel(NOW, tick=False)
class TeamExportFormatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.w = World()
            calls = thread(cls.w.company, cls.w.seller1, "Calling campaign")
            Communication.objects.bulk_create(
                Communication(
                    company=cls.w.company,
                    number=f"OUT-2026-9{n:05d}",
                    thread=calls,
                    subject="Campaign call",
                    author=cls.w.seller1,
                    direction="out",
                    channel="phone",
                    created_at=at(2026, 12, 8, 10, 0),
                )
                for n in range(CALLS)
            )

    def get(self, query: str, language: str):
        self.client.force_login(self.w.anna)
        session = self.client.session
        session["active_company_id"] = self.w.company.pk
        session.save()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the user's interface language
        return self.client.get(f"/team/?{query}")

    def test_the_csv_in_each_language(self):
        for language, (delimiter, current, previous, calls, total) in EXPECTED.items():
            with self.subTest(language=language):
                content = self.get("export=csv", language).content
                self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
                rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))
                self.assertEqual(
                    len(rows[0]), 2 + len(COLUMNS) + len(PERIOD_FIGURES) + 1
                )  # split into columns
                sara = next(row for row in rows if row[0] == "Sara One")
                self.assertEqual(sara[column("communications")], current)
                self.assertEqual(sara[column("communications", previous=True)], previous)
                self.assertEqual(sara[column("comm_phone_out")], calls)
                self.assertEqual(rows[-1][column("communications")], total)  # with seller2's one

    def test_the_xlsx_holds_numbers(self):
        sheet = load_workbook(io.BytesIO(self.get("export=xlsx", "hu").content)).active
        sara = next(row for row in sheet.iter_rows() if row[0].value == "Sara One")
        cell = sara[column("communications")]
        self.assertEqual((cell.value, cell.data_type, cell.number_format), (1203, "n", "#,##0"))

    def test_the_digest_groups_its_counts(self):
        for language, grouped, change in (("en", "1,203", "+1,202"), ("hu", f"1{NBSP}203", f"+1{NBSP}202")):
            with self.subTest(language=language):
                delivery = DigestDelivery.objects.create(
                    company=self.w.company, user=self.w.anna, week_start=date(2026, 12, 7), language=language
                )
                body = digest_message(delivery).body
                sara = next(line for line in body.splitlines() if line.startswith("Sara One:"))
                self.assertIn(f"Sara One: {grouped} ", sara)
                self.assertIn(f"({change})", sara)
                delivery.delete()
