"""A sales user's meeting still open after the 2 full working days that follow it blocks everything else."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from companies.models import CalendarDay
from events.models import Event
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, member

BUDAPEST = ZoneInfo("Europe/Budapest")
FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")


def at(*args):
    return datetime(*args, tzinfo=BUDAPEST)


class MeetingBlockTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU")
        cls.sales = Group.objects.create(name="Sales")
        cls.seller = member(cls.company, *FUNCTIONS, groups=[cls.sales])
        cls.manager = member(cls.company, *FUNCTIONS)  # not in a blocked role
        cls.meeting_type = EventTypeFactory(code="meeting", kind="meeting")
        cls.call_type = EventTypeFactory(code="call", kind="call")

    def meeting(self, owner, start, end):
        return EventFactory(
            company=self.company, type=self.meeting_type, owner=owner, starts_at=start, ends_at=end
        )

    def status_on(self, moment, user=None, path="/partners/"):
        with time_machine.travel(moment, tick=False):
            self.client.force_login(user or self.seller)
            return self.client.get(path)

    def test_a_thursday_meeting_leaves_friday_and_monday_and_blocks_from_tuesday(self):
        # Thursday 2026-11-19 meeting; Friday is working day 1, Monday 23rd is day 2 (all of it).
        self.meeting(self.seller, at(2026, 11, 19, 10), at(2026, 11, 19, 11))
        self.assertEqual(self.status_on(at(2026, 11, 20, 16)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 11, 22, 12)).status_code, 200)  # Sunday
        self.assertEqual(self.status_on(at(2026, 11, 23, 8)).status_code, 200)  # Monday
        self.assertEqual(self.status_on(at(2026, 11, 23, 23, 59, 59)).status_code, 200)
        response = self.status_on(at(2026, 11, 24, 0, 0))  # Tuesday 00:00
        self.assertRedirects(response, "/events/overdue/")

    def test_a_hungarian_public_holiday_does_not_count(self):
        # Wednesday 2026-10-21 meeting; Thu 22 is day 1, Fri 23 is a holiday, Mon 26 is day 2.
        self.meeting(self.seller, at(2026, 10, 21, 14), at(2026, 10, 21, 15))
        self.assertEqual(self.status_on(at(2026, 10, 23, 12)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 10, 25, 12)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 10, 26, 17)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 10, 27, 0, 0)).status_code, 302)

    def test_a_transferred_working_saturday_counts(self):
        # Thursday 2026-01-08; Friday 9 and the working Saturday 10 are the two days to close it.
        self.meeting(self.seller, at(2026, 1, 8, 10), at(2026, 1, 8, 11))
        self.assertEqual(self.status_on(at(2026, 1, 10, 12)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 1, 11, 23, 59)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 1, 12, 0, 0)).status_code, 302)

    def test_the_year_change_and_the_bridge_day_do_not_count(self):
        # Tuesday 2025-12-30; Wed 31 is day 1, 1 Jan a holiday, 2 Jan a bridge day, Mon 5 Jan day 2.
        self.meeting(self.seller, at(2025, 12, 30, 10), at(2025, 12, 30, 11))
        self.assertEqual(self.status_on(at(2026, 1, 2, 12)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 1, 5, 18)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 1, 6, 0, 0)).status_code, 302)

    def test_a_company_day_off_does_not_count(self):
        CalendarDay.objects.create(
            company=self.company, date=datetime(2026, 11, 20).date(), is_working_day=False
        )
        self.meeting(self.seller, at(2026, 11, 19, 10), at(2026, 11, 19, 11))
        self.assertEqual(self.status_on(at(2026, 11, 23, 9)).status_code, 200)  # Monday is only day 1
        self.assertEqual(self.status_on(at(2026, 11, 24, 9)).status_code, 200)  # Tuesday is day 2
        self.assertEqual(self.status_on(at(2026, 11, 25, 0, 0)).status_code, 302)

    def test_closing_the_last_meeting_lifts_the_block_at_once(self):
        first = self.meeting(self.seller, at(2026, 11, 16, 10), at(2026, 11, 16, 11))
        second = self.meeting(self.seller, at(2026, 11, 17, 10), at(2026, 11, 17, 11))
        moment = at(2026, 11, 23, 9)
        page = self.status_on(moment, path="/events/overdue/")
        self.assertContains(page, first.subject)
        self.assertContains(page, second.subject)
        with time_machine.travel(moment, tick=False):
            response = self.client.post(
                f"/events/{first.pk}/close/", {"outcome": "successful", "note": "Signed.", "back": "overdue"}
            )
            self.assertRedirects(response, "/events/overdue/")
            self.assertEqual(self.client.get("/partners/").status_code, 302)
            self.client.post(
                f"/events/{second.pk}/close/",
                {"outcome": "unsuccessful", "note": "No budget.", "back": "overdue"},
            )
            self.assertEqual(self.client.get("/partners/").status_code, 200)
        second.refresh_from_db()
        self.assertEqual(
            (second.outcome, second.closing_note, second.closed_by),
            ("unsuccessful", "No budget.", self.seller),
        )

    def test_closing_needs_an_outcome_and_a_note(self):
        meeting = self.meeting(self.seller, at(2026, 11, 16, 10), at(2026, 11, 16, 11))
        with time_machine.travel(at(2026, 11, 23, 9), tick=False):
            self.client.force_login(self.seller)
            response = self.client.post(
                f"/events/{meeting.pk}/close/", {"outcome": "", "back": "overdue"}, follow=True
            )
        self.assertContains(response, "This field is required")
        meeting.refresh_from_db()
        self.assertEqual(meeting.outcome, "open")

    def test_htmx_and_api_requests_get_423(self):
        self.meeting(self.seller, at(2026, 11, 16, 10), at(2026, 11, 16, 11))
        with time_machine.travel(at(2026, 11, 23, 9), tick=False):
            self.client.force_login(self.seller)
            htmx = self.client.get("/partners/", headers={"HX-Request": "true"})
            api = self.client.get("/partners/", headers={"Accept": "application/json"})
        self.assertEqual(htmx.status_code, 423)
        self.assertEqual(htmx["HX-Redirect"], "/events/overdue/")
        self.assertEqual(api.status_code, 423)
        self.assertEqual(api.json()["error"], "meetings_overdue")

    def test_logout_static_and_language_stay_reachable(self):
        self.meeting(self.seller, at(2026, 11, 16, 10), at(2026, 11, 16, 11))
        with time_machine.travel(at(2026, 11, 23, 9), tick=False):
            self.client.force_login(self.seller)
            self.assertEqual(
                self.client.post("/i18n/setlang/", {"language": "hu", "next": "/"}).status_code, 302
            )
            self.assertEqual(self.client.get("/static/crm/app.css").status_code, 200)
            self.assertEqual(self.client.post("/accounts/logout/").status_code, 302)

    def test_other_roles_calls_and_closed_meetings_do_not_block(self):
        self.meeting(self.manager, at(2026, 11, 16, 10), at(2026, 11, 16, 11))
        EventFactory(
            company=self.company, type=self.call_type, owner=self.seller, starts_at=at(2026, 11, 16, 10)
        )
        closed = self.meeting(self.seller, at(2026, 11, 16, 10), at(2026, 11, 16, 11))
        Event.objects.filter(pk=closed.pk).update(outcome="successful")
        self.assertEqual(self.status_on(at(2026, 11, 23, 9)).status_code, 200)
        self.assertEqual(self.status_on(at(2026, 11, 23, 9), user=self.manager).status_code, 200)

    def test_another_companys_meeting_does_not_block_here(self):
        # Named to sort after the test's company, which therefore stays the active one at login (the
        # first by name); factory names like "Company 10" sort before "Company 9".
        other = CompanyFactory(name="Zz Other Kft.")
        member(other, *FUNCTIONS, user=self.seller, groups=[self.sales])
        EventFactory(company=other, type=self.meeting_type, owner=self.seller, starts_at=at(2026, 11, 16, 10))
        self.assertEqual(self.status_on(at(2026, 11, 23, 9)).status_code, 200)


class OverdueCountCacheTests(TestCase):
    """The count behind the block is cached per user and day; any event change of the company renews it."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU")
        cls.seller = member(cls.company, *FUNCTIONS, groups=[Group.objects.create(name="Sales")])
        cls.meeting_type = EventTypeFactory(code="meeting", kind="meeting")

    def meeting(self, day: int):
        """A meeting of the seller on that day of November 2026, 10-11, still open."""
        return EventFactory(
            company=self.company,
            type=self.meeting_type,
            owner=self.seller,
            starts_at=at(2026, 11, day, 10),
            ends_at=at(2026, 11, day, 11),
        )

    def get(self, path="/partners/"):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        return response, " ".join(query["sql"] for query in queries.captured_queries)

    def test_pages_reuse_the_count_and_a_new_overdue_meeting_blocks_at_once(self):
        with time_machine.travel(at(2026, 11, 23, 9), tick=False):
            self.client.force_login(self.seller)
            response, first = self.get()
            self.assertEqual(response.status_code, 200)
            self.assertIn('FROM "events_event"', first)
            response, second = self.get()
            self.assertEqual(response.status_code, 200)
            self.assertNotIn('FROM "events_event"', second)
            self.meeting(day=16)
            self.assertRedirects(self.get()[0], "/events/overdue/")

    def test_the_next_day_is_counted_afresh(self):
        self.client.force_login(self.seller)
        self.meeting(day=19)
        with time_machine.travel(at(2026, 11, 20, 16), tick=False):
            self.assertEqual(self.get()[0].status_code, 200)  # Friday: day 1
        with time_machine.travel(at(2026, 11, 23, 23, 59), tick=False):
            self.assertEqual(self.get()[0].status_code, 200)  # Monday: day 2
        with time_machine.travel(at(2026, 11, 24, 0, 1), tick=False):
            self.assertRedirects(self.get()[0], "/events/overdue/")  # Tuesday: the grace is over

    def test_without_a_cache_the_database_answers(self):
        self.meeting(day=16)
        self.client.force_login(self.seller)
        dead = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
        sessions = "django.contrib.sessions.backends.db"
        with (
            time_machine.travel(at(2026, 11, 23, 9), tick=False),
            self.settings(CACHES=dead, SESSION_ENGINE=sessions),
            self.assertLogs("core.cache", "ERROR"),
        ):
            self.client.force_login(self.seller)
            self.assertRedirects(self.client.get("/partners/"), "/events/overdue/")
