"""Pagination for lists over large visible sets: the count stops at a cap instead of reading every row.

An exact COUNT(*) over a manager's visible communications (hundreds of thousands of rows) cost more
than the page itself. `CappedPaginator` counts at most `cap` rows, or up to the page asked for when
that lies further, plus one to know that more exist; the page then says "more than N items" and
"Next" keeps working page by page. Pages and rows are the same as Django's Paginator below the cap.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 1000
MAX_PAGE = 1_000_000  # keeps LIMIT inside a bigint whatever ?page= says


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page: int, *, page: str | int | None, cap: int = COUNT_CAP):
        super().__init__(object_list, per_page)
        try:
            wanted = min(max(int(page), 1), MAX_PAGE)
        except (TypeError, ValueError):
            wanted = 1
        # One row more than we will show: its presence says "there are more".
        self.limit = max(cap, wanted * per_page) + 1

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
