"""Issue 15: a mention or an assignment shares the item, so the notification's link opens; one
notification per person per save."""

import datetime as dt

import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import TestCase, override_settings

from communications.models import Notification
from communications.services import (
    communication_copy_to_task,
    communication_update,
    task_update,
    thread_update,
)
from companies.models import Share, ShareReason
from companies.sharing import share_grant
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, DepartmentFactory, member, supervise


class SharingByMentionAndAssignmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *ALL, first_name="Bea", last_name="Boss")
        cls.author = member(cls.company, *ALL, first_name="Ada", last_name="Author")
        # The author's peer: same boss, but outside the author's chain and outside Sales.
        cls.sibling = member(cls.company, *ALL, first_name="Sam", last_name="Sibling")
        supervise(cls.company, cls.boss, cls.author)
        supervise(cls.company, cls.boss, cls.sibling)
        # Sales holds people outside the author's hierarchy, one of them in a sub-department.
        cls.sales = DepartmentFactory(company=cls.company, name="Sales")
        cls.field = DepartmentFactory(company=cls.company, name="Field", parent=cls.sales)
        cls.seller = member(cls.company, *ALL, first_name="Sara", last_name="Seller")
        cls.field_seller = member(cls.company, *ALL, first_name="Fred", last_name="Field")
        cls.seller.memberships.update(department=cls.sales)
        cls.field_seller.memberships.update(department=cls.field)

    def opens(self, user, url) -> int:
        self.client.force_login(user)
        return self.client.get(url).status_code

    def test_a_department_mention_lets_everyone_reached_open_the_link(self):
        item = factories.communication(
            self.company, self.author, description=f"Call them @[Sales](department:{self.sales.pk})"
        )
        for person in (self.seller, self.field_seller):
            notification = Notification.objects.get(recipient=person)
            self.assertEqual(notification.url, item.get_absolute_url())
            self.assertEqual(self.opens(person, notification.url), 200)  # was 404
        self.assertEqual(self.opens(self.sibling, item.get_absolute_url()), 404)  # no grant, no link
        self.assertFalse(Notification.objects.filter(recipient=self.sibling).exists())

    def test_a_person_mentioned_in_a_thread_opens_the_thread(self):
        thread = factories.thread(
            self.company, self.author, description=f"FYI @[Sara](user:{self.seller.pk})"
        )
        self.assertEqual(self.opens(self.seller, Notification.objects.get(recipient=self.seller).url), 200)
        self.assertEqual(self.opens(self.sibling, thread.get_absolute_url()), 404)

    def test_the_item_page_says_who_it_is_shared_with(self):
        item = factories.task(self.company, self.author, description=f"@[Sara](user:{self.seller.pk})")
        self.client.force_login(self.author)
        response = self.client.get(item.get_absolute_url())
        self.assertContains(response, "Shared with")
        self.assertContains(response, str(self.seller))
        self.assertContains(response, "Mentioned")

    def test_an_assignee_outside_the_chain_keeps_the_link_after_a_reassignment(self):
        task = factories.task(self.company, self.author, assignee=self.seller)
        url = Notification.objects.get(recipient=self.seller).url
        self.assertEqual(self.opens(self.seller, url), 200)
        task_update(task=task, actor=self.author, assignee=self.field_seller)
        self.assertEqual(self.opens(self.seller, url), 200)  # was 404 once reassigned
        self.assertEqual(self.opens(self.field_seller, url), 200)
        share = Share.objects.get(user=self.seller)
        self.assertEqual(share.reason, ShareReason.ASSIGNMENT)

    def test_grants_are_in_the_audit_log_with_their_actor(self):
        item = factories.communication(
            self.company, self.author, description=f"@[Sales](department:{self.sales.pk})"
        )
        entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Share))
        self.assertEqual(entries.count(), 2)
        for entry in entries:
            self.assertEqual(entry.actor, self.author)
            self.assertEqual(entry.action, LogEntry.Action.CREATE)
            self.assertEqual(entry.additional_data["company_id"], self.company.pk)
            self.assertEqual(entry.changes_dict["record"][1], f"communications.communication:{item.pk}")

    def test_the_author_and_people_of_other_companies_get_no_share(self):
        outsider = member(CompanyFactory())
        factories.communication(
            self.company,
            self.author,
            description=f"@[me](user:{self.author.pk}) @[stranger](user:{outsider.pk})",
        )
        self.assertFalse(Share.objects.exists())

    def test_a_revoked_mention_share_closes_the_link_and_is_not_granted_again_by_an_edit(self):
        item = factories.communication(
            self.company, self.author, description=f"@[Sara](user:{self.seller.pk})"
        )
        share = Share.objects.get(user=self.seller)
        self.client.force_login(self.sibling)  # does not see the item: as on its page
        self.assertEqual(self.client.post(f"/shares/{share.pk}/revoke/").status_code, 404)
        self.client.force_login(self.seller)  # sees it through the share, does not manage it
        self.assertEqual(self.client.post(f"/shares/{share.pk}/revoke/").status_code, 403)
        self.client.force_login(self.boss)  # the author's supervisor
        self.assertContains(self.client.get(f"/shares/{share.pk}/revoke/"), "Yes, revoke")
        response = self.client.post(f"/shares/{share.pk}/revoke/")
        self.assertRedirects(response, item.get_absolute_url())
        self.assertEqual(self.opens(self.seller, item.get_absolute_url()), 404)
        communication_update(communication=item, actor=self.author, description=item.description + " again")
        self.assertEqual(self.opens(self.seller, item.get_absolute_url()), 404)
        entry = LogEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Share), action=LogEntry.Action.DELETE
        )
        self.assertEqual(entry.actor, self.boss)

    def test_a_mention_keeps_open_a_holiday_cover_that_would_end_but_never_shortens_one(self):
        budapest = dt.timezone(dt.timedelta(hours=2))
        with time_machine.travel(dt.datetime(2026, 7, 10, 9, 0, tzinfo=budapest), tick=False):
            thread = factories.thread(self.company, self.author, subject="Renewal")
            cover = share_grant(
                obj=thread,
                user=self.seller,
                actor=self.author,
                until=dt.datetime(2026, 7, 18, tzinfo=budapest),
            )
            thread_update(thread=thread, actor=self.author, description=f"@[Sara](user:{self.seller.pk})")
            cover.refresh_from_db()
            self.assertIsNone(cover.until)  # mentioned: the link in the bell must keep opening
            self.assertEqual(Notification.objects.filter(recipient=self.seller).count(), 1)
        with time_machine.travel(dt.datetime(2026, 8, 1, 9, 0, tzinfo=budapest), tick=False):
            self.assertEqual(self.opens(self.seller, thread.get_absolute_url()), 200)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class OneNotificationPerPersonPerSaveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.author = member(cls.company, *ALL, first_name="Ada", last_name="Author")
        cls.sales = DepartmentFactory(company=cls.company, name="Sales")
        cls.anna = member(cls.company, *ALL, first_name="Anna", last_name="Kiss", email_notifications=True)
        cls.other = member(cls.company, *ALL, first_name="Otto", last_name="Other")
        cls.anna.memberships.update(department=cls.sales)
        cls.other.memberships.update(department=cls.sales)

    def test_assigned_mentioned_and_reached_by_department_is_one_bell_item_then_one_more_for_the_copy(self):
        description = f"@[Anna](user:{self.anna.pk}) and @[Sales](department:{self.sales.pk})"
        with self.captureOnCommitCallbacks(execute=True):
            item = factories.communication(
                self.company, self.author, assignee=self.anna, description=description
            )
        bell = Notification.objects.filter(recipient=self.anna)
        self.assertEqual(bell.count(), 1)
        self.assertEqual(bell.get().display_text, f"{self.author} assigned {item} to you and mentioned you")
        self.assertEqual(bell.get().verb, "assign")
        self.assertEqual([m.to for m in mail.outbox], [[self.anna.email]])  # one e-mail too
        self.assertEqual(Notification.objects.filter(recipient=self.other, verb="mention").count(), 1)

        with self.captureOnCommitCallbacks(execute=True):
            task = communication_copy_to_task(communication=item, actor=self.author)
        self.assertEqual(bell.count(), 2)  # one more, not three
        self.assertEqual(bell.first().url, task.get_absolute_url())
        self.assertEqual(len(mail.outbox), 2)

    def test_the_copy_to_task_page_also_notifies_once(self):
        item = factories.communication(
            self.company,
            self.author,
            assignee=self.anna,
            description=f"@[Anna](user:{self.anna.pk}) @[Sales](department:{self.sales.pk})",
        )
        self.client.force_login(self.author)
        response = self.client.post(
            f"/communications/{item.pk}/copy-to-task/",
            {
                "thread": item.thread_id,
                "subject": item.subject,
                "description": item.description,
                "assignee": self.anna.pk,
                "status": "assigned",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Notification.objects.filter(recipient=self.anna).count(), 2)
