"""The send outbox shared by every "recorded, then sent by a task" flow (GDPR notices, dunning letters).

A row is written in the business transaction (status "queued"); a task sends it after commit. Each
attempt holds a lease on the row: the task's id as owner and an end time. See
docs/adr/0002-exactly-once-mail.md for why this, with the message's idempotency key, is exactly once.

1. `claim`: queued/failed -> sending, or take over a "sending" row whose lease has ended or whose
   owner is this very task id (the broker redelivered the task because its worker died mid-send:
   resend at once; the idempotency key makes the resend harmless).
2. The task sends.
3. `record_sent` / `record_failed`: only while this task still holds the lease, so a slow attempt that
   was taken over cannot overwrite the newer one's result.
4. `requeue_stuck` (a periodic sweep): rows waiting with no task (lost between commit and enqueue)
   and rows whose lease ended (their worker died and the broker has not redelivered yet).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# Longer than one send can take: EMAIL_TIMEOUT (SMTP) and anymail's REQUESTS_TIMEOUT are 30 s.
LEASE = timedelta(minutes=2)
QUEUED_GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Outbox:
    """How one model keeps its send state. `owner_field` holds `owner_prefix + task id` while sending;
    `lease_field` (a datetime) the lease's end."""

    model: type[models.Model]
    waiting: tuple[str, ...]
    sending: str
    sent: str
    failed: str
    owner_field: str
    lease_field: str
    owner_prefix: str = ""
    # After this many attempts a row is no longer sent by a claim or a sweep (a person looks at it):
    # no resend days later, outside the ESP's 24-hour idempotency window. A dead worker's last
    # attempt ends as `gave_up`.
    max_attempts: int | None = None
    gave_up: str = ""

    def owner(self, task_id: str) -> str:
        return f"{self.owner_prefix}{task_id}"

    def _lease_ended(self, now: datetime) -> Q:
        return Q(status=self.sending) & (
            Q(**{f"{self.lease_field}__lt": now}) | Q(**{self.lease_field: None})
        )

    def _attempts_left(self) -> Q:
        return Q() if self.max_attempts is None else Q(attempts__lt=self.max_attempts)

    def claim(self, pk: int, *, task_id: str, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        owner = self.owner(task_id)
        claimable = ((Q(status__in=self.waiting) | self._lease_ended(now)) & self._attempts_left()) | Q(
            status=self.sending, **{self.owner_field: owner}
        )
        return bool(
            self.model.objects.filter(claimable, pk=pk).update(
                status=self.sending,
                attempts=F("attempts") + 1,
                **{self.owner_field: owner, self.lease_field: now + LEASE},
            )
        )

    def held_by(self, pk: int, task_id: str) -> models.QuerySet:
        return self.model.objects.filter(
            pk=pk, status=self.sending, **{self.owner_field: self.owner(task_id)}
        )

    def record_sent(self, pk: int, *, task_id: str, **fields) -> bool:
        """Sent, once: False when another attempt took the row over (it records its own result)."""
        return bool(self.held_by(pk, task_id).update(status=self.sent, **fields))

    def record_failed(self, pk: int, *, task_id: str, status: str | None = None, **fields) -> bool:
        return bool(
            self.held_by(pk, task_id).update(
                status=status or self.failed, **{self.owner_field: "", self.lease_field: None}, **fields
            )
        )

    def requeue_stuck(self, task, *, limit: int = 500, now: datetime | None = None) -> int:
        """Queue again what waits for 5 minutes with no task, and what a dead worker left "sending"
        once its lease ended. A duplicate task is harmless: `claim` lets one attempt through."""
        now = now or timezone.now()
        if self.max_attempts is not None:
            self.model.objects.filter(self._lease_ended(now), attempts__gte=self.max_attempts).update(
                status=self.gave_up or self.failed,
                last_error="The worker died during the last attempt.",
                **{self.owner_field: "", self.lease_field: None},
            )
        stuck = self.model.objects.filter(
            (Q(status__in=self.waiting, created_at__lt=now - QUEUED_GRACE) | self._lease_ended(now))
            & self._attempts_left()
        )
        ids = list(stuck.order_by("pk").values_list("pk", flat=True)[:limit])
        for pk in ids:
            task.delay(pk)
        return len(ids)
