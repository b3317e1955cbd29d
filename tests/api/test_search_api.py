"""The JSON API: response shape, errors named per field, detail endpoints, referentials."""

import re

import pytest

from tests.factories import service, structure
from tests.web import web_sample


@pytest.fixture
def loaded(load):
    load(
        [
            structure("ofii", nom="OFII Paris", signataire=True),
            structure("cachee", statut_publication="brouillon"),
        ],
        [
            service(
                "cir",
                "ofii",
                nom="Contrat d'intégration républicaine",
                langues_parlees=["en"],
                horaires_accueil="Mo-Fr 09:00-12:00",
                latitude=48.8589,
                longitude=2.3801,
                niveau_francais_min="A1",
                niveau_francais_max="B1",
            ),
            service("brouillon", "ofii", statut_publication="brouillon"),
            service("orphelin", "cachee"),
        ],
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("niveau=Z9", "niveau.0"),
        ("arrondissement=21", "arrondissement.0"),
        ("arrondissement=onze", "arrondissement.0"),
        ("page=0", "page"),
        ("size=1000", "size"),
        ("size=0", "size"),
        ("lat=48.85", "lon"),
        ("lon=2.35", "lat"),
        ("rayon_km=3", "rayon_km"),
        ("lat=91&lon=2", "lat"),
        ("thematiques=inconnue", "thematiques.0"),
        ("statut=touriste", "statut.0"),
        ("age=-1", "age"),
        ("age=dix", "age"),
        ("rqth=peut-etre", "rqth"),
        ("publics_dedies=oui-non", "publics_dedies"),
        ("publics_dedies=true&publics_dedies=false", "publics_dedies"),
        ("adresse=30+rue+de+Tanger+75019", "adresse"),
        ("langues=zz", "langues"),
        ("sort=distance", "sort"),
        ("sort=hasard", "sort"),
        ("page=1&page=2", "page"),
        ("couleur=bleu", "couleur"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/search/services?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert field in body["errors"], body
    assert all(message.strip() for message in body["errors"][field])


def test_search_response_carries_service_structure_distance_and_facets(client, loaded):
    response = client.get("/api/v1/search/services?lat=48.8566&lon=2.3522&niveau=A2")
    body = response.get_json()
    assert (body["total"], body["page"], body["size"], body["pages"]) == (1, 1, 20, 1)
    item = body["items"][0]
    assert item["service"]["id"] == "cir"
    assert item["service"]["structure"]["nom"] == "OFII Paris"
    assert item["service"]["langues_parlees"] == ["en"]
    assert item["distance"] == pytest.approx(2.08, abs=0.05)
    niveau = {facet["value"]: facet for facet in body["facets"]["niveau"]}
    assert niveau["A2"] == {"value": "A2", "label": "A2 (survie)", "count": 1}
    assert "alpha" not in niveau
    assert body["facets"]["signataire"] == [
        {"value": "true", "label": "Signataires du protocole", "count": 1}
    ]


def search_ids(client, query: str) -> list[str]:
    response = client.get(f"/api/v1/search/services?{query}")
    assert response.status_code == 200, response.get_json()
    return [item["service"]["id"] for item in response.get_json()["items"]]


@pytest.fixture
def seed_like(load):
    load(web_sample.STRUCTURES, web_sample.SERVICES)


def test_dedicated_rqth_lists_only_services_requiring_it(client, seed_like):
    assert len(search_ids(client, "rqth=true")) == web_sample.PUBLISHED_SERVICES
    assert search_ids(client, "rqth=true&publics_dedies=true") == ["emploi-handicap"]
    assert search_ids(client, "rqth=true&publics_dedies=false") == search_ids(client, "rqth=true")
    without_rqth = search_ids(client, "rqth=false&publics_dedies=true")
    assert "emploi-handicap" not in without_rqth
    assert len(without_rqth) == web_sample.PUBLISHED_SERVICES - 1


def test_dedicated_publics_leave_out_services_open_to_all(client, seed_like):
    assert len(search_ids(client, "publics=familles")) == web_sample.PUBLISHED_SERVICES
    assert search_ids(client, "publics=familles&publics_dedies=true") == ["garde-enfants"]
    assert search_ids(client, "publics=jeunes&publics_dedies=true") == []


def test_dedicated_facets_count_what_choosing_would_give(client, seed_like):
    def counts(query: str, field: str) -> dict[str, int]:
        body = client.get(f"/api/v1/search/services?{query}").get_json()
        return {value["value"]: value["count"] for value in body["facets"][field]}

    open_to_all = counts("", "publics")
    assert open_to_all["familles"] == web_sample.PUBLISHED_SERVICES
    assert open_to_all["jeunes"] == web_sample.PUBLISHED_SERVICES - 1
    assert counts("publics_dedies=true", "publics") == {"familles": 1}
    assert counts("rqth=true", "rqth") == {"true": 7, "false": 6}
    assert counts("rqth=true&publics_dedies=true", "rqth") == {"true": 1, "false": 6}


def test_unpublished_listings_stay_out_of_the_public_api(client, loaded):
    ids = [i["service"]["id"] for i in client.get("/api/v1/search/services").get_json()["items"]]
    assert ids == ["cir"]
    assert client.get("/api/v1/services/brouillon").status_code == 404
    assert client.get("/api/v1/services/orphelin").status_code == 404
    assert client.get("/api/v1/structures/cachee").status_code == 404


def test_service_and_structure_endpoints(client, loaded):
    detail = client.get("/api/v1/services/cir").get_json()
    assert detail["structure"]["id"] == "ofii" and detail["niveau_francais_max"] == "B1"
    structure_body = client.get("/api/v1/structures/ofii").get_json()
    assert [s["id"] for s in structure_body["services"]] == ["cir"]
    listing = client.get("/api/v1/structures").get_json()
    assert [s["id"] for s in listing["items"]] == ["ofii"] and listing["total"] == 1
    missing = client.get("/api/v1/services/nope")
    assert missing.status_code == 404 and missing.get_json()["message"]
    assert client.get("/api/v1/structures?size=500").status_code == 400


@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("thematiques", "famille--garde-denfants", "Garde d’enfants"),
        ("niveaux-francais", "B1", "B1 (seuil)"),
        ("statuts-sejour", "refugie", "Réfugié·e"),
        ("arrondissements", "1", "1er arrondissement"),
        ("langues", "prs", "dari"),
        ("frais", "gratuit", "Gratuit"),
    ],
)
def test_referentials(client, name, value, label):
    response = client.get(f"/api/v1/doc/{name}")
    assert response.status_code == 200
    assert {"value": value, "label": label} in response.get_json()


def test_unknown_referential_is_404(client):
    assert client.get("/api/v1/doc/couleurs").status_code == 404


def test_openapi_document_describes_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    # Every route of the API, as the application has them (but the document itself).
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
    }
    assert set(document["paths"]) == routes
    assert {"/api/v1/orientation", "/api/v1/referrals/{referral_id}/answer"} <= routes
    patch = document["paths"]["/api/v1/services/{service_id}"]["patch"]
    assert {"401", "403", "409"} <= set(patch["responses"])
    names = {p["name"] for p in document["paths"]["/api/v1/search/services"]["get"]["parameters"]}
    assert {"thematiques", "arrondissement", "niveau", "lat", "rayon_km", "q", "size"} <= names
    dedicated = next(
        p
        for p in document["paths"]["/api/v1/search/services"]["get"]["parameters"]
        if p["name"] == "publics_dedies"
    )
    assert dedicated["schema"]["type"] == "boolean" and "rqth_requise" in dedicated["description"]
