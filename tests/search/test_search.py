"""The global search page (/search/): every kind, only what the viewer may see, bad input, constant queries."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.models import Communication, Task
from tests.communications import factories
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
    supervise,
)

SEES = (
    "partners.view_partner",
    "contacts.view_contact",
    "communications.view_communication",
    "communications.view_task",
)


def found(response, kind: str) -> list:
    groups = {group.kind: group for group in response.context["groups"]}
    return groups[kind].items if kind in groups else []


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *SEES, first_name="Bea", last_name="Boss")
        middle = member(cls.company, *SEES)
        cls.seller = member(cls.company, *SEES)  # two levels below the boss
        cls.colleague = member(cls.company, *SEES)  # nobody's subordinate
        supervise(cls.company, cls.boss, middle)
        supervise(cls.company, middle, cls.seller)

        cls.partner = PartnerFactory(
            name="Zafír Gépgyártó Zrt.", short_name="Zagép", tax_number="12345676-2-42"
        )
        PartnerAccountFactory(company=cls.company, partner=cls.partner, owner=cls.seller)
        cls.contact = ContactFactory(
            partner=cls.partner, last_name="Zafírné", first_name="Anna", email="a@x.hu"
        )
        thread = factories.thread(cls.company, cls.seller, subject="Zafír tender", partner=cls.partner)
        cls.communication = factories.communication(
            cls.company, cls.seller, thread=thread, subject="Zafír price request"
        )
        cls.task = factories.task(cls.company, cls.seller, thread=thread, subject="Call Zafír back")

        # The colleague's records and another company's records carry the same word.
        hidden_partner = PartnerFactory(name="Zafír Hidden Kft.")
        PartnerAccountFactory(company=cls.company, partner=hidden_partner, owner=cls.colleague)
        ContactFactory(partner=hidden_partner, last_name="Zafír Hidden")
        factories.communication(cls.company, cls.colleague, subject="Zafír hidden communication")
        factories.task(cls.company, cls.colleague, subject="Zafír hidden task")
        cls.other_company = CompanyFactory()
        cls.foreigner = member(cls.other_company, *SEES)
        # The shared partner master: the same partner has an account in the other company too.
        PartnerAccountFactory(company=cls.other_company, partner=cls.partner, owner=cls.foreigner)
        foreign_partner = PartnerFactory(name="Zafír Foreign Kft.")
        PartnerAccountFactory(company=cls.other_company, partner=foreign_partner, owner=cls.foreigner)
        ContactFactory(partner=foreign_partner, last_name="Zafír Foreign")
        factories.communication(cls.other_company, cls.foreigner, subject="Zafír foreign communication")
        factories.task(cls.other_company, cls.foreigner, subject="Zafír foreign task")

    def search(self, query, user=None, **headers):
        self.client.force_login(user or self.boss)
        response = self.client.get("/search/", {"q": query}, **headers)
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_finds_each_kind_a_subordinate_two_levels_down_owns(self):
        response = self.search("zafír")
        self.assertEqual([account.partner for account in found(response, "partners")], [self.partner])
        self.assertEqual(found(response, "contacts"), [self.contact])
        self.assertEqual(found(response, "communications"), [self.communication])
        self.assertEqual(found(response, "tasks"), [self.task])
        self.assertContains(response, f'href="/partners/{self.partner.pk}/"')
        self.assertContains(response, f'href="/contacts/{self.contact.pk}/"')
        self.assertContains(response, self.communication.get_absolute_url())
        self.assertContains(response, self.task.get_absolute_url())
        self.assertNotContains(response, "Hidden")
        self.assertNotContains(response, "oreign")

    def test_it_finds_by_short_name_tax_number_prefix_email_and_number(self):
        cases = {
            "zagép": ("partners", self.partner.pk),
            "12345676-2": ("partners", self.partner.pk),
            "12345676 2 4": ("partners", self.partner.pk),
            "@x.hu": ("contacts", self.contact.pk),
            "anna": ("contacts", self.contact.pk),
            self.communication.number[-9:]: ("communications", self.communication.pk),
            self.task.number: ("tasks", self.task.pk),
        }
        for query, (kind, pk) in cases.items():
            with self.subTest(query=query):
                items = found(self.search(query), kind)
                ids = [item.partner_id if kind == "partners" else item.pk for item in items]
                self.assertIn(pk, ids)
        # A tax number matches from its start only: a fragment from the middle does not.
        self.assertEqual(found(self.search("5676-2"), "partners"), [])

    def test_a_colleague_sees_only_their_own_and_another_company_sees_nothing_of_ours(self):
        response = self.search("zafír", user=self.colleague)
        self.assertEqual(
            [account.partner.name for account in found(response, "partners")], ["Zafír Hidden Kft."]
        )
        self.assertEqual(
            [item.subject for item in found(response, "communications")], ["Zafír hidden communication"]
        )
        self.assertEqual([item.subject for item in found(response, "tasks")], ["Zafír hidden task"])
        self.assertNotContains(response, "price request")

        response = self.search("zafír", user=self.foreigner)
        # The shared partner appears through the other company's own account, never our records.
        self.assertEqual(
            sorted(account.partner.name for account in found(response, "partners")),
            ["Zafír Foreign Kft.", "Zafír Gépgyártó Zrt."],
        )
        self.assertEqual(
            [account.company_id for account in found(response, "partners")], [self.other_company.pk] * 2
        )
        self.assertEqual(
            [item.subject for item in found(response, "communications")], ["Zafír foreign communication"]
        )
        self.assertEqual([item.subject for item in found(response, "tasks")], ["Zafír foreign task"])
        self.assertNotContains(response, "price request")
        self.assertNotContains(response, "Call Zafír back")

    def test_the_subordinate_does_not_see_the_bosss_records(self):
        factories.communication(self.company, self.boss, subject="Zafír board minutes")
        self.assertIn(
            "Zafír board minutes", [c.subject for c in found(self.search("zafír"), "communications")]
        )
        seller_sees = [c.subject for c in found(self.search("zafír", user=self.seller), "communications")]
        self.assertEqual(seller_sees, ["Zafír price request"])

    def test_kinds_without_the_view_function_are_left_out(self):
        reader = member(self.company, "partners.view_partner")
        supervise(self.company, reader, self.seller)
        response = self.search("zafír", user=reader)
        self.assertEqual([group.kind for group in response.context["groups"]], ["partners"])

    def test_empty_short_long_and_hostile_queries_answer_clearly(self):
        self.assertContains(self.search(""), "Type a name, a subject or a number")
        self.assertContains(self.search("   "), "Type a name, a subject or a number")
        self.assertContains(self.search("za"), "Type at least 3 characters to search.")
        self.assertContains(self.search("z" * 101), "Search for at most 100 characters.")
        self.assertContains(self.search("qqqzzz"), "Nothing found for “qqqzzz”.")
        for query in (
            "%%%",
            "___",
            "\\\\\\",
            "'; DROP TABLE x; --",
            "\x00qqq",
            '"><script>',
            "\u202eabc",
            "z" * 100,
        ):
            with self.subTest(query=query):
                response = self.search(query)
                self.assertFalse(response.context["found_any"], query)  # wildcards are literal characters
                self.assertNotContains(response, "<script>")

    def test_the_htmx_request_gets_only_the_results(self):
        response = self.search("zafír", HTTP_HX_REQUEST="true")
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="search-partners"')

    def test_show_all_links_lead_to_the_filtered_lists(self):
        response = self.search("zafír")
        self.assertContains(response, 'href="/partners/?q=zaf%C3%ADr"')
        self.assertContains(response, 'href="/communications/?q=zaf%C3%ADr"')
        self.assertContains(response, 'href="/tasks/?q=zaf%C3%ADr"')
        partners = self.client.get("/partners/", {"q": "zafír"}).context["page"].object_list
        self.assertEqual([account.partner_id for account in partners], [self.partner.pk])
        items = self.client.get("/communications/", {"q": "zafír"}).context["page"].object_list
        self.assertEqual([item.pk for item in items], [self.communication.pk])
        tasks = self.client.get("/tasks/", {"q": "zafír"}).context["page"].object_list
        self.assertEqual([task.pk for task in tasks], [self.task.pk])

    def test_the_top_navigation_has_the_search_box(self):
        self.client.force_login(self.boss)
        response = self.client.get("/")
        self.assertContains(response, 'id="global-search"')
        self.assertContains(response, 'action="/search/"')

    def test_the_query_count_is_the_same_for_10_and_100_matches(self):
        def add(count: int) -> None:
            thread = factories.thread(self.company, self.seller, subject="Many")
            for n in range(count):
                partner = PartnerFactory(name=f"Manymatch {n} Kft.")
                PartnerAccountFactory(company=self.company, partner=partner, owner=self.seller)
                ContactFactory(partner=partner, last_name=f"Manymatch {n}")
                factories.communication(self.company, self.seller, thread=thread, subject=f"Manymatch {n}")
                factories.task(self.company, self.seller, thread=thread, subject=f"Manymatch {n}")

        captured_last: list = []

        def queries():
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get("/search/", {"q": "manymatch"})
            # the session is read from the cache where Redis is configured, from the database otherwise
            captured_last[:] = [q for q in captured.captured_queries if '"django_session"' not in q["sql"]]
            return len(captured_last), response

        add(10)
        self.search("manymatch")  # logs in, warms the content-type cache
        few, response = queries()
        self.assertEqual(len(found(response, "communications")), 10)
        add(90)
        many, response = queries()
        self.assertEqual(len(found(response, "tasks")), 10)
        self.assertTrue(all(group.has_more for group in response.context["groups"]))
        # user, subordinates, one query per kind (partners, contacts, communications, tasks); memberships,
        # groups and functions come from the access cache
        self.assertEqual(many, few)
        self.assertEqual(few, 6, "\n".join(query["sql"][:150] for query in captured_last))
        self.assertEqual(Communication.objects.filter(subject__startswith="Manymatch").count(), 100)
        self.assertEqual(Task.objects.filter(subject__startswith="Manymatch").count(), 100)
