"""The "Look up" button on the new-partner page, through zeep, against the local SOAP simulator."""

import pytest

from devtools.simulators.bisnode import start_simulator
from tests.factories import CompanyFactory, member


@pytest.fixture(scope="module")
def simulator():
    server, _thread, url = start_simulator(port=0, slow_seconds=5)
    yield server
    server.stop()


@pytest.fixture
def seller(db, client):
    user = member(CompanyFactory(), "partners.view_partner", "partners.add_partner")
    client.force_login(user)
    return user


@pytest.fixture
def service(settings, simulator):
    settings.BISNODE_ENDPOINT = simulator.url
    settings.BISNODE_TIMEOUT = 1
    return simulator


def test_lookup_by_tax_number_prefills_the_form(client, seller, service):
    response = client.get("/partners/new/", {"lookup": "10537914-2-44"})
    form = response.context["form"]
    assert form.initial["tax_number"] == "10537914-2-44"
    assert form.initial["name"] == "Példa Informatikai Korlátolt Felelősségű Társaság"
    assert form.initial["registration_number"] == "01-09-562739"
    assert form.initial["main_activity"] == "6201 Számítógépes programozás"
    assert (form.initial["seat_city"], form.initial["seat_postal_code"]) == ("Budapest", "1117")
    assert "Filled in from the company-information service" in response.content.decode()


def test_lookup_by_name_offers_a_choice_or_fills_in(client, seller, service):
    response = client.get("/partners/new/", {"lookup": "Kft"})
    assert len(response.context["matches"]) == 3
    assert 'name="lookup_pick" value="10537914-2-44"' in response.content.decode()
    response = client.get("/partners/new/", {"lookup": "Duna"})
    assert response.context["matches"] == []
    assert response.context["form"].initial["name"] == "Dunakanyar Logisztikai Korlátolt Felelősségű Társaság"


def test_unknown_tax_number_shows_a_clear_message_and_the_form_stays_usable(client, seller, service):
    response = client.get("/partners/new/", {"lookup": "12345676-2-07"})
    body = response.content.decode()
    assert response.context["lookup_error"]
    assert 'name="name"' in body


def test_service_error_and_timeout_keep_the_form_usable(client, seller, service):
    for query in ("FAULT", "SLOW"):
        response = client.get("/partners/new/", {"lookup": query})
        assert response.status_code == 200
        assert response.context["lookup_error"]
        assert 'name="name"' in response.content.decode()


def test_service_down_never_blocks_saving(client, seller, settings):
    settings.BISNODE_ENDPOINT = "http://127.0.0.1:9/soap"
    response = client.get("/partners/new/", {"lookup": "10537914-2-44"})
    assert response.context["lookup_error"]
    response = client.post("/partners/new/", {"name": "Kézzel Írt Kft.", "is_customer": "on"})
    assert response.status_code == 302


def test_lookup_endpoint_answers_json_for_the_in_place_fill(client, seller, service):
    data = client.get("/partners/new/lookup/", {"lookup": "10537914-2-44"}).json()
    assert data["values"]["name"] == "Példa Informatikai Korlátolt Felelősségű Társaság"
    assert data["values"]["seat_city"] == "Budapest"
    assert data["error"] == "" and data["matches"] == []
    assert "Filled in from the company-information service" in data["message"]
    assert len(client.get("/partners/new/lookup/", {"lookup": "Kft"}).json()["matches"]) == 3
    assert client.get("/partners/new/lookup/", {"lookup": "FAULT"}).json()["error"]
    assert client.get("/partners/new/lookup/").json()["error"]


def test_look_up_without_javascript_keeps_everything_typed(client, seller, service):
    from partners.models import Partner

    typed = {
        "lookup": "10537914-2-44",
        "lookup_submit": "1",
        "name": "Példa Kft. (typed)",
        "notes": "Met at the Budapest fair; call after 10.",
        "phone": "+36 1 555 0100",
        "is_customer": "on",
        "seat_country": "HU",
    }
    response = client.post("/partners/new/", typed)
    assert response.status_code == 200
    assert not Partner.objects.exists()  # looking up never saves
    form = response.context["form"]
    assert not form.is_bound and not form.errors
    assert form.initial["notes"] == "Met at the Budapest fair; call after 10."
    assert form.initial["name"] == "Példa Kft. (typed)"  # typed values are never replaced
    assert form.initial["is_customer"] == "on"
    assert form.initial["registration_number"] == "01-09-562739"  # empty fields are filled in
    assert form.initial["seat_city"] == "Budapest"
    body = response.content.decode()
    assert "Met at the Budapest fair; call after 10." in body
    assert "Kept what you typed in" in body


def test_picking_one_of_several_matches_without_javascript_keeps_the_notes(client, seller, service):
    response = client.post(
        "/partners/new/",
        {"lookup": "Kft", "lookup_submit": "1", "notes": "Typed first", "seat_country": "HU"},
    )
    assert len(response.context["matches"]) == 3
    response = client.post(
        "/partners/new/",
        {"lookup": "Kft", "lookup_pick": "10537914-2-44", "notes": "Typed first", "seat_country": "HU"},
    )
    form = response.context["form"]
    assert form.initial["notes"] == "Typed first"
    assert form.initial["tax_number"] == "10537914-2-44"
