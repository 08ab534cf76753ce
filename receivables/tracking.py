"""Delivery status of dunning letters from the ESP's tracking webhooks (through django-anymail)."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ops.domain_events import publish
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
        bounce = {
            "id": letter.pk,
            "partner_id": letter.partner_id,
            "level": letter.level,
            "recipient": event.recipient or "",
            "reason": (event.description or event.reject_reason or "")[:500],
        }
        publish("letter.bounced", company_id=letter.company_id, data=lambda: bounce)
    return True


#: The function that makes someone the collection owner when the company names none (see
#: `collection_owner`), then the weaker one if nobody holds it.
COLLECTION_FUNCTIONS = ("receivables.run_dunning", "receivables.view_receivables")


def collection_owner(company):
    """Who follows up a company's collection problems (a bounced letter, for one).

    1. The company's `collection_owner`, if set and still an active member of the company;
    2. else the longest-standing active member whose groups give "Preview and run dunning"
       (`receivables.run_dunning`);
    3. else the longest-standing one whose groups give "View receivables";
    4. else nobody (None).
    """
    from companies.models import Membership
    from companies.permissions import members_with_function
    from companies.visibility import Viewer

    owner_id = company.collection_owner_id
    members = Membership.objects.active().visible_to(Viewer.for_job(company))
    if owner_id and members.filter(user_id=owner_id).exists():
        return company.collection_owner
    for code in COLLECTION_FUNCTIONS:
        user = members_with_function(company, code).first()
        if user is not None:
            return user
    return None


def _bounce_task(letter_id: int, recipient: str | None, reason: str | None) -> None:
    """A bounced letter becomes a task for the collection owner: fix the address and resend.

    Written by the system user (no person wrote it) in the company's language (its staff read it).
    """
    from communications import services
    from core.audit import system_user

    letter = DunningLetter.objects.select_related("company", "partner").get(pk=letter_id)
    company = letter.company
    owner = collection_owner(company)
    if owner is None:
        logger.warning("Letter %s bounced and %s has nobody who manages receivables", letter_id, company)
    with translation.override(company.language):
        subject = _("Dunning letter bounced: %(partner)s") % {"partner": letter.partner.name}
        description = _(
            "The level %(level)s letter of %(day)s to %(recipient)s bounced: %(reason)s. "
            "Correct the e-mail address of the partner's financial contact so that the next letter "
            "reaches them, or call them about the overdue invoices."
        ) % {
            "level": letter.level,
            "day": letter.slot.strftime("%d.%m.%Y"),
            "recipient": recipient or "?",
            "reason": reason or "-",
        }
    services.task_create(
        company=company,
        author=system_user(),
        subject=subject,
        description=description,
        partner=letter.partner,
        assignee=owner,
    )
