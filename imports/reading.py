"""Reading an uploaded sheet (CSV or XLSX) into a header and rows of text, safely.

- Size: files over `IMPORT_MAX_BYTES` (default 10 MB) and sheets over `IMPORT_MAX_ROWS` are refused.
- Encodings (CSV): UTF-8 with or without a byte order mark; otherwise Windows-1250 (Hungarian) or
  Windows-1251 (Bulgarian), told apart by their words: Bulgarian read as 1251 gives words of Cyrillic
  letters only, Hungarian read as 1251 gives Latin words with single Cyrillic letters in them
  ("Kovбcs"), because both code pages put their accented letters in the same byte range.
- Formulas are never executed: XLSX is read with openpyxl's formulas as text (`data_only=False`,
  so no cached result is trusted either); a cell holding a formula is reported as an error, never
  imported. A leading apostrophe our own exports put before = + - @ is taken off again.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

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
    rows: list[list[str | Formula]]
    encoding: str  # "utf-8", "cp1250", "cp1251" or "xlsx"


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


def _finish(table: list[list[object]], encoding: str) -> Sheet:
    rows = [[_cell(value) for value in row] for row in table]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise SheetError(_("The file is empty: the first row must name the columns."))
    headers = [
        str(value) or _("Column %(number)s") % {"number": index + 1} for index, value in enumerate(rows[0])
    ]
    body = rows[1:]
    if len(body) > max_rows():
        raise SheetError(
            _(
                "The file has %(count)s rows; at most %(limit)s can be imported at once. Split it into smaller files."
            )
            % {"count": f"{len(body):,}", "limit": f"{max_rows():,}"}
        )
    width = len(headers)
    return Sheet(headers=headers, rows=[(row + [""] * width)[:width] for row in body], encoding=encoding)


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


def _read_csv(data: bytes, encoding: str) -> Sheet:
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
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text)))
    except csv.Error as error:
        raise SheetError(_("The CSV file is malformed: %(error)s") % {"error": error}) from None
    return _finish(table, encoding)


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        # data_only=False: formulas come back as their text, never a computed or cached value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise SheetError(_("The file cannot be read as an Excel workbook (.xlsx).")) from None
    return _finish(table, "xlsx")


def read_sheet(data: bytes, filename: str, *, encoding: str = "auto") -> Sheet:
    """The sheet in `data`: XLSX by its name or its ZIP signature, else CSV."""
    if len(data) > max_bytes():
        raise SheetError(_("The file is larger than %(limit)s MB.") % {"limit": max_bytes() // (1024 * 1024)})
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".xls", ".ods")):
        raise SheetError(
            _("Save the sheet as .xlsx or .csv first: older Excel and other formats are not read.")
        )
    return _read_csv(data, encoding)


def rows_to_json(rows: list[list[str | Formula]]) -> list[list[str | dict]]:
    return [[{"formula": str(cell)} if isinstance(cell, Formula) else cell for cell in row] for row in rows]


def rows_from_json(rows: list[list[str | dict]]) -> list[list[str | Formula]]:
    return [[Formula(cell["formula"]) if isinstance(cell, dict) else cell for cell in row] for row in rows]
