"""Who a service is for, by place (DESIGN.md §2): its `zone_eligibilite`, or without one the
commune of its own address — Paris is one commune, any other covers no arrondissement — or,
with neither, everywhere. The same on both backends."""

import pytest

from tests.factories import service, structure

ZONES = {
    "zone-19e": {"zone_eligibilite": ["75119"], "code_insee": "75101"},
    "zone-1er": {"zone_eligibilite": ["75101"], "code_insee": "75119"},
    "zone-paris": {"zone_eligibilite": ["75056"], "code_insee": "93066"},
    "sans-zone-paris-11e": {"zone_eligibilite": None, "code_insee": "75111"},
    "sans-zone-paris": {"zone_eligibilite": None, "code_insee": "75056"},
    "sans-zone-saint-denis": {"zone_eligibilite": None, "code_insee": "93066"},
    # As imported from data·inclusion: a service in Lille is for Lille, unless its zone says.
    "sans-zone-lille": {"zone_eligibilite": None, "code_insee": "59350", "code_postal": "59000"},
    "zone-18e-adresse-lille": {
        "zone_eligibilite": ["75118"],
        "code_insee": "59350",
        "code_postal": "59000",
    },
    "sans-zone-ni-adresse": {
        "zone_eligibilite": None,
        "code_insee": None,
        "adresse": None,
        "code_postal": None,
        "commune": None,
    },
}


@pytest.fixture
def zoned(load):
    load([structure("asso")], [service(name, **fields) for name, fields in ZONES.items()])


def found(client, **params) -> set[str]:
    answer = client.get("/api/v1/search/services", query_string={"size": 50, **params})
    assert answer.status_code == 200, answer.json
    return {item["service"]["id"] for item in answer.json["items"]}


def test_a_zone_or_else_the_commune_of_the_address_says_who_is_eligible(client, zoned):
    assert found(client, arrondissement=19) == {
        "zone-19e",
        "zone-paris",
        "sans-zone-paris-11e",  # Paris is one commune: every arrondissement
        "sans-zone-paris",
        "sans-zone-ni-adresse",
    }
    assert {"sans-zone-saint-denis", "sans-zone-lille"} <= found(client)  # for no arrondissement
    assert found(client, arrondissement=18) == {
        "zone-paris",
        "sans-zone-paris-11e",
        "sans-zone-paris",
        "sans-zone-ni-adresse",
        "zone-18e-adresse-lille",
    }
