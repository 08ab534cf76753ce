"""Pagination for lists over large visible sets: the count stops at a cap instead of reading every row.

An exact COUNT(*) over a manager's visible communications (hundreds of thousands of rows) cost more
than the page itself. `CappedPaginator` counts at most `cap` rows, or up to the page asked for when
that lies further, plus one to know that more exist; the page then says "more than N items" and
"Next" keeps working page by page. Pages and rows are the same as Django's Paginator below the cap.

Keyset paging ("seek"): OFFSET reads and drops every row before the page, so page 200 of a list costs
200 pages. "Next" therefore links to ``?page=<n>:<id of the page's last row>``: the paginator loads
that row's sort keys (one query by primary key, through the same visible, filtered queryset, so a
foreign or hidden id is simply ignored) and reads the rows *after* it in the list's order, however
deep, ``(k1 > v1) OR (k1 = v1 AND k2 > v2) ...`` with the database's NULL placement; the count then
stops at the page's end ("more than N items"). "Previous", a typed page number and any change of
filters or sorting (their links drop ``page``) use plain page numbers. Lists whose ordering is not a
list of plain columns (or that end without a unique key) page by OFFSET as before.
"""

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.expressions import OrderBy

COUNT_CAP = 1000
MAX_PAGE = 1_000_000  # keeps LIMIT inside a bigint whatever ?page= says


def ordering_keys(queryset: models.QuerySet) -> list[OrderBy] | None:
    """The queryset's ORDER BY as OrderBy expressions of plain columns, or None (random, expressions...)."""
    query = queryset.query
    terms = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
    keys = []
    for term in terms:
        if isinstance(term, str):
            if term == "?" or "." in term:
                return None
            keys.append(OrderBy(F(term.lstrip("-")), descending=term.startswith("-")))
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            keys.append(term)
        elif isinstance(term, F):
            keys.append(OrderBy(term))
        else:
            return None
    return keys or None


def split_page_token(page: str | int | None) -> tuple[int, int | None]:
    """``"12:4567"`` -> (12, 4567); ``"12"`` -> (12, None); anything else -> (1, None)."""
    text = str(page) if page is not None else ""
    number_text, _sep, after_text = text.partition(":")
    try:
        number = min(max(int(number_text), 1), MAX_PAGE)
    except ValueError:
        return 1, None
    after = int(after_text) if after_text.isdigit() and len(after_text) <= 18 else None
    return number, (after if number > 1 else None)


def _after(keys: list[OrderBy], values: list, nulls_largest: bool) -> Q:
    """Rows that come after a row whose sort keys are `values`, in the order `keys` give."""
    key, value, rest = keys[0], values[0], keys[1:]
    name = key.expression.name
    # Where NULLs sort: as the largest values by default on PostgreSQL, the smallest on SQLite.
    nulls_last = key.nulls_last or (not key.nulls_first and nulls_largest != key.descending)
    if value is None:
        strictly = Q(pk__in=[]) if nulls_last else Q(**{f"{name}__isnull": False})
        equal = Q(**{f"{name}__isnull": True})
    else:
        strictly = Q(**{f"{name}__{'lt' if key.descending else 'gt'}": value})
        if nulls_last:
            strictly |= Q(**{f"{name}__isnull": True})
        equal = Q(**{name: value})
    if not rest:
        return strictly
    return strictly | (equal & _after(rest, values[1:], nulls_largest))


class CappedPaginator(Paginator):
    """`values`: the columns a row shows, read for the page's rows only (``values_list(..., named=True)``):
    the count, the keyset anchor and the visibility parts keep the plain queryset, without the joins those
    columns need."""

    def __init__(
        self,
        object_list,
        per_page: int,
        *,
        page: str | int | None,
        cap: int = COUNT_CAP,
        values: tuple[str, ...] | None = None,
    ):
        super().__init__(object_list, per_page)
        self.values = values
        wanted, self.after = split_page_token(page)
        self.cap = cap
        # One row more than we will show: its presence says "there are more".
        self.limit = max(cap, wanted * per_page) + 1

    def _rows(self, rows):
        if self.values and isinstance(rows, models.QuerySet):
            return rows.values_list(*self.values, named=True)
        return rows

    def _get_page(self, object_list, number, paginator) -> Page:
        return super()._get_page(self._rows(object_list), number, paginator)

    def get_page(self, number) -> Page:
        wanted, after = split_page_token(number)
        if after is not None and after == self.after:
            page = self._page_after(wanted, after)
            if page is not None:
                return page
        return super().get_page(wanted)

    def _page_after(self, number: int, after: int) -> Page | None:
        """Page `number` as the rows after row `after` (keyset), or None to page by OFFSET."""
        rows = self.object_list
        queryset = getattr(rows, "queryset", rows)  # VisibleRows keeps the list's queryset
        if not isinstance(queryset, models.QuerySet):
            return None
        keys = ordering_keys(queryset)
        if keys is None or keys[-1].expression.name not in ("pk", queryset.model._meta.pk.name):
            return None  # no unique last key: the order between equal rows is not fixed
        names = [key.expression.name for key in keys]
        anchor = queryset.filter(pk=after).values_list(*names).first()
        if anchor is None:  # not (or no longer) in this list
            return None
        nulls_largest = connections[queryset.db].features.nulls_order_largest
        condition = _after(keys, list(anchor), nulls_largest)
        following = rows.filter(condition) if hasattr(rows, "filter") else None
        if following is None:
            return None
        fetched = list(self._rows(following[: self.per_page + 1]))
        if not fetched:  # nothing after it any more: the last page by number
            return None
        shown = fetched[: self.per_page]
        if number * self.per_page > self.cap:
            # Past the count's cap (where OFFSET grew): what is known without counting: the pages
            # before, this page, and whether one more row exists. Below it the count is the one page 1
            # shows ("Page 2 of 3 (52 items)" both ways), at page 1's cost.
            self.count = (number - 1) * self.per_page + len(fetched)
            self.limit = self.count if len(fetched) > self.per_page else self.count + 1
        return Page(shown, number, self)  # already the rows' values

    @cached_property
    def count(self) -> int:
        capped_count = getattr(self.object_list, "capped_count", None)  # companies.visibility.VisibleRows
        if capped_count is not None:
            return capped_count(self.limit)
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # any `limit` rows count alike: let PostgreSQL pick the cheapest
        return rows[: self.limit].count()

    @property
    def capped(self) -> bool:
        """True when more rows match than were counted."""
        return self.count >= self.limit

    @property
    def at_least(self) -> int:
        return self.limit - 1


def next_page_token(page: Page) -> str:
    """The "Next" link's page: the next number and the id of this page's last row (keyset)."""
    number = page.next_page_number()
    rows = list(page.object_list)
    last = rows[-1] if rows else None
    pk = getattr(last, "pk", None)
    return f"{number}:{pk}" if isinstance(pk, int) else str(number)
