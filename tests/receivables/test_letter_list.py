"""The dunning letter list (/receivables/letters/): its column choice (the toolbar's "Columns", `?cols=`),
each row's actions menu, who sees which letters, and the same queries for 10 and 100 letters."""

import re
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from receivables.models import DunningLetter
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

URL = "/receivables/letters/"
RECEIVABLES = "receivables.view_receivables"


def table(html: str) -> str:
    return html[html.index("<table") : html.index("</table>")]


def headers(html: str) -> list[str]:
    head = table(html)
    head = head[head.index("<thead>") : head.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def menu_of(html: str, text: str) -> str:
    """The actions cell of the row holding `text`."""
    body = table(html)
    row = next(row for row in body[body.index("<tbody>") :].split("</tr>") if text in row)
    return row[row.index('<td class="row-actions">') :]


def letter(company, partner, slot: date, **fields) -> DunningLetter:
    return DunningLetter.objects.create(
        company=company, partner=partner, slot=slot, level=fields.pop("level", 1), sequence_started_on=slot,
        subject=f"Reminder {slot}", body="-", totals={"HUF": "125000"}, recipients=["ap@example.com"],
        **fields,
    )  # fmt: skip


class LetterListTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        # The demo's Finance group: receivables of the whole company, the partners' pages, events.
        cls.finance = member(
            cls.company, RECEIVABLES, "companies.view_all_company_data", "partners.view_partner",
            "events.view_event", "events.add_event", first_name="Fanni", last_name="Finance",
        )  # fmt: skip
        # May read receivables only: of the partners they see (their own and their team's).
        cls.clerk = member(cls.company, RECEIVABLES, first_name="Kata", last_name="Clerk")
        cls.seller = member(cls.company, "partners.view_partner", first_name="Sanyi", last_name="Seller")
        cls.sibling = member(cls.company, first_name="Zsuzsa", last_name="Sibling")
        supervise(cls.company, cls.clerk, cls.seller)
        cls.duna = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        cls.tisza = PartnerAccountFactory(
            company=cls.company, owner=cls.sibling, partner=PartnerFactory(name="Tisza Kft.")
        ).partner
        cls.duna_letter = letter(cls.company, cls.duna, date(2026, 11, 23), level=2)
        cls.tisza_letter = letter(cls.company, cls.tisza, date(2026, 11, 24))
        other = CompanyFactory()
        cls.foreign = PartnerAccountFactory(company=other, partner=PartnerFactory(name="Idegen Kft.")).partner
        cls.foreign_letter = letter(other, cls.foreign, date(2026, 11, 25))

    def get(self, user, query: str = "") -> str:
        self.client = self.client_class()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)
        response = self.client.get(f"{URL}?{query}" if query else URL)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class LetterColumnsTests(LetterListTestCase):
    def test_every_column_by_default_and_the_picker_offers_them(self):
        html = self.get(self.finance)
        self.assertEqual(
            headers(html),
            ["Due slot", "Partner", "Level", "Total", "Recipients", "Status", "Sent", "Actions"],
        )
        picker = html[html.index('<details class="list-columns">') :]
        picker = picker[: picker.index("</details>")]
        offered = re.findall(r'<input type="checkbox" name="cols" value="([a-z_]+)" checked', picker)
        self.assertEqual(offered, ["partner", "level", "total", "recipients", "status", "sent"])
        self.assertIn('<input type="hidden" name="cols" value="slot" data-columns-first>', picker)
        self.assertIn("125,000\N{NO-BREAK SPACE}Ft", table(html))
        # The page's title is text only (a script tag had slipped into it).
        self.assertRegex(html, r"<title>Dunning letters\b[^<]*</title>")

    def test_cols_shows_only_the_chosen_columns(self):
        html = self.get(self.finance, "cols=status&cols=partner")
        self.assertEqual(headers(html), ["Due slot", "Partner", "Status", "Actions"])
        self.assertNotIn("125,000", table(html))
        self.assertNotIn("ap@example.com", table(html))
        self.assertIn("(3 of 7)", html)
        self.assertEqual(headers(self.get(self.finance, "cols=slot")), ["Due slot", "Actions"])
        # unknown keys are ignored; none known shows every column
        self.assertEqual(len(headers(self.get(self.finance, "cols=bogus,%3Cscript%3E"))), 8)

    def test_filters_keep_the_choice_and_clear_all_keeps_it(self):
        html = self.get(self.finance, "cols=status&status=queued&level=2")
        self.assertEqual(headers(html), ["Due slot", "Status", "Actions"])
        self.assertIn("Duna Zrt.", menu_of(html, "Duna Zrt."))  # level 2
        self.assertNotIn("Tisza Kft.", html)  # level 1
        self.assertIn('href="/receivables/letters/?all=1&amp;cols=status" class="chips-clear"', html)


