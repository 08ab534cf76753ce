import logging

from celery import shared_task
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from contacts.models import GdprNotice, NoticeStatus
from contacts.notices import render_notice

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


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
    """Send one GDPR notice.

    1. Claim it with a conditional update (queued/failed -> sending): a duplicate task finds
       nothing to claim and stops, so a notice that was sent is never sent again.
    2. Send through the configured e-mail backend (anymail ESP, SMTP or console).
    3. Record sent, or record the error, put it back to failed and retry with back-off.
    """
    claimed = GdprNotice.objects.filter(
        pk=notice_id, status__in=[NoticeStatus.QUEUED, NoticeStatus.FAILED]
    ).update(status=NoticeStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "nothing to do"
    notice = GdprNotice.objects.select_related("company", "contact__partner").get(pk=notice_id)
    if not notice.recipient:
        GdprNotice.objects.filter(pk=notice_id).update(status=NoticeStatus.GAVE_UP, last_error="no address")
        return "no address"
    subject, body = render_notice(notice)
    message = EmailMessage(subject=subject, body=body, to=[notice.recipient])
    try:
        message.send()
    except Exception as error:
        final = notice.attempts >= MAX_ATTEMPTS
        GdprNotice.objects.filter(pk=notice_id).update(
            status=NoticeStatus.GAVE_UP if final else NoticeStatus.FAILED, last_error=str(error)[:2000]
        )
        logger.warning("GDPR notice %s failed (attempt %s): %s", notice_id, notice.attempts, error)
        if final:
            return "gave up"
        raise self.retry(exc=error) from error
    message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    GdprNotice.objects.filter(pk=notice_id).update(
        status=NoticeStatus.SENT,
        sent_at=timezone.now(),
        message_id="" if message_id is None else str(message_id)[:255],
        last_error="",
    )
    return "sent"


@shared_task(acks_late=True)
def resend_stuck_gdpr_notices() -> int:
    """Outbox sweep (every 5 minutes): notices whose send task was lost are queued again."""
    from core.outbox import requeue_stuck

    return requeue_stuck(
        GdprNotice,
        waiting=[NoticeStatus.QUEUED, NoticeStatus.FAILED],
        sending=NoticeStatus.SENDING,
        failed=NoticeStatus.FAILED,
        task=send_gdpr_notice,
    )
