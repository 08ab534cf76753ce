"""A colleague reached by a mention or an assignment reads and edits the item although its thread
and partner are someone else's: the form keeps the item's own thread, partner and contact, and the
pages show what the reader cannot open as text, not as links that answer 404."""

from django.db import connection
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext

from communications.models import Communication, Task
from communications.templatetags.mentions import link_if_visible
from companies.visibility import Viewer
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.events.factories import EventFactory
from tests.factories import CompanyFactory, ContactFactory, PartnerAccountFactory, PartnerFactory, member

EVENTS = ("events.view_event",)
NOTE = "(not shared with you)"


class SharedItemTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        # Peers: neither supervises the other, so sales2 sees sales1's records only through shares.
        cls.sales1 = member(cls.company, *ALL, *EVENTS, first_name="Sam", last_name="One")
        cls.sales2 = member(cls.company, *ALL, *EVENTS, first_name="Sara", last_name="Two")
        cls.duna = PartnerAccountFactory(
            company=cls.company, owner=cls.sales1, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        cls.contact = ContactFactory(partner=cls.duna, first_name="Kata", last_name="Kovács")
        cls.thread = factories.thread(cls.company, cls.sales1, subject="Duna renewal", partner=cls.duna)
        cls.secret = factories.thread(cls.company, cls.sales1, subject="Secret pricing")
        cls.item = factories.communication(
            cls.company,
            cls.sales1,
            thread=cls.thread,
            partner=cls.duna,
            contact=cls.contact,
            subject="Renewal terms",
            description=f"Please check the terms @[Sara](user:{cls.sales2.pk})",
        )
        # Mentioned, not assigned: an assignee sees the whole thread (ThreadQuerySet.extra_visibility).
        cls.task = factories.task(
            cls.company,
            cls.sales1,
            thread=cls.thread,
            partner=cls.duna,
            subject="Call back",
            description=f"@[Sara](user:{cls.sales2.pk}) please call",
        )

    def communication_data(self, **changes) -> dict:
        data = {
            "direction": self.item.direction,
            "channel": self.item.channel,
            "thread": self.thread.pk,
            "partner": self.duna.pk,
            "counterparty_text": "",
            "contact": self.contact.pk,
            "subject": self.item.subject,
            "description": self.item.description,
            "assignee": "",
            "status": self.item.status,
        }
        return {**data, **changes}

    # Fault 1: the edit form -------------------------------------------------------------------

    def test_a_mentioned_colleague_edits_and_saves_without_changing_the_thread(self):
        self.client.force_login(self.sales2)
        page = self.client.get(f"/communications/{self.item.pk}/edit/")
        self.assertContains(
            page, f'<option value="{self.thread.pk}" selected>Duna renewal</option>', html=True
        )
        self.assertNotContains(page, "Secret pricing")  # other hidden threads are not offered
        response = self.client.post(
            f"/communications/{self.item.pk}/edit/", self.communication_data(subject="Renewal terms v2")
        )
        self.assertRedirects(response, f"/communications/{self.item.pk}/")
        saved = Communication.objects.get(pk=self.item.pk)
        self.assertEqual(saved.subject, "Renewal terms v2")
        self.assertEqual((saved.thread, saved.partner, saved.contact), (self.thread, self.duna, self.contact))

    def test_another_hidden_thread_is_refused_and_nothing_typed_is_lost(self):
        self.client.force_login(self.sales2)
        response = self.client.post(
            f"/communications/{self.item.pk}/edit/",
            self.communication_data(
                thread=self.secret.pk, subject="Moved subject", description="Words I typed with care"
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("thread", response.context["form"].errors)
        self.assertContains(response, "Moved subject")
        self.assertContains(response, "Words I typed with care")
        self.assertEqual(Communication.objects.get(pk=self.item.pk).thread, self.thread)

    def test_a_mentioned_colleague_saves_the_task_in_its_own_thread(self):
        self.client.force_login(self.sales2)
        response = self.client.post(
            f"/tasks/{self.task.pk}/edit/",
            {
                "thread": self.thread.pk,
                "partner": self.duna.pk,
                "subject": "Call back",
                "description": "Called, waiting",
                "assignee": "",
                "deadline": "",
                "status": self.task.status,
            },
        )
        self.assertRedirects(response, f"/tasks/{self.task.pk}/")
        saved = Task.objects.get(pk=self.task.pk)
        self.assertEqual(
            (saved.thread, saved.partner, saved.description), (self.thread, self.duna, "Called, waiting")
        )

    # Fault 2: the pages link only what the reader may open ------------------------------------

    def test_the_shared_reader_sees_the_thread_and_partner_as_text(self):
        self.client.force_login(self.sales2)
        for url in (f"/communications/{self.item.pk}/", f"/tasks/{self.task.pk}/"):
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200)
            self.assertNotContains(page, f'href="/threads/{self.thread.pk}/"')
            self.assertNotContains(page, f'href="/partners/{self.duna.pk}/"')
            self.assertContains(page, "Duna renewal")
            self.assertContains(page, "Duna Zrt.")
            self.assertContains(page, NOTE)
            self.assertEqual(
                self.client.get(f"/threads/{self.thread.pk}/").status_code, 404
            )  # as the text says
            self.assertEqual(self.client.get(f"/partners/{self.duna.pk}/").status_code, 404)

    def test_the_owner_sees_both_links(self):
        self.client.force_login(self.sales1)
        for url in (f"/communications/{self.item.pk}/", f"/tasks/{self.task.pk}/"):
            page = self.client.get(url)
            self.assertContains(page, f'<a href="/threads/{self.thread.pk}/">Duna renewal</a>', html=True)
            self.assertContains(page, f'<a href="/partners/{self.duna.pk}/">Duna Zrt.</a>', html=True)
            self.assertNotContains(page, NOTE)

    def test_a_shared_thread_shows_a_hidden_partner_as_text(self):
        thread = factories.thread(
            self.company, self.sales1, subject="Duna audit", partner=self.duna,
            description=f"FYI @[Sara](user:{self.sales2.pk})",
        )  # fmt: skip
        self.client.force_login(self.sales2)
        page = self.client.get(f"/threads/{thread.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, f'href="/partners/{self.duna.pk}/"')
        self.assertContains(page, f'Duna Zrt. <small class="not-shared">{NOTE}</small>')
        self.client.force_login(self.sales1)
        self.assertContains(self.client.get(f"/threads/{thread.pk}/"), f'href="/partners/{self.duna.pk}/"')

    def test_an_event_page_shows_a_hidden_partner_and_earlier_event_as_text(self):
        earlier = EventFactory(company=self.company, owner=self.sales1, subject="First visit")
        event = EventFactory(
            company=self.company,
            owner=self.sales1,
            subject="Second visit",
            partner=self.duna,
            follows=earlier,
        )
        event.participants.add(self.sales2)
        self.client.force_login(self.sales2)
        page = self.client.get(f"/events/{event.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, f'href="/partners/{self.duna.pk}/"')
        self.assertNotContains(page, f'href="/events/{earlier.pk}/"')
        self.assertContains(page, "First visit")
        self.assertContains(page, NOTE)
        self.client.force_login(self.sales1)
        page = self.client.get(f"/events/{event.pk}/")
        self.assertContains(page, f'href="/partners/{self.duna.pk}/"')
        self.assertContains(page, f'href="/events/{earlier.pk}/"')

    def test_the_tag_costs_nothing_for_own_records_and_one_query_otherwise(self):
        def render(user, obj) -> tuple[str, int]:
            request = RequestFactory().get("/")
            request.user, request.company = user, self.company
            request.membership = user.memberships.get(company=self.company)
            viewer = Viewer.for_request(request)  # as after the view loaded the page's record:
            self.assertFalse(viewer.sees_all)  # access and people are cached for the request
            self.assertIn(user.pk, viewer.visible_user_ids)
            with CaptureQueriesContext(connection) as queries:
                html = link_if_visible({"request": request}, obj)
                link_if_visible({"request": request}, obj)  # again on the page: kept on the request
            return html, len(queries)

        self.assertEqual(
            render(self.sales1, self.thread), (f'<a href="/threads/{self.thread.pk}/">Duna renewal</a>', 0)
        )
        html, count = render(self.sales2, self.thread)
        self.assertEqual((html.startswith("Duna renewal <small"), count), (True, 1))
        self.assertEqual(render(self.sales1, self.duna)[1], 1)  # a partner's owner is on its account
