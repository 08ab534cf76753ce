"""The task board (issue 18): columns by status, filtered like the list, moves through the task service
with the acting user, isolation, bad input, and constant query counts."""

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.models import Task, TaskStatus
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, member, supervise

READ_ONLY = ("communications.view_task",)


class TaskBoardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.lead = member(cls.company, *ALL, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, *ALL, first_name="Sanyi", last_name="Seller")
        cls.sibling = member(cls.company, *ALL, first_name="Zsuzsa", last_name="Sibling")
        cls.reader = member(cls.company, *READ_ONLY)
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        cls.new = factories.task(cls.company, cls.seller, subject="Call Duna back")
        cls.assigned = factories.task(cls.company, cls.seller, subject="Send the offer", assignee=cls.seller)
        cls.theirs = factories.task(cls.company, cls.sibling, subject="Sibling's visit")
        other = CompanyFactory()
        cls.foreign = factories.task(other, member(other, *ALL), subject="Foreign task")

    def login(self, user):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)

    def columns(self, response) -> dict[str, list[str]]:
        return {
            column["status"]: [task.subject for task in column["cards"]]
            for column in response.context["columns"]
        }

    def test_columns_by_status_with_only_visible_tasks(self):
        self.login(self.seller)
        response = self.client.get("/tasks/board/")
        self.assertEqual(
            self.columns(response),
            {"new": ["Call Duna back"], "assigned": ["Send the offer"], "in_progress": [], "done": []},
        )
        self.assertContains(response, 'class="task-card task-status-assigned"')
        self.assertContains(response, "No tasks here.", count=2)
        self.assertNotContains(response, "Sibling&#x27;s visit")
        self.login(self.lead)
        self.assertEqual(
            self.columns(self.client.get("/tasks/board/"))["new"], ["Sibling's visit", "Call Duna back"]
        )  # no deadlines: newest first

    def test_filtered_like_the_list(self):
        self.login(self.lead)
        response = self.client.get("/tasks/board/", {"assignee": self.seller.pk})
        self.assertEqual(self.columns(response)["new"], [])
        self.assertEqual(self.columns(response)["assigned"], ["Send the offer"])
        self.assertContains(response, "Assignee: Sanyi Seller")  # the chip
        response = self.client.get("/tasks/board/", {"q": "visit"})
        self.assertEqual(self.columns(response)["new"], ["Sibling's visit"])

    def test_a_move_calls_the_task_service_and_keeps_the_filters(self):
        self.login(self.seller)
        response = self.client.post(f"/tasks/{self.new.pk}/status/", {"status": "done", "query": "q=duna"})
        self.assertRedirects(response, "/tasks/board/?q=duna", fetch_redirect_response=False)
        task = Task.objects.get(pk=self.new.pk)
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertIsNotNone(task.completed_at)  # the service's status rules ran
        response = self.client.get("/tasks/board/?q=duna")
        self.assertContains(response, "moved to “Done”")
        self.assertEqual(self.columns(response)["done"], ["Call Duna back"])

    def test_an_htmx_move_answers_the_board_with_the_card_in_its_new_column(self):
        self.login(self.seller)
        response = self.client.post(
            f"/tasks/{self.assigned.pk}/status/", {"status": "in_progress"}, headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "communications/_task_board.html")
        self.assertEqual(self.columns(response)["in_progress"], ["Send the offer"])
        self.assertContains(response, f'data-moved="card-{self.assigned.pk}"')
        self.assertContains(response, "moved to “In progress”")

    def test_bad_status_changes_nothing(self):
        self.login(self.seller)
        for status in ("", "deleted", "x" * 300):
            response = self.client.post(
                f"/tasks/{self.new.pk}/status/", {"status": status}, headers={"HX-Request": "true"}
            )
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "Choose one of the statuses.", status_code=400)
        self.assertEqual(Task.objects.get(pk=self.new.pk).status, TaskStatus.NEW)
        self.assertEqual(self.client.get(f"/tasks/{self.new.pk}/status/").status_code, 405)

    def test_isolation_and_permission(self):
        self.login(self.sibling)
        self.assertEqual(
            self.client.post(f"/tasks/{self.new.pk}/status/", {"status": "done"}).status_code, 404
        )
        self.assertEqual(
            self.client.post(f"/tasks/{self.foreign.pk}/status/", {"status": "done"}).status_code, 404
        )
        self.login(self.reader)
        self.assertEqual(
            self.client.post(f"/tasks/{self.new.pk}/status/", {"status": "done"}).status_code, 403
        )
        response = self.client.get("/tasks/board/")
        self.assertNotContains(response, 'draggable="true"')
        self.assertNotContains(response, 'name="status" id="status-')
        self.assertEqual(Task.objects.get(pk=self.new.pk).status, TaskStatus.NEW)

    def test_the_same_queries_for_10_and_100_tasks(self):
        def queries() -> int:
            self.client.get("/tasks/board/")
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get("/tasks/board/").status_code, 200)
            return len(captured)

        self.login(self.lead)
        thread = factories.thread(self.company, self.seller)

        def add(start: int, count: int) -> None:
            Task.objects.bulk_create(
                Task(
                    company=self.company,
                    thread=thread,
                    author=self.seller,
                    number=f"T-{status}-{n}",
                    subject="s",
                    status=status,
                )
                for n in range(start, start + count)
                for status in TaskStatus.values
            )

        add(0, 10)
        small = queries()
        add(10, 90)
        self.assertEqual(queries(), small)
