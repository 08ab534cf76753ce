"""A local ERP that speaks the HTTP contract in docs/erp-api.yaml.

    python -m devtools.simulators.erp --port 8098 --partners 200 --api-key demo-erp-key

Used by ./run (demo data), by the tests (both connectors run against real local servers) and by the
benchmark (seeded with 100,000 partners). Partner requests honour the Idempotency-Key header: a retried
or duplicated push never creates a second request.

The seeded data set is generated on demand, record by record, from its position (a seeded random
number generator per record), so 100,000 partners with their addresses, contacts, turnover and assets
plus 200,000 invoices cost no memory and no start-up time; a page is built when it is asked for.
Records written later (`put`, `delete`, `simulate_changes`, an approved partner request) are kept
explicitly and win over the generated ones.

Besides the contract, the simulator answers control calls of its own, standing for what people do in
the ERP. With the API key:
    POST /control/changes?count=1000&seed=1   -> changes `count` records as an ERP user would
                                                 (see ErpData.simulate_changes), answers a summary.
Without a key (the ERP's own screens; the simulator listens on 127.0.0.1 only):
    GET  /control/                            -> an HTML page listing the partner requests with
                                                 "Approve" and "Reject" buttons (the demo's hand-over)
    GET  /control/requests[?status=pending]   -> the partner requests as JSON (newest first)
    POST /control/requests/<key>/approve      -> approves; optional "erp_id" (JSON or form field),
                                                 else the next free P9xxxxx id; the partner then
                                                 appears in the partner feed
    POST /control/requests/<key>/reject       -> rejects; "reason" (JSON or form field) required
A form posted from the HTML page is answered with a redirect back to it; JSON calls get JSON:
404 unknown request, 409 already decided, 400 no reason.
"""

import argparse
import html
import json
import random
import threading
import uuid
from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlparse

KINDS = ("partners", "products", "orders", "invoices")
CITIES = [("Budapest", "1138"), ("Szeged", "6720"), ("Debrecen", "4025"), ("Győr", "9027"), ("Pécs", "7621")]
PRODUCTS = 5
ORDER_EVERY = 10  # every tenth partner has an open order


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    # Fixed width (always microseconds), so the strings sort like the times they stand for.
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class GeneratedSet:
    """The seeded records of every kind, built on demand from their position (0-based) in id order."""

    def __init__(
        self,
        partners: int,
        *,
        companies: tuple[str, ...],
        addresses: int,
        contacts: int,
        turnover_months: int,
        assets: int,
        invoices_per_partner: int,
        seed: int,
        at: datetime,
    ) -> None:
        if partners > 999_999 or invoices_per_partner > 10:
            raise ValueError("ids are P000001..P999999 and I000001-0..I999999-9")
        self.partners = partners
        self.companies = companies
        self.addresses = addresses
        self.contacts = contacts
        self.turnover_months = turnover_months
        self.assets = assets
        self.invoices_per_partner = invoices_per_partner
        self.seed = seed
        self.changed_at = iso(at)
        self.at = parse_time(self.changed_at)
        self.today = date.today()

    def count(self, kind: str) -> int:
        return {
            "partners": self.partners,
            "products": PRODUCTS,
            "orders": self.partners // ORDER_EVERY,
            "invoices": self.partners * self.invoices_per_partner,
        }[kind]

    def position(self, kind: str, erp_id: str) -> int | None:
        """The position of a generated id, or None if `erp_id` is not one of the generated records."""
        try:
            if kind == "partners" and erp_id[:1] == "P" and len(erp_id) == 7:
                position = int(erp_id[1:]) - 1
            elif kind == "products" and erp_id[:2] == "PR" and len(erp_id) == 6:
                position = int(erp_id[2:]) - 1
            elif kind == "orders" and erp_id[:1] == "O" and len(erp_id) == 7:
                index = int(erp_id[1:])
                position = index // ORDER_EVERY - 1 if index % ORDER_EVERY == 0 else -1
            elif kind == "invoices" and erp_id[:1] == "I" and erp_id[7:8] == "-" and len(erp_id) == 9:
                number = int(erp_id[8:])
                position = (int(erp_id[1:7]) - 1) * self.invoices_per_partner + number
                if number >= self.invoices_per_partner:
                    position = -1
            else:
                return None
        except ValueError:
            return None
        return position if 0 <= position < self.count(kind) else None

    def record(self, kind: str, position: int) -> dict:
        return getattr(self, f"_{kind}")(position)

    def _rng(self, index: int, salt: int = 0) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index * 11 + salt)  # noqa: S311 (test data)

    def _products(self, position: int) -> dict:
        p = position + 1
        return {
            "id": f"PR{p:04d}", "code": f"ITEM-{p:03d}", "name": f"Item {p}", "unit": "pcs", "active": True,
            "changed_at": self.changed_at,
        }  # fmt: skip

    def _partners(self, position: int) -> dict:
        index = position + 1
        rng = self._rng(index)
        erp_id = f"P{index:06d}"
        company = self.companies[index % len(self.companies)]
        city, postal = CITIES[index % len(CITIES)]
        today = self.today
        return {
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
                for a in range(self.addresses)
            ],
            "contacts": [
                {"id": f"{erp_id}-C{c}", "first_name": "Kapcsolat", "last_name": f"{index}-{c}",
                 "position": "Pénzügy" if c == 0 else "Műszak", "email": f"c{c}.{index}@erp-partner.example",
                 "phone": "", "language": "hu", "types": ["financial"] if c == 0 else ["technical"]}
                for c in range(self.contacts)
            ],
            "turnover": [
                {"company": company, "period": f"{today.year - (m // 12)}-{12 - m % 12:02d}", "currency": "HUF",
                 "amount": str(rng.randint(100_000, 9_000_000))}
                for m in range(self.turnover_months)
            ],
            "assets": [
                {"id": f"{erp_id}-S{s}", "company": company, "item": f"Machine {s}", "serial": f"SN{index}-{s}",
                 "installed_on": str(today - timedelta(days=rng.randint(30, 2000))), "address_id": f"{erp_id}-A0"}
                for s in range(self.assets)
            ],
            "changed_at": self.changed_at,
        }  # fmt: skip

    def _invoices(self, position: int) -> dict:
        index, n = divmod(position, self.invoices_per_partner)
        index += 1
        rng = self._rng(index, salt=1 + n)
        company = self.companies[index % len(self.companies)]
        due = self.today - timedelta(days=rng.randint(-30, 120))
        amount = rng.randint(5_000, 2_000_000)
        return {
            "id": f"I{index:06d}-{n}", "company": company, "number": f"SZ-{index:06d}-{n}",
            "partner_id": f"P{index:06d}", "issued_on": str(due - timedelta(days=30)), "due_on": str(due),
            "amount": str(amount), "open_amount": str(amount), "currency": "HUF", "closed": False,
            "changed_at": self.changed_at,
        }  # fmt: skip

    def _orders(self, position: int) -> dict:
        index = (position + 1) * ORDER_EVERY
        company = self.companies[index % len(self.companies)]
        return {
            "id": f"O{index:06d}", "company": company, "number": f"SO-{index:06d}", "kind": "customer",
            "partner_id": f"P{index:06d}", "date": str(self.today - timedelta(days=index % 90)), "status": "open",
            "total": "150000", "currency": "HUF",
            "lines": [{"product_id": "PR0001", "description": "", "quantity": "2", "unit_price": "75000"}],
            "changed_at": self.changed_at,
        }  # fmt: skip


