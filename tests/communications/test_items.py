from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from communications.models import Attachment, Communication, Notification, Task, Thread
from communications.timeline import TimelinePage
from orders.models import Order
from tests.communications import factories
from tests.events.factories import EventFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

ALL = (
    "communications.view_thread",
    "communications.add_thread",
    "communications.change_thread",
    "communications.view_communication",
    "communications.add_communication",
    "communications.change_communication",
    "communications.view_task",
    "communications.add_task",
    "communications.change_task",
    "partners.view_partner",
)


class CommunicationPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *ALL, first_name="Ugo", last_name="User")
        cls.colleague = member(cls.company, *ALL, first_name="Cili", last_name="Colleague")
        cls.partner = PartnerAccountFactory(
            company=cls.company, owner=cls.user, partner=PartnerFactory(name="Duna Zrt.")
        ).partner

    def setUp(self):
        self.client.force_login(self.user)

    def test_create_starts_a_thread_and_notifies_the_assignee(self):
        response = self.client.post(
            "/communications/new/",
            {
                "direction": "in", "channel": "email", "partner": self.partner.pk, "subject": "Price question",
                "description": "Can you send the price list?", "assignee": self.colleague.pk, "status": "new",
            },
        )  # fmt: skip
        item = Communication.objects.get()
        self.assertRedirects(response, f"/communications/{item.pk}/")
        self.assertRegex(item.number, r"^IN-\d{4}-000001$")
        self.assertEqual((item.thread.subject, item.thread.partner), ("Price question", self.partner))
        notification = Notification.objects.get(recipient=self.colleague)
        self.assertEqual((notification.verb, notification.url), ("assign", f"/communications/{item.pk}/"))

    def test_new_thread_page_starts_a_thread_with_or_without_orders(self):
        self.assertEqual(self.client.get(f"/threads/new/?partner={self.partner.pk}").status_code, 200)
        response = self.client.post("/threads/new/", {"subject": "Annual contract"})
        plain = Thread.objects.get(subject="Annual contract")
        self.assertRedirects(response, f"/threads/{plain.pk}/")
        self.assertEqual((plain.owner, plain.company, plain.orders.count()), (self.user, self.company, 0))
        order = Order.objects.create(
            company=self.company,
            partner=self.partner,
            number="SO-7",
            kind="customer",
            ordered_on=date(2026, 1, 1),
        )
        response = self.client.post(
            "/threads/new/", {"subject": "Delivery", "partner": self.partner.pk, "orders": [order.pk]}
        )
        with_order = Thread.objects.get(subject="Delivery")
        self.assertRedirects(response, f"/threads/{with_order.pk}/")
        self.assertEqual((with_order.partner, list(with_order.orders.all())), (self.partner, [order]))

    def test_the_form_offers_exactly_the_two_directions_and_requires_one(self):
        page = self.client.get("/communications/new/").content.decode()
        self.assertEqual(page.count('name="direction"'), 2)
        self.assertNotIn("---------</label>", page.split('name="channel"')[0].split('name="direction"', 1)[1])
        response = self.client.post("/communications/new/", {"channel": "email", "subject": "No direction"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("direction", response.context["form"].errors)
        self.assertContains(response, 'value="No direction"')
        self.assertFalse(Communication.objects.exists())

    def test_thread_list_empty_states(self):
        self.assertContains(self.client.get("/threads/"), "No threads yet.")
        factories.thread(self.company, self.user, subject="Tender")
        response = self.client.get("/threads/", {"q": "<zz>"})
        self.assertContains(response, "No threads match “&lt;zz&gt;”.")
        self.assertNotContains(response, "No threads yet.")

    def test_joining_an_existing_thread_and_free_text_counterparty(self):
        thread = factories.thread(self.company, self.user, subject="Tender")
        self.client.post(
            "/communications/new/",
            {
                "direction": "out", "channel": "phone", "thread": thread.pk,
                "counterparty_text": "Kovács és Társa Bt.", "subject": "Called back", "status": "new",
            },
        )  # fmt: skip
        item = Communication.objects.get()
        self.assertEqual(
            (item.thread, item.partner, item.counterparty_text), (thread, None, "Kovács és Társa Bt.")
        )
        self.assertTrue(item.number.startswith("OUT-"))

    def test_copy_to_task_shows_a_prefilled_form_and_creates_only_on_save(self):
        source = factories.communication(
            self.company, self.user, partner=self.partner, subject="Complaint", description="Broken part",
            assignee=self.colleague,
        )  # fmt: skip
        page = self.client.get(f"/communications/{source.pk}/")
        self.assertContains(page, f'href="/communications/{source.pk}/copy-to-task/"')
        response = self.client.get(f"/communications/{source.pk}/copy-to-task/")
        self.assertFalse(Task.objects.exists())  # looking at the form (and Cancel) leaves nothing behind
        form = response.context["form"]
        self.assertEqual(
            {
                name: form[name].value()
                for name in ("thread", "partner", "subject", "description", "assignee")
            },
            {
                "thread": source.thread_id,
                "partner": self.partner.pk,
                "subject": "Complaint",
                "description": "Broken part",
                "assignee": self.colleague.pk,
            },
        )
        self.assertContains(response, f'href="/communications/{source.pk}/"')  # Cancel goes back
        response = self.client.post(
            f"/communications/{source.pk}/copy-to-task/",
            {
                "thread": source.thread_id, "partner": self.partner.pk, "subject": "Complaint: replace part",
                "description": "Broken part", "assignee": self.colleague.pk, "status": "new",
            },
        )  # fmt: skip
        task = Task.objects.get()
        self.assertRedirects(response, f"/tasks/{task.pk}/")
        self.assertEqual(
            (
                task.thread,
                task.subject,
                task.description,
                task.partner,
                task.assignee,
                task.source_communication,
            ),
            (source.thread, "Complaint: replace part", "Broken part", self.partner, self.colleague, source),
        )
        self.assertEqual(task.status, "assigned")
        self.assertContains(self.client.get(f"/communications/{source.pk}/"), task.number)

    def test_copy_to_task_with_errors_keeps_the_typing_and_creates_nothing(self):
        source = factories.communication(self.company, self.user, subject="Complaint")
        response = self.client.post(
            f"/communications/{source.pk}/copy-to-task/",
            {"thread": source.thread_id, "subject": "", "description": "Typed text", "status": "new"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Typed text")
        self.assertFalse(Task.objects.exists())

    def test_reassigning_notifies_only_the_new_assignee_once(self):
        task = factories.task(self.company, self.user, assignee=self.colleague)
        third = member(self.company, *ALL)
        self.client.post(
            f"/tasks/{task.pk}/edit/",
            {"thread": task.thread_id, "subject": task.subject, "assignee": third.pk, "status": "assigned"},
        )
        self.client.post(
            f"/tasks/{task.pk}/edit/",
            {
                "thread": task.thread_id,
                "subject": task.subject + "!",
                "assignee": third.pk,
                "status": "in_progress",
            },
        )
        self.assertEqual(Notification.objects.filter(recipient=third, verb="assign").count(), 1)
        self.assertEqual(Notification.objects.filter(recipient=self.colleague, verb="assign").count(), 1)

    def test_bell_shows_unread_and_opening_marks_read(self):
        factories.task(self.company, self.colleague, assignee=self.user, subject="Check stock")
        live = self.client.get("/live/")
        self.assertContains(live, 'data-count="1"')
        self.assertContains(live, "assigned")
        notification = Notification.objects.get(recipient=self.user)
        response = self.client.post(f"/notifications/{notification.pk}/open/")
        self.assertRedirects(response, notification.url)
        self.assertContains(self.client.get("/live/"), 'data-count="0"')

    def test_someone_elses_notification_is_404(self):
        factories.task(self.company, self.user, assignee=self.colleague)
        notification = Notification.objects.get(recipient=self.colleague)
        self.assertEqual(self.client.post(f"/notifications/{notification.pk}/open/").status_code, 404)
        self.assertIsNone(Notification.objects.get().read_at)


@override_settings(ATTACHMENT_MAX_BYTES=1024)
class AttachmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *ALL)
        cls.user = member(cls.company, *ALL)
        cls.colleague = member(cls.company, *ALL)
        supervise(cls.company, cls.boss, cls.user)
        cls.outsider = member(CompanyFactory(), *ALL)

    def upload(self, name, content=b"hello", **extra):
        self.client.force_login(self.user)
        return self.client.post(
            "/communications/new/",
            {"direction": "in", "channel": "email", "subject": "With files", "status": "new",
             "files": [SimpleUploadedFile(name, content, content_type="text/html")], **extra},
        )  # fmt: skip

    def test_upload_and_download_as_attachment_never_rendered(self):
        self.upload("invoice.html", b"<script>alert(1)</script>")
        attachment = Attachment.objects.get()
        self.assertNotIn("invoice", attachment.file.name)  # stored under a random name
        self.client.force_login(self.boss)  # a supervisor sees a subordinate's items
        response = self.client.get(f"/attachments/{attachment.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/octet-stream")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="invoice.html"')
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(response.streaming_content), b"<script>alert(1)</script>")

    def test_download_refused_outside_the_visibility_and_to_another_company(self):
        self.upload("drawing.svg", b"<svg onload=alert(1)/>")
        attachment = Attachment.objects.get()
        for user in (self.colleague, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/attachments/{attachment.pk}/").status_code, 404)

    def test_too_big_and_forbidden_types_are_refused_with_a_message(self):
        response = self.upload("big.pdf", b"x" * 2048)
        self.assertContains(response, "files may be at most")
        response = self.upload("run.exe", b"MZ")
        self.assertContains(response, "are not allowed")
        self.assertFalse(Communication.objects.exists())
        self.assertFalse(Attachment.objects.exists())

    def test_thread_lists_every_attachment_of_its_items(self):
        self.upload("a.pdf")
        item = Communication.objects.get()
        self.client.post(
            "/tasks/new/",
            {"thread": item.thread_id, "subject": "Follow", "status": "new",
             "files": [SimpleUploadedFile("b.pdf", b"b")]},
        )  # fmt: skip
        page = self.client.get(f"/threads/{item.thread_id}/")
        self.assertContains(page, "a.pdf")
        self.assertContains(page, "b.pdf")


class TimelineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *ALL, "events.view_event")
        cls.thread = factories.thread(cls.company, cls.user, subject="Long story")

    def add_items(self, count):
        for index in range(count):
            if index % 4 == 0:
                factories.communication(self.company, self.user, thread=self.thread, direction="in")
            elif index % 4 == 1:
                factories.communication(self.company, self.user, thread=self.thread, direction="out")
            elif index % 4 == 2:
                factories.task(self.company, self.user, thread=self.thread)
            else:
                EventFactory(company=self.company, owner=self.user, thread=self.thread)
        order = Order.objects.create(
            company=self.company, number=f"SO-{count}", kind="customer", ordered_on=date(2026, 1, 1)
        )
        self.thread.orders.add(order)

    def page_queries(self):
        self.client.force_login(self.user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/threads/{self.thread.pk}/")
        self.assertEqual(response.status_code, 200)
        return len(queries), response

    def test_query_count_is_the_same_for_10_and_200_items(self):
        self.add_items(10)
        self.page_queries()  # warm caches
        small, _ = self.page_queries()
        self.add_items(190)
        large, response = self.page_queries()
        self.assertEqual(small, large)
        self.assertEqual(response.context["page"].paginator.count, 202)

    def test_items_come_in_time_order_with_every_kind(self):
        self.add_items(8)
        page = TimelinePage(self.thread, 1)
        kinds = {item.kind for item in page.items}
        self.assertEqual(kinds, {"communication", "task", "event", "order"})
        times = [item.when for item in page.items]
        self.assertEqual(times, sorted(times))

    def test_pages_split_the_timeline_in_order_whatever_the_page_number_says(self):
        self.add_items(119)  # 120 items with the order
        keys = lambda page: [(item.kind, item.pk) for item in page.items]  # noqa: E731
        first, second, third = (TimelinePage(self.thread, n) for n in (1, 2, 3))
        self.assertEqual((len(first.items), len(second.items), len(third.items)), (50, 50, 20))
        self.assertEqual(first.page.paginator.count, 120)
        self.assertEqual(first.page.paginator.num_pages, 3)
        self.assertTrue(first.page.has_next())
        self.assertFalse(third.page.has_next())
        everything = keys(first) + keys(second) + keys(third)
        self.assertEqual(len(set(everything)), 120)
        times = [item.when for item in first.items + second.items + third.items]
        self.assertEqual(times, sorted(times))
        newest = TimelinePage(self.thread, 1, newest_first=True)
        self.assertEqual([item.when for item in newest.items], sorted(times, reverse=True)[:50])
        # Past the end: the last page, as Paginator.get_page answers; not a number: the first.
        past = TimelinePage(self.thread, 99)
        self.assertEqual((past.page.number, keys(past)), (3, keys(third)))
        self.assertEqual(keys(TimelinePage(self.thread, "x")), keys(first))
        self.assertEqual(keys(TimelinePage(self.thread, "-4")), keys(first))

    def test_the_page_shows_every_kind_with_its_link_and_labels(self):
        self.add_items(8)
        _count, response = self.page_queries()
        page = response.content.decode()
        for item in TimelinePage(self.thread, 1).items:
            self.assertIn(f'href="{item.obj.get_absolute_url()}"', page)
        communication = Communication.objects.filter(thread=self.thread, direction="in").first()
        task = Task.objects.filter(thread=self.thread).first()
        self.assertIn(f"{communication.number} {communication.subject}", page)
        self.assertIn("← Incoming · ", page)
        self.assertIn("→ Outgoing · ", page)
        self.assertIn(
            f'<span class="badge task-status-{task.status}">{task.get_status_display()}</span>', page
        )
        self.assertIn("SO-8", page)
        self.assertRegex(page, r'<time datetime="2026-01-01T0[01]:00:00\+0[12]:00">')

    def test_an_empty_thread_has_one_empty_page(self):
        page = TimelinePage(self.thread, 5)
        self.assertEqual((page.items, page.page.number, page.page.paginator.count), ([], 1, 0))


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class EmailPreferenceTests(TestCase):
    def test_mentions_and_assignments_come_by_email_when_chosen(self):
        from django.core import mail

        company = CompanyFactory(language="en")  # the e-mail goes in the company's language
        author = member(company, *ALL)
        reader = member(company, *ALL, email="reader@example.com")
        self.client.force_login(reader)
        self.client.post(
            "/me/",
            {
                "first_name": "R",
                "last_name": "Reader",
                "email": "reader@example.com",
                "email_notifications": "on",
            },
        )
        reader.refresh_from_db()
        self.assertTrue(reader.email_notifications)
        with self.captureOnCommitCallbacks(execute=True):
            factories.task(company, author, assignee=reader, description=f"@[R](user:{reader.pk})")
        # Assigned and mentioned in one save: one e-mail naming both (issue 15).
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["reader@example.com"])
        self.assertIn("assigned", mail.outbox[0].subject)
        self.assertIn("mentioned you", mail.outbox[0].subject)
        quiet = member(company, *ALL, email="quiet@example.com")
        with self.captureOnCommitCallbacks(execute=True):
            factories.task(company, author, assignee=quiet)
        self.assertEqual(len(mail.outbox), 1)
