"""Out-of-range dates and reminder lead times are refused by the event form; the calendar clamps them."""

from datetime import date

from django.test import TestCase

from events.models import EARLIEST_EVENT_YEAR, LATEST_EVENT_YEAR, MAX_REMINDER_MINUTES, Event, EventType
from tests.events.factories import EventTypeFactory
from tests.factories import CompanyFactory, member

FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")
YEAR_ERROR = f"Enter a date between the years {EARLIEST_EVENT_YEAR} and {LATEST_EVENT_YEAR}."


class EventFormDateBoundsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.seller = member(cls.company, *FUNCTIONS)
        cls.call = EventTypeFactory(code="call", name_en="Call", kind="call")

    def setUp(self):
        self.client.force_login(self.seller)

    def post(self, **fields):
        data = {"type": self.call.pk, "subject": "Bounds", "owner": self.seller.pk}
        data.update(fields)
        return self.client.post("/events/new/", data, HTTP_ACCEPT_LANGUAGE="en")

    def assert_refused(self, response, field):
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn(YEAR_ERROR, form.errors[field])
        self.assertFalse(Event.objects.exists())

    def test_start_out_of_range_is_refused_with_the_message(self):
        for value in ("0001-01-01T00:00", "0001-01-01T02:00", "1899-12-31T23:59", "9999-12-31T23:59"):
            with self.subTest(starts_at=value):
                response = self.post(starts_at=value)
                self.assert_refused(response, "starts_at")
                # The typed value is kept for correction.
                self.assertContains(response, f'value="{value}"')

    def test_end_out_of_range_is_refused_with_the_message(self):
        response = self.post(starts_at="2026-12-01T10:00", ends_at="9999-12-31T23:59")
        self.assert_refused(response, "ends_at")

    def test_dates_at_the_bounds_are_accepted(self):
        response = self.post(
            starts_at=f"{EARLIEST_EVENT_YEAR}-01-01T00:00", ends_at=f"{LATEST_EVENT_YEAR}-12-31T23:59"
        )
        event = Event.objects.get()
        self.assertRedirects(response, f"/events/{event.pk}/")

    def test_reminder_minutes_above_the_maximum_are_refused(self):
        for minutes in (MAX_REMINDER_MINUTES + 1, 1_100_000_000, 2_147_483_648):
            with self.subTest(minutes=minutes):
                response = self.post(starts_at="2026-12-01T10:00", reminder_minutes=minutes)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors["reminder_minutes"])
                self.assertFalse(Event.objects.exists())

    def test_reminder_minutes_at_the_maximum_are_accepted(self):
        self.post(starts_at="2026-12-01T10:00", reminder_minutes=MAX_REMINDER_MINUTES)
        self.assertEqual(Event.objects.get().reminder_minutes, MAX_REMINDER_MINUTES)


class CalendarDateBoundsTests(TestCase):
    """Extreme `date` parameters show a clamped calendar, never a 500 (also with no events at all)."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company, *FUNCTIONS)

    def test_extreme_dates_are_clamped(self):
        self.client.force_login(self.seller)
        earliest, latest = date(EARLIEST_EVENT_YEAR, 1, 1), date(LATEST_EVENT_YEAR, 12, 31)
        cases = [
            ("month", "0001-01-01", earliest),
            ("month", "9999-12-31", latest),
            ("week", "0001-01-01", earliest),
            ("week", "9999-12-31", latest),
            ("", "0001-01-01", earliest),
            ("", "9999-12-31", latest),
            ("month", "1899-12-31", earliest),
            ("week", "3000-01-01", latest),
        ]
        for view, value, shown in cases:
            with self.subTest(view=view, date=value):
                response = self.client.get("/events/calendar/view/", {"view": view, "date": value})
                self.assertEqual(response.status_code, 200)
                self.assertLessEqual(response.context["first"], shown)
                self.assertGreaterEqual(response.context["last"], shown)


class EventTypeReminderLimitTests(TestCase):
    """The admin's default reminder of an event type has the same limit as an event's own."""

    def test_the_admin_refuses_a_default_reminder_above_the_maximum(self):
        admin_user = member(CompanyFactory(), is_staff=True, is_superuser=True)
        self.client.force_login(admin_user)
        data = {"code": "visit", "name_en": "Visit", "kind": "meeting", "sort_order": 1}
        response = self.client.post(
            "/admin/events/eventtype/add/", {**data, "default_reminder_minutes": MAX_REMINDER_MINUTES + 1}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("default_reminder_minutes", response.context["adminform"].form.errors)
        self.assertFalse(EventType.objects.filter(code="visit").exists())
        response = self.client.post(
            "/admin/events/eventtype/add/", {**data, "default_reminder_minutes": MAX_REMINDER_MINUTES}
        )
        self.assertEqual(EventType.objects.get(code="visit").default_reminder_minutes, MAX_REMINDER_MINUTES)
