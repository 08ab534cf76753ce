"""The outbox sweep shared by every "recorded, then sent by a task" flow (GDPR notices, letters)."""

from datetime import timedelta

from django.utils import timezone

QUEUED_GRACE = timedelta(minutes=5)
SENDING_GRACE = timedelta(minutes=15)


def requeue_stuck(model, *, waiting: list[str], sending: str, failed: str, task, limit: int = 500) -> int:
    """Queue again the rows whose send task was lost: waiting for 5 minutes, or "sending" for 15
    (their worker died). The task's own claim (a conditional update) keeps each attempt single."""
    now = timezone.now()
    stuck = model.objects.filter(
        status__in=waiting, created_at__lt=now - QUEUED_GRACE
    ) | model.objects.filter(status=sending, created_at__lt=now - SENDING_GRACE)
    ids = list(stuck.values_list("pk", flat=True)[:limit])
    model.objects.filter(pk__in=ids, status=sending).update(status=failed)
    for pk in ids:
        task.delay(pk)
    return len(ids)
