"""Each company lives in its own time zone: a Bulgarian company in Europe/Sofia, a Hungarian one in
Europe/Budapest. Sofia is an hour ahead all year, so between 22:00 and 23:00 UTC in winter (21:00 and
22:00 in summer) it is already the next day in Sofia but not in Budapest. Every day boundary (the
meeting block, the cached count behind it, the calendar's today, jobs' today) and every printed time
(pages, reminder e-mails, the ICS feed, Google Calendar) follows the company.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase

from events.clients.google_calendar import event_body
from events.discipline import take_away_neglected_partners
from events.ics import build_feed
from events.models import Event, PartnerWatch
from events.reminders import deliver_due_reminders
from receivables.dunning import dunning_run_all
from receivables.models import Invoice
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

SOFIA = ZoneInfo("Europe/Sofia")
BUDAPEST = ZoneInfo("Europe/Budapest")
FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def when_shown(response) -> str:
    """The "When" of an event page."""
    match = re.search(r"<dt>When</dt><dd>([^<]*)</dd>", response.content.decode())
    assert match, "no When on the page"
    return match.group(1)


class TwoCompanies(TestCase):
    @classmethod
    def setUpTestData(cls):
        # English pages and e-mails keep the assertions on times independent of the date formats.
        cls.sofia = CompanyFactory(name="Alfa EOOD", country="BG", language="en", currency="BGN")
        cls.budapest = CompanyFactory(name="Alfa Kft.", country="HU", language="en")
        sales = Group.objects.create(name="Sales")
        cls.bulgarian = member(cls.sofia, *FUNCTIONS, groups=[sales], username="ivan")
        cls.hungarian = member(cls.budapest, *FUNCTIONS, groups=[sales], username="janos")
        cls.meeting_type = EventTypeFactory(code="meeting", name_en="Meeting", kind="meeting")

    def meeting(self, company, owner, start, end):
        return EventFactory(
            company=company, type=self.meeting_type, owner=owner, starts_at=start, ends_at=end
        )

    def meetings_on(self, year, month, day, hour=10):
        """A meeting of each seller on that day, 10-11 in their own company's time."""
        self.meeting(
            self.sofia,
            self.bulgarian,
            datetime(year, month, day, hour, tzinfo=SOFIA),
            datetime(year, month, day, hour + 1, tzinfo=SOFIA),
        )
        self.meeting(
            self.budapest,
            self.hungarian,
            datetime(year, month, day, hour, tzinfo=BUDAPEST),
            datetime(year, month, day, hour + 1, tzinfo=BUDAPEST),
        )

    def status(self, user, moment, path="/partners/") -> int:
        with time_machine.travel(moment, tick=False):
            self.client.force_login(user)
            return self.client.get(path).status_code

    def blocked(self, moment) -> tuple[bool, bool]:
        """(Sofia seller blocked, Budapest seller blocked) at `moment`."""
        return (self.status(self.bulgarian, moment) == 302, self.status(self.hungarian, moment) == 302)


