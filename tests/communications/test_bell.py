"""The bell: items grouped per communication/task, relative times in the reader's language, opening an
item marks all its notifications read, and the bell's number is the notifications page's."""

import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.models import Notification
from tests.communications import factories
from tests.factories import CompanyFactory, member

FUNCTIONS = ("communications.view_task", "communications.view_thread", "communications.view_communication")
T0 = datetime(2026, 11, 11, 9, 0, tzinfo=UTC)


def bell_count(response) -> int:
    return int(re.search(r'class="bell-count[^"]*" data-count="(\d+)"', response.content.decode()).group(1))


def page_count(response) -> int:
    return int(
        re.search(r'class="notifications-unread" data-count="(\d+)"', response.content.decode()).group(1)
    )


def bell_items(response) -> list[str]:
    return re.findall(r'<span class="bell-text">([^<]*)</span>', response.content.decode())


class BellTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.reader = member(cls.company, *FUNCTIONS)
        cls.other = member(cls.company, *FUNCTIONS)

    def setUp(self):
        self.client.force_login(self.reader)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def notify(self, text: str, url: str, at: datetime, recipient=None) -> Notification:
        with time_machine.travel(at, tick=False):
            return Notification.objects.create(
                recipient=recipient or self.reader, company=self.company, verb="mention", text=text, url=url
            )

    def test_notifications_about_one_item_show_as_one_with_a_count(self):
        self.notify("Anna mentioned you in T-1", "/tasks/1/", T0)
        self.notify("Béla assigned T-1 to you", "/tasks/1/", T0 + timedelta(minutes=1))
        self.notify("Anna mentioned you in IN-7", "/communications/7/", T0 + timedelta(minutes=2))
        self.notify("Csaba mentioned you in T-1", "/tasks/1/", T0 + timedelta(minutes=3))
        self.notify("Not a link", "", T0 + timedelta(minutes=4))
        self.notify("Also not a link", "", T0 + timedelta(minutes=5))
        self.notify("Someone else's", "/tasks/1/", T0, recipient=self.other)
        with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
            live = self.client.get("/live/")
        # Newest first; an item shows its newest message; notifications without a link stay apart.
        self.assertEqual(
            bell_items(live),
            ["Also not a link", "Not a link", "Csaba mentioned you in T-1", "Anna mentioned you in IN-7"],
        )
        self.assertEqual(bell_count(live), 4)
        self.assertContains(live, "3 new", count=1)

    def test_items_show_relative_times_in_the_reader_s_language(self):
        self.notify("Anna mentioned you", "/tasks/1/", T0)
        self.notify("Béla assigned you", "/tasks/2/", T0 - timedelta(days=2, hours=1))
        with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
            english = self.client.get("/live/").content.decode()
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hu"
            hungarian = self.client.get("/live/").content.decode()
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
            bulgarian = self.client.get("/notifications/").content.decode()
        self.assertIn(">5\xa0minutes ago</time>", english)
        self.assertIn(">2\xa0days, 1\xa0hour ago</time>", english)
        self.assertIn('datetime="2026-11-11T10:00:00+01:00"', english)  # the company's zone
        self.assertIn(">5 perce</time>", hungarian)
        self.assertIn(">преди 5\xa0минути</time>", bulgarian)

    def test_opening_an_item_marks_all_its_notifications_read(self):
        first = self.notify("Anna mentioned you in T-1", "/tasks/1/", T0)
        second = self.notify("Béla assigned T-1 to you", "/tasks/1/", T0 + timedelta(minutes=1))
        other = self.notify("Anna mentioned you in IN-7", "/communications/7/", T0 + timedelta(minutes=2))
        theirs = self.notify("Someone else's", "/tasks/1/", T0, recipient=self.other)
        response = self.client.post(f"/notifications/{second.pk}/open/")
        self.assertRedirects(response, "/tasks/1/", fetch_redirect_response=False)
        unread = set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True))
        self.assertEqual(unread, {other.pk, theirs.pk})
        self.assertNotIn(first.pk, unread)
        live = self.client.get("/live/")
        self.assertEqual(bell_items(live), ["Anna mentioned you in IN-7"])
        self.assertEqual(bell_count(live), 1)

    def test_opening_the_item_s_page_any_way_marks_its_notifications_read(self):
        self.notify("Anna mentioned you in T-1", "/tasks/1/", T0)
        self.notify("Béla assigned T-1 to you", "/tasks/1/", T0 + timedelta(minutes=1))
        self.notify("Anna mentioned you in IN-7", "/communications/7/", T0 + timedelta(minutes=2))
        self.notify("Someone else's", "/tasks/1/", T0, recipient=self.other)
        # Every page polls /live/ on load; htmx names the page in HX-Current-URL.
        elsewhere = self.client.get("/live/", headers={"HX-Current-URL": "http://testserver/partners/?q=1"})
        self.assertEqual(bell_count(elsewhere), 2)
        on_page = self.client.get(
            "/live/", headers={"HX-Current-URL": "http://testserver/tasks/1/?tab=history"}
        )
        self.assertEqual(bell_items(on_page), ["Anna mentioned you in IN-7"])
        self.assertEqual(bell_count(on_page), 1)
        self.assertEqual(Notification.objects.filter(read_at__isnull=True).count(), 2)  # IN-7 and the other's
        self.assertEqual(self.client.get("/live/", headers={"HX-Current-URL": "::garbage"}).status_code, 200)

    def test_the_bell_and_the_page_agree(self):
        for n in range(12):  # more items than the bell lists
            self.notify(f"Mention {n}", f"/tasks/{n}/", T0 + timedelta(minutes=n))
            self.notify(f"Assignment {n}", f"/tasks/{n}/", T0 + timedelta(minutes=n, seconds=30))
        self.notify("Old", "/tasks/99/", T0 - timedelta(days=1)).__class__.objects.filter(
            url="/tasks/99/"
        ).update(read_at=T0)
        live, page = self.client.get("/live/"), self.client.get("/notifications/")
        self.assertEqual(len(bell_items(live)), 8)
        self.assertEqual((bell_count(live), page_count(page)), (12, 12))
        self.assertContains(page, "12 unread items")
        # The page lists every item once, read ones too, with how many notifications each has.
        self.assertEqual(len(page.context["page"].object_list), 13)
        self.assertContains(page, "2 notifications", count=12)
        self.client.post(f"/notifications/{Notification.objects.filter(url='/tasks/3/').first().pk}/open/")
        live, page = self.client.get("/live/"), self.client.get("/notifications/")
        self.assertEqual((bell_count(live), page_count(page)), (11, 11))
        self.client.post("/notifications/read-all/")
        live, page = self.client.get("/live/"), self.client.get("/notifications/")
        self.assertEqual((bell_count(live), page_count(page)), (0, 0))
        self.assertContains(live, "Nothing new.")

    def test_the_bell_takes_the_same_queries_for_few_and_many_items(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.client.get("/live/")
            return len(queries)

        self.notify("One", "/tasks/1/", T0)
        count()
        few = count()
        for n in range(30):
            self.notify(f"Mention {n}", f"/tasks/{n % 12}/", T0 + timedelta(minutes=n))
        self.assertLessEqual(count(), few + 1)  # + the count, once the bell is full
        for n in range(30):
            self.notify(f"More {n}", f"/tasks/{n}/", T0 + timedelta(hours=1, minutes=n))
        self.assertEqual(count(), few + 1)

    def test_real_notifications_link_only_what_the_reader_can_open(self):
        factories.task(self.company, self.other, assignee=self.reader, subject="Check stock")
        live = self.client.get("/live/")
        self.assertEqual(bell_count(live), 1)
        notification = Notification.objects.get(recipient=self.reader)
        response = self.client.post(f"/notifications/{notification.pk}/open/")
        self.assertRedirects(response, notification.url)