class LetterRowActionTests(LetterListTestCase):
    def test_a_finance_clerk_gets_the_letter_the_partners_receivables_and_a_new_event(self):
        html = self.get(self.finance)
        menu = menu_of(html, "Duna Zrt.")
        pk, partner = self.duna_letter.pk, self.duna.pk
        self.assertIn('<span class="visually-hidden">Actions: Duna Zrt. · 23/11/2026</span>', menu)
        self.assertIn(f'<a href="/receivables/letters/{pk}/">Open</a>', menu)
        self.assertIn(
            f'<a href="/receivables/partners/{partner}/">Invoices, letters and collection</a>', menu
        )
        self.assertIn(f'<a href="/partners/{partner}/">Open the partner</a>', menu)
        self.assertIn(f'<a href="/events/new/?partner={partner}">New event</a>', menu)
        # each entry opens
        for href in re.findall(r'href="([^"]+)"', menu):
            with self.subTest(href=href):
                self.assertEqual(self.client.get(href.replace("&amp;", "&")).status_code, 200)
        form = self.client.get(f"/events/new/?partner={partner}").content.decode()
        self.assertRegex(form, rf'<option value="{partner}" selected>Duna Zrt.</option>')

    def test_without_the_functions_only_what_they_may_open(self):
        html = self.get(self.clerk)
        menu = menu_of(html, "Duna Zrt.")
        self.assertIn(f'<a href="/receivables/letters/{self.duna_letter.pk}/">Open</a>', menu)
        self.assertIn(f'href="/receivables/partners/{self.duna.pk}/"', menu)
        self.assertNotIn("Open the partner", menu)
        self.assertNotIn("New event", menu)
        self.assertEqual(self.client.get(f"/receivables/partners/{self.duna.pk}/").status_code, 200)

    def test_a_letter_the_viewer_may_not_see_is_not_listed_nor_linked(self):
        html = self.get(self.clerk)  # the sibling's partner is outside the clerk's team
        self.assertNotIn("Tisza Kft.", html)
        self.assertNotIn(f"/receivables/letters/{self.tisza_letter.pk}/", html)
        self.assertNotIn(f"/receivables/partners/{self.tisza.pk}/", html)
        self.assertEqual(self.client.get(f"/receivables/letters/{self.tisza_letter.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/receivables/partners/{self.tisza.pk}/").status_code, 404)
        html = self.get(self.finance)  # the whole company's, never another company's
        self.assertIn("Tisza Kft.", html)
        self.assertNotIn("Idegen Kft.", html)
        self.assertNotIn(f"/receivables/letters/{self.foreign_letter.pk}/", html)
        self.assertEqual(self.client.get(f"/receivables/letters/{self.foreign_letter.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/receivables/partners/{self.foreign.pk}/").status_code, 404)

    def test_a_seller_without_the_function_gets_403(self):
        self.client.force_login(self.seller)
        self.assertEqual(self.client.get(URL).status_code, 403)


class LetterListQueryTests(LetterListTestCase):
    def add(self, count: int) -> None:
        start = DunningLetter.objects.filter(company=self.company).count()
        partners = PartnerFactory.create_batch(count)
        for n, partner in enumerate(partners):
            PartnerAccountFactory(company=self.company, owner=self.seller, partner=partner)
            letter(self.company, partner, date(2026, 1, 1) + timedelta(days=start + n))

    def queries(self, user, url: str) -> tuple[int, int]:
        self.client.force_login(user)
        self.client.get(url)  # caches and preferences settle
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured), len(response.context["page"].object_list)

    def test_the_same_queries_for_10_and_100_rows_and_any_column_choice(self):
        urls = (
            f"{URL}?all=1&per_page=100",
            f"{URL}?all=1&per_page=100&cols=status",
            f"{URL}?all=1&per_page=100&level=1",
        )
        DunningLetter.objects.filter(company=self.company).delete()
        self.add(10)
        small = {
            (user.pk, url): self.queries(user, url) for user in (self.finance, self.clerk) for url in urls
        }
        self.add(90)
        for user in (self.finance, self.clerk):
            for url in urls:
                with self.subTest(user=str(user), url=url):
                    queries, rows = self.queries(user, url)
                    self.assertEqual(rows, 100)
                    self.assertEqual(small[user.pk, url], (queries, 10))
        # hiding columns costs no query
        self.assertEqual(self.queries(self.finance, urls[0])[0], self.queries(self.finance, urls[1])[0])
