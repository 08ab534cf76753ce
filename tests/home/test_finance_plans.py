"""The finance home's main queries on PostgreSQL (issue 17/19): on enough rows (ANALYZEd), the sums read
the open invoices through `invoice_open_sums` and the promises through `event_promised_payment`; no
sequential scan of the invoices or the events (it read every invoice and every event of the company)."""

import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import skipUnless
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from companies.visibility import Viewer
from events.models import Event
from home.finance import finance_dashboard
from receivables.models import Invoice
from tests.events.factories import EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

NOW = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Europe/Budapest"))
TODAY = date(2026, 12, 9)


def _plan(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _invoice_reads(plan: dict) -> list[str]:
    """How the plan reads the invoices: each scan of the table with its index."""
    return [
        f"{node['Node Type']} {node.get('Index Name', '')}".strip()
        for node in _nodes(plan)
        if node.get("Relation Name") == "receivables_invoice"
        or node.get("Index Name", "").startswith("invoice")
    ]


def _event_reads(plan: dict) -> list[str]:
    return [
        node.get("Index Name", node["Node Type"])
        for node in _nodes(plan)
        if node.get("Relation Name") == "events_event" or node.get("Index Name", "").startswith("event_")
    ]


@skipUnless(connection.vendor == "postgresql", "EXPLAIN of PostgreSQL")
@time_machine.travel(NOW, tick=False)
class FinancePlanTests(TransactionTestCase):
    """Committed and vacuumed rows (the visibility map lets the planner read the index alone)."""

    def setUp(self):
        rng = random.Random(19)
        self.company, other = CompanyFactory(), CompanyFactory()
        self.finance = member(self.company, "receivables.view_receivables", "companies.view_all_company_data")
        owner = member(self.company)
        partners = [PartnerFactory(name=f"P{n}") for n in range(60)]
        for partner in partners:
            PartnerAccountFactory(company=self.company, partner=partner)
            PartnerAccountFactory(company=other, partner=partner)
        invoices = []
        for n in range(8_000):
            company = self.company if n % 2 else other
            amount = Decimal(rng.randrange(100, 10_000))
            invoices.append(
                Invoice(
                    company=company,
                    partner=rng.choice(partners),
                    number=f"I-{n}",
                    issued_on=date(2026, 1, 1),
                    due_on=TODAY - timedelta(days=rng.randrange(-60, 400)),
                    amount=amount,
                    open_amount=amount if rng.random() < 0.3 else 0,
                    currency=rng.choice(("HUF", "EUR")),
                )  # fmt: skip
            )
        Invoice.objects.bulk_create(invoices)
        meeting, promise = EventTypeFactory(code="meeting"), EventTypeFactory(code="promise-to-pay")
        events = [
            Event(
                company=self.company,
                type=meeting,
                owner=owner,
                partner=rng.choice(partners),
                subject=f"E{n}",
                starts_at=NOW - timedelta(hours=n),
            )  # fmt: skip
            for n in range(8_000)
        ]
        events += [
            Event(
                company=self.company,
                type=promise,
                owner=owner,
                partner=partner,
                subject=f"Promise {n}",
                starts_at=NOW,
                promised_payment_on=TODAY + timedelta(days=n - 10),
            )  # fmt: skip
            for n, partner in enumerate(partners[:20])
        ]
        Event.objects.bulk_create(events)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE receivables_invoice")
            cursor.execute("VACUUM ANALYZE events_event")

    def test_the_sums_and_the_promises_read_their_indexes(self):
        with CaptureQueriesContext(connection) as captured:
            board = finance_dashboard(Viewer.for_user(self.finance, self.company))
        self.assertEqual(len(board.promises), 15)  # promised from a week ago to a week ahead
        self.assertTrue(board.ageing)
        plans = {}
        for query in captured.captured_queries:
            sql = query["sql"]
            if 'FROM "receivables_invoice"' in sql:
                kind = "no contact" if "NOT EXISTS" in sql else "ageing"
            elif 'FROM "events_event"' in sql:
                kind = "promises"
            else:
                continue
            plans[kind] = _plan(sql)
        self.assertEqual(set(plans), {"ageing", "no contact", "promises"})
        for kind in ("ageing", "no contact"):
            with self.subTest(kind):
                self.assertEqual(_invoice_reads(plans[kind]), ["Index Only Scan invoice_open_sums"])
        self.assertEqual(_event_reads(plans["promises"]), ["event_promised_payment"])
