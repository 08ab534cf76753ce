"""Column choice and row actions on the lists (issue 18): the "Columns" picker in the toolbar, `?cols=`
in the query string (kept by sorting links and saved views, bad keys ignored, no extra query), and each
row's actions menu (Open; Edit with the change function and not for ERP records; one quick action per
list), never for a row the viewer may not see."""

import re
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communications.models import Task, TaskStatus
from companies.list_toolbars import forget as forget_toolbars
from companies.models import SavedView
from events.models import Outcome
from orders.models import Order, Product
from partners.models import PartnerSource
from tests.communications import factories
from tests.communications.test_items import ALL as ITEMS
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
    supervise,
)

VIEW = (
    "partners.view_partner",
    "contacts.view_contact",
    "events.view_event",
    "communications.view_thread",
    "communications.view_communication",
    "communications.view_task",
)
CHANGE = (
    "partners.change_partner",
    "contacts.change_contact",
    "events.change_event",
    "events.add_event",
    "communications.add_communication",
    "communications.change_communication",
    "communications.change_task",
)


def table(response) -> str:
    html = response.content.decode()
    return html[html.index("<table") : html.index("</table>")]


def headers(response) -> list[str]:
    head = table(response)
    head = head[head.index("<thead>") : head.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def row_of(response, text: str) -> str:
    """The table row holding `text` (a number or name shown in it)."""
    body = table(response)
    body = body[body.index("<tbody>") :]
    return next(row for row in body.split("</tr>") if text in row)


def menu_of(row: str) -> str:
    return row[row.index('<td class="row-actions">') :]


class ListColumnsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.lead = member(cls.company, *VIEW, *CHANGE, *ITEMS, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, *VIEW, *CHANGE, *ITEMS, first_name="Sanyi", last_name="Seller")
        cls.reader = member(cls.company, *VIEW, first_name="Olga", last_name="Olvaso")
        cls.sibling = member(cls.company, *VIEW, *CHANGE, *ITEMS, first_name="Zsuzsa", last_name="Sibling")
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        supervise(cls.company, cls.reader, cls.seller)
        cls.duna = PartnerAccountFactory(
            company=cls.company,
            owner=cls.seller,
            partner=PartnerFactory(name="Duna Zrt.", tax_number="12345678", is_customer=True),
        ).partner
        cls.erp = PartnerAccountFactory(
            company=cls.company,
            owner=cls.seller,
            partner=PartnerFactory(name="Erpes Kft.", source=PartnerSource.ERP, erp_id="E-1"),
        ).partner
        cls.tisza = PartnerAccountFactory(
            company=cls.company, owner=cls.sibling, partner=PartnerFactory(name="Tisza Kft.")
        ).partner

    def login(self, user):
        self.client = self.client_class()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)

    def queries(self, url: str) -> int:
        self.client.get(url)  # caches and preferences settle
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured)


