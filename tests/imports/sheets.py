"""Test files for imports: CSV in any encoding, XLSX with openpyxl (strings starting with = are formulas
there), and valid Hungarian tax numbers."""

import io

from openpyxl import Workbook


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
