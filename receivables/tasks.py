import logging

from celery import shared_task
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from receivables.dunning import dunning_run_all, message_id_for
from receivables.models import DunningLetter, LetterEvent, LetterStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


@shared_task(acks_late=True)
def run_daily_dunning() -> dict:
    """Daily (time editable in the admin): record and send today's letters for every company."""
    return dunning_run_all()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_ATTEMPTS - 1,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def send_dunning_letter(self, letter_id: int) -> str:
    """Send one recorded letter.

    1. Claim it (queued/failed -> sending) with a conditional update: a duplicate task stops here.
    2. Send it with a stable Message-ID and the letter id as ESP metadata (for tracking webhooks).
    3. Record "sent" and the ESP message id; on error record it and retry with back-off.
    """
    claimed = DunningLetter.objects.filter(
        pk=letter_id, status__in=[LetterStatus.QUEUED, LetterStatus.FAILED]
    ).update(status=LetterStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "nothing to do"
    letter = DunningLetter.objects.get(pk=letter_id)
    message = EmailMessage(
        subject=letter.subject,
        body=letter.body,
        to=letter.recipients,
        headers={"Message-ID": message_id_for(letter)},
    )
    message.metadata = {"letter_id": str(letter.pk), "company_id": str(letter.company_id)}
    message.tags = ["dunning", f"level-{letter.level}"]
    try:
        message.send()
    except Exception as error:
        final = letter.attempts >= MAX_ATTEMPTS
        DunningLetter.objects.filter(pk=letter_id).update(
            status=LetterStatus.FAILED, last_error=str(error)[:2000]
        )
        logger.warning("Dunning letter %s failed (attempt %s): %s", letter_id, letter.attempts, error)
        if final:
            return "gave up"
        raise self.retry(exc=error) from error
    status = getattr(message, "anymail_status", None)
    esp_id = getattr(status, "message_id", None)
    now = timezone.now()
    DunningLetter.objects.filter(pk=letter_id).update(
        status=LetterStatus.SENT,
        sent_at=now,
        message_id="" if esp_id is None else str(esp_id)[:255],
        last_error="",
    )
    LetterEvent.objects.create(letter=letter, status=LetterStatus.SENT, at=now)
    return "sent"


@shared_task(acks_late=True)
def resend_stuck_letters() -> int:
    """Outbox sweep (every 5 minutes): recorded letters whose send task was lost are queued again; a
    re-sent letter keeps its stable Message-ID."""
    from core.outbox import requeue_stuck

    return requeue_stuck(
        DunningLetter,
        waiting=[LetterStatus.QUEUED, LetterStatus.FAILED],
        sending=LetterStatus.SENDING,
        failed=LetterStatus.FAILED,
        task=send_dunning_letter,
    )
