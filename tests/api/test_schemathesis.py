"""Property-based runs of the whole API from its OpenAPI document, writes included (as a
coordinator, in HTTP Basic): no 500, answers as documented.

Every test run makes 150 cases per operation through WSGI. `make fuzz` is the opt-in run of
issue 9 against the production server (gunicorn, over HTTP): DIRECTORY_FUZZ_EXAMPLES cases
per operation (1,000 there), the count of each printed at the end.
"""

import base64
import json
import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
)

from directory import create_app
from directory.extensions import db
from directory.services import accounts
from directory.services.indexing import search_backend
from tests.ban_server import unused_port_url
from tests.search.dataset import make_dataset
from tests.test_production_server import prepared_app, server_environment, serving

ADMIN, PASSWORD = "fuzz@exemple.fr", "un mot de passe solide"
# Cheap password hashing; no request reaches the Internet (the BAN, for addresses).
SETTINGS = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8192, "BAN_URL": unused_port_url()}
HEADERS = {
    # Writes go through, as a coordinator's script would send them.
    "Authorization": "Basic " + base64.b64encode(f"{ADMIN}:{PASSWORD}".encode()).decode(),
    # Its WSGI client does not decompress: the answers are asked for as they are (the
    # compressed ones are checked in test_lean_answers.py).
    "Accept-Encoding": "identity",
}
FUZZ_EXAMPLES = int(os.environ.get("DIRECTORY_FUZZ_EXAMPLES", "0"))


def fill(app, folder) -> None:
    """The sample of the search tests (40 services), imported, and a coordinator."""
    structures, services = make_dataset(seed=7, service_count=40)
    data = folder / "data.json"
    data.write_text(json.dumps({"structures": structures, "services": services}))
    assert app.test_cli_runner().invoke(args=["import", str(data)]).exit_code == 0
    with app.app_context():
        accounts.create_user(ADMIN, PASSWORD, "admin")


# Checks left out. OpenAPI cannot say "lat needs lon" or "sort=distance needs a point": those
# schema-valid requests rightly get a 400. Nor that texts are stripped before their length is
# checked ("  x" is "x", "" is null): such schema-invalid bodies are rightly accepted. And
# HEADERS always send the credentials that one check drops (refusals: test_permissions.py).
LEFT_OUT = [positive_data_acceptance, negative_data_rejection, ignored_auth]


def call(case) -> None:
    case.call_and_validate(headers=HEADERS, excluded_checks=LEFT_OUT)


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}",
            **SETTINGS,
        }
    )
    with app.app_context():
        db.create_all()
        search_backend().create_schema()
    fill(app, folder)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case):
    call(case)


CASES: Counter = Counter()


@pytest.fixture(scope="module")
def live_schema(tmp_path_factory, request):
    """The production server on a sample directory; prints the cases made per operation."""
    if not FUZZ_EXAMPLES:
        pytest.skip("opt-in: make fuzz (DIRECTORY_FUZZ_EXAMPLES cases per operation)")
    folder = tmp_path_factory.mktemp("fuzz")
    app = prepared_app(folder, request)
    fill(app, folder)
    variables = {f"DIRECTORY_{key}": str(value) for key, value in SETTINGS.items()}
    with serving(server_environment(app, **variables), folder / "stderr.log") as server:
        yield schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    print(f"\nCases per operation (DIRECTORY_FUZZ_EXAMPLES={FUZZ_EXAMPLES}):")
    for operation, count in sorted(CASES.items()):
        print(f"  {count:6}  {operation}")


live = schemathesis.pytest.from_fixture("live_schema")


@live.parametrize()
@settings(
    max_examples=max(FUZZ_EXAMPLES, 1),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_fuzzing_the_production_server_finds_no_server_error(case):
    """No 5xx, and every answer's body as documented; the status codes themselves are not
    checked here: gunicorn answers 414 past a 4 KB request line, before the application."""
    CASES[f"{case.operation.method.upper()} {case.operation.path}"] += 1
    case.call_and_validate(
        headers=HEADERS, checks=[not_a_server_error, response_schema_conformance]
    )
