"""The finance home: ageing by bucket and currency, the 12-week trend, this week's letters, promises to pay,
overdue partners without a financial contact; another company's and unseen partners' money never counts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from contacts.models import ContactRole
from receivables.models import DunningLetter, Invoice
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactTypeFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
)

BUDAPEST = ZoneInfo("Europe/Budapest")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=BUDAPEST)  # Wednesday
TODAY = date(2026, 12, 9)
FINANCE = ("receivables.view_receivables", "companies.view_all_company_data", "contacts.add_contact")


def invoice(company, partner, number, due_on, amount, currency="HUF", open_amount=None):
    amount = Decimal(amount)
    return Invoice.objects.create(
        company=company, partner=partner, number=number, issued_on=date(2026, 6, 1), due_on=due_on,
        amount=amount, open_amount=amount if open_amount is None else Decimal(open_amount), currency=currency,
    )  # fmt: skip


def letter(company, partner, slot, status, sent_at):
    return DunningLetter.objects.create(
        company=company, partner=partner, slot=slot, level=1, sequence_started_on=slot, subject="Reminder",
        body="-", status=status, sent_at=sent_at,
    )  # fmt: skip


@time_machine.travel(NOW, tick=False)
class FinanceDashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.finance = member(cls.company, *FINANCE)
        cls.seller = member(cls.company, "partners.view_partner")
        cls.debtor = PartnerFactory(name="Debtor Kft.")
        cls.careful = PartnerFactory(name="Careful Kft.")
        cls.sellers = PartnerFactory(name="Sellers Own Kft.")
        for partner in (cls.debtor, cls.careful):
            PartnerAccountFactory(company=cls.company, partner=partner)
        PartnerAccountFactory(company=cls.company, partner=cls.sellers, owner=cls.seller)
        invoice(cls.company, cls.debtor, "D-1", date(2026, 11, 29), 1000)  # 10 days: 0-30
        invoice(cls.company, cls.debtor, "D-2", date(2026, 8, 31), 5000)  # 100 days: 90+
        invoice(cls.company, cls.debtor, "D-3", date(2026, 10, 25), "99.50", "EUR")  # 45 days: 31-60
        invoice(cls.company, cls.debtor, "D-4", date(2026, 12, 20), 700)  # not due
        invoice(cls.company, cls.debtor, "D-5", date(2026, 9, 1), 900, open_amount=0)  # paid
        invoice(cls.company, cls.careful, "C-1", date(2026, 10, 1), 2000)  # 69 days: 61-90
        invoice(cls.company, cls.sellers, "S-1", date(2026, 12, 1), 300)  # 8 days: 0-30
        financial = ContactTypeFactory(code="financial")
        contact = ContactFactory(partner=cls.careful)
        ContactRole.objects.create(contact=contact, type=financial, partner=cls.careful)
        other = CompanyFactory(language="en")
        PartnerAccountFactory(company=other, partner=cls.debtor)
        invoice(other, cls.debtor, "O-1", date(2026, 11, 1), 77777)
        monday = datetime(2026, 12, 7, 9, tzinfo=BUDAPEST)
        letter(cls.company, cls.debtor, date(2026, 12, 7), "sent", monday)
        letter(cls.company, cls.careful, date(2026, 12, 8), "bounced", monday)
        letter(
            cls.company, cls.sellers, date(2026, 12, 3), "opened", datetime(2026, 12, 3, 9, tzinfo=BUDAPEST)
        )
        letter(other, cls.debtor, date(2026, 12, 8), "sent", monday)
        promise = EventTypeFactory(code="promise-to-pay", kind="other")
        owner = member(cls.company, "events.view_event")
        for day, subject in ((date(2026, 12, 11), "Pays Friday"), (date(2026, 12, 3), "Paid late?"),
                             (date(2026, 12, 30), "Pays later")):  # fmt: skip
            EventFactory(
                company=cls.company, type=promise, owner=owner, partner=cls.debtor, subject=subject,
                starts_at=NOW, promised_payment_on=day,
            )  # fmt: skip

    def get(self, user=None):
        self.client.force_login(user or self.finance)
        response = self.client.get("/?tab=finance")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["tab"], "finance")
        return response.context["board"], response

    def test_overdue_by_age_and_currency(self):
        board, response = self.get()
        self.assertEqual(
            board.ageing,
            {
                "EUR": [("0–30", 0), ("31–60", Decimal("99.50")), ("61–90", 0), ("90+", 0)],
                "HUF": [("0–30", 1300), ("31–60", 0), ("61–90", 2000), ("90+", 5000)],
            },
        )
        self.assertEqual(board.overdue_totals, {"EUR": Decimal("99.50"), "HUF": Decimal(8300)})
        self.assertContains(response, "8,300\xa0Ft")
        self.assertContains(
            response, '<th scope="row">90+ days</th><td class="num">5,000\xa0Ft</td>', html=True
        )

    def test_the_trend_over_12_weeks(self):
        board, response = self.get()
        huf = next(chart for chart in board.trend_charts if "HUF" in chart.title)
        cells = [(row["label"], row["cells"][0]) for row in huf.table_rows]
        self.assertEqual(len(cells), 12)
        self.assertEqual(cells[-1], ("09/12", "8,300\xa0Ft"))  # today
        self.assertEqual(cells[-2], ("06/12", "8,300\xa0Ft"))  # last Sunday: all of it was due already
        self.assertEqual(cells[-3], ("29/11", "7,000\xa0Ft"))  # before D-1 (29 Nov) and S-1 fell due
        self.assertEqual(cells[0], ("27/09", "5,000\xa0Ft"))  # eleven Sundays back: only D-2 was overdue
        self.assertContains(response, "an invoice paid since is not in its past weeks")

    def test_letters_sent_this_week_with_the_bounced_and_opened(self):
        board, response = self.get()
        self.assertEqual(board.letters, {"sent": 2, "bounced": 1, "opened": 0})
        link = "/receivables/letters/?sent_from=2026-12-07&sent_to=2026-12-13&status=bounced"
        self.assertContains(response, link.replace("&", "&amp;"))
        listed = self.client.get(link)
        self.assertEqual(len(listed.context["page"].object_list), board.letters["bounced"])

    def test_promises_to_pay_due_around_this_week(self):
        board, _response = self.get()
        self.assertEqual([event.subject for event in board.promises], ["Paid late?", "Pays Friday"])

    def test_overdue_partners_without_a_financial_contact(self):
        board, response = self.get()
        self.assertEqual(
            [(row["partner__name"], row["totals"]) for row in board.no_contact],
            [
                ("Debtor Kft.", [("HUF", 6000), ("EUR", Decimal("99.50"))]),
                ("Sellers Own Kft.", [("HUF", 300)]),
            ],
        )
        self.assertContains(response, f'href="/partners/{self.debtor.pk}/contacts/new/"', count=1)
        self.assertContains(response, "6,000\xa0Ft · 99.50\xa0€")
        self.assertNotContains(response, "Careful Kft.")

    def test_a_receivables_viewer_without_the_whole_company_sees_only_their_partners(self):
        limited = member(self.company, "receivables.view_receivables", "partners.view_partner")
        PartnerAccountFactory(
            company=self.company, partner=PartnerFactory(name="Limited Kft."), owner=limited
        )
        board, _response = self.get(limited)
        self.assertEqual(board.ageing, {})
        self.assertEqual(board.letters, {"sent": 0, "bounced": 0, "opened": 0})
        self.assertEqual(board.no_contact, [])
        self.assertEqual(board.promises, [])

    def test_queries_do_not_grow_with_the_invoices(self):
        def queries() -> int:
            self.client.force_login(self.finance)
            self.client.get("/?tab=finance")
            with CaptureQueriesContext(connection) as captured:
                self.client.get("/?tab=finance")
            return len(captured)

        before = queries()
        for i in range(30):
            partner = PartnerFactory()
            PartnerAccountFactory(company=self.company, partner=partner)
            invoice(self.company, partner, f"N-{i}", date(2026, 11, 1), 100 + i, "EUR" if i % 2 else "HUF")
        self.assertEqual(queries(), before)


@time_machine.travel(NOW, tick=False)
class FinanceDashboardLanguageTests(TestCase):
    def test_amounts_and_chart_values_are_grouped_in_the_language(self):
        for language, expected in (("hu", "6\xa0000\xa0Ft"), ("bg", "6\xa0000\xa0Ft")):
            with self.subTest(language=language):
                company = CompanyFactory(language=language)
                finance = member(company, *FINANCE)
                partner = PartnerFactory()
                PartnerAccountFactory(company=company, partner=partner)
                invoice(company, partner, f"{language}-1", date(2026, 11, 1), 6000)
                self.client.force_login(finance)
                self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                html = self.client.get("/?tab=finance").content.decode()
                self.assertIn(f'<html lang="{language}"', html)
                self.assertIn(f'<td class="num">{expected}</td>', html)  # the chart's data table
                self.assertIn(f">{expected}</text>", html)  # the value on the bar
                self.assertNotRegex(
                    html, r'<(rect|circle)[^>]* (x|y|cx|cy|height)="-?\d+,\d'
                )  # coordinates stay dots
