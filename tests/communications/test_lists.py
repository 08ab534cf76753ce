"""Communication and task lists: every filter, quick filter, sorting, visibility, hostile input, N+1, CSV."""

import csv
import io
import re
from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communications.models import Communication, Task, Thread
from tests.factories import CompanyFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
VIEW = ("communications.view_communication", "communications.view_task")
SEE_ALL = "companies.view_all_company_data"

COMMUNICATIONS = reverse("communications:communication_list")
COMMUNICATIONS_CSV = reverse("communications:communication_export")
TASKS = reverse("communications:task_list")
TASKS_CSV = reverse("communications:task_export")

_sequence = count(1)


def at(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BUDAPEST)


def thread(company, owner, subject="Thread"):
    return Thread.objects.create(company=company, owner=owner, subject=subject)


def communication(company, author, number, *, thread_=None, **fields):
    fields.setdefault("direction", "in")
    fields.setdefault("channel", "email")
    fields.setdefault("subject", f"Subject {number}")
    return Communication.objects.create(
        company=company,
        number=number,
        thread=thread_ or thread(company, author, f"Thread of {number}"),
        author=author,
        **fields,
    )


def task(company, author, number, *, thread_=None, **fields):
    fields.setdefault("subject", f"Task {number}")
    return Task.objects.create(
        company=company,
        number=number,
        thread=thread_ or thread(company, author, f"Thread of {number}"),
        author=author,
        **fields,
    )


def numbers(response) -> list[str]:
    return [item.number for item in response.context["page"].object_list]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# Values a curious or hostile user may type into any filter's query parameter.
HOSTILE = [
    "'",
    '"; DROP TABLE communications_communication; --',
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "1.5",
    "1e999",
    "NaN",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-10-01T00:00:00",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "x" * 5000,
    "árvíztűrő tükörfúrógép",
    "\u202e",
    "😀",
]


class CommunicationListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *VIEW, first_name="Bea", last_name="Boss")
        cls.seller = member(cls.company, *VIEW, first_name="Sam", last_name="Seller")
        cls.other = member(cls.company, *VIEW, first_name="Olga", last_name="Other")
        cls.finance = member(cls.company, *VIEW, SEE_ALL, first_name="Fanni", last_name="Finance")
        supervise(cls.company, cls.boss, cls.seller)
        duna = PartnerFactory(name="Duna Kft.")
        tisza = PartnerFactory(name="Tisza Kft.")
        cls.tender = thread(cls.company, cls.seller, "Tender 2026")
        cls.others_thread = thread(cls.company, cls.other, "Olga's thread")
        c = cls.company
        cls.c1 = communication(c, cls.seller, "IN-2026-000001", thread_=cls.tender, direction="in",
                               channel="email", partner=duna, subject="Price request",
                               created_at=at(2026, 10, 1, 9))  # fmt: skip
        cls.c2 = communication(c, cls.boss, "OUT-2026-000001", direction="out", channel="phone",
                               counterparty_text="Kovács Bt.", subject="Callback", assignee=cls.seller,
                               status="answered", created_at=at(2026, 10, 2, 10))  # fmt: skip
        cls.c3 = communication(c, cls.other, "IN-2026-000002", thread_=cls.others_thread, direction="in",
                               channel="meeting", subject="Secret", status="closed",
                               created_at=at(2026, 10, 2, 11))  # fmt: skip
        cls.c4 = communication(c, cls.other, "IN-2026-000003", thread_=cls.others_thread, direction="in",
                               channel="email", subject="Assigned to Sam", assignee=cls.seller,
                               status="in_progress", created_at=at(2026, 10, 3, 8))  # fmt: skip
        # 23:30 in Budapest is 21:30 UTC: the local date counts (3 October).
        cls.c5 = communication(c, cls.seller, "OUT-2026-000002", thread_=cls.tender, direction="out",
                               channel="meeting", partner=tisza, subject="Visit",
                               created_at=at(2026, 10, 3, 23, 30))  # fmt: skip
        cls.foreign_company = CompanyFactory()
        cls.outsider = member(cls.foreign_company, *VIEW)
        cls.foreign_thread = thread(cls.foreign_company, cls.outsider, "Tender 2026")
        cls.foreign = communication(cls.foreign_company, cls.outsider, "IN-2026-000001",
                                    thread_=cls.foreign_thread, partner=duna, subject="Price request",
                                    created_at=at(2026, 10, 1, 9))  # fmt: skip

    def get(self, query="", user=None, url=COMMUNICATIONS, headers=None):
        self.client.force_login(user or self.boss)
        response = self.client.get(f"{url}?{query}", headers=headers)
        self.assertEqual(response.status_code, 200, query)
        return response

    def test_visibility(self):
        visible = {
            self.boss: ["OUT-2026-000002", "IN-2026-000003", "OUT-2026-000001", "IN-2026-000001"],
            # Own, plus c2 and c4 where Sam is only the assignee.
            self.seller: ["OUT-2026-000002", "IN-2026-000003", "OUT-2026-000001", "IN-2026-000001"],
            self.other: ["IN-2026-000003", "IN-2026-000002"],
            self.finance: [
                "OUT-2026-000002",
                "IN-2026-000003",
                "IN-2026-000002",
                "OUT-2026-000001",
                "IN-2026-000001",
            ],
            self.outsider: ["IN-2026-000001"],
        }
        for user, expected in visible.items():
            with self.subTest(user=str(user)):
                self.assertEqual(numbers(self.get(user=user)), expected)  # newest first

    def test_a_colleagues_items_are_not_visible_even_when_asked_for(self):
        self.assertEqual(numbers(self.get("number=IN-2026-000002")), [])
        self.assertEqual(numbers(self.get(f"thread={self.others_thread.pk}")), ["IN-2026-000003"])
        self.assertNotContains(self.get(), "Secret")

    def test_another_companys_items_are_never_visible(self):
        self.assertEqual(numbers(self.get(f"thread={self.foreign_thread.pk}")), [])
        self.assertEqual(numbers(self.get("subject=price")), ["IN-2026-000001"])
        self.assertEqual(self.get("subject=price").context["page"].object_list[0].pk, self.c1.pk)
        # The other company's people are not offered as authors.
        response = self.get(f"author={self.outsider.pk}")
        self.assertEqual(numbers(response), [])
        self.assertIn("author", response.context["filter"].errors)
        rows = csv_rows(self.get(url=COMMUNICATIONS_CSV))
        self.assertEqual(len(rows), 1 + 4)
        self.assertEqual([row[0] for row in rows[1:]], numbers(self.get()))

    def test_every_filter(self):
        cases = {
            "direction=in": ["IN-2026-000003", "IN-2026-000001"],
            "direction=out": ["OUT-2026-000002", "OUT-2026-000001"],
            "number=OUT": ["OUT-2026-000002", "OUT-2026-000001"],
            "number=000003": ["IN-2026-000003"],
            "number=in-2026-000001": ["IN-2026-000001"],
            "created_from=2026-10-02": ["OUT-2026-000002", "IN-2026-000003", "OUT-2026-000001"],
            "created_to=2026-10-01": ["IN-2026-000001"],
            "created_from=2026-10-03&created_to=2026-10-03": ["OUT-2026-000002", "IN-2026-000003"],
            "created_from=2026-10-04": [],
            "channel=email": ["IN-2026-000003", "IN-2026-000001"],
            "channel=phone": ["OUT-2026-000001"],
            "channel=meeting": ["OUT-2026-000002"],
            "counterparty=duna": ["IN-2026-000001"],
            "counterparty=kovács": ["OUT-2026-000001"],
            "counterparty=kft": ["OUT-2026-000002", "IN-2026-000001"],
            f"thread={self.tender.pk}": ["OUT-2026-000002", "IN-2026-000001"],
            f"thread={self.others_thread.pk}": ["IN-2026-000003"],
            "thread_subject=tender": ["OUT-2026-000002", "IN-2026-000001"],
            "subject=request": ["IN-2026-000001"],
            "subject=SAM": ["IN-2026-000003"],
            f"author={self.seller.pk}": ["OUT-2026-000002", "IN-2026-000001"],
            f"author={self.other.pk}": ["IN-2026-000003"],
            f"assignee={self.seller.pk}": ["IN-2026-000003", "OUT-2026-000001"],
            "assignee=null": ["OUT-2026-000002", "IN-2026-000001"],
            "status=new": ["OUT-2026-000002", "IN-2026-000001"],
            "status=answered": ["OUT-2026-000001"],
            "status=in_progress": ["IN-2026-000003"],
            "status=closed": [],
            f"direction=in&channel=email&author={self.seller.pk}": ["IN-2026-000001"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(numbers(self.get(query)), expected)

    def test_quick_filter(self):
        self.assertContains(self.get(), 'href="?" aria-current="page">All<')
        response = self.get("direction=in")
        self.assertEqual(numbers(response), ["IN-2026-000003", "IN-2026-000001"])
        self.assertContains(response, 'href="?direction=in" aria-current="page">', count=1)
        # Only one quick filter is current (the menu marks its own section apart: its links are paths).
        current_filters = re.findall(r'href="\?[^"]*" aria-current="page"', response.content.decode())
        self.assertEqual(len(current_filters), 1)
        # One click keeps the other filters and drops the page number.
        response = self.get("channel=email&direction=in&page=2")
        self.assertContains(response, 'href="?channel=email&amp;direction=out">')
        self.assertContains(response, 'href="?channel=email">')

    def test_directions_look_different(self):
        response = self.get()
        self.assertContains(response, '<tr class="direction-in">', count=2)
        self.assertContains(response, '<tr class="direction-out">', count=2)
        self.assertContains(response, "Incoming")
        self.assertContains(response, "Outgoing")
        self.assertContains(response, reverse("communications:communication", args=[self.c1.pk]))

    def test_sorting_both_ways(self):
        keys = {
            "number": lambda c: c.number,
            "created": lambda c: c.created_at,
            "subject": lambda c: c.subject,
            "status": lambda c: c.status,
            "direction": lambda c: c.direction,
            "channel": lambda c: c.channel,
        }
        for sort, key in keys.items():
            with self.subTest(sort=sort):
                ascending = list(self.get(f"sort={sort}").context["page"].object_list)
                descending = list(self.get(f"sort=-{sort}").context["page"].object_list)
                self.assertEqual(len(ascending), 4)
                self.assertEqual([key(c) for c in ascending], sorted(key(c) for c in ascending))
                self.assertEqual(
                    [key(c) for c in descending], sorted((key(c) for c in ascending), reverse=True)
                )
        self.assertEqual(
            numbers(self.get("sort=number")),
            ["IN-2026-000001", "IN-2026-000003", "OUT-2026-000001", "OUT-2026-000002"],
        )

    def test_pagination_25_per_page(self):
        for n in range(30):
            communication(
                self.company, self.boss, f"OUT-2025-{n:06d}", direction="out", created_at=at(2025, 1, 1)
            )
        first, second = self.get(), self.get("page=2")
        self.assertEqual(len(numbers(first)), 25)
        self.assertEqual(len(numbers(second)), 34 - 25)
        self.assertFalse(set(numbers(first)) & set(numbers(second)))
        self.assertEqual(numbers(self.get("page=999")), numbers(second))

    def test_htmx_gets_only_the_rows(self):
        response = self.get("direction=out", headers={"HX-Request": "true"})
        self.assertTemplateUsed(response, "communications/_communication_rows.html")
        self.assertTemplateNotUsed(response, "communications/communication_list.html")
        self.assertNotContains(response, "<h1>")

    def test_thread_filter_names_the_thread(self):
        response = self.get(f"thread={self.tender.pk}")
        self.assertEqual(response.context["filtered_thread"], self.tender)
        self.assertContains(response, "Only the thread")
        self.assertIsNone(self.get(f"thread={self.foreign_thread.pk}").context["filtered_thread"])

    def test_new_button_only_with_the_add_permission(self):
        self.assertNotContains(self.get(), reverse("communications:communication_create"))
        adder = member(self.company, *VIEW, "communications.add_communication")
        self.assertContains(self.get(user=adder), reverse("communications:communication_create"))

    def test_without_the_view_permission_403(self):
        stranger = member(self.company, "communications.view_task")
        self.client.force_login(stranger)
        self.assertEqual(self.client.get(COMMUNICATIONS).status_code, 403)
        self.assertEqual(self.client.get(COMMUNICATIONS_CSV).status_code, 403)

    def test_invalid_filter_shows_errors_and_nothing(self):
        response = self.get("created_from=2026-13-45&status=<x>")
        self.assertEqual(numbers(response), [])
        self.assertEqual(set(response.context["filter"].errors), {"created_from", "status"})
        self.assertContains(response, 'class="errorlist"')
        self.assertEqual(len(csv_rows(self.get("status=<x>", url=COMMUNICATIONS_CSV))), 1)

    def test_hostile_values_never_500(self):
        params = ["direction", "number", "created_from", "created_to", "channel", "counterparty", "thread",
                  "thread_subject", "subject", "author", "assignee", "status", "sort", "page"]  # fmt: skip
        self.client.force_login(self.boss)
        for param in params:
            for value in HOSTILE:
                for url in (COMMUNICATIONS, COMMUNICATIONS_CSV):
                    with self.subTest(param=param, value=value[:20], url=url):
                        response = self.client.get(url, {param: value})
                        self.assertEqual(response.status_code, 200)
                        if url == COMMUNICATIONS_CSV:
                            csv_rows(response)
        response = self.client.get(f"{COMMUNICATIONS}?status=new&status=closed&sort=number,-number&sort=x")
        self.assertEqual(response.status_code, 200)

    def test_query_count_is_the_same_for_10_and_60_rows(self):
        for n in range(6):
            communication(self.company, self.seller, f"IN-2025-{n:06d}", partner=PartnerFactory(),
                          assignee=self.boss, created_at=at(2025, 1, 1))  # fmt: skip
        self.client.force_login(self.boss)

        def queries(url):
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(url)
                if url == COMMUNICATIONS_CSV:
                    csv_rows(response)
            return len(captured)

        queries(COMMUNICATIONS)  # warm up (content types, sessions...)
        few, few_csv = queries(COMMUNICATIONS), queries(COMMUNICATIONS_CSV)
        self.assertEqual(len(numbers(self.get())), 10)
        for n in range(50):
            author = (self.boss, self.seller)[n % 2]
            communication(self.company, author, f"OUT-2025-{n:06d}", direction="out", partner=PartnerFactory(),
                          assignee=(self.seller, self.other, None)[n % 3], contact=None,
                          created_at=at(2025, 2, 1))  # fmt: skip
        self.assertEqual(queries(COMMUNICATIONS), few)
        self.assertEqual(queries(COMMUNICATIONS_CSV), few_csv)

    def test_csv_follows_the_filter(self):
        rows = csv_rows(self.get("direction=out", url=COMMUNICATIONS_CSV))
        self.assertEqual(rows[0][0], "Number")
        self.assertEqual(len(rows[0]), 11)
        self.assertEqual([row[0] for row in rows[1:]], ["OUT-2026-000002", "OUT-2026-000001"])
        callback = rows[2]
        self.assertEqual(callback[1], "02/10/2026 10:00")  # local time, as the English pages write it
        self.assertEqual(callback[2:7], ["Outgoing", "Phone", "Kovács Bt.", "", "Callback"])
        self.assertEqual(callback[7:11], ["Bea Boss", "Sam Seller", "Answered", "Thread of OUT-2026-000001"])

    def test_csv_defuses_formulas(self):
        communication(self.company, self.boss, "OUT-2026-000099", direction="out", subject="=HYPERLINK(1)",
                      counterparty_text="+cmd|' /C calc'!A0", created_at=at(2026, 11, 1))  # fmt: skip
        thread_ = thread(self.company, self.boss, "@SUM(A1)")
        communication(self.company, self.boss, "OUT-2026-000098", thread_=thread_, direction="out",
                      subject="-2+3", created_at=at(2026, 11, 2))  # fmt: skip
        rows = csv_rows(self.get("number=OUT-2026-0000", url=COMMUNICATIONS_CSV))
        cells = [cell for row in rows[1:] for cell in row]
        self.assertIn("'=HYPERLINK(1)", cells)
        self.assertIn("'+cmd|' /C calc'!A0", cells)
        self.assertIn("'-2+3", cells)
        self.assertIn("'@SUM(A1)", cells)
        self.assertFalse([cell for cell in cells if cell[:1] in ("=", "+", "-", "@")])


class TaskListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *VIEW, first_name="Bea", last_name="Boss")
        cls.user = member(cls.company, *VIEW, first_name="Ulla", last_name="User")
        cls.colleague = member(cls.company, *VIEW, first_name="Cili", last_name="Colleague")
        cls.stranger = member(cls.company, *VIEW, first_name="Sanyi", last_name="Stranger")
        supervise(cls.company, cls.boss, cls.user)
        duna = PartnerFactory(name="Duna Kft.")
        cls.project = thread(cls.company, cls.user, "Project Alpha")
        c = cls.company
        # Fixed dates: 2025 is past, 2099 is future whenever the tests run.
        cls.t1 = task(c, cls.user, "T-2026-000001", thread_=cls.project, subject="Late one", partner=duna,
                      assignee=cls.colleague, status="assigned", deadline=at(2025, 1, 10, 23, 30),
                      created_at=at(2026, 1, 5))  # fmt: skip
        cls.t2 = task(c, cls.user, "T-2026-000002", subject="Finished", counterparty_text="Done Bt.",
                      status="done", deadline=at(2025, 1, 5), created_at=at(2025, 9, 1))  # fmt: skip
        cls.t3 = task(c, cls.colleague, "T-2026-000003", thread_=cls.project, subject="Next week",
                      assignee=cls.user, status="in_progress", deadline=at(2099, 1, 10),
                      created_at=at(2026, 2, 1))  # fmt: skip
        cls.t4 = task(c, cls.user, "T-2026-000004", subject="Someday", created_at=at(2026, 3, 1))
        cls.t5 = task(c, cls.stranger, "T-2026-000005", subject="Not yours", deadline=at(2025, 1, 1),
                      created_at=at(2026, 3, 2))  # fmt: skip
        cls.foreign_company = CompanyFactory()
        cls.outsider = member(cls.foreign_company, *VIEW)
        cls.foreign = task(cls.foreign_company, cls.outsider, "T-2026-000001", subject="Late one",
                           deadline=at(2025, 1, 2))  # fmt: skip

    def get(self, query="", user=None, url=TASKS):
        self.client.force_login(user or self.user)
        response = self.client.get(f"{url}?{query}")
        self.assertEqual(response.status_code, 200, query)
        return response

    def test_visibility_and_default_order_by_deadline_empty_last(self):
        visible = {
            self.user: ["T-2026-000002", "T-2026-000001", "T-2026-000003", "T-2026-000004"],
            self.boss: ["T-2026-000002", "T-2026-000001", "T-2026-000003", "T-2026-000004"],
            self.colleague: ["T-2026-000001", "T-2026-000003"],
            self.stranger: ["T-2026-000005"],
            self.outsider: ["T-2026-000001"],
        }
        for user, expected in visible.items():
            with self.subTest(user=str(user)):
                self.assertEqual(numbers(self.get(user=user)), expected)
        self.assertEqual(self.get(user=self.outsider).context["page"].object_list[0].pk, self.foreign.pk)

    def test_every_filter(self):
        cases = {
            "number=000003": ["T-2026-000003"],
            "number=t-2026": ["T-2026-000002", "T-2026-000001", "T-2026-000003", "T-2026-000004"],
            "created_from=2026-01-05&created_to=2026-01-05": ["T-2026-000001"],
            "created_from=2026-02-01": ["T-2026-000003", "T-2026-000004"],
            "created_to=2025-12-31": ["T-2026-000002"],
            "deadline_from=2025-01-11": ["T-2026-000003"],
            "deadline_from=2025-01-10&deadline_to=2025-01-10": ["T-2026-000001"],  # local date
            "deadline_to=2025-01-09": ["T-2026-000002"],
            "counterparty=duna": ["T-2026-000001"],
            "counterparty=done": ["T-2026-000002"],
            f"thread={self.project.pk}": ["T-2026-000001", "T-2026-000003"],
            f"thread={self.t5.thread_id}": [],
            "thread_subject=alpha": ["T-2026-000001", "T-2026-000003"],
            "subject=LATE": ["T-2026-000001"],
            f"author={self.colleague.pk}": ["T-2026-000003"],
            f"author={self.user.pk}": ["T-2026-000002", "T-2026-000001", "T-2026-000004"],
            f"assignee={self.colleague.pk}": ["T-2026-000001"],
            f"assignee={self.user.pk}": ["T-2026-000003"],
            "assignee=null": ["T-2026-000002", "T-2026-000004"],
            "status=new": ["T-2026-000004"],
            "status=assigned": ["T-2026-000001"],
            "status=in_progress": ["T-2026-000003"],
            "status=done": ["T-2026-000002"],
            "overdue=1": ["T-2026-000001"],
            f"overdue=1&author={self.colleague.pk}": [],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(numbers(self.get(query)), expected)

    def test_sorting_both_ways(self):
        self.assertEqual(
            numbers(self.get("sort=number")),
            ["T-2026-000001", "T-2026-000002", "T-2026-000003", "T-2026-000004"],
        )
        self.assertEqual(
            numbers(self.get("sort=-number")),
            ["T-2026-000004", "T-2026-000003", "T-2026-000002", "T-2026-000001"],
        )
        # No deadline sorts last both ways.
        self.assertEqual(
            numbers(self.get("sort=deadline")),
            ["T-2026-000002", "T-2026-000001", "T-2026-000003", "T-2026-000004"],
        )
        self.assertEqual(
            numbers(self.get("sort=-deadline")),
            ["T-2026-000003", "T-2026-000001", "T-2026-000002", "T-2026-000004"],
        )
        self.assertEqual(
            numbers(self.get("sort=created")),
            ["T-2026-000002", "T-2026-000001", "T-2026-000003", "T-2026-000004"],
        )
        self.assertEqual(
            numbers(self.get("sort=-created")),
            ["T-2026-000004", "T-2026-000003", "T-2026-000001", "T-2026-000002"],
        )
        self.assertEqual(
            numbers(self.get("sort=subject")),
            ["T-2026-000002", "T-2026-000001", "T-2026-000003", "T-2026-000004"],
        )
        self.assertEqual(
            numbers(self.get("sort=-subject")),
            ["T-2026-000004", "T-2026-000003", "T-2026-000001", "T-2026-000002"],
        )
        # assigned < done < in_progress < new (the stored codes).
        self.assertEqual(
            numbers(self.get("sort=status")),
            ["T-2026-000001", "T-2026-000002", "T-2026-000003", "T-2026-000004"],
        )
        self.assertEqual(
            numbers(self.get("sort=-status")),
            ["T-2026-000004", "T-2026-000003", "T-2026-000002", "T-2026-000001"],
        )

    def test_statuses_have_a_colour_and_a_text_label(self):
        response = self.get()
        for css, label in (("new", "New"), ("assigned", "Assigned"), ("in_progress", "In progress"),
                           ("done", "Done")):  # fmt: skip
            self.assertContains(response, f'<span class="badge task-status-{css}">{label}</span>', count=1)

    def test_overdue_stands_out_and_done_does_not(self):
        body = self.get().content.decode()
        # (the row's bulk-action checkbox comes first)
        found = re.findall(
            r'<tr( class="overdue")?>(?:<td class="select">.*?</td>)?\s*<td><a href="[^"]+">(T-[\d-]+)</a>',
            body,
        )
        rows = {number: css for css, number in found}
        self.assertEqual(rows, {"T-2026-000001": ' class="overdue"', "T-2026-000002": "",
                                "T-2026-000003": "", "T-2026-000004": ""})  # fmt: skip
        self.assertEqual(body.count(">Overdue</strong>"), 1)
        late_row = body[body.index('<tr class="overdue">') :].split("</tr>")[0]
        self.assertIn("T-2026-000001", late_row)
        self.assertIn(">Overdue</strong>", late_row)
        done_row = body[body.index(">T-2026-000002<") :].split("</tr>")[0]
        self.assertNotIn("Overdue", done_row)
        self.assertContains(self.get(), reverse("communications:task", args=[self.t1.pk]))

    def test_new_button_only_with_the_add_permission(self):
        self.assertNotContains(self.get(), reverse("communications:task_create"))
        adder = member(self.company, *VIEW, "communications.add_task")
        self.assertContains(self.get(user=adder), reverse("communications:task_create"))

    def test_without_the_view_permission_403(self):
        self.client.force_login(member(self.company, "communications.view_communication"))
        self.assertEqual(self.client.get(TASKS).status_code, 403)
        self.assertEqual(self.client.get(TASKS_CSV).status_code, 403)

    def test_invalid_filter_shows_errors_and_nothing(self):
        response = self.get("deadline_to=2025-13-45&overdue=yes")
        self.assertEqual(numbers(response), [])
        self.assertEqual(set(response.context["filter"].errors), {"deadline_to", "overdue"})
        self.assertContains(response, 'class="errorlist"')

    def test_hostile_values_never_500(self):
        params = ["number", "created_from", "created_to", "deadline_from", "deadline_to", "counterparty",
                  "thread", "thread_subject", "subject", "author", "assignee", "status", "overdue", "sort",
                  "page"]  # fmt: skip
        self.client.force_login(self.user)
        for param in params:
            for value in HOSTILE:
                for url in (TASKS, TASKS_CSV):
                    with self.subTest(param=param, value=value[:20], url=url):
                        response = self.client.get(url, {param: value})
                        self.assertEqual(response.status_code, 200)
                        if url == TASKS_CSV:
                            csv_rows(response)

    def test_query_count_is_the_same_for_10_and_60_rows(self):
        for n in range(6):
            task(self.company, self.user, f"T-2025-{n:06d}", partner=PartnerFactory(), assignee=self.boss)
        self.client.force_login(self.user)

        def queries(url):
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(url)
                if url == TASKS_CSV:
                    csv_rows(response)
            return len(captured)

        queries(TASKS)
        few, few_csv = queries(TASKS), queries(TASKS_CSV)
        self.assertEqual(len(numbers(self.get())), 10)
        for n in range(50):
            task(self.company, (self.user, self.colleague)[n % 2], f"T-2024-{n:06d}", partner=PartnerFactory(),
                 assignee=(self.user, self.boss, None)[n % 3], deadline=at(2025, 3, 1),
                 status=("new", "assigned", "in_progress", "done")[n % 4])  # fmt: skip
        self.assertEqual(queries(TASKS), few)
        self.assertEqual(queries(TASKS_CSV), few_csv)

    def test_csv_follows_the_filter_and_defuses_formulas(self):
        task(self.company, self.user, "T-2026-000010", subject="=cmd()", counterparty_text="@evil",
             status="done", deadline=at(2025, 6, 1, 14), created_at=at(2025, 5, 1, 8))  # fmt: skip
        rows = csv_rows(self.get("status=done", url=TASKS_CSV))
        self.assertEqual(len(rows[0]), 9)
        self.assertEqual([row[0] for row in rows[1:]], ["T-2026-000002", "T-2026-000010"])
        self.assertEqual(
            rows[2],
            ["T-2026-000010", "01/05/2025 08:00", "01/06/2025 14:00", "Done", "'@evil",
             "'=cmd()", "Ulla User", "", "Thread of T-2026-000010"],
        )  # fmt: skip
