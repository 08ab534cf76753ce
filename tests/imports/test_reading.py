"""Counting an XLSX sheet's rows without reading them (imports/reading.py)."""

import io

from django.test import SimpleTestCase

from imports.reading import _row_elements


class FakeSheet:
    def __init__(self, xml: bytes):
        self.xml = xml

    def _get_source(self):
        return io.BytesIO(self.xml)


class RowElementTests(SimpleTestCase):
    def test_rows_are_counted_across_the_pieces_read(self):
        # Over 2 MB: tags fall on the 1 MB boundaries; <rowBreaks> is no row; a prefixed tag is one.
        rows = b"".join(
            b'<row r="%d" spans="1:2"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 60_001)
        )
        xml = (
            b"<worksheet><sheetData>" + rows + b'<x:row/><row/></sheetData><rowBreaks count="0"/></worksheet>'
        )
        self.assertGreater(len(xml), 2 * 1024 * 1024)
        self.assertEqual(_row_elements(FakeSheet(xml)), 60_002)

    def test_no_rows_or_no_opener_is_none(self):
        self.assertIsNone(_row_elements(FakeSheet(b"<worksheet><sheetData/></worksheet>")))
        self.assertIsNone(_row_elements(object()))
