"""Reading an uploaded sheet (CSV or XLSX) into a header and rows of text, safely.

- Size: files over `IMPORT_MAX_BYTES` (default 10 MB) and sheets over `IMPORT_MAX_ROWS` are refused.
- Encodings (CSV): UTF-8 with or without a byte order mark; otherwise Windows-1250 (Hungarian) or
  Windows-1251 (Bulgarian), told apart by their words: Bulgarian read as 1251 gives words of Cyrillic
  letters only, Hungarian read as 1251 gives Latin words with single Cyrillic letters in them
  ("Kovбcs"), because both code pages put their accented letters in the same byte range.
- Only the head when asked (`head=`): the upload and the preview read the header and the first rows
  (openpyxl read-only, streaming: constant time and memory whatever the length); the row count then
  comes from the sheet's dimension (`<dimension ref="A1:H20001">`, which Excel, LibreOffice and
  openpyxl write, and which openpyxl itself trusts to stop reading), else from a byte scan of its
  <row> tags; the rows are counted one by one only when that is more than allowed. The background job
  reads the whole sheet.
- Formulas are never executed: XLSX is read with openpyxl's formulas as text (`data_only=False`,
  so no cached result is trusted either); a cell holding a formula is reported as an error, never
  imported. A leading apostrophe our own exports put before = + - @ is taken off again.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.utils.translation import gettext as _

MAX_BYTES_DEFAULT = 10 * 1024 * 1024
MAX_ROWS_DEFAULT = 50_000
FORMULA_STARTS = ("=",)
# What core.export puts an apostrophe before (so a round trip gives back the typed text).
EXPORT_GUARDED = ("=", "+", "-", "@", "\t", "\r")
_WORD_RE = re.compile(r"[^\W\d_]+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[A-Za-z]")


class SheetError(Exception):
    """The file cannot be read as a sheet; the message says why, for the user."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[str | Formula]]  # all data rows, or the first ones when only the head was read
    encoding: str  # "utf-8", "cp1250", "cp1251" or "xlsx"
    # Data rows in the file: exact when it was read whole or ended within the head; else the count
    # its dimension declares (trailing rows that are formatted but empty included).
    total_rows: int | None = None

    def __post_init__(self) -> None:
        if self.total_rows is None:
            self.total_rows = len(self.rows)


class Formula(str):
    """A cell that held a formula: its text, kept only to report it."""


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES_DEFAULT)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS_DEFAULT)


