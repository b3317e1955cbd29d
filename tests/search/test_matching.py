"""failed_filters answers, for one document, what the backends answer for all: checked
against the search API on the random directory of the semantics suite."""

import random

import pytest
from werkzeug.datastructures import MultiDict

from directory.extensions import db
from directory.models import Service
from directory.schemas.search import parse_search_args
from directory.search.documents import build_document
from directory.search.matching import failed_filters
from tests.search.test_semantics import CANDIDATES, POINT, SERVICES, STRUCTURES

FILTERS = ("niveau", "statut", "arrondissement", "publics", "rqth", "langues", "age", "geo")


@pytest.fixture
def loaded(load):
    load(STRUCTURES, SERVICES)


def random_args(rng: random.Random) -> list[tuple[str, str]]:
    args = []
    for name in rng.sample(FILTERS, rng.randint(1, 4)):
        if name == "age":
            args.append(("age", str(rng.choice([17, 25, 30, 70]))))
        elif name == "geo":
            args += [("lat", str(POINT[0])), ("lon", str(POINT[1])), ("rayon_km", "3")]
        elif name == "rqth":
            args.append(("rqth", rng.choice(["true", "false"])))
        else:
            args.append((name, str(rng.choice(CANDIDATES[name]))))
    if rng.random() < 0.3:
        args.append(("publics_dedies", "true"))
    return args


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("seed", range(15))
def test_a_document_fails_no_filter_exactly_when_the_search_finds_it(app, client, seed):
    args = random_args(random.Random(seed))
    found = client.get("/api/v1/search/services", query_string=[*args, ("size", "100")])
    found_ids = {item["service"]["id"] for item in found.get_json()["items"]}
    with app.test_request_context():
        query = parse_search_args(MultiDict(args))
        for service in db.session.scalars(db.select(Service)):
            if not service.is_visible:
                continue
            passes = not failed_filters(build_document(service, with_text=False), query)
            assert passes == (service.id in found_ids), (service.id, args)
