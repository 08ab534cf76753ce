"""A thread's timeline and history show only the events and orders the reader may open (issue 18)."""

from datetime import date

from django.test import TestCase
from django.utils import translation

from orders.models import Order
from tests.communications.factories import thread
from tests.events.factories import EventFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, member, supervise

READ = ("communications.view_thread", "events.view_event", "partners.view_partner")


class ThreadTimelineAndHistoryVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.boss = member(cls.company, *READ)
        cls.seller = member(cls.company, *READ)
        cls.sibling = member(cls.company, *READ)
        supervise(cls.company, cls.boss, cls.seller)
        supervise(cls.company, cls.boss, cls.sibling)
        own = PartnerAccountFactory(company=cls.company, owner=cls.seller).partner
        hidden = PartnerAccountFactory(company=cls.company, owner=cls.sibling).partner
        cls.own_order = Order.objects.create(
            company=cls.company, partner=own, number="SO-OWN-1", kind="customer", ordered_on=date(2026, 3, 1)
        )
        cls.hidden_order = Order.objects.create(
            company=cls.company,
            partner=hidden,
            number="SO-HIDDEN-7",
            kind="customer",
            ordered_on=date(2026, 3, 2),
        )
        with translation.override("hu"):  # the log keeps the name in the saver's language
            cls.thread = thread(
                cls.company, cls.seller, "Pump offer", orders=[cls.own_order, cls.hidden_order]
            )
        EventFactory(company=cls.company, owner=cls.seller, thread=cls.thread, subject="Seller's visit")
        EventFactory(
            company=cls.company, owner=cls.sibling, thread=cls.thread, subject="Sibling's private visit"
        )

    def page(self, user) -> str:
        self.client.force_login(user)
        response = self.client.get(f"/threads/{self.thread.pk}/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def history(self, html: str) -> str:
        return html[html.index('<details class="history">') :]

    def test_timeline_leaves_out_a_colleagues_event_the_reader_may_not_open(self):
        html = self.page(self.seller)
        self.assertIn("Seller&#x27;s visit", html)
        self.assertNotIn("Sibling&#x27;s private visit", html)
        self.assertIn("Sibling&#x27;s private visit", self.page(self.boss))

    def test_history_does_not_name_an_order_the_reader_may_not_open(self):
        history = self.history(self.page(self.seller))
        self.assertIn("SO-OWN-1", history)
        self.assertNotIn("SO-HIDDEN-7", history)
        self.assertIn("1 order not shared with you", history)
        boss_history = self.history(self.page(self.boss))
        self.assertIn("SO-OWN-1", boss_history)
        self.assertIn("SO-HIDDEN-7", boss_history)
        self.assertNotIn("not shared with you", boss_history)
