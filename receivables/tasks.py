import uuid

from celery import shared_task

from core.audit import system_user
from ops.outbox import send_task_options
from receivables.dunning import dunning_run_all
from receivables.services import LETTER_OUTBOX, MAX_ATTEMPTS, dunning_letter_send
from receivables.services import SENT_EVENT_ID as SENT_EVENT_ID  # where tests and the chaos suite read it


@shared_task(acks_late=True)
def run_daily_dunning() -> dict:
    """Daily (time editable in the admin): record and send today's letters for every company."""
    return dunning_run_all()


@shared_task(**send_task_options(max_attempts=MAX_ATTEMPTS, first_retry_after=60))
def send_dunning_letter(self, letter_id: int) -> str:
    """Send one recorded letter exactly once (receivables.services.dunning_letter_send, ops/outbox.py);
    a failed send is retried after 60 s, 120 s, 240 s... (full jitter) until its attempts are used up."""
    return dunning_letter_send(
        letter_id=letter_id, attempt_owner=self.request.id or uuid.uuid4().hex, actor=system_user()
    )


@shared_task(acks_late=True)
def resend_stuck_letters() -> int:
    """Outbox sweep (every 5 minutes): letters whose send task was lost, or whose worker died mid-send
    (lease ended), are queued again; a re-sent letter keeps its Message-ID and idempotency key."""
    return LETTER_OUTBOX.requeue_stuck(send_dunning_letter)
