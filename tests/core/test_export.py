"""core.export: the one place exports are written; every cell through the formula guard."""

import csv
import io

import openpyxl
from django.test import SimpleTestCase

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
        self.assertEqual(cells, [["Name", "Phone"], ['\'=HYPERLINK("x")', "'+36 1 234"]])
        self.assertEqual({cell.data_type for row in sheet.iter_rows() for cell in row}, {"s"})

    def test_an_unknown_format_is_refused(self):
        with self.assertRaises(ValueError):
            table_response("table", ["A"], [], format="ods")
