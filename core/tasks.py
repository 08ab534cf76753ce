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
