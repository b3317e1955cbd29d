"""Every filter, facet, sort and page of /api/v1/search/services against DESIGN.md §3.

The data are random (seeded) and imported through `directory import`; the expected
answers come from tests/search/reference.py, a plain reading of the specification.
"""

import random

import pytest

from directory import referentials as ref
from directory.search.query import TERM_FILTERS
from tests.conftest import BACKENDS, imported_client

from . import reference
from .dataset import LANGUAGES, make_dataset

SEED = 20261127
STRUCTURES, SERVICES = make_dataset(SEED)
STRUCTURES_BY_ID = {s["id"]: s for s in STRUCTURES}
POINT = (48.8566, 2.3522)

CANDIDATES = {
    "thematiques": [*ref.CATEGORIES, *ref.THEMATIQUES],
    "arrondissement": list(range(1, 21)),
    "niveau": list(ref.NIVEAUX_FRANCAIS),
    "statut": list(ref.STATUTS_SEJOUR),
    "publics": list(ref.PUBLICS),
    "frais": list(ref.FRAIS),
    "modes_accueil": list(ref.MODES_ACCUEIL),
    "types": list(ref.TYPES),
    "langues": ["fr", *LANGUAGES],
    "structure": [s["id"] for s in STRUCTURES],
    "signataire": [True, False],
    "rqth": [True, False],
}
SINGLE_VALUED = {"signataire", "rqth", "age", "geo", "publics_dedies"}


@pytest.fixture(scope="module", params=BACKENDS)
def client(tmp_path_factory, request):
    return imported_client(tmp_path_factory, request, STRUCTURES, SERVICES)


def random_filter(rng: random.Random, name: str):
    if name == "age":
        return rng.choice([10, 17, 22, 25, 26, 30, 55, 70])
    if name == "geo":
        return (*POINT, rng.choice([1.0, 2.5, 4.0, 6.0]))
    if name == "publics_dedies":
        return rng.choice([True, True, False])
    values = CANDIDATES[name]
    if name in SINGLE_VALUED:
        return rng.choice(values)
    return rng.sample(values, rng.choice([1, 1, 2]))


def query_string(filters: dict) -> list[tuple[str, str]]:
    params = []
    for name, values in filters.items():
        if name == "geo":
            params += [
                ("lat", str(values[0])),
                ("lon", str(values[1])),
                ("rayon_km", str(values[2])),
            ]
        elif isinstance(values, bool):
            params.append((name, "true" if values else "false"))
        elif isinstance(values, list):
            params += [(name, str(value)) for value in values]
        else:
            params.append((name, str(values)))
    return params


def fetch_all(client, params, size=7):
    """Every page of a search; returns (items, first page body)."""
    items, page, first = [], 1, None
    while True:
        response = client.get(
            "/api/v1/search/services", query_string=[*params, ("page", page), ("size", size)]
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        first = first or body
        assert body["total"] == first["total"] and body["pages"] == -(-body["total"] // size)
        items += body["items"]
        if page >= body["pages"]:
            return items, first
        page += 1


def assert_same_results(items, expected):
    assert [item["service"]["id"] for item in items] == [service_id for service_id, _ in expected]
    for item, (_, distance) in zip(items, expected, strict=True):
        assert item["distance"] == (None if distance is None else pytest.approx(distance, abs=1e-3))


def expected_facets(filters: dict) -> dict[str, dict[str, int]]:
    facets = {}
    for field in TERM_FILTERS:
        others = {name: values for name, values in filters.items() if name != field}
        counts = {}
        for value in CANDIDATES[field]:
            single = value if field in SINGLE_VALUED else [value]
            count = len(reference.search(SERVICES, STRUCTURES_BY_ID, {**others, field: single}))
            selected = field in filters and (
                value == filters[field] if field in SINGLE_VALUED else value in filters[field]
            )
            if count or selected:
                counts[_facet_value(value)] = count
        facets[field] = counts
    return facets


def _facet_value(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def check(client, filters: dict, sort: str = "nom", point=None):
    params = [*query_string(filters), ("sort", sort)]
    if point and "geo" not in filters:
        params += [("lat", str(point[0])), ("lon", str(point[1]))]
    point = point or (filters["geo"][:2] if "geo" in filters else None)
    items, body = fetch_all(client, params)
    expected = reference.search(SERVICES, STRUCTURES_BY_ID, filters, point=point, sort=sort)
    assert_same_results(items, expected)
    actual_facets = {
        field: {v["value"]: v["count"] for v in values} for field, values in body["facets"].items()
    }
    assert actual_facets == expected_facets(filters)


FILTER_NAMES = [*CANDIDATES, "age", "geo", "publics_dedies"]


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_each_filter_alone(client, name):
    rng = random.Random(f"{SEED}-{name}")
    for _ in range(4):
        check(client, {name: random_filter(rng, name)})


@pytest.mark.parametrize("combination", range(30))
def test_filters_combined(client, combination):
    rng = random.Random(f"{SEED}-combined-{combination}")
    names = rng.sample(FILTER_NAMES, rng.randint(2, 4))
    check(client, {name: random_filter(rng, name) for name in names})


@pytest.mark.parametrize("combination", range(16))
def test_dedicated_publics_with_publics_rqth_and_other_filters(client, combination):
    rng = random.Random(f"{SEED}-dedicated-{combination}")
    filters = {"publics_dedies": True}
    for name in rng.sample(["publics", "rqth"], rng.randint(1, 2)):
        filters[name] = random_filter(rng, name)
    others = [name for name in FILTER_NAMES if name not in ("publics", "rqth", "publics_dedies")]
    for name in rng.sample(others, rng.randint(0, 2)):
        filters[name] = random_filter(rng, name)
    check(client, filters)


def test_no_filter_lists_every_visible_service(client):
    items, body = fetch_all(client, [])
    visible = [s for s in SERVICES if reference.visible(s, STRUCTURES_BY_ID)]
    assert body["total"] == len(visible) < len(SERVICES)
    assert {item["service"]["id"] for item in items} == {s["id"] for s in visible}


@pytest.mark.parametrize("sort", ["nom", "date_maj"])
def test_sorts(client, sort):
    check(client, {"langues": ["fr"]}, sort=sort)


def test_distance_sort_puts_remote_services_last(client):
    check(client, {}, sort="distance", point=POINT)
    items, _ = fetch_all(client, [("lat", POINT[0]), ("lon", POINT[1])])
    distances = [item["distance"] for item in items]
    located = [d for d in distances if d is not None]
    assert located == sorted(located) and distances[: len(located)] == located
