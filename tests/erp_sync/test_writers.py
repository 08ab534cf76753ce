"""The importer's set-based writes: constant queries per page, unchanged rows left alone, what the ERP
removes closed or removed, CRM-only data kept, a record the database refuses skipped alone."""

import copy
import re
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, ContactRole, ContactType, GdprNotice
from contacts.services import contact_anonymise
from devtools.simulators.erp import ErpData, start_simulator
from erp_sync.connectors.http import HttpConnector
from erp_sync.importer import PageImporter, run_import
from erp_sync.models import RunStatus, SyncError, SyncRun
from partners.models import Asset, Partner, PartnerAccount, PartnerAddress, Turnover
from receivables.models import Invoice
from tests.factories import CompanyFactory, member

WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")


def changed_partner(record: dict) -> dict:
    """The same kind of ERP edit on every partner: renamed, an address, a contact, a turnover month and
    an asset gone, the financial role moved to another contact, an amount and an asset changed."""
    record = copy.deepcopy(record)
    record["name"] += " (renamed)"
    record["addresses"] = record["addresses"][:1]
    record["contacts"] = record["contacts"][:2]
    record["contacts"][0]["types"], record["contacts"][1]["types"] = ["technical"], ["financial"]
    record["turnover"] = record["turnover"][:-1]
    record["turnover"][0]["amount"] = "1.00"
    record["assets"] = record["assets"][:1]
    record["assets"][0]["item"] = "Machine (rebuilt)"
    return record


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class PageQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        CompanyFactory(code="alfa", name="Alfa")
        CompanyFactory(code="beta", name="Beta")
        ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        ContactType.objects.create(code="technical", name_en="Technical", cardinality="many")

    def setUp(self):
        self.data = ErpData()
        self.data.seed(110, companies=("alfa", "beta"))

    def import_page(self, kind: str, records: list[dict]) -> tuple[list[str], dict]:
        importer = PageImporter(SyncRun.objects.create())
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            counts = importer.import_page(kind, records)
        return [query["sql"] for query in queries.captured_queries], counts

    def assert_same_queries(self, small: list[str], large: list[str]) -> None:
        shapes = [
            [re.sub(r"\d+", "N", sql.split(" WHERE ")[0].split(" WHEN ")[0]) for sql in queries]
            for queries in (small, large)
        ]
        self.assertEqual(shapes[0], shapes[1], "\n".join(large))

    def test_a_page_of_partners_costs_the_same_queries_for_10_and_100(self):
        records = list(self.data.all_records("partners"))
        small, large = records[:10], records[10:]

        queries_10, counts_10 = self.import_page("partners", small)
        queries_100, counts_100 = self.import_page("partners", large)
        self.assertEqual((counts_10, counts_100), ({"created": 10}, {"created": 100}))
        self.assert_same_queries(queries_10, queries_100)
        # 2 savepoints (this test's atomic and the writer's), partners by ERP id, ids + COPY partners,
        # COPY accounts, addresses by ERP id, ids + COPY addresses, contacts by ERP id, ids + COPY
        # contacts, COPY roles, the partners' accounts, existing GDPR notices, ids + COPY notices,
        # COPY turnover, assets by ERP id, COPY assets, 2 releases.
        self.assertEqual(len(queries_100), 22, "\n".join(queries_100))
        self.assertEqual(Contact.objects.count(), 330)
        self.assertEqual(Turnover.objects.count(), 1320)

        queries_10, counts_10 = self.import_page("partners", [changed_partner(r) for r in small])
        queries_100, counts_100 = self.import_page("partners", [changed_partner(r) for r in large])
        self.assertEqual((counts_10, counts_100), ({"updated": 10}, {"updated": 100}))
        self.assert_same_queries(queries_10, queries_100)
        # 2 savepoints, partners by ERP id, the changed partners written with 4 (temporary table, COPY,
        # UPDATE, drop), their accounts, addresses by ERP id, the removed address's asset sites cleared
        # and the address deleted, contacts by ERP id, the removed contact deactivated and its roles
        # deleted, roles read, the moved role deleted and COPY the new one, accounts and GDPR notices
        # read, turnover read, the changed amounts written with 4, the removed month deleted, assets by
        # ERP id, the changed asset written with 4, the removed asset deleted, 2 releases.
        self.assertEqual(len(queries_100), 33, "\n".join(queries_100))

        # The same page again: nothing to write, so nothing is written.
        queries_100, counts_100 = self.import_page("partners", [changed_partner(r) for r in large])
        self.assertEqual(counts_100, {"unchanged": 100})
        self.assertEqual([sql for sql in queries_100 if sql.startswith(WRITES)], [])

    def test_pages_of_invoices_products_and_orders_cost_the_same_queries_for_10_and_100(self):
        self.import_page("partners", list(self.data.all_records("partners")))
        invoices = list(self.data.all_records("invoices"))
        queries_10, counts_10 = self.import_page("invoices", invoices[:10])
        queries_100, counts_100 = self.import_page("invoices", invoices[10:110])
        self.assertEqual((counts_10, counts_100), ({"created": 10}, {"created": 100}))
        self.assert_same_queries(queries_10, queries_100)
        # 2 savepoints, invoices by ERP id, partners by ERP id, COPY invoices, 2 releases.
        self.assertEqual(len(queries_100), 7, "\n".join(queries_100))

        products = [
            {"id": f"PR{n:04d}", "code": f"ITEM-{n:03d}", "name": f"Item {n}", "unit": "pcs"}
            for n in range(110)
        ]
        queries_10, _ = self.import_page("products", products[:10])
        queries_100, _ = self.import_page("products", products[10:])
        self.assert_same_queries(queries_10, queries_100)

        orders = [
            {"id": f"OX{n:04d}", "company": "alfa", "number": f"X-{n}", "partner_id": f"P{n + 1:06d}",
             "date": "2026-11-02", "total": "10", "lines": [{"product_id": f"PR{n:04d}", "quantity": "1",
                                                             "unit_price": "10"}, {"description": "freight"}]}
            for n in range(110)
        ]  # fmt: skip
        queries_10, counts_10 = self.import_page("orders", orders[:10])
        queries_100, counts_100 = self.import_page("orders", orders[10:])
        self.assertEqual((counts_10, counts_100), ({"created": 10}, {"created": 100}))
        self.assert_same_queries(queries_10, queries_100)
        changed = [dict(order, lines=order["lines"][:1], total="5") for order in orders]
        queries_10, counts_10 = self.import_page("orders", changed[:10])
        queries_100, counts_100 = self.import_page("orders", changed[10:])
        self.assertEqual((counts_10, counts_100), ({"updated": 10}, {"updated": 100}))
        self.assert_same_queries(queries_10, queries_100)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class ReconcileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alfa = CompanyFactory(code="alfa", name="Alfa")
        CompanyFactory(code="beta", name="Beta")
        ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        ContactType.objects.create(code="technical", name_en="Technical", cardinality="many")

    def setUp(self):
        self.data = ErpData()
        self.data.seed(12, companies=("alfa", "beta"))
        self.server = start_simulator(data=self.data, api_key="k")
        self.addCleanup(self.server.stop)

    def run_import(self, **kwargs) -> SyncRun:
        connector = HttpConnector(base_url=self.server.url, api_key="k", page_size=kwargs.pop("page_size", 5))
        with self.captureOnCommitCallbacks(execute=True):
            return run_import(connector=connector, **kwargs)

    def test_what_the_erp_removes_goes_and_crm_only_data_stays(self):
        self.run_import(full=True)
        partner = Partner.objects.get(erp_id="P000002")  # company alfa (2 % 2)
        owner = member(self.alfa)
        PartnerAccount.objects.filter(partner=partner).update(owner=owner, notes="Visit in spring")
        Contact.objects.filter(erp_id="P000002-C0").update(notes="Prefers phone calls")
        contact_anonymise(contact=Contact.objects.get(erp_id="P000002-C1"))
        typed = Turnover.objects.create(
            company=self.alfa, partner=partner, period=date(2020, 1, 1), amount=Decimal(5), currency="EUR"
        )
        self.data.put("partners", changed_partner(self.data.get("partners", "P000002")))

        run = self.run_import()

        self.assertEqual(run.counts, {"partners": {"updated": 1}})
        partner.refresh_from_db()
        self.assertEqual(partner.name, "ERP Partner 000002 Kft. (renamed)")
        self.assertEqual(list(partner.addresses.values_list("erp_id", flat=True)), ["P000002-A0"])
        contacts = {c.erp_id: c for c in partner.contacts.all()}
        self.assertFalse(contacts["P000002-C2"].is_active)  # removed in the ERP: kept, inactive
        self.assertEqual(contacts["P000002-C0"].notes, "Prefers phone calls")
        self.assertIsNotNone(contacts["P000002-C1"].anonymised_at)  # erased in the CRM: stays erased
        self.assertEqual(contacts["P000002-C1"].first_name, "")
        self.assertEqual(
            sorted(ContactRole.objects.filter(partner=partner).values_list("contact__erp_id", "type__code")),
            [("P000002-C0", "technical")],  # the anonymised contact gets no role back
        )
        self.assertEqual(Turnover.objects.filter(partner=partner, from_erp=True).count(), 11)
        self.assertTrue(Turnover.objects.filter(pk=typed.pk).exists())
        self.assertEqual(
            Turnover.objects.filter(partner=partner, from_erp=True).order_by("-period").first().amount,
            Decimal("1.00"),
        )
        self.assertEqual(
            list(Asset.objects.filter(partner=partner).values_list("erp_id", "item", "site__erp_id")),
            [("P000002-S0", "Machine (rebuilt)", "P000002-A0")],
        )
        account = PartnerAccount.objects.get(partner=partner)
        self.assertEqual((account.owner, account.notes), (owner, "Visit in spring"))

    def test_a_full_resync_of_unchanged_data_rewrites_nothing(self):
        self.run_import(full=True)
        stamps = dict(Partner.objects.values_list("erp_id", "updated_at"))
        invoice_stamps = dict(Invoice.objects.values_list("erp_id", "updated_at"))
        run = self.run_import(full=True)
        self.assertEqual(run.status, RunStatus.SUCCEEDED)
        self.assertEqual(
            run.counts,
            {"partners": {"unchanged": 12}, "products": {"unchanged": 5}, "orders": {"unchanged": 1},
             "invoices": {"unchanged": 24}},
        )  # fmt: skip
        self.assertEqual(dict(Partner.objects.values_list("erp_id", "updated_at")), stamps)
        self.assertEqual(dict(Invoice.objects.values_list("erp_id", "updated_at")), invoice_stamps)

    def test_a_record_the_database_refuses_is_skipped_and_the_rest_of_its_page_is_imported(self):
        Partner.objects.create(name="Made in the CRM Kft.", tax_number="12345678-2-42")
        self.data.put("partners", dict(self.data.get("partners", "P000005"), tax_number="12345678-2-42"))
        self.data.put("partners", dict(self.data.get("partners", "P000009"), tax_number="87654321-2-42"))
        self.data.put("partners", dict(self.data.get("partners", "P000010"), tax_number="87654321-2-42"))

        run = self.run_import(full=True, page_size=50)  # all twelve in one page

        self.assertEqual(run.status, RunStatus.PARTIAL)
        errors = {e.erp_id: e.message for e in SyncError.objects.filter(run=run, kind="partners")}
        self.assertEqual(sorted(errors), ["P000005", "P000010"])
        self.assertIn("the database refused it", errors["P000005"])
        self.assertIn("partner_unique_tax_number", errors["P000005"])
        self.assertEqual(run.counts["partners"], {"created": 10, "skipped": 2})
        self.assertEqual(Partner.objects.filter(source="erp").count(), 10)
        self.assertEqual(Contact.objects.count(), 30)  # nothing half-written for the skipped two
        # Their invoices name a partner the CRM does not have: reported and skipped too.
        self.assertEqual(run.counts["invoices"], {"created": 20, "skipped": 4})

    def test_a_changed_contact_address_gets_its_own_gdpr_notice_once(self):
        self.run_import(full=True)
        self.assertEqual(GdprNotice.objects.count(), 36)
        record = copy.deepcopy(self.data.get("partners", "P000004"))
        record["contacts"][0]["email"] = "new.address@erp-partner.example"
        self.data.put("partners", record)
        self.run_import()
        self.run_import(full=True)
        notices = GdprNotice.objects.filter(recipient="new.address@erp-partner.example")
        self.assertEqual([(n.company.code, n.status) for n in notices], [("alfa", "sent")])
        self.assertEqual(GdprNotice.objects.count(), 37)

    def test_two_contacts_claiming_a_one_per_partner_type_are_reported(self):
        record = copy.deepcopy(self.data.get("partners", "P000003"))
        record["contacts"][1]["types"] = ["financial"]
        self.data.put("partners", record)
        run = self.run_import(full=True)
        self.assertEqual(
            list(SyncError.objects.filter(run=run).values_list("erp_id", "message")),
            [("P000003", "two contacts hold a contact type that allows one per partner")]
            + [(f"I000003-{n}", "unknown partner 'P000003'") for n in range(2)],
        )
        self.assertFalse(PartnerAddress.objects.filter(partner__erp_id="P000003").exists())
