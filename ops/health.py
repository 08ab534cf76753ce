"""GET /health/: database, cache (Redis in production), worker and beat liveness, failed tasks, as JSON.

- worker: the heartbeat job's last run (written by a worker, every minute).
- beat: the last message beat sent (written by ops.beat.SlotScheduler; the heartbeat job alone makes
  it send every minute). Beat alive and worker stale: the workers are down or the queue is stuck.
- failed_tasks: background tasks that failed for good in the last 24 hours (ops.models.TaskFailure,
  listed in the admin); informational, it does not change the overall status.

No login and no settings values in the answer. 200 while the database answers (status "degraded" when
something else is wrong), 503 when the database does not.
"""

import time
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ops.beat import BEAT_KEY
from ops.tasks import HEARTBEAT_KEY

STALE_AFTER_SECONDS = 180


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        check()
    except Exception as error:
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - start) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("health:probe", "1", timeout=10)
    if cache.get("health:probe") != "1":
        raise RuntimeError("cache did not return the value")


def _age_of(key: str) -> dict:
    try:
        value = cache.get(key)
    except Exception as error:
        return {"status": "unknown", "error": type(error).__name__}
    if not value:
        return {"status": "missing"}
    beat = datetime.fromisoformat(value)
    age = (timezone.now() - beat).total_seconds()
    return {
        "status": "ok" if age <= STALE_AFTER_SECONDS else "stale",
        "last_seen": value,
        "age_seconds": int(age),
    }


def _failed_tasks() -> dict:
    from ops.models import TaskFailure

    count = TaskFailure.objects.filter(failed_at__gte=timezone.now() - timedelta(hours=24)).count()
    return {"status": "ok" if count == 0 else "failing", "last_24_hours": count}


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "worker": _age_of(HEARTBEAT_KEY),
        "beat": _age_of(BEAT_KEY),
    }
    if checks["database"]["status"] != "ok":
        status, code = "down", 503
    elif all(check["status"] == "ok" for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    if checks["database"]["status"] == "ok":
        checks["failed_tasks"] = _failed_tasks()
    return JsonResponse({"status": status, "checks": checks}, status=code)
