from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import TestCase, override_settings

from events.models import ReminderDelivery
from events.reminders import deliver_due_reminders
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerFactory, member

BUDAPEST = ZoneInfo("Europe/Budapest")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class ReminderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.owner = member(cls.company, "events.view_event", email="owner@example.com")
        cls.guest = member(cls.company, "events.view_event", email="guest@example.com")
        cls.meeting_type = EventTypeFactory(code="meeting", kind="meeting")
        cls.event = EventFactory(
            company=cls.company,
            type=cls.meeting_type,
            owner=cls.owner,
            partner=PartnerFactory(name="Duna Zrt."),
            subject="Contract signing",
            location="Budapest, Váci út 12.",
            notes="Bring two copies.",
            starts_at=datetime(2026, 11, 24, 10, 0, tzinfo=BUDAPEST),
            reminder_minutes=30,
        )
        cls.event.participants.set([cls.guest])

    def test_nothing_before_the_time(self):
        self.assertEqual(deliver_due_reminders(now=datetime(2026, 11, 24, 9, 29, tzinfo=BUDAPEST)), 0)
        self.assertFalse(ReminderDelivery.objects.exists())

    def test_each_person_once_even_when_the_job_runs_twice(self):
        at = datetime(2026, 11, 24, 9, 30, tzinfo=BUDAPEST)
        self.assertEqual(deliver_due_reminders(now=at), 2)
        self.assertEqual(deliver_due_reminders(now=at + timedelta(minutes=1)), 0)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["guest@example.com", "owner@example.com"])
        self.assertEqual(ReminderDelivery.objects.count(), 2)
        body = mail.outbox[0].body
        for expected in (
            "Duna Zrt.",
            "Budapest, Váci út 12.",
            "Bring two copies.",
            f"/events/{self.event.pk}/",
        ):
            self.assertIn(expected, body)
        self.assertFalse(ReminderDelivery.objects.filter(late=True).exists())

    def test_a_reminder_missed_while_down_is_delivered_late(self):
        at = datetime(2026, 11, 24, 9, 50, tzinfo=BUDAPEST)  # 20 minutes after it was due
        deliver_due_reminders(now=at)
        self.assertEqual(ReminderDelivery.objects.filter(late=True).count(), 2)
        self.assertIn("[late]", mail.outbox[0].subject)

    def test_closed_events_do_not_remind(self):
        self.event.outcome = "successful"
        self.event.save()
        deliver_due_reminders(now=datetime(2026, 11, 24, 9, 45, tzinfo=BUDAPEST))
        self.assertFalse(ReminderDelivery.objects.exists())

    def test_popup_shows_dismisses_and_snoozes(self):
        deliver_due_reminders(now=datetime(2026, 11, 24, 9, 30, tzinfo=BUDAPEST))
        delivery = ReminderDelivery.objects.get(user=self.owner)
        self.client.force_login(self.owner)
        with time_machine.travel(datetime(2026, 11, 24, 9, 31, tzinfo=BUDAPEST), tick=False):
            self.assertContains(self.client.get("/reminders/"), "Contract signing")
            self.client.post(f"/reminders/{delivery.pk}/snooze/", headers={"HX-Request": "true"})
            self.assertNotContains(self.client.get("/reminders/"), "Contract signing")
        with time_machine.travel(datetime(2026, 11, 24, 9, 42, tzinfo=BUDAPEST), tick=False):
            self.assertContains(self.client.get("/reminders/"), "Contract signing")
            self.client.post(f"/reminders/{delivery.pk}/dismiss/")
            self.assertNotContains(self.client.get("/reminders/"), "Contract signing")

    def test_someone_elses_reminder_cannot_be_touched(self):
        deliver_due_reminders(now=datetime(2026, 11, 24, 9, 30, tzinfo=BUDAPEST))
        delivery = ReminderDelivery.objects.get(user=self.owner)
        self.client.force_login(self.guest)
        self.assertEqual(self.client.post(f"/reminders/{delivery.pk}/dismiss/").status_code, 404)
