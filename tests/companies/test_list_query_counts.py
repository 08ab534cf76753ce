"""Every list costs the same number of queries for 10 and 1,000 visible rows, on both query shapes
(issue 17): a sales user (companies.visibility.VisibleRows) and a boss of many people (the plain
query)."""

from datetime import timedelta

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communications.models import Communication, Task, Thread
from companies.visibility import BRANCHED_UP_TO
from partners.models import Partner, PartnerAccount
from tests.factories import CompanyFactory, member, supervise

VIEW = ("communications.view_task", "communications.view_communication", "partners.view_partner")
LISTS = ("/tasks/?per_page=100", "/communications/?per_page=100", "/partners/?per_page=100")


class ListQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *VIEW)
        cls.sales = member(cls.company, *VIEW)
        supervise(cls.company, cls.boss, cls.sales)
        for _ in range(BRANCHED_UP_TO):  # the boss sees more people than the parts are used for
            supervise(cls.company, cls.boss, member(cls.company))
        cls.thread = Thread.objects.create(company=cls.company, owner=cls.sales, subject="t")

    def add(self, start: int, count: int) -> None:
        now = timezone.now()
        common = {"company": self.company, "thread": self.thread, "subject": "s", "author": self.sales}
        Task.objects.bulk_create(
            Task(number=f"T-{n}", deadline=now + timedelta(hours=n), **common)
            for n in range(start, start + count)
        )
        Communication.objects.bulk_create(
            Communication(number=f"C-{n}", direction="in", channel="email", **common)
            for n in range(start, start + count)
        )
        partners = Partner.objects.bulk_create(
            Partner(name=f"P {n:05d}") for n in range(start, start + count)
        )
        PartnerAccount.objects.bulk_create(
            PartnerAccount(company=self.company, partner=partner, owner=self.sales) for partner in partners
        )

    def queries(self, user, url: str) -> tuple[int, int]:
        self.client.force_login(user)
        self.client.get(url)  # per-user preferences and caches settle
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured), len(response.context["page"].object_list)

    def test_the_same_queries_for_10_and_1000_rows_on_both_shapes(self):
        self.add(0, 10)
        small = {(user.pk, url): self.queries(user, url) for user in (self.sales, self.boss) for url in LISTS}
        self.add(10, 990)
        for user in (self.sales, self.boss):
            for url in LISTS:
                with self.subTest(user=user.username, url=url):
                    queries, rows = self.queries(user, url)
                    self.assertEqual(small[user.pk, url], (queries, 10))
                    self.assertEqual(rows, 100)
                    self.assertLessEqual(queries, 6)
