"""The thread list (/threads/): its search in the list toolbar, the column choice (`?cols=`), each row's
actions menu (Open, Edit, New communication and New task in the thread), who sees which threads, and the
same queries for 10 and 100 threads."""

import re

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.models import Thread
from companies.models import SavedView
from tests.communications import factories
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

URL = "/threads/"
VIEW = ("communications.view_thread", "partners.view_partner")
WRITE = (
    "communications.change_thread",
    "communications.add_communication",
    "communications.view_communication",
    "communications.add_task",
    "communications.view_task",
)


def table(html: str) -> str:
    return html[html.index("<table") : html.index("</table>")]


def headers(html: str) -> list[str]:
    head = table(html)
    head = head[head.index("<thead>") : head.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def row_of(html: str, text: str) -> str:
    body = table(html)
    return next(row for row in body[body.index("<tbody>") :].split("</tr>") if text in row)


def menu_of(html: str, text: str) -> str:
    row = row_of(html, text)
    return row[row.index('<td class="row-actions">') :]


class ThreadListTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.lead = member(cls.company, *VIEW, *WRITE, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, *VIEW, *WRITE, first_name="Sanyi", last_name="Seller")
        cls.reader = member(cls.company, *VIEW, first_name="Olga", last_name="Olvaso")
        cls.sibling = member(cls.company, *VIEW, *WRITE, first_name="Zsuzsa", last_name="Sibling")
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        supervise(cls.company, cls.reader, cls.seller)
        cls.duna = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        cls.tender = factories.thread(cls.company, cls.seller, subject="Tender 2027", partner=cls.duna)
        cls.repairs = factories.thread(
            cls.company, cls.seller, subject="Repairs", counterparty_text="Kovács Bt."
        )
        cls.siblings = factories.thread(cls.company, cls.sibling, subject="Sibling's secret")
        other = CompanyFactory()
        cls.foreign = factories.thread(other, member(other, *VIEW), subject="Foreign thread")

    def get(self, user, query: str = "") -> str:
        self.client = self.client_class()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)
        response = self.client.get(f"{URL}?{query}" if query else URL)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class ThreadColumnsTests(ThreadListTestCase):
    def test_every_column_by_default_and_the_picker_in_the_toolbar(self):
        html = self.get(self.seller)
        self.assertEqual(headers(html), ["Subject", "Counterparty", "Owner", "Started", "Actions"])
        toolbar = html[html.index('<div class="list-toolbar"') :]
        picker = toolbar[toolbar.index('<details class="list-columns">') :]
        picker = picker[: picker.index("</details>")]
        offered = re.findall(r'<input type="checkbox" name="cols" value="([a-z_]+)" checked', picker)
        self.assertEqual(offered, ["counterparty", "owner", "started"])
        self.assertIn('<input type="hidden" name="cols" value="subject" data-columns-first>', picker)
        # the picker and the search box are one form: applying one keeps the other
        form = toolbar[toolbar.index('<form method="get"') :]
        form = form[: form.index("</form>")]
        self.assertIn('name="q"', form)
        self.assertIn('name="cols"', form)
        row = row_of(html, "Tender 2027")
        self.assertIn(f'<a href="/threads/{self.tender.pk}/">Tender 2027</a>', row)
        self.assertIn("<td>Duna Zrt.</td>", row)
        self.assertIn("<td>Kovács Bt.</td>", row_of(html, "Repairs"))

    def test_cols_shows_only_the_chosen_columns(self):
        html = self.get(self.seller, "cols=owner")
        self.assertEqual(headers(html), ["Subject", "Owner", "Actions"])
        self.assertNotIn("Duna Zrt.", table(html))
        self.assertIn("<td>Sanyi Seller</td>", row_of(html, "Tender 2027"))
        self.assertIn("(2 of 4)", html)
        self.assertEqual(headers(self.get(self.seller, "cols=subject")), ["Subject", "Actions"])
        self.assertEqual(len(headers(self.get(self.seller, "cols=bogus&cols=__class__"))), 5)

    def test_search_chip_and_empty_states(self):
        html = self.get(self.seller, "q=tender&cols=owner")
        self.assertIn("Tender 2027", table(html))
        self.assertNotIn("Repairs", table(html))
        self.assertEqual(headers(html), ["Subject", "Owner", "Actions"])
        self.assertIn("<span>Search: tender</span>", html)
        self.assertIn("Kovács", self.get(self.seller, "q=kov"))  # the free-text counterparty
        self.assertIn("Tender 2027", self.get(self.seller, "q=duna"))  # the partner's name
        html = self.get(self.seller, "q=nothing-like-this")
        self.assertIn("No threads match “nothing-like-this”.", html)
        self.assertIn("remove “Search: nothing-like-this”", html)  # the toolbar names the filter
        # a search longer than the box allows is cut, not an error
        self.assertIn("No threads match “" + "x" * 100 + "”.", self.get(self.seller, "q=" + "x" * 300))

    def test_a_saved_view_keeps_the_search_and_the_columns(self):
        self.get(self.seller)
        self.client.post(
            "/views/save/", {"list_name": "threads", "name": "Tenders", "query": "q=tender&cols=owner"}
        )
        view = SavedView.objects.get(owner=self.seller, name="Tenders")
        html = self.get(self.seller, view.query)
        self.assertEqual(headers(html), ["Subject", "Owner", "Actions"])
        self.assertIn(f'<a href="?{view.query.replace("&", "&amp;")}" aria-current="page">Tenders</a>', html)


