"""Orders follow their partner's account: a colleague's partner's order is a 404 and never offered."""

from datetime import date

from django.test import TestCase

from communications.mentions import render
from communications.models import Thread
from companies.visibility import Viewer
from orders.models import Order
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

SEE_ALL = "companies.view_all_company_data"


def order(company, number, partner=None, kind="customer"):
    return Order.objects.create(
        company=company, number=number, kind=kind, partner=partner, ordered_on=date(2026, 3, 2)
    )


class OrderVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.lead = member(cls.company, *ALL, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, *ALL, first_name="Sanyi", last_name="Seller")
        cls.sibling = member(cls.company, *ALL, first_name="Zsuzsa", last_name="Sibling")
        cls.finance = member(cls.company, *ALL, SEE_ALL, first_name="Feri", last_name="Finance")
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        cls.partner = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        cls.sibling_partner = PartnerAccountFactory(
            company=cls.company, owner=cls.sibling, partner=PartnerFactory(name="Tisza Kft.")
        ).partner
        cls.order = order(cls.company, "SO-DUNA-1", cls.partner)
        cls.hidden = order(cls.company, "SO-TISZA-1", cls.sibling_partner)
        cls.production = order(cls.company, "PO-0001", kind="production")

    def get(self, user, url):
        self.client.force_login(user)
        return self.client.get(url)

    def test_a_sibling_s_partner_s_order_is_a_404(self):
        self.assertEqual(self.get(self.seller, f"/orders/{self.hidden.pk}/").status_code, 404)
        self.assertContains(self.get(self.sibling, f"/orders/{self.hidden.pk}/"), "SO-TISZA-1")

    def test_the_supervisor_and_finance_open_it(self):
        self.assertContains(self.get(self.lead, f"/orders/{self.hidden.pk}/"), "SO-TISZA-1")
        self.assertContains(self.get(self.finance, f"/orders/{self.hidden.pk}/"), "Tisza Kft.")

    def test_an_order_without_a_partner_is_the_whole_company_s(self):
        self.assertContains(self.get(self.seller, f"/orders/{self.production.pk}/"), "PO-0001")
        self.assertContains(self.get(self.sibling, f"/orders/{self.production.pk}/"), "PO-0001")

    def test_the_order_page_lists_only_threads_the_viewer_sees(self):
        mine = factories.thread(self.company, self.seller, subject="Duna delivery dates", orders=[self.order])
        factories.thread(self.company, self.sibling, subject="Sibling's own notes", orders=[self.order])
        response = self.get(self.seller, f"/orders/{self.order.pk}/")
        self.assertEqual(list(response.context["threads"]), [mine])
        self.assertNotContains(response, "Sibling&#x27;s own notes")
        self.assertEqual(len(self.get(self.lead, f"/orders/{self.order.pk}/").context["threads"]), 2)

    def test_lists_offer_only_visible_orders(self):
        viewer = Viewer.for_user(self.seller, self.company)
        self.assertEqual(set(Order.objects.visible_to(viewer)), {self.order, self.production})
        form = self.get(self.seller, "/threads/new/").context["form"]
        self.assertEqual(set(form.fields["orders"].queryset), {self.order, self.production})

    def test_the_mention_picker_never_offers_a_hidden_order(self):
        self.client.force_login(self.seller)
        results = self.client.get("/mentions/search/", {"trigger": "#", "q": "SO-"}).json()["results"]
        self.assertEqual([(r["kind"], r["label"]) for r in results], [("order", "SO-DUNA-1")])
        self.client.force_login(self.lead)
        results = self.client.get("/mentions/search/", {"trigger": "#", "q": "SO-"}).json()["results"]
        self.assertEqual({r["label"] for r in results}, {"SO-DUNA-1", "SO-TISZA-1"})

    def test_a_mention_of_a_hidden_order_stays_the_typed_label(self):
        text = f"See #[their order](order:{self.hidden.pk}) and #[ours](order:{self.order.pk})"
        html = str(render(text, self.company, Viewer.for_user(self.seller, self.company)))
        self.assertIn("#their order", html)
        self.assertNotIn(f"/orders/{self.hidden.pk}/", html)
        self.assertIn(f'href="/orders/{self.order.pk}/"', html)
        html = str(render(text, self.company, Viewer.for_user(self.sibling, self.company)))
        self.assertIn(f'href="/orders/{self.hidden.pk}/"', html)


class ThreadOrdersTests(TestCase):
    """A thread a colleague reads may link orders of a partner the colleague does not see."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company, *ALL)
        cls.colleague = member(cls.company, *ALL)
        partner = PartnerAccountFactory(company=cls.company, owner=cls.seller).partner
        cls.order = order(cls.company, "SO-SECRET-7", partner)
        cls.thread = factories.thread(cls.company, cls.seller, subject="Delivery", orders=[cls.order])
        # The colleague wrote in the thread, so they read it (and may edit it).
        factories.communication(cls.company, cls.colleague, thread=cls.thread, subject="Called them")

    def test_the_timeline_leaves_out_an_order_the_reader_may_not_open(self):
        self.client.force_login(self.colleague)
        response = self.client.get(f"/threads/{self.thread.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual([item.kind for item in response.context["timeline"].items], ["communication"])
        self.assertNotContains(response, f'href="/orders/{self.order.pk}/"')
        self.client.force_login(self.seller)
        response = self.client.get(f"/threads/{self.thread.pk}/")
        self.assertEqual(
            [item.kind for item in response.context["timeline"].items], ["order", "communication"]
        )
        self.assertContains(response, f'href="/orders/{self.order.pk}/"')

    def test_saving_the_thread_unchanged_keeps_the_hidden_order_linked(self):
        self.client.force_login(self.colleague)
        page = self.client.get(f"/threads/{self.thread.pk}/edit/")
        self.assertContains(page, f'<option value="{self.order.pk}" selected>')
        # The browser sends back the selected option.
        data = {"subject": "Delivery, renamed", "orders": [self.order.pk]}
        response = self.client.post(f"/threads/{self.thread.pk}/edit/", data)
        self.assertEqual(response.status_code, 302)
        thread = Thread.objects.get(pk=self.thread.pk)
        self.assertEqual(thread.subject, "Delivery, renamed")
        self.assertEqual(list(thread.orders.all()), [self.order])
