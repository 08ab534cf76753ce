"""The collection desk's ageing chart is drawn by core.charts: axes, an amount on each bar, a data table."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.test import TestCase

from receivables.models import Invoice
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member


@time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
class AgeingChartTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.finance = member(cls.company, "receivables.view_receivables", "companies.view_all_company_data")
        partner = PartnerFactory(name="Ageing Zrt.")
        PartnerAccountFactory(company=cls.company, partner=partner, owner=cls.finance)
        for number, due, amount, currency in (
            ("A-1", date(2026, 11, 21), 1000, "HUF"),  # 10 days
            ("A-2", date(2026, 8, 1), 1_250_000, "HUF"),  # 122 days
            ("A-3", date(2026, 10, 1), Decimal("99.5"), "EUR"),  # 61 days
            ("A-4", date(2026, 12, 20), 7000, "HUF"),  # not due yet
        ):
            Invoice.objects.create(
                company=cls.company, partner=partner, number=number, issued_on=date(2026, 7, 1), due_on=due,
                amount=amount, open_amount=amount, currency=currency,
            )  # fmt: skip

    def test_each_currency_has_a_chart_with_axes_values_and_a_table(self):
        self.client.force_login(self.finance)
        html = self.client.get("/receivables/").content.decode()
        self.assertEqual(html.count('<figure class="chart chart-bar">'), 2)
        huf = html[html.index("Overdue amount by days overdue in HUF") :]
        values = re.findall(r'class="chart-value"[^>]*>([^<]*)<', huf)[:4]
        self.assertEqual(values, ["1,000\xa0Ft", "0\xa0Ft", "0\xa0Ft", "1,250,000\xa0Ft"])
        self.assertIn('class="chart-tick"', huf)
        self.assertIn('<th scope="row">90+ days</th><td class="num">1,250,000\xa0Ft</td>', huf)
        eur = html[html.index("Overdue amount by days overdue in EUR") :]
        self.assertIn('<th scope="row">61–90 days</th><td class="num">99.50\xa0€</td>', eur)
