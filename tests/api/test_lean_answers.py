"""Lean answers (issue 8): an open-ended facet lists its 50 largest values plus the chosen
ones, and a page of 20 services with every facet stays small."""

import gzip
import json

import pytest

from directory.search.filters import TERM_FILTERS
from tests.factories import service, structure

STRUCTURES = 80
DESCRIPTION = (
    "Accueil, information et accompagnement des personnes primo-arrivantes : démarches, "
    "orientation vers l'emploi et la formation, ateliers collectifs, permanences. " * 4
).strip()


@pytest.fixture
def many_structures(load):
    structures = [structure(f"s{n:02d}", description=DESCRIPTION) for n in range(STRUCTURES)]
    # Structure n has n // 10 + 1 services: the largest ones are the last.
    services = [
        service(
            f"v{n:02d}-{k}",
            structure_id=f"s{n:02d}",
            description=DESCRIPTION,
            thematiques=["famille--garde-denfants", "sante--acces-aux-soins"],
            langues_parlees=["en", "ar"],
        )
        for n in range(STRUCTURES)
        for k in range(n // 10 + 1)
    ]
    load(structures, services)


@pytest.mark.usefixtures("many_structures")
def test_the_structure_facet_lists_its_50_largest_values_and_the_chosen_ones(client):
    facet = client.get("/api/v1/search/services").get_json()["facets"]["structure"]
    assert len(facet) == 50
    counts = [value["count"] for value in facet]
    assert counts == sorted(counts, reverse=True)
    assert {"s79", "s70"} <= {value["value"] for value in facet}
    assert "s00" not in {value["value"] for value in facet}

    chosen = client.get("/api/v1/search/services?structure=s00").get_json()["facets"]["structure"]
    assert len(chosen) == 51
    assert {"value": "s00", "label": "Structure s00", "count": 1} in chosen


@pytest.mark.usefixtures("many_structures")
def test_a_hit_carries_a_summary_of_its_structure_not_all_of_it(client):
    item = client.get("/api/v1/search/services?size=1").get_json()["items"][0]
    assert set(item["service"]["structure"]) == {
        "id", "nom", "signataire", "commune", "code_postal", "code_insee",
    }  # fmt: skip
    assert item["service"]["description"] == DESCRIPTION  # the service's own fields stay whole
    full = client.get(f"/api/v1/structures/{item['service']['structure']['id']}").get_json()
    assert full["description"] == DESCRIPTION


@pytest.mark.usefixtures("many_structures")
def test_a_page_of_20_services_does_not_grow_with_the_number_of_structures(client, load):
    before = len(client.get("/api/v1/search/services?size=20").data)
    load(
        [structure(f"t{n:03d}") for n in range(300)],
        [service(f"w{n:03d}", structure_id=f"t{n:03d}") for n in range(300)],
    )
    after = len(client.get("/api/v1/search/services?size=20").data)
    assert after - before < 2048, (before, after)


@pytest.mark.usefixtures("seeded")
def test_a_page_of_20_sample_services_with_every_facet_travels_under_40_kb(client):
    response = client.get("/api/v1/search/services?size=20", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.data) < 40 * 1024
    body = json.loads(gzip.decompress(response.data))
    assert len(body["items"]) == 20
    assert set(body["facets"]) == set(TERM_FILTERS)


@pytest.mark.usefixtures("seeded")
def test_pages_are_not_compressed_as_they_carry_a_csrf_token(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip, br, zstd"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
