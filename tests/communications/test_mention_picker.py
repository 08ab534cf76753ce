from datetime import date

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.mentions import parse
from orders.models import Order, Product
from tests.communications import factories
from tests.factories import CompanyFactory, DepartmentFactory, PartnerAccountFactory, PartnerFactory, member


class MentionSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.other_company = CompanyFactory()
        cls.user = member(cls.company, first_name="Ugo", last_name="User")
        cls.anna = member(cls.company, first_name="Anna", last_name="Kiss")
        cls.stranger = member(cls.other_company, first_name="Anna", last_name="Stranger")
        cls.sales = DepartmentFactory(company=cls.company, name="Sales")
        DepartmentFactory(company=cls.other_company, name="Sales abroad")
        cls.partner = PartnerAccountFactory(
            company=cls.company, owner=cls.user, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        cls.hidden = PartnerAccountFactory(
            company=cls.company, owner=cls.anna, partner=PartnerFactory(name="Duna Hidden")
        ).partner
        cls.product = Product.objects.create(code="DU-1", name="Duna pump")
        cls.order = Order.objects.create(
            company=cls.company, number="SO-DUNA", kind="customer", ordered_on=date(2026, 1, 1)
        )
        Order.objects.create(
            company=cls.other_company, number="SO-DUNA-X", kind="customer", ordered_on=date(2026, 1, 1)
        )
        cls.thread = factories.thread(cls.company, cls.user, subject="Duna tender")
        cls.task = factories.task(cls.company, cls.user, thread=cls.thread, subject="Duna follow-up")
        factories.thread(cls.company, cls.anna, subject="Duna secret")

    def search(self, trigger, q):
        self.client.force_login(self.user)
        response = self.client.get("/mentions/search/", {"trigger": trigger, "q": q})
        self.assertEqual(response.status_code, 200)
        return response.json()["results"]

    def test_people_and_departments_of_the_active_company_only(self):
        results = self.search("@", "ann")
        self.assertEqual([(r["kind"], r["id"]) for r in results], [("user", self.anna.pk)])
        self.assertEqual([r["label"] for r in self.search("@", "sales")], ["Sales"])

    def test_objects_within_the_users_visibility(self):
        results = self.search("#", "duna")
        found = {(r["kind"], r["id"]) for r in results}
        self.assertEqual(
            found,
            {("partner", self.partner.pk), ("product", self.product.pk), ("order", self.order.pk),
             ("thread", self.thread.pk), ("task", self.task.pk)},
        )  # fmt: skip
        for result in results:
            (target,) = parse(result["token"])
            self.assertEqual((target.kind, target.pk), (result["kind"], result["id"]))

    def test_hostile_queries(self):
        for q in ("'", "<script>", "]" * 10, "x" * 10000, "\x00"):
            for trigger in ("@", "#", "%"):
                results = self.search(trigger, q)
                self.assertTrue(all("]" not in r["label"] for r in results))

    def test_query_count_is_constant(self):
        self.client.force_login(self.user)

        def count():
            with CaptureQueriesContext(connection) as queries:
                self.client.get("/mentions/search/", {"trigger": "#", "q": "duna"})
            return len(queries)

        count()
        few = count()
        for index in range(15):
            factories.task(self.company, self.user, subject=f"Duna {index}")
        self.assertEqual(count(), few)

    def test_anonymous_is_sent_to_login(self):
        self.assertEqual(self.client.get("/mentions/search/?trigger=@&q=a").status_code, 302)