def detect_encoding(data: bytes) -> str:
    """ "utf-8" (with or without BOM), else "cp1251" or "cp1250" by the shape of the words."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    cyrillic_words = mixed_words = 0
    for word in _WORD_RE.findall(data.decode("cp1251", errors="replace")):
        if not _CYRILLIC_RE.search(word):
            continue
        if _LATIN_RE.search(word):
            mixed_words += 1
        else:
            cyrillic_words += 1
    return "cp1251" if cyrillic_words > mixed_words else "cp1250"


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 12345678.0 from a numeric cell: a tax number, not a float
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] and text[1] in EXPORT_GUARDED:
        return text[1:]
    return text


def _cell(value: object) -> str | Formula:
    text = _clean(value)
    if text.startswith(FORMULA_STARTS) and len(text) > 1:
        return Formula(text)
    return text


def _finish(
    table: list[list[object]], encoding: str, *, head: int | None = None, total: int | None = None
) -> Sheet:
    """The header and the rows (the first `head` of them if given); `total` is the file's declared
    number of data rows when only part of it was read."""
    rows = [[_cell(value) for value in row] for row in table]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise SheetError(_("The file is empty: the first row must name the columns."))
    headers = [
        str(value) or _("Column %(number)s") % {"number": index + 1} for index, value in enumerate(rows[0])
    ]
    body = rows[1:]
    count = len(body) if total is None else max(total, len(body))
    if count > max_rows():
        raise SheetError(
            _(
                "The file has %(count)s rows; at most %(limit)s can be imported at once. Split it into smaller files."
            )
            % {"count": f"{count:,}", "limit": f"{max_rows():,}"}
        )
    width = len(headers)
    kept = body if head is None else body[:head]
    return Sheet(
        headers=headers,
        rows=[(row + [""] * width)[:width] for row in kept],
        encoding=encoding,
        total_rows=count,
    )


def delimiter_of(text: str) -> str:
    """The CSV's column separator: of comma, semicolon and tab, the one that splits the header row into
    the most columns (a comma when none splits it). Excel writes a semicolon where the decimal
    separator is a comma (hu, bg), and so do our exports (core/export.py). The header names the
    columns and holds no separator of its own, whereas csv.Sniffer, which wants every line to hold as
    many, gives up on a file whose quoted cells hold one ("Alfa; Béta Kft.")."""
    best, most = ",", 1
    for delimiter in (",", ";", "\t"):
        try:
            header = next(csv.reader(io.StringIO(text[:20_000], newline=""), delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(header) > most:
            best, most = delimiter, len(header)
    return best


def _read_csv(data: bytes, encoding: str, head: int | None, count_rows: bool) -> Sheet:
    """The whole text is decoded even for the head (the encoding is told from all of it, and a broken
    byte anywhere is refused at the upload) and, to count the rows, parsed; only the first `head` rows
    are kept."""
    if encoding == "auto":
        encoding = detect_encoding(data)
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError:
        raise SheetError(
            _("The file cannot be read as %(encoding)s. Choose another encoding or save it as UTF-8.")
            % {"encoding": encoding}
        ) from None
    if "\x00" in text:
        raise SheetError(_("This does not look like a CSV file (it holds binary data)."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    total = None
    try:
        if head is None:
            table = list(reader)
        else:
            table = list(islice(reader, head + 1))  # the header and `head` rows
            if count_rows and len(table) > head:  # the rest counted up to its last non-empty row
                last = len(table)
                for number, row in enumerate(reader, start=last + 1):
                    if any(cell.strip() for cell in row):
                        last = number
                total = last - 1
    except csv.Error as error:
        raise SheetError(_("The CSV file is malformed: %(error)s") % {"error": error}) from None
    return _finish(table, encoding, head=head, total=total)


def _read_xlsx(data: bytes, head: int | None, count_rows: bool) -> Sheet:
    from openpyxl import load_workbook

    total = None
    try:
        # data_only=False: formulas come back as their text, never a computed or cached value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            if head is None:
                table = [list(row) for row in rows]
            else:
                table = [list(row) for row in islice(rows, head + 1)]  # the header and `head` rows
                if len(table) > head:  # more may follow: the file's own count, else count them
                    total = _declared_data_rows(sheet, rows if count_rows else None, len(table))
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise SheetError(_("The file cannot be read as an Excel workbook (.xlsx).")) from None
    return _finish(table, "xlsx", head=head, total=total)


def _declared_data_rows(sheet, rest, read: int) -> int:
    """Data rows of a sheet of which `read` rows (the header included) were read from `rest`.

    1. The last row of its dimension; without one, the number of its <row> elements (a byte scan).
    2. When that is more than allowed (perhaps formatted empty rows below the data), or the file has
       neither: the last non-empty row, found by streaming `rest` through openpyxl (no cell is kept).
    Without `rest` (the preview, which needs no count): step 1 or what was read."""
    declared = sheet.max_row or _row_elements(sheet)
    if rest is None or (declared and declared - 1 <= max_rows()):
        return max(declared or 0, read) - 1
    last = read
    for number, row in enumerate(rest, start=read + 1):
        if any(value is not None and str(value).strip() for value in row):
            last = number
    return last - 1


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _row_elements(sheet) -> int | None:
    """How many <row> elements the sheet's XML holds, read in 1 MB pieces (a 20,000-row sheet in a few
    hundredths of a second, against seconds for openpyxl's parse): streaming writers leave the
    dimension out. Through openpyxl's own opener of the sheet's XML (pinned in requirements.txt)."""
    try:
        source = sheet._get_source()
    except (AttributeError, KeyError):
        return None
    count, tail = 0, b""
    with source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            # A tag cut by the previous piece is found again here; one wholly inside `tail` was counted.
            count += sum(1 for match in _ROW_TAG.finditer(data) if match.end() > len(tail))
            tail = data[-32:]
    return count or None


def read_sheet(
    data: bytes, filename: str, *, encoding: str = "auto", head: int | None = None, count_rows: bool = True
) -> Sheet:
    """The sheet in `data`: XLSX by its name or its ZIP signature, else CSV. With `head`, only the
    header and the first `head` rows are read into `rows`; `total_rows` still counts the file's rows
    (from an XLSX's dimension; streamed when it has none, unless `count_rows` is False)."""
    if len(data) > max_bytes():
        raise SheetError(_("The file is larger than %(limit)s MB.") % {"limit": max_bytes() // (1024 * 1024)})
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, head, count_rows)
    if filename.lower().endswith((".xls", ".ods")):
        raise SheetError(
            _("Save the sheet as .xlsx or .csv first: older Excel and other formats are not read.")
        )
    return _read_csv(data, encoding, head, count_rows)


def rows_from_json(rows: list[list[str | dict]]) -> list[list[str | Formula]]:
    return [[Formula(cell["formula"]) if isinstance(cell, dict) else cell for cell in row] for row in rows]
