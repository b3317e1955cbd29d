"""What a service page says of its zone: without one, the commune of its own address
(DESIGN.md §2), exactly the arrondissements the search's `arrondissement` filter gives it."""

import pytest

from tests.factories import service, structure
from tests.web.html_page import parse

PARIS_11 = {"commune": "Paris", "code_postal": "75011", "code_insee": "75111"}
SAINT_DENIS = {"commune": "Saint-Denis", "code_postal": "93200", "code_insee": "93066"}
NO_ADDRESS = {"commune": None, "code_postal": None, "code_insee": None, "adresse": None}


@pytest.mark.parametrize(
    ("address", "zone", "said", "in_the_18e"),
    [
        (PARIS_11, None, "Paris (la commune de son adresse)", True),
        (SAINT_DENIS, None, "Saint-Denis (la commune de son adresse)", False),
        (NO_ADDRESS, None, "Sans restriction géographique", True),
        (SAINT_DENIS, ["75118"], "18e arrondissement", True),
    ],
)
def test_the_zone_said_is_the_zone_searched(client, load, address, zone, said, in_the_18e):
    load([structure("asso")], [service("svc", "asso", zone_eligibilite=zone, **address)])
    page = parse(client.get("/services/svc").data)
    row = next(r for r in page.find_all("div", class_="facts__row") if "Zone couverte" in r.text)
    assert said in row.text
    found = client.get("/api/v1/search/services?arrondissement=18").get_json()["total"]
    assert found == (1 if in_the_18e else 0)
