"""The weekly team digest: every Monday morning in each company's time zone, each supervisor gets last
week's figures of everyone below them (or of the whole company with ``view_all_company_data``), in
their language, with links into the team page.

1. `digest_record_due(now)` (the periodic job, hourly on Mondays): for each active company
   whose local time has passed Monday `DIGEST_HOUR`:00, record one `DigestDelivery` per supervisor
   for the week that ended (unique company + user + week: a second run, a late run or a second beat
   records nothing new) and queue its send after commit. People who opted out, inactive members and
   people without an e-mail address get none.
2. `digest_send` (services, the task): the outbox (`ops.outbox`) claims, builds and sends it once
   with a stable Message-ID, retrying with back-off.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from companies.models import Company, Membership, SupervisorEdge, User
from companies.visibility import Viewer
from companies.workdays import company_day
from ops.outbox import Unsendable, queue_after_commit
from team.links import team_page_url
from team.models import DigestDelivery, DigestPreference
from team.stats import Period, scope_people, team_figures, totals

DIGEST_HOUR = 7  # company time, on Monday
SEND_TASK = "team.tasks.send_team_digest"


def digest_week(company: Company, now: datetime) -> Period | None:
    """The week a digest run at `now` reports on: the week that ended, on Monday from DIGEST_HOUR in
    the company's zone (None at any other time). Later runs that Monday find the rows recorded."""
    local = timezone.localtime(now, company.zone)
    monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() != 0 or local.hour < DIGEST_HOUR:
        return None
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))


def _language(user: User, company: Company, preferences: dict[int, DigestPreference]) -> str:
    preference = preferences.get(user.pk)
    return (preference.language if preference else "") or company.language or settings.LANGUAGE_CODE


def digest_record_due(*, now: datetime | None = None) -> int:
    """Record (and queue after commit) this week's digests not yet recorded; returns how many."""
    now = now or timezone.now()
    recorded = 0
    for company in Company.objects.filter(is_active=True):
        week = digest_week(company, now)
        if week is None:
            continue
        job = Viewer.for_job(company)
        supervisors = set(SupervisorEdge.objects.visible_to(job).values_list("supervisor_id", flat=True))
        active = set(
            Membership.objects.active()
            .visible_to(job)
            .filter(user_id__in=supervisors)
            .values_list("user_id", flat=True)
        )
        preferences = {p.user_id: p for p in DigestPreference.objects.filter(user_id__in=active)}
        for user in User.objects.filter(pk__in=active).exclude(email="").order_by("pk"):
            if user.pk in preferences and not preferences[user.pk].weekly_digest:
                continue
            recorded += _record(company, user, week, _language(user, company, preferences))
    return recorded


def _record(company: Company, user: User, week: Period, language: str) -> int:
    try:
        with transaction.atomic():
            delivery, created = DigestDelivery.objects.get_or_create(
                company=company, user=user, week_start=week.start, defaults={"language": language}
            )
            if created:
                queue_after_commit(SEND_TASK, delivery.pk)
    except IntegrityError:  # another run recorded it at the same moment
        return 0
    return int(created)


def digest_message(delivery: DigestDelivery) -> EmailMessage:
    """The digest as a plain-text e-mail in the delivery's language (`ops.outbox.Outbox.build`)."""
    company, user = delivery.company, delivery.user
    if not user.is_active or not user.email:
        raise Unsendable("The user is inactive or has no e-mail address.")
    viewer = Viewer.for_user(user, company)
    if viewer.membership is None:
        raise Unsendable("The user is no longer a member of the company.")
    week = Period(delivery.week_start, delivery.week_start + timedelta(days=6))
    rows = team_figures(
        viewer,
        people=scope_people(viewer, "below"),
        start=week.start,
        end=week.end,
        today=company_day(company),
    )
    base = settings.CRM_BASE_URL.rstrip("/")
    link = base + team_page_url(period="custom", start=week.start.isoformat(), end=week.end.isoformat())
    with translation.override(delivery.language):
        start, end = date_format(week.start, "SHORT_DATE_FORMAT"), date_format(week.end, "SHORT_DATE_FORMAT")
        subject = _("Your team's week: %(start)s to %(end)s") % {"start": start, "end": end}
        lines = [
            _("Hello %(name)s,") % {"name": user.first_name or user},
            "",
            _("Last week in %(company)s, compared with the week before:") % {"company": company.name},
            "",
        ]
        for row in [*rows, totals(rows)] if rows else []:
            name = str(row.user) if row.user is not None else _("Whole team")
            lines.append(_line(name, row))
        if not rows:
            lines.append(_("Nobody reports to you at the moment."))
        lines += ["", _("Open the team page: %(url)s") % {"url": link}, ""]
        lines.append(
            _("You get this e-mail because people report to you. To stop it: %(url)s")
            % {"url": base + "/team/digest/"}
        )
        return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def _number(value: int) -> str:
    """A count grouped in the e-mail's language ("1,234", "1 234"), as amounts are on pages and letters."""
    return number_format(value, use_l10n=True, force_grouping=True)


def _change(row, key: str) -> str:
    change = row.change(key)
    return f" ({'+' if change > 0 else '-'}{_number(abs(change))})" if change else ""


# Each figure of a digest line: the count ("n") picks the form in every language, so English reads
# "1 task done" and "2 tasks done"; the text shows it grouped ("count").
LINE_FIGURES = (
    ("communications", ngettext_lazy("%(count)s communication", "%(count)s communications", "n")),
    ("events_held", ngettext_lazy("%(count)s event held", "%(count)s events held", "n")),
    ("meetings_overdue", ngettext_lazy("%(count)s overdue meeting", "%(count)s overdue meetings", "n")),
    ("tasks_done", ngettext_lazy("%(count)s task done", "%(count)s tasks done", "n")),
    ("tasks_overdue", ngettext_lazy("%(count)s overdue task", "%(count)s overdue tasks", "n")),
    (
        "partners_without_next_event",
        ngettext_lazy(
            "%(count)s partner without a next event", "%(count)s partners without a next event", "n"
        ),
    ),
    ("partners_taken", ngettext_lazy("%(count)s partner taken away", "%(count)s partners taken away", "n")),
    ("partners_new", ngettext_lazy("%(count)s new partner", "%(count)s new partners", "n")),
)
# The change against the week before follows these two.
WITH_CHANGE = {"communications", "events_held"}


def _line(name: str, row) -> str:
    """ "Sara One: 3 communications (+2), 1 event held, ..." in the active language."""
    figures = []
    for key, text in LINE_FIGURES:
        value = row.current[key]
        figure = text % {"n": value, "count": _number(value)}
        figures.append(figure + (_change(row, key) if key in WITH_CHANGE else ""))
    return _("%(name)s: %(figures)s") % {"name": name, "figures": ", ".join(figures)}


def digest_message_id(delivery: DigestDelivery) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "crm.local"
    return f"<team-digest-{delivery.company_id}-{delivery.user_id}-{delivery.week_start:%Y%m%d}@{domain}>"
