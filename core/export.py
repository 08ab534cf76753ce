"""Exports for spreadsheets: every writer of the product goes through here, so every cell is written by
its Python type in the reader's language, and every CSV text cell gets the formula guard (CSV injection: a
cell starting with = + - @, a tab or a carriage return is read as a formula by Excel and LibreOffice; a
leading apostrophe makes it text). An XLSX text cell is a string cell in the text format ("@"), which no
spreadsheet evaluates, so it holds the text as it is, without the apostrophe.

- `csv_stream_response`: a list of any length, streamed while the database is read.
- `table_response`: a small table built in memory, as CSV or XLSX.
- `list_export_response`: a list page's export in the format asked for: CSV streamed, XLSX (built in
  memory) up to `XLSX_MAX_ROWS` rows, else back to the list with a message to narrow it or take CSV.

Both write the same CSV: UTF-8 with a byte order mark (so Excel reads the accents), CRLF line ends, the
header first, in the active language (docs/lists.md, "Exports: numbers, dates, separators"):
- the separator is a semicolon where the language writes a decimal comma (Hungarian, Bulgarian: Excel's
  list separator in those locales, so a double-clicked file splits into columns), else a comma;
- `int`, `Decimal` and `float` are grouped numbers with the language's separators ("1,234,567.50",
  "1 234 567,50" with a no-break space), a Decimal with the decimal places it carries; a number is
  never guarded (it holds only digits, separators and a sign, so a negative amount stays a number);
- `date` and `datetime` are written as the pages write them (SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT;
  a datetime in the active time zone);
- anything else is text (`str()`), guarded. Ids, invoice and order numbers, tax numbers, phone numbers
  and years are passed as `str` by the callers, so they are never grouped.

XLSX holds real numbers and dates with a number format (`#,##0.00`, `#,##0`, Excel's built-in short
date and date-time), which Excel and LibreOffice show with the reader's own separators and date order.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format, number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Row = Sequence[object]
XLSX_MAX_ROWS = 20_000  # an XLSX file is built in memory; a longer list goes out as CSV, which streams
CSV_BATCH = 200  # rows formatted per streamed chunk

# XLSX number formats. In a format code "," and "." stand for the reader's own group and decimal
# separators; the built-in formats 14 and 22 are shown in the reader's own short date (and time).
XLSX_INTEGER = BUILTIN_FORMATS[3]  # "#,##0"
XLSX_DATE = BUILTIN_FORMATS[14]  # "mm-dd-yy": the reader's short date, e.g. 2026. 12. 07.
XLSX_DATETIME = BUILTIN_FORMATS[22]  # "m/d/yy h:mm": the reader's short date and time
XLSX_TEXT = BUILTIN_FORMATS[49]  # "@": text, as typed (no formula, no number guessing)
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML cannot hold
_SHEET_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet will not run: a leading apostrophe before a formula start."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_delimiter() -> str:
    """The active language's list separator: ";" where it writes a decimal comma, else ","."""
    return ";" if get_format("DECIMAL_SEPARATOR") == "," else ","


def _as_decimal(value: Decimal | float) -> Decimal | None:
    """A finite number as a Decimal with exactly the places it shows (1E+3 -> 1000), else None."""
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return Decimal(format(number, "f")) if number.is_finite() else None


def _places(number: Decimal) -> int:
    return max(0, -int(number.as_tuple().exponent))


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def text_cell(value: object) -> str:
    """A CSV cell in the active language: by the value's Python type (see the module's docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, Decimal | float) and (number := _as_decimal(value)) is not None:
        return number_format(number, decimal_pos=_places(number), use_l10n=True, force_grouping=True)
    if isinstance(value, datetime):
        return date_format(_local(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return safe_cell(value)


def xlsx_cell(value: object) -> tuple[object, str | None]:
    """(the value an XLSX cell holds, its number format): numbers and dates stay numbers and dates."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return text_cell(value), None
    if isinstance(value, int):
        return value, XLSX_INTEGER
    if isinstance(value, Decimal | float) and (number := _as_decimal(value)) is not None:
        places = _places(number)
        return number, XLSX_INTEGER + ("." + "0" * places if places else "")
    if isinstance(value, datetime):
        # Excel has no time zones: the wall-clock time in the active zone, as the pages show it.
        return _local(value).replace(tzinfo=None), XLSX_DATETIME
    if isinstance(value, date):
        return value, XLSX_DATE
    # A text cell as it is: a string cell is never evaluated as a formula (`_xlsx` fixes its type), so
    # no apostrophe shows in front of "+36 1 234" or "=Béta Bt." as it must in a CSV.
    return _XLSX_ILLEGAL.sub("", str(value)), XLSX_TEXT


