"""A local stand-in for the company-information ("Bisnode") SOAP 1.1 service.

It speaks the contract in ``partners/bisnode/service.wsdl`` (the file the product's client reads) over real HTTP so the CRM's zeep client
is exercised end to end, in tests and in the demo, without the paid service.
Standard library plus lxml only (lxml is already a zeep dependency), so running it
needs nothing beyond the production requirements.

Behaviours triggered by the query (tax number or name), for tests and demos:

* contains ``SLOW``  -> waits ``slow_seconds`` (default 10) before answering;
* contains ``FAULT`` -> SOAP Server fault "internal error";
* unknown tax number -> SOAP Client fault "not found";
* name matching nothing -> an empty SearchByNameResponse (not an error).

Run it by hand::

    python -m devtools.simulators.bisnode --port 8099
"""

from __future__ import annotations

import argparse
import logging
import threading
import unicodedata
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

logger = logging.getLogger(__name__)

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "urn:crm:companyinfo:v1"
# The contract stays beside the product's SOAP client (partners/clients/bisnode.py reads it too).
WSDL_PATH = Path(__file__).resolve().parents[2] / "partners" / "bisnode" / "service.wsdl"
# The address written in service.wsdl; replaced by the simulator's own URL when served.
PLACEHOLDER_LOCATION = "http://127.0.0.1:8099/soap"
SOAP_PATH = "/soap"
DEFAULT_PORT = 8099
DEFAULT_SLOW_SECONDS = 10.0
# Real requests are a few hundred bytes; refuse anything big instead of parsing it.
MAX_REQUEST_BYTES = 64 * 1024
MAX_RESULTS_LIMIT = 100

# Element order of the CompanyInfo complexType; xs:sequence requires exactly this order.
COMPANY_FIELDS: tuple[str, ...] = (
    "name",
    "shortName",
    "taxNumber",
    "registrationNumber",
    "euVatNumber",
    "country",
    "postalCode",
    "city",
    "street",
    "mainActivityCode",
    "mainActivity",
    "foundedOn",
    "employees",
    "status",
    "phone",
    "email",
    "website",
)

