"""A local ERP that speaks the HTTP contract in docs/erp-api.yaml, from its own in-memory data.

    python -m erp_sync.simulator --port 8098 --partners 200 --api-key demo-erp-key

Used by ./run (demo data), by the tests (both connectors run against real local servers) and by the
benchmark (seeded with 100,000 partners). Partner requests honour the Idempotency-Key header: a retried
or duplicated push never creates a second request.
"""

import argparse
import json
import random
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

KINDS = ("partners", "products", "orders", "invoices")
CITIES = [("Budapest", "1138"), ("Szeged", "6720"), ("Debrecen", "4025"), ("Győr", "9027"), ("Pécs", "7621")]


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class ErpData:
    """The simulator's records: dicts keyed by ERP id per kind, each with `changed_at`."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS}
        self.requests: dict[str, dict] = {}
        self.lock = threading.Lock()

    def put(self, kind: str, record: dict, *, at: datetime | None = None) -> dict:
        with self.lock:
            record = {**record, "changed_at": iso(at or now())}
            self.records[kind][record["id"]] = record
            return record

    def delete(self, kind: str, erp_id: str) -> None:
        with self.lock:
            record = self.records[kind][erp_id]
            record.update(deleted=True, changed_at=iso(now()))

    def changed(self, kind: str, since: datetime | None) -> list[dict]:
        with self.lock:
            rows = list(self.records[kind].values())
        if since is not None:
            rows = [
                row
                for row in rows
                if datetime.fromisoformat(row["changed_at"].replace("Z", "+00:00")) > since
            ]
        return sorted(rows, key=lambda row: (row["changed_at"], row["id"]))

    def seed(
        self,
        partners: int,
        *,
        companies=("alfa",),
        addresses: int = 2,
        contacts: int = 3,
        turnover_months: int = 12,
        assets: int = 2,
        invoices_per_partner: int = 2,
        seed: int = 7,
    ) -> None:
        """Fill with a reproducible data set of `partners` partners and their data."""
        rng = random.Random(seed)  # noqa: S311 (reproducible test data, not security)
        today = date.today()
        for p in range(1, 6):
            self.put(
                "products",
                {
                    "id": f"PR{p:04d}",
                    "code": f"ITEM-{p:03d}",
                    "name": f"Item {p}",
                    "unit": "pcs",
                    "active": True,
                },
            )
        for index in range(1, partners + 1):
            erp_id = f"P{index:06d}"
            company = companies[index % len(companies)]
            city, postal = CITIES[index % len(CITIES)]
            self.put(
                "partners",
                {
                    "id": erp_id,
                    "name": f"ERP Partner {index:06d} Kft.",
                    "short_name": f"ERP {index}",
                    "tax_number": "",
                    "registration_number": f"01-09-{index:06d}",
                    "phone": f"+36 1 555 {index % 10000:04d}",
                    "email": f"info{index}@erp-partner.example",
                    "website": "",
                    "is_customer": True,
                    "is_supplier": index % 5 == 0,
                    "is_distributor": False,
                    "addresses": [
                        {"id": f"{erp_id}-A{a}", "kind": "seat" if a == 0 else "site", "country": "HU",
                         "postal_code": postal, "city": city, "street": f"Fő utca {a + 1}."}
                        for a in range(addresses)
                    ],
                    "contacts": [
                        {"id": f"{erp_id}-C{c}", "first_name": "Kapcsolat", "last_name": f"{index}-{c}",
                         "position": "Pénzügy" if c == 0 else "Műszak", "email": f"c{c}.{index}@erp-partner.example",
                         "phone": "", "language": "hu", "types": ["financial"] if c == 0 else ["technical"]}
                        for c in range(contacts)
                    ],
                    "turnover": [
                        {"company": company, "period": f"{today.year - (m // 12)}-{12 - m % 12:02d}", "currency": "HUF",
                         "amount": str(rng.randint(100_000, 9_000_000))}
                        for m in range(turnover_months)
                    ],
                    "assets": [
                        {"id": f"{erp_id}-S{s}", "company": company, "item": f"Machine {s}", "serial": f"SN{index}-{s}",
                         "installed_on": str(today - timedelta(days=rng.randint(30, 2000))), "address_id": f"{erp_id}-A0"}
                        for s in range(assets)
                    ],
                },
            )  # fmt: skip
            for n in range(invoices_per_partner):
                due = today - timedelta(days=rng.randint(-30, 120))
                amount = rng.randint(5_000, 2_000_000)
                self.put(
                    "invoices",
                    {"id": f"I{index:06d}-{n}", "company": company, "number": f"SZ-{index:06d}-{n}",
                     "partner_id": erp_id, "issued_on": str(due - timedelta(days=30)), "due_on": str(due),
                     "amount": str(amount), "open_amount": str(amount), "currency": "HUF", "closed": False},
                )  # fmt: skip
            if index % 10 == 0:
                self.put(
                    "orders",
                    {"id": f"O{index:06d}", "company": company, "number": f"SO-{index:06d}", "kind": "customer",
                     "partner_id": erp_id, "date": str(today - timedelta(days=index % 90)), "status": "open",
                     "total": "150000", "currency": "HUF",
                     "lines": [{"product_id": "PR0001", "description": "", "quantity": "2", "unit_price": "75000"}]},
                )  # fmt: skip


class Handler(BaseHTTPRequestHandler):
    server: "ErpServer"

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        return

    def _json(self, status: int, body) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _authorised(self) -> bool:
        if self.headers.get("X-API-Key") != self.server.api_key:
            self._json(401, {"error": "invalid API key"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        url = urlparse(self.path)
        if not self._authorised():
            return
        parts = url.path.strip("/").split("/")
        if len(parts) == 3 and parts[:2] == ["api", "v1"] and parts[2] in KINDS:
            query = parse_qs(url.query)
            try:
                since = query.get("changed_since", [None])[0]
                since_at = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
                page = max(int(query.get("page", ["1"])[0]), 1)
                size = min(max(int(query.get("page_size", ["500"])[0]), 1), 5000)
            except ValueError:
                self._json(400, {"error": "bad query"})
                return
            server_time = iso(now())
            rows = self.server.data.changed(parts[2], since_at)
            chunk = rows[(page - 1) * size : page * size]
            more = page * size < len(rows)
            self._json(
                200, {"items": chunk, "next_page": page + 1 if more else None, "server_time": server_time}
            )
            return
        if len(parts) == 4 and parts[:3] == ["api", "v1", "partner-requests"]:
            request = self.server.data.requests.get(parts[3])
            if request is None:
                self._json(404, {"error": "no such request"})
            else:
                self._json(200, request)
            return
        self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 (stdlib name)
        url = urlparse(self.path)
        if not self._authorised():
            return
        if url.path.rstrip("/") != "/api/v1/partner-requests":
            self._json(404, {"error": "not found"})
            return
        key = self.headers.get("Idempotency-Key", "")
        try:
            uuid.UUID(key)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        except ValueError:
            self._json(400, {"error": "an Idempotency-Key (UUID) and a JSON body are required"})
            return
        with self.server.data.lock:
            existing = self.server.data.requests.get(key)
            created = existing is None
            if created:
                existing = {"key": key, "status": "pending", "erp_id": None, "reason": "", "partner": body}
                self.server.data.requests[key] = existing
                self.server.request_count += 1
        self._json(201 if created else 200, existing)


class ErpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, data: ErpData, api_key: str):
        super().__init__(address, Handler)
        self.data = data
        self.api_key = api_key
        self.request_count = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def approve(self, key: str, erp_id: str) -> None:
        """What an ERP user does: approve a partner request; the partner then appears in the feed."""
        request = self.data.requests[key]
        request.update(status="approved", erp_id=erp_id)
        self.data.put("partners", {**request["partner"], "id": erp_id})

    def reject(self, key: str, reason: str) -> None:
        self.data.requests[key].update(status="rejected", reason=reason)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def start_simulator(
    port: int = 0, *, data: ErpData | None = None, api_key: str = "test-erp-key"
) -> ErpServer:
    server = ErpServer(("127.0.0.1", port), data or ErpData(), api_key)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="Local ERP simulator (HTTP JSON contract)")
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument("--partners", type=int, default=50)
    parser.add_argument("--api-key", default="demo-erp-key")
    args = parser.parse_args()
    data = ErpData()
    data.seed(args.partners, companies=("alfa", "beta"))
    server = ErpServer(("127.0.0.1", args.port), data, args.api_key)
    print(f"ERP simulator on {server.url} with {args.partners} partners", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
