"""Writes on events: create (also as a follow-up), update, close; and the rules around them."""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from companies.access import access_of
from companies.models import Company, Membership, User
from companies.workdays import WorkCalendar, company_day, company_midnight
from core.cache import Generations
from events.models import Event, EventKind, EventType, Outcome
from ops.domain_events import publish
from ops.jobs import enqueue_by_name


class EventRuleError(Exception):
    """An event rule was broken; the message is for the user, `field` names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def not_started_message(event: Event) -> str | None:
    """Why `event` cannot be closed as successful yet, or None once it has started."""
    if event.starts_at <= timezone.now():
        return None
    when = date_format(timezone.localtime(event.starts_at, event.company.zone), "DATETIME_FORMAT")
    return _(
        "It cannot be closed as successful before it has started (%(when)s). "
        "Close it as unsuccessful, or wait until it has started."
    ) % {"when": when}


def usable_event_types(membership: Membership | None) -> QuerySet[EventType]:
    """Active event types the member may use: open to all, or to one of their groups."""
    types = EventType.objects.filter(is_active=True)
    if membership is None:
        return types.none()
    if membership.user.is_superuser:
        return types
    group_ids = list(access_of(membership).group_ids)
    return types.filter(Q(allowed_groups__isnull=True) | Q(allowed_groups__in=group_ids)).distinct()


def follow_up_types(event: Event, membership: Membership | None) -> QuerySet[EventType]:
    """The types that may follow `event`, among those the member may use."""
    return usable_event_types(membership).filter(follows_types=event.type)


def _check_type(event_type: EventType, membership: Membership | None, follows: Event | None) -> None:
    if not usable_event_types(membership).filter(pk=event_type.pk).exists():
        raise EventRuleError(
            _("Your permission groups may not use the event type “%(type)s”.") % {"type": event_type.name}
        )
    if follows is not None and not follows.type.follow_up_types.filter(pk=event_type.pk).exists():
        raise EventRuleError(
            _("A “%(type)s” cannot follow a “%(previous)s”.")
            % {"type": event_type.name, "previous": follows.type.name}
        )


def _after_save(event: Event) -> None:
    from events.calendar_sync import schedule_google_sync

    schedule_google_sync(event)


@transaction.atomic
def event_create(
    *,
    company: Company,
    membership: Membership | None,
    created_by: User,
    type: EventType,
    owner: User,
    starts_at: datetime,
    subject: str,
    partner=None,
    contacts=(),
    participants=(),
    follows: Event | None = None,
    **fields,
) -> Event:
    """Create an event, as a follow-up of `follows` when given (only the allowed types)."""
    _check_type(type, membership, follows)
    if fields.get("reminder_minutes") is None and type.default_reminder_minutes is not None:
        fields["reminder_minutes"] = type.default_reminder_minutes
    event = Event.objects.create(
        company=company,
        type=type,
        owner=owner,
        starts_at=starts_at,
        subject=subject,
        partner=partner,
        follows=follows,
        created_by=created_by,
        **fields,
    )
    event.contacts.set(contacts)
    event.participants.set(participants)
    _after_save(event)
    return event


@transaction.atomic
def event_update(*, event: Event, contacts=None, participants=None, **fields) -> Event:
    for name, value in fields.items():
        setattr(event, name, value)
    event.save()
    if contacts is not None:
        event.contacts.set(contacts)
    if participants is not None:
        event.participants.set(participants)
    _after_save(event)
    return event


@transaction.atomic
def event_close(*, event: Event, outcome: str, note: str, by: User) -> Event:
    """Close an open event as successful or unsuccessful, with a note; successful only once it has started."""
    if outcome not in (Outcome.SUCCESSFUL, Outcome.UNSUCCESSFUL):
        raise EventRuleError(_("Choose whether it was successful or unsuccessful."), field="outcome")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if not locked.is_open:
        raise EventRuleError(_("This event is already closed."))
    if outcome == Outcome.SUCCESSFUL and (reason := not_started_message(locked)):
        raise EventRuleError(reason, field="outcome")
    locked.outcome = outcome
    locked.closing_note = note
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["outcome", "closing_note", "closed_at", "closed_by", "updated_at"])
    publish("event.closed", company_id=locked.company_id, data=lambda: _closed_event_data(locked))
    if outcome == Outcome.SUCCESSFUL and locked.partner_id:
        # The first success sends a CRM-made partner to the ERP; erp_sync sits above events, so it is
        # asked by task name after commit (its task is idempotent: one PartnerPush per partner).
        partner_id = locked.partner_id
        transaction.on_commit(
            lambda: enqueue_by_name("erp_sync.tasks.push_partner_after_first_success", partner_id)
        )
    return locked


def _closed_event_data(event: Event) -> dict:
    """What a webhook says about a closed event (docs/webhooks.md)."""
    return {
        "id": event.pk,
        "type": event.type.code,
        "subject": event.subject,
        "partner_id": event.partner_id,
        "owner_id": event.owner_id,
        "starts_at": event.starts_at,
        "outcome": event.outcome,
        "closing_note": event.closing_note,
        "closed_at": event.closed_at,
        "closed_by_id": event.closed_by_id,
    }


# Meetings must be closed -------------------------------------------------------------------------


def meeting_block_applies(membership: Membership | None) -> bool:
    """Whether the closing rule applies to this member (the roles are a setting)."""
    if membership is None:
        return False
    roles = set(settings.SALES_ROLES)
    if not roles:
        return False
    return bool(access_of(membership).group_names & roles)


def overdue_meetings(*, user: User, company: Company, today: date | None = None) -> list[Event]:
    """The user's open meetings whose `MEETING_CLOSE_GRACE_WORKING_DAYS` full working days to close are over.

    A meeting's day is the day it ended in the company's time zone; the block starts at 00:00 (company
    time) of the (grace+1)-th working day after it (`WorkCalendar.grace_over_on`). With a grace of 2 a
    meeting on Thursday leaves Friday and Monday to close it and blocks from Tuesday. "Working day"
    follows the company's country calendar plus its own days off and working days.
    """
    today = today or company_day(company)
    grace = settings.MEETING_CLOSE_GRACE_WORKING_DAYS
    # Only meetings that ended before today began can have used up their grace.
    today_began = company_midnight(company, today)
    candidates = list(
        Event.objects.filter(company=company, owner=user, outcome=Outcome.OPEN, type__kind=EventKind.MEETING)
        .filter(Q(ends_at__lt=today_began) | Q(ends_at__isnull=True, starts_at__lt=today_began))
        .select_related("type", "partner")
        .order_by("starts_at")
    )
    if not candidates:
        return []
    calendar = WorkCalendar.for_company(company)
    return [
        event
        for event in candidates
        if today >= calendar.grace_over_on(company_day(company, event.effective_end), grace)
    ]


OVERDUE_COUNTS = Generations("overdue-meetings", entry_seconds=120)


def overdue_meeting_count(*, user: User, company: Company) -> int:
    """How many overdue meetings block the user: asked on every page of a sales user, so cached.

    The count is kept for the company's day (its own time zone) in a generation of the company that every saved or deleted event of the
    company renews (so closing the meeting unblocks at once); a change of the company's calendar or of an
    event type's kind shows within two minutes. Without a cache answer it is counted in the database.
    """
    today = company_day(company)
    return OVERDUE_COUNTS.get(
        f"{user.pk}:{today.isoformat()}",
        lambda: len(overdue_meetings(user=user, company=company, today=today)),
        scope=company.pk,
    )


def forget_overdue_counts(sender, instance: Event, **kwargs) -> None:
    """post_save/post_delete of Event (connected in EventsConfig.ready): only forgets cached counts."""
    OVERDUE_COUNTS.renew_now_and_on_commit(scope=instance.company_id)


@transaction.atomic
def event_delete(*, event: Event) -> None:
    """Delete an event; its Google copies are removed after commit. Follow-ups keep their place."""
    from events.calendar_sync import schedule_google_delete

    schedule_google_delete(event)
    event.delete()
