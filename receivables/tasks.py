import logging
import uuid

from celery import shared_task
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from core.mail import key_was_used_for_another_payload
from core.outbox import Outbox
from receivables.dunning import dunning_run_all, message_id_for
from receivables.models import DunningLetter, LetterEvent, LetterStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
# The one "sent" event of a letter (ESP tracking events carry the ESP's own ids).
SENT_EVENT_ID = "crm:sent"


@shared_task(acks_late=True)
def run_daily_dunning() -> dict:
    """Daily (time editable in the admin): record and send today's letters for every company."""
    return dunning_run_all()


LETTER_OUTBOX = Outbox(
    model=DunningLetter,
    waiting=(LetterStatus.QUEUED, LetterStatus.FAILED),
    sending=LetterStatus.SENDING,
    sent=LetterStatus.SENT,
    failed=LetterStatus.FAILED,
    owner_field="lease_owner",
    lease_field="lease_until",
    max_attempts=MAX_ATTEMPTS,
)


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
    """Send one recorded letter, exactly once (docs/adr/0002-exactly-once-mail.md).

    1. Claim it with a lease (core/outbox.py): a duplicate task stops here; the same task redelivered
       after its worker died takes over at once.
    2. Send it with its stable Message-ID (also the ESP's idempotency key: a resend after a crash is
       not delivered twice) and the letter id as ESP metadata (for tracking webhooks).
    3. Record "sent" and the ESP message id while still holding the lease, with one "sent" event;
       on error record it and retry with back-off.
    """
    task_id = self.request.id or uuid.uuid4().hex
    if not LETTER_OUTBOX.claim(letter_id, task_id=task_id):
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
        if key_was_used_for_another_payload(error):
            return _record_sent(letter, task_id=task_id, esp_id=None)
        final = letter.attempts >= MAX_ATTEMPTS
        LETTER_OUTBOX.record_failed(letter_id, task_id=task_id, last_error=str(error)[:2000])
        logger.warning("Dunning letter %s failed (attempt %s): %s", letter_id, letter.attempts, error)
        if final:
            return "gave up"
        raise self.retry(exc=error) from error
    status = getattr(message, "anymail_status", None)
    return _record_sent(letter, task_id=task_id, esp_id=getattr(status, "message_id", None))


@transaction.atomic
def _record_sent(letter: DunningLetter, *, task_id: str, esp_id) -> str:
    now = timezone.now()
    recorded = LETTER_OUTBOX.record_sent(
        letter.pk,
        task_id=task_id,
        sent_at=now,
        message_id="" if esp_id is None else str(esp_id)[:255],
        last_error="",
        lease_owner="",
        lease_until=None,
    )
    if not recorded:
        return "taken over"  # a newer attempt holds the letter and records its own result
    LetterEvent.objects.get_or_create(
        letter=letter, event_id=SENT_EVENT_ID, defaults={"status": LetterStatus.SENT, "at": now}
    )
    return "sent"


@shared_task(acks_late=True)
def resend_stuck_letters() -> int:
    """Outbox sweep (every 5 minutes): letters whose send task was lost, or whose worker died mid-send
    (lease ended), are queued again; a re-sent letter keeps its Message-ID and idempotency key."""
    return LETTER_OUTBOX.requeue_stuck(send_dunning_letter)
