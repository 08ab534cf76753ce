from celery import shared_task

from events.discipline import take_away_neglected_partners
from events.google_tasks import delete_google_event, sync_event_to_google  # noqa: F401 (Celery discovery)
from events.reminders import deliver_due_reminders


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Every minute: create and e-mail due reminders (idempotent by a unique constraint)."""
    return deliver_due_reminders()


@shared_task(acks_late=True)
def reassign_partners_without_next_event() -> int:
    """Daily: partners with no future event for a month go to the owner's supervisor."""
    return take_away_neglected_partners()
