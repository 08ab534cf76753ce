import logging
import uuid

from celery import shared_task
from django.core.mail import EmailMessage
from django.utils import timezone

from contacts.models import GdprNotice, NoticeStatus
from contacts.notices import notice_message_id, render_notice
from core.mail import key_was_used_for_another_payload
from core.outbox import Outbox

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


NOTICE_OUTBOX = Outbox(
    model=GdprNotice,
    waiting=(NoticeStatus.QUEUED, NoticeStatus.FAILED),
    sending=NoticeStatus.SENDING,
    sent=NoticeStatus.SENT,
    failed=NoticeStatus.FAILED,
    owner_field="lease_owner",
    lease_field="lease_until",
    max_attempts=MAX_ATTEMPTS,
    gave_up=NoticeStatus.GAVE_UP,
)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_ATTEMPTS - 1,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def send_gdpr_notice(self, notice_id: int) -> str:
    """Send one GDPR notice, exactly once (docs/adr/0002-exactly-once-mail.md).

    1. Claim it with a lease (core/outbox.py): a duplicate task finds nothing to claim and stops; the
       same task redelivered after its worker died takes over at once.
    2. Send through the configured e-mail backend (anymail ESP, SMTP or console) with a stable
       Message-ID, which is also the ESP's idempotency key: a resend is not delivered twice.
    3. Record sent while still holding the lease, or record the error, put it back to failed and retry
       with back-off.
    """
    task_id = self.request.id or uuid.uuid4().hex
    if not NOTICE_OUTBOX.claim(notice_id, task_id=task_id):
        return "nothing to do"
    notice = GdprNotice.objects.select_related("company", "contact__partner").get(pk=notice_id)
    if not notice.recipient:
        NOTICE_OUTBOX.record_failed(
            notice_id, task_id=task_id, status=NoticeStatus.GAVE_UP, last_error="no address"
        )
        return "no address"
    subject, body = render_notice(notice)
    message = EmailMessage(
        subject=subject, body=body, to=[notice.recipient], headers={"Message-ID": notice_message_id(notice)}
    )
    try:
        message.send()
    except Exception as error:
        if key_was_used_for_another_payload(error):
            return _record_sent(notice_id, task_id=task_id, esp_id=None)
        final = notice.attempts >= MAX_ATTEMPTS
        NOTICE_OUTBOX.record_failed(
            notice_id,
            task_id=task_id,
            status=NoticeStatus.GAVE_UP if final else NoticeStatus.FAILED,
            last_error=str(error)[:2000],
        )
        logger.warning("GDPR notice %s failed (attempt %s): %s", notice_id, notice.attempts, error)
        if final:
            return "gave up"
        raise self.retry(exc=error) from error
    esp_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    return _record_sent(notice_id, task_id=task_id, esp_id=esp_id)


def _record_sent(notice_id: int, *, task_id: str, esp_id) -> str:
    recorded = NOTICE_OUTBOX.record_sent(
        notice_id,
        task_id=task_id,
        sent_at=timezone.now(),
        message_id="" if esp_id is None else str(esp_id)[:255],
        last_error="",
    )
    return "sent" if recorded else "taken over"


@shared_task(acks_late=True)
def resend_stuck_gdpr_notices() -> int:
    """Outbox sweep (every 5 minutes): notices whose task was lost, or whose worker died mid-send
    (lease ended), are queued again; the resend keeps its Message-ID and idempotency key."""
    return NOTICE_OUTBOX.requeue_stuck(send_gdpr_notice)
