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

`Outbox.send` is the one sending procedure every kind goes through (steps 1 to 3 with the retry
decision); a kind only says how its row becomes a message (`build`, `message_id`) and what else "sent"
records (`on_sent`). Services call it (`contacts.services.gdpr_notice_send`,
`receivables.services.dunning_letter_send`); each task loads nothing itself, calls its service and
retries on `SendFailed` with back-off. A domain module that records a row queues its task by name
(`queue_after_commit`), so imports go one way: tasks -> services -> models.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from celery import current_app
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from ops.mail import key_was_used_for_another_payload

logger = logging.getLogger(__name__)

# Longer than one send can take: EMAIL_TIMEOUT (SMTP) and anymail's REQUESTS_TIMEOUT are 30 s.
LEASE = timedelta(minutes=2)
QUEUED_GRACE = timedelta(minutes=5)

# What `Outbox.send` returns (the task's result, shown in the worker's log).
SENT = "sent"
NOTHING_TO_DO = "nothing to do"  # not claimable: sent, held by a live attempt, or out of attempts
TAKEN_OVER = "taken over"  # a newer attempt holds the row and records its own result
GAVE_UP = "gave up"


class SendFailed(Exception):
    """A send failed and the row has attempts left: the task retries it with back-off
    (`autoretry_for=(SendFailed,)`). The ESP's or SMTP server's error is its `__cause__`."""


class Unsendable(Exception):
    """Raised by a kind's `build`: this row can never be sent (e.g. its address was erased). Recorded
    as given up with the reason as `last_error`, and not retried; `send` returns the reason."""


