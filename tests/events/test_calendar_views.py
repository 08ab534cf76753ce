"""The calendar: day/week time grids with slots, the month grid and agenda, type colours, the overlay of
supervised people's calendars, the company's time zone and today."""

import re
from datetime import UTC, date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from events import views_calendar
from events.calendar_grid import KIND_COLOURS, PERSON_COLOURS
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
SOFIA = ZoneInfo("Europe/Sofia")
VIEW = ("events.view_event", "partners.view_partner")
FUNCTIONS = (*VIEW, "events.add_event", "events.change_event")
# Wednesday 11 November 2026, 10:00 in Budapest: the week shown is Monday 9 to Sunday 15 November.
NOW = datetime(2026, 11, 11, 10, tzinfo=BUDAPEST)
URL = "/events/calendar/view/"


def blocks(response) -> dict[str, list[str]]:
    """Day (YYYY-MM-DD) -> the event subjects in that day's column of the time grid."""
    html = response.content.decode()
    found: dict[str, list[str]] = {}
    for day, body in re.findall(
        r'<div class="cal-day[^"]*" data-day="([\d-]+)">(.*?)\n      </div>', html, re.S
    ):
        found[day] = re.findall(r'<span class="cal-subject">([^<]*)</span>', body)
    return found


@time_machine.travel(NOW, tick=False)
class TimeGridTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.boss = member(cls.company, *FUNCTIONS)
        cls.seller = member(cls.company, *FUNCTIONS, first_name="Péter", last_name="Nagy")
        cls.sibling = member(cls.company, *FUNCTIONS)
        cls.reader = member(cls.company, *VIEW)
        supervise(cls.company, cls.boss, cls.seller)
        cls.call = EventTypeFactory(code="call", name_en="Call", kind="call")
        cls.meeting = EventTypeFactory(code="meeting", name_en="Meeting", kind="meeting", colour="#0f766e")
        cls.morning = EventFactory(
            company=cls.company, type=cls.meeting, owner=cls.boss, subject="Morning meeting",
            partner=PartnerFactory(name="Duna Zrt."),
            starts_at=datetime(2026, 11, 10, 9, tzinfo=BUDAPEST), ends_at=datetime(2026, 11, 10, 10, tzinfo=BUDAPEST),
        )  # fmt: skip
        cls.overlap = EventFactory(
            company=cls.company, type=cls.call, owner=cls.boss, subject="Overlapping call",
            starts_at=datetime(2026, 11, 10, 9, 30, tzinfo=BUDAPEST),
        )  # fmt: skip
        cls.late = EventFactory(
            company=cls.company, type=cls.call, owner=cls.boss, subject="Evening call",
            starts_at=datetime(2026, 11, 13, 20, tzinfo=BUDAPEST),
        )  # fmt: skip
        cls.next_week = EventFactory(
            company=cls.company, type=cls.call, owner=cls.boss, subject="Next week call",
            starts_at=datetime(2026, 11, 16, 9, tzinfo=BUDAPEST),
        )  # fmt: skip
        cls.sellers = EventFactory(
            company=cls.company, type=cls.call, owner=cls.seller, subject="Seller call",
            starts_at=datetime(2026, 11, 12, 11, tzinfo=BUDAPEST),
        )  # fmt: skip
        cls.siblings = EventFactory(
            company=cls.company, type=cls.call, owner=cls.sibling, subject="Sibling call",
            starts_at=datetime(2026, 11, 12, 14, tzinfo=BUDAPEST),
        )  # fmt: skip

    def test_the_week_runs_monday_to_sunday_with_each_event_in_its_day_and_hour(self):
        self.client.force_login(self.boss)
        response = self.client.get(URL, {"date": "2026-11-11"})
        days = blocks(response)
        self.assertEqual(list(days), [f"2026-11-{d:02d}" for d in range(9, 16)])
        self.assertEqual(days["2026-11-10"], ["Morning meeting", "Overlapping call"])
        self.assertEqual(days["2026-11-13"], ["Evening call"])
        self.assertNotIn("Next week call", response.content.decode())
        html = response.content.decode()
        # 09:00-10:00 is 37.5% to 41.667% of the day; the overlapping call shares the width.
        self.assertRegex(html, r'style="top:37\.500%;height:4\.167%;left:0\.000%;width:50\.000%;--c:#0f766e"')
        self.assertRegex(
            html, r'style="top:39\.583%;height:2\.083%;left:50\.000%;width:50\.000%;--c:#1d4ed8"'
        )
        self.assertContains(response, f'href="/events/{self.morning.pk}/"')
        self.assertContains(response, "Duna Zrt.")
        # The working day is in view when the page opens, the rest scrolls.
        self.assertContains(response, 'data-first-hour="8"')

    def test_today_is_marked(self):
        self.client.force_login(self.boss)
        response = self.client.get(URL)
        self.assertEqual(response.context["today"], date(2026, 11, 11))
        self.assertRegex(
            response.content.decode(),
            r'cal-day-head is-today" aria-current="date">\s*<a href="\?view=day&amp;date=2026-11-11',
        )
        self.assertContains(response, 'class="cal-day is-today" data-day="2026-11-11"')

    def test_every_half_hour_slot_opens_the_event_form_with_its_start(self):
        self.client.force_login(self.boss)
        response = self.client.get(URL, {"view": "day", "date": "2026-11-10"})
        slots = re.findall(r'href="/events/new/\?starts_at=([^"]+)"', response.content.decode())
        self.assertEqual(len(slots), 48)
        self.assertEqual(slots[0], "2026-11-10T00:00")
        self.assertEqual(slots[17], "2026-11-10T08:30")
        self.assertEqual(list(blocks(response)), ["2026-11-10"])
        form = self.client.get("/events/new/", {"starts_at": slots[17]})
        self.assertContains(form, 'value="2026-11-10T08:30"')
        self.assertContains(self.client.get("/events/new/", {"starts_at": "garbage"}), 'name="starts_at"')

    def test_no_slots_for_a_user_who_may_not_create_events(self):
        self.client.force_login(self.reader)
        response = self.client.get(URL, {"view": "day"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/events/new/")

    def test_types_are_coloured_by_their_colour_or_their_kind(self):
        self.client.force_login(self.boss)
        response = self.client.get(URL, {"date": "2026-11-10"})
        self.assertEqual(response.context["legend"], [("Call", KIND_COLOURS["call"]), ("Meeting", "#0f766e")])
        self.assertContains(response, "--c:#0f766e")

    def test_a_manager_overlays_only_people_they_supervise(self):
        self.client.force_login(self.boss)
        plain = self.client.get(URL, {"date": "2026-11-11"})
        self.assertNotContains(plain, "Seller call")
        self.assertEqual(
            [person.pk for person, _checked, _colour in plain.context["people"]], [self.seller.pk]
        )
        overlaid = self.client.get(URL, {"date": "2026-11-11", "people": [self.seller.pk, self.sibling.pk]})
        self.assertEqual(blocks(overlaid)["2026-11-12"], ["Seller call"])
        self.assertContains(overlaid, f"--p:{PERSON_COLOURS[0]}")
        self.assertContains(overlaid, "PN")  # the seller's initials on the block
        self.assertEqual(overlaid.context["chosen"], [self.seller.pk])
        self.assertNotContains(overlaid, "Sibling call")
        # Someone who supervises nobody gets no overlay, whatever they ask for.
        self.client.force_login(self.sibling)
        asked = self.client.get(URL, {"date": "2026-11-11", "people": [self.seller.pk, self.boss.pk]})
        self.assertEqual(asked.context["people"], [])
        self.assertEqual(blocks(asked)["2026-11-12"], ["Sibling call"])
        self.assertNotContains(asked, "cal-overlay")

    def test_the_overlay_marks_events_a_supervised_person_takes_part_in(self):
        self.siblings.participants.set([self.seller])
        self.client.force_login(self.boss)
        overlaid = self.client.get(URL, {"date": "2026-11-11", "people": self.seller.pk})
        self.assertEqual(blocks(overlaid)["2026-11-12"], ["Seller call", "Sibling call"])
        self.assertEqual(overlaid.content.decode().count(f"--p:{PERSON_COLOURS[0]}"), 3)  # 2 blocks + form

    def test_a_period_with_too_many_events_is_cut_and_says_so(self):
        self.client.force_login(self.boss)
        self.assertNotContains(self.client.get(URL, {"date": "2026-11-11"}), "More events than can be drawn")
        with mock.patch.object(views_calendar, "MAX_SHOWN_EVENTS", 2):
            response = self.client.get(URL, {"date": "2026-11-11"})
        self.assertContains(response, "More events than can be drawn: showing the first 2.")
        self.assertEqual(sum(len(subjects) for subjects in blocks(response).values()), 2)

    def test_the_ids_query_runs_on_sqlite_too(self):
        """`./run` uses SQLite, which refuses ORDER BY inside a UNION's parts."""
        self.client.force_login(self.boss)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(URL, {"date": "2026-11-11", "people": self.seller.pk})
        unions = [query["sql"] for query in queries.captured_queries if " UNION " in query["sql"]]
        self.assertEqual(len(unions), 1)
        self.assertNotIn("ORDER BY", unions[0])

    def test_hostile_parameters_never_500(self):
        self.client.force_login(self.boss)
        for params in (
            {"view": "<x>", "date": "2026-02-30"},
            {"people": ["'", "9" * 40, "-1", "\x00"]},
            {"view": "day", "date": "0001-01-01"},
            {"view": "month", "date": "9999-12-31", "scope": "all"},
        ):
            with self.subTest(params=params):
                self.assertEqual(self.client.get(URL, params).status_code, 200)

    def test_query_count_is_the_same_for_few_and_many_events(self):
        self.client.force_login(self.boss)

        def count(view):
            with CaptureQueriesContext(connection) as queries:
                self.client.get(URL, {"view": view, "date": "2026-11-11", "people": self.seller.pk})
            return len(queries)

        count("week")  # warms the access cache
        few = {view: count(view) for view in ("week", "month")}
        for hour in range(8, 18):
            event = EventFactory(
                company=self.company, type=self.meeting, owner=self.seller, partner=PartnerFactory(),
                starts_at=datetime(2026, 11, 12, hour, tzinfo=BUDAPEST),
            )  # fmt: skip
            event.participants.set([self.boss])
        self.assertEqual({view: count(view) for view in ("week", "month")}, few)


@time_machine.travel(NOW, tick=False)
class MonthTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.user = member(cls.company, *FUNCTIONS)
        cls.call = EventTypeFactory(code="call", name_en="Call", kind="call")
        for day, subject in [
            (2, "First of the month"),
            (11, "Today one"),
            (11, "Today two"),
            (30, "Last day"),
        ]:
            EventFactory(
                company=cls.company, type=cls.call, owner=cls.user, subject=subject,
                starts_at=datetime(2026, 11, day, 9, tzinfo=BUDAPEST),
            )  # fmt: skip
        EventFactory(
            company=cls.company, type=cls.call, owner=cls.user, subject="In December",
            starts_at=datetime(2026, 12, 1, 9, tzinfo=BUDAPEST),
        )  # fmt: skip

    def test_the_month_grid_runs_in_whole_weeks_from_monday_and_lists_an_agenda(self):
        self.client.force_login(self.user)
        response = self.client.get(URL, {"view": "month", "date": "2026-11-20"})
        weeks = response.context["weeks"]
        self.assertEqual(weeks[0][0][0], date(2026, 10, 26))  # the Monday before 1 November
        self.assertEqual(weeks[-1][-1][0], date(2026, 12, 6))
        self.assertTrue(all(len(week) == 7 for week in weeks))
        agenda = [(day, [e.subject for e in events]) for day, events in response.context["agenda"]]
        self.assertEqual(
            agenda,
            [
                (date(2026, 11, 2), ["First of the month"]),
                (date(2026, 11, 11), ["Today one", "Today two"]),
                (date(2026, 11, 30), ["Last day"]),
            ],
        )
        # December's first day shows in the grid's last week but not in November's agenda.
        html = response.content.decode()
        agenda_html = html[html.index('id="cal-agenda-title"') :]
        self.assertIn("Today two", agenda_html)
        self.assertNotIn("In December", agenda_html)
        self.assertIn("In December", html)
        self.assertRegex(html, r'<td class="is-today" aria-current="date">')
        # A day of the month opens the event form at 09:00 that day.
        self.assertIn('href="/events/new/?starts_at=2026-11-11T09:00"', html)

    def test_an_empty_month_says_so_with_the_next_step(self):
        self.client.force_login(self.user)
        response = self.client.get(URL, {"view": "month", "date": "2027-02-01"})
        self.assertContains(response, "No events this month.")
        self.assertContains(response, 'href="/events/new/"')


class CompanyZoneTests(TestCase):
    def test_days_and_hours_are_the_company_s(self):
        # 22:30 UTC on Monday 23 November: 00:30 on Tuesday in Sofia.
        company = CompanyFactory(country="BG", language="en", currency="BGN")
        user = member(company, *FUNCTIONS)
        EventFactory(
            company=company, type=EventTypeFactory(code="call", kind="call"), owner=user,
            subject="Late call", starts_at=datetime(2026, 11, 23, 22, 30, tzinfo=UTC),
        )  # fmt: skip
        self.client.force_login(user)
        with time_machine.travel(datetime(2026, 11, 23, 22, 30, tzinfo=UTC), tick=False):
            response = self.client.get(URL, {"date": "2026-11-23"})
        self.assertEqual(response.context["today"], date(2026, 11, 24))
        days = blocks(response)
        self.assertEqual(days["2026-11-24"], ["Late call"])
        self.assertEqual(days["2026-11-23"], [])
        self.assertContains(response, 'class="cal-day is-today" data-day="2026-11-24"')
        self.assertRegex(response.content.decode(), r'style="top:2\.083%')  # 00:30
