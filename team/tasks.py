import uuid

from celery import shared_task

from core.audit import system_user
from ops.outbox import send_task_options
from team.digest import digest_record_due
from team.services import DIGEST_OUTBOX, MAX_ATTEMPTS, digest_send


@shared_task(acks_late=True)
def record_weekly_digests() -> int:
    """Hourly on Mondays: queue again digests whose send was lost (the outbox sweep), then record the
    week's digests where Monday 07:00 has come in the company's zone (once each)."""
    DIGEST_OUTBOX.requeue_stuck(send_team_digest)
    return digest_record_due()


@shared_task(**send_task_options(max_attempts=MAX_ATTEMPTS, first_retry_after=60))
def send_team_digest(self, delivery_id: int) -> str:
    """Send one recorded digest exactly once through the outbox; retried with back-off."""
    return digest_send(
        delivery_id=delivery_id, attempt_owner=self.request.id or uuid.uuid4().hex, actor=system_user()
    )
