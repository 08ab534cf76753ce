"""The communication and task exports as a clerk in Budapest or Sofia reads them (issue 18): split by the
language's list separator, times in the company's zone as the pages write them, item numbers as text,
the formula guard kept; in XLSX real date-times."""

import csv
import io
from datetime import UTC, datetime

from django.conf import settings
from django.test import TestCase
from openpyxl import load_workbook

from communications.models import Communication, Task
from tests.communications import factories
from tests.factories import CompanyFactory, member

FUNCTIONS = ("communications.view_communication", "communications.view_task")


class CommunicationExportFormatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="BG", language="bg", time_zone="Europe/Sofia")
        cls.user = member(cls.company, *FUNCTIONS, first_name="Ivan", last_name="Petrov")
        cls.call = factories.communication(
            cls.company, cls.user, subject="=HYPERLINK(1)", direction="out", channel="phone"
        )
        Communication.objects.filter(pk=cls.call.pk).update(
            created_at=datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
        )
        cls.task = factories.task(
            cls.company, cls.user, subject="Call back", deadline=datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
        )
        Task.objects.filter(pk=cls.task.pk).update(created_at=datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
        cls.call.refresh_from_db()
        cls.task.refresh_from_db()

    def get(self, url: str, language: str, method: str = "get", **data):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.client.force_login(self.user)
        return getattr(self.client, method)(url, data)

    def rows(self, response, delimiter: str) -> list[list[str]]:
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(body), delimiter=delimiter))

    def test_communications_in_each_language(self):
        # 22:30 UTC on 7 December is 00:30 on 8 December in Sofia: the company's day.
        for language, delimiter, created in (
            ("en", ",", "08/12/2026 00:30"),
            ("hu", ";", "2026.12.08. 00:30"),
            ("bg", ";", "08.12.2026 00:30"),
        ):
            with self.subTest(language=language):
                rows = self.rows(self.get("/communications/export.csv", language), delimiter)
                self.assertEqual(len(rows[0]), 11)
                self.assertEqual(rows[1][:2], [self.call.number, created])
                self.assertIn("'=HYPERLINK(1)", rows[1])

    def test_tasks_and_the_ticked_ones_in_bulgarian(self):
        expected = [
            self.task.number,
            "07.12.2026 10:00",
            "01.01.2027 01:00",
        ]  # deadline past midnight in Sofia
        rows = self.rows(self.get("/tasks/export.csv", "bg"), ";")
        self.assertEqual(rows[1][:3], expected)
        ticked = self.get("/tasks/bulk/", "bg", method="post", selected=[self.task.pk], action="export")
        self.assertEqual(self.rows(ticked, ";")[1][:3], expected)

    def test_xlsx_holds_date_times_in_the_companys_zone(self):
        response = self.get("/tasks/export.csv", "hu", format="xlsx")
        row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows())[1]
        number, created, deadline = row[:3]
        self.assertEqual((number.value, number.data_type), (self.task.number, "s"))
        self.assertEqual(created.value, datetime(2026, 12, 7, 10, 0))
        self.assertEqual(deadline.value, datetime(2027, 1, 1, 1, 0))
        self.assertEqual({created.number_format, deadline.number_format}, {"m/d/yy h:mm"})
