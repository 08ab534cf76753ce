import uuid

from celery import shared_task

from core.audit import system_user
from ops.outbox import send_task_options
from webhooks.services import MAX_ATTEMPTS, WEBHOOK_OUTBOX, delivery_send


@shared_task(**send_task_options(max_attempts=MAX_ATTEMPTS, first_retry_after=30))
def send_webhook(self, delivery_id: int) -> str:
    """Post one webhook delivery; a failure is retried after 30 s, 60 s, 120 s... (full jitter)."""
    return delivery_send(
        delivery_id=delivery_id, attempt_owner=self.request.id or uuid.uuid4().hex, actor=system_user()
    )


@shared_task(acks_late=True)
def resend_stuck_webhooks() -> int:
    """Outbox sweep (every 5 minutes): deliveries whose task was lost or whose worker died are queued again."""
    return WEBHOOK_OUTBOX.requeue_stuck(send_webhook)
