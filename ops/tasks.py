from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "crm:heartbeat"


@shared_task
def record_heartbeat() -> str:
    """Written every minute by beat through the worker: proves both are alive."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


# Minute-by-minute jobs leave ~3,000 JobRun rows a day: keep a month of them, failures longer.
KEEP_RUNS_DAYS = 30
KEEP_FAILURES_DAYS = 90


@shared_task
def prune_job_runs() -> dict:
    """Daily: forget old periodic job runs and task failures (idempotent: deletes by age only)."""
    from ops.models import JobRun, TaskFailure

    now = timezone.now()
    runs, _ = (
        JobRun.objects.filter(slot__lt=now - timedelta(days=KEEP_RUNS_DAYS))
        .exclude(status=JobRun.Status.FAILED, slot__gte=now - timedelta(days=KEEP_FAILURES_DAYS))
        .delete()
    )
    failures, _ = TaskFailure.objects.filter(failed_at__lt=now - timedelta(days=KEEP_FAILURES_DAYS)).delete()
    return {"job_runs": runs, "task_failures": failures}
