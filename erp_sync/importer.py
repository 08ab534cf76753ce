"""Import from the ERP: partners with their data, products, orders and open invoices.

A run:
1. takes the lease lock (erp_sync.models.SyncState: an owner and a short expiry, ERP_LOCK_SECONDS) in
   the transaction that creates its SyncRun; a run that still says "running" although its lease ran
   out (its worker was killed) is marked abandoned there, with the last page it committed;
2. keeps the lease while it is alive: a heartbeat thread with its own database connection renews it
   every ERP_LOCK_RENEW_SECONDS (also while one page takes long), and every page renews it too; a
   killed run stops renewing, so the next run takes over within ERP_LOCK_SECONDS;
3. reads every kind page by page since the last good cursor (or everything on a full resync);
4. imports each page in one transaction, which also checks the lease (a run that lost it stops
   before writing) and stores the run's counts and last page so far (the admin's run page shows the
   progress); a failure keeps the pages already done, and the next run reads again from the old
   cursor, so nothing is lost and re-reading is harmless;
5. checks each record in Python first (erp_sync.records): a bad record becomes a SyncError with its ERP
   id and is skipped; the rest of the page is written set-based (erp_sync.writers), a constant number
   of queries per page; if the database still refuses the page (a unique constraint), the page is
   retried in halves until the refused record is found, reported and skipped;
6. moves the cursor to the ERP's clock at the start of the run only when every kind succeeded.
ERP-managed fields are overwritten; CRM-only data (owners, events, communications, notes) is not touched.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from companies.models import Company, User
from erp_sync.connectors import Connector, Page, get_connector
from erp_sync.models import RunStatus, SyncError, SyncRun, SyncState
from erp_sync.records import PARSERS, BadRecord, Lookups
from erp_sync.writers import WRITERS, PageResult
from ops.jobs import enqueue_by_name

logger = logging.getLogger(__name__)

KINDS = ("partners", "products", "orders", "invoices")

# Called after each page with the kind, the page number, that page's counts and the run's counts so far.
Progress = Callable[[str, int, dict[str, int], dict[str, dict[str, int]]], None]


class LeaseLost(Exception):
    """This run no longer holds the lock: its lease ran out while it was stalled and another run took
    over, or an administrator released it."""


# Lock ------------------------------------------------------------------------------------------


def lease_length() -> timedelta:
    return timedelta(seconds=settings.ERP_LOCK_SECONDS)


def _state_for_update() -> SyncState:
    SyncState.objects.get_or_create(key="erp")
    return SyncState.objects.select_for_update().get(key="erp")


def format_moment(moment: datetime | None) -> str:
    # To the second, whatever the language: a lease lasts a minute or two.
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def holder_label(state: SyncState) -> str:
    """Who holds the lock, for people: "run 12 on web-1 (process 4242)"."""
    run = state.run
    if run is None:
        return _("another process") if state.locked_by else ""
    where = _(" on %(host)s (process %(pid)s)") % {"host": run.host, "pid": run.pid} if run.host else ""
    return _("run %(run)s%(where)s") % {"run": run.pk, "where": where}


def acquire_lock(owner: str, run: SyncRun | None = None) -> bool:
    """Takes the lock when it is free, expired or already `owner`'s (inside the caller's transaction,
    or alone). A run left "running" by a dead holder is marked abandoned, with `run` as its successor."""
    with transaction.atomic():
        state = _state_for_update()
        now = timezone.now()
        if state.is_locked and state.locked_by != owner:
            return False
        # The previous holder's lease ran out: its run is dead whatever its last heartbeat says.
        previous = state.run_id if state.locked_by and state.locked_by != owner else None
        SyncState.objects.filter(pk=state.pk).update(
            locked_by=owner, locked_until=now + lease_length(), run=run
        )
        abandon_dead_runs(taken_over_by=run, now=now, also=previous)
    return True


def renew_lock(owner: str, run_id: int | None = None) -> None:
    """Inside a page's transaction: the page is written only while this run still holds the lease."""
    if not _renew(owner, run_id):
        raise LeaseLost(
            "this run lost the ERP lock (it ran out while the run was stalled and another run took over, "
            "or an administrator released it); it stopped before writing another page"
        )


