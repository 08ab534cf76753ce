"""Writes on receivables that call out: sending a recorded dunning letter.

The letter itself is recorded by the dunning run (`receivables.dunning.dunning_run`), which queues its
send task by name after commit; the task calls `dunning_letter_send`.
"""

from datetime import datetime

from django.core.mail import EmailMessage

from ops.outbox import Outbox
from receivables.dunning import message_id_for
from receivables.models import DunningLetter, LetterEvent, LetterStatus

MAX_ATTEMPTS = 6
# The one "sent" event of a letter (ESP tracking events carry the ESP's own ids).
SENT_EVENT_ID = "crm:sent"


def _letter_message(letter: DunningLetter) -> EmailMessage:
    message = EmailMessage(subject=letter.subject, body=letter.body, to=letter.recipients)
    # The letter id as ESP metadata, so tracking webhooks find it (receivables/tracking.py).
    message.metadata = {"letter_id": str(letter.pk), "company_id": str(letter.company_id)}
    message.tags = ["dunning", f"level-{letter.level}"]
    return message


def _record_sent_event(letter: DunningLetter, at: datetime) -> None:
    LetterEvent.objects.get_or_create(
        letter=letter, event_id=SENT_EVENT_ID, defaults={"status": LetterStatus.SENT, "at": at}
    )


LETTER_OUTBOX = Outbox(
    model=DunningLetter,
    max_attempts=MAX_ATTEMPTS,  # then "failed" for a person to look at (letters have no "gave up")
    build=_letter_message,
    message_id=message_id_for,
    on_sent=_record_sent_event,
    label="Dunning letter",
)


def dunning_letter_send(*, letter_id: int, attempt_owner: str, actor) -> str:
    """Send one recorded letter exactly once, through the outbox (`ops.outbox.Outbox.send`), with its
    stable Message-ID and one "sent" event recorded in the same transaction as its status.

    `attempt_owner` is the sending task's id (the lease's owner); `actor` who sends (jobs: the system
    user). Returns what happened ("sent", "nothing to do", "gave up", "taken over"); raises
    `ops.outbox.SendFailed` when the send failed and should be retried.
    """
    return LETTER_OUTBOX.send(letter_id, attempt_owner=attempt_owner, actor=actor)
