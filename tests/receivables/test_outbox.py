from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import TestCase, override_settings

from contacts.models import ContactType, GdprNotice
from contacts.services import contact_create
from contacts.tasks import resend_stuck_gdpr_notices
from receivables.dunning import dunning_run
from receivables.models import DunningLetter, Invoice
from receivables.tasks import resend_stuck_letters
from tests.factories import CompanyFactory, PartnerFactory

BUDAPEST = ZoneInfo("Europe/Budapest")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class OutboxTests(TestCase):
    """A crash between commit and enqueue loses nothing: the sweep sends what was recorded, once."""

    def test_letter_recorded_but_never_enqueued_is_sent_by_the_sweep_once(self):
        company = CompanyFactory(language="en")
        partner = PartnerFactory()
        financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        contact_create(partner=partner, company=None, types=[financial], last_name="F", email="f@example.com")
        Invoice.objects.create(
            company=company, partner=partner, number="I-1", issued_on=date(2026, 9, 1), due_on=date(2026, 10, 1),
            amount=Decimal(5000), open_amount=Decimal(5000),
        )  # fmt: skip
        with time_machine.travel(datetime(2026, 11, 23, 7, tzinfo=BUDAPEST), tick=False):
            dunning_run(company, date(2026, 11, 23))  # on_commit callbacks never run: the "crash"
        self.assertEqual(DunningLetter.objects.get().status, "queued")
        self.assertEqual(len(mail.outbox), 0)
        with time_machine.travel(datetime(2026, 11, 23, 7, 10, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(resend_stuck_letters(), 1)
            self.assertEqual(resend_stuck_letters(), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(DunningLetter.objects.get().status, "sent")

    def test_gdpr_notice_recorded_but_never_enqueued_is_sent_by_the_sweep_once(self):
        company = CompanyFactory(language="en")
        with time_machine.travel(datetime(2026, 11, 23, 9, tzinfo=BUDAPEST), tick=False):
            contact_create(partner=PartnerFactory(), company=company, last_name="G", email="g@example.com")
        self.assertEqual(GdprNotice.objects.get().status, "queued")
        with time_machine.travel(datetime(2026, 11, 23, 9, 2, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(resend_stuck_gdpr_notices(), 0)  # too fresh: its own task may still come
        with time_machine.travel(datetime(2026, 11, 23, 9, 10, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(resend_stuck_gdpr_notices(), 1)
        with time_machine.travel(datetime(2026, 11, 23, 9, 20, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(resend_stuck_gdpr_notices(), 0)
        self.assertEqual([m.to for m in mail.outbox], [["g@example.com"]])
