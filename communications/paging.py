"""Moved to core/paging.py (every app's lists use it); kept so existing imports keep working."""

from core.paging import COUNT_CAP, MAX_PAGE, CappedPaginator

__all__ = ["COUNT_CAP", "MAX_PAGE", "CappedPaginator"]
