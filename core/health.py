"""GET /health/: database, cache (Redis in production) and worker+beat liveness, as JSON.

No login and no settings values in the answer. 200 while the database answers (status "degraded" when
something else is wrong), 503 when the database does not.
"""

import time
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.tasks import HEARTBEAT_KEY

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


def _heartbeat() -> dict:
    try:
        value = cache.get(HEARTBEAT_KEY)
    except Exception as error:
        return {"status": "unknown", "error": type(error).__name__}
    if not value:
        return {"status": "missing"}
    beat = datetime.fromisoformat(value)
    age = (timezone.now() - beat).total_seconds()
    return {
        "status": "ok" if age <= STALE_AFTER_SECONDS else "stale",
        "last_heartbeat": value,
        "age_seconds": int(age),
    }


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(_database), "cache": _timed(_cache), "worker_beat": _heartbeat()}
    if checks["database"]["status"] != "ok":
        status, code = "down", 503
    elif all(check["status"] == "ok" for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
