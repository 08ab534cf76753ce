"""Company-information lookup: the real zeep client against the local SOAP simulator.

Nothing is patched: every test goes over HTTP to devtools.simulators.bisnode,
so the WSDL, the envelopes, the faults and the timeouts are all exercised for real.
"""

from __future__ import annotations

import datetime
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from devtools.simulators.bisnode import SimulatorServer, start_simulator
from partners.clients import bisnode
from partners.clients.bisnode import (
    CompanyInfo,
    CompanyInfoError,
    CompanyInfoUnavailable,
    CompanyNotFound,
    lookup_by_tax_number,
    search_by_name,
)

PELDA_TAX_NUMBER = "10537914-2-44"


@pytest.fixture(scope="module")
def simulator() -> Iterator[SimulatorServer]:
    server, thread, _url = start_simulator(port=0)
    yield server
    server.stop()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _point_client_at_simulator(settings, simulator: SimulatorServer) -> None:
    settings.BISNODE_WSDL = bisnode.DEFAULT_WSDL
    settings.BISNODE_ENDPOINT = simulator.url
    settings.BISNODE_TIMEOUT = 4
    settings.BISNODE_CACHE_SECONDS = 300


def _closed_port_url() -> str:
    """A URL on a port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/soap"


# --------------------------------------------------------------------------- lookup


def test_lookup_by_tax_number_returns_every_field(simulator: SimulatorServer) -> None:
    company = lookup_by_tax_number(PELDA_TAX_NUMBER)

    assert company == CompanyInfo(
        name="Példa Informatikai Korlátolt Felelősségű Társaság",
        short_name="Példa Informatika Kft.",
        tax_number="10537914-2-44",
        registration_number="01-09-562739",
        eu_vat_number="HU10537914",
        country="HU",
        postal_code="1117",
        city="Budapest",
        street="Infopark sétány 1.",
        main_activity_code="6201",
        main_activity="Számítógépes programozás",
        founded_on=datetime.date(1995, 3, 14),
        employees=84,
        status="active",
        phone="+36 1 555 0142",
        email="info@pelda-informatika.hu",
        website="https://www.pelda-informatika.hu",
    )
    # The client sends the normalised number.
    assert simulator.calls[-1] == ("FindByTaxNumber", "10537914244")


@pytest.mark.parametrize("typed", [" 10537914 2 44 ", "10537914244", "hu10537914", "10537914"])
def test_lookup_accepts_the_usual_spellings(typed: str) -> None:
    assert lookup_by_tax_number(typed).tax_number == PELDA_TAX_NUMBER


def test_lookup_bulgarian_eik() -> None:
    company = lookup_by_tax_number("175074752")

    assert company.name == "Витоша Софтуер ЕООД"
    assert company.country == "BG"
    assert company.eu_vat_number == "BG175074752"
    assert company.city == "София"


def test_missing_optional_elements_become_empty_values() -> None:
    company = lookup_by_tax_number("10856417-2-02")

    assert company.name == "Mecsek Pékség Betéti Társaság"
    assert company.status == "dissolved"
    assert company.founded_on is None
    assert company.employees is None
    assert (company.phone, company.email, company.website, company.eu_vat_number) == ("", "", "", "")


def test_unknown_tax_number_raises_not_found() -> None:
    with pytest.raises(CompanyNotFound) as caught:
        lookup_by_tax_number("12345678-1-11")

    assert "12345678-1-11" in caught.value.message
    assert "fill in the form by hand" in caught.value.message


def test_blank_tax_number_is_not_found_without_calling_the_service(simulator: SimulatorServer) -> None:
    before = simulator.request_count

    with pytest.raises(CompanyNotFound):
        lookup_by_tax_number("  - ")

    assert simulator.request_count == before


# --------------------------------------------------------------------------- search


def test_search_by_name_returns_several() -> None:
    companies = search_by_name("kft")

    assert sorted(c.short_name for c in companies) == [
        "Bakony-Balaton Üveg Kft.",
        "Dunakanyar Logisztika Kft.",
        "Példa Informatika Kft.",
    ]
    assert {c.country for c in companies} == {"HU"}
    assert all(c.tax_number for c in companies)


def test_search_by_name_respects_max_results() -> None:
    assert len(search_by_name("kft", max_results=2)) == 2


def test_search_by_name_finds_one_bulgarian_company() -> None:
    [company] = search_by_name("Trakia Foods")

    assert company.tax_number == "121759222"
    assert company.main_activity_code == "1089"


def test_search_without_match_returns_empty_list() -> None:
    assert search_by_name("No Such Company Ltd") == []


# --------------------------------------------------------------------------- failures


def test_server_fault_raises_unavailable() -> None:
    with pytest.raises(CompanyInfoUnavailable) as caught:
        lookup_by_tax_number("FAULT")

    assert "internal error" in caught.value.message
    assert "soap:Server" in caught.value.detail


def test_server_fault_in_search_raises_unavailable() -> None:
    with pytest.raises(CompanyInfoUnavailable):
        search_by_name("FAULT Kft")


def test_slow_service_times_out(settings, simulator: SimulatorServer, monkeypatch) -> None:
    settings.BISNODE_TIMEOUT = 1
    monkeypatch.setattr(simulator, "slow_seconds", 60)
    started = time.monotonic()

    with pytest.raises(CompanyInfoUnavailable) as caught:
        lookup_by_tax_number("SLOW")

    # It gave up after its timeout instead of waiting for the answer a minute later (the bound is far
    # from both, so a busy machine does not make it fail).
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 30
    assert "did not answer within 1 second" in caught.value.message


def test_closed_port_fails_fast(settings) -> None:
    settings.BISNODE_ENDPOINT = _closed_port_url()
    settings.BISNODE_TIMEOUT = 60
    started = time.monotonic()

    with pytest.raises(CompanyInfoUnavailable) as caught:
        lookup_by_tax_number(PELDA_TAX_NUMBER)

    assert time.monotonic() - started < 30  # refused at once, not after the minute's timeout
    assert "cannot be reached" in caught.value.message


def test_non_soap_answer_is_unavailable(settings, simulator: SimulatorServer) -> None:
    # The simulator answers 404 text/plain off its SOAP path, like a misrouted proxy would.
    settings.BISNODE_ENDPOINT = simulator.url.replace("/soap", "/not-soap")

    with pytest.raises(CompanyInfoUnavailable) as caught:
        lookup_by_tax_number(PELDA_TAX_NUMBER)

    assert "could not read" in caught.value.message


def test_errors_share_one_base_class() -> None:
    assert issubclass(CompanyNotFound, CompanyInfoError)
    assert issubclass(CompanyInfoUnavailable, CompanyInfoError)


# --------------------------------------------------------------------------- cache


def test_second_lookup_is_answered_from_cache(settings, simulator: SimulatorServer) -> None:
    before = simulator.request_count
    first = lookup_by_tax_number(PELDA_TAX_NUMBER)
    assert simulator.request_count == before + 1

    # Same query, spelled differently: still no second request.
    assert lookup_by_tax_number("10537914 2 44") == first
    assert simulator.request_count == before + 1

    # And with the service gone entirely, the cached answer is still there.
    settings.BISNODE_ENDPOINT = _closed_port_url()
    assert lookup_by_tax_number(PELDA_TAX_NUMBER) == first


def test_search_answer_is_cached(simulator: SimulatorServer) -> None:
    before = simulator.request_count
    first = search_by_name("Kft")

    assert search_by_name("  kft ") == first
    assert simulator.request_count == before + 1


def test_not_found_answer_is_cached(simulator: SimulatorServer) -> None:
    before = simulator.request_count
    for _ in range(2):
        with pytest.raises(CompanyNotFound):
            lookup_by_tax_number("12345678-1-11")

    assert simulator.request_count == before + 1


def test_errors_are_not_cached(simulator: SimulatorServer) -> None:
    before = simulator.request_count
    for _ in range(2):
        with pytest.raises(CompanyInfoUnavailable):
            lookup_by_tax_number("FAULT")

    assert simulator.request_count == before + 2


def test_failure_then_recovery_is_not_stuck_in_cache(settings, simulator: SimulatorServer) -> None:
    settings.BISNODE_ENDPOINT = _closed_port_url()
    with pytest.raises(CompanyInfoUnavailable):
        lookup_by_tax_number("12345676-2-06")

    settings.BISNODE_ENDPOINT = simulator.url
    assert lookup_by_tax_number("12345676-2-06").short_name == "Tisza Agrár Zrt."


# --------------------------------------------------------------------------- WSDL and mapping


def test_wsdl_served_by_the_simulator_points_at_itself(settings, simulator: SimulatorServer) -> None:
    response = requests.get(f"{simulator.url}?wsdl", timeout=5)
    assert response.status_code == 200
    assert f'location="{simulator.url}"' in response.text

    # The client can also load the contract over HTTP instead of from the bundled file.
    settings.BISNODE_WSDL = f"{simulator.url}?wsdl"
    assert lookup_by_tax_number("10773381-2-19").city == "Veszprém"


def test_as_partner_initial_maps_to_partner_form_fields() -> None:
    initial = lookup_by_tax_number("10773381-2-19").as_partner_initial()

    assert initial == {
        "name": "Bakony-Balaton Üvegipari Korlátolt Felelősségű Társaság",
        "short_name": "Bakony-Balaton Üveg Kft.",
        "tax_number": "10773381-2-19",
        "registration_number": "19-09-500871",
        "main_activity": "2312 Síküveg továbbfeldolgozása",
        "phone": "+36 88 555 271",
        "email": "ertekesites@bbuveg.hu",
        "website": "https://www.bbuveg.hu",
        "seat_postal_code": "8200",
        "seat_city": "Veszprém",
        "seat_street": "Házgyári út 12.",
        "seat_country": "HU",
    }


def test_as_partner_initial_leaves_unknown_values_empty() -> None:
    initial = CompanyInfo(name="Minimal Kft.", main_activity="Kereskedelem").as_partner_initial()

    assert initial["name"] == "Minimal Kft."
    assert initial["main_activity"] == "Kereskedelem"
    assert initial["seat_country"] == ""
    assert set(initial) == {
        "name",
        "short_name",
        "tax_number",
        "registration_number",
        "main_activity",
        "phone",
        "email",
        "website",
        "seat_postal_code",
        "seat_city",
        "seat_street",
        "seat_country",
    }