class ErpData:
    """The simulator's records: a generated (seeded) set plus records written later, which win."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS}
        self.generated: GeneratedSet | None = None
        # Positions of generated records that a written record replaces, sorted, per kind.
        self._replaced: dict[str, list[int]] = {kind: [] for kind in KINDS}
        self.requests: dict[str, dict] = {}
        self.created_partners = 0
        self.lock = threading.Lock()

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
        """A reproducible data set of `partners` partners with their data, five products, an open
        order for every tenth partner and `invoices_per_partner` open invoices each."""
        with self.lock:
            self.generated = GeneratedSet(
                partners,
                companies=tuple(companies),
                addresses=addresses,
                contacts=contacts,
                turnover_months=turnover_months,
                assets=assets,
                invoices_per_partner=invoices_per_partner,
                seed=seed,
                at=now(),
            )
            self._replaced = {kind: [] for kind in KINDS}
            for kind in KINDS:
                for erp_id in self.records[kind]:
                    self._mark_replaced(kind, erp_id)

    def _mark_replaced(self, kind: str, erp_id: str) -> None:
        position = self.generated.position(kind, erp_id) if self.generated else None
        if position is not None:
            replaced = self._replaced[kind]
            at = bisect_right(replaced, position)
            if not (at and replaced[at - 1] == position):
                replaced.insert(at, position)

    def get(self, kind: str, erp_id: str) -> dict | None:
        with self.lock:
            return self._get(kind, erp_id)

    def _get(self, kind: str, erp_id: str) -> dict | None:
        record = self.records[kind].get(erp_id)
        if record is None and self.generated is not None:
            position = self.generated.position(kind, erp_id)
            if position is not None:
                record = self.generated.record(kind, position)
        return record

    def put(self, kind: str, record: dict, *, at: datetime | None = None) -> dict:
        with self.lock:
            return self._put(kind, record, at=at)

    def _put(self, kind: str, record: dict, *, at: datetime | None = None) -> dict:
        moment = at or now()
        if self.generated is not None:
            moment = max(moment, self.generated.at)  # written records follow the generated block
        record = {**record, "changed_at": iso(moment)}
        self.records[kind][record["id"]] = record
        self._mark_replaced(kind, record["id"])
        return record

    def delete(self, kind: str, erp_id: str) -> None:
        with self.lock:
            record = self._get(kind, erp_id)
            if record is None:
                raise KeyError(erp_id)
            self._put(kind, {**record, "deleted": True})

    def count(self, kind: str) -> int:
        with self.lock:
            generated = self.generated.count(kind) - len(self._replaced[kind]) if self.generated else 0
            return generated + len(self.records[kind])

    def all_records(self, kind: str) -> Iterator[dict]:
        """Every record of a kind, generated and written, in the feed's order."""
        page = 1
        while page:
            items, page = self.page(kind, None, page, 5000)
            yield from items

    def page(self, kind: str, since: datetime | None, page: int, size: int) -> tuple[list[dict], int | None]:
        """One page of the records changed after `since`, oldest change first, then by id.

        Generated records all share the seed time, which is before any written record's, so the feed
        is the generated block (without the replaced positions) followed by the written records.
        """
        with self.lock:
            written = [
                record
                for record in self.records[kind].values()
                if since is None or parse_time(record["changed_at"]) > since
            ]
            written.sort(key=lambda record: (record["changed_at"], record["id"]))
            generated = self.generated
            replaced = self._replaced[kind]
            if generated is None or (since is not None and generated.at <= since):
                block = 0
            else:
                block = generated.count(kind) - len(replaced)
            start, end = (page - 1) * size, page * size
            items: list[dict] = []
            if start < block:
                position = self._generated_position(replaced, start)
                while len(items) < min(end, block) - start:
                    at = bisect_right(replaced, position)
                    if at and replaced[at - 1] == position:
                        position += 1
                        continue
                    items.append(generated.record(kind, position))
                    position += 1
            items.extend(written[max(start - block, 0) : max(end - block, 0)])
            more = end < block + len(written)
        return items, page + 1 if more else None

    @staticmethod
    def _generated_position(replaced: list[int], offset: int) -> int:
        """The position of the `offset`-th (0-based) generated record that is not replaced."""
        position = offset
        while True:
            following = offset + bisect_right(replaced, position)
            if following == position:
                return position
            position = following

    def simulate_changes(self, count: int, *, seed: int = 1) -> dict[str, int]:
        """What a day in the ERP looks like, `count` changes in all (of the generated records):
        40% partners edited (name, phone and a contact's e-mail), 5% new partners (with all their data),
        5% partners removed, 30% invoices paid (closed), 20% new open invoices."""
        if self.generated is None or self.generated.partners < count:
            raise ValueError("seed at least as many partners as changes first")
        rng = random.Random(seed)  # noqa: S311 (test data)
        generated = self.generated
        plan = {
            "partners_updated": count * 40 // 100,
            "partners_created": count * 5 // 100,
            "partners_deleted": count * 5 // 100,
            "invoices_closed": count * 30 // 100,
        }
        plan["invoices_created"] = count - sum(plan.values())
        chosen = rng.sample(range(generated.partners), plan["partners_updated"] + plan["partners_deleted"])
        with self.lock:
            for position in chosen[: plan["partners_updated"]]:
                record = generated.record("partners", position)
                record["name"] = record["name"].replace("Kft.", "Zrt.")
                record["phone"] = f"+36 30 {rng.randint(1_000_000, 9_999_999)}"
                contact = record["contacts"][-1] if record["contacts"] else None
                if contact:
                    contact["email"] = contact["email"].replace("@", f".{seed}@")
                self._put("partners", record)
            for position in chosen[plan["partners_updated"] :]:
                self._put("partners", {**generated.record("partners", position), "deleted": True})
            for _ in range(plan["partners_created"]):
                # A position beyond the seeded range: a new id with the same shape of data.
                self.created_partners += 1
                self._put(
                    "partners", generated.record("partners", generated.partners + self.created_partners - 1)
                )
            for position in rng.sample(range(generated.count("invoices")), plan["invoices_closed"]):
                self._put(
                    "invoices", {**generated.record("invoices", position), "closed": True, "open_amount": "0"}
                )
            for n in range(plan["invoices_created"]):
                base = generated.record("invoices", rng.randrange(generated.count("invoices")))
                erp_id = f"IN{seed:03d}-{n:06d}"
                self._put(
                    "invoices",
                    {
                        **base,
                        "id": erp_id,
                        "number": f"SZ-N{seed:03d}-{n:06d}",
                        "due_on": str(generated.today),
                    },
                )
        return plan


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

    def _html(self, status: int, page: str, headers: dict[str, str] | None = None) -> None:
        payload = page.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _fields(self) -> tuple[dict, bool]:
        """The posted fields (JSON or an HTML form) and whether they came from the HTML page."""
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return {name: values[0] for name, values in parse_qs(raw.decode()).items()}, True
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        return (body if isinstance(body, dict) else {}), False

    def _decide(self, key: str, decision: str) -> None:
        fields, from_page = self._fields()
        try:
            if decision == "approve":
                request = self.server.approve(key, str(fields.get("erp_id") or "").strip() or None)
                done = f"Approved: {request['partner'].get('name', '')} is {request['erp_id']} in the ERP."
            else:
                request = self.server.reject(key, str(fields.get("reason") or "").strip())
                done = f"Rejected: {request['partner'].get('name', '')}."
        except KeyError:
            status, error = 404, "no such request"
        except ValueError as problem:
            status, error = (409 if "already" in str(problem) else 400), str(problem)
        else:
            if from_page:
                self._html(303, "", {"Location": "/control/?done=" + quote(done)})
            else:
                self._json(200, request)
            return
        if from_page:
            self._html(status, control_page(self.server, error=error))
        else:
            self._json(status, {"error": error})

    def _authorised(self) -> bool:
        if self.headers.get("X-API-Key") != self.server.api_key:
            self._json(401, {"error": "invalid API key"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        url = urlparse(self.path)
        if url.path.rstrip("/") == "/control":
            self._html(200, control_page(self.server, notice=parse_qs(url.query).get("done", [""])[0]))
            return
        if url.path.rstrip("/") == "/control/requests":
            wanted = parse_qs(url.query).get("status", [None])[0]
            self._json(200, {"items": self.server.list_requests(status=wanted)})
            return
        if not self._authorised():
            return
        parts = url.path.strip("/").split("/")
        if len(parts) == 3 and parts[:2] == ["api", "v1"] and parts[2] in KINDS:
            query = parse_qs(url.query)
            try:
                since = query.get("changed_since", [None])[0]
                since_at = parse_time(since) if since else None
                page = max(int(query.get("page", ["1"])[0]), 1)
                size = min(max(int(query.get("page_size", ["500"])[0]), 1), 5000)
            except ValueError:
                self._json(400, {"error": "bad query"})
                return
            server_time = iso(now())
            items, next_page = self.server.data.page(parts[2], since_at, page, size)
            self._json(200, {"items": items, "next_page": next_page, "server_time": server_time})
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
        parts = url.path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["control", "requests"] and parts[3] in ("approve", "reject"):
            self._decide(parts[2], parts[3])
            return
        if not self._authorised():
            return
        if url.path.rstrip("/") == "/control/changes":
            query = parse_qs(url.query)
            try:
                count = int(query.get("count", ["1000"])[0])
                seed = int(query.get("seed", ["1"])[0])
                self._json(200, self.server.data.simulate_changes(count, seed=seed))
            except ValueError as error:
                self._json(400, {"error": str(error)})
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
                existing = {
                    "key": key, "status": "pending", "erp_id": None, "reason": "", "partner": body,
                    "requested_at": iso(now()), "decided_at": None,
                }  # fmt: skip
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
        self.approved_ids = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def list_requests(self, *, status: str | None = None) -> list[dict]:
        with self.data.lock:
            requests = [dict(r) for r in self.data.requests.values() if status in (None, r["status"])]
        return sorted(requests, key=lambda r: r.get("requested_at") or "", reverse=True)

    def approve(self, key: str, erp_id: str | None = None) -> dict:
        """What an ERP user does: approve a partner request; the partner then appears in the feed.
        Without an `erp_id` the next free "P9xxxxx" id is given. KeyError: no such request;
        ValueError: already decided, or the id is taken."""
        with self.data.lock:
            request = self.data.requests[key]
            if request["status"] != "pending":
                raise ValueError(f"the request is already {request['status']}")
            if erp_id is None:
                self.approved_ids += 1
                while self.data._get("partners", f"P9{self.approved_ids:05d}") is not None:
                    self.approved_ids += 1
                erp_id = f"P9{self.approved_ids:05d}"
            elif self.data._get("partners", erp_id) is not None:
                raise ValueError(f"the ERP id {erp_id} is taken")
            request.update(status="approved", erp_id=erp_id, decided_at=iso(now()))
            self.data._put("partners", {**request["partner"], "id": erp_id})
            return dict(request)

    def reject(self, key: str, reason: str) -> dict:
        with self.data.lock:
            request = self.data.requests[key]
            if request["status"] != "pending":
                raise ValueError(f"the request is already {request['status']}")
            if not reason:
                raise ValueError("a reason is required to reject a request")
            request.update(status="rejected", reason=reason, decided_at=iso(now()))
            return dict(request)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def control_page(server: ErpServer, *, notice: str = "", error: str = "") -> str:
    """The ERP's approval screen: pending partner requests with Approve / Reject, then the decided ones."""
    e = html.escape
    rows = []
    for request in server.list_requests():
        partner = request["partner"]
        address = next(iter(partner.get("addresses") or []), {})
        where = " ".join(filter(None, [address.get("postal_code"), address.get("city")]))
        requested = request.get("requested_at")
        when = parse_time(requested).strftime("%Y-%m-%d %H:%M:%S UTC") if requested else ""
        if request["status"] == "pending":
            action = f"/control/requests/{e(request['key'])}"
            decide = (
                f'<form method="post" action="{action}/approve"><button>Approve</button></form> '
                f'<form method="post" action="{action}/reject"><label>Reason '
                f'<input name="reason" required></label> <button>Reject</button></form>'
            )
        else:
            decide = e(request["status"] + (f": {request['erp_id']}" if request["erp_id"] else "")
                       + (f" ({request['reason']})" if request["reason"] else ""))  # fmt: skip
        rows.append(
            f"<tr><td>{e(partner.get('name', ''))}</td><td>{e(partner.get('tax_number', ''))}</td>"
            f"<td>{e(where)}</td><td>{e(when)}</td><td>{decide}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>Partner</th><th>Tax number</th><th>Seat</th><th>Requested</th>"
        "<th>Decision</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        if rows
        else "<p>No partner requests yet. Close an event as successful for a CRM partner: the CRM sends "
        "the request, and it appears here.</p>"
    )
    messages = (f'<p class="notice">{e(notice)}</p>' if notice else "") + (
        f'<p class="error" role="alert">{e(error)}</p>' if error else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ERP simulator: partner requests</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:15px system-ui,sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse;width:100%}}
th,td{{text-align:left;padding:.4em;border-bottom:1px solid #ccc;vertical-align:top}}form{{display:inline}}
.notice{{background:#e6f4ea;padding:.5em}}.error{{background:#fde8e8;padding:.5em}}</style></head>
<body><h1>ERP simulator: partner requests</h1>
<p>Partners the CRM hands over after their first successful event. Approve one and the CRM makes it
ERP-managed at its next approval check (every 10 minutes, or "Ask the ERP about approvals now" in the CRM's admin, Partner pushes to the ERP).</p>
{messages}{table}<p><a href="/control/">Refresh</a></p></body></html>"""


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
    parser.add_argument("--invoices-per-partner", type=int, default=2)
    parser.add_argument("--api-key", default="demo-erp-key")
    args = parser.parse_args()
    data = ErpData()
    data.seed(args.partners, companies=("alfa", "beta"), invoices_per_partner=args.invoices_per_partner)
    server = ErpServer(("127.0.0.1", args.port), data, args.api_key)
    print(f"ERP simulator on {server.url} with {args.partners} partners", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
