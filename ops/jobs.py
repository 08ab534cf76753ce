"""Periodic jobs run once per slot; tasks that fail for good are recorded for admins.

How a periodic job runs once per slot, whatever happens to beat:
1. Beat (`ops.beat.SlotScheduler`) stamps every message it sends with the slot it is for: the latest
   time at or before now that the job's schedule names (07:00 for the daily 07:00 dunning run, even if
   beat sends it at 07:03 or catches it up at 09:12 after a restart).
2. `CrmTask` (every task's base class, see crm_project/celery.py) claims (task, slot) in `JobRun`, whose
   unique constraint decides: a second beat process's copy of the same slot finds the row taken and
   skips. The copy that claimed it may run again only under its own task id: a retry, or a redelivery
   after its worker died (acks_late); the jobs themselves are idempotent, so that finishes the slot.
3. A missed slot (beat down at 07:00) is caught up once: beat's schedule keeps `last_run_at`, so at
   start it sends the overdue job once, stamped with the latest missed slot; older missed slots of the
   same job are not replayed (the daily jobs work on "everything due up to today" anyway).

Tasks sent without a slot (from code, the admin's "run now", tests) run as before.
"""

from __future__ import annotations

import logging
import traceback as traceback_module
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from celery import Task
from celery.schedules import crontab, schedule
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

SLOT_HEADER = "crm_slot"
SKIPPED = "skipped: this slot has already run"
# How far back a crontab slot is searched for (a weekly job's slot is at most 7 days old).
_SLOT_SEARCH_MINUTES = 8 * 24 * 60


def slot_for(run_every: schedule, now: datetime) -> datetime:
    """The slot a job sent at `now` is for: its schedule's latest due time at or before `now`.

    crontab: the latest minute matching all of its fields (in the schedule's time zone); a plain
    interval: `now` rounded down to a multiple of the interval (since the epoch).
    """
    if isinstance(run_every, crontab):
        zone = getattr(run_every, "tz", None) or ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(zone).replace(second=0, microsecond=0)
        for _ in range(_SLOT_SEARCH_MINUTES):
            if (
                local.minute in run_every.minute
                and local.hour in run_every.hour
                and local.isoweekday() % 7 in run_every.day_of_week
                and local.day in run_every.day_of_month
                and local.month in run_every.month_of_year
            ):
                return local
            # Step on the UTC timeline, so a DST change neither skips nor repeats a minute.
            local = (local.astimezone(ZoneInfo("UTC")) - timedelta(minutes=1)).astimezone(zone)
        return now.replace(second=0, microsecond=0)
    seconds = max(int(run_every.run_every.total_seconds()), 1)
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)


def claim_slot(*, task: str, slot: datetime, task_id: str):
    """The JobRun this delivery may work on, or None when another delivery owns the slot."""
    from ops.models import JobRun

    run, created = JobRun.objects.get_or_create(
        task=task,
        slot=slot,
        defaults={"task_id": task_id, "started_at": timezone.now()},
    )
    if created:
        return run
    if run.task_id != task_id or run.status == JobRun.Status.DONE:
        return None
    # The same message again: a retry, or a redelivery after the worker died mid-run.
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.RUNNING, attempts=run.attempts + 1, error="")
    return run


def _slot_of(request) -> datetime | None:
    value = getattr(request, SLOT_HEADER, None) or (getattr(request, "headers", None) or {}).get(SLOT_HEADER)
    if not value:
        return None
    try:
        slot = datetime.fromisoformat(str(value))
    except ValueError:
        logger.warning("Ignoring a malformed %s header: %r", SLOT_HEADER, value)
        return None
    return slot if timezone.is_aware(slot) else None


class CrmTask(Task):
    """Every task's base class: a message stamped with a slot runs once per (task, slot)."""

    def __call__(self, *args, **kwargs):
        slot = _slot_of(self.request)
        if slot is None:
            return super().__call__(*args, **kwargs)
        from ops.models import JobRun

        run = claim_slot(task=self.name, slot=slot, task_id=self.request.id or "")
        if run is None:
            logger.info("%s for slot %s has already run; skipped", self.name, slot.isoformat())
            return SKIPPED
        try:
            result = super().__call__(*args, **kwargs)
        except Exception as error:
            JobRun.objects.filter(pk=run.pk).update(
                status=JobRun.Status.FAILED,
                finished_at=timezone.now(),
                error=f"{type(error).__name__}: {error}"[:5000],
            )
            raise
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.DONE, finished_at=timezone.now(), result=str(result)[:500]
        )
        return result


def record_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_):
    """celery's task_failure signal: fires once a task has failed for good (not on a retry)."""
    from ops.models import TaskFailure

    try:
        TaskFailure.objects.create(
            task=getattr(sender, "name", "") or "",
            task_id=task_id or "",
            arguments=f"args={args!r} kwargs={kwargs!r}"[:2000],
            exception=f"{type(exception).__name__}: {exception}"[:500],
            traceback=(str(einfo) if einfo else "".join(traceback_module.format_exception(exception)))[
                :20000
            ],
            failed_at=timezone.now(),
        )
    except Exception:  # recording must never hide the original failure
        logger.exception("Could not record the failure of task %s", task_id)


def connect_failure_recorder() -> None:
    from celery.signals import task_failure

    task_failure.connect(record_task_failure, weak=False, dispatch_uid="crm-record-task-failure")


def enqueue_by_name(name: str, *args, **kwargs) -> None:
    """Queue the task `name` ("erp_sync.tasks.push_partner_after_first_success") without importing it.

    A lower app uses this to ask a higher one for work (events asks erp_sync), so the import graph stays
    one-way (docs/architecture.md, "Layers"). The task's module is imported by name, so the task is
    registered in any process, and `.delay()` (unlike `send_task`) respects CELERY_TASK_ALWAYS_EAGER.
    """
    from importlib import import_module

    from celery import current_app

    import_module(name.rpartition(".")[0])
    current_app.tasks[name].delay(*args, **kwargs)