def safe_rows(header: Row, rows: Iterable[Row]) -> Iterator[list[str]]:
    """The header and rows as CSV text cells in the active language."""
    yield [safe_cell(value) for value in header]
    for row in rows:
        yield [text_cell(value) for value in row]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_chunks(header: Row, rows: Iterable[Row]) -> Iterator[str]:
    """The CSV text in chunks of `CSV_BATCH` rows, each read and written in the language and time
    zone active now (at the call): a streamed response is read after the view and its middleware
    returned."""
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def chunks() -> Iterator[str]:
        yield BOM
        lines = None
        while True:
            with translation.override(language), timezone.override(zone):
                if lines is None:
                    writer = csv.writer(_Echo(), delimiter=csv_delimiter())
                    lines = (writer.writerow(row) for row in safe_rows(header, rows))
                chunk = "".join(islice(lines, CSV_BATCH))
            if not chunk:
                return
            yield chunk

    return chunks()


def csv_stream_response(filename: str, header: Row, rows: Iterable[Row]) -> StreamingHttpResponse:
    """Stream `rows` (a generator reading the database in chunks) as a CSV download."""
    response = StreamingHttpResponse(_csv_chunks(header, rows), content_type=CONTENT_TYPES["csv"])
    return _attachment(response, filename)


def _shown_width(value: object) -> int:
    """About how many characters a cell shows (cheap: no formatting per cell)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 12
    digits = len(str(value))
    return digits + digits // 3  # the group separators


def _xlsx(title: str, header: Row, rows: Iterable[Row]) -> bytes:
    """A workbook of one sheet: a bold, frozen header row and columns as wide as their text."""
    body = [[xlsx_cell(value) for value in row] for row in rows]
    heading = ["" if value is None else str(value) for value in header]
    widths = [len(text) for text in heading]
    for row in body:
        for index, (value, _number_format) in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _shown_width(value))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_SHEET_TITLE_ILLEGAL.sub("-", title)[:31] or "Sheet")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: object, number_format: str | None = None, font: Font | None = None) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=value)
        if number_format == XLSX_TEXT:
            written.data_type = "s"  # "=..." stays text: openpyxl would store it as a formula
        if number_format:
            written.number_format = number_format
        if font:
            written.font = font
        return written

    sheet.append([cell(_XLSX_ILLEGAL.sub("", text), XLSX_TEXT, font=bold) for text in heading])
    for row in body:
        sheet.append([cell(value, number_format) for value, number_format in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(filename: str, header: Row, rows: Iterable[Row], *, format: str = "csv") -> HttpResponse:
    """A small table as a CSV or XLSX download (`filename` without its extension)."""
    if format == "csv":
        content: str | bytes = "".join(_csv_chunks(header, rows))
    elif format == "xlsx":
        content = _xlsx(filename, header, rows)
    else:
        raise ValueError(f"Unknown export format: {format}")
    return _attachment(HttpResponse(content, content_type=CONTENT_TYPES[format]), f"{filename}.{format}")


def list_export_response(
    request: HttpRequest, name: str, header: Row, rows: Iterable[Row], *, queryset, format: str, list_url: str
) -> HttpResponse | StreamingHttpResponse:
    """The list's rows as `name`.csv (streamed) or `name`.xlsx; `queryset` counts the rows for the XLSX
    cap, `list_url` is where a refused XLSX goes back to (with the same filters)."""
    if format != "xlsx":
        return csv_stream_response(f"{name}.csv", header, rows)
    if queryset[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS:
        messages.error(
            request,
            _(
                "More than %(count)s rows match: too many for an Excel file. Narrow the filters or export them as CSV."
            )
            % {"count": number_format(XLSX_MAX_ROWS, use_l10n=True, force_grouping=True)},
        )
        query = request.GET.copy()
        query.pop("format", None)
        return HttpResponseRedirect(list_url + (f"?{query.urlencode()}" if query else ""))
    return table_response(name, header, rows, format="xlsx")
