"""Whoever sees a thread opens every item its timeline lists (as they download all its attachments);
editing an item stays with those who see the item itself."""

from django.test import TestCase

from tests.communications import factories
from tests.factories import CompanyFactory, member, supervise

FUNCTIONS = (
    "communications.view_thread",
    "communications.view_communication",
    "communications.change_communication",
    "communications.view_task",
    "communications.change_task",
    "communications.add_task",
)


class ThreadReadingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.manager = member(cls.company, *FUNCTIONS)
        cls.seller = member(cls.company, *FUNCTIONS)
        cls.outsider = member(cls.company, *FUNCTIONS)
        supervise(cls.company, cls.manager, cls.seller)
        cls.thread = factories.thread(cls.company, cls.seller, subject="Tender 2027")
        cls.call = factories.communication(
            cls.company,
            cls.manager,
            thread=cls.thread,
            direction="out",
            channel="phone",
            subject="Discount agreed",
        )
        cls.task = factories.task(cls.company, cls.manager, thread=cls.thread, subject="Send the contract")

    def test_the_thread_owner_opens_a_colleague_s_items_listed_in_the_thread(self):
        self.client.force_login(self.seller)
        timeline = self.client.get(f"/threads/{self.thread.pk}/")
        self.assertContains(timeline, f'href="/communications/{self.call.pk}/"')
        self.assertContains(timeline, f'href="/tasks/{self.task.pk}/"')
        call = self.client.get(f"/communications/{self.call.pk}/")
        self.assertContains(call, "Discount agreed")
        task = self.client.get(f"/tasks/{self.task.pk}/")
        self.assertContains(task, "Send the contract")

    def test_reading_is_not_editing(self):
        self.client.force_login(self.seller)
        self.assertNotContains(
            self.client.get(f"/communications/{self.call.pk}/"), f"/communications/{self.call.pk}/edit/"
        )
        self.assertNotContains(self.client.get(f"/tasks/{self.task.pk}/"), f"/tasks/{self.task.pk}/edit/")
        self.assertEqual(self.client.get(f"/communications/{self.call.pk}/edit/").status_code, 404)
        self.assertEqual(self.client.get(f"/tasks/{self.task.pk}/edit/").status_code, 404)
        self.assertEqual(self.client.post(f"/communications/{self.call.pk}/copy-to-task/").status_code, 404)

    def test_the_author_still_edits(self):
        self.client.force_login(self.manager)
        self.assertContains(
            self.client.get(f"/communications/{self.call.pk}/"), f"/communications/{self.call.pk}/edit/"
        )

    def test_someone_who_does_not_see_the_thread_opens_nothing(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(f"/threads/{self.thread.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/communications/{self.call.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/tasks/{self.task.pk}/").status_code, 404)

    def test_another_company_s_user_opens_nothing(self):
        stranger = member(CompanyFactory(), *FUNCTIONS)
        self.client.force_login(stranger)
        self.assertEqual(self.client.get(f"/communications/{self.call.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/tasks/{self.task.pk}/").status_code, 404)
