"""The order and product exports read right for a clerk in Budapest or Sofia (issue 18): per language the
separator Excel splits on, amounts grouped with their currency apart, dates as the pages write them, order
numbers, tax numbers and ERP ids as text, never grouped; in XLSX real numbers and dates, formatted."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.test import TestCase
from openpyxl import load_workbook

from orders.models import Order, OrderLine, Product
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

NBSP = "\N{NO-BREAK SPACE}"
# language: (delimiter, total, date, count, quantity)
EXPECTED = {
    "en": (",", "1,234,567.50", "05/03/2026", "1", "1,500.25"),
    "hu": (";", f"1{NBSP}234{NBSP}567,50", "2026.03.05.", "1", f"1{NBSP}500,25"),
    "bg": (";", f"1{NBSP}234{NBSP}567,50", "05.03.2026", "1", f"1{NBSP}500,25"),
}


class OrderExportFormatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company)
        partner = PartnerAccountFactory(
            company=cls.company,
            owner=cls.seller,
            partner=PartnerFactory(name="Duna; Tisza Zrt.", tax_number="12345678"),
        ).partner
        cls.order = Order.objects.create(
            company=cls.company,
            number="1234567",
            partner=partner,
            total=Decimal("1234567.5"),
            currency="EUR",
            ordered_on=date(2026, 3, 5),
            erp_id="9876543",
        )
        cls.bolt = Product.objects.create(code="1000", name="=Bolt M8", unit="pcs")
        OrderLine.objects.create(order=cls.order, product=cls.bolt, quantity=Decimal("1500.250"))

    def get(self, url: str, language: str):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the user's interface language
        self.client.force_login(self.seller)
        return self.client.get(url)

    def csv_rows(self, url: str, language: str, delimiter: str) -> list[list[str]]:
        response = self.get(url, language)
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        text = body.decode("utf-8-sig")
        self.assertEqual(text.split("\r\n")[0].count(delimiter), 8 if "orders" in url else 6)
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))

    def test_the_order_csv_in_each_language(self):
        for language, (delimiter, total, day, _count, _quantity) in EXPECTED.items():
            with self.subTest(language=language):
                rows = self.csv_rows("/orders/export.csv", language, delimiter)
                self.assertEqual(len(rows[0]), 9)
                number, _kind, written_on, partner, tax_number, _status, amount, currency, erp_id = rows[1]
                self.assertEqual((number, tax_number, erp_id), ("1234567", "12345678", "9876543"))  # text
                self.assertEqual((amount, currency), (total, "EUR"))
                self.assertEqual(written_on, day)
                self.assertEqual(partner, "Duna; Tisza Zrt.")  # quoted where it holds the separator

    def test_the_product_csv_in_each_language(self):
        for language, (delimiter, _total, _day, count, quantity) in EXPECTED.items():
            with self.subTest(language=language):
                rows = self.csv_rows("/products/export.csv", language, delimiter)
                code, name, _unit, _active, orders, ordered, _erp_id = rows[1]
                self.assertEqual((code, name), ("1000", "'=Bolt M8"))  # a code is text; the formula guard
                self.assertEqual((orders, ordered), (count, quantity))

    def test_the_order_xlsx_holds_numbers_and_dates(self):
        response = self.get("/orders/export.xlsx", "hu")
        sheet = load_workbook(io.BytesIO(response.content)).active
        header, row = [list(line) for line in sheet.iter_rows()]
        self.assertEqual(header[0].value, "Szám")  # in the user's language
        number, _kind, written_on, _partner, tax_number, _status, amount, currency, erp_id = row
        self.assertEqual((amount.value, amount.data_type, amount.number_format), (1234567.5, "n", "#,##0.00"))
        self.assertEqual(currency.value, "EUR")
        self.assertEqual((written_on.value, written_on.is_date), (datetime(2026, 3, 5), True))
        self.assertEqual(
            written_on.number_format, "mm-dd-yy"
        )  # Excel's built-in short date: the reader's own
        self.assertEqual(
            [cell.value for cell in (number, tax_number, erp_id)], ["1234567", "12345678", "9876543"]
        )
        self.assertEqual({cell.data_type for cell in (number, tax_number, erp_id)}, {"s"})

    def test_the_product_xlsx_holds_counts_and_quantities(self):
        sheet = load_workbook(io.BytesIO(self.get("/products/export.xlsx", "bg").content)).active
        row = list(sheet.iter_rows())[1]
        code, orders, ordered = row[0], row[4], row[5]
        self.assertEqual((code.value, code.data_type), ("1000", "s"))
        self.assertEqual((orders.value, orders.number_format), (1, "#,##0"))
        self.assertEqual((ordered.value, ordered.number_format), (1500.25, "#,##0.00"))
