"""The import wizard's writes and the import job itself.

A run goes: upload (`import_run_create`) -> mapping and matching (`import_mapping_save`, which also
remembers the mapping for the user's next file of that kind) -> preview (`import_preview`, no write)
-> start (`import_run_start`, queues `imports.tasks.run_import` on the bulk queue) -> the job
(`import_run_execute`).

How the job runs a file (`import_run_execute`):
1. Claim the run (compare-and-swap queued/running -> running), read the stored file, the whole of it
   (the upload and the preview read only its head), and set the exact row count.
2. Check that the user who started it is still an active member allowed to import.
3. Rows go in chunks of `CHUNK` rows, one transaction per chunk and a savepoint per row: a failed row
   is rolled back alone and recorded with its row number and reason; the others go on.
4. Each chunk commits with the progress (`processed_rows`) and the counts, so the page's progress bar
   moves, and a job that dies mid-file resumes after the last committed chunk (nothing runs twice).
5. Every write goes through the partners' and contacts' services with the importing user as the
   owner and as the audit trail's actor; new contacts' GDPR notices are queued by `contact_create`
   after each chunk commits, on the bulk mail queue as for any new contact.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from auditlog.context import auditlog_value, set_actor
from celery import current_app
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, User
from companies.visibility import Viewer
from imports.models import ImportMapping, ImportRun, ImportSheet, RunStatus
from imports.reading import Sheet, SheetError, read_sheet, rows_from_json
from imports.rows import FAILED, ROWS

CHUNK = 500
PREVIEW_ROWS = 20  # what the upload reads and the preview shows
IMPORT_FUNCTION = "imports.run_import"
RUN_TASK = "imports.tasks.run_import"
# Failures kept for the result page and its download (a file of 50,000 bad rows keeps the first ones).
MAX_FAILURES_KEPT = 20_000


def import_run_create(
    *, company: Company, actor: User, upload: UploadedFile, kind: str, encoding: str
) -> ImportRun:
    """Store the uploaded file as a draft run once its head reads as a sheet (else SheetError).

    Only the header and the first rows are read here, in the request (`PREVIEW_ROWS`; the row count
    from the file's dimension): the whole sheet is read by the job, which corrects the count."""
    data = upload.read()
    sheet = read_sheet(data, upload.name or "", encoding=encoding, head=PREVIEW_ROWS)
    if not sheet.total_rows:
        raise SheetError(_("The file has a header row but no data rows."))
    upload.seek(0)
    return ImportRun.objects.create(
        company=company,
        created_by=actor,
        kind=kind,
        file=upload,
        original_name=(upload.name or "")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding if sheet.encoding == "xlsx" else sheet.encoding,
        headers=sheet.headers,
        total_rows=sheet.total_rows,
    )


def read_run_sheet(run: ImportRun, *, head: int | None = None, count_rows: bool = True) -> Sheet:
    """The run's sheet from its stored file (only the header and `head` rows if given). Runs uploaded
    before the job read the file itself kept their rows as JSON (`ImportSheet`): those are used."""
    stored = ImportSheet.objects.filter(run=run).values_list("rows", flat=True).first()
    if stored is not None:
        rows = rows_from_json(stored)
        kept = rows if head is None else rows[:head]
        return Sheet(headers=run.headers, rows=kept, encoding=run.encoding, total_rows=len(rows))
    with run.file.open("rb") as handle:
        return read_sheet(
            handle.read(), run.original_name, encoding=run.encoding, head=head, count_rows=count_rows
        )


def earlier_run_of_same_file(run: ImportRun, viewer: Viewer) -> ImportRun | None:
    """A finished run of the very same file and kind the user may see (a warning, not a refusal:
    re-running creates nothing new)."""
    return (
        ImportRun.objects.visible_to(viewer)
        .filter(file_sha256=run.file_sha256, kind=run.kind, status=RunStatus.DONE)
        .exclude(pk=run.pk)
        .first()
    )


def suggested_mapping(run: ImportRun) -> dict[str, str]:
    """{header: field}: the user's last mapping for this kind where a header comes again, else a guess
    from the header's name (English, Hungarian or Bulgarian)."""
    remembered = (
        ImportMapping.objects.filter(company=run.company, user=run.created_by, kind=run.kind)
        .values_list("mapping", flat=True)
        .first()
        or {}
    )
    rows = ROWS[run.kind]
    known = set(rows.field_names())
    suggestion = {}
    for header in run.headers:
        field = remembered.get(header)
        suggestion[header] = field if field in known else rows.guess(header)
    return suggestion


@transaction.atomic
def import_mapping_save(*, run: ImportRun, mapping: dict[str, str], matching: str, actor: User) -> ImportRun:
    """Keep the mapping on the run and remember it as the user's last one for this kind."""
    run.mapping = {header: field for header, field in mapping.items() if field}
    run.matching = matching
    run.save(update_fields=["mapping", "matching"])
    ImportMapping.objects.update_or_create(
        company=run.company, user=actor, kind=run.kind, defaults={"mapping": mapping}
    )
    return run


@dataclass
class PreviewRow:
    number: int
    cells: list[tuple[str, str]]  # (value, error) per column, in the file's order
    outcome: str  # "create", "update", "skip", "duplicate", "error"


def import_preview(run: ImportRun, viewer: Viewer, *, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows as the job would see them: cell errors, and what would happen to each row."""
    sheet = read_run_sheet(run, head=limit, count_rows=False)  # the count is the run's
    rows = ROWS[run.kind](company=run.company, actor=run.created_by, viewer=viewer)
    column_of = _columns(sheet, run.mapping)
    preview = []
    for index, row in enumerate(sheet.rows):
        values = {field: row[column] for field, column in column_of.items()}
        cleaned, errors = rows.validate(values)
        if errors:
            outcome = "error"
        else:
            existing = rows.existing(cleaned)
            outcome = (
                "create"
                if existing is None
                else {"update": "update", "skip": "skip"}.get(run.matching, "duplicate")
            )
        cells = [
            (str(value), errors.get(run.mapping.get(header, ""), ""))
            for header, value in zip(sheet.headers, row, strict=True)
        ]
        preview.append(PreviewRow(number=index + 2, cells=cells, outcome=outcome))
    return preview


def import_run_start(*, run: ImportRun, actor: User) -> bool:
    """Queue the job once (a second click, a second tab: only the draft starts)."""
    started = ImportRun.objects.filter(pk=run.pk, status=RunStatus.DRAFT).update(status=RunStatus.QUEUED)
    if started:
        transaction.on_commit(lambda: _queue_run(run.pk))
    return bool(started)


def _queue_run(run_id: int) -> None:
    """The job by name (this module is below the tasks that call it), on the bulk queue with the other
    long batch jobs; `apply_async` runs it here when tasks are eager (tests)."""
    import_module(RUN_TASK.rpartition(".")[0])
    current_app.tasks[RUN_TASK].apply_async((run_id,), queue=getattr(settings, "BULK_QUEUE", "bulk"))


def _columns(sheet: Sheet, mapping: dict[str, str]) -> dict[str, int]:
    return {mapping[header]: index for index, header in enumerate(sheet.headers) if mapping.get(header)}


def _finish(run: ImportRun, status: str, error: str = "") -> None:
    ImportRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=timezone.now())
    run.refresh_from_db()


def import_run_execute(
    *, run_id: int, progress: Callable[[int, int], None] | None = None
) -> ImportRun | None:
    """Run (or resume) the import `run_id`; see the module docstring for the steps."""
    claimed = ImportRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.RUNNING, started_at=Coalesce(F("started_at"), timezone.now())
    )
    run = ImportRun.objects.select_related("company", "created_by").filter(pk=run_id).first()
    if not claimed or run is None:
        return run
    actor = run.created_by
    viewer = Viewer.for_user(actor, run.company)
    if viewer.membership is None or not actor.is_active or not viewer.can(IMPORT_FUNCTION):
        _finish(
            run,
            RunStatus.FAILED,
            _("%(user)s may no longer import in %(company)s.") % {"user": actor, "company": run.company},
        )
        return run
    try:
        sheet = read_run_sheet(run)  # the whole file, here in the job (the upload read its head)
    except (SheetError, OSError) as error:
        _finish(run, RunStatus.FAILED, str(error))
        return run
    if run.total_rows != len(sheet.rows):  # the upload's count was the file's dimension
        ImportRun.objects.filter(pk=run.pk).update(total_rows=len(sheet.rows))
        run.total_rows = len(sheet.rows)
    rows = ROWS[run.kind](company=run.company, actor=actor, viewer=viewer)
    column_of = _columns(sheet, run.mapping)
    outer = auditlog_value.get(None)
    try:
        with set_actor(actor):
            for start in range(run.processed_rows, len(sheet.rows), CHUNK):
                _import_chunk(run, rows, sheet.rows[start : start + CHUNK], start, column_of)
                if progress is not None:  # the command line's progress (the page reads the run)
                    progress(min(start + CHUNK, len(sheet.rows)), len(sheet.rows))
    except Exception as error:
        _finish(run, RunStatus.FAILED, f"{type(error).__name__}: {error}"[:2000])
        raise
    finally:
        if outer is not None:
            auditlog_value.set(outer)
    _finish(run, RunStatus.DONE)
    return run


@transaction.atomic
def _import_chunk(run: ImportRun, rows, chunk: list[list[str]], start: int, column_of: dict) -> None:
    counts: Counter[str] = Counter()
    failures = []
    values = [{field: row[column] for field, column in column_of.items()} for row in chunk]
    for offset, (outcome, reason) in enumerate(rows.import_chunk(values, run.matching)):
        counts[outcome] += 1
        if outcome == FAILED:
            failures.append({"row": start + offset + 2, "reason": reason})
    locked = ImportRun.objects.select_for_update().only("failures").get(pk=run.pk)
    kept = (locked.failures + failures)[:MAX_FAILURES_KEPT]
    ImportRun.objects.filter(pk=run.pk).update(
        processed_rows=start + len(chunk),
        created_count=F("created_count") + counts["created"],
        updated_count=F("updated_count") + counts["updated"],
        skipped_count=F("skipped_count") + counts["skipped"],
        failed_count=F("failed_count") + counts[FAILED],
        failures=kept,
    )
