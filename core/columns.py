"""Column choice of the lists (issue 18): each list declares its columns once, `?cols=` picks the shown ones.

    PARTNER_COLUMNS = ListColumns(
        Column("name", _("Name"), sort="name"),  # the first identifies the row: always shown
        Column("tax_number", _("Tax number"), sort="tax_number"),
        ...,
    )
    columns = PARTNER_COLUMNS.choose(request.GET)   # in the view, once per page
    {% if "status" in columns %}...{% endif %}      # a template row's cell
    columns.pick(cells)                             # a Python row: the shown cells of all of them

The header (`_list_columns_head.html`), the toolbar's "Columns" picker and the rows read the same
declaration. The choice is part of the list's query string (`cols=status&cols=owner`, or comma-separated
`cols=status,owner`), so paging and sorting links keep it and a saved view stores it with the filters.
Unknown keys are ignored; no known key at all means every column. Hidden cells are not written; the rows'
queries stay the same (a column choice never changes what is read).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.functional import Promise

PARAM = "cols"
# A hostile query string cannot make the parsing slow: more values than this are not read.
MAX_VALUES = 50


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    sort: str = ""  # the list's sort key, when the header sorts by this column
    css: str = ""  # the header cell's class (amount, number, date)


class ListColumns:
    """A list's columns in order; the identifying one (the first, or `always`) is always shown."""

    def __init__(self, *columns: Column, always: str = "") -> None:
        if not columns:
            raise ValueError("a list has at least one column")
        self.columns = columns
        self.keys = tuple(column.key for column in columns)
        if always and always not in self.keys:
            raise ValueError(f"no column {always!r}")
        self.first = next(column for column in columns if column.key == (always or self.keys[0]))

    def choose(self, query: QueryDict | None) -> "ColumnChoice":
        asked: set[str] = set()
        if query is not None:
            for value in query.getlist(PARAM)[:MAX_VALUES]:
                asked.update(key.strip() for key in value.split(",", MAX_VALUES)[:MAX_VALUES])
        known = asked.intersection(self.keys)
        if not known:
            return ColumnChoice(self, frozenset(self.keys), chosen=False)
        shown = frozenset({self.first.key, *known})
        return ColumnChoice(self, shown, chosen=len(shown) < len(self.keys))

    def all(self) -> "ColumnChoice":
        return ColumnChoice(self, frozenset(self.keys), chosen=False)


class ColumnChoice:
    """The columns shown on this page: for the header, the picker and the rows."""

    def __init__(self, columns: ListColumns, shown: frozenset[str], *, chosen: bool) -> None:
        self.columns = columns
        self.shown = shown
        self.chosen = chosen  # some columns are hidden
        self._indexes = [index for index, key in enumerate(columns.keys) if key in shown]

    def __contains__(self, key: object) -> bool:
        return key in self.shown

    @property
    def param(self) -> str:
        return PARAM

    @property
    def first(self) -> Column:
        return self.columns.first

    @property
    def header(self) -> list[Column]:
        return [self.columns.columns[index] for index in self._indexes]

    @property
    def count(self) -> int:
        return len(self._indexes)

    @property
    def options(self) -> list[tuple[Column, bool]]:
        """The picker's checkboxes: every column but the identifying one, ticked when shown."""
        return [
            (column, column.key in self.shown)
            for column in self.columns.columns
            if column.key != self.columns.first.key
        ]

    def pick(self, cells: Sequence[str]) -> str:
        """The shown ones of a row's cells, given in the declared order."""
        return "".join([cells[index] for index in self._indexes])
