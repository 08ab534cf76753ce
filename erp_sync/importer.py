"""Import from the ERP: partners with their data, products, orders and open invoices.

A run:
1. takes the lease lock (a row with an expiry: a crashed worker's lock runs out, runs never overlap);
2. reads every kind page by page since the last good cursor (or everything on a full resync);
3. imports each page in one transaction, which also renews the lease (a run that lost its lease stops
   before writing) and stores the run's counts so far (the admin's run page shows the progress);
   a failure keeps the pages already done, and the next run reads again from the old cursor, so
   nothing is lost and re-reading is harmless;
4. checks each record in Python first (erp_sync.records): a bad record becomes a SyncError with its ERP
   id and is skipped; the rest of the page is written set-based (erp_sync.writers), a constant number
   of queries per page; if the database still refuses the page (a unique constraint), the page is
   retried in halves until the refused record is found, reported and skipped;
5. moves the cursor to the ERP's clock at the start of the run only when every kind succeeded.
ERP-managed fields are overwritten; CRM-only data (owners, events, communications, notes) is not touched.
"""

import logging
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from companies.models import Company, User
from erp_sync.connectors import Connector, Page, get_connector
from erp_sync.models import RunStatus, SyncError, SyncRun, SyncState
from erp_sync.records import PARSERS, BadRecord, Lookups
from erp_sync.writers import WRITERS, PageResult

logger = logging.getLogger(__name__)

KINDS = ("partners", "products", "orders", "invoices")

# Called after each page with the kind, the page number, that page's counts and the run's counts so far.
Progress = Callable[[str, int, dict[str, int], dict[str, dict[str, int]]], None]


class LeaseLost(Exception):
    """Another worker holds the lock: this run's lease ran out (a page took longer than ERP_LOCK_MINUTES)."""


# Lock ------------------------------------------------------------------------------------------


def acquire_lock(owner: str) -> bool:
    SyncState.objects.get_or_create(key="erp")
    now = timezone.now()
    return bool(
        SyncState.objects.filter(key="erp")
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now) | Q(locked_by=owner))
        .update(locked_by=owner, locked_until=now + timedelta(minutes=settings.ERP_LOCK_MINUTES))
    )


def renew_lock(owner: str) -> None:
    """Inside a page's transaction: the page is written only while this run still holds the lease."""
    renewed = SyncState.objects.filter(key="erp", locked_by=owner).update(
        locked_until=timezone.now() + timedelta(minutes=settings.ERP_LOCK_MINUTES)
    )
    if not renewed:
        raise LeaseLost("another run took over the ERP lock; this run stopped")


def release_lock(owner: str) -> None:
    SyncState.objects.filter(key="erp", locked_by=owner).update(locked_by="", locked_until=None)


# Run -------------------------------------------------------------------------------------------


def run_import(
    *,
    full: bool = False,
    trigger: str = "schedule",
    connector: Connector | None = None,
    progress: Progress | None = None,
) -> SyncRun:
    owner = uuid.uuid4().hex
    if not acquire_lock(owner):
        now = timezone.now()
        return SyncRun.objects.create(status=RunStatus.SKIPPED, full=full, trigger=trigger, finished_at=now)
    connector = connector or get_connector()
    state = SyncState.objects.get(key="erp")
    since = None if full else state.last_cursor
    run = SyncRun.objects.create(full=full, trigger=trigger, changed_since=since)
    counts: dict[str, dict[str, int]] = {}
    cursor = None
    try:
        importer = PageImporter(run)

        # One reader thread fetches and checks the next page while this one writes the current page.
        def read(kind: str, number: int) -> tuple[Page, ParsedPage]:
            result = connector.changes(kind, since, number)
            return result, importer.read_page(kind, result.items)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="erp-reader") as reader:
            for kind in KINDS:
                page = 1
                pending: Future | None = reader.submit(read, kind, page)
                while pending is not None:
                    result, parsed = pending.result()
                    pending = reader.submit(read, kind, result.next_page) if result.next_page else None
                    cursor = min(cursor, result.server_time) if cursor else result.server_time
                    counts = _import_page(run, importer, owner, kind, page, parsed, counts, progress)
                    page = result.next_page
        SyncState.objects.filter(key="erp").update(last_cursor=cursor)
        run.status = RunStatus.PARTIAL if run.errors.exists() else RunStatus.SUCCEEDED
    except Exception as error:
        logger.exception("ERP import failed")
        run.status = RunStatus.FAILED
        run.error = str(error)[:4000]
    finally:
        run.counts = counts
        run.cursor = cursor
        run.finished_at = timezone.now()
        run.save()
        release_lock(owner)
    if run.status == RunStatus.FAILED:
        _notify_admins_on_repeated_failure(run)
    return run


