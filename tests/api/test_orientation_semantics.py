"""GET /api/v1/orientation against DESIGN.md §7, over a random directory, on both backends.

Expected answers come from tests/search/reference.py (a plain reading of §3): every best
match passes every filter of the profile, the totals are the reference's, near misses fail
exactly the criteria they list, her languages come first, then the nearest.
"""

import random
from urllib.parse import urlencode

import pytest

from directory import referentials as ref
from tests.conftest import BACKENDS, imported_client
from tests.search import reference
from tests.search.dataset import LANGUAGES, make_dataset

SEED = 20261128
STRUCTURES, SERVICES = make_dataset(SEED, structure_count=6, service_count=120)
STRUCTURES_BY_ID = {s["id"]: s for s in STRUCTURES}
SERVICES_BY_ID = {s["id"]: s for s in SERVICES}
POINT = (48.8566, 2.3522)
# The profile's criteria and the §3 filter each one is.
CRITERIA = ("niveau", "statut", "age", "rqth", "arrondissement", "rayon_km")


@pytest.fixture(scope="module", params=BACKENDS)
def client(tmp_path_factory, request):
    return imported_client(tmp_path_factory, request, STRUCTURES, SERVICES)


def random_profile(rng: random.Random) -> dict:
    profile = {
        "freins": rng.sample([*ref.CATEGORIES, *ref.THEMATIQUES], rng.choice([1, 2])),
        "age": rng.choice([None, 17, 25, 26, 40]),
        "statut": rng.choice([None, *ref.STATUTS_SEJOUR]),
        "niveau": rng.choice([None, *ref.NIVEAUX_FRANCAIS]),
        "rqth": rng.choice([False, False, True]),
        "langues": rng.sample(LANGUAGES, rng.choice([0, 1, 2])),
    }
    if rng.random() < 0.5:
        profile |= {"lat": POINT[0], "lon": POINT[1], "rayon_km": rng.choice([1, 2, 4])}
    if rng.random() < 0.7:
        profile["arrondissement"] = rng.randint(1, 20)
    return {name: value for name, value in profile.items() if value not in (None, [])}


def filters_of(profile: dict) -> dict:
    """The §3 filters a profile sets, in the reference's terms (criterion -> filter)."""
    filters = {"rqth": profile.get("rqth", False)}
    for name in ("niveau", "statut", "arrondissement"):
        if name in profile:
            filters[name] = [profile[name]]
    if "age" in profile:
        filters["age"] = profile["age"]
    if "lat" in profile:
        filters["rayon_km"] = (profile["lat"], profile["lon"], profile["rayon_km"])
    return filters


def failed(service: dict, filters: dict) -> set[str]:
    structure = STRUCTURES_BY_ID[service["structure_id"]]
    return {
        name
        for name, values in filters.items()
        if not reference.matches_filter(
            "geo" if name == "rayon_km" else name, values, service, structure
        )
    }


def fitting(frein: str, filters: dict) -> list[dict]:
    return [
        service
        for service in SERVICES
        if reference.visible(service, STRUCTURES_BY_ID)
        and reference.matches_filter("thematiques", [frein], service, None)
        and not failed(service, filters)
    ]


def ask(client, profile: dict) -> dict:
    pairs = [
        (name, str(value).lower() if isinstance(value, bool) else value)
        for name, values in profile.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    response = client.get("/api/v1/orientation?" + urlencode(pairs))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


PROFILES = [random_profile(random.Random(SEED + n)) for n in range(40)]


@pytest.mark.parametrize("profile", PROFILES, ids=[str(n) for n in range(len(PROFILES))])
def test_every_answer_agrees_with_the_reference(client, profile):
    filters = filters_of(profile)
    body = ask(client, profile)
    assert [b["frein"] for b in body["freins"]] == profile["freins"]
    for barrier in body["freins"]:
        expected = fitting(barrier["frein"], filters)
        assert barrier["total"] == len(expected)
        items = [SERVICES_BY_ID[item["service"]["id"]] for item in barrier["items"]]
        assert len(items) == min(5, len(expected))
        for service in items:
            assert not failed(service, filters), service["id"]
            assert reference.matches_filter("thematiques", [barrier["frein"]], service, None)
        _check_order(barrier["items"], expected, profile)
        for near in barrier["presque"]:
            service = SERVICES_BY_ID[near["service"]["id"]]
            assert reference.matches_filter("thematiques", [barrier["frein"]], service, None)
            missing = {criterion["critere"] for criterion in near["manque"]}
            assert missing == failed(service, filters), service["id"]
            assert 1 <= len(missing) <= 2


def _speaks(service: dict, profile: dict) -> bool:
    return bool(set(profile.get("langues", [])) & set(service.get("langues_parlees") or []))


def _check_order(items: list[dict], expected: list[dict], profile: dict) -> None:
    """Her languages first (as many as exist), then by distance within each group."""
    speaking = [_speaks(SERVICES_BY_ID[item["service"]["id"]], profile) for item in items]
    available = sum(_speaks(service, profile) for service in expected)
    assert speaking == sorted(speaking, reverse=True)
    assert sum(speaking) == min(available, len(items))
    if "lat" not in profile:
        return
    for group in (True, False):
        distances = [
            item["distance"] if item["distance"] is not None else float("inf")
            for item, speaks in zip(items, speaking, strict=True)
            if speaks is group
        ]
        assert distances == sorted(distances)


def test_reasons_name_the_criteria_met(client):
    profile = {"freins": ["lecture-ecriture-calcul"], "niveau": "A1", "age": 30, "langues": ["ar"]}
    profile |= {"lat": POINT[0], "lon": POINT[1], "rayon_km": 4}
    for barrier in ask(client, profile)["freins"]:
        for item in barrier["items"]:
            reasons = {r["critere"]: r["texte"] for r in item["raisons"]}
            assert reasons["niveau"] == "accepte A1"
            assert reasons["age"] == "accepte 30 ans"
            assert reasons["rayon_km"].startswith("à ")
            service = SERVICES_BY_ID[item["service"]["id"]]
            assert ("langues" in reasons) == ("ar" in (service.get("langues_parlees") or []))
