"""An unknown ?sort= (an old bookmark, a saved view of a removed column) is ignored: the list keeps its
rows in the default order instead of showing nothing."""

from django.test import TestCase

from communications.models import Task, Thread
from tests.factories import CompanyFactory, member


class UnknownSortTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(
            cls.company,
            "communications.view_task",
            "communications.view_communication",
            "events.view_event",
            "orders.view_order",
            "partners.view_partner",
            username="sorter",
        )
        thread = Thread.objects.create(company=cls.company, owner=cls.user, subject="Sorting")
        Task.objects.create(
            company=cls.company, number="T-S-1", thread=thread, author=cls.user, subject="Visible task"
        )

    def test_the_rows_stay_and_no_error_shows(self):
        self.client.force_login(self.user)
        for url in (
            "/tasks/?sort=zzz",
            "/tasks/?sort=assignee",
            "/tasks/?sort=deadline,zzz",
            "/tasks/?sort=-zzz",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "T-S-1")
                self.assertNotContains(response, "Select a valid choice")
        for url in (
            "/communications/?sort=zzz",
            "/events/?sort=type",
            "/orders/?sort=zzz",
            "/partners/?sort=zzz",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "Select a valid choice")

    def test_a_known_sort_still_sorts(self):
        self.client.force_login(self.user)
        response = self.client.get("/tasks/?sort=-number")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "T-S-1")