class MeetingBlockTests(TwoCompanies):
    def test_the_block_starts_at_midnight_of_the_third_working_day_in_each_company(self):
        # Thursday 2026-11-19; Friday and Monday to close; Tuesday 24th 00:00 local blocks.
        self.meetings_on(2026, 11, 19)
        self.assertEqual(self.blocked(utc(2026, 11, 23, 21, 59)), (False, False))
        self.assertEqual(self.blocked(utc(2026, 11, 23, 22, 0)), (True, False))  # 00:00 Sofia, 23:00 Budapest
        self.assertEqual(self.blocked(utc(2026, 11, 23, 22, 59)), (True, False))
        self.assertEqual(self.blocked(utc(2026, 11, 23, 23, 0)), (True, True))  # 00:00 Budapest

    def test_the_meeting_s_day_is_the_company_s_day(self):
        # Ends at 22:30 UTC on Thursday 2026-11-19: Friday 00:30 in Sofia, Thursday 23:30 in Budapest.
        self.meeting(self.sofia, self.bulgarian, utc(2026, 11, 19, 21, 30), utc(2026, 11, 19, 22, 30))
        self.meeting(self.budapest, self.hungarian, utc(2026, 11, 19, 21, 30), utc(2026, 11, 19, 22, 30))
        # Budapest: Thursday's meeting blocks from Tuesday; Sofia: Friday's from Wednesday.
        self.assertEqual(self.blocked(utc(2026, 11, 24, 12, 0)), (False, True))
        self.assertEqual(self.blocked(utc(2026, 11, 24, 22, 0)), (True, True))  # Wednesday 00:00 Sofia

    def test_spring_dst_change(self):
        # Summer time from Sunday 2026-03-29. Thursday 26th's meeting blocks from Tuesday 31st 00:00,
        # which is 21:00 UTC on the 30th in Sofia (UTC+3) and 22:00 UTC in Budapest (UTC+2).
        self.meetings_on(2026, 3, 26)
        self.assertEqual(self.blocked(utc(2026, 3, 30, 20, 59)), (False, False))
        self.assertEqual(self.blocked(utc(2026, 3, 30, 21, 0)), (True, False))
        self.assertEqual(self.blocked(utc(2026, 3, 30, 21, 59)), (True, False))
        self.assertEqual(self.blocked(utc(2026, 3, 30, 22, 0)), (True, True))

    def test_autumn_dst_change_and_each_country_s_holidays(self):
        # Winter time from Sunday 2026-10-25. Thursday 22nd: in Bulgaria Friday 23rd and Monday 26th are
        # the two days (block Tuesday 27th 00:00 = 22:00 UTC on the 26th); in Hungary Friday 23rd is a
        # holiday, so Monday and Tuesday (block Wednesday 28th 00:00 = 23:00 UTC on the 27th).
        self.meetings_on(2026, 10, 22)
        self.assertEqual(self.blocked(utc(2026, 10, 26, 21, 59)), (False, False))
        self.assertEqual(self.blocked(utc(2026, 10, 26, 22, 0)), (True, False))
        self.assertEqual(self.blocked(utc(2026, 10, 27, 22, 59)), (True, False))
        self.assertEqual(self.blocked(utc(2026, 10, 27, 23, 0)), (True, True))

    def test_the_cached_count_is_kept_per_company_day(self):
        # The count cached at 23:59 Sofia (Monday) must not be reused one minute later (Tuesday there),
        # although it is still Monday on the server's default clock (Budapest).
        self.meetings_on(2026, 11, 19)
        self.client.force_login(self.bulgarian)
        with time_machine.travel(utc(2026, 11, 23, 21, 59), tick=False):
            self.assertEqual(self.client.get("/partners/").status_code, 200)
        with time_machine.travel(utc(2026, 11, 23, 22, 0, 30), tick=False):
            self.assertRedirects(self.client.get("/partners/"), "/events/overdue/")


class PagesTests(TwoCompanies):
    def test_a_bulgarian_company_s_page_shows_sofia_times(self):
        event = EventFactory(
            company=self.sofia, type=self.meeting_type, owner=self.bulgarian, subject="Visit at Vitosha",
            starts_at=utc(2026, 12, 1, 8, 30),  # 10:30 in Sofia, 9:30 in Budapest
        )  # fmt: skip
        self.client.force_login(self.bulgarian)
        with time_machine.travel(utc(2026, 11, 30, 8, 0), tick=False):
            response = self.client.get(f"/events/{event.pk}/")
        self.assertContains(response, "Visit at Vitosha")
        self.assertRegex(when_shown(response), r"\b10:30\b")

    def test_a_hungarian_company_s_page_shows_budapest_times(self):
        event = EventFactory(
            company=self.budapest, type=self.meeting_type, owner=self.hungarian, subject="Visit at Duna",
            starts_at=utc(2026, 12, 1, 8, 30),
        )  # fmt: skip
        self.client.force_login(self.hungarian)
        with time_machine.travel(utc(2026, 11, 30, 8, 0), tick=False):
            response = self.client.get(f"/events/{event.pk}/")
        self.assertRegex(when_shown(response), r"\b09:30\b")
        self.assertNotIn("10:30", when_shown(response))

    def test_a_time_typed_by_a_bulgarian_user_is_sofia_time(self):
        self.client.force_login(self.bulgarian)
        with time_machine.travel(utc(2026, 11, 30, 8, 0), tick=False):
            response = self.client.post(
                "/events/new/",
                {
                    "type": self.meeting_type.pk,
                    "subject": "Typed in Sofia",
                    "owner": self.bulgarian.pk,
                    "starts_at": "2026-12-01T10:30",
                    "location": "Sofia",
                },
            )
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context.get("form").errors,
        )
        self.assertEqual(Event.objects.get(subject="Typed in Sofia").starts_at, utc(2026, 12, 1, 8, 30))

    def test_the_calendar_s_today_and_days_are_the_company_s(self):
        # 22:30 UTC on Monday 2026-11-23: Tuesday 00:30 in Sofia. An event then is on Tuesday there.
        late = EventFactory(
            company=self.sofia, type=self.meeting_type, owner=self.bulgarian, subject="Late call",
            starts_at=utc(2026, 11, 23, 22, 30),
        )  # fmt: skip
        Event.objects.filter(pk=late.pk).update(outcome="successful")  # no block
        self.client.force_login(self.bulgarian)
        with time_machine.travel(utc(2026, 11, 23, 22, 30), tick=False):
            response = self.client.get("/events/calendar/view/?date=2026-11-23")
        self.assertEqual(response.context["today"], date(2026, 11, 24))
        days = {
            day: [event.subject for event in events]
            for week in response.context["weeks"]
            for day, events in week
        }
        self.assertEqual(days[date(2026, 11, 24)], ["Late call"])
        self.assertEqual(days[date(2026, 11, 23)], [])


