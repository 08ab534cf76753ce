"""The communications list at scale: at most 10 queries, a capped count, page sizes, index-friendly filters."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.filters import CommunicationFilter
from communications.models import Communication, Task, Thread
from communications.paging import COUNT_CAP, CappedPaginator
from companies.visibility import Viewer
from tests.factories import CompanyFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
VIEW = ("communications.view_communication", "communications.view_task")
FILTERED = (
    "/communications/?created_from=2026-01-01&created_to=2026-12-31&channel=email&direction=in&per_page=50"
)


def add_communications(company, author, count: int, *, start: int = 0, channel="email") -> None:
    thread = Thread.objects.create(company=company, owner=author, subject="Bulk")
    first = datetime(2026, 3, 1, 9, tzinfo=BUDAPEST)
    Communication.objects.bulk_create(
        Communication(
            company=company,
            thread=thread,
            number=f"IN-2026-{start + n:06d}",
            direction="in",
            channel=channel,
            subject=f"Bulk {start + n}",
            author=author,
            created_at=first + timedelta(minutes=start + n),
        )
        for n in range(count)
    )


def without_session(captured) -> list[dict]:
    return [query for query in captured.captured_queries if '"django_session"' not in query["sql"]]


class CommunicationListScaleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *VIEW)
        middle = member(cls.company, *VIEW)
        cls.seller = member(cls.company, *VIEW)
        supervise(cls.company, cls.boss, middle)
        supervise(cls.company, middle, cls.seller)  # two levels below the boss

    def setUp(self):
        self.client.force_login(self.boss)
        self.client.get("/communications/")  # warms the content-type cache (a per-process cache)

    def queries(self, url: str):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return captured, response

    def test_the_filtered_list_takes_10_queries_for_10_and_100_rows(self):
        # The first choice of a page size is remembered for the user (one UPDATE, once; companies/preferences.py).
        self.client.get(FILTERED)
        add_communications(self.company, self.seller, 10)
        self.client.get(FILTERED)  # the toolbar: drawn once for these filters (the list was empty before)
        few, response = self.queries(FILTERED)
        self.assertEqual(len(response.context["page"].object_list), 10)
        add_communications(self.company, self.seller, 90, start=10)
        self.client.get(FILTERED)
        many, response = self.queries(FILTERED)
        self.assertEqual(len(response.context["page"].object_list), 50)
        # user, supervisor graph, capped count, the page; the list toolbar (its saved views and its
        # author/assignee choices) comes from the cache after the first visit with these filters
        # (companies/list_toolbars.py); memberships, groups and functions come from the access cache,
        # the session from the cache where Redis is configured (the database otherwise: not counted here)
        listed = "\n".join(query["sql"][:120] for query in many.captured_queries)
        self.assertEqual(len(without_session(many)), 4, listed)
        self.assertEqual(len(without_session(few)), len(without_session(many)))
        # another filter: its toolbar is drawn (+ the choices, one query for both, + the saved views)
        drawn, _ = self.queries(FILTERED + "&subject=Bulk")
        self.assertEqual(
            len(without_session(drawn)), 6, "\n".join(q["sql"][:120] for q in drawn.captured_queries)
        )
        # with the cache empty: + memberships, group names, functions (and the session)
        cache.clear()
        cold, _ = self.queries(FILTERED)
        self.assertEqual(
            len(without_session(cold)), 9, "\n".join(q["sql"][:120] for q in cold.captured_queries)
        )
        self.assertLessEqual(len(cold), 10)

    def test_author_and_assignee_choices_come_from_one_query_and_still_validate(self):
        captured, response = self.queries(f"/communications/?author={self.seller.pk}&assignee=null")
        member_queries = [q for q in captured.captured_queries if 'FROM "companies_user"' in q["sql"]]
        self.assertEqual(len(member_queries), 2)  # the logged-in user (session) and the choices
        self.assertFalse(response.context["filter"].errors)
        self.assertContains(response, f'<option value="{self.seller.pk}" selected>')
        outsider = member(CompanyFactory(), *VIEW)
        response = self.client.get(f"/communications/?author={outsider.pk}")
        self.assertIn("author", response.context["filter"].errors)

    def test_a_large_list_counts_only_up_to_the_cap_and_pages_on(self):
        add_communications(self.company, self.seller, COUNT_CAP + 30)
        response = self.client.get("/communications/")
        paginator = response.context["page"].paginator
        self.assertTrue(paginator.capped)
        self.assertContains(response, "Page 1 (more than 1,000 items)")
        self.assertContains(response, 'rel="next"')
        # Past the cap the count grows with the page asked for, so "Next" keeps working to the end.
        last = self.client.get(f"/communications/?page={COUNT_CAP // 25 + 2}")
        self.assertEqual(len(last.context["page"].object_list), 5)
        self.assertFalse(last.context["page"].has_next())
        self.assertEqual(last.context["page"].object_list[4].number, "IN-2026-000000")

    def test_a_small_list_keeps_its_exact_count(self):
        add_communications(self.company, self.seller, 30)
        response = self.client.get("/communications/")
        self.assertFalse(response.context["page"].paginator.capped)
        self.assertContains(response, "Page 1 of 2 (30 items)")

    def test_page_sizes(self):
        add_communications(self.company, self.seller, 120)
        for asked, shown in (("50", 50), ("100", 100), ("25", 25), ("7", 25), ("x", 25), ("", 25)):
            with self.subTest(per_page=asked):
                response = self.client.get(f"/communications/?per_page={asked}")
                self.assertEqual(len(response.context["page"].object_list), shown)
        response = self.client.get("/communications/?per_page=50&channel=email")
        last = list(response.context["page"].object_list)[-1].pk  # "Next" reads on after the last row
        self.assertContains(response, f'href="?channel=email&amp;page=2%3A{last}&amp;per_page=50"')
        self.assertContains(response, '<input type="hidden" name="per_page" value="50">')

    def test_the_date_filters_are_a_range_on_the_column_the_index_serves(self):
        viewer = Viewer.for_user(self.boss, self.company)
        filterset = CommunicationFilter(
            {"created_from": "2026-03-01", "created_to": "2026-03-31", "channel": "email", "direction": "in"},
            queryset=Communication.objects.visible_to(viewer).order_by("-created_at", "-pk"),
            company=self.company,
        )
        sql = str(filterset.qs.query)
        self.assertNotIn("AT TIME ZONE", sql)  # `created_at::date` would hide the column from the index
        self.assertIn('"communications_communication"."created_at" >= 2026-03-01 00:00:00+01:00', sql)
        self.assertIn('"communications_communication"."created_at" < 2026-04-01 00:00:00+02:00', sql)


class CappedPaginatorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        company = CompanyFactory()
        cls.author = member(company, *VIEW)
        add_communications(company, cls.author, 12)
        cls.rows = Communication.objects.order_by("pk")

    def test_it_counts_up_to_the_cap_plus_one(self):
        paginator = CappedPaginator(self.rows, 2, page=1, cap=5)
        self.assertEqual(paginator.count, 6)
        self.assertTrue(paginator.capped)
        self.assertEqual(paginator.at_least, 5)
        self.assertEqual(paginator.num_pages, 3)
        self.assertTrue(paginator.get_page(3).has_next() is False)

    def test_asking_for_a_far_page_counts_far_enough(self):
        paginator = CappedPaginator(self.rows, 2, page=5, cap=3)
        page = paginator.get_page(5)
        self.assertEqual(page.number, 5)
        self.assertTrue(page.has_next())
        self.assertEqual(list(page.object_list), list(self.rows[8:10]))

    def test_below_the_cap_it_is_django_s_paginator(self):
        paginator = CappedPaginator(self.rows, 5, page="nonsense", cap=100)
        self.assertEqual((paginator.count, paginator.capped, paginator.num_pages), (12, False, 3))
        self.assertEqual(CappedPaginator(self.rows, 5, page="9" * 40, cap=100).get_page("9" * 40).number, 3)


class ListRowColumnsTests(TestCase):
    """The lists load only the columns a row shows: every shown value is there, with no query per row."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *VIEW)
        cls.seller = member(cls.company, *VIEW, first_name="Sára", last_name="Eladó")
        cls.helper = member(cls.company, *VIEW, first_name="Hugó", last_name="Segítő")
        supervise(cls.company, cls.boss, cls.seller)
        supervise(cls.company, cls.boss, cls.helper)
        cls.partner = PartnerFactory(name="Soroksári Gépgyár Zrt.")
        cls.thread = Thread.objects.create(
            company=cls.company, owner=cls.seller, partner=cls.partner, subject="Pótalkatrészek"
        )

    def add(self, count: int, start: int) -> None:
        first = datetime(2026, 3, 1, 9, tzinfo=BUDAPEST)
        for n in range(start, start + count):
            common = {
                "company": self.company,
                "thread": self.thread,
                "partner": self.partner,
                "author": self.seller,
                "assignee": self.helper,
                "created_at": first + timedelta(minutes=n),
            }
            Communication.objects.create(
                number=f"OUT-2026-{n:06d}", direction="out", channel="phone", subject=f"Hívás {n}", **common
            )
            Task.objects.create(
                number=f"T-2026-{n:06d}", subject=f"Ajánlat {n}", deadline=first + timedelta(days=n), **common
            )

    def rows(self, url: str):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response, captured

    def test_rows_show_partner_people_and_thread_with_a_constant_number_of_queries(self):
        self.client.force_login(self.boss)
        lists = {"/communications/?per_page=50": "Hívás 1", "/tasks/?per_page=50": "Ajánlat 1"}
        self.add(2, start=0)
        few = {}
        for url, label in lists.items():
            self.rows(url)  # warms the access cache and the content types
            response, few[url] = self.rows(url)
            self.assertContains(response, label)
            for shown in ("Soroksári Gépgyár Zrt.", "Sára Eladó", "Hugó Segítő", "Pótalkatrészek"):
                self.assertContains(response, shown)
        self.add(20, start=100)
        for url in lists:
            with self.subTest(url):
                response, many = self.rows(url)
                self.assertEqual(len(response.context["page"].object_list), 22)
                listed = "\n".join(q["sql"][:120] for q in many.captured_queries)
                self.assertEqual(len(many), len(few[url]), listed)
