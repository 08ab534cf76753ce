"""The SQL connector against a second, real PostgreSQL database that plays the ERP."""

import json
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase

from devtools.simulators.erp import KINDS, ErpData
from erp_sync.connectors.sql import SqlConnector
from erp_sync.importer import run_import
from erp_sync.models import RunStatus
from erp_sync.push import push_send
from partners.models import Partner
from receivables.models import Invoice
from tests.factories import CompanyFactory

SCHEMA = """
CREATE TABLE erp_records (kind text, erp_id text, changed_at timestamptz DEFAULT now(), data jsonb,
                          PRIMARY KEY (kind, erp_id));
CREATE VIEW crm_partners_v AS SELECT erp_id, changed_at, data FROM erp_records WHERE kind = 'partners';
CREATE VIEW crm_products_v AS SELECT erp_id, changed_at, data FROM erp_records WHERE kind = 'products';
CREATE VIEW crm_orders_v AS SELECT erp_id, changed_at, data FROM erp_records WHERE kind = 'orders';
CREATE VIEW crm_invoices_v AS SELECT erp_id, changed_at, data FROM erp_records WHERE kind = 'invoices';
CREATE TABLE crm_partner_requests (idempotency_key uuid PRIMARY KEY, payload jsonb NOT NULL,
    status text NOT NULL DEFAULT 'pending', erp_id text, reason text, created_at timestamptz NOT NULL DEFAULT now());
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ERP database is PostgreSQL")
class SqlConnectorTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = settings.DATABASES["default"]
        cls.db_name = f"erp_test_{uuid.uuid4().hex[:8]}"
        base = f"host={params['HOST'] or '127.0.0.1'} port={params['PORT'] or 5432} user={params['USER']}"
        cls.admin_dsn = base + " dbname=postgres"
        cls.dsn = base + f" dbname={cls.db_name}"
        with psycopg.connect(cls.admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{cls.db_name}"')
        with psycopg.connect(cls.dsn, autocommit=True) as conn:
            conn.execute(SCHEMA)
            data = ErpData()
            data.seed(7, companies=("alfa",))
            for kind in KINDS:
                for record in data.all_records(kind):
                    conn.execute(
                        "INSERT INTO erp_records (kind, erp_id, data) VALUES (%s, %s, %s)",
                        [kind, record["id"], json.dumps(record)],
                    )

    @classmethod
    def tearDownClass(cls):
        with psycopg.connect(cls.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{cls.db_name}" WITH (FORCE)')
        super().tearDownClass()

    def test_full_then_incremental_import_through_the_views(self):
        CompanyFactory(code="alfa")
        connector = SqlConnector(dsn=self.dsn, page_size=3)
        run = run_import(full=True, connector=connector)
        self.assertEqual(run.status, RunStatus.SUCCEEDED, run.error)
        self.assertEqual(Partner.objects.filter(source="erp").count(), 7)
        self.assertEqual(Invoice.objects.count(), 14)
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(
                "UPDATE erp_records SET data = jsonb_set(data, '{name}', '\"Changed Kft.\"'), changed_at = now() "
                "WHERE kind = 'partners' AND erp_id = 'P000002'"
            )
        run = run_import(connector=connector)
        self.assertEqual(run.counts, {"partners": {"updated": 1}})
        self.assertEqual(Partner.objects.get(erp_id="P000002").name, "Changed Kft.")

    def test_push_writes_the_staging_table_once(self):
        from erp_sync.models import PartnerPush

        partner = Partner.objects.create(name="Pushed Kft.")
        push = PartnerPush.objects.create(partner=partner)
        connector = SqlConnector(dsn=self.dsn)
        push_send(push.pk, connector)
        PartnerPush.objects.filter(pk=push.pk).update(status="pending")
        push_send(push.pk, connector)
        with psycopg.connect(self.dsn) as conn:
            rows = conn.execute("SELECT payload->>'name', status FROM crm_partner_requests").fetchall()
        self.assertEqual(rows, [("Pushed Kft.", "pending")])