def _renew(owner: str, run_id: int | None) -> bool:
    now = timezone.now()
    renewed = SyncState.objects.filter(key="erp", locked_by=owner).update(locked_until=now + lease_length())
    if renewed and run_id is not None:
        SyncRun.objects.filter(pk=run_id).update(heartbeat_at=now)
    return bool(renewed)


def release_lock(owner: str) -> None:
    SyncState.objects.filter(key="erp", locked_by=owner).update(locked_by="", locked_until=None, run=None)


def abandon_dead_runs(
    *, taken_over_by: SyncRun | None = None, now: datetime | None = None, also: int | None = None
) -> int:
    """Runs still "running" with no sign of life for a lease (their worker was killed) and not holding
    the lock become "abandoned", keeping the last page they committed. Safe to run any time, twice."""
    now = now or timezone.now()
    state = SyncState.objects.filter(key="erp").first()
    alive = state.run_id if state is not None and state.is_locked else None
    dead = (
        SyncRun.objects.filter(status=RunStatus.RUNNING)
        .exclude(pk=alive)
        .exclude(pk=getattr(taken_over_by, "pk", None))
        .annotate(seen=Coalesce("heartbeat_at", "started_at"))
        .filter(Q(seen__lt=now - lease_length()) | Q(pk=also))
    )
    count = 0
    for run in dead:
        message = _(
            "The run stopped without finishing (its worker was stopped or killed); last sign of life "
            "%(seen)s. Pages committed up to %(page)s; the next run reads again from the last good cursor."
        ) % {"seen": format_moment(run.seen), "page": run.last_page_label or _("none")}
        if taken_over_by is not None:
            message += " " + _("Run %(run)s took over the lock.") % {"run": taken_over_by.pk}
        count += SyncRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.ABANDONED, finished_at=run.seen, error=message
        )
    return count


def lock_release(*, actor: User, owner: str) -> bool:
    """An administrator frees the lock, as held by `owner` when they confirmed (a lock that changed hands
    meanwhile is left alone). Its run is marked abandoned; if it was in fact alive, it stops before its
    next page. Recorded in the audit log with the administrator as actor."""
    with transaction.atomic():
        state = _state_for_update()
        if not owner or state.locked_by != owner:
            return False
        run = state.run
        SyncState.objects.filter(pk=state.pk).update(locked_by="", locked_until=None, run=None)
        if run is not None:
            SyncRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.ABANDONED,
                finished_at=Coalesce("heartbeat_at", "started_at"),
                error=_(
                    "%(user)s released its lock at %(time)s. Pages committed up to %(page)s; the next run "
                    "reads again from the last good cursor."
                )
                % {
                    "user": actor.get_full_name() or actor.get_username(),
                    "time": format_moment(timezone.now()),
                    "page": run.last_page_label or _("none"),
                },
            )
        _audit_release(state, actor=actor)
    return True


def _audit_release(state: SyncState, *, actor: User) -> None:
    from core import audit

    if not audit.is_enabled():
        return
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        state,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=actor,
        changes={
            "locked_by": [state.locked_by, ""],
            "locked_until": [str(state.locked_until), "None"],
            "run": [str(state.run_id), "None"],
        },
    )