# Fictitious companies with checksum-valid identifiers (stdnum.hu.anum / stdnum.bg.vat).
COMPANIES: tuple[dict[str, Any], ...] = (
    {
        "name": "Példa Informatikai Korlátolt Felelősségű Társaság",
        "shortName": "Példa Informatika Kft.",
        "taxNumber": "10537914-2-44",
        "registrationNumber": "01-09-562739",
        "euVatNumber": "HU10537914",
        "country": "HU",
        "postalCode": "1117",
        "city": "Budapest",
        "street": "Infopark sétány 1.",
        "mainActivityCode": "6201",
        "mainActivity": "Számítógépes programozás",
        "foundedOn": "1995-03-14",
        "employees": 84,
        "status": "active",
        "phone": "+36 1 555 0142",
        "email": "info@pelda-informatika.hu",
        "website": "https://www.pelda-informatika.hu",
    },
    {
        "name": "Tisza Agrár Mezőgazdasági Zártkörűen Működő Részvénytársaság",
        "shortName": "Tisza Agrár Zrt.",
        "taxNumber": "12345676-2-06",
        "registrationNumber": "06-10-000412",
        "euVatNumber": "HU12345676",
        "country": "HU",
        "postalCode": "6724",
        "city": "Szeged",
        "street": "Kossuth Lajos sugárút 81.",
        "mainActivityCode": "0111",
        "mainActivity": "Gabonaféle (kivéve: rizs), hüvelyes növény, olajos mag termesztése",
        "foundedOn": "1992-07-01",
        "employees": 156,
        "status": "active",
        "phone": "+36 62 555 310",
        "email": "iroda@tiszaagrar.hu",
        "website": "https://tiszaagrar.hu",
    },
    {
        "name": "Bakony-Balaton Üvegipari Korlátolt Felelősségű Társaság",
        "shortName": "Bakony-Balaton Üveg Kft.",
        "taxNumber": "10773381-2-19",
        "registrationNumber": "19-09-500871",
        "euVatNumber": "HU10773381",
        "country": "HU",
        "postalCode": "8200",
        "city": "Veszprém",
        "street": "Házgyári út 12.",
        "mainActivityCode": "2312",
        "mainActivity": "Síküveg továbbfeldolgozása",
        "foundedOn": "1993-11-22",
        "employees": 47,
        "status": "active",
        "phone": "+36 88 555 271",
        "email": "ertekesites@bbuveg.hu",
        "website": "https://www.bbuveg.hu",
    },
    {
        "name": "Dunakanyar Logisztikai Korlátolt Felelősségű Társaság",
        "shortName": "Dunakanyar Logisztika Kft.",
        "taxNumber": "10484878-2-13",
        "registrationNumber": "13-09-071245",
        "euVatNumber": "HU10484878",
        "country": "HU",
        "postalCode": "2600",
        "city": "Vác",
        "street": "Avar utca 7.",
        "mainActivityCode": "4941",
        "mainActivity": "Közúti áruszállítás",
        "foundedOn": "1991-05-08",
        "employees": 23,
        "status": "active",
        "phone": "+36 27 555 904",
    },
    {
        # Dissolved and sparse on purpose: the optional elements are simply absent.
        "name": "Mecsek Pékség Betéti Társaság",
        "shortName": "Mecsek Pékség Bt.",
        "taxNumber": "10856417-2-02",
        "registrationNumber": "02-06-070318",
        "country": "HU",
        "postalCode": "7621",
        "city": "Pécs",
        "street": "Király utca 19.",
        "mainActivityCode": "1071",
        "mainActivity": "Kenyér; friss pékáru gyártása",
        "status": "dissolved",
    },
    {
        "name": "Витоша Софтуер ЕООД",
        "shortName": "Vitosha Software EOOD",
        "taxNumber": "175074752",
        "registrationNumber": "175074752",
        "euVatNumber": "BG175074752",
        "country": "BG",
        "postalCode": "1000",
        "city": "София",
        "street": "ул. Граф Игнатиев 15",
        "mainActivityCode": "6201",
        "mainActivity": "Компютърно програмиране",
        "foundedOn": "2006-04-18",
        "employees": 35,
        "status": "active",
        "phone": "+359 2 981 2233",
        "email": "office@vitosha-software.bg",
        "website": "https://vitosha-software.bg",
    },
    {
        "name": "Тракия Фуудс АД",
        "shortName": "Trakia Foods AD",
        "taxNumber": "121759222",
        "registrationNumber": "121759222",
        "euVatNumber": "BG121759222",
        "country": "BG",
        "postalCode": "4000",
        "city": "Пловдив",
        "street": "бул. Марица 112",
        "mainActivityCode": "1089",
        "mainActivity": "Производство на други хранителни продукти, некласифицирани другаде",
        "foundedOn": "1999-09-09",
        "employees": 210,
        "status": "active",
        "phone": "+359 32 604 100",
        "email": "sales@trakiafoods.bg",
    },
    {
        "name": "Черноморска Търговска Компания ООД",
        "shortName": "Black Sea Trading OOD",
        "taxNumber": "831642181",
        "registrationNumber": "831642181",
        "euVatNumber": "BG831642181",
        "country": "BG",
        "postalCode": "9000",
        "city": "Варна",
        "street": "ул. Драгоман 4",
        "mainActivityCode": "4690",
        "mainActivity": "Неспециализирана търговия на едро",
        "foundedOn": "2001-02-27",
        "employees": 12,
        "status": "active",
        "website": "https://blacksea-trading.bg",
    },
)


# --------------------------------------------------------------------------- matching


