"""core.export: the one place exports are written; every cell by its type in the reader's language, every
text cell through the formula guard."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
from django.test import SimpleTestCase
from django.utils import timezone, translation

from core.export import csv_stream_response, safe_cell, table_response

FORMULAS = ["=1+2", "+36 1 234", "-2", "@SUM(A1)", "\tTAB", "\rCR"]


def streamed_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


class SafeCellTests(SimpleTestCase):
    def test_a_formula_start_gets_an_apostrophe(self):
        self.assertEqual([safe_cell(value) for value in FORMULAS], ["'" + value for value in FORMULAS])

    def test_other_values_are_their_text(self):
        self.assertEqual(
            [safe_cell(value) for value in ("Duna", "", None, 42, "a=b")], ["Duna", "", "", "42", "a=b"]
        )


class CsvStreamTests(SimpleTestCase):
    def test_it_streams_the_header_and_rows_guarded(self):
        consumed = []

        def rows():
            for value in FORMULAS:
                consumed.append(value)
                yield [value, "plain, with comma", None]

        response = csv_stream_response("items.csv", ["=Header", "B", "C"], rows())
        self.assertEqual(consumed, [], "nothing is read before the response is sent")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="items.csv"')
        self.assertEqual(
            streamed_rows(response),
            [["'=Header", "B", "C"], *(["'" + value, "plain, with comma", ""] for value in FORMULAS)],
        )


class TableResponseTests(SimpleTestCase):
    def test_csv_is_the_same_file_as_the_stream(self):
        header, rows = ["A", "B"], [["=cmd|' /C calc'!A0", 'say "hi"'], ["Érd", None]]
        table = table_response("table", header, rows)
        self.assertEqual(table["Content-Disposition"], 'attachment; filename="table.csv"')
        self.assertEqual(
            table.content, b"".join(csv_stream_response("x.csv", header, rows).streaming_content)
        )

    def test_xlsx_holds_text_never_a_formula(self):
        response = table_response(
            "table", ["Name", "Phone"], [['=HYPERLINK("x")', "+36 1 234"]], format="xlsx"
        )
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="table.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        # As typed, no apostrophe to see: a string cell in the text format is never a formula.
        self.assertEqual(cells, [["Name", "Phone"], ['=HYPERLINK("x")', "+36 1 234"]])
        self.assertEqual({cell.data_type for row in sheet.iter_rows() for cell in row}, {"s"})
        self.assertEqual({cell.number_format for row in sheet.iter_rows() for cell in row}, {"@"})

    def test_an_unknown_format_is_refused(self):
        with self.assertRaises(ValueError):
            table_response("table", ["A"], [], format="ods")


# Cells by type in each language (docs/lists.md, "Exports: numbers, dates, separators").
NBSP = "\N{NO-BREAK SPACE}"
AMOUNT, COUNT, QUANTITY = Decimal("1234567.50"), 1234567, Decimal("12.5")
DAY, MOMENT = date(2026, 12, 7), datetime(2026, 12, 7, 13, 5, tzinfo=UTC)  # 15:05 in Sofia
EXPECTED = {
    "en": (",", "1,234,567.50", "1,234,567", "12.5", "07/12/2026", "07/12/2026 15:05"),
    "hu": (
        ";",
        f"1{NBSP}234{NBSP}567,50",
        f"1{NBSP}234{NBSP}567",
        "12,5",
        "2026.12.07.",
        "2026.12.07. 15:05",
    ),
    "bg": (";", f"1{NBSP}234{NBSP}567,50", f"1{NBSP}234{NBSP}567", "12,5", "07.12.2026", "07.12.2026 15:05"),
}


def read_csv(content: bytes) -> tuple[str, list[list[str]]]:
    """(the delimiter Excel would split on, the rows): the header line tells it, as Excel's list separator."""
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    text = content.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "CRLF line ends"
    delimiter = ";" if ";" in text.split("\r\n")[0] else ","
    return delimiter, list(csv.reader(io.StringIO(text), delimiter=delimiter))


class CellsByTypeTests(SimpleTestCase):
    def export(self, language: str, rows) -> tuple[str, list[list[str]]]:
        with translation.override(language), timezone.override(ZoneInfo("Europe/Sofia")):
            return read_csv(table_response("t", ["Amount", "Count", "Qty", "Day", "At"], rows).content)

    def test_numbers_are_grouped_and_dates_written_as_the_language_writes_them(self):
        for language, (delimiter, *cells) in EXPECTED.items():
            with self.subTest(language=language):
                found, rows = self.export(language, [[AMOUNT, COUNT, QUANTITY, DAY, MOMENT]])
                self.assertEqual(found, delimiter)
                self.assertEqual(rows[1], cells)

    def test_text_is_never_grouped_and_keeps_the_guard_a_negative_number_stays_a_number(self):
        row = [
            "1234567",
            "12345678-2-42",
            "+36 1 234 5678",
            "2026",
            Decimal("-1234.5"),
            -3,
            "a;b",
            None,
            True,
        ]
        _delimiter, rows = self.export("hu", [row])
        self.assertEqual(
            rows[1],
            [
                "1234567",
                "12345678-2-42",
                "'+36 1 234 5678",
                "2026",
                f"-1{NBSP}234,5",
                "-3",
                "a;b",
                "",
                "igen",
            ],
        )
        _delimiter, rows = self.export("en", [row])
        self.assertEqual(rows[1][4:6], ["-1,234.5", "-3"])

    def test_a_stream_keeps_the_language_and_zone_of_the_view(self):
        # The rows of a streamed response are read after the view (and the middleware) returned.
        with translation.override("bg"), timezone.override(ZoneInfo("Europe/Sofia")):
            response = csv_stream_response("t.csv", ["Amount", "At"], iter([[AMOUNT, MOMENT]]))
        with translation.override("en"), timezone.override(UTC):
            _delimiter, rows = read_csv(b"".join(response.streaming_content))
        self.assertEqual(rows[1], [f"1{NBSP}234{NBSP}567,50", "07.12.2026 15:05"])


class XlsxCellsTests(SimpleTestCase):
    def test_numbers_and_dates_are_real_with_a_grouped_format(self):
        with translation.override("hu"), timezone.override(ZoneInfo("Europe/Sofia")):
            response = table_response(
                "t",
                ["Amount", "Count", "Qty", "Day", "At", "Number", "Text"],
                [
                    [AMOUNT, COUNT, QUANTITY, DAY, MOMENT, "1234567", "=1+2\x07"],
                    [None, True, 0, None, None, "", ""],
                ],
                format="xlsx",
            )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header, first, second = sheet.iter_rows()
        self.assertEqual(
            [cell.value for cell in first],
            [
                1234567.5,
                1234567,
                12.5,
                datetime(2026, 12, 7),
                datetime(2026, 12, 7, 15, 5),
                "1234567",
                "=1+2",
            ],
        )
        self.assertEqual(
            [cell.number_format for cell in first],
            ["#,##0.00", "#,##0", "#,##0.0", "mm-dd-yy", "m/d/yy h:mm", "@", "@"],
        )
        self.assertEqual([cell.data_type for cell in first], ["n", "n", "n", "d", "d", "s", "s"])
        self.assertEqual([cell.value for cell in second], [None, "igen", 0, None, None, None, None])
        self.assertTrue(all(cell.font.bold for cell in header))
        self.assertEqual(sheet.freeze_panes, "A2")