class LeaseKeeper:
    """Renews the lease from its own thread (and database connection) every ERP_LOCK_RENEW_SECONDS,
    so a page that takes longer than the lease (a slow ERP answer, a big page) keeps it; stops when
    the run ends, when the lease is lost, or when no page has finished for ERP_LOCK_STALL_SECONDS (a
    hung run must not hold the lock for ever)."""

    def __init__(self, owner: str, run_id: int):
        self.owner = owner
        self.run_id = run_id
        self.progressed_at = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"erp-lease-{run_id}", daemon=True)

    def progressed(self) -> None:
        self.progressed_at = time.monotonic()

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=settings.ERP_LOCK_SECONDS)

    def _keep(self) -> None:
        try:
            while not self._stop.wait(settings.ERP_LOCK_RENEW_SECONDS):
                stalled = time.monotonic() - self.progressed_at
                if stalled > settings.ERP_LOCK_STALL_SECONDS:
                    logger.error(
                        "ERP import run %s: no page finished for %d s; its lease is no longer renewed",
                        self.run_id, stalled,
                    )  # fmt: skip
                    return
                try:
                    if not _renew(self.owner, self.run_id):
                        logger.warning("ERP import run %s lost its lease; the heartbeat stops", self.run_id)
                        return
                except DatabaseError:
                    # Renewed again at the next beat (or by the next page) while the lease lasts.
                    logger.warning("ERP import run %s: renewing the lease failed", self.run_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection


# Run -------------------------------------------------------------------------------------------


def _start_run(*, owner: str, full: bool, trigger: str) -> SyncRun:
    """A running SyncRun holding the lock, or a skipped one naming who holds it: one transaction."""
    with transaction.atomic():
        state = _state_for_update()
        now = timezone.now()
        if state.is_locked and state.locked_by != owner:
            return SyncRun.objects.create(
                status=RunStatus.SKIPPED, full=full, trigger=trigger, finished_at=now,
                error=_("The lock is held by %(holder)s until %(until)s.")
                % {"holder": holder_label(state), "until": format_moment(state.locked_until)},
            )  # fmt: skip
        run = SyncRun.objects.create(
            full=full, trigger=trigger, changed_since=None if full else state.last_cursor,
            host=socket.gethostname()[:255], pid=os.getpid(), heartbeat_at=now,
        )  # fmt: skip
        acquire_lock(owner, run)
    return run


def run_import(
    *,
    full: bool = False,
    trigger: str = "schedule",
    connector: Connector | None = None,
    progress: Progress | None = None,
) -> SyncRun:
    owner = uuid.uuid4().hex
    run = _start_run(owner=owner, full=full, trigger=trigger)
    if run.status == RunStatus.SKIPPED:
        return run
    since = run.changed_since
    counts: dict[str, dict[str, int]] = {}
    cursor = None
    try:
        connector = connector or get_connector()
        importer = PageImporter(run)

        # One reader thread fetches and checks the next page while this one writes the current page.
        def read(kind: str, number: int) -> tuple[Page, ParsedPage]:
            result = connector.changes(kind, since, number)
            return result, importer.read_page(kind, result.items)

        with (
            LeaseKeeper(owner, run.pk) as keeper,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="erp-reader") as reader,
        ):
            for kind in KINDS:
                page = 1
                pending: Future | None = reader.submit(read, kind, page)
                while pending is not None:
                    result, parsed = pending.result()
                    pending = reader.submit(read, kind, result.next_page) if result.next_page else None
                    cursor = min(cursor, result.server_time) if cursor else result.server_time
                    counts = _import_page(run, importer, owner, kind, page, parsed, counts, progress)
                    keeper.progressed()
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
        # Only while still "running": a run marked abandoned meanwhile (its lock released by an
        # administrator) keeps that status and its explanation.
        finished = SyncRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=run.status, error=run.error, counts=counts, cursor=cursor, finished_at=run.finished_at
        )
        if not finished:
            run.refresh_from_db()
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
    """One page in one transaction, with the lease renewed and the run's counts and last page stored in it."""
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
        SyncRun.objects.filter(pk=run.pk).update(
            counts=so_far, last_kind=kind, last_page=page, heartbeat_at=timezone.now()
        )
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
            transaction.on_commit(
                partial(enqueue_by_name, "erp_sync.tasks.send_gdpr_notices", result.notice_ids)
            )
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
