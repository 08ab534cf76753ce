"""The HTTP connector end to end against the local ERP simulator (a real HTTP server)."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from contacts.models import Contact, ContactType, GdprNotice
from devtools.simulators.erp import ErpData, start_simulator
from erp_sync.connectors import ConnectorError
from erp_sync.connectors.http import HttpConnector
from erp_sync.importer import acquire_lock, release_lock, run_import
from erp_sync.models import RunStatus, SyncError, SyncRun, SyncState
from events.models import Event
from orders.models import Order, Product
from partners.models import Asset, Partner, PartnerAccount, Turnover
from receivables.models import Invoice
from tests.factories import CompanyFactory, member


class CrashingConnector(HttpConnector):
    """The far side fails after `pages` pages: like a worker killed between two batches."""

    def __init__(self, *args, pages: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.pages_left = pages

    def changes(self, kind, since, page):
        if self.pages_left == 0:
            raise ConnectorError("connection reset by peer")
        self.pages_left -= 1
        return super().changes(kind, since, page)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class ImportTests(TestCase):
    def setUp(self):
        self.data = ErpData()
        self.data.seed(12, companies=("alfa", "beta"))
        self.server = start_simulator(data=self.data, api_key="k")
        self.addCleanup(self.server.stop)

    @classmethod
    def setUpTestData(cls):
        cls.alfa = CompanyFactory(code="alfa", name="Alfa")
        cls.beta = CompanyFactory(code="beta", name="Beta")
        ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        ContactType.objects.create(code="technical", name_en="Technical", cardinality="many")

    def connector(self, page_size=5, cls=HttpConnector, **kwargs):
        return cls(base_url=self.server.url, api_key="k", page_size=page_size, **kwargs)

    def test_full_import_brings_partners_with_all_their_data(self):
        with self.captureOnCommitCallbacks(execute=True):
            run = run_import(full=True, connector=self.connector())
        self.assertEqual(run.status, RunStatus.SUCCEEDED, run.error)
        self.assertEqual(Partner.objects.filter(source="erp").count(), 12)
        partner = Partner.objects.get(erp_id="P000001")
        self.assertEqual(partner.addresses.count(), 2)
        self.assertEqual(partner.contacts.count(), 3)
        self.assertEqual(Turnover.objects.filter(partner=partner).count(), 12)
        self.assertEqual(Asset.objects.filter(partner=partner).count(), 2)
        self.assertEqual(Invoice.objects.count(), 24)
        self.assertEqual(Product.objects.count(), 5)
        self.assertEqual(Order.objects.get(erp_id="O000010").lines.count(), 1)
        self.assertEqual(run.counts["partners"]["created"], 12)
        # New contacts with e-mail get the GDPR notice from the company that works with the partner.
        self.assertEqual(GdprNotice.objects.count(), 36)
        self.assertEqual(len(mail.outbox), 36)

    def test_incremental_reads_only_changes_and_leaves_crm_data_alone(self):
        run_import(full=True, connector=self.connector())
        partner = Partner.objects.get(erp_id="P000003")
        owner = member(self.alfa)
        PartnerAccount.objects.filter(partner=partner).update(owner=owner, notes="CRM note")
        record = dict(self.data.get("partners", "P000003"), name="Renamed in the ERP Kft.")
        self.data.put("partners", record)
        run = run_import(connector=self.connector())
        self.assertEqual(run.counts, {"partners": {"updated": 1}})
        partner.refresh_from_db()
        self.assertEqual(partner.name, "Renamed in the ERP Kft.")
        account = PartnerAccount.objects.get(partner=partner, company__code=record["turnover"][0]["company"])
        self.assertEqual((account.owner, account.notes), (owner, "CRM note"))

    def test_deleted_and_closed_records_are_closed_not_left_stale(self):
        run_import(full=True, connector=self.connector())
        self.data.delete("partners", "P000004")
        invoice = dict(self.data.get("invoices", "I000005-0"), closed=True)
        self.data.put("invoices", invoice)
        run = run_import(connector=self.connector())
        self.assertEqual(run.counts["partners"], {"closed": 1})
        self.assertFalse(
            PartnerAccount.objects.filter(partner__erp_id="P000004").exclude(status="inactive").exists()
        )
        self.assertEqual(Invoice.objects.get(erp_id="I000005-0").open_amount, Decimal(0))

    def test_a_malformed_record_is_reported_and_skipped(self):
        self.data.put("invoices", {"id": "BAD-1", "company": "alfa", "number": "X", "partner_id": "P000001",
                                   "issued_on": "not a date", "due_on": "2026-01-01", "amount": "1", "open_amount": "1"})  # fmt: skip
        self.data.put("invoices", {"id": "BAD-2", "company": "gamma", "number": "Y", "partner_id": "P000001",
                                   "issued_on": "2026-01-01", "due_on": "2026-01-01", "amount": "1", "open_amount": "1"})  # fmt: skip
        self.data.put("partners", {"id": "BAD-3", "name": "Shapeless Kft.", "contacts": ["not an object"]})
        self.data.put("partners", {"id": "BAD-4", "name": "", "addresses": []})
        run = run_import(full=True, connector=self.connector())
        self.assertEqual(run.status, RunStatus.PARTIAL)
        errors = {e.erp_id: e.message for e in SyncError.objects.filter(run=run)}
        self.assertIn("not a date", errors["BAD-1"])
        self.assertIn("unknown company", errors["BAD-2"])
        self.assertIn("malformed record", errors["BAD-3"])
        self.assertEqual(errors["BAD-4"], "the partner has no name")
        self.assertEqual(Invoice.objects.count(), 24)
        self.assertEqual(Partner.objects.count(), 12)
        self.assertEqual(run.counts["partners"], {"created": 12, "skipped": 2})

    def test_a_crash_between_batches_keeps_done_batches_and_the_next_run_resumes(self):
        crashed = run_import(full=True, connector=self.connector(page_size=5, cls=CrashingConnector, pages=2))
        self.assertEqual(crashed.status, RunStatus.FAILED)
        self.assertEqual(Partner.objects.count(), 10)  # two pages of five
        resumed = run_import(connector=self.connector())
        self.assertEqual(resumed.status, RunStatus.SUCCEEDED)
        self.assertIsNone(resumed.changed_since)  # the cursor did not move after the failed run
        self.assertEqual(Partner.objects.count(), 12)
        self.assertEqual(Invoice.objects.count(), 24)
        self.assertEqual(Contact.objects.count(), 36)  # nothing duplicated

    def test_progress_is_reported_per_page_and_the_run_record_follows_it(self):
        seen = []

        def progress(kind, page, page_counts, counts):
            stored = SyncRun.objects.order_by("-pk").values_list("counts", flat=True)[0]
            seen.append((kind, page, page_counts, stored))

        run = run_import(full=True, connector=self.connector(page_size=5), progress=progress)
        self.assertEqual(run.status, RunStatus.SUCCEEDED, run.error)
        partners = [entry for entry in seen if entry[0] == "partners"]
        self.assertEqual(
            [(page, page_counts) for _, page, page_counts, _ in partners],
            [(1, {"created": 5}), (2, {"created": 5}), (3, {"created": 2})],
        )
        # The admin's run page shows what is committed so far, page by page.
        self.assertEqual(partners[1][3], {"partners": {"created": 10}})
        self.assertEqual(seen[-1][3], run.counts)

    def test_a_run_that_lost_its_lease_stops_before_writing_another_page(self):
        def another_worker_takes_over(kind, page, page_counts, counts):
            # As if this run stalled past ERP_LOCK_MINUTES and another worker took the expired lock.
            SyncState.objects.update(locked_by="another-worker")

        run = run_import(full=True, connector=self.connector(page_size=5), progress=another_worker_takes_over)
        self.assertEqual(run.status, RunStatus.FAILED)
        self.assertIn("another run took over", run.error)
        self.assertEqual(Partner.objects.count(), 5)  # the first page only
        self.assertEqual(SyncState.objects.get().locked_by, "another-worker")  # not released by this run

    def test_the_command_prints_each_page_and_the_summary(self):
        out = StringIO()
        with override_settings(
            ERP_CONNECTOR="http", ERP_API_URL=self.server.url, ERP_API_KEY="k", ERP_PAGE_SIZE=5
        ):
            call_command("erp_import", "--full", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertIn("  partners   page    1: created 5 (5 partners so far)", lines)
        self.assertIn("  partners   page    3: created 2 (12 partners so far)", lines)
        self.assertIn("  invoices   page    5: created 4 (24 invoices so far)", lines)
        self.assertTrue(lines[-5].startswith("Run "), lines)
        self.assertEqual(lines[-4:-2], ["  partners   created 12", "  products   created 5"])

    def test_two_failures_in_a_row_notify_admins(self):
        admin = member(self.alfa, email="admin@example.com")
        admin.is_superuser = True
        admin.save()
        broken = HttpConnector(base_url="http://127.0.0.1:9", api_key="k", timeout=1)
        run_import(connector=broken)
        self.assertEqual(len(mail.outbox), 0)
        run_import(connector=broken)
        self.assertEqual([m.to for m in mail.outbox], [["admin@example.com"]])
        self.assertTrue(admin.notifications.filter(verb="erp").exists())

    def test_a_wrong_api_key_fails_the_run_clearly(self):
        run = run_import(connector=HttpConnector(base_url=self.server.url, api_key="wrong"))
        self.assertEqual(run.status, RunStatus.FAILED)
        self.assertIn("401", run.error)


class LockTests(TestCase):
    def test_runs_never_overlap_and_a_dead_workers_lock_expires(self):
        self.assertTrue(acquire_lock("worker-1"))
        self.assertFalse(acquire_lock("worker-2"))
        self.assertEqual(run_import(connector=None).status, RunStatus.SKIPPED)
        from erp_sync.models import SyncState

        SyncState.objects.update(locked_until=datetime.now(UTC) - timedelta(seconds=1))  # worker-1 died
        self.assertTrue(acquire_lock("worker-2"))
        release_lock("worker-2")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrency")
class ConcurrentRunTests(TransactionTestCase):
    def test_two_runs_started_at_once_one_skips(self):
        CompanyFactory(code="alfa")
        data = ErpData()
        data.seed(30, companies=("alfa",))
        server = start_simulator(data=data, api_key="k")
        statuses = []
        barrier = threading.Barrier(2)

        def start():
            from django.db import connections

            barrier.wait()
            statuses.append(
                run_import(connector=HttpConnector(base_url=server.url, api_key="k", page_size=5)).status
            )
            connections.close_all()

        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        server.stop()
        self.assertEqual(sorted(statuses), [RunStatus.SKIPPED, RunStatus.SUCCEEDED])
        self.assertEqual(Partner.objects.count(), 30)


class PushTests(TestCase):
    def setUp(self):
        self.server = start_simulator(api_key="k")
        self.addCleanup(self.server.stop)
        self.company = CompanyFactory(code="alfa")
        self.owner = member(
            self.company, "events.view_event", "partners.view_partner", "partners.change_partner"
        )
        self.partner = Partner.objects.create(name="New Customer Kft.")
        PartnerAccount.objects.create(company=self.company, partner=self.partner, owner=self.owner)

    def close_successfully(self):
        from events.services import event_close
        from tests.events.factories import EventFactory

        event = EventFactory(company=self.company, owner=self.owner, partner=self.partner)
        with (
            override_settings(ERP_API_URL=self.server.url, ERP_API_KEY="k"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            event_close(event=event, outcome="successful", note="Signed", by=self.owner)

    def test_first_success_pushes_then_approval_makes_it_erp_managed_and_read_only(self):
        from erp_sync.push import approvals_check

        self.close_successfully()
        self.partner.refresh_from_db()
        self.assertEqual(self.partner.source, "pending_erp_approval")
        self.assertEqual(self.server.request_count, 1)
        push = self.partner.erp_push
        self.assertEqual(push.status, "sent")
        self.close_successfully()  # a second success pushes nothing more
        self.assertEqual(self.server.request_count, 1)
        self.server.approve(str(push.idempotency_key), "P900001")
        approvals_check(HttpConnector(base_url=self.server.url, api_key="k"))
        self.partner.refresh_from_db()
        self.assertEqual((self.partner.source, self.partner.erp_id), ("erp", "P900001"))
        self.client.force_login(self.owner)
        page = self.client.get(f"/partners/{self.partner.pk}/edit/")
        self.assertTrue(page.context["form"].fields["name"].disabled)

    def test_rejection_is_shown_to_the_owner(self):
        from erp_sync.push import approvals_check

        self.close_successfully()
        push = self.partner.erp_push
        self.server.reject(str(push.idempotency_key), "Duplicate of an existing customer")
        approvals_check(HttpConnector(base_url=self.server.url, api_key="k"))
        push.refresh_from_db()
        self.partner.refresh_from_db()
        self.assertEqual((push.status, push.reason), ("rejected", "Duplicate of an existing customer"))
        self.assertEqual(self.partner.source, "crm")
        self.assertTrue(
            self.owner.notifications.filter(text__contains="Duplicate of an existing customer").exists()
        )

    def test_a_retried_push_never_creates_two_erp_requests(self):
        from erp_sync.models import PartnerPush
        from erp_sync.push import push_send

        push = PartnerPush.objects.create(partner=self.partner)
        connector = HttpConnector(base_url=self.server.url, api_key="k")
        push_send(push.pk, connector)
        PartnerPush.objects.filter(pk=push.pk).update(
            status="pending"
        )  # as if the worker died before recording
        push_send(push.pk, connector)
        self.assertEqual(self.server.request_count, 1)
        self.assertEqual(len(self.server.data.requests), 1)
        self.assertFalse(Event.objects.exists())
