"""Mentions never show a viewer the name of (or a link to) a record they may not open."""

from datetime import date

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.mentions import mentioned_in, render
from communications.models import Mention, Notification
from communications.services import communication_update
from companies.visibility import Viewer
from orders.models import Order, Product
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import (
    CompanyFactory,
    DepartmentFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
    supervise,
)


class MentionVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *ALL, first_name="Bori", last_name="Boss")
        cls.sales1 = member(cls.company, *ALL, first_name="Sanyi", last_name="Sales")
        cls.sales2 = member(cls.company, *ALL, first_name="Zsuzsa", last_name="Seller")
        supervise(cls.company, cls.boss, cls.sales1)
        supervise(cls.company, cls.boss, cls.sales2)
        cls.team = DepartmentFactory(company=cls.company, name="Field team")
        cls.own_partner = PartnerAccountFactory(
            company=cls.company, owner=cls.sales1, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        cls.colleague_partner = PartnerAccountFactory(
            company=cls.company, owner=cls.sales2, partner=PartnerFactory(name="Tisza Logisztika Kft.")
        ).partner
        cls.foreign_partner = PartnerAccountFactory(
            company=CompanyFactory(), partner=PartnerFactory(name="Plovdiv Pack EOOD")
        ).partner
        cls.own_thread = factories.thread(cls.company, cls.sales1, subject="Duna pump offer")
        cls.hidden_thread = factories.thread(cls.company, cls.sales2, subject="Secret Tisza tender")
        cls.hidden_task = factories.task(
            cls.company, cls.sales2, thread=cls.hidden_thread, subject="Call back about the invoice"
        )
        # A colleague's task in sales1's own thread opens for sales1 (like the task page).
        cls.task_in_own_thread = factories.task(
            cls.company, cls.sales2, thread=cls.own_thread, subject="Send the brochure"
        )
        cls.product = Product.objects.create(code="DU-1", name="Duna pump")
        cls.order = Order.objects.create(
            company=cls.company, number="SO-DUNA", kind="customer", ordered_on=date(2026, 1, 1)
        )
        cls.hidden_tokens = (
            f"#[x](partner:{cls.colleague_partner.pk}) #[y](partner:{cls.foreign_partner.pk}) "
            f"#[z](task:{cls.hidden_task.pk}) #[w](thread:{cls.hidden_thread.pk})"
        )
        cls.visible_tokens = (
            f"@[Bori](user:{cls.boss.pk}) @[Team](department:{cls.team.pk}) "
            f"#[mine](partner:{cls.own_partner.pk}) #[pump](product:{cls.product.pk}) "
            f"#[order](order:{cls.order.pk}) #[offer](thread:{cls.own_thread.pk}) "
            f"#[brochure](task:{cls.task_in_own_thread.pk})"
        )

    def viewer(self, user):
        return Viewer.for_user(user, self.company)

    def rendered(self, text, user):
        return str(render(text, self.company, self.viewer(user)))

    def assert_hidden_from(self, html):
        for name in (
            "Tisza Logisztika",
            "Plovdiv Pack",
            "Call back about the invoice",
            "Secret Tisza tender",
        ):
            self.assertNotIn(name, html)
        for href in (
            f"/partners/{self.colleague_partner.pk}/",
            f"/partners/{self.foreign_partner.pk}/",
            self.hidden_task.get_absolute_url(),
            self.hidden_thread.get_absolute_url(),
        ):
            self.assertNotIn(f'href="{href}"', html)

    def assert_visible_links(self, html):
        for href, label in (
            (f"/partners/{self.own_partner.pk}/", "#Duna Zrt."),
            (self.product.get_absolute_url(), f"#{self.product}"),
            (self.order.get_absolute_url(), f"#{self.order}"),
            (self.own_thread.get_absolute_url(), "#Duna pump offer"),
            (self.task_in_own_thread.get_absolute_url(), f"#{self.task_in_own_thread}"),
            (f"/org/people/{self.boss.pk}/", "@Bori Boss"),
        ):
            self.assertIn(f'href="{href}"', html)
            self.assertIn(label, html)
        self.assertIn("@Field team</a>", html)

    def test_hidden_mentions_render_as_the_typed_label_for_a_sales_user(self):
        html = self.rendered(self.hidden_tokens, self.sales1)
        self.assert_hidden_from(html)
        self.assertEqual(html, "#x #y #z #w")

    def test_the_typed_label_of_a_hidden_mention_is_escaped(self):
        html = self.rendered(f"#[<b>x</b>](partner:{self.colleague_partner.pk})", self.sales1)
        self.assertEqual(html, "#&lt;b&gt;x&lt;/b&gt;")

    def test_visible_mentions_keep_their_links_and_current_names(self):
        html = self.rendered(self.visible_tokens, self.sales1)
        self.assert_visible_links(html)
        self.assertNotIn("#mine", html)

    def test_the_supervisor_sees_links_and_names(self):
        html = self.rendered(self.hidden_tokens, self.boss)
        self.assertIn(f'href="/partners/{self.colleague_partner.pk}/"', html)
        self.assertIn("#Tisza Logisztika Kft.", html)
        self.assertIn(f'href="{self.hidden_task.get_absolute_url()}"', html)
        self.assertIn(f"#{self.hidden_task}", html)
        self.assertIn(f'href="{self.hidden_thread.get_absolute_url()}"', html)
        self.assertIn("#Secret Tisza tender", html)
        # A partner without an account in this company is nobody's here.
        self.assertNotIn("Plovdiv Pack", html)
        self.assertIn("#y", html)

    def test_the_detail_page_shows_each_viewer_only_what_they_may_open(self):
        item = factories.communication(
            self.company, self.sales1, description=f"{self.hidden_tokens}\n{self.visible_tokens}"
        )
        self.client.force_login(self.sales1)
        response = self.client.get(item.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assert_hidden_from(body)
        self.assert_visible_links(body)

        self.client.force_login(self.boss)
        body = self.client.get(item.get_absolute_url()).content.decode()
        self.assertIn("#Tisza Logisztika Kft.", body)
        self.assertIn(f'href="{self.hidden_thread.get_absolute_url()}"', body)
        self.assertNotIn("Plovdiv Pack", body)

    def test_render_queries_do_not_grow_with_the_number_of_mentions(self):
        partners = [
            PartnerAccountFactory(company=self.company, owner=self.sales2).partner for _index in range(12)
        ]
        tasks = [factories.task(self.company, self.sales2, thread=self.hidden_thread) for _index in range(12)]
        many = " ".join([f"#[p](partner:{p.pk})" for p in partners] + [f"#[t](task:{t.pk})" for t in tasks])
        few = f"#[p](partner:{partners[0].pk}) #[t](task:{tasks[0].pk})"

        def count(text):
            viewer = self.viewer(self.sales1)
            with CaptureQueriesContext(connection) as queries:
                render(text, self.company, viewer)
            return len(queries)

        count(few)  # warm caches
        self.assertEqual(count(many), count(few))

    def test_saving_stores_only_mentions_of_what_the_author_may_open(self):
        item = factories.communication(
            self.company,
            self.sales1,
            description=f"{self.hidden_tokens} #[mine](partner:{self.own_partner.pk})",
        )
        self.assertEqual([m.target for m in Mention.objects.all()], [self.own_partner])
        # Nobody finds the sales user's communication through the hidden records' pages.
        self.assertEqual(mentioned_in(self.colleague_partner, self.viewer(self.boss)), [])
        self.assertEqual(mentioned_in(self.hidden_task, self.viewer(self.boss)), [])
        self.assertEqual(mentioned_in(self.own_partner, self.viewer(self.boss)), [item])

    def test_notifications_reach_people_but_carry_no_hidden_name(self):
        factories.communication(
            self.company, self.sales1, description=f"@[Bori](user:{self.boss.pk}) {self.hidden_tokens}"
        )
        notification = Notification.objects.get(verb="mention")
        self.assertEqual(notification.recipient_id, self.boss.pk)
        shown = f"{notification} {notification.url}"
        for name in (
            "Tisza Logisztika",
            "Plovdiv Pack",
            "Call back about the invoice",
            "Secret Tisza tender",
        ):
            self.assertNotIn(name, shown)

    def test_mentions_stored_by_the_supervisor_survive_the_sales_users_edit(self):
        item = factories.communication(self.company, self.sales1, description="Draft")
        communication_update(communication=item, actor=self.boss, description=self.hidden_tokens)
        stored = {(m.target_type.model, m.target_id) for m in Mention.objects.all()}
        self.assertEqual(
            stored,
            {("partner", self.colleague_partner.pk), ("task", self.hidden_task.pk),
             ("thread", self.hidden_thread.pk)},
        )  # fmt: skip
        communication_update(
            communication=item, actor=self.sales1, description=f"{self.hidden_tokens} (typo)"
        )
        self.assertEqual({(m.target_type.model, m.target_id) for m in Mention.objects.all()}, stored)
        # Once the sales user deletes a token, they cannot bring its stored mention back.
        communication_update(
            communication=item, actor=self.sales1, description=f"#[z](task:{self.hidden_task.pk})"
        )
        self.assertEqual([m.target for m in Mention.objects.all()], [self.hidden_task])
        communication_update(communication=item, actor=self.sales1, description=self.hidden_tokens)
        self.assertEqual([m.target for m in Mention.objects.all()], [self.hidden_task])

    def test_without_a_viewer_only_the_companys_partners_resolve(self):
        html = str(render(self.hidden_tokens, self.company))
        self.assertIn("#Tisza Logisztika Kft.", html)
        self.assertNotIn("Plovdiv Pack", html)
