"""Each figure of team/stats.py against hand-built data (tests/team/world.py), in the company's zone."""

from datetime import date

import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from companies.visibility import Viewer
from team import stats
from tests.factories import member, supervise
from tests.team.world import EXPECTED_SELLER1, NOW, World

WEEK = stats.period_for("this_week", NOW.date())


@time_machine.travel(NOW, tick=False)
class FigureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.w = World()

    def rows(self, viewer_user, people=None, period=WEEK):
        viewer = Viewer.for_user(viewer_user, self.w.company)
        return {
            r.user.username: r
            for r in stats.team_figures(viewer, people=people, start=period.start, end=period.end)
        }

    def test_this_week_is_monday_to_sunday_and_the_previous_week_before_it(self):
        self.assertEqual((WEEK.start, WEEK.end), (date(2026, 12, 7), date(2026, 12, 13)))
        self.assertEqual((WEEK.previous.start, WEEK.previous.end), (date(2026, 11, 30), date(2026, 12, 6)))
        last_month = stats.period_for("last_month", NOW.date())
        self.assertEqual((last_month.start, last_month.end), (date(2026, 11, 1), date(2026, 11, 30)))
        self.assertEqual(last_month.previous.start, date(2026, 10, 2))  # 30 days before

    def test_each_figure_of_a_seller(self):
        row = self.rows(self.w.anna)["s1"]
        for key, expected in EXPECTED_SELLER1.items():
            self.assertEqual(row.current[key], expected, key)
        self.assertEqual(row.days_left, 12)  # listed 20 Nov: 20 Dec is a Sunday, taken on Monday 21 Dec

    def test_the_previous_period_is_counted_alongside(self):
        row = self.rows(self.w.anna)["s1"]
        self.assertEqual(row.previous["comm_email_in"], 1)  # Sunday 23:30 Budapest is last week
        self.assertEqual(row.previous["events_held"], 2)
        self.assertEqual(row.previous["tasks_created"], 1)
        self.assertEqual(row.change("communications"), 2)

    def test_week_boundary_is_midnight_in_the_company_zone_not_utc(self):
        # 00:30 on Monday in Budapest is 23:30 UTC on Sunday: this week; 23:30 Sunday Budapest: last week.
        row = self.rows(self.w.anna)["s1"]
        self.assertEqual(row.current["comm_phone_out"], 1)
        self.assertEqual(row.previous["comm_phone_out"], 0)
        self.assertEqual(row.daily[0], 3)  # Monday: the phone call, the call and the Monday meeting

    def test_a_sofia_company_counts_in_its_own_zone(self):
        self.w.company.time_zone = "Europe/Sofia"
        self.w.company.save()
        row = self.rows(self.w.anna)["s1"]
        # 00:30 Budapest on Monday is 01:30 Sofia: still this week; 23:30 Sunday Budapest = 00:30 Monday Sofia.
        self.assertEqual(row.current["comm_email_in"], 2)
        self.assertEqual(row.previous["comm_email_in"], 0)

    def test_another_company_never_counts(self):
        self.assertEqual(self.rows(self.w.anna)["s1"].current["communications"], 3)

    def test_a_person_with_two_supervisors_is_counted_once_in_the_total(self):
        viewer = Viewer.for_user(self.w.boss, self.w.company)
        people = stats.scope_people(viewer, "below")
        self.assertEqual([p.username for p in people].count("s2"), 1)
        rows = stats.team_figures(viewer, people=people + people, start=WEEK.start, end=WEEK.end)
        total = stats.totals(rows)
        self.assertEqual(total.current["communications"], 5)  # s1 3 + s2 1 + s3 1, s2 once
        north, south = stats.department_totals(rows)
        self.assertEqual((str(north[0]), north[1].current["communications"]), ("North", 4))
        self.assertEqual((str(south[0]), south[1].current["communications"]), ("South", 1))

    def test_scopes(self):
        boss = Viewer.for_user(self.w.boss, self.w.company)
        anna = Viewer.for_user(self.w.anna, self.w.company)
        names = lambda people: sorted(p.username for p in people)  # noqa: E731
        self.assertEqual(names(stats.scope_people(boss, "direct")), ["anna", "bela"])
        self.assertEqual(names(stats.scope_people(boss, "below")), ["anna", "bela", "s1", "s2", "s3"])
        self.assertEqual(names(stats.scope_people(anna, "below")), ["s1", "s2"])
        self.assertEqual(
            names(stats.scope_people(boss, "department", department=self.w.south)), ["bela", "s3"]
        )
        self.assertEqual(names(stats.scope_people(anna, "department", department=self.w.south)), [])
        self.assertEqual(names(stats.scope_people(anna, "person", person=self.w.seller3)), [])
        seller = Viewer.for_user(self.w.seller1, self.w.company)
        self.assertEqual(names(stats.scope_people(seller, "below")), ["s1"])

    def test_a_sibling_manager_sees_nothing_of_the_other_team(self):
        rows = self.rows(self.w.anna, people=[self.w.seller3, self.w.bela, self.w.boss])
        self.assertEqual(rows, {})

    def test_view_all_company_data_sees_everyone(self):
        finance = member(self.w.company, "companies.view_all_company_data", username="fin")
        viewer = Viewer.for_user(finance, self.w.company)
        self.assertEqual(len(stats.scope_people(viewer, "below")), 6)

    def test_weekly_activity_counts_per_monday(self):
        viewer = Viewer.for_user(self.w.anna, self.w.company)
        weeks = stats.weekly_activity(viewer, self.w.seller1, weeks=3)
        self.assertEqual([w for w, _n in weeks], [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)])
        self.assertEqual(
            [n for _w, n in weeks], [0, 3, 8]
        )  # 1 comm + 2 events; 3 comms + 5 events (+ none later today)


class QueryCountTests(TestCase):
    """The figures take the same queries for 5 and for 50 people."""

    # Expected queries: departments; communications by channel; events by kind and outcome; activity per
    # day (communications, events); the calendar (CalendarDay); overdue meetings; tasks created; tasks
    # overdue and done (assigned, unassigned: 4); accounts; without a next event; watches; owner changes;
    # pushes; plus the people's memberships in the loop's checks.
    def count_for(self, n: int) -> int:
        w = self.w
        people = []
        for i in range(n):
            user = member(w.company, username=f"p{n}-{i}")
            supervise(w.company, w.boss, user)
            w.comm(user, NOW)
            w.event(user, NOW)
            people.append(user)
        viewer = Viewer.for_user(w.boss, w.company)
        viewer.visible_user_ids  # noqa: B018 (the viewer's graph query, counted once elsewhere)
        with CaptureQueriesContext(connection) as queries:
            rows = stats.team_figures(viewer, people=people, start=WEEK.start, end=WEEK.end)
        self.assertEqual(len(rows), n)
        self.assertTrue(all(r.current["communications"] == 1 for r in rows))
        return len(queries)

    def test_constant_queries(self):
        with time_machine.travel(NOW, tick=False):
            self.w = World()
            five = self.count_for(5)
            fifty = self.count_for(50)
        self.assertEqual(five, fifty)
        self.assertLessEqual(fifty, 19)
