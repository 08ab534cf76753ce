import csv
import io

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from partners.models import Partner
from tests.factories import (
    CompanyFactory,
    PartnerAccountFactory,
    PartnerAddressFactory,
    PartnerFactory,
    member,
    supervise,
)

HOSTILE = [
    "'",
    '"><script>alert(1)</script>',
    "%00",
    "../../etc/passwd",
    "-1",
    "9" * 40,
    "1e309",
    "\u202e",
    "𝕏" * 200,
]


class PartnerListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, "partners.view_partner", "partners.export_partners")
        cls.seller = member(cls.company, "partners.view_partner")
        cls.other_seller = member(cls.company, "partners.view_partner")
        supervise(cls.company, cls.boss, cls.seller)
        cls.duna = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Duna Zrt.", source="erp")
        )
        PartnerAddressFactory(partner=cls.duna.partner, city="Győr")
        cls.tisza = PartnerAccountFactory(
            company=cls.company,
            owner=cls.boss,
            status="prospect",
            partner=PartnerFactory(name="Tisza Kft.", is_supplier=True, is_customer=False),
        )
        cls.hidden = PartnerAccountFactory(
            company=cls.company, owner=cls.other_seller, partner=PartnerFactory(name="Hidden Bt.")
        )

    def names(self, response):
        return [account.partner__name for account in response.context["page"].object_list]

    def test_list_shows_only_what_the_visibility_helper_allows(self):
        self.client.force_login(self.boss)
        self.assertEqual(self.names(self.client.get("/partners/")), ["Duna Zrt.", "Tisza Kft."])
        self.client.force_login(self.seller)
        self.assertEqual(self.names(self.client.get("/partners/")), ["Duna Zrt."])

    def test_filters(self):
        self.client.force_login(self.boss)
        cases = {
            "q=duna": ["Duna Zrt."],
            f"owner={self.boss.pk}": ["Tisza Kft."],
            "status=prospect": ["Tisza Kft."],
            "type=supplier": ["Tisza Kft."],
            "city=győr": ["Duna Zrt."],
            "source=erp": ["Duna Zrt."],
            "sort=-name": ["Tisza Kft.", "Duna Zrt."],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(self.names(self.client.get(f"/partners/?{query}")), expected)

    def test_hostile_filter_values_never_500(self):
        self.client.force_login(self.boss)
        for field in ("q", "owner", "status", "type", "city", "source", "sort", "page"):
            for value in HOSTILE:
                with self.subTest(field=field, value=value):
                    response = self.client.get("/partners/", {field: value})
                    self.assertEqual(response.status_code, 200)
                    self.assertNotIn(b"<script>alert(1)</script>", response.content)

    def test_htmx_request_gets_the_rows_fragment(self):
        self.client.force_login(self.boss)
        response = self.client.get("/partners/?q=tisza", headers={"HX-Request": "true"})
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Tisza Kft.")

    def test_query_count_is_the_same_for_10_and_60_rows(self):
        self.client.force_login(self.boss)

        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/partners/").status_code, 200)
            return len(queries)

        count_queries()  # warm caches (content types, session)
        for _ in range(8):
            PartnerAccountFactory(company=self.company, owner=self.seller)
        # Expected: session, user, membership, function codes, subordinates (CTE), grants subquery
        # inside the count and the page, the switcher's memberships, the owner filter's choices.
        small = count_queries()
        for _ in range(50):
            PartnerAccountFactory(company=self.company, owner=self.seller)
        large = count_queries()
        self.assertEqual(small, large)

    def test_csv_export_follows_the_filter_and_defuses_formulas(self):
        PartnerAccountFactory(
            company=self.company, owner=self.seller, partner=PartnerFactory(name="=HYPERLINK(1)")
        )
        self.client.force_login(self.boss)
        response = self.client.get("/partners/export.csv?source=erp")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        self.assertEqual([row[0] for row in rows[1:]], ["Duna Zrt."])
        response = self.client.get("/partners/export.csv?q=HYPERLINK")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        self.assertEqual(rows[1][0], "'=HYPERLINK(1)")

    def test_csv_export_needs_the_function(self):
        self.client.force_login(self.seller)
        self.assertEqual(self.client.get("/partners/export.csv").status_code, 403)

    def test_empty_state(self):
        self.client.force_login(self.boss)
        self.assertContains(
            self.client.get("/partners/?q=nothing-like-this"), "No partners match these filters."
        )


class PartnerDetailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alfa = CompanyFactory(name="Alfa")
        cls.beta = CompanyFactory(name="Beta")
        cls.partner = PartnerFactory(name="Shared Partner Kft.", source="erp")
        cls.alfa_user = member(cls.alfa, "partners.view_partner")
        cls.beta_user = member(cls.beta, "partners.view_partner", first_name="Secret", last_name="Owner")
        PartnerAccountFactory(company=cls.alfa, partner=cls.partner, owner=cls.alfa_user, notes="alfa notes")
        PartnerAccountFactory(
            company=cls.beta, partner=cls.partner, owner=cls.beta_user, notes="beta private plan"
        )

    def test_each_company_sees_only_its_own_private_data(self):
        self.client.force_login(self.alfa_user)
        response = self.client.get(f"/partners/{self.partner.pk}/")
        self.assertContains(response, "Shared Partner Kft.")
        self.assertContains(response, "alfa notes")
        self.assertNotContains(response, "beta private plan")
        self.assertNotContains(response, "Secret Owner")

    def test_main_activity_and_master_notes_are_shown(self):
        Partner.objects.filter(pk=self.partner.pk).update(
            main_activity="4941 Közúti áruszállítás", notes="Gate code 1234\nAsk for Béla"
        )
        self.client.force_login(self.alfa_user)
        response = self.client.get(f"/partners/{self.partner.pk}/")
        self.assertContains(response, "4941 Közúti áruszállítás")
        self.assertContains(response, "Gate code 1234<br>Ask for Béla")

    def test_erp_managed_partner_says_why_it_is_read_only(self):
        self.client.force_login(self.alfa_user)
        self.assertContains(self.client.get(f"/partners/{self.partner.pk}/"), "read-only")
