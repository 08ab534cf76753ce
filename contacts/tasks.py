import uuid

from celery import shared_task

from contacts.services import MAX_ATTEMPTS, NOTICE_OUTBOX, gdpr_notice_send
from core.audit import system_user
from ops.outbox import send_task_options


@shared_task(**send_task_options(max_attempts=MAX_ATTEMPTS, first_retry_after=30))
def send_gdpr_notice(self, notice_id: int) -> str:
    """Send one GDPR notice exactly once (contacts.services.gdpr_notice_send, ops/outbox.py); a failed
    send is retried after 30 s, 60 s, 120 s... (full jitter) until its attempts are used up."""
    return gdpr_notice_send(
        notice_id=notice_id, attempt_owner=self.request.id or uuid.uuid4().hex, actor=system_user()
    )


@shared_task(acks_late=True)
def resend_stuck_gdpr_notices() -> int:
    """Outbox sweep (every 5 minutes): notices whose task was lost, or whose worker died mid-send
    (lease ended), are queued again; the resend keeps its Message-ID and idempotency key."""
    return NOTICE_OUTBOX.requeue_stuck(send_gdpr_notice)
