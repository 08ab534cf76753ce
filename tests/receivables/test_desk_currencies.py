"""The collection desk and the run preview never compare or run together amounts of two currencies."""

import re
from datetime import timedelta
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from core.templatetags.crm import money
from receivables.models import Invoice
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member


class DeskCurrencyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en", currency="HUF")
        cls.finance = member(
            cls.company,
            "receivables.view_receivables",
            "receivables.run_dunning",
            "companies.view_all_company_data",
        )
        due = timezone.localdate() - timedelta(days=60)
        debts = {
            # Alfa owes in both currencies: 22,820 € would rank below 518,000 Ft as a raw number.
            "Alfa Kft.": [("EUR", "22820.00"), ("HUF", "940500")],
            "Beta Kft.": [("HUF", "518000")],
            "Gamma Kft.": [("HUF", "2000000")],
            "Delta Ltd": [("EUR", "2400.00")],
            "Epsilon Ltd": [("EUR", "50000.00")],
        }
        cls.partners = {}
        for name, amounts in debts.items():
            partner = PartnerFactory(name=name)
            PartnerAccountFactory(company=cls.company, partner=partner, owner=cls.finance)
            cls.partners[name] = partner
            for i, (currency, amount) in enumerate(amounts):
                Invoice.objects.create(
                    company=cls.company, partner=partner, number=f"{name[:2]}-{i}", issued_on=due - timedelta(days=30),
                    due_on=due, amount=Decimal(amount), open_amount=Decimal(amount), currency=currency,
                )  # fmt: skip

    def largest(self):
        self.client.force_login(self.finance)
        response = self.client.get("/receivables/")
        self.assertEqual(response.status_code, 200)
        return response

    def test_each_currency_is_ranked_on_its_own_the_company_currency_first(self):
        rankings = self.largest().context["largest"]
        self.assertEqual(
            [
                (currency, [(row["partner__name"], row["total"]) for row in rows])
                for currency, rows in rankings
            ],
            [
                (
                    "HUF",
                    [
                        ("Gamma Kft.", Decimal(2000000)),
                        ("Alfa Kft.", Decimal(940500)),
                        ("Beta Kft.", Decimal(518000)),
                    ],
                ),
                (
                    "EUR",
                    [
                        ("Epsilon Ltd", Decimal(50000)),
                        ("Alfa Kft.", Decimal(22820)),
                        ("Delta Ltd", Decimal(2400)),
                    ],
                ),
            ],
        )

    def test_the_page_shows_one_labelled_table_per_currency(self):
        html = self.largest().content.decode()
        section = html[html.index("Largest overdue balances") :]
        huf, eur = section.index("Overdue in HUF"), section.index("Overdue in EUR")
        self.assertLess(huf, eur)
        huf_table, eur_table = section[huf:eur], section[eur:]
        # Every amount sits in its currency's table, in that currency's order.
        names = lambda table: re.findall(r">(\w+ (?:Kft\.|Ltd))</a>", table)  # noqa: E731
        self.assertEqual(names(huf_table), ["Gamma Kft.", "Alfa Kft.", "Beta Kft."])
        self.assertEqual(names(eur_table), ["Epsilon Ltd", "Alfa Kft.", "Delta Ltd"])
        self.assertNotIn("€", huf_table.split("also overdue:")[0])
        # The partner owing in two currencies says so in both tables.
        self.assertIn(f"also overdue: {money(Decimal('22820'), 'EUR')}", huf_table)
        self.assertIn(f"also overdue: {money(Decimal('940500'), 'HUF')}", eur_table)

    def test_two_currencies_of_a_partner_without_financial_contact_are_separated(self):
        joined = f"{money(Decimal('22820'), 'EUR')} · {money(Decimal('940500'), 'HUF')}"
        desk = self.largest()
        self.assertIn(
            self.partners["Alfa Kft."], [letter.partner for letter in desk.context["without_contact"]]
        )
        self.assertContains(desk, joined)
        self.assertContains(self.client.get("/receivables/preview/"), joined)
