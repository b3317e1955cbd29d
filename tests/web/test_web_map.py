"""The results map: its points, its data block on the search page, Leaflet's files."""

import json

import pytest

from directory.extensions import db
from directory.models import Service
from directory.services.search import ResultItem
from directory.web.map import map_points
from tests.factories import service, structure
from tests.web.html_page import parse

FLE_POINT = {
    "lat": 48.8867,
    "lon": 2.3548,
    "label": "Cours de français langue étrangère pour débutants",
    "url": "/services/fle-debutants",
}
SHELTER_POINT = {
    "lat": 48.8559,
    "lon": 2.3744,
    "label": "Hébergement d'urgence",
    "url": "/services/hebergement-urgence",
}


def test_map_points_keep_on_site_services_with_coordinates(app, load):
    here = {"latitude": 48.85, "longitude": 2.37}
    load(
        [structure()],
        [
            service("sur-place", nom="Sur place", **here),
            service("mixte", nom="Mixte", modes_accueil=["en-presentiel", "a-distance"], **here),
            service("a-distance", nom="À distance", modes_accueil=["a-distance"], **here),
            service("sans-point", nom="Sans point"),
        ],
    )
    distances = {"sur-place": 1.25, "mixte": None, "a-distance": None, "sans-point": 0.5}
    with app.test_request_context():
        items = [ResultItem(db.session.get(Service, id), km) for id, km in distances.items()]
        points = map_points(items)
    assert points == [
        {"lat": 48.85, "lon": 2.37, "label": "Sur place", "url": "/services/sur-place",
         "distance_km": 1.25},
        {"lat": 48.85, "lon": 2.37, "label": "Mixte", "url": "/services/mixte"},
    ]  # fmt: skip


def map_data(client, url: str) -> dict | None:
    """The JSON data block of the page's map, or None when the page has no map."""
    page = parse(client.get(url).data)
    blocks = page.find_all("script", class_="results-map__data")
    assert len(blocks) <= 1
    return json.loads(blocks[0].text) if blocks else None


@pytest.mark.usefixtures("sample")
def test_the_search_page_maps_the_located_on_site_results_and_the_search_point(client):
    data = map_data(client, "/?lat=48.88&lon=2.355")
    assert [{k: v for k, v in p.items() if k != "distance_km"} for p in data["points"]] == [
        FLE_POINT,
        SHELTER_POINT,
    ]
    assert [round(point["distance_km"], 1) for point in data["points"]] == [0.7, 3.0]
    assert data["origin"] == {"lat": 48.88, "lon": 2.355, "label": "Point de la recherche"}


@pytest.mark.usefixtures("sample")
def test_the_map_is_a_hidden_complement_of_the_list_without_a_background_by_default(client):
    html = client.get("/").get_data(as_text=True)
    page = parse(html)
    container = page.find(id="carte")
    assert container.get("hidden") == ""
    assert container.find("h3").text == "Carte des résultats"
    assert "elle situe les mêmes services" in container.text
    assert container.find(class_="results-map__canvas").get("aria-label") == (
        "Carte de 2 services reçus sur place"
    )
    assert "Aucun fond de carte n'est configuré" in container.text
    data = map_data(client, "/")
    assert [point["label"] for point in data["points"]] == [
        FLE_POINT["label"],
        SHELTER_POINT["label"],
    ]
    assert data["origin"] is None and data["tiles"] is None
    assert "{z}" not in html and "openstreetmap" not in html
    assert not page.find_all("script", src=None, type=None)  # no inline executable script


@pytest.mark.usefixtures("sample")
def test_a_configured_background_map_is_handed_to_the_script(app, client):
    app.config["MAP_TILES_URL"] = "https://tuiles.exemple.fr/{z}/{x}/{y}.png"
    app.config["MAP_ATTRIBUTION"] = "© contributeurs OpenStreetMap"
    data = map_data(client, "/")
    assert data["tiles"] == {
        "url": "https://tuiles.exemple.fr/{z}/{x}/{y}.png",
        "attribution": "© contributeurs OpenStreetMap",
    }
    assert "Aucun fond de carte" not in client.get("/").get_data(as_text=True)


def test_the_data_block_cannot_be_closed_by_a_service_name(client, load):
    name = "Accueil </script><script>alert('x')</script>"
    load([structure()], [service("piege", nom=name, latitude=48.85, longitude=2.37)])
    page = parse(client.get("/").data)
    assert [point["label"] for point in map_data(client, "/")["points"]] == [name]
    assert not page.find_all("script", src=None, type=None)


@pytest.mark.usefixtures("sample")
def test_no_map_when_no_result_is_received_on_site_at_a_known_point(client):
    assert map_data(client, "/?q=emploi") is None


def test_leaflet_is_served_from_node_modules_even_for_private_search(app, client):
    app.config["PUBLIC_SEARCH"] = False
    script = client.get("/static/leaflet/leaflet.js")
    assert script.status_code == 200
    assert script.mimetype in ("text/javascript", "application/javascript")
    assert b"Leaflet 1.9.4" in script.data
    assert script.cache_control.max_age == 24 * 3600
    assert client.get("/static/leaflet/images/marker-icon.png").mimetype == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/static/leaflet/../package.json",
        "/static/leaflet/%2e%2e/%2e%2e/package.json",
        "/static/leaflet/..%2f..%2fpackage.json",
        "/static/leaflet//etc/passwd",
        "/static/leaflet/absent.js",
    ],
)
def test_nothing_outside_the_leaflet_distribution_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b'"name"' not in response.data and b"root:" not in response.data