@dataclass(frozen=True, kw_only=True)
class Outbox:
    """One kind of outbox row: how its model keeps its send state, and how a row becomes a message.

    The status values and lease columns default to the ones every outbox model has (`status`
    queued -> sending -> sent, or failed and queued again; `attempts`, `last_error`, `sent_at`,
    `message_id`, `created_at`; `lease_owner` holds `owner_prefix + task id` while sending,
    `lease_until` the lease's end): a kind names only what differs. The hooks: `build(row)` returns the message (without its Message-ID) or raises `Unsendable`;
    `message_id(row)` the stable Message-ID (the idempotency key); `on_sent(row, at)` writes what else
    "sent" means, in the same transaction (e.g. the letter's "sent" event).
    """

    model: type[models.Model]
    waiting: tuple[str, ...] = ("queued", "failed")
    sending: str = "sending"
    sent: str = "sent"
    failed: str = "failed"
    owner_field: str = "lease_owner"
    lease_field: str = "lease_until"
    owner_prefix: str = ""
    # After this many attempts a row is no longer sent by a claim or a sweep (a person looks at it):
    # no resend days later, outside the ESP's 24-hour idempotency window. A dead worker's last
    # attempt ends as `gave_up`.
    max_attempts: int | None = None
    gave_up: str = ""
    # Sending (`send`): the hooks, what to load with the row, and the name in log lines.
    build: Callable[[Any], EmailMessage] | None = None
    message_id: Callable[[Any], str] | None = None
    # A kind that is not mail (a webhook delivery) sends the row itself: `deliver(row)` returns a
    # receipt id (or None) or raises; used instead of `build` + `message_id` + the e-mail backend.
    deliver: Callable[[Any], str | None] | None = None
    on_sent: Callable[[Any, datetime], None] | None = None
    select_related: tuple[str, ...] = ()
    label: str = "message"

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

    def send(self, pk: int, *, attempt_owner: str, actor: Any) -> str:
        """Send row `pk` exactly once (docs/adr/0002-exactly-once-mail.md); returns what happened.

        1. Claim it with a lease owned by `attempt_owner` (the task id): a duplicate task finds nothing
           to claim and stops; the same task redelivered after its worker died takes over at once.
        2. Build the message (the kind's `build`) and give it the row's stable Message-ID, which the
           ESP backend also sends as its idempotency key: a resend is not delivered twice.
        3. Send it through the configured e-mail backend (anymail ESP, SMTP or console).
        4. Record "sent" (time, the ESP's message id, the kind's `on_sent`) while still holding the
           lease. A key the ESP already used for another text counts as sent: the first one went out.
        5. On an error record it and put the row back to failed, then raise `SendFailed` for the task
           to retry with back-off; the last allowed attempt ends as given up instead (`GAVE_UP`).

        `actor` is who sends (jobs pass the system user, `core.audit.system_user()`); it is named in
        the log line of a failure. The status writes are outbox bookkeeping, not audited edits.
        """
        if self.deliver is None and (self.build is None or self.message_id is None):
            raise TypeError(f"The {self.label} outbox has no `build` / `message_id` hooks to send with.")
        if not self.claim(pk, task_id=attempt_owner):
            return NOTHING_TO_DO
        row = self.model.objects.select_related(*self.select_related).get(pk=pk)
        try:
            if self.deliver is not None:
                receipt = self.deliver(row)
            else:
                message = self.build(row)
                message.extra_headers = {**(message.extra_headers or {}), "Message-ID": self.message_id(row)}
        except Unsendable as reason:
            self.record_failed(
                pk, task_id=attempt_owner, status=self.gave_up or self.failed, last_error=str(reason)
            )
            return str(reason)
        except Exception as error:
            if self.deliver is None:
                raise
            return self._failed(row, attempt_owner=attempt_owner, actor=actor, error=error)
        if self.deliver is not None:
            return self._record_sent(row, attempt_owner=attempt_owner, esp_id=receipt)
        try:
            message.send()
        except Exception as error:
            if key_was_used_for_another_payload(error):
                return self._record_sent(row, attempt_owner=attempt_owner, esp_id=None)
            return self._failed(row, attempt_owner=attempt_owner, actor=actor, error=error)
        esp_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
        return self._record_sent(row, attempt_owner=attempt_owner, esp_id=esp_id)

    def _failed(self, row: models.Model, *, attempt_owner: str, actor: Any, error: Exception) -> str:
        """Step 5: record the failure; raise `SendFailed` for a retry, or give up on the last attempt."""
        final = self.max_attempts is not None and row.attempts >= self.max_attempts
        self.record_failed(
            row.pk,
            task_id=attempt_owner,
            status=(self.gave_up or self.failed) if final else self.failed,
            last_error=str(error)[:2000],
        )
        logger.warning(
            "%s %s failed (attempt %s, sent by %s): %s", self.label, row.pk, row.attempts, actor, error
        )
        if final:
            return GAVE_UP
        raise SendFailed(f"{self.label} {row.pk}: {error}") from error

    @transaction.atomic
    def _record_sent(self, row: models.Model, *, attempt_owner: str, esp_id: Any) -> str:
        now = timezone.now()
        recorded = self.record_sent(
            row.pk,
            task_id=attempt_owner,
            sent_at=now,
            message_id="" if esp_id is None else str(esp_id)[:255],
            last_error="",
            **{self.owner_field: "", self.lease_field: None},
        )
        if not recorded:
            return TAKEN_OVER
        if self.on_sent is not None:
            self.on_sent(row, now)
        return SENT

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


def send_task_options(*, max_attempts: int, first_retry_after: int) -> dict[str, Any]:
    """The Celery options of a task that sends one outbox row (`@shared_task(**...)`).

    Late ack and `reject_on_worker_lost` are what lets the broker redeliver a task whose worker died
    mid-send (ADR 0002), so every send task has them. The task owns its retries: on `SendFailed`
    after `first_retry_after` seconds, doubling (full jitter, at most an hour), for `max_attempts`
    attempts in all (the outbox gives up on the last one).
    """
    return {
        "bind": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": (SendFailed,),
        "max_retries": max_attempts - 1,
        "retry_backoff": first_retry_after,
        "retry_backoff_max": 3600,
        "retry_jitter": True,
    }


def queue_after_commit(task_name: str, *args: Any) -> None:
    """Queue the task `task_name` (its dotted name, as CELERY_TASK_ROUTES routes it) once the current
    transaction commits, without importing its module: the domain code that records a row stays below
    the tasks that send it. Tests run tasks eagerly: then the task runs here, as `.delay()` would."""
    transaction.on_commit(lambda: queue_task(task_name, *args))


def queue_task(task_name: str, *args: Any) -> None:
    app = current_app
    if not app.conf.task_always_eager:
        app.send_task(task_name, args=args)
        return
    if task_name not in app.tasks:  # its module is not imported yet in this process
        import_module(task_name.rpartition(".")[0])
    app.tasks[task_name].delay(*args)
