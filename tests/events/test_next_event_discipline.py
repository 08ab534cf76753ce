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
