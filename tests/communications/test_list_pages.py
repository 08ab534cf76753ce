import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communications.models import Communication, Task
from tests.communications import factories
from tests.factories import CompanyFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
VIEW = ("communications.view_communication", "communications.view_task")


def numbers(response):
    return [item.number for item in response.context["page"].object_list]


class CommunicationListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *VIEW, first_name="Bea", last_name="Boss")
        cls.seller = member(cls.company, *VIEW, first_name="Sam", last_name="Seller")
        cls.other = member(cls.company, *VIEW, first_name="Olga", last_name="Other")
        supervise(cls.company, cls.boss, cls.seller)
        duna = PartnerFactory(name="Duna Zrt.")
        cls.thread = factories.thread(cls.company, cls.seller, subject="Tender")
        cls.a = factories.communication(cls.company, cls.seller, thread=cls.thread, direction="in", channel="email",
                                        subject="Price request", partner=duna)  # fmt: skip
        cls.b = factories.communication(cls.company, cls.boss, direction="out", channel="phone",
                                        subject="Callback", counterparty_text="Kovács Bt.", assignee=cls.seller,
                                        status="answered")  # fmt: skip
        cls.c = factories.communication(
            cls.company, cls.other, direction="in", channel="meeting", subject="Hidden"
        )
        cls.d = factories.communication(cls.company, cls.other, direction="in", channel="email", subject="Assigned",
                                        assignee=cls.seller)  # fmt: skip
        Communication.objects.filter(pk=cls.a.pk).update(created_at=datetime(2026, 10, 1, 9, tzinfo=BUDAPEST))
        other_company = CompanyFactory()
        factories.communication(other_company, member(other_company, *VIEW), subject="Foreign")

    def get(self, query="", user=None):
        self.client.force_login(user or self.boss)
        response = self.client.get(f"/communications/?{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_visibility(self):
        self.assertEqual(set(numbers(self.get())), {self.a.number, self.b.number, self.d.number})
        self.assertEqual(
            set(numbers(self.get(user=self.seller))), {self.a.number, self.b.number, self.d.number}
        )
        self.assertEqual(set(numbers(self.get(user=self.other))), {self.c.number, self.d.number})

    def test_every_filter(self):
        cases = {
            "direction=out": [self.b],
            f"number={self.a.number[-3:]}&direction=in": [self.a],
            "created_from=2026-10-01&created_to=2026-10-01": [self.a],
            "channel=phone": [self.b],
            "counterparty=duna": [self.a],
            "counterparty=kovács": [self.b],
            f"thread={self.thread.pk}": [self.a],
            "subject=callback": [self.b],
            f"author={self.boss.pk}": [self.b],
            f"assignee={self.seller.pk}": [self.d, self.b],
            "status=answered": [self.b],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(sorted(numbers(self.get(query))), sorted(item.number for item in expected))

    def test_quick_filter_and_sorting(self):
        response = self.get("direction=in")
        self.assertContains(response, 'aria-current="page"')
        self.assertEqual(set(numbers(response)), {self.a.number, self.d.number})
        ascending = numbers(self.get("sort=number"))
        self.assertEqual(ascending, sorted(ascending))
        self.assertEqual(numbers(self.get("sort=-number")), list(reversed(ascending)))

    def test_invalid_filter_shows_errors_not_500(self):
        response = self.get("created_from=2026-13-45&author=nobody&status=<x>")
        self.assertEqual(numbers(response), [])
        self.assertTrue(response.context["filter"].errors)

    def test_csv_follows_the_filter_and_defuses_formulas(self):
        factories.communication(self.company, self.boss, subject="=HYPERLINK(1)", direction="out")
        self.client.force_login(self.boss)
        response = self.client.get("/communications/export.csv?direction=out")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        self.assertEqual(len(rows), 3)
        self.assertIn("'=HYPERLINK(1)", [row[6] for row in rows])

    def test_query_count_is_the_same_for_few_and_many_rows(self):
        self.client.force_login(self.boss)

        def count():
            with CaptureQueriesContext(connection) as queries:
                self.client.get("/communications/")
            return len(queries)

        count()
        few = count()
        for _ in range(30):
            factories.communication(self.company, self.seller, partner=PartnerFactory())
        self.assertEqual(count(), few)


class TaskListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *VIEW)
        cls.colleague = member(cls.company, *VIEW)
        now = timezone.now()
        cls.overdue = factories.task(cls.company, cls.user, subject="Late one", deadline=now - timedelta(days=2),
                                     assignee=cls.colleague)  # fmt: skip
        cls.done = factories.task(cls.company, cls.user, subject="Finished", deadline=now - timedelta(days=3),
                                  status="done", counterparty_text="Done Kft.")  # fmt: skip
        cls.future = factories.task(cls.company, cls.colleague, subject="Next week", deadline=now + timedelta(days=7),
                                    assignee=cls.user, status="in_progress")  # fmt: skip
        Task.objects.filter(pk=cls.done.pk).update(created_at=datetime(2026, 9, 1, 9, tzinfo=BUDAPEST))

    def get(self, query=""):
        self.client.force_login(self.user)
        return self.client.get(f"/tasks/?{query}")

    def test_every_filter(self):
        today = timezone.localdate()
        cases = {
            f"number={self.future.number}": [self.future],
            "created_from=2026-09-01&created_to=2026-09-01": [self.done],
            f"deadline_from={today + timedelta(days=1)}": [self.future],
            f"deadline_to={today - timedelta(days=3)}": [self.done],
            "counterparty=done": [self.done],
            f"thread={self.future.thread_id}": [self.future],
            "subject=late": [self.overdue],
            f"author={self.colleague.pk}": [self.future],
            f"assignee={self.colleague.pk}": [self.overdue],
            "status=in_progress": [self.future],
            "overdue=1": [self.overdue],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(sorted(numbers(self.get(query))), sorted(t.number for t in expected))

    def test_statuses_have_colour_and_text_and_overdue_stands_out(self):
        response = self.get()
        self.assertContains(response, 'class="badge task-status-in_progress">In progress<')
        self.assertContains(response, 'class="badge task-status-done">Done<')
        body = response.content.decode()
        self.assertEqual(body.count("overdue-label"), 1)  # the done one is not overdue
        self.assertEqual(numbers(response)[0], self.done.number)  # by deadline

    def test_home_lists_open_tasks_by_deadline(self):
        self.client.force_login(self.colleague)
        response = self.client.get("/")
        self.assertEqual([t.number for t in response.context["open_tasks"]], [self.overdue.number])
