"""Every partner needs a next event: the home-page list and the monthly take-away."""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from companies.models import Company, SupervisorEdge, User
from companies.visibility import Viewer
from companies.workdays import WorkCalendar, company_day
from events.models import Event, PartnerWatch
from partners.models import AccountStatus, OwnerChange, OwnerChangeReason, PartnerAccount

logger = logging.getLogger(__name__)

WATCHED_STATUSES = [AccountStatus.PROSPECT, AccountStatus.ACTIVE]


def accounts_without_next_event(*, company: Company, owner: User | None = None, now=None) -> QuerySet:
    """Accounts (owned by `owner`, or by anyone) whose partner has no future event in the company.

    A rule about the whole company (anyone's event counts), so it reads as the company's job.
    """
    now = now or timezone.now()
    job = Viewer.for_job(company)
    future = Event.objects.visible_to(job).filter(partner=OuterRef("partner"), starts_at__gte=now)
    accounts = PartnerAccount.objects.visible_to(job).filter(status__in=WATCHED_STATUSES, owner__isnull=False)
    if owner is not None:
        accounts = accounts.filter(owner=owner)
    return accounts.filter(~Exists(future))


def sales_members(company: Company) -> QuerySet[User]:
    return User.objects.filter(
        memberships__company=company,
        memberships__is_active=True,
        memberships__groups__name__in=settings.SALES_ROLES,
        is_active=True,
    ).distinct()


def take_away_on(calendar: WorkCalendar, listed_on: date) -> date:
    """The day a partner listed on `listed_on` is taken away if it still has no next event.

    The month (NEXT_EVENT_TAKEAWAY_DAYS calendar days) is over on `listed_on + days`; the take-away
    happens on the first working day on or after that day, so nobody loses a partner on a weekend or
    holiday, when they could not have planned anything, and hears about it on a working day.
    """
    return calendar.first_working_day_from(listed_on + timedelta(days=settings.NEXT_EVENT_TAKEAWAY_DAYS))


def take_away_neglected_partners(*, today: date | None = None, now: datetime | None = None) -> int:
    """Daily job: list partners without a next event; after a month give them to the supervisor.

    1. For each company and sales user, record when each of their partners first had no future
       event (PartnerWatch, unique per company/partner/owner) and forget the ones that got one.
       "Today" is the company's day in its own time zone (unless `today` is given).
    2. Watches whose take-away day (`take_away_on`) has come: move the account to the owner's
       supervisor (or the unassigned pool) with a compare-and-swap on the owner, record the change
       with its reason, and notify both. A second run the same day finds nothing left to do.
    Returns the number of partners taken away.
    """
    now = now or timezone.now()
    moved = 0
    for company in Company.objects.filter(is_active=True):
        sales = list(sales_members(company))
        if not sales:
            continue
        company_today = today or company_day(company, now)
        stale = accounts_without_next_event(company=company, now=now).filter(owner__in=sales)
        current = {(a.partner_id, a.owner_id) for a in stale.only("partner_id", "owner_id")}
        PartnerWatch.objects.bulk_create(
            [
                PartnerWatch(company=company, partner_id=p, owner_id=o, listed_on=company_today)
                for p, o in current
            ],
            ignore_conflicts=True,
        )
        for watch in PartnerWatch.objects.filter(company=company):
            if (watch.partner_id, watch.owner_id) not in current:
                watch.delete()
        calendar = WorkCalendar.for_company(company)
        month_over = company_today - timedelta(days=settings.NEXT_EVENT_TAKEAWAY_DAYS)
        for watch in PartnerWatch.objects.filter(company=company, listed_on__lte=month_over).select_related(
            "owner", "partner"
        ):
            if company_today >= take_away_on(calendar, watch.listed_on) and _take_away(watch, company_today):
                moved += 1
    return moved


def _new_owner(watch: PartnerWatch) -> User | None:
    if settings.NEXT_EVENT_TAKEAWAY_TO == "pool":
        return None
    direct = (
        SupervisorEdge.objects.filter(company=watch.company_id, subordinate=watch.owner_id)
        .select_related("supervisor")
        .order_by("supervisor__last_name", "supervisor__pk")
        .first()
    )
    return direct.supervisor if direct else None


@transaction.atomic
def _take_away(watch: PartnerWatch, today: date) -> bool:
    new_owner = _new_owner(watch)
    taken = PartnerAccount.objects.filter(
        company=watch.company_id, partner=watch.partner_id, owner=watch.owner_id
    ).update(owner=new_owner)
    if not taken:
        watch.delete()
        return False
    try:
        with transaction.atomic():
            OwnerChange.objects.create(
                company_id=watch.company_id,
                partner_id=watch.partner_id,
                from_owner=watch.owner,
                to_owner=new_owner,
                reason=OwnerChangeReason.NO_NEXT_EVENT,
                note=_("No next event was planned since %(date)s.") % {"date": watch.listed_on},
                changed_on=today,
            )
    except IntegrityError:
        return False
    watch.delete()
    transaction.on_commit(lambda: _notify(watch, new_owner))
    return True


def _notify(watch: PartnerWatch, new_owner: User | None) -> None:
    """E-mails in the company's language (a background job has no reader's language to follow)."""
    with translation.override(watch.company.language or settings.LANGUAGE_CODE):
        _send_notices(watch, new_owner)


def _send_notices(watch: PartnerWatch, new_owner: User | None) -> None:
    partner = watch.partner
    lost = _("%(partner)s was taken from you: no next event was planned for a month.") % {"partner": partner}
    recipients = [(watch.owner, lost)]
    if new_owner is not None:
        recipients.append(
            (new_owner, _("%(partner)s is now yours: %(owner)s planned no next event for a month.")
             % {"partner": partner, "owner": watch.owner})
        )  # fmt: skip
    for user, text in recipients:
        if user.email:
            try:
                send_mail(text, text, None, [user.email])
            except Exception:
                logger.exception("Could not notify %s about %s", user, partner)
