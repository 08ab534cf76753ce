"""Bulk actions on the task and communication lists (issue 18): assign, change status and export the
ticked rows, through the task service with the acting user; rows the viewer does not see are left alone."""

import csv
import io

from django.conf import settings
from django.test import TestCase

from communications.models import Notification, Task, TaskStatus
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, member, supervise

READ_ONLY = ("communications.view_task", "communications.view_communication")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


class BulkActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.lead = member(cls.company, *ALL, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, *ALL, first_name="Sanyi", last_name="Seller")
        cls.sibling = member(cls.company, *ALL, first_name="Zsuzsa", last_name="Sibling")
        cls.reader = member(cls.company, *READ_ONLY)
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        cls.one = factories.task(cls.company, cls.seller, subject="One")
        cls.two = factories.task(cls.company, cls.seller, subject="Two")
        cls.theirs = factories.task(cls.company, cls.sibling, subject="Theirs")
        other = CompanyFactory()
        cls.outsider = member(other, *ALL)
        cls.foreign = factories.task(other, cls.outsider, subject="Foreign")
        cls.mail = factories.communication(cls.company, cls.seller, subject="Mail one")
        cls.hidden_mail = factories.communication(cls.company, cls.sibling, subject="Hidden mail")

    def login(self, user):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)

    def post(self, url="/tasks/bulk/", **data):
        return self.client.post(url, data)

    def test_the_list_offers_a_checkbox_per_row_and_the_actions(self):
        self.login(self.seller)
        response = self.client.get("/tasks/")
        self.assertContains(response, f'name="selected" value="{self.one.pk}" form="bulk-form"')
        self.assertContains(response, f'aria-label="Select {self.one.number}"')
        self.assertContains(response, 'id="bulk-form"')
        self.assertContains(response, 'value="assign"')
        factories.task(self.company, self.reader, subject="Reader's own")
        self.login(self.reader)
        response = self.client.get("/tasks/")
        self.assertNotContains(response, 'value="assign"')  # no change_task: export only
        self.assertContains(response, 'value="export"')

    def test_assign_through_the_service_notifies_the_new_assignee(self):
        self.login(self.lead)
        response = self.post(
            selected=[self.one.pk, self.two.pk],
            action="assign",
            assignee=self.sibling.pk,
            query="status=new&page=2",
        )
        self.assertRedirects(response, "/tasks/?status=new", fetch_redirect_response=False)
        for task in Task.objects.filter(pk__in=[self.one.pk, self.two.pk]):
            self.assertEqual((task.assignee, task.status), (self.sibling, TaskStatus.NEW))
        self.assertEqual(Notification.objects.filter(recipient=self.sibling, verb="assign").count(), 2)
        self.assertContains(self.client.get("/tasks/?status=new"), "2 tasks updated.")

    def test_change_status_leaves_rows_the_viewer_does_not_see(self):
        self.login(self.seller)
        self.post(
            selected=[self.one.pk, self.theirs.pk, self.foreign.pk, 999999999], action="status", status="done"
        )
        self.assertEqual(Task.objects.get(pk=self.one.pk).status, TaskStatus.DONE)
        self.assertIsNotNone(Task.objects.get(pk=self.one.pk).completed_at)
        self.assertEqual(Task.objects.get(pk=self.theirs.pk).status, TaskStatus.NEW)
        self.assertEqual(Task.objects.get(pk=self.foreign.pk).status, TaskStatus.NEW)
        response = self.client.get("/tasks/")
        self.assertContains(response, "1 task updated.")
        self.assertContains(response, "3 ticked tasks are not yours to see and were left alone.")

    def test_bad_input_changes_nothing_and_says_why(self):
        self.login(self.seller)
        cases = (
            ({"action": "status", "status": "done"}, "Tick at least one task first."),
            (
                {"selected": ["abc", "-1", "9" * 30], "action": "status", "status": "done"},
                "Tick at least one task first.",
            ),
            ({"selected": [self.one.pk], "action": "status", "status": "gone"}, "Choose the new status."),
            (
                {"selected": [self.one.pk], "action": "assign", "assignee": self.outsider.pk},
                "Choose the colleague",
            ),
            ({"selected": [self.one.pk], "action": "assign", "assignee": "x"}, "Choose the colleague"),
            ({"selected": [self.one.pk], "action": "delete"}, "Choose what to do with the ticked tasks."),
        )
        for data, message in cases:
            with self.subTest(data=data):
                self.assertEqual(self.post(**data).status_code, 302)
                self.assertContains(self.client.get("/tasks/?all=1"), message)
        task = Task.objects.get(pk=self.one.pk)
        self.assertEqual((task.status, task.assignee), (TaskStatus.NEW, None))

    def test_a_reader_may_export_but_not_change(self):
        self.login(self.reader)
        self.assertEqual(self.post(selected=[self.one.pk], action="status", status="done").status_code, 403)
        self.assertEqual(Task.objects.get(pk=self.one.pk).status, TaskStatus.NEW)

    def test_export_the_ticked_tasks_and_communications(self):
        self.login(self.seller)
        rows = csv_rows(self.post(selected=[self.two.pk, self.theirs.pk], action="export"))
        self.assertEqual(rows[0][0], "Number")
        self.assertEqual([row[0] for row in rows[1:]], [self.two.number])
        rows = csv_rows(
            self.post("/communications/bulk/", selected=[self.mail.pk, self.hidden_mail.pk], action="export")
        )
        self.assertEqual([row[0] for row in rows[1:]], [self.mail.number])
        self.assertEqual(self.post("/communications/bulk/", action="export").status_code, 302)
        self.assertEqual(self.client.get("/tasks/bulk/").status_code, 405)
        self.assertEqual(self.post(selected=[self.one.pk]).status_code, 302)
