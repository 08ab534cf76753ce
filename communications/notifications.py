"""In-app notifications (the bell) and, for those who asked, the same by e-mail."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from communications.models import Notification
from companies.models import Company, User

logger = logging.getLogger(__name__)


def notify(
    *, recipient_ids: set[int], company: Company, actor: User | None, verb: str, text: str, url: str
) -> None:
    """Create the notifications now; e-mail the recipients who chose e-mail, after commit."""
    if not recipient_ids:
        return
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, company=company, actor=actor, verb=verb, text=text[:500], url=url)
            for pk in sorted(recipient_ids)
        ]
    )
    emails = list(
        User.objects.filter(pk__in=recipient_ids, email_notifications=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if emails:
        link = settings.CRM_BASE_URL.rstrip("/") + url
        transaction.on_commit(lambda: _send(emails, text, link))


def _send(emails: list[str], text: str, link: str) -> None:
    for address in emails:
        try:
            send_mail(text, f"{text}\n\n{link}", None, [address])
        except Exception:
            logger.exception("Notification e-mail to %s failed", address)