class ThreadRowActionTests(ThreadListTestCase):
    def test_open_edit_and_new_items_in_the_thread(self):
        html = self.get(self.seller)
        menu = menu_of(html, "Tender 2027")
        pk = self.tender.pk
        self.assertIn('<span class="visually-hidden">Actions: Tender 2027</span>', menu)
        self.assertIn(f'<a href="/threads/{pk}/">Open</a>', menu)
        self.assertIn(f'<a href="/threads/{pk}/edit/">Edit</a>', menu)
        self.assertIn(f'<a href="/communications/new/?thread={pk}">New communication</a>', menu)
        self.assertIn(f'<a href="/tasks/new/?thread={pk}">New task</a>', menu)
        # the forms open with the thread chosen
        for url in (f"/communications/new/?thread={pk}", f"/tasks/new/?thread={pk}"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].initial.get("thread"), pk)
                self.assertRegex(
                    response.content.decode(), rf'<option value="{pk}" selected>Tender 2027</option>'
                )

    def test_without_the_functions_only_open(self):
        html = self.get(self.reader)
        menu = menu_of(html, "Tender 2027")
        self.assertIn(f'<a href="/threads/{self.tender.pk}/">Open</a>', menu)
        for absent in ("Edit", "New communication", "New task", "?thread="):
            self.assertNotIn(absent, menu)

    def test_a_thread_the_viewer_may_not_see_is_not_listed_nor_linked(self):
        html = self.get(self.seller)
        for thread in (self.siblings, self.foreign):
            with self.subTest(thread=thread.subject):
                self.assertNotIn(thread.subject, html)
                self.assertNotIn(f"/threads/{thread.pk}/", html)
                self.assertNotIn(f"thread={thread.pk}", html)
                self.assertEqual(self.client.get(f"/threads/{thread.pk}/").status_code, 404)
        lead = self.get(self.lead)  # the lead sees both sellers' threads, never another company's
        self.assertIn("Sibling&#x27;s secret", lead)
        self.assertNotIn("Foreign thread", lead)


class ThreadListQueryTests(ThreadListTestCase):
    def add(self, count: int) -> None:
        Thread.objects.bulk_create(
            Thread(company=self.company, owner=self.seller, subject=f"Bulk {n}", partner=self.duna)
            for n in range(count)
        )

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
            f"{URL}?all=1&per_page=100&cols=owner",
            f"{URL}?per_page=100&q=bulk",
        )
        Thread.objects.filter(company=self.company).delete()
        self.add(10)
        small = {(user.pk, url): self.queries(user, url) for user in (self.seller, self.lead) for url in urls}
        self.add(90)
        for user in (self.seller, self.lead):
            for url in urls:
                with self.subTest(user=str(user), url=url):
                    queries, rows = self.queries(user, url)
                    self.assertEqual(rows, 100)
                    self.assertEqual(small[user.pk, url], (queries, 10))
        self.assertEqual(self.queries(self.seller, urls[0])[0], self.queries(self.seller, urls[1])[0])
