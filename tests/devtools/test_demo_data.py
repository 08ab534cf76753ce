"""`seed_demo` fills every list, chart and calendar around the day it runs, in each company's language,
and running it again creates nothing new."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase
from django.utils import timezone

from communications.models import Notification
from companies.models import Company, User
from contacts.models import Contact
from events.models import Event
from events.services import overdue_meetings
from partners.models import PartnerAccount

CYRILLIC = re.compile(r"[а-яА-Я]")
HUNGARIAN = re.compile(r"[áéíóöőúüűÁÉÍÓÖŐÚÜŰ]")
COUNTED = [
    "companies.User", "partners.Partner", "partners.PartnerAccount", "partners.Turnover", "contacts.Contact",
    "events.Event", "communications.Thread", "communications.Communication", "communications.Task",
    "communications.Notification", "receivables.Invoice", "orders.Order", "orders.OrderLine",
]  # fmt: skip


def counts() -> dict[str, int]:
    return {name: apps.get_model(name).objects.count() for name in COUNTED}


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


class DemoDataTests(TestCase):
    def assert_spread_around(self, today: date) -> None:
        """Events in each of the three months before today and the month after, in both companies;
        tasks due ahead, overdue ones, invoices in every ageing bucket and recent orders."""
        for code in ("alfa", "beta"):
            company = Company.objects.get(code=code)
            with timezone.override(company.zone):
                days = [
                    (timezone.localdate(starts_at) - today).days
                    for starts_at in Event.objects.filter(company=company).values_list("starts_at", flat=True)
                ]
            for first, last in [(-91, -61), (-60, -31), (-30, -1), (0, 6), (7, 31)]:
                with self.subTest(company=code, window=(first, last)):
                    self.assertGreaterEqual(sum(first <= day <= last for day in days), 3)
            self.assertTrue(all(-92 <= day <= 32 for day in days if day < -5), code)
            tasks = apps.get_model("communications.Task").objects.filter(company=company)
            now = timezone.now()
            self.assertTrue(tasks.filter(deadline__gt=now).exists())
            self.assertTrue(tasks.filter(deadline__lt=now).exclude(status="done").exists())
            invoices = apps.get_model("receivables.Invoice").objects.filter(company=company)
            overdue = {(today - due).days for due in invoices.values_list("due_on", flat=True)}
            for first, last in [(-60, 0), (1, 30), (31, 60), (61, 90), (91, 400)]:
                with self.subTest(company=code, ageing=(first, last)):
                    self.assertTrue(any(first <= days <= last for days in overdue))
            orders = apps.get_model("orders.Order").objects.filter(company=company)
            self.assertTrue(orders.filter(ordered_on__gte=today - timedelta(days=30)).exists())
        turnover = apps.get_model("partners.Turnover").objects.values_list("period", flat=True)
        self.assertEqual(max(turnover), (today.replace(day=1) - timedelta(days=1)).replace(day=1))

    def test_a_run_in_march_fills_the_quarter_around_it_and_runs_again_without_duplicates(self):
        with time_machine.travel(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=False):
            seed()
            self.assert_spread_around(date(2026, 3, 10))
            first = counts()
            seed()
            self.assertEqual(counts(), first)
            # Nobody starts blocked by the meeting rule: past meetings are closed.
            for username, code in [("sales1", "alfa"), ("sales2", "alfa"), ("ivan", "beta")]:
                user, company = User.objects.get(username=username), Company.objects.get(code=code)
                self.assertEqual(overdue_meetings(user=user, company=company), [], username)
            # The bell has something to show, one task with two notifications among it.
            sales1 = Notification.objects.filter(recipient__username="sales1", read_at__isnull=True)
            self.assertGreaterEqual(sales1.count(), 2)
            self.assertEqual(
                max(sales1.values("url").annotate(n=Count("id")).values_list("n", flat=True)),
                2,
            )
        with time_machine.travel(datetime(2026, 4, 20, 8, tzinfo=UTC), tick=False):
            seed()  # weeks later: still nothing new
        self.assertEqual(counts(), first)

    def test_a_run_in_another_year_moves_with_the_day(self):
        with time_machine.travel(datetime(2027, 7, 21, 15, tzinfo=UTC), tick=False):
            seed()
            self.assert_spread_around(date(2027, 7, 21))

    def test_each_company_speaks_its_language(self):
        with time_machine.travel(datetime(2026, 11, 11, 9, tzinfo=UTC), tick=False):
            seed()
        beta_partners = [
            account.partner
            for account in PartnerAccount.objects.filter(company__code="beta").select_related("partner")
        ]
        self.assertGreaterEqual(len(beta_partners), 6)
        for partner in beta_partners:
            if partner.name != "Euro Components GmbH":  # a German supplier of both companies
                self.assertRegex(partner.name, CYRILLIC)
                self.assertRegex(partner.addresses.get(kind="seat").city, r"^гр\. ")
        alfa_only = PartnerAccount.objects.filter(company__code="alfa").exclude(
            partner__accounts__company__code="beta"
        )
        self.assertGreaterEqual(alfa_only.count(), 10)
        for account in alfa_only.select_related("partner"):
            self.assertNotRegex(account.partner.name, CYRILLIC)
            self.assertRegex(account.partner.name, r"(Kft|Zrt|Bt)\.$")
        for contact in Contact.objects.select_related("partner"):
            companies = set(contact.partner.accounts.values_list("company__code", flat=True))
            if companies == {"beta"}:
                self.assertRegex(contact.last_name, CYRILLIC)
                self.assertRegex(contact.phone, r"^\+359 \d")
            elif companies == {"alfa"}:
                self.assertNotRegex(contact.last_name, CYRILLIC)
                self.assertRegex(contact.phone, r"^\+36 \d")
        subjects = {
            code: list(Event.objects.filter(company__code=code).values_list("subject", flat=True))
            for code in ("alfa", "beta")
        }
        self.assertTrue(all(CYRILLIC.search(s) for s in subjects["beta"]), subjects["beta"][:5])
        self.assertFalse(any(CYRILLIC.search(s) for s in subjects["alfa"] if "София" not in s))
        self.assertGreater(
            sum(bool(HUNGARIAN.search(s)) for s in subjects["alfa"]), len(subjects["alfa"]) // 3
        )
        threads = apps.get_model("communications.Thread").objects
        self.assertTrue(
            all(
                CYRILLIC.search(s)
                for s in threads.filter(company__code="beta").values_list("subject", flat=True)
            )
        )
