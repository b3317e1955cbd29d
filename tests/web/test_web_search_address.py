"""The person's address on the search page: located through the BAN (a local stand-in),
then the search runs from that point, and every link keeps the address."""

import logging
import threading
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
from werkzeug.serving import make_server

from tests.ban_server import unused_port_url
from tests.factories import service, structure
from tests.web.test_web_search import card, get_page, query_of, result_titles
from tests.web.web_sample import PUBLISHED_SERVICES

pytestmark = pytest.mark.usefixtures("sample", "ban")

TANGER = "30 rue de Tanger 75019"
FLE = "Cours de français langue étrangère pour débutants"
HEBERGEMENT = "Hébergement d'urgence"
REMOTE = "Ateliers numériques à distance"


def search_url(**params) -> str:
    return "/?" + urlencode(params)


def test_an_address_sorts_by_distance_and_shows_it(client, ban):
    page = get_page(client, search_url(adresse=TANGER))
    assert ban.queries == [TANGER]
    titles = result_titles(page)
    assert len(titles) == PUBLISHED_SERVICES
    assert titles[:2] == [FLE, HEBERGEMENT]  # the two services with a place, nearest first
    assert "à 1,2 km" in card(page, FLE).text
    assert "à 3,2 km" in card(page, HEBERGEMENT).text
    assert page.find("select", name="sort").find("option", value="").text == (
        "Distance (par défaut)"
    )
    assert page.find("input", id="adresse").get("value") == TANGER
    assert "30 Rue de Tanger 75019 Paris" in page.find(id="adresse-trouvee").text


def test_a_radius_keeps_the_services_near_the_address_and_remote_ones(client):
    page = get_page(client, search_url(adresse=TANGER, rayon_km=2))
    assert result_titles(page) == [FLE, REMOTE]
    assert "selected" in page.find("select", name="rayon_km").find("option", value="2").attrs
    active = page.find(class_="active-filters")
    radius = active.find("a", text="À 2 km au plus")
    assert query_of(radius.get("href")) == [("adresse", TANGER)]
    address = active.find("a", text=f"Autour de « {TANGER} »")
    assert query_of(address.get("href")) == []


def test_links_carry_the_address_not_its_point(client, ban):
    page = get_page(client, search_url(adresse=TANGER, rayon_km=5, age=30))
    hidden = [i.get("name") for i in page.find_all("input", type="hidden")]
    assert "lat" not in hidden and "lon" not in hidden
    facet = page.label_of("filtre-arrondissement-19").find("a")
    assert query_of(facet.get("href")) == [
        ("arrondissement", "19"),
        ("age", "30"),
        ("adresse", TANGER),
        ("rayon_km", "5"),
    ]
    remove_age = page.find(class_="active-filters").find("a", text="30 ans")
    assert query_of(remove_age.get("href")) == [("adresse", TANGER), ("rayon_km", "5")]
    # Following the link locates the address again: distances are still there.
    page = get_page(client, facet.get("href"))
    assert ban.queries == [TANGER, TANGER]
    assert "à 1,2 km" in card(page, FLE).text
    assert "checked" in page.find("input", id="filtre-arrondissement-19").attrs


def test_pages_carry_the_address(client, load):
    load(
        [structure("grande-asso", nom="Grande association")],
        [service(f"atelier-{n:02d}", structure_id="grande-asso") for n in range(25)],
    )
    page = get_page(client, search_url(adresse=TANGER, structure="grande-asso"))
    following = page.find("nav", class_="fr-pagination").find("a", text="Page suivante")
    assert query_of(following.get("href")) == [
        ("structure", "grande-asso"),
        ("adresse", TANGER),
        ("page", "2"),
    ]


def test_a_typed_address_wins_over_an_older_point(client):
    # 48.8566, 2.3522 is the Hôtel de Ville: from there the hostel would come first.
    page = get_page(client, search_url(lat=48.8566, lon=2.3522, adresse=TANGER))
    assert result_titles(page)[:2] == [FLE, HEBERGEMENT]


def test_an_unknown_address_is_explained_with_a_400(client):
    page = get_page(client, search_url(adresse="12 impasse Inconnue 75000", age=30), status=400)
    item = page.find(class_="fr-alert--error").find("li", text="Adresse introuvable")
    assert item.find("strong").text == "Adresse de la personne"
    assert item.find("code").text == "adresse"
    field = page.find("input", id="adresse")
    assert field.get("value") == "12 impasse Inconnue 75000"
    assert field.get("aria-invalid") == "true"
    assert "Adresse introuvable" in page.find(id="adresse-erreur").text
    assert not page.find_all(class_="fr-card__title")


def test_a_radius_without_an_address_is_explained_with_a_400(client):
    page = get_page(client, search_url(rayon_km=2), status=400)
    item = page.find(class_="fr-alert--error").find("li", text="indiquez l'adresse")
    assert item.find("code").text == "rayon_km"


def test_an_unreachable_ban_leaves_the_search_without_a_point(app, client):
    app.config["BAN_URL"] = unused_port_url()
    page = get_page(client, search_url(adresse=TANGER, rayon_km=2, sort="distance"))
    assert "n'a pas pu être localisée" in page.find(id="adresse-non-localisee").text
    assert len(result_titles(page)) == PUBLISHED_SERVICES
    assert "km" not in card(page, FLE).find(class_="fr-icon-map-pin-2-line").text
    assert page.find("input", id="adresse").get("value") == TANGER
    facet = page.label_of("filtre-arrondissement-19").find("a")
    assert query_of(facet.get("href")) == [("arrondissement", "19"), ("adresse", TANGER)]


def test_the_address_stays_out_of_the_request_log(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)  # werkzeug's logging handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO)
    try:
        with urlopen(f"http://127.0.0.1:{server.server_port}{search_url(adresse=TANGER)}") as r:
            assert r.status == 200
    finally:
        server.shutdown()
        thread.join()
    logged = [record.getMessage() for record in caplog.records]
    assert any("GET /?adresse=… HTTP" in line for line in logged), logged
    assert not [line for line in logged if "Tanger" in line]
