import uuid

from celery import shared_task

from core.audit import system_user
from core.outbox import SendFailed
from receivables.dunning import dunning_run_all
from receivables.services import LETTER_OUTBOX, MAX_ATTEMPTS, dunning_letter_send
from receivables.services import SENT_EVENT_ID as SENT_EVENT_ID  # where tests and the chaos suite read it


@shared_task(acks_late=True)
def run_daily_dunning() -> dict:
    """Daily (time editable in the admin): record and send today's letters for every company."""
    return dunning_run_all()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SendFailed,),
    max_retries=MAX_ATTEMPTS - 1,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def send_dunning_letter(self, letter_id: int) -> str:
    """Send one recorded letter exactly once (receivables.services.dunning_letter_send, core/outbox.py);
    a failed send is retried after 60 s, 120 s, 240 s... (full jitter) until its attempts are used up."""
    return dunning_letter_send(
        letter_id=letter_id, attempt_owner=self.request.id or uuid.uuid4().hex, actor=system_user()
    )


@shared_task(acks_late=True)
def resend_stuck_letters() -> int:
    """Outbox sweep (every 5 minutes): letters whose send task was lost, or whose worker died mid-send
    (lease ended), are queued again; a re-sent letter keeps its Message-ID and idempotency key."""
    return LETTER_OUTBOX.requeue_stuck(send_dunning_letter)
