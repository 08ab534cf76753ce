from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import TestCase, override_settings

from contacts.models import ContactType, GdprNotice
from contacts.services import contact_create
from contacts.tasks import resend_stuck_gdpr_notices
from receivables.dunning import dunning_run, message_id_for
from receivables.models import DunningLetter, Invoice
from receivables.tasks import (
    LETTER_OUTBOX,
    MAX_ATTEMPTS,
    SENT_EVENT_ID,
    resend_stuck_letters,
    send_dunning_letter,
)
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


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class LeaseTests(TestCase):
    """The claim's lease: a live send is never doubled, a dead one is resumed, a spent one is left."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        partner = PartnerFactory()
        financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        contact_create(partner=partner, company=None, types=[financial], last_name="F", email="f@example.com")
        Invoice.objects.create(
            company=cls.company, partner=partner, number="I-1", issued_on=date(2026, 9, 1),
            due_on=date(2026, 10, 1), amount=Decimal(5000), open_amount=Decimal(5000),
        )  # fmt: skip

    def died_while_sending(self, *, task_id="dead-task", attempts=1) -> DunningLetter:
        """The state a worker killed mid-send leaves: claimed by its task, lease running, not sent."""
        with time_machine.travel(datetime(2026, 11, 23, 7, tzinfo=BUDAPEST), tick=False):
            dunning_run(self.company, date(2026, 11, 23))
            letter = DunningLetter.objects.get()
            self.assertTrue(LETTER_OUTBOX.claim(letter.pk, task_id=task_id))
        DunningLetter.objects.filter(pk=letter.pk).update(attempts=attempts)
        return letter

    def test_the_same_task_redelivered_takes_over_at_once(self):
        letter = self.died_while_sending()
        with time_machine.travel(datetime(2026, 11, 23, 7, 0, 30, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(
                send_dunning_letter.apply(args=[letter.pk], task_id="other").get(), "nothing to do"
            )
            self.assertEqual(send_dunning_letter.apply(args=[letter.pk], task_id="dead-task").get(), "sent")
        letter.refresh_from_db()
        self.assertEqual((letter.status, letter.attempts, letter.lease_owner), ("sent", 2, ""))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].extra_headers["Message-ID"], message_id_for(letter))

    def test_the_sweep_resumes_a_dead_send_only_after_its_lease(self):
        letter = self.died_while_sending()
        with time_machine.travel(datetime(2026, 11, 23, 7, 1, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(resend_stuck_letters(), 0)  # it may still be sending
        with time_machine.travel(datetime(2026, 11, 23, 7, 3, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(resend_stuck_letters(), 1)
            self.assertEqual(resend_stuck_letters(), 0)
        letter.refresh_from_db()
        self.assertEqual(letter.status, "sent")
        self.assertEqual(list(letter.events.values_list("event_id", flat=True)), [SENT_EVENT_ID])
        # The slow first attempt, had it survived, cannot record over the newer one.
        self.assertFalse(LETTER_OUTBOX.record_sent(letter.pk, task_id="dead-task", last_error="late"))

    def test_a_letter_that_used_up_its_attempts_is_left_for_a_person(self):
        letter = self.died_while_sending(attempts=MAX_ATTEMPTS)
        with time_machine.travel(datetime(2026, 11, 23, 7, 10, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(resend_stuck_letters(), 0)
            self.assertEqual(
                send_dunning_letter.apply(args=[letter.pk], task_id="other").get(), "nothing to do"
            )
        letter.refresh_from_db()
        self.assertEqual((letter.status, letter.attempts), ("failed", MAX_ATTEMPTS))
        self.assertIn("died", letter.last_error)
        self.assertEqual(len(mail.outbox), 0)
