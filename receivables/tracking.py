"""Delivery status of dunning letters from the ESP's tracking webhooks (through django-anymail)."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from receivables.models import DunningLetter, LetterEvent, LetterStatus

logger = logging.getLogger(__name__)

# anymail event types -> our statuses
EVENT_STATUS = {
    "sent": LetterStatus.SENT,
    "delivered": LetterStatus.DELIVERED,
    "opened": LetterStatus.OPENED,
    "clicked": LetterStatus.OPENED,
    "bounced": LetterStatus.BOUNCED,
    "rejected": LetterStatus.BOUNCED,
    "failed": LetterStatus.BOUNCED,
}
# A later, weaker event never overwrites a stronger status (an "opened" after "delivered" wins;
# a late "delivered" after "opened" does not go back).
RANK = {
    LetterStatus.QUEUED: 0,
    LetterStatus.SENDING: 1,
    LetterStatus.FAILED: 1,
    LetterStatus.SENT: 2,
    LetterStatus.DELIVERED: 3,
    LetterStatus.OPENED: 4,
    LetterStatus.BOUNCED: 5,
}


def _letter_for(event) -> DunningLetter | None:
    letter_id = (event.metadata or {}).get("letter_id")
    if letter_id and str(letter_id).isdigit():
        letter = DunningLetter.objects.filter(pk=int(letter_id)).first()
        if letter:
            return letter
    if event.message_id:
        return DunningLetter.objects.filter(message_id=str(event.message_id)).first()
    return None


@transaction.atomic
def letter_tracking_record(event) -> bool:
    """Record one anymail tracking event on its letter, once; returns True when it was new."""
    status = EVENT_STATUS.get(event.event_type)
    if status is None:
        return False
    letter = _letter_for(event)
    if letter is None:
        logger.info("Tracking event %s for an unknown message %s", event.event_type, event.message_id)
        return False
    event_id = str(
        event.event_id or f"{event.event_type}:{event.message_id}:{event.recipient}:{event.timestamp}"
    )
    try:
        with transaction.atomic():
            LetterEvent.objects.create(
                letter=letter,
                status=status,
                at=event.timestamp or timezone.now(),
                event_id=event_id[:255],
                recipient=(event.recipient or "")[:254],
                description=(event.description or event.reject_reason or "")[:500],
            )
    except IntegrityError:
        return False  # the ESP retried the webhook: already recorded
    locked = DunningLetter.objects.select_for_update().get(pk=letter.pk)
    if RANK[status] > RANK.get(locked.status, 0):
        locked.status = status
        locked.save(update_fields=["status"])
    if status == LetterStatus.BOUNCED:
        transaction.on_commit(lambda: _bounce_task(letter.pk, event.recipient, event.description))
    return True


def _bounce_task(letter_id: int, recipient: str | None, reason: str | None) -> None:
    """A bounced letter becomes a task for finance staff: fix the address and resend."""
    from communications import services
    from companies.models import User

    letter = DunningLetter.objects.select_related("company", "partner").get(pk=letter_id)
    author = (
        User.objects.filter(memberships__company=letter.company, is_superuser=True).first()
        or User.objects.filter(memberships__company=letter.company).first()
    )
    if author is None:
        return
    finance = (
        User.objects.filter(
            memberships__company=letter.company,
            memberships__groups__permissions__codename="view_receivables",
            is_active=True,
        )
        .distinct()
        .order_by("pk")
        .first()
    )
    services.task_create(
        company=letter.company,
        author=author,
        subject=_("Dunning letter bounced: %(partner)s") % {"partner": letter.partner.name},
        description=_(
            "The letter of %(slot)s to %(recipient)s bounced: %(reason)s. Fix the financial contact."
        )
        % {"slot": letter.slot, "recipient": recipient or "?", "reason": reason or "-"},
        partner=letter.partner,
        assignee=finance,
    )
