"""In-app notifications (the bell) and, for those who asked, the same by e-mail."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from communications.models import Notification
from companies.models import Company, User

logger = logging.getLogger(__name__)


def notify(
    *,
    recipient_ids: set[int],
    company: Company,
    actor: User | None,
    verb: str,
    message: str,
    params: dict[str, str],
    url: str,
) -> None:
    """Create the notifications now; e-mail the recipients who chose e-mail, after commit.

    `message` is untranslated (gettext_noop) with %(name)s placeholders filled from `params` (strings):
    the bell shows it in the reader's language; the e-mail goes in the company's language.
    """
    if not recipient_ids:
        return
    params = {key: str(value) for key, value in params.items()}
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                company=company,
                actor=actor,
                verb=verb,
                message=message,
                params=params,
                text=Notification.render(message, params),
                url=url,
            )
            for pk in sorted(recipient_ids)
        ]
    )
    with translation.override(company.language or settings.LANGUAGE_CODE):
        text = Notification.render(message, params)
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
