"""Addresses geocoded with geopy's BANFrance against a local server that speaks the BAN API,
and the "Géolocaliser" button of the forms, with its manual fallback."""

import pytest

from directory.extensions import db
from directory.models import Service
from directory.services.geocoding import GeocodingUnavailable, Place, geocode

from ..ban_server import unused_port_url
from .admin_sample import EDITOR_A
from .pages import form_values, page_of, submit


class TestGeocode:
    def test_an_address_gets_the_bans_coordinates_and_label(self, app, ban):
        with app.app_context():
            found = geocode("48 rue de la Roquette", "75011")
        assert found == Place(48.855425, 2.373429, "48 Rue de la Roquette 75011 Paris", "75111")
        assert found.arrondissement == 11
        assert ban.queries == ["48 rue de la Roquette 75011"]

    def test_unknown_or_doubtful_addresses_give_nothing(self, app, ban):
        with app.app_context():
            assert geocode("1 place de Nulle Part") is None
            assert geocode("zzzz") is None  # the BAN's best guess, with a poor score
            assert geocode("ab") is None  # too short for the BAN: not even asked
        assert ban.queries == ["1 place de Nulle Part", "zzzz"]

    def test_an_unreachable_ban_is_told_apart_from_an_unknown_address(self, app):
        app.config["BAN_URL"] = unused_port_url()
        with app.app_context(), pytest.raises(GeocodingUnavailable):
            geocode("48 rue de la Roquette", "75011")


EDIT_FLE = "/admin/services/fle-a"
ADDRESS = {"adresse": "48 rue de la Roquette", "code_postal": "75011", "commune": ""}


class TestGeolocateButton:
    def test_fills_latitude_and_longitude_without_saving(self, directory, ban, signed_in):
        client = signed_in(EDITOR_A)
        response = submit(client, EDIT_FLE, "formulaire-service", ADDRESS, action="geolocaliser")
        page = page_of(response)
        assert "48 Rue de la Roquette 75011 Paris" in page.find(id="localisation-message").text
        values = form_values(page.find("form", id="formulaire-service"))
        assert (values["latitude"], values["longitude"]) == (["48.855425"], ["2.373429"])
        assert values["adresse"] == ["48 rue de la Roquette"]
        with directory.app_context():
            assert db.session.get(Service, "fle-a").latitude is None

        form = page.find("form", id="formulaire-service")
        assert client.post(EDIT_FLE, data=form_values(form)).status_code == 302
        with directory.app_context():
            service = db.session.get(Service, "fle-a")
            assert (service.latitude, service.longitude) == (48.855425, 2.373429)
        near = client.get("/api/v1/search/services?lat=48.8554&lon=2.3734&rayon_km=1").get_json()
        assert "fle-a" in [item["service"]["id"] for item in near["items"]]

    def test_an_unknown_address_says_so_and_leaves_manual_entry(self, directory, ban, signed_in):
        client = signed_in(EDITOR_A)
        changes = {"adresse": "1 place de Nulle Part", "latitude": "", "longitude": ""}
        page = page_of(submit(client, EDIT_FLE, "formulaire-service", changes, "geolocaliser"))
        message = page.find(id="localisation-message")
        assert "fr-alert--error" in message.classes
        assert "saisissez la latitude et la longitude à la main" in message.text

        manual = {**changes, "latitude": "48.8867", "longitude": "2.3548"}
        assert submit(client, EDIT_FLE, "formulaire-service", manual).status_code == 302
        with directory.app_context():
            assert db.session.get(Service, "fle-a").latitude == 48.8867

    def test_when_the_ban_is_down_the_form_still_works(self, directory, signed_in):
        directory.config["BAN_URL"] = unused_port_url()
        client = signed_in(EDITOR_A)
        page = page_of(submit(client, EDIT_FLE, "formulaire-service", ADDRESS, "geolocaliser"))
        assert (
            "service de géolocalisation est indisponible"
            in page.find(id="localisation-message").text
        )

    def test_manual_coordinates_are_validated(self, signed_in):
        changes = {"latitude": "148.2", "longitude": ""}
        page = page_of(submit(signed_in(EDITOR_A), EDIT_FLE, "formulaire-service", changes), 400)
        assert page.find(id="groupe-latitude").find(class_="fr-error-text").text == (
            "Valeur attendue entre -90 et 90."
        )
