"""Test files for imports: CSV in any encoding, XLSX with openpyxl (strings starting with = are formulas
there), and valid Hungarian tax numbers."""

import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font


def hu_tax_number(n: int, vat: str = "2", county: str = "42") -> str:
    """A valid Hungarian adószám with törzsszám built from `n` (check digit computed)."""
    base = f"{n % 10_000_000:07d}"
    total = sum(w * int(d) for w, d in zip((9, 7, 3, 1, 9, 7, 3), base, strict=True))
    return f"{base}{(-total) % 10}-{vat}-{county}"


def csv_bytes(
    rows: list[list[str]], *, encoding: str = "utf-8", bom: bool = False, delimiter: str = ","
) -> bytes:
    text = "\r\n".join(delimiter.join(_quote(cell) for cell in row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def _quote(cell: str) -> str:
    cell = str(cell)
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',;"\n') else cell


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_without_dimension(rows: list[list[object]]) -> bytes:
    """As streaming writers save it (openpyxl's write-only mode): no <dimension> telling the size."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_formatted_rows_below(rows: list[list[object]], down_to: int) -> bytes:
    """The rows, then cells formatted but empty down to row `down_to`: the dimension declares them."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet.cell(row=down_to, column=1).font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_damaged_at(rows: list[list[object]], cell: str) -> bytes:
    """The rows as XLSX with `cell` (e.g. "A28") made unreadable: a number cell holding text."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                pattern = rb'<c r="' + cell.encode() + rb'"[^>]*>.*?</c>'
                damaged = b'<c r="' + cell.encode() + b'" t="n"><v>not-a-number</v></c>'
                content, found = re.subn(pattern, damaged, content)
                assert found == 1, cell
            target.writestr(item, content)
    return buffer.getvalue()