class ColumnChoiceTests(ListColumnsTestCase):
    """The picker, `?cols=`, bad values, sorting links, saved views, query counts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = factories.task(
            cls.company, cls.seller, subject="Call Duna", partner=cls.duna, deadline=timezone.now()
        )
        cls.communication = factories.communication(cls.company, cls.seller, subject="Offer to Duna")
        ContactFactory(partner=cls.duna, first_name="Anna", last_name="Kiss", email="anna@duna.example")
        EventFactory(company=cls.company, owner=cls.seller, subject="Visit Duna", partner=cls.duna)
        Order.objects.create(
            company=cls.company,
            number="SO-1",
            partner=cls.duna,
            total=Decimal("1500"),
            currency="HUF",
            ordered_on=timezone.localdate(),
        )
        Product.objects.create(code="B-1", name="Bolt", unit="kg")

    # (list URL, a column to keep, the label of a column the choice hides, text only that column shows)
    LISTS = (
        ("/partners/", "status", "Tax number", "12345678"),
        ("/contacts/", "partner", "E-mail", '<td><a href="mailto:'),
        ("/tasks/", "status", "Deadline", 'class="deadline"'),
        ("/communications/", "status", "Channel", ">E-mail</td>"),
        ("/events/", "partner", "Owner", "Sanyi Seller"),
        ("/orders/", "partner", "Total", "1,500"),
        ("/products/", "status", "Unit", "<td>kg</td>"),
    )

    def test_the_picker_offers_every_column_but_the_identifying_one(self):
        self.login(self.seller)
        response = self.client.get("/partners/")
        html = response.content.decode()
        picker = html[html.index('<details class="list-columns">') :]
        picker = picker[: picker.index("</details>")]
        self.assertIn("<summary>Columns</summary>", picker)
        offered = re.findall(r'<input type="checkbox" name="cols" value="([a-z_]+)" checked', picker)
        self.assertEqual(offered, ["tax_number", "type", "status", "owner", "source"])
        # The name is always shown: a ticked box that cannot be unticked, and the form always sends it.
        self.assertIn('<input type="hidden" name="cols" value="name" data-columns-first>', picker)
        self.assertIn("<span>Name <small>(always shown)</small></span>", picker)
        for url, *_rest in self.LISTS:
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), '<details class="list-columns">', count=1)

    def test_cols_shows_only_the_chosen_columns(self):
        self.login(self.seller)
        for url, keep, hidden_label, hidden_text in self.LISTS:
            with self.subTest(url=url):
                every = self.client.get(url)
                self.assertIn(hidden_label, headers(every))
                self.assertIn(hidden_text, table(every))
                chosen = self.client.get(f"{url}?cols={keep}")
                self.assertNotIn(hidden_label, headers(chosen))
                self.assertNotIn(hidden_text, table(chosen))
                # the identifying column, the chosen one, the actions (and the tick boxes of the items)
                with_ticks = url in ("/tasks/", "/communications/")
                self.assertEqual(len(headers(chosen)), 4 if with_ticks else 3)
                # the picker says how many are shown, and the hidden column's box is unticked
                self.assertContains(chosen, "(2 of ")
                self.assertRegex(chosen.content.decode(), rf'name="cols" value="{keep}" checked')

    def test_partner_list_with_two_columns(self):
        self.login(self.seller)
        response = self.client.get("/partners/?cols=status&cols=owner")
        self.assertEqual(headers(response), ["Name", "Status", "Owner", "Actions"])
        row = row_of(response, "Duna Zrt.")
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index('<td class="row-actions">')], re.S)
        self.assertEqual(
            [re.sub(r"<[^>]+>", "", cell) for cell in cells], ["Duna Zrt.", "Active", "Sanyi Seller"]
        )
        # the same choice written with commas, in another order
        same = self.client.get("/partners/?cols=owner,status")
        self.assertEqual(headers(same), ["Name", "Status", "Owner", "Actions"])

    def test_unknown_columns_are_ignored(self):
        self.login(self.seller)
        every = headers(self.client.get("/partners/"))
        self.assertEqual(every, ["Name", "Tax number", "Type", "Status", "Owner", "Source", "Actions"])
        for query in ("cols=bogus", "cols=", "cols=%00", "cols=" + "x," * 500, "cols=__class__"):
            with self.subTest(query=query):
                response = self.client.get(f"/partners/?{query}")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(headers(response), every)
        response = self.client.get("/partners/?cols=status,bogus&cols=<script>")
        self.assertEqual(headers(response), ["Name", "Status", "Actions"])
        self.assertNotContains(response, "<script>")

    def test_only_the_identifying_column_when_every_box_is_unticked(self):
        """Unticking every box sends only the always-shown column (the form's hidden field)."""
        self.login(self.seller)
        self.assertEqual(headers(self.client.get("/partners/?cols=name")), ["Name", "Actions"])
        self.assertEqual(headers(self.client.get("/events/?cols=subject")), ["Subject", "Actions"])

    def test_sorting_and_paging_links_keep_the_choice(self):
        self.login(self.seller)
        response = self.client.get("/partners/?cols=status&per_page=25")
        self.assertContains(response, '<a href="?cols=status&amp;per_page=25&amp;sort=status">Status</a>')
        response = self.client.get("/orders/?cols=total")
        self.assertContains(response, '<a href="?cols=total&amp;sort=total">Total</a>')

    def test_clear_all_keeps_the_columns_and_the_all_tab_is_current(self):
        self.login(self.seller)
        response = self.client.get("/partners/?cols=status&status=active&owner=" + str(self.seller.pk))
        self.assertContains(response, 'href="/partners/?all=1&amp;cols=status" class="chips-clear"')
        response = self.client.get("/partners/?cols=status")
        self.assertContains(response, '<a href="/partners/?all=1" aria-current="page">All</a>')

    def test_a_saved_view_keeps_the_columns_with_the_filters(self):
        self.login(self.seller)
        response = self.client.get("/tasks/?status=new&cols=deadline&cols=status")
        self.assertContains(response, 'name="query" value="cols=deadline&amp;cols=status&amp;per_page=25')
        self.client.post(
            "/views/save/",
            {"list_name": "tasks", "name": "Lean", "query": "status=new&cols=deadline&cols=status"},
        )
        view = SavedView.objects.get(owner=self.seller, name="Lean")
        self.assertEqual(view.query, "cols=deadline&cols=status&status=new")
        response = self.client.get(f"/tasks/?{view.query}")
        self.assertEqual(headers(response), ["", "Number", "Deadline", "Status", "Actions"])
        self.assertContains(response, '<a href="?cols=deadline&amp;cols=status&amp;status=new" aria-current')

    def test_hiding_columns_costs_no_query(self):
        self.login(self.seller)
        for url, keep, *_rest in self.LISTS:
            with self.subTest(url=url):
                every = self.queries(f"{url}?all=1")
                self.assertEqual(self.queries(f"{url}?all=1&cols={keep}"), every)
                self.assertEqual(self.queries(f"{url}?all=1&cols=bogus"), every)
                # The same with the toolbar drawn (the column choice is part of its cache key).
                forget_toolbars()
                with CaptureQueriesContext(connection) as drawn:
                    self.client.get(f"{url}?all=1")
                forget_toolbars()
                with self.assertNumQueries(len(drawn)):
                    self.client.get(f"{url}?all=1&cols={keep}")


class RowActionTests(ListColumnsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        past = timezone.now() - timedelta(days=1)
        cls.open_task = factories.task(cls.company, cls.seller, subject="Open one", deadline=past)
        cls.done_task = factories.task(cls.company, cls.seller, subject="Done one", status=TaskStatus.DONE)
        cls.sibling_task = factories.task(cls.company, cls.sibling, subject="Sibling's")
        cls.event_type = EventTypeFactory(code="visit")
        cls.own_event = EventFactory(
            company=cls.company, owner=cls.seller, type=cls.event_type, subject="Own"
        )
        cls.closed_event = EventFactory(
            company=cls.company,
            owner=cls.seller,
            type=cls.event_type,
            subject="Closed",
            outcome=Outcome.SUCCESSFUL,
        )
        cls.anna = ContactFactory(partner=cls.duna, last_name="Kiss", first_name="Anna",
                                  email="anna@duna.example", phone="+36 (1) 234-5678")  # fmt: skip
        cls.erp_contact = ContactFactory(partner=cls.duna, last_name="Erp", first_name="Ede", erp_id="C-1")

    def test_partner_row_actions(self):
        self.login(self.seller)
        response = self.client.get("/partners/")
        menu = menu_of(row_of(response, "Duna Zrt."))
        pk = self.duna.pk
        self.assertIn('<span class="visually-hidden">Actions: Duna Zrt.</span>', menu)
        self.assertIn(f'<a href="/partners/{pk}/">Open</a>', menu)
        self.assertIn(f'<a href="/partners/{pk}/edit/">Edit</a>', menu)
        self.assertIn(f'<a href="/events/new/?partner={pk}">New event</a>', menu)
        self.assertIn(f'<a href="/communications/new/?partner={pk}">New communication</a>', menu)
        # The ERP keeps this partner: no Edit in the row (its page edits owner, status and tags).
        erp = menu_of(row_of(response, "Erpes Kft."))
        self.assertIn("Open", erp)
        self.assertNotIn("/edit/", erp)
        # The prefilled forms open with the partner chosen.
        form = self.client.get(f"/events/new/?partner={pk}").content.decode()
        self.assertRegex(form, rf'<option value="{pk}" selected>Duna Zrt.</option>')

    def test_no_edit_or_create_actions_without_the_functions(self):
        self.login(self.reader)  # sees the seller's records, may change nothing
        menu = menu_of(row_of(self.client.get("/partners/"), "Duna Zrt."))
        self.assertIn(f'<a href="/partners/{self.duna.pk}/">Open</a>', menu)
        for absent in ("Edit", "New event", "New communication"):
            self.assertNotIn(absent, menu)
        tasks = self.client.get("/tasks/")
        self.assertNotIn("Mark done", tasks.content.decode())
        self.assertNotIn('id="row-action-form"', tasks.content.decode())
        self.assertNotIn("Edit", menu_of(row_of(tasks, self.open_task.number)))
        self.assertNotIn("Edit", menu_of(row_of(self.client.get("/contacts/"), "Kiss Anna")))
        events = self.client.get("/events/?scope=team")
        self.assertNotIn("Edit", menu_of(row_of(events, "Own")))
        # not their own event and no right to close others': no Close
        self.assertNotIn("#close-title", menu_of(row_of(events, "Own")))

    def test_the_permission_is_read_once_per_page_not_per_row(self):
        self.login(self.seller)
        few = self.queries("/tasks/?all=1")
        for n in range(10):
            factories.task(self.company, self.seller, subject=f"More {n}")
        self.assertEqual(self.queries("/tasks/?all=1"), few)

    def test_task_row_actions(self):
        self.login(self.seller)
        response = self.client.get("/tasks/")
        menu = menu_of(row_of(response, self.open_task.number))
        pk = self.open_task.pk
        self.assertIn(f'<a href="/tasks/{pk}/">Open</a>', menu)
        self.assertIn(f'<a href="/tasks/{pk}/edit/">Edit</a>', menu)
        self.assertIn(
            f'<button type="submit" form="row-action-form" formaction="/tasks/{pk}/status/">Mark done</button>',
            menu,
        )
        self.assertNotIn("Mark done", menu_of(row_of(response, self.done_task.number)))
        # one form for every row, with the CSRF token and the way back to this very page
        html = response.content.decode()
        form = html[html.index('<form id="row-action-form"') :]
        form = form[: form.index("</form>")]
        self.assertIn('name="csrfmiddlewaretoken"', form)
        self.assertIn('<input type="hidden" name="status" value="done">', form)
        self.assertIn('<input type="hidden" name="next" value="/tasks/">', form)

    def test_mark_done_changes_the_status_and_comes_back_to_the_same_list_page(self):
        self.login(self.seller)
        back = "/tasks/?cols=status&status=new&page=1"
        response = self.client.post(
            f"/tasks/{self.open_task.pk}/status/", {"status": "done", "next": back}, follow=True
        )
        self.assertRedirects(response, back)
        self.open_task.refresh_from_db()
        self.assertEqual(self.open_task.status, TaskStatus.DONE)
        self.assertIsNotNone(self.open_task.completed_at)
        self.assertContains(response, f"{self.open_task.number} moved to “Done”.")
        self.assertNotContains(self.client.get("/tasks/?status=new"), self.open_task.number)

    def test_mark_done_never_sends_the_user_off_the_site(self):
        self.login(self.seller)
        for back in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
            with self.subTest(back=back):
                response = self.client.post(
                    f"/tasks/{self.open_task.pk}/status/", {"status": "done", "next": back}
                )
                self.assertRedirects(response, "/tasks/board/", fetch_redirect_response=False)

    def test_a_siblings_row_gets_no_actions_it_is_not_shown(self):
        self.login(self.seller)
        tasks = self.client.get("/tasks/").content.decode()
        self.assertNotIn(self.sibling_task.number, tasks)
        self.assertNotIn(f"/tasks/{self.sibling_task.pk}/", tasks)
        partners = self.client.get("/partners/").content.decode()
        self.assertNotIn("Tisza Kft.", partners)
        self.assertNotIn(f"/partners/{self.tisza.pk}/", partners)
        self.assertNotIn(f"partner={self.tisza.pk}", partners)
        # and marking the sibling's task done by hand is a 404, the status unchanged
        response = self.client.post(
            f"/tasks/{self.sibling_task.pk}/status/", {"status": "done", "next": "/tasks/"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Task.objects.get(pk=self.sibling_task.pk).status, self.sibling_task.status)

    def test_contact_row_actions(self):
        self.login(self.seller)
        response = self.client.get("/contacts/")
        menu = menu_of(row_of(response, "Kiss Anna"))
        self.assertIn(f'<a href="/contacts/{self.anna.pk}/edit/">Edit</a>', menu)
        self.assertIn('<a href="mailto:anna@duna.example">E-mail anna@duna.example</a>', menu)
        self.assertIn('<a href="tel:+3612345678">Call +36 (1) 234-5678</a>', menu)
        erp = menu_of(row_of(response, "Erp Ede"))
        self.assertNotIn("/edit/", erp)

    def test_event_row_actions(self):
        self.login(self.seller)
        response = self.client.get("/events/")
        own = menu_of(row_of(response, ">Own<"))
        self.assertIn(f'<a href="/events/{self.own_event.pk}/">Open</a>', own)
        self.assertIn(f'<a href="/events/{self.own_event.pk}/edit/">Edit</a>', own)
        self.assertIn(f'<a href="/events/{self.own_event.pk}/#close-title">Close</a>', own)
        self.assertNotIn("#close-title", menu_of(row_of(response, ">Closed<")))
        # the close page the link leads to has the form
        page = self.client.get(f"/events/{self.own_event.pk}/")
        self.assertContains(page, 'id="close-title"')

    def test_a_lead_with_the_function_closes_a_team_members_event_from_the_list(self):
        closer = member(self.company, *VIEW, "events.close_subordinate_event")
        supervise(self.company, closer, self.seller)
        self.login(closer)
        menu = menu_of(row_of(self.client.get("/events/?scope=team"), ">Own<"))
        self.assertIn("#close-title", menu)

    def test_order_and_product_row_actions(self):
        order = Order.objects.create(
            company=self.company, number="SO-9", partner=self.duna, total=Decimal(10), currency="HUF",
            ordered_on=timezone.localdate(),
        )  # fmt: skip
        self.login(self.seller)
        menu = menu_of(row_of(self.client.get("/orders/"), "SO-9"))
        self.assertIn(f'<a href="/orders/{order.pk}/">Open</a>', menu)
        self.assertIn(f'<a href="/partners/{self.duna.pk}/">Open the partner</a>', menu)
        self.assertNotIn("Edit", menu)
        product = Product.objects.create(code="B-2", name="Bolt")
        menu = menu_of(row_of(self.client.get("/products/"), "B-2"))
        self.assertIn(f'<a href="/products/{product.pk}/">Open</a>', menu)