def normalise_tax_number(value: str) -> str:
    """Upper-case letters and digits only, so "10537914-2-44" == "10537914 2 44"."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, so "tisza agrar" finds "Tisza Agrár"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _tax_keys(company: Mapping[str, Any]) -> set[str]:
    """Every spelling a user may type: full tax number, EU VAT number, HU 8-digit core."""
    keys = {normalise_tax_number(company.get(f, "")) for f in ("taxNumber", "euVatNumber")}
    if company.get("country") == "HU":
        keys.add(normalise_tax_number(company["taxNumber"])[:8])
    keys.discard("")
    return keys


def find_by_tax_number(query: str) -> dict[str, Any] | None:
    wanted = normalise_tax_number(query)
    return next((c for c in COMPANIES if wanted and wanted in _tax_keys(c)), None)


def search_by_name(query: str, max_results: int) -> list[dict[str, Any]]:
    wanted = _fold(query)
    if not wanted:
        return []
    hits = [c for c in COMPANIES if wanted in _fold(c["name"]) or wanted in _fold(c.get("shortName", ""))]
    return hits[:max_results]


# --------------------------------------------------------------------------- SOAP XML


class SoapFault(Exception):
    """Raised by an operation; rendered as a SOAP 1.1 Fault with HTTP 500."""

    def __init__(self, code: str, string: str, detail_code: str, detail_message: str = "") -> None:
        super().__init__(string)
        self.code = code  # "Client" or "Server", qualified with the envelope prefix on the wire
        self.string = string
        self.detail_code = detail_code
        self.detail_message = detail_message


def _q(local: str) -> str:
    return f"{{{SERVICE_NS}}}{local}"


def _envelope(payload: etree._Element) -> bytes:
    env = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap={"soap": SOAP_ENV_NS, "tns": SERVICE_NS})
    etree.SubElement(env, f"{{{SOAP_ENV_NS}}}Body").append(payload)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def _company_element(company: Mapping[str, Any]) -> etree._Element:
    element = etree.Element(_q("company"))
    for field_name in COMPANY_FIELDS:
        value = company.get(field_name)
        if value not in (None, ""):
            etree.SubElement(element, _q(field_name)).text = str(value)
    return element


def fault_envelope(fault: SoapFault) -> bytes:
    # SOAP 1.1: faultcode/faultstring/detail are unqualified; the detail entry is qualified.
    node = etree.Element(f"{{{SOAP_ENV_NS}}}Fault")
    etree.SubElement(node, "faultcode").text = f"soap:{fault.code}"
    etree.SubElement(node, "faultstring").text = fault.string
    detail = etree.SubElement(etree.SubElement(node, "detail"), _q("LookupFault"))
    etree.SubElement(detail, _q("code")).text = fault.detail_code
    if fault.detail_message:
        etree.SubElement(detail, _q("message")).text = fault.detail_message
    return _envelope(node)


def _child_text(request: etree._Element, local: str) -> str:
    node = request.find(_q(local))
    if node is None:
        raise SoapFault("Client", f"missing element {local}", "BAD_REQUEST")
    return (node.text or "").strip()


def _parse_body(raw: bytes) -> etree._Element:
    """The first element inside soap:Body; entities and network access are disabled."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("Client", "malformed request", "BAD_REQUEST", str(exc)) from exc
    body = root.find(f"{{{SOAP_ENV_NS}}}Body")
    if root.tag != f"{{{SOAP_ENV_NS}}}Envelope" or body is None or len(body) == 0:
        raise SoapFault("Client", "not a SOAP 1.1 envelope", "BAD_REQUEST")
    return body[0]


# --------------------------------------------------------------------------- server


