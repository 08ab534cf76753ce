"""The manager's home: the team's week against last week, who needs attention, the task pipeline and
the weekly activity chart, counted from hand-built data; never a figure from outside the team."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext

from communications.models import Communication
from events.models import PartnerWatch
from tests.communications import factories as items
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=BUDAPEST)  # Wednesday; this week 7-13, last week 30 Nov - 6 Dec
FUNCTIONS = ("partners.view_partner", "events.view_event", "communications.view_task")


def at(day: int, hour: int = 9, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BUDAPEST)


def communication(company, author, when: datetime, subject: str = "Call") -> Communication:
    item = items.communication(company, author, subject=subject)
    Communication.objects.filter(pk=item.pk).update(created_at=when)
    return item


def summary(board) -> dict[str, tuple]:
    return {row.key: (row.this_week, row.last_week) for row in board.summary}


@time_machine.travel(NOW, tick=False)
class ManagerDashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.manager = member(cls.company, *FUNCTIONS, last_name="Manager")
        cls.s1 = member(cls.company, *FUNCTIONS, last_name="Alpha")
        cls.s2 = member(cls.company, *FUNCTIONS, last_name="Beta")
        cls.sibling = member(cls.company, *FUNCTIONS, last_name="Sibling")
        cls.t1 = member(cls.company, *FUNCTIONS, last_name="Theirs")
        supervise(cls.company, cls.manager, cls.s1)
        supervise(cls.company, cls.manager, cls.s2)
        supervise(cls.company, cls.s1, cls.s2)  # two supervisors: counted once
        supervise(cls.company, cls.sibling, cls.t1)
        company = cls.company
        for author, when in (
            (cls.s1, at(7)), (cls.s1, at(9, 8)), (cls.s1, at(2)), (cls.s2, at(8)), (cls.manager, at(8)),
            *((cls.t1, at(8)) for _ in range(5)),
            (cls.s1, at(23, month=11)),  # two weeks ago: only in the chart
        ):  # fmt: skip
            communication(company, author, when)
        call = EventTypeFactory(code="call", kind="call")
        meeting = EventTypeFactory(code="meeting", kind="meeting")
        EventFactory(company=company, type=call, owner=cls.s1, starts_at=at(8, 10), outcome="successful")
        EventFactory(company=company, type=call, owner=cls.s1, starts_at=at(10, 10))  # tomorrow: not held yet
        EventFactory(company=company, type=call, owner=cls.t1, starts_at=at(8, 10))
        # Tuesday last week, still open: Wednesday and Thursday to close it, overdue from Friday.
        EventFactory(
            company=company, type=meeting, owner=cls.s2, starts_at=at(1, 10), subject="Stale meeting"
        )
        for deadline in (at(8), at(11), at(20), None):
            items.task(company, cls.s2, subject="S2 task", assignee=cls.s2, deadline=deadline)
        items.task(company, cls.s1, subject="S1 task", assignee=cls.s1, deadline=at(5), status="in_progress")
        items.task(company, cls.t1, subject="T1 task", assignee=cls.t1, deadline=at(5))
        items.task(company, cls.manager, subject="Own task", assignee=cls.manager, deadline=at(5))
        account = PartnerAccountFactory(
            company=company, owner=cls.s1, partner=PartnerFactory(name="Idle Kft.")
        )
        PartnerWatch.objects.create(
            company=company, partner=account.partner, owner=cls.s1, listed_on=date(2026, 11, 14)
        )

    def board(self, user):
        self.client.force_login(user)
        response = self.client.get("/?tab=team")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["tab"], "team")
        return response.context["board"], response.content.decode()

    def test_the_week_against_last_week_counts_each_person_of_the_team_once(self):
        board, _html = self.board(self.manager)
        self.assertEqual(board.people, 2)
        figures = summary(board)
        self.assertEqual(figures["communications"], (3, 1))
        self.assertEqual(figures["events_held"], (1, 1))
        self.assertEqual(figures["meetings_successful"], (0, 0), "a call is not a meeting")
        self.assertEqual(figures["tasks_created"], (5, 0))
        self.assertEqual(figures["tasks_overdue"], (2, None))
        self.assertEqual(figures["meetings_overdue"], (1, None))
        self.assertEqual(figures["partners_without_next_event"], (1, None))

    def test_who_needs_attention(self):
        board, html = self.board(self.manager)
        self.assertEqual(
            [(row.user, row.current["meetings_overdue"], row.days_left) for row in board.attention],
            [(self.s2, 1, None), (self.s1, 0, 5)],
        )
        self.assertIn(f'href="/org/people/{self.s2.pk}/"', html)

    def test_the_pipeline_of_open_tasks_by_status_and_deadline(self):
        board, html = self.board(self.manager)
        self.assertEqual(board.pipeline["assigned"], {"overdue": 1, "this_week": 1, "later": 1, "undated": 1})
        self.assertEqual(
            board.pipeline["in_progress"], {"overdue": 1, "this_week": 0, "later": 0, "undated": 0}
        )
        self.assertEqual(board.pipeline["new"], {"overdue": 0, "this_week": 0, "later": 0, "undated": 0})
        pipeline = html[html.index('id="dash-pipeline"') : html.index('id="dash-activity"')]
        totals = re.findall(r'class="chart-value chart-total"[^>]*>([^<]*)<', pipeline)
        self.assertEqual(totals, ["0", "4", "1"])
        self.assertIn('<a href="/tasks/?status=assigned">', html)

    def test_the_weekly_activity_chart(self):
        board, html = self.board(self.manager)
        rows = board.activity_chart.table_rows
        self.assertEqual(len(rows), 8)
        self.assertEqual(rows[-1], {"label": "07/12", "cells": ["3", "1"]})  # this week
        self.assertEqual(rows[-2], {"label": "30/11", "cells": ["1", "1"]})
        self.assertEqual(rows[-3], {"label": "23/11", "cells": ["1", "0"]})
        self.assertIn("Team activity per week", html)
        self.assertIn('<th scope="row">07/12</th><td class="num">3</td><td class="num">1</td>', html)

    def test_the_summary_links_open_the_lists(self):
        _board, html = self.board(self.manager)
        self.assertIn('href="/communications/?created_from=2026-12-07&amp;created_to=2026-12-13"', html)
        self.assertIn('href="/tasks/?overdue=1"', html)

    def test_the_figures_are_reused_for_two_minutes_and_refreshed_on_demand(self):
        board, html = self.board(self.manager)
        self.assertIn("Figures of 10:00.", html)
        self.assertIn('href="?tab=team&amp;fresh=1"', html)
        communication(self.company, self.s1, at(9, 9))
        self.assertEqual(summary(self.board(self.manager)[0])["communications"], (3, 1))
        self.client.get("/?tab=team&fresh=1")
        self.assertEqual(summary(self.board(self.manager)[0])["communications"], (4, 1))
        # (The two minutes are the cache's own expiry, in Redis' time: not something to travel through.)

    def test_a_sibling_manager_sees_nothing_of_the_other_team(self):
        board, html = self.board(self.sibling)
        self.assertEqual(board.people, 1)
        self.assertEqual(summary(board)["communications"], (5, 0))
        self.assertEqual(summary(board)["tasks_overdue"], (1, None))
        self.assertEqual(board.attention, [])
        self.assertEqual(sum(board.pipeline["assigned"].values()), 1)
        for name in ("Alpha", "Beta", "Stale meeting"):
            self.assertNotIn(name, html)

    def test_the_team_of_a_manager_in_another_company_is_not_counted(self):
        other = CompanyFactory(language="en")
        member(other, *FUNCTIONS, user=self.manager)
        stranger = member(other, *FUNCTIONS)
        supervise(other, self.manager, stranger)
        communication(other, stranger, at(8))
        board, _html = self.board(self.manager)
        self.assertEqual(summary(board)["communications"], (3, 1))


@time_machine.travel(NOW, tick=False)
class ManagerDashboardQueryTests(TestCase):
    """The same number of queries for a team of 5 and of 50, each with some records."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.manager = member(cls.company, *FUNCTIONS)
        cls.call = EventTypeFactory(code="call")

    def add_people(self, n: int) -> None:
        for _ in range(n):
            person = member(self.company, *FUNCTIONS)
            supervise(self.company, self.manager, person)
            communication(self.company, person, at(8))
            EventFactory(company=self.company, type=self.call, owner=person, starts_at=at(8))
            items.task(self.company, person, assignee=person, deadline=at(8))

    def queries(self) -> int:
        self.client.force_login(self.manager)
        self.client.get("/?tab=team&fresh=1")
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get("/?tab=team&fresh=1")  # computed, not from the cache
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_queries_do_not_grow_with_the_team(self):
        self.add_people(5)
        five = self.queries()
        self.add_people(45)
        self.assertEqual(self.queries(), five)


class GroupedFiguresTests(SimpleTestCase):
    """The manager's tab groups its counts as the language writes numbers (issue 18's formats)."""

    def test_counts_over_999_are_grouped_per_language(self):
        from types import SimpleNamespace

        from django.template.loader import render_to_string
        from django.utils import translation

        row = SimpleNamespace(
            key="communications", label="Communications", link="", this_week=1203, last_week=1, change=1202
        )
        board = SimpleNamespace(
            people=3,
            built_at=None,
            summary=[row],
            attention=[],
            pipeline_chart="",
            activity_chart="",
            week=None,
        )
        for language, count, change in (
            ("en", "1,203", "1,202"),
            ("hu", "1\xa0203", "1\xa0202"),
            ("bg", "1\xa0203", "1\xa0202"),
        ):
            with self.subTest(language=language), translation.override(language):
                html = render_to_string("home/_manager.html", {"board": board})
                self.assertIn(f'<td class="num">{count}</td>', html)
                self.assertIn(f'<td class="num">+{change}</td>', html)
