from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")


class EventListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *FUNCTIONS)
        cls.seller = member(cls.company, *FUNCTIONS)
        cls.stranger = member(cls.company, *FUNCTIONS)
        cls.guest = member(cls.company, *FUNCTIONS)
        supervise(cls.company, cls.boss, cls.seller)
        cls.call = EventTypeFactory(code="call", name_en="Call", kind="call")
        cls.meeting = EventTypeFactory(code="meeting", name_en="Meeting", kind="meeting")
        cls.own = EventFactory(
            company=cls.company, type=cls.call, owner=cls.boss, subject="Boss call",
            starts_at=datetime(2026, 11, 10, 9, tzinfo=BUDAPEST),
        )  # fmt: skip
        cls.team = EventFactory(
            company=cls.company, type=cls.meeting, owner=cls.seller, subject="Seller meeting",
            partner=PartnerFactory(name="Duna Zrt."), starts_at=datetime(2026, 11, 20, 9, tzinfo=BUDAPEST),
            outcome="successful",
        )  # fmt: skip
        cls.hidden = EventFactory(
            company=cls.company, type=cls.call, owner=cls.stranger, subject="Stranger call",
            starts_at=datetime(2026, 11, 15, 9, tzinfo=BUDAPEST),
        )  # fmt: skip
        cls.hidden.participants.set([cls.guest])

    def subjects(self, query=""):
        response = self.client.get(f"/events/?{query}")
        self.assertEqual(response.status_code, 200)
        return [event.subject for event in response.context["page"].object_list]

    def test_scopes_follow_the_visibility_helper(self):
        self.client.force_login(self.boss)
        self.assertEqual(self.subjects(), ["Boss call"])
        self.assertEqual(self.subjects("scope=team"), ["Seller meeting"])
        self.assertEqual(self.subjects("scope=all"), ["Seller meeting", "Boss call"])

    def test_participants_see_the_event(self):
        self.client.force_login(self.guest)
        self.assertEqual(self.subjects("scope=all"), ["Stranger call"])
        self.assertEqual(self.client.get(f"/events/{self.hidden.pk}/").status_code, 200)
        self.client.force_login(self.boss)
        self.assertEqual(self.client.get(f"/events/{self.hidden.pk}/").status_code, 404)

    def test_my_events_include_those_i_take_part_in(self):
        """The list's "My events", the calendar's own view and the home page's next events."""
        self.client.force_login(self.guest)
        self.assertEqual(self.subjects(), ["Stranger call"])
        week = self.client.get("/events/calendar/view/?date=2026-11-15")
        self.assertContains(week, "Stranger call")
        upcoming = EventFactory(
            company=self.company, type=self.call, owner=self.stranger, subject="Next week together",
            starts_at=datetime(2099, 1, 5, 9, tzinfo=BUDAPEST),
        )  # fmt: skip
        upcoming.participants.set([self.guest, self.boss])
        self.assertContains(self.client.get("/"), "Next week together")
        self.assertEqual(self.subjects("scope=all&start_from=2099-01-01"), ["Next week together"])
        self.client.force_login(self.seller)
        self.assertNotContains(self.client.get("/"), "Next week together")

    def test_filters(self):
        self.client.force_login(self.boss)
        cases = {
            f"scope=all&type={self.meeting.pk}": ["Seller meeting"],
            "scope=all&outcome=open": ["Boss call"],
            "scope=all&start_from=2026-11-15&start_to=2026-11-30": ["Seller meeting"],
            "scope=all&partner=duna": ["Seller meeting"],
            f"scope=all&owner={self.seller.pk}": ["Seller meeting"],
            "scope=all&sort=start": ["Boss call", "Seller meeting"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(self.subjects(query), expected)

    def test_hostile_filters_never_500(self):
        self.client.force_login(self.boss)
        for field in (
            "scope",
            "type",
            "outcome",
            "start_from",
            "start_to",
            "partner",
            "owner",
            "sort",
            "page",
        ):
            for value in ("'", "2026-13-45", "-1", "9" * 30, "<script>", "\x00"):
                with self.subTest(field=field, value=value):
                    self.assertEqual(self.client.get("/events/", {field: value}).status_code, 200)

    def test_query_count_is_the_same_for_few_and_many_rows(self):
        self.client.force_login(self.boss)

        def count():
            with CaptureQueriesContext(connection) as queries:
                self.client.get("/events/?scope=all")
            return len(queries)

        count()
        for _ in range(5):
            EventFactory(company=self.company, type=self.call, owner=self.seller, partner=PartnerFactory())
        few = count()
        for _ in range(40):
            EventFactory(company=self.company, type=self.call, owner=self.seller, partner=PartnerFactory())
        self.assertEqual(count(), few)

    def test_calendar_week_and_month(self):
        self.client.force_login(self.boss)
        week = self.client.get("/events/calendar/view/?date=2026-11-10&scope=all")
        self.assertContains(week, "Boss call")
        self.assertNotContains(week, "Seller meeting")
        month = self.client.get("/events/calendar/view/?view=month&date=2026-11-10&scope=all")
        self.assertContains(month, "Boss call")
        self.assertContains(month, "Seller meeting")
        self.assertNotContains(month, "Stranger call")
        self.assertEqual(self.client.get("/events/calendar/view/?date=garbage&view=<x>").status_code, 200)


class EventDeleteTests(TestCase):
    def test_delete_asks_first_and_needs_the_function(self):
        company = CompanyFactory()
        owner = member(company, *FUNCTIONS, "events.delete_event")
        plain = member(company, *FUNCTIONS)
        supervise(company, plain, owner)
        event = EventFactory(company=company, owner=owner, subject="To go")
        self.client.force_login(plain)
        self.assertEqual(self.client.post(f"/events/{event.pk}/delete/").status_code, 403)
        self.client.force_login(owner)
        self.assertContains(self.client.get(f"/events/{event.pk}/delete/"), "cannot be undone")
        self.assertRedirects(self.client.post(f"/events/{event.pk}/delete/"), "/events/")
        self.assertFalse(type(event).objects.filter(pk=event.pk).exists())
