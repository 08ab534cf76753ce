from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import TestCase, override_settings

from contacts.models import ContactType
from contacts.services import contact_create
from receivables.dunning import dunning_run, plan_letters
from receivables.models import DunningLetter, DunningPolicy, DunningThreshold, Invoice
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerFactory

BUDAPEST = ZoneInfo("Europe/Budapest")


def day(text: str) -> date:
    return date.fromisoformat(text)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class DunningTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU", language="en")
        cls.partner = PartnerFactory(name="Late Payer Kft.")
        financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        contact_create(
            partner=cls.partner,
            company=None,
            types=[financial],
            last_name="Pénzügy",
            email="finance@late.example",
        )

    def invoice(self, number, due, amount, currency="HUF"):
        return Invoice.objects.create(
            company=self.company, partner=self.partner, number=number, issued_on=day(due) - timedelta(days=30),
            due_on=day(due), amount=Decimal(amount), open_amount=Decimal(amount), currency=currency,
        )  # fmt: skip

    def run_on(self, when: date):
        moment = datetime(when.year, when.month, when.day, 7, 0, tzinfo=BUDAPEST)
        with time_machine.travel(moment, tick=False), self.captureOnCommitCallbacks(execute=True):
            return dunning_run(self.company, when)

    def simulate(self, start: str, end: str, on_day=None):
        current, last = day(start), day(end)
        while current <= last:
            if on_day:
                on_day(current)
            self.run_on(current)
            current += timedelta(days=1)
        return [
            (str(letter.created_at.astimezone(BUDAPEST).date()), letter.level)
            for letter in DunningLetter.objects.order_by("created_at", "pk")
        ]

    def test_six_weeks_day_by_day_across_weekends_and_hungarian_holidays(self):
        self.invoice("INV-1", "2026-10-20", 50000)
        letters = self.simulate("2026-10-19", "2026-12-01")
        self.assertEqual(
            letters,
            [
                ("2026-10-21", 1),  # 1 working day after the due date
                ("2026-10-27", 1),  # +3 working days: 23 Oct (holiday) and the weekend do not count
                ("2026-10-30", 1),
                ("2026-11-04", 1),  # 1 Nov is a Sunday holiday anyway; Monday 2 Nov counts
                ("2026-11-09", 1),
                ("2026-11-12", 1),
                ("2026-11-17", 1),
                ("2026-11-20", 2),  # four weeks after the first letter (18 Nov): second level
                ("2026-11-25", 2),
                ("2026-11-30", 2),
            ],
        )
        self.assertEqual(len(mail.outbox), 10)
        self.assertEqual(mail.outbox[0].to, ["finance@late.example"])
        self.assertIn("INV-1", mail.outbox[0].body)
        self.assertIn("50,000\N{NO-BREAK SPACE}Ft", mail.outbox[0].body)

    def test_a_transferred_working_saturday_counts(self):
        # 2026-12-12 is a working Saturday in Hungary (it makes up for 24 December).
        self.invoice("INV-S", "2026-12-10", 5000)
        letters = self.simulate("2026-12-10", "2026-12-16")
        # +3 working days from Fri 11 Dec: Sat 12 (working), Mon 14, Tue 15. Without the Saturday: 16.
        self.assertEqual([d for d, _ in letters], ["2026-12-11", "2026-12-15"])

    def test_payment_stops_the_sequence_and_a_new_overdue_invoice_starts_over(self):
        invoice = self.invoice("INV-1", "2026-10-20", 50000)

        def pay_on_5_nov(today):
            if today == day("2026-11-05"):
                Invoice.objects.filter(pk=invoice.pk).update(open_amount=0)
            if today == day("2026-11-10"):
                self.invoice("INV-2", "2026-11-10", 3000)

        letters = self.simulate("2026-10-19", "2026-11-16", on_day=pay_on_5_nov)
        self.assertEqual(
            letters,
            [("2026-10-21", 1), ("2026-10-27", 1), ("2026-10-30", 1), ("2026-11-04", 1), ("2026-11-11", 1),
             ("2026-11-16", 1)],
        )  # fmt: skip
        self.assertNotIn("INV-1", mail.outbox[-1].body)
        self.assertIn("INV-2", mail.outbox[-1].body)

    def test_a_new_overdue_invoice_joins_the_next_letter(self):
        self.invoice("INV-1", "2026-10-20", 50000)
        self.run_on(day("2026-10-21"))
        self.invoice("INV-2", "2026-10-23", 7000)
        self.run_on(day("2026-10-27"))
        self.assertIn("INV-1", mail.outbox[1].body)
        self.assertIn("INV-2", mail.outbox[1].body)

    def test_threshold_below_and_at_1000_huf(self):
        self.invoice("SMALL", "2026-10-20", "999.99")
        self.run_on(day("2026-10-21"))
        self.assertEqual(DunningLetter.objects.count(), 0)
        Invoice.objects.filter(number="SMALL").update(open_amount=Decimal("1000"), amount=Decimal("1000"))
        self.run_on(day("2026-10-21"))
        self.assertEqual(DunningLetter.objects.count(), 1)

    def test_thresholds_are_per_currency_and_editable(self):
        policy, _ = DunningPolicy.objects.get_or_create(company=self.company)
        DunningThreshold.objects.create(policy=policy, currency="EUR", minimum=Decimal("50"))
        self.invoice("EUR-1", "2026-10-20", "49", currency="EUR")
        self.run_on(day("2026-10-21"))
        self.assertEqual(DunningLetter.objects.count(), 0)
        self.invoice("EUR-2", "2026-10-20", "2", currency="EUR")
        self.run_on(day("2026-10-22"))
        self.assertEqual(DunningLetter.objects.get().totals, {"EUR": "51.00"})

    def test_running_twice_or_late_sends_once(self):
        self.invoice("INV-1", "2026-10-20", 50000)
        self.run_on(day("2026-10-22"))  # a day late
        self.run_on(day("2026-10-22"))
        self.assertEqual(DunningLetter.objects.count(), 1)
        self.assertEqual(DunningLetter.objects.get().slot, day("2026-10-21"))
        self.assertEqual(len(mail.outbox), 1)

    def test_the_database_holds_one_letter_per_slot(self):
        from django.db import IntegrityError, transaction

        self.invoice("INV-1", "2026-10-20", 50000)
        self.run_on(day("2026-10-21"))
        letter = DunningLetter.objects.get()
        with self.assertRaises(IntegrityError), transaction.atomic():
            DunningLetter.objects.create(
                company=self.company, partner=self.partner, slot=letter.slot, level=1,
                sequence_started_on=letter.slot, subject="x", body="x",
            )  # fmt: skip

    def test_partner_without_financial_contact_is_listed_not_skipped_silently(self):
        other = PartnerFactory(name="No Contact Bt.")
        Invoice.objects.create(
            company=self.company, partner=other, number="NC-1", issued_on=day("2026-09-01"),
            due_on=day("2026-10-01"), amount=Decimal(20000), open_amount=Decimal(20000),
        )  # fmt: skip
        plan = plan_letters(self.company, day("2026-10-21"))
        self.assertEqual([letter.partner for letter in plan.without_contact], [other])
        result = self.run_on(day("2026-10-21"))
        self.assertEqual(result["without_contact"], 1)
        self.assertFalse(DunningLetter.objects.filter(partner=other).exists())

    def test_a_promise_to_pay_pauses_letters_until_its_date(self):
        self.invoice("INV-1", "2026-10-20", 50000)
        EventFactory(
            company=self.company, partner=self.partner, type=EventTypeFactory(code="promise-to-pay", kind="other"),
            promised_payment_on=day("2026-10-28"),
        )  # fmt: skip
        letters = self.simulate("2026-10-19", "2026-10-30")
        self.assertEqual([d for d, _ in letters], ["2026-10-29"])
