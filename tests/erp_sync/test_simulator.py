"""The ERP simulator: a generated data set paged on demand, written records winning, changes on request."""

import time
from datetime import UTC, datetime

import requests
from django.test import SimpleTestCase

from devtools.simulators.erp import ErpData, start_simulator
from erp_sync.connectors.http import HttpConnector


def feed(data: ErpData, kind: str, since=None, size: int = 3) -> list[str]:
    ids, page = [], 1
    while page:
        items, page = data.page(kind, since, page, size)
        ids += [item["id"] for item in items]
    return ids


class SimulatorTests(SimpleTestCase):
    def test_written_records_replace_generated_ones_and_every_page_size_sees_each_record_once(self):
        data = ErpData()
        data.seed(12, companies=("alfa", "beta"))
        data.put("partners", dict(data.get("partners", "P000003"), name="Renamed Kft."))
        data.delete("partners", "P000007")
        data.put("partners", dict(data.get("partners", "P000001"), id="P900001"))
        expected = [f"P{n:06d}" for n in (1, 2, 4, 5, 6, 8, 9, 10, 11, 12)] + [
            "P000003",
            "P000007",
            "P900001",
        ]
        for size in (1, 2, 3, 5, 7, 13, 50):
            self.assertEqual(feed(data, "partners", size=size), expected, size)
        self.assertEqual(data.count("partners"), 13)
        self.assertEqual(data.get("partners", "P000003")["name"], "Renamed Kft.")
        self.assertTrue(data.get("partners", "P000007")["deleted"])
        self.assertEqual(feed(data, "partners", since=data.generated.at), ["P000003", "P000007", "P900001"])

    def test_a_hundred_thousand_partners_are_seeded_at_once_and_built_page_by_page(self):
        data = ErpData()
        started = time.perf_counter()
        data.seed(100_000, companies=("alfa", "beta"))
        items, next_page = data.page("partners", None, 150, 500)
        self.assertLess(time.perf_counter() - started, 2)
        self.assertEqual((items[0]["id"], items[-1]["id"], next_page), ("P074501", "P075000", 151))
        record = items[0]
        self.assertEqual(
            [len(record[key]) for key in ("addresses", "contacts", "turnover", "assets")], [2, 3, 12, 2]
        )
        self.assertEqual(data.count("invoices"), 200_000)
        self.assertEqual(data.page("invoices", None, 400, 500)[1], None)
        self.assertEqual(data.get("partners", "P074501"), record)  # the same record every time

    def test_changes_are_made_on_request_and_read_incrementally(self):
        data = ErpData()
        data.seed(2_000, companies=("alfa",))
        server = start_simulator(data=data, api_key="k")
        self.addCleanup(server.stop)
        seeded = data.generated.at
        self.assertEqual(
            requests.post(f"{server.url}/control/changes?count=1000", timeout=5).status_code, 401
        )
        answer = requests.post(
            f"{server.url}/control/changes?count=1000", headers={"X-API-Key": "k"}, timeout=5
        )
        self.assertEqual(
            answer.json(),
            {"partners_updated": 400, "partners_created": 50, "partners_deleted": 50, "invoices_closed": 300,
             "invoices_created": 200},
        )  # fmt: skip
        connector = HttpConnector(base_url=server.url, api_key="k", page_size=300)
        changed = {}
        for kind in ("partners", "invoices"):
            page, changed[kind] = 1, []
            while page:
                result = connector.changes(kind, seeded, page)
                changed[kind] += result.items
                page = result.next_page
        self.assertEqual((len(changed["partners"]), len(changed["invoices"])), (500, 500))
        self.assertEqual(sum(1 for record in changed["partners"] if record.get("deleted")), 50)
        self.assertEqual(sum(1 for record in changed["invoices"] if record.get("closed")), 300)
        self.assertEqual(connector.changes("partners", datetime.now(UTC), 1).items, [])