class JobsAndFeedsTests(TwoCompanies):
    def test_a_reminder_e_mail_prints_the_event_company_s_time(self):
        EventFactory(
            company=self.sofia, type=self.meeting_type, owner=self.bulgarian, subject="Reminded in Sofia",
            starts_at=utc(2026, 12, 1, 8, 30), reminder_minutes=15,
        )  # fmt: skip
        deliver_due_reminders(now=utc(2026, 12, 1, 8, 16))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("10:30", mail.outbox[0].subject)
        self.assertIn("10:30", mail.outbox[0].body)
        self.assertNotIn("9:30", mail.outbox[0].body)

    def test_the_ics_feed_names_the_company_s_zone_and_gives_exact_times(self):
        EventFactory(
            company=self.sofia, type=self.meeting_type, owner=self.bulgarian, subject="In the feed",
            starts_at=utc(2026, 12, 1, 8, 30),
        )  # fmt: skip
        with time_machine.travel(utc(2026, 11, 30, 8, 0), tick=False):
            feed = build_feed(self.bulgarian, self.sofia).decode()
        self.assertIn("X-WR-TIMEZONE:Europe/Sofia", feed)
        self.assertIn("DTSTART:20261201T083000Z", feed)  # 10:30 in Sofia

    def test_google_calendar_gets_the_company_s_zone(self):
        event = EventFactory(
            company=self.sofia, type=self.meeting_type, owner=self.bulgarian, subject="In Google",
            starts_at=utc(2026, 7, 1, 7, 30),  # summer: 10:30 in Sofia (UTC+3)
        )  # fmt: skip
        body = event_body(event)
        self.assertEqual(body["start"], {"dateTime": "2026-07-01T10:30:00+03:00", "timeZone": "Europe/Sofia"})

    def test_the_next_event_job_lists_partners_on_each_company_s_day(self):
        for company, owner in ((self.sofia, self.bulgarian), (self.budapest, self.hungarian)):
            PartnerAccountFactory(company=company, owner=owner, partner=PartnerFactory())
        # 22:30 UTC on Sunday 2026-11-01: Monday 00:30 in Sofia, still Sunday in Budapest.
        with time_machine.travel(utc(2026, 11, 1, 22, 30), tick=False):
            take_away_neglected_partners()
        listed = dict(PartnerWatch.objects.values_list("company_id", "listed_on"))
        self.assertEqual(listed, {self.sofia.pk: date(2026, 11, 2), self.budapest.pk: date(2026, 11, 1)})

    def test_the_dunning_run_uses_each_company_s_day(self):
        # Invoices due on Monday 2026-11-23 count from Tuesday (1 working day past due). At 22:30 UTC on
        # Monday it is Tuesday in Sofia only. (No financial contact: counted as a letter without one.)
        for company in (self.sofia, self.budapest):
            Invoice.objects.create(
                company=company, partner=PartnerFactory(), number=f"INV-{company.pk}",
                issued_on=date(2026, 10, 24), due_on=date(2026, 11, 23), amount=Decimal("50000"),
                open_amount=Decimal("50000"), currency="HUF",
            )  # fmt: skip
        with time_machine.travel(utc(2026, 11, 23, 22, 30), tick=False):
            result = dunning_run_all()
        self.assertEqual(result[self.sofia.code]["without_contact"], 1)
        self.assertEqual(result[self.budapest.code]["without_contact"], 0)
