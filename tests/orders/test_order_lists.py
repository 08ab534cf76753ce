"""The order and product lists (issue 18): what they show, filters, sorting, page sizes, exports,
isolation between companies and sibling sellers, hostile input, and constant query counts."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from orders.models import Order, OrderLine, Product
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

SEE_ALL = "companies.view_all_company_data"


def order(company, number, partner=None, *, kind="customer", status="open", total="0", currency="HUF", day=2):
    return Order.objects.create(
        company=company,
        number=number,
        kind=kind,
        partner=partner,
        status=status,
        total=Decimal(total),
        currency=currency,
        ordered_on=date(2026, 3, day),
    )


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


class OrderListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.lead = member(cls.company, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, first_name="Sanyi", last_name="Seller")
        cls.sibling = member(cls.company, first_name="Zsuzsa", last_name="Sibling")
        cls.finance = member(cls.company, SEE_ALL)
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        cls.duna = PartnerAccountFactory(
            company=cls.company,
            owner=cls.seller,
            partner=PartnerFactory(name="Duna Zrt.", tax_number="12345678"),
        ).partner
        cls.tisza = PartnerAccountFactory(
            company=cls.company, owner=cls.sibling, partner=PartnerFactory(name="Tisza Kft.")
        ).partner
        cls.big = order(cls.company, "SO-DUNA-1", cls.duna, total="1234567.50", day=5)
        cls.small = order(cls.company, "SO-DUNA-2", cls.duna, total="990", status="done", day=3)
        cls.hidden = order(cls.company, "SO-TISZA-1", cls.tisza, total="5000")
        cls.production = order(cls.company, "PO-0001", kind="production", status="in_progress", day=1)
        other = CompanyFactory()
        cls.stranger = member(other, SEE_ALL)
        cls.foreign = order(other, "SO-OTHER-1", PartnerFactory(name="Idegen Kft."), total="777")

    def get(self, user, url="/orders/", **params):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)
        return self.client.get(url, params)

    def numbers(self, response) -> list[str]:
        return [row.number for row in response.context["page"].object_list]

    def test_a_seller_sees_their_partners_orders_and_the_company_s_own_not_a_sibling_s(self):
        response = self.get(self.seller)
        self.assertEqual(self.numbers(response), ["SO-DUNA-1", "SO-DUNA-2", "PO-0001"])
        self.assertContains(response, "Duna Zrt.")
        self.assertNotContains(response, "SO-TISZA-1")
        self.assertNotContains(response, "SO-OTHER-1")

    def test_the_supervisor_and_finance_see_every_order_of_their_company_only(self):
        for user in (self.lead, self.finance):
            self.assertEqual(
                set(self.numbers(self.get(user))), {"SO-DUNA-1", "SO-DUNA-2", "SO-TISZA-1", "PO-0001"}
            )
        self.assertEqual(self.numbers(self.get(self.stranger)), ["SO-OTHER-1"])

    def test_amounts_are_grouped_right_aligned_and_totalled_per_page(self):
        response = self.get(self.seller)
        html = response.content.decode()
        self.assertIn('<td class="amount">1,234,568\xa0Ft</td>', html)
        self.assertIn('<td class="date">05/03/2026</td>', html)
        self.assertEqual(response.context["page_totals"], [("HUF", Decimal("1235557.50"))])

    def test_filters_search_and_sorting(self):
        self.assertEqual(self.numbers(self.get(self.seller, status="done")), ["SO-DUNA-2"])
        self.assertEqual(self.numbers(self.get(self.seller, kind="production")), ["PO-0001"])
        self.assertEqual(self.numbers(self.get(self.seller, q="12345678")), ["SO-DUNA-1", "SO-DUNA-2"])
        self.assertEqual(self.numbers(self.get(self.seller, q="tisza")), [])
        self.assertEqual(self.numbers(self.get(self.seller, total_min="1000")), ["SO-DUNA-1"])
        self.assertEqual(
            self.numbers(self.get(self.seller, ordered_from="2026-03-02")), ["SO-DUNA-1", "SO-DUNA-2"]
        )
        self.assertEqual(
            self.numbers(self.get(self.seller, sort="total")), ["PO-0001", "SO-DUNA-2", "SO-DUNA-1"]
        )
        self.assertEqual(
            self.numbers(self.get(self.seller, sort="-date")), ["SO-DUNA-1", "SO-DUNA-2", "PO-0001"]
        )

    def test_active_filters_show_as_chips_that_remove_themselves(self):
        response = self.get(self.seller, status="done", q="duna")
        html = response.content.decode()
        self.assertIn("Status: Completed", html)
        self.assertIn('href="?q=duna"', html)  # the chip of the status: the same list without it
        self.assertIn('href="?status=done"', html)  # the search's chip
        # The last chip's link keeps the list from opening the default view again.
        self.assertIn('href="?all=1"', self.get(self.seller, status="done").content.decode())

    def test_no_results_says_which_filter_hid_everything(self):
        response = self.get(self.seller, status="cancelled", kind="customer")
        html = response.content.decode()
        self.assertContains(response, "No orders match these filters.")
        self.assertIn("this filter alone hides every row", html)
        self.assertIn("remove “Status: Cancelled”", html)
        self.assertNotIn("remove “Kind: Customer order”", html)

    def test_bad_filter_values_give_an_error_next_to_the_field_never_a_500(self):
        for params in (
            {"total_min": "abc"},
            {"total_min": "1e999"},
            {"ordered_from": "2026-02-31"},
            {"status": "nonsense"},
            {"sort": "password"},
            {"page": "99999999999999999999"},
            {"per_page": "100000"},
            {"q": "x" * 500},
        ):
            with self.subTest(params=params):
                response = self.get(self.seller, **params)
                self.assertEqual(response.status_code, 200)
        response = self.get(self.seller, total_min="abc")
        self.assertContains(response, "Enter a number.")
        self.assertEqual(self.numbers(response), [])

    def test_page_size_is_remembered(self):
        self.assertEqual(self.get(self.seller, per_page="50").context["page"].paginator.per_page, 50)
        self.assertEqual(self.get(self.seller).context["page"].paginator.per_page, 50)

    def test_csv_export_has_the_filtered_visible_orders_only(self):
        rows = csv_rows(self.get(self.seller, "/orders/export.csv", sort="number"))
        self.assertEqual(rows[0][:4], ["Number", "Kind", "Date", "Partner"])
        self.assertEqual([row[0] for row in rows[1:]], ["PO-0001", "SO-DUNA-1", "SO-DUNA-2"])
        self.assertEqual(rows[2][6:8], ["1,234,567.50", "HUF"])  # grouped as in English, its currency apart
        rows = csv_rows(self.get(self.seller, "/orders/export.csv", status="done"))
        self.assertEqual([row[0] for row in rows[1:]], ["SO-DUNA-2"])

    def test_xlsx_export(self):
        response = self.get(self.lead, "/orders/export.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="orders.xlsx"')
        self.assertTrue(response.content.startswith(b"PK"))

    def test_the_list_needs_a_login(self):
        self.assertEqual(self.client.get("/orders/").status_code, 302)
        self.assertEqual(self.client.get("/products/").status_code, 302)


class ProductListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company)
        cls.sibling = member(cls.company)
        mine = PartnerAccountFactory(company=cls.company, owner=cls.seller).partner
        theirs = PartnerAccountFactory(company=cls.company, owner=cls.sibling).partner
        cls.bolt = Product.objects.create(code="B-100", name="Bolt M8", unit="pcs")
        cls.nut = Product.objects.create(code="N-200", name="Nut M8", unit="pcs", erp_id="77")
        cls.old = Product.objects.create(code="O-300", name="Old washer", is_active=False)
        mine_order = order(cls.company, "SO-1", mine)
        OrderLine.objects.create(order=mine_order, product=cls.bolt, quantity=Decimal("1500"))
        theirs_order = order(cls.company, "SO-2", theirs)
        OrderLine.objects.create(order=theirs_order, product=cls.nut, quantity=Decimal("40"))
        other = CompanyFactory()
        foreign = order(other, "SO-X", PartnerFactory())
        OrderLine.objects.create(order=foreign, product=cls.bolt, quantity=Decimal("999"))

    def get(self, user, url="/products/", **params):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)
        return self.client.get(url, params)

    def rows(self, response):
        return [(p.code, p.order_count, p.ordered_quantity) for p in response.context["page"].object_list]

    def test_counts_only_the_orders_the_viewer_sees(self):
        self.assertEqual(
            self.rows(self.get(self.seller)),
            [("B-100", 1, Decimal("1500")), ("N-200", 0, Decimal("0")), ("O-300", 0, Decimal("0"))],
        )
        self.assertEqual(
            self.rows(self.get(self.sibling))[:2], [("B-100", 0, Decimal("0")), ("N-200", 1, Decimal("40"))]
        )
        self.assertContains(self.get(self.seller), '<td class="amount">1,500</td>', html=False)

    def test_filters_and_sorting(self):
        self.assertEqual([r[0] for r in self.rows(self.get(self.seller, active="0"))], ["O-300"])
        self.assertEqual([r[0] for r in self.rows(self.get(self.seller, erp="1"))], ["N-200"])
        self.assertEqual([r[0] for r in self.rows(self.get(self.seller, ordered="1"))], ["B-100"])
        self.assertEqual(
            [r[0] for r in self.rows(self.get(self.seller, q="m8", sort="-name"))], ["N-200", "B-100"]
        )
        self.assertEqual([r[0] for r in self.rows(self.get(self.seller, sort="-quantity"))][0], "B-100")

    def test_exports(self):
        rows = csv_rows(self.get(self.seller, "/products/export.csv"))
        self.assertEqual(rows[1][:6], ["B-100", "Bolt M8", "pcs", "yes", "1", "1,500"])
        self.assertEqual(self.get(self.seller, "/products/export.xlsx").status_code, 200)


class ListQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company)
        cls.sales = member(cls.company)
        supervise(cls.company, cls.boss, cls.sales)
        cls.partner = PartnerAccountFactory(company=cls.company, owner=cls.sales).partner

    def add(self, start: int, count: int) -> None:
        orders = Order.objects.bulk_create(
            Order(
                company=self.company,
                number=f"SO-{n}",
                kind="customer",
                partner=self.partner,
                ordered_on=date(2026, 1, 1),
            )
            for n in range(start, start + count)
        )
        products = Product.objects.bulk_create(
            Product(code=f"P-{n:04d}", name=f"P {n}") for n in range(start, start + count)
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=o, product=p) for o, p in zip(orders, products, strict=True)
        )

    def queries(self, user, url: str) -> tuple[int, int]:
        self.client.force_login(user)
        self.client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured), len(response.context["page"].object_list)

    def test_the_same_queries_for_10_and_100_rows(self):
        urls = (
            "/orders/?per_page=100",
            "/products/?per_page=100",
            "/orders/?per_page=100&status=open&sort=partner",
        )
        self.add(0, 10)
        small = {(user.pk, url): self.queries(user, url) for user in (self.sales, self.boss) for url in urls}
        self.add(10, 90)
        for user in (self.sales, self.boss):
            for url in urls:
                with self.subTest(url=url):
                    queries, rows = self.queries(user, url)
                    self.assertEqual(rows, 100)
                    self.assertEqual(small[user.pk, url], (queries, 10))
                    # session+user, membership, access, saved views, count, page (+ visibility parts)
                    self.assertLessEqual(queries, 8)
