"""Closing an event: never as successful before it has started; errors next to the field, nothing lost."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase

from events.models import Event
from events.services import EventRuleError, event_close
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, member

BUDAPEST = ZoneInfo("Europe/Budapest")
FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=BUDAPEST)
NOTE = "Agreed on the price, the order follows next week."


class ClosingBeforeTheStartTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU", language="en")
        cls.owner = member(cls.company, *FUNCTIONS)
        cls.future = EventFactory(
            company=cls.company,
            type=EventTypeFactory(code="meeting", kind="meeting"),
            owner=cls.owner,
            subject="Visit at Tisza Kft.",
            starts_at=datetime(2026, 11, 23, 14, 0, tzinfo=BUDAPEST),
        )

    def setUp(self):
        self.client.force_login(self.owner)

    def close(self, outcome: str, moment=NOW):
        with time_machine.travel(moment, tick=False):
            return self.client.post(f"/events/{self.future.pk}/close/", {"outcome": outcome, "note": NOTE})

    def test_successful_is_refused_with_a_message_next_to_the_field_and_the_note_kept(self):
        response = self.close("successful")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "cannot be closed as successful before it has started")
        self.assertContains(response, 'id="outcome-error-')
        self.assertContains(response, f">{NOTE}</textarea>", html=False)
        self.assertContains(response, 'value="successful" required checked')
        self.future.refresh_from_db()
        self.assertEqual((self.future.outcome, self.future.closing_note), ("open", ""))

    def test_the_form_says_so_before_anyone_tries(self):
        with time_machine.travel(NOW, tick=False):
            response = self.client.get(f"/events/{self.future.pk}/")
        self.assertContains(response, "it can be closed as successful once it has")

    def test_unsuccessful_is_allowed_before_the_start(self):
        response = self.close("unsuccessful")
        self.assertRedirects(response, f"/events/{self.future.pk}/")
        self.future.refresh_from_db()
        self.assertEqual((self.future.outcome, self.future.closing_note), ("unsuccessful", NOTE))

    def test_successful_from_the_moment_it_starts(self):
        response = self.close("successful", moment=datetime(2026, 11, 23, 14, 0, tzinfo=BUDAPEST))
        self.assertRedirects(response, f"/events/{self.future.pk}/")
        self.assertEqual(Event.objects.get(pk=self.future.pk).outcome, "successful")

    def test_the_service_refuses_too(self):
        with time_machine.travel(NOW, tick=False), self.assertRaises(EventRuleError) as raised:
            event_close(event=self.future, outcome="successful", note=NOTE, by=self.owner)
        self.assertEqual(raised.exception.field, "outcome")
        self.assertIn("23 Nov 2026, 14:00", str(raised.exception))  # when it starts

    def test_a_missing_note_keeps_the_chosen_outcome(self):
        with time_machine.travel(NOW, tick=False):
            response = self.client.post(f"/events/{self.future.pk}/close/", {"outcome": "unsuccessful"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="note-error-')
        self.assertContains(response, 'value="unsuccessful" required checked')
        self.assertEqual(Event.objects.get(pk=self.future.pk).outcome, "open")
