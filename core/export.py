"""Exports for spreadsheets: every writer of the product goes through here, so every cell gets the
formula guard (CSV injection: a cell starting with = + - @, a tab or a carriage return is read as a
formula by Excel and LibreOffice; a leading apostrophe makes it text).

- `csv_stream_response`: a list of any length, streamed row by row while the database is read
  (tablib builds the whole table in memory, so long lists do not go through it).
- `table_response`: a small table built in memory with tablib, as CSV or XLSX.
- `list_export_response`: a list page's export in the format asked for: CSV streamed, XLSX (built in
  memory) up to `XLSX_MAX_ROWS` rows, else back to the list with a message to narrow it or take CSV.

Both write the same CSV: UTF-8 with a byte order mark (so Excel reads the accents), comma separated,
CRLF line ends, the header first.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence

import tablib
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Row = Sequence[object]
XLSX_MAX_ROWS = 20_000  # an XLSX file is built in memory; a longer list goes out as CSV, which streams


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet will not run: a leading apostrophe before a formula start."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_rows(header: Row, rows: Iterable[Row]) -> Iterator[list[str]]:
    yield [safe_cell(value) for value in header]
    for row in rows:
        yield [safe_cell(value) for value in row]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_stream_response(filename: str, header: Row, rows: Iterable[Row]) -> StreamingHttpResponse:
    """Stream `rows` (a generator reading the database in chunks) as a CSV download."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield BOM
        for row in safe_rows(header, rows):
            yield writer.writerow(row)

    return _attachment(StreamingHttpResponse(lines(), content_type=CONTENT_TYPES["csv"]), filename)


def table_response(filename: str, header: Row, rows: Iterable[Row], *, format: str = "csv") -> HttpResponse:
    """A small table as a CSV or XLSX download (`filename` without its extension)."""
    header_row, *body = safe_rows(header, rows)
    dataset = tablib.Dataset(*body, headers=header_row)
    if format == "csv":
        content: str | bytes = BOM + dataset.export("csv")
    elif format == "xlsx":
        content = dataset.export("xlsx")
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
            % {"count": f"{XLSX_MAX_ROWS:,}"},
        )
        query = request.GET.copy()
        query.pop("format", None)
        return HttpResponseRedirect(list_url + (f"?{query.urlencode()}" if query else ""))
    return table_response(name, header, rows, format="xlsx")
