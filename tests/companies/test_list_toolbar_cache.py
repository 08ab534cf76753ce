"""The list toolbar kept in the cache (companies/list_toolbars.py, issue 17): drawn once per viewer, list,
filters and page size; drawn again when anything it shows changes; never one viewer's for another; the
forms' CSRF token always the request's own."""

import re

from django.conf import settings
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from companies.models import SavedView
from tests.communications import factories
from tests.events.factories import EventTypeFactory
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactTypeFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
    supervise,
)

VIEW = (
    "partners.view_partner",
    "contacts.view_contact",
    "events.view_event",
    "communications.view_communication",
    "communications.view_task",
)


def toolbar(response) -> str:
    """The toolbar and what follows it up to the rows (the task list's bulk bar)."""
    html = response.content.decode()
    start = html.index('<div class="list-toolbar"')
    return html[start : html.index('<div id="item-rows">', start)]


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class ListToolbarCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.lead = member(cls.company, *VIEW, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, *VIEW, first_name="Sanyi", last_name="Seller")
        cls.other = member(cls.company, *VIEW, first_name="Zsuzsa", last_name="Sibling")
        supervise(cls.company, cls.lead, cls.seller)
        cls.partner = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        ContactFactory(partner=cls.partner, first_name="Anna", last_name="Kiss", email="anna@duna.example")
        factories.task(cls.company, cls.seller, subject="Call Duna", status="new")

    def login(self, user, *, enforce_csrf_checks=False, language="en") -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(user)
        return client

    def count(self, client, url: str):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured), response

    def test_the_second_visit_reads_the_toolbar_from_the_cache_with_the_requests_own_token(self):
        client = self.login(self.seller, enforce_csrf_checks=True)
        url = "/tasks/?status=new"
        client.get("/tasks/?status=done")  # the session's first request fills the access cache
        drawn, first = self.count(client, url)
        cached, second = self.count(client, url)
        # the saved views and the member choices are not read again
        self.assertEqual(cached, drawn - 2)
        self.assertContains(second, 'value="new" selected')
        self.assertContains(second, "Sanyi Seller")
        # the forms' token is this request's own (a masked token differs on every response)
        first_html, second_html = toolbar(first), toolbar(second)
        self.assertNotIn("placeholder0", second_html)
        self.assertIn('name="csrfmiddlewaretoken"', second_html)
        self.assertEqual(without_tokens(first_html), without_tokens(second_html))
        # ... and it works: saving the view through the cached toolbar's form
        response = client.post(
            "/views/save/",
            {
                "csrfmiddlewaretoken": csrf_of(second_html),
                "list_name": "tasks",
                "query": "status=new",
                "name": "New ones",
            },
        )
        self.assertEqual(response.status_code, 302)
        # a saved view is a change the toolbar shows: its tab at once
        self.assertContains(client.get(url), "New ones")

    def test_a_renamed_member_shows_at_once(self):
        client = self.login(self.seller)
        client.get("/tasks/")
        self.assertContains(client.get("/tasks/"), "Zsuzsa Sibling")
        self.other.last_name = "Szabo"
        self.other.save()
        response = client.get("/tasks/")
        self.assertContains(response, "Zsuzsa Szabo")
        self.assertNotContains(response, "Zsuzsa Sibling")

    def test_one_viewers_toolbar_never_shows_to_another(self):
        SavedView.objects.create(
            company=self.company,
            owner=self.lead,
            list_name="tasks",
            name="Lead's private",
            query="status=new",
        )
        lead, seller = self.login(self.lead), self.login(self.seller)
        for _ in range(2):
            self.assertContains(lead.get("/tasks/"), "Lead&#x27;s private")
            self.assertNotContains(seller.get("/tasks/"), "Lead&#x27;s private")
            self.assertNotContains(seller.get("/tasks/"), "Lead's private")

    def test_the_language_is_part_of_the_key(self):
        english, hungarian = self.login(self.seller), self.login(self.seller, language="hu")
        english.get("/tasks/")
        self.assertContains(english.get("/tasks/"), "More filters")
        response = hungarian.get("/tasks/")
        self.assertNotContains(response, "More filters")
        self.assertContains(response, 'lang="hu"')

    def test_a_new_event_type_shows_in_the_event_lists_picker(self):
        client = self.login(self.seller)
        client.get("/events/")
        self.assertNotContains(client.get("/events/"), "Factory visit")
        EventTypeFactory(code="factory-visit", name_en="Factory visit")
        self.assertContains(client.get("/events/"), "Factory visit")

    def test_a_new_contact_type_shows_in_the_contact_lists_picker(self):
        client = self.login(self.seller)
        client.get("/contacts/")
        self.assertNotContains(client.get("/contacts/"), "Site manager")
        ContactTypeFactory(code="site", name_en="Site manager")
        self.assertContains(client.get("/contacts/"), "Site manager")

    def test_a_toolbar_showing_a_partner_is_not_cached(self):
        # The contact list narrowed to a partner: the chip names the partner, whom the ERP may rename.
        client = self.login(self.seller)
        url = f"/contacts/?partner={self.partner.pk}"
        self.assertContains(client.get(url), "Duna Zrt.")
        self.partner.name = "Tisza Zrt."
        self.partner.save()
        self.assertContains(client.get(url), "Tisza Zrt.")

    def test_an_empty_list_names_the_filter_that_hid_everything(self):
        client = self.login(self.seller)
        url = "/contacts/?q=nobody-by-this-name"
        client.get(url)
        response = client.get(url)
        self.assertContains(response, "this filter alone hides every row")

    def test_a_login_elsewhere_keeps_the_cached_toolbars(self):
        client = self.login(self.seller)
        client.get("/tasks/?status=done")  # the session's first request fills the access cache
        drawn, _ = self.count(client, "/tasks/?status=new")
        cached, _ = self.count(client, "/tasks/?status=new")
        self.login(self.other)  # saves only the other user's last_login
        after_login, _ = self.count(client, "/tasks/?status=new")
        self.assertEqual(after_login, cached)
        self.other.first_name = "Zsófia"
        self.other.save()  # a name: the pickers show it at once
        self.assertContains(client.get("/tasks/?status=new"), "Zsófia Sibling")
        self.assertLess(cached, drawn)