def _import_page(
    run: SyncRun,
    importer: "PageImporter",
    owner: str,
    kind: str,
    page: int,
    items: "ParsedPage",
    counts: dict[str, dict[str, int]],
    progress: Progress | None,
) -> dict[str, dict[str, int]]:
    """One page in one transaction, with the lease renewed and the run's counts stored in it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The page is re-read if a database crash loses it (the cursor, committed later, would be
            # lost with it), so it need not wait for the disk: the disk flush dominated page time.
            with connection.cursor() as db:
                db.execute("SET LOCAL synchronous_commit TO OFF")
        renew_lock(owner)
        page_counts = importer.import_page(kind, items)
        so_far = counts
        if page_counts:
            so_far = {**counts, kind: dict(Counter(counts.get(kind, {})) + Counter(page_counts))}
            SyncRun.objects.filter(pk=run.pk).update(counts=so_far)
    if progress is not None:
        progress(kind, page, page_counts, so_far)
    return so_far


def _notify_admins_on_repeated_failure(run: SyncRun) -> None:
    last_two = list(SyncRun.objects.exclude(status=RunStatus.SKIPPED).order_by("-started_at", "-pk")[:2])
    if len(last_two) < 2 or any(r.status != RunStatus.FAILED for r in last_two):
        return
    from django.core.mail import send_mail

    from communications.models import Notification

    admins = User.objects.filter(is_superuser=True, is_active=True)
    message = gettext_noop("The ERP synchronisation failed twice in a row: %(error)s")
    params = {"error": run.error[:300]}
    text = Notification.render(message, params)
    for admin in admins:
        company = Company.objects.filter(memberships__user=admin).first()
        if company:
            Notification.objects.create(
                recipient=admin, company=company, verb="erp", message=message, params=params, text=text[:500],
                url="/admin/erp_sync/syncrun/",
            )  # fmt: skip
        if admin.email:
            send_mail(_("ERP synchronisation failing"), text, None, [admin.email], fail_silently=True)


# Pages -----------------------------------------------------------------------------------------


@dataclass
class ParsedPage:
    kind: str
    rows: list = field(default_factory=list)
    bad: dict[str, str] = field(default_factory=dict)  # ERP id -> why the record cannot be stored


class PageImporter:
    """Imports one page of one kind at a time; companies and contact types are loaded once per run."""

    def __init__(self, run: SyncRun):
        self.run = run
        self.lookups = Lookups()

    def read_page(self, kind: str, records: list[dict]) -> "ParsedPage":
        """Checks and converts a page's records, without the database (so it can run in the reader
        thread while the previous page is being written)."""
        page = ParsedPage(kind=kind)
        rows = {}
        for record in records:
            erp_id = str(record.get("id", "") if isinstance(record, dict) else "")[:64]
            try:
                if not isinstance(record, dict):
                    raise BadRecord(f"not a record: {record!r:.100}")
                row = PARSERS[kind](record, self.lookups)
            except BadRecord as error:
                page.bad[erp_id] = str(error)
                continue
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                # A record of the wrong shape (a list where an object belongs...): reported, not fatal.
                page.bad[erp_id] = f"malformed record: {error!r}"
                continue
            rows.pop(row.erp_id, None)  # the same id twice in a page: the later change wins
            rows[row.erp_id] = row
        page.rows = list(rows.values())
        return page

    def import_page(self, kind: str, records: "list[dict] | ParsedPage") -> dict[str, int]:
        """Writes one page (inside the caller's transaction). Returns its counts by outcome."""
        page = records if isinstance(records, ParsedPage) else self.read_page(kind, records)
        result = self._write(kind, page.rows)
        errors = [
            SyncError(run=self.run, kind=kind, erp_id=erp_id[:64], message=message[:2000])
            for erp_id, message in [*page.bad.items(), *result.rejected.items()]
        ]
        SyncError.objects.bulk_create(errors)
        if result.notice_ids:
            from erp_sync.tasks import send_gdpr_notices

            transaction.on_commit(partial(send_gdpr_notices.delay, result.notice_ids))
        page_counts = Counter(result.outcomes.values())
        if errors:
            page_counts["skipped"] += len(errors)
        return dict(page_counts)

    def _write(self, kind: str, rows: list) -> PageResult:
        """All rows in one go; if the database refuses, each half again, down to the refused record."""
        if not rows:
            return PageResult()
        try:
            with transaction.atomic():
                return WRITERS[kind](self.lookups, rows)
        except (IntegrityError, DataError) as error:
            if len(rows) == 1:
                message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
                return PageResult(rejected={rows[0].erp_id: f"the database refused it: {message}"})
            middle = len(rows) // 2
            return self._write(kind, rows[:middle]).merge(self._write(kind, rows[middle:]))
