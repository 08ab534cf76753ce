"""Communications and tasks are one kind of thing (ThreadItem): one service path, one row template."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from communications.models import Communication, CommunicationStatus, Task, TaskStatus
from communications.services import thread_item_create, thread_item_update
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, member

BUDAPEST = ZoneInfo("Europe/Budapest")


class ThreadItemServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.author = member(cls.company, *ALL)
        cls.colleague = member(cls.company, *ALL)

    def test_one_path_numbers_each_kind_in_its_series_and_attaches_files(self):
        note = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
        outgoing = thread_item_create(
            Communication,
            company=self.company,
            author=self.author,
            direction="out",
            channel="phone",
            subject="Call",
            files=[note],
        )
        task = thread_item_create(Task, company=self.company, author=self.author, subject="Do it")
        self.assertRegex(outgoing.number, r"^OUT-\d{4}-000001$")
        self.assertRegex(task.number, r"^T-\d{4}-000001$")
        self.assertEqual([a.original_name for a in outgoing.attachments.all()], ["note.txt"])
        self.assertEqual((outgoing.kind, task.kind), ("communication", "task"))

    def test_a_task_created_done_records_when(self):
        moment = datetime(2026, 3, 2, 10, 0, tzinfo=BUDAPEST)
        with time_machine.travel(moment, tick=False):
            task = factories.task(self.company, self.author, status=TaskStatus.DONE)
        self.assertEqual(task.completed_at, moment)
        thread_item_update(task, actor=self.author, status=TaskStatus.IN_PROGRESS)
        self.assertIsNone(Task.objects.get(pk=task.pk).completed_at)

    def test_open_leaves_out_finished_items_of_either_kind(self):
        closed = factories.communication(self.company, self.author, status=CommunicationStatus.CLOSED)
        answered = factories.communication(self.company, self.author, status=CommunicationStatus.ANSWERED)
        done = factories.task(self.company, self.author, status=TaskStatus.DONE)
        assigned = factories.task(self.company, self.author, assignee=self.colleague)
        self.assertEqual(assigned.status, TaskStatus.ASSIGNED)
        self.assertEqual(set(Communication.objects.open()), {answered})
        self.assertEqual(set(Task.objects.open()), {assigned})
        self.assertNotIn(closed, Communication.objects.open())
        self.assertNotIn(done, Task.objects.open())


class ItemRowsTests(TestCase):
    """One row template (_item_rows.html): each list keeps its own columns, in its own order."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *ALL)
        factories.communication(cls.company, cls.user, direction="out", subject="Offer sent")
        factories.task(cls.company, cls.user, subject="Follow up")

    def headers(self, url: str) -> list[str]:
        self.client.force_login(self.user)
        response = self.client.get(url)
        self.assertTemplateUsed(response, "communications/_item_rows.html")
        html = response.content.decode()
        table = html[html.index("<thead>") : html.index("</thead>")]
        return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th>(.*?)</th>", table)]

    def test_communication_columns(self):
        self.assertEqual(
            self.headers("/communications/"),
            [
                "Number",
                "Created",
                "Direction",
                "Channel",
                "Counterparty",
                "Subject",
                "Author",
                "Assignee",
                "Status",
            ],
        )
        self.assertContains(self.client.get("/communications/"), 'class="direction-out"')

    def test_task_columns(self):
        self.assertEqual(
            self.headers("/tasks/"),
            ["Number", "Deadline", "Status", "Counterparty", "Subject", "Author", "Assignee", "Created"],
        )
        self.assertContains(self.client.get("/tasks/"), 'class="badge task-status-new"')

    def test_each_empty_list_says_what_it_lists(self):
        self.client.force_login(self.user)
        self.assertContains(
            self.client.get("/communications/?subject=nothing-like-this"), "No communications match"
        )
        self.assertContains(self.client.get("/tasks/?subject=nothing-like-this"), "No tasks match")
