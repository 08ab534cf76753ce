from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase, override_settings

from companies.models import Company
from events.discipline import take_away_neglected_partners
from events.models import PartnerWatch
from partners.models import OwnerChange, PartnerAccount
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", NEXT_EVENT_TAKEAWAY_DAYS=30)
class NextEventDisciplineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        sales = Group.objects.create(name="Sales")
        cls.boss = member(cls.company, "partners.view_partner", email="boss@example.com", last_name="Boss")
        cls.seller = member(cls.company, "partners.view_partner", groups=[sales], email="seller@example.com")
        supervise(cls.company, cls.boss, cls.seller)
        cls.neglected = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Neglected Kft.")
        )
        cls.planned = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Planned Kft.")
        )
        EventFactory(
            company=cls.company,
            type=EventTypeFactory(code="call"),
            owner=cls.seller,
            partner=cls.planned.partner,
            starts_at=datetime(2027, 6, 1, 10, tzinfo=BUDAPEST),
        )

    def run_on(self, day: date) -> int:
        moment = datetime(day.year, day.month, day.day, 5, 30, tzinfo=BUDAPEST)
        with time_machine.travel(moment, tick=False), self.captureOnCommitCallbacks(execute=True):
            return take_away_neglected_partners(today=day)

    def test_home_page_lists_partners_without_next_event(self):
        self.client.force_login(self.seller)
        response = self.client.get("/")
        self.assertContains(response, "Neglected Kft.")
        self.assertContains(response, f"/events/new/?partner={self.neglected.partner_id}")
        self.assertEqual([a.partner.name for a in response.context["without_next"]], ["Neglected Kft."])

    def test_taken_away_after_a_month_and_only_once(self):
        start = date(2026, 11, 2)
        self.assertEqual(self.run_on(start), 0)
        self.assertEqual(PartnerWatch.objects.get().listed_on, start)
        self.assertEqual(self.run_on(start + timedelta(days=29)), 0)
        self.assertEqual(self.run_on(start + timedelta(days=30)), 1)
        self.assertEqual(self.run_on(start + timedelta(days=30)), 0)  # the same day again
        self.assertEqual(self.run_on(start + timedelta(days=31)), 0)
        account = PartnerAccount.objects.get(pk=self.neglected.pk)
        self.assertEqual(account.owner, self.boss)
        change = OwnerChange.objects.get()
        self.assertEqual(
            (change.from_owner, change.to_owner, change.reason), (self.seller, self.boss, "no_next_event")
        )
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["boss@example.com", "seller@example.com"])
        self.assertEqual(PartnerAccount.objects.get(pk=self.planned.pk).owner, self.seller)

    def test_the_e_mails_speak_the_company_s_language(self):
        Company.objects.filter(pk=self.company.pk).update(language="hu")
        start = date(2026, 11, 2)
        self.run_on(start)
        self.run_on(start + timedelta(days=30))
        subjects = {message.to[0]: message.subject for message in mail.outbox}
        self.assertTrue(subjects["seller@example.com"].startswith("Neglected Kft."), subjects)
        self.assertNotIn("was taken from you", subjects["seller@example.com"])
        self.assertNotIn("is now yours", subjects["boss@example.com"])

    def test_planning_an_event_in_time_keeps_the_partner(self):
        start = date(2026, 11, 2)
        self.run_on(start)
        EventFactory(
            company=self.company,
            type=EventTypeFactory(code="call"),
            owner=self.seller,
            partner=self.neglected.partner,
            starts_at=datetime(2027, 1, 15, 10, tzinfo=BUDAPEST),
        )
        self.run_on(start + timedelta(days=10))
        self.assertFalse(PartnerWatch.objects.exists())
        self.assertEqual(self.run_on(start + timedelta(days=40)), 0)
        self.assertEqual(PartnerAccount.objects.get(pk=self.neglected.pk).owner, self.seller)

    @override_settings(NEXT_EVENT_TAKEAWAY_TO="pool")
    def test_pool_setting_unassigns(self):
        self.run_on(date(2026, 11, 2))
        self.run_on(date(2026, 12, 2))
        self.assertIsNone(PartnerAccount.objects.get(pk=self.neglected.pk).owner)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", NEXT_EVENT_TAKEAWAY_DAYS=30)
class TakeAwayOnAWorkingDayTests(TestCase):
    """The month is over 30 days after the listing; the partner goes on the first working day from then."""

    def neglected_partner_of(self, country: str) -> PartnerAccount:
        company = CompanyFactory(country=country)
        sales = Group.objects.get_or_create(name="Sales")[0]
        boss = member(company, "partners.view_partner", last_name="Boss")
        seller = member(company, "partners.view_partner", groups=[sales])
        supervise(company, boss, seller)
        return PartnerAccountFactory(company=company, owner=seller, partner=PartnerFactory())

    def run_on(self, day: date) -> int:
        # 05:30 in Budapest, the job's time: 06:30 in Sofia, the same day in both.
        moment = datetime(day.year, day.month, day.day, 5, 30, tzinfo=BUDAPEST)
        with time_machine.travel(moment, tick=False), self.captureOnCommitCallbacks(execute=True):
            return take_away_neglected_partners()

    def test_a_hungarian_bridge_day_and_the_weekend_wait_for_monday(self):
        account = self.neglected_partner_of("HU")
        self.run_on(date(2026, 7, 22))
        # 30 days later is Friday 2026-08-21, a bridge day; then the weekend.
        for day in (date(2026, 8, 20), date(2026, 8, 21), date(2026, 8, 22), date(2026, 8, 23)):
            with self.subTest(day=day):
                self.assertEqual(self.run_on(day), 0)
        self.assertEqual(self.run_on(date(2026, 8, 24)), 1)
        self.assertEqual(OwnerChange.objects.get(partner=account.partner).changed_on, date(2026, 8, 24))

    def test_a_transferred_working_saturday_is_a_working_day(self):
        self.neglected_partner_of("HU")
        self.run_on(date(2026, 7, 9))  # 30 days later: Saturday 2026-08-08, a working day in Hungary
        self.assertEqual(self.run_on(date(2026, 8, 7)), 0)
        self.assertEqual(self.run_on(date(2026, 8, 8)), 1)

    def test_a_bulgarian_observed_holiday_waits(self):
        self.neglected_partner_of("BG")
        self.run_on(date(2026, 8, 8))  # 30 days later: Monday 2026-09-07, Unification Day observed
        self.assertEqual(self.run_on(date(2026, 9, 7)), 0)
        self.assertEqual(self.run_on(date(2026, 9, 8)), 1)
