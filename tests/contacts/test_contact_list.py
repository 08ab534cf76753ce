"""The contacts list (/contacts/): what each viewer sees, search, filters, sorting, paging, exports."""

import csv
import io

import openpyxl
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from contacts.models import ContactRole, GdprNotice
from contacts.rows import ContactRow
from contacts.services import email_hash
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactTypeFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
    supervise,
)

HOSTILE = [
    "'",
    '"><script>alert(1)</script>',
    "%00",
    "\x00",
    "../../etc/passwd",
    "-1",
    "9" * 40,
    "1e309",
    "\u202e",
    "𝕏" * 200,
    "name,-name,partner",
    "-",
]
VIEW = ("partners.view_partner", "contacts.view_contact")


def notice(company, contact, status, email=None):
    address = email or contact.email
    return GdprNotice.objects.create(
        company=company,
        email_hash=email_hash(address),
        recipient=address,
        contact=contact,
        language="hu",
        status=status,
    )


def with_types(contact, *types):
    for contact_type in types:
        ContactRole.objects.create(contact=contact, type=contact_type, partner=contact.partner)
    return contact


class ContactListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, *VIEW)
        cls.seller = member(cls.company, *VIEW)
        cls.sibling = member(cls.company, *VIEW)
        supervise(cls.company, cls.boss, cls.seller)
        supervise(cls.company, cls.boss, cls.sibling)
        cls.financial = ContactTypeFactory(code="financial", name_en="Financial", name_hu="Pénzügyi")
        cls.technical = ContactTypeFactory(code="technical", name_en="Technical", name_hu="Műszaki")
        cls.duna = PartnerAccountFactory(
            company=cls.company,
            owner=cls.seller,
            partner=PartnerFactory(name="Duna Zrt.", tax_number="10773381-2-44"),
        ).partner
        cls.tisza = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Abaúj Kft.")
        ).partner
        cls.sibling_partner = PartnerAccountFactory(
            company=cls.company, owner=cls.sibling, partner=PartnerFactory(name="Sibling Bt.")
        ).partner
        other_company = CompanyFactory()
        cls.foreign_partner = PartnerAccountFactory(
            company=other_company, partner=PartnerFactory(name="Foreign Ltd.")
        ).partner
        cls.anna = with_types(
            ContactFactory(
                partner=cls.duna,
                first_name="Anna",
                last_name="Kovács",
                email="anna@duna.hu",
                phone="+36 30 123 4567",
                position="CFO",
            ),
            cls.financial,
        )
        cls.bela = with_types(
            ContactFactory(partner=cls.tisza, first_name="Béla", last_name="Szabó", email="", phone=""),
            cls.technical,
        )
        cls.cecil = ContactFactory(
            partner=cls.duna, first_name="Cecil", last_name="Tóth", email="cecil@duna.hu"
        )
        cls.dora = with_types(
            ContactFactory(partner=cls.tisza, first_name="Dóra", last_name="Antal", email="dora@abauj.hu"),
            cls.technical,
            cls.financial,
        )
        cls.hidden = ContactFactory(partner=cls.sibling_partner, first_name="Hidden", last_name="Sibling")
        cls.foreign = ContactFactory(partner=cls.foreign_partner, first_name="Foreign", last_name="Person")
        ContactFactory(partner=cls.duna, first_name="Gone", last_name="Inactive", is_active=False)
        notice(cls.company, cls.anna, "sent")
        notice(cls.company, cls.cecil, "failed")
        notice(cls.company, cls.dora, "queued")
        notice(other_company, cls.bela, "sent", email="bela@elsewhere.hu")  # another company's notice

    def rows(self, response):
        self.assertEqual(response.status_code, 200)
        return [str(contact) for contact in response.context["page"].object_list]

    def get(self, query="", user=None):
        self.client.force_login(user or self.seller)
        return self.client.get(f"/contacts/{query}")

    def test_rows_show_name_types_partner_email_phone_and_gdpr_status(self):
        response = self.get()
        self.assertEqual(self.rows(response), ["Antal Dóra", "Kovács Anna", "Szabó Béla", "Tóth Cecil"])
        self.assertContains(response, f'<a href="/contacts/{self.anna.pk}/">Kovács Anna</a>', html=True)
        self.assertContains(response, f'<a href="/partners/{self.duna.pk}/">Duna Zrt.</a>', html=True)
        self.assertContains(response, '<a href="mailto:anna@duna.hu">anna@duna.hu</a>', html=True)
        self.assertContains(response, "+36 30 123 4567")
        self.assertContains(response, "CFO")
        self.assertContains(response, '<span class="badge">Financial</span>', html=True)
        self.assertContains(response, 'class="badge gdpr-sent"', count=1)
        groups = {str(contact): contact.gdpr_group for contact in response.context["page"].object_list}
        self.assertEqual(
            groups,
            {"Antal Dóra": "queued", "Kovács Anna": "sent", "Szabó Béla": "none", "Tóth Cecil": "failed"},
        )

    def test_rows_are_read_as_values_not_model_instances(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.get()
        rows = response.context["page"].object_list
        self.assertTrue(rows and all(isinstance(row, ContactRow) for row in rows))
        page_query = next(
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "contacts_contact"."id"') and " LIMIT " in q["sql"]
        )
        self.assertNotIn('"contacts_contact"."notes"', page_query)  # only the columns a row shows
        self.assertNotIn('"partners_partner"."tax_number"', page_query)

    def test_a_notice_to_the_same_address_under_another_contact_counts(self):
        twin = ContactFactory(partner=self.tisza, first_name="Anna", last_name="Twin", email=" ANNA@duna.hu")
        response = self.get("?q=Twin")
        self.assertEqual([contact.gdpr_group for contact in response.context["page"].object_list], ["sent"])
        self.assertEqual(str(response.context["page"].object_list[0]), str(twin))

    def test_another_company_and_a_sibling_sellers_contacts_are_never_shown(self):
        for user in (self.seller, self.boss):
            names = self.rows(self.get("?q=e", user=user))
            self.assertNotIn("Person Foreign", names)
            self.assertNotIn("Inactive Gone", names)
        self.assertNotIn("Sibling Hidden", self.rows(self.get()))
        self.assertIn("Sibling Hidden", self.rows(self.get(user=self.boss)))  # the supervisor sees both
        self.assertEqual(self.rows(self.get("?q=Foreign")), [])
        # Filtering by a partner the viewer does not see is refused, not answered.
        response = self.get(f"?partner={self.sibling_partner.pk}")
        self.assertEqual(self.rows(response), [])
        response = self.get(f"?partner={self.foreign_partner.pk}", user=self.boss)
        self.assertEqual(self.rows(response), [])

    def csv_rows(self, query="", user=None):
        self.client.force_login(user or self.seller)
        response = self.client.get(f"/contacts/export.csv{query}")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    def test_csv_export_holds_the_visible_filtered_contacts_only(self):
        rows = self.csv_rows()
        # The header: last and first name, type, position, partner, e-mail, phone, mobile, GDPR notice.
        self.assertEqual(len(rows[0]), 9)
        self.assertEqual(rows[2][:6], ["Kovács", "Anna", "Financial", "CFO", "Duna Zrt.", "anna@duna.hu"])
        self.assertEqual([row[0] for row in rows[1:]], ["Antal", "Kovács", "Szabó", "Tóth"])
        self.assertNotIn("Sibling", {row[0] for row in rows})
        self.assertNotIn("Person", {row[0] for row in self.csv_rows(user=self.boss)})
        self.assertEqual([row[0] for row in self.csv_rows("?gdpr=sent")[1:]], ["Kovács"])

    def test_exports_defuse_formulas(self):
        ContactFactory(partner=self.duna, first_name="x", last_name="=HYPERLINK(1)", email="")
        rows = self.csv_rows("?q=HYPERLINK")
        self.assertEqual(rows[1][0], "'=HYPERLINK(1)")
        self.client.force_login(self.seller)
        response = self.client.get("/contacts/export.xlsx?q=HYPERLINK")
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.cell(row=2, column=1).value, "=HYPERLINK(1)")  # as typed, a text cell
        self.assertEqual(sheet.cell(row=2, column=1).data_type, "s")
        self.assertEqual(sheet.max_row, 2)

    def test_search_by_name_email_phone_and_partner(self):
        cases = {
            "kovács": ["Kovács Anna"],
            "Anna Kovács": ["Kovács Anna"],
            "Kovács Anna": ["Kovács Anna"],
            "dora@abauj": ["Antal Dóra"],
            "301234567": ["Kovács Anna"],
            "30/123-4567": ["Kovács Anna"],
            "abaúj": ["Antal Dóra", "Szabó Béla"],
            "10773381": ["Kovács Anna", "Tóth Cecil"],
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(self.rows(self.get("?" + f"q={text}")), expected)

    def test_filters(self):
        cases = {
            f"type={self.financial.pk}": ["Antal Dóra", "Kovács Anna"],
            f"type={self.technical.pk}": ["Antal Dóra", "Szabó Béla"],
            f"partner={self.duna.pk}": ["Kovács Anna", "Tóth Cecil"],
            "gdpr=sent": ["Kovács Anna"],
            "gdpr=queued": ["Antal Dóra"],
            "gdpr=failed": ["Tóth Cecil"],
            "gdpr=none": ["Szabó Béla"],
            "has_email=no": ["Szabó Béla"],
            "has_email=yes": ["Antal Dóra", "Kovács Anna", "Tóth Cecil"],
            f"has_email=yes&partner={self.tisza.pk}": ["Antal Dóra"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(self.rows(self.get(f"?{query}")), expected)

    def test_the_partner_filter_says_which_partner(self):
        self.client.force_login(self.seller)
        detail = self.client.get(f"/partners/{self.duna.pk}/")
        self.assertContains(detail, f'href="/contacts/?partner={self.duna.pk}"')
        response = self.get(f"?partner={self.duna.pk}")
        self.assertContains(response, "Duna Zrt.")
        self.assertContains(response, f'value="{self.duna.pk}"')

    def test_sorting(self):
        cases = {
            "sort=name": ["Antal Dóra", "Kovács Anna", "Szabó Béla", "Tóth Cecil"],
            "sort=-name": ["Tóth Cecil", "Szabó Béla", "Kovács Anna", "Antal Dóra"],
            "sort=partner": ["Antal Dóra", "Szabó Béla", "Kovács Anna", "Tóth Cecil"],
            "sort=-partner": ["Kovács Anna", "Tóth Cecil", "Antal Dóra", "Szabó Béla"],
            # By the first type name in the user's language; no type last; the names A to Z within a type.
            "sort=type": ["Antal Dóra", "Kovács Anna", "Szabó Béla", "Tóth Cecil"],
            "sort=-type": ["Szabó Béla", "Antal Dóra", "Kovács Anna", "Tóth Cecil"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(self.rows(self.get(f"?{query}")), expected)
        response = self.get("?sort=name")
        self.assertContains(response, 'href="?sort=-name"')

    def test_hostile_query_strings_never_500(self):
        self.client.force_login(self.boss)
        for field in ("q", "type", "partner", "gdpr", "has_email", "sort", "page", "per_page"):
            for value in HOSTILE:
                for url in ("/contacts/", "/contacts/export.csv", "/contacts/export.xlsx"):
                    with self.subTest(field=field, value=value, url=url):
                        response = self.client.get(url, {field: value})
                        self.assertEqual(response.status_code, 200)
                        if url == "/contacts/":
                            self.assertNotIn(b"<script>alert(1)</script>", response.content)

    def test_htmx_request_gets_the_rows_fragment(self):
        self.client.force_login(self.seller)
        response = self.client.get("/contacts/?q=kov", headers={"HX-Request": "true"})
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Kovács Anna")

    def test_empty_states_say_what_to_do_next(self):
        response = self.get("?q=nothing-like-this")
        self.assertContains(response, "No contacts match these filters.")
        self.assertContains(response, 'href="/contacts/"')
        newcomer = member(self.company, *VIEW)
        response = self.get(user=newcomer)
        self.assertContains(response, "No contacts yet.")
        self.assertContains(response, 'href="/partners/"')

    def test_it_needs_the_view_contact_function(self):
        outsider = member(self.company, "partners.view_partner")
        self.client.force_login(outsider)
        for url in ("/contacts/", "/contacts/export.csv", "/contacts/export.xlsx"):
            self.assertEqual(self.client.get(url).status_code, 403)
        self.assertNotContains(self.client.get("/partners/"), 'href="/contacts/"')

    def test_the_top_bar_links_to_the_list(self):
        self.client.force_login(self.seller)
        self.assertContains(
            self.client.get("/partners/"), 'href="/contacts/" data-nav="contacts"', status_code=200
        )

    def test_paging_with_per_page(self):
        for number in range(60):
            ContactFactory(partner=self.duna, first_name=f"Extra{number:02d}", last_name="Zöld")
        self.assertEqual(len(self.rows(self.get())), 25)
        response = self.get("?per_page=50")
        self.assertEqual(len(self.rows(response)), 50)
        self.assertContains(response, '<strong aria-current="true">50</strong>', html=True)
        response = self.get("?per_page=100&page=1")
        self.assertEqual(len(self.rows(response)), 64)
        self.assertEqual(len(self.rows(self.get("?page=2&per_page=25"))), 25)

    def test_query_count_is_the_same_for_10_and_100_rows(self):
        self.client.force_login(self.boss)

        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/contacts/?per_page=100&sort=type")
                self.assertEqual(response.status_code, 200)
            return len(queries), len(response.context["page"].object_list)

        count_queries()  # warm caches (content types, session)
        partner = PartnerAccountFactory(company=self.company, owner=self.seller).partner
        for _ in range(5):
            notice(self.company, with_types(ContactFactory(partner=partner), self.financial), "sent")
        # Expected: session, user, supervisor graph (memberships and functions from the access cache),
        # the viewer's partner ids (a viewer of up to 12 people), the capped count, the page (partner
        # and sort key in it), the page's type names, the page's GDPR notices, the type filter's
        # choices; nothing per row.
        small, shown = count_queries()
        self.assertEqual(shown, 10)
        for _ in range(90):
            contact = with_types(ContactFactory(partner=partner), self.technical, self.financial)
            notice(self.company, contact, "queued")
        large, shown = count_queries()
        self.assertEqual(shown, 100)
        self.assertEqual(small, large)


class ListedVisibilityTests(TestCase):
    """``visible_to_listed`` (the list's query shape) returns exactly the rows of ``visible_to``."""

    def test_both_shapes_return_the_same_contacts(self):
        from unittest import mock

        from django.contrib.contenttypes.models import ContentType

        from companies.models import Share, ShareReason
        from companies.visibility import Viewer
        from contacts import models as contact_models
        from contacts.models import Contact

        company = CompanyFactory()
        people = [member(company, *VIEW) for _ in range(5)]
        supervise(company, people[0], people[1])
        supervise(company, people[1], people[2])
        supervise(company, people[0], people[3])  # a diamond: 0 -> 1 -> 2 and 0 -> 3 -> 2
        supervise(company, people[3], people[2])
        for number, owner in enumerate([*people, None, people[4]]):
            account = PartnerAccountFactory(company=company, owner=owner)
            ContactFactory.create_batch(2, partner=account.partner)
            if number == 5:
                Share.objects.create(
                    company=company,
                    user=people[2],
                    content_type=ContentType.objects.get_for_model(account),
                    object_id=account.pk,
                    reason=ShareReason.values[0],
                )
        ContactFactory(partner=PartnerAccountFactory(company=CompanyFactory()).partner)
        for user in people:
            viewer = Viewer.for_user(user, company)
            plain = set(Contact.objects.visible_to(viewer).values_list("pk", flat=True))
            listed = set(Contact.objects.visible_to_listed(viewer).values_list("pk", flat=True))
            with mock.patch.object(contact_models, "LISTED_UP_TO", 0):
                walked = set(Contact.objects.visible_to_listed(viewer).values_list("pk", flat=True))
            with self.subTest(user=people.index(user)):
                self.assertTrue(plain)
                self.assertEqual(listed, plain)
                self.assertEqual(walked, plain)
