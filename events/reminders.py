"""Reminders: each person gets each reminder once, in the app and by e-mail, even late."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Event, Outcome, ReminderDelivery, ReminderStatus

logger = logging.getLogger(__name__)

# Reminders are looked for among events starting from a day ago to a week ahead: a reminder missed
# while the system was down for less than a day is still delivered (marked late).
LOOK_BACK = timedelta(days=1)
LOOK_AHEAD = timedelta(days=7)
SNOOZE = timedelta(minutes=10)


def deliver_due_reminders(now: datetime | None = None) -> int:
    """Create the due reminders and e-mail them. Safe to run twice, late, or concurrently.

    1. Find open events with a reminder whose time has come (within the look-back window).
    2. Insert one ReminderDelivery per person (owner and participants); the unique constraint
       (event, user, due time) drops duplicates, so a second run creates nothing.
    3. E-mail every delivery not yet e-mailed, claiming each with a conditional update first.
    Returns the number of e-mails sent.
    """
    now = now or timezone.now()
    late_after = timedelta(minutes=settings.REMINDER_LATE_AFTER_MINUTES)
    events = (
        Event.objects.filter(
            outcome=Outcome.OPEN,
            reminder_minutes__isnull=False,
            starts_at__gte=now - LOOK_BACK,
            starts_at__lte=now + LOOK_AHEAD,
        )
        .select_related("owner")
        .prefetch_related("participants")
    )
    new = []
    for event in events:
        due_at = event.reminder_at
        if due_at > now:
            continue
        for user in {event.owner, *event.participants.all()}:
            new.append(
                ReminderDelivery(event=event, user=user, due_at=due_at, late=now - due_at > late_after)
            )
    ReminderDelivery.objects.bulk_create(new, ignore_conflicts=True)
    return send_reminder_emails(now=now)


def send_reminder_emails(*, now: datetime) -> int:
    sent = 0
    pending = ReminderDelivery.objects.filter(
        email_sent_at__isnull=True, event__outcome=Outcome.OPEN
    ).select_related("event__type", "event__partner", "event__company", "user")
    for delivery in pending:
        claimed = ReminderDelivery.objects.filter(pk=delivery.pk, email_sent_at__isnull=True).update(
            email_sent_at=now
        )
        if not claimed or not delivery.user.email:
            continue
        try:
            _reminder_email(delivery).send()
        except Exception:
            logger.exception("Reminder e-mail %s failed; the next run tries again", delivery.pk)
            ReminderDelivery.objects.filter(pk=delivery.pk).update(email_sent_at=None)
        else:
            sent += 1
    return sent


def _reminder_email(delivery: ReminderDelivery) -> EmailMessage:
    event = delivery.event
    language = (
        delivery.user.memberships.filter(company=event.company)
        .values_list("company__language", flat=True)
        .first()
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        # The event's company's clock, whatever zone the worker runs in.
        when = date_format(timezone.localtime(event.starts_at, event.company.zone), "DATETIME_FORMAT")
        subject = _("Reminder: %(subject)s at %(when)s") % {"subject": event.subject, "when": when}
        if delivery.late:
            subject = _("[late] %(subject)s") % {"subject": subject}
        contacts = ", ".join(str(contact) for contact in event.contacts.all())
        lines = [
            f"{event.type.name}: {event.subject}",
            _("When: %(when)s") % {"when": when},
            _("Partner: %(partner)s") % {"partner": event.partner.name if event.partner else "—"},
            _("Contact: %(contacts)s") % {"contacts": contacts or "—"},
            _("Place: %(place)s") % {"place": event.location or "—"},
            _("Notes: %(notes)s") % {"notes": event.notes or "—"},
            "",
            settings.CRM_BASE_URL.rstrip("/") + reverse("events:detail", args=[event.pk]),
        ]
    return EmailMessage(subject=subject, body="\n".join(lines), to=[delivery.user.email])


def due_popups(user, now: datetime | None = None):
    """The reminders to show the user in the app now."""
    now = now or timezone.now()
    return (
        ReminderDelivery.objects.filter(user=user, status__in=[ReminderStatus.PENDING, ReminderStatus.SHOWN])
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))
        .select_related("event__type", "event__partner")
        .order_by("due_at")[:5]
    )


def reminder_dismiss(delivery: ReminderDelivery) -> None:
    ReminderDelivery.objects.filter(pk=delivery.pk).update(status=ReminderStatus.DISMISSED)


def reminder_snooze(delivery: ReminderDelivery, now: datetime | None = None) -> None:
    ReminderDelivery.objects.filter(pk=delivery.pk).update(snoozed_until=(now or timezone.now()) + SNOOZE)
