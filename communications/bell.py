"""The bell and the notifications page: a user's notifications grouped per item.

Several notifications about the same communication, task or thread (the same link) show as one entry
with a count, its latest message and time. Both the bell and the page read through `groups()`, so the
bell's number is the page's "unread" number:

- `groups(user, unread_only=True)`: one row per item (its key, how many notifications, how many unread,
  the newest time and id), newest first; a notification without a link is an item of its own;
- `entries(rows)`: those rows with their newest notification loaded (one query), for display;
- `unread_count(user)`: how many items have something unread (the bell's number);
- `mark_item_read(notification)`: opening an item from the bell marks every notification about it read;
- `mark_page_read(user, current_url)`: so does opening the item's page any other way (the `/live/` poll,
  which every page sends on load with htmx's `HX-Current-URL`, names the page: no query on page views).

Indexes: `notification_unread` (recipient, read_at) serves the bell; the page reads the recipient's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import Case, CharField, Count, Max, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from communications.models import Notification
from companies.models import User

# How many items the bell lists (the page lists them all, paginated).
BELL_SIZE = 8


def _item_key():
    """The item a notification is about: its link, or the notification itself when it has none."""
    return Case(
        When(url="", then=Concat(Value("#"), Cast("id", CharField()))),
        default="url",
        output_field=CharField(),
    )


def groups(user: User, *, unread_only: bool = False) -> QuerySet:
    """One row per item: key, total, unread, latest (time), last_id; newest first."""
    notifications = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return (
        notifications.annotate(key=_item_key())
        .values("key")
        .annotate(
            total=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            latest=Max("created_at"),
            last_id=Max("id"),
        )
        .order_by("-latest", "-last_id")
    )


def unread_count(user: User) -> int:
    return groups(user, unread_only=True).count()


@dataclass
class Entry:
    """One item in the bell or on the page: its newest notification and how many there are."""

    notification: Notification
    total: int
    unread: int
    latest: datetime

    @property
    def pk(self) -> int:
        return self.notification.pk

    @property
    def display_text(self) -> str:
        return self.notification.display_text

    @property
    def more(self) -> int:
        """How many notifications besides the one shown."""
        return self.total - 1


def entries(rows) -> list[Entry]:
    """The grouped rows with their newest notification (one query for all)."""
    rows = list(rows)
    if not rows:
        return []
    by_id = Notification.objects.select_related("actor", "company").in_bulk([row["last_id"] for row in rows])
    return [
        Entry(
            notification=by_id[row["last_id"]], total=row["total"], unread=row["unread"], latest=row["latest"]
        )
        for row in rows
        if row["last_id"] in by_id
    ]


def bell(user: User) -> tuple[list[Entry], int]:
    """The bell's newest unread items and its number (the count only when the list is full)."""
    rows = list(groups(user, unread_only=True)[:BELL_SIZE])
    count = unread_count(user) if len(rows) == BELL_SIZE else len(rows)
    return entries(rows), count


def mark_item_read(notification: Notification) -> int:
    """Mark the notification and every other unread one of its recipient about the same item read."""
    same_item = Q(pk=notification.pk) | (Q(url=notification.url) if notification.url else Q(pk__in=[]))
    return Notification.objects.filter(
        same_item, recipient_id=notification.recipient_id, read_at__isnull=True
    ).update(read_at=timezone.now())


def mark_page_read(user: User, current_url: str) -> int:
    """Mark the user's unread notifications whose link is the page they have open read."""
    path = urlsplit(current_url or "").path
    if not path or len(path) > 500:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True, url=path).update(
        read_at=timezone.now()
    )