class SimulatorServer(ThreadingHTTPServer):
    """ThreadingHTTPServer plus the simulator's knobs and a record of calls for tests."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], slow_seconds: float = DEFAULT_SLOW_SECONDS) -> None:
        super().__init__(address, _Handler)
        self.slow_seconds = slow_seconds
        # Set on stop() so handlers sleeping for SLOW give up instead of outliving the server.
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.calls: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{SOAP_PATH}"

    @property
    def request_count(self) -> int:
        """SOAP operations received (WSDL downloads are not counted)."""
        with self._lock:
            return len(self.calls)

    def record(self, operation: str, query: str) -> None:
        with self._lock:
            self.calls.append((operation, query))

    def pause_if_slow(self, query: str) -> bool:
        """Sleep for SLOW queries; False means the server is stopping and must not answer."""
        if "SLOW" in query.upper():
            return not self.stopping.wait(self.slow_seconds)
        return True

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


def _op_find_by_tax_number(server: SimulatorServer, request: etree._Element) -> etree._Element | None:
    tax_number = _child_text(request, "taxNumber")
    server.record("FindByTaxNumber", tax_number)
    if not server.pause_if_slow(tax_number):
        return None
    if "FAULT" in tax_number.upper():
        raise SoapFault("Server", "internal error", "INTERNAL", "simulated back-end failure")
    company = find_by_tax_number(tax_number)
    if company is None:
        raise SoapFault("Client", "not found", "NOT_FOUND", f"no company with tax number {tax_number}")
    response = etree.Element(_q("FindByTaxNumberResponse"))
    response.append(_company_element(company))
    return response


def _op_search_by_name(server: SimulatorServer, request: etree._Element) -> etree._Element | None:
    name = _child_text(request, "name")
    server.record("SearchByName", name)
    try:
        max_results = min(max(int(_child_text(request, "maxResults")), 0), MAX_RESULTS_LIMIT)
    except ValueError as exc:
        raise SoapFault("Client", "invalid maxResults", "BAD_REQUEST") from exc
    if not server.pause_if_slow(name):
        return None
    if "FAULT" in name.upper():
        raise SoapFault("Server", "internal error", "INTERNAL", "simulated back-end failure")
    response = etree.Element(_q("SearchByNameResponse"))
    for company in search_by_name(name, max_results):
        response.append(_company_element(company))
    return response


Operation = Callable[[SimulatorServer, etree._Element], "etree._Element | None"]
OPERATIONS: dict[str, Operation] = {
    _q("FindByTaxNumber"): _op_find_by_tax_number,
    _q("SearchByName"): _op_search_by_name,
}


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    server_version = "CompanyInfoSimulator/1.0"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != SOAP_PATH or parts.query.lower() != "wsdl":
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
            return
        # Point the served contract at this very server, wherever it was bound.
        wsdl = WSDL_PATH.read_text(encoding="utf-8").replace(PLACEHOLDER_LOCATION, self.server.url)
        self._send(HTTPStatus.OK, wsdl.encode("utf-8"), "text/xml; charset=utf-8")

    def do_POST(self) -> None:
        if urlsplit(self.path).path != SOAP_PATH:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
            return
        try:
            payload = self._dispatch(self._read_body())
        except SoapFault as fault:
            # SOAP 1.1 over HTTP: faults travel with status 500.
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, fault_envelope(fault), "text/xml; charset=utf-8")
            return
        if payload is None:  # stopping while a SLOW request slept: drop the connection
            self.close_connection = True
            return
        self._send(HTTPStatus.OK, _envelope(payload), "text/xml; charset=utf-8")

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError as exc:
            raise SoapFault("Client", "Content-Length required", "BAD_REQUEST") from exc
        if not 0 < length <= MAX_REQUEST_BYTES:
            raise SoapFault("Client", "request too large or empty", "BAD_REQUEST")
        return self.rfile.read(length)

    def _dispatch(self, raw: bytes) -> etree._Element | None:
        request = _parse_body(raw)
        operation = OPERATIONS.get(request.tag)
        if operation is None:
            raise SoapFault("Client", f"unknown operation {request.tag}", "BAD_REQUEST")
        return operation(self.server, request)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout is shorter than SLOW); nothing left to tell it.
            logger.debug("client went away before the answer was sent")

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


def start_simulator(
    port: int = 0, *, slow_seconds: float = DEFAULT_SLOW_SECONDS
) -> tuple[SimulatorServer, threading.Thread, str]:
    """Serve on 127.0.0.1 in a daemon thread; port 0 picks a free port. Stop with server.stop()."""
    server = SimulatorServer(("127.0.0.1", port), slow_seconds=slow_seconds)
    thread = threading.Thread(target=server.serve_forever, name="bisnode-simulator", daemon=True)
    thread.start()
    return server, thread, server.url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local company-information (Bisnode) SOAP simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=DEFAULT_SLOW_SECONDS,
        help="delay for queries containing SLOW (default %(default)s)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = SimulatorServer((args.host, args.port), slow_seconds=args.slow_seconds)
    logger.info("company-information simulator on %s (WSDL: %s?wsdl)", server.url, server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.server_close()


if __name__ == "__main__":
    main()
