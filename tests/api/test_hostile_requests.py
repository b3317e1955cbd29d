"""Hostile API requests (issue 9): each answers 400 or 409 with a message naming the field or
the problem — never 500 — and changes nothing."""

import base64
from datetime import date

import pytest
from sqlalchemy.orm import Session

from directory.extensions import db
from directory.models import Membership, Service, Structure
from directory.search.filters import FILTERS, SINGLE_VALUED, TERMS
from directory.services import editing
from directory.services.accounts import create_user
from tests.factories import service, structure

PASSWORD = "un mot de passe solide"
SEARCH = "/api/v1/search/services"


@pytest.fixture
def backend() -> str:
    """Input is checked before any search is made."""
    return "embedded"


@pytest.fixture
def directory(app, load):
    load([structure("a", nom="Structure A")], [service("svc-a", "a")])
    with app.app_context():
        create_user("admin@exemple.fr", PASSWORD, "admin")
        editor = create_user("editeur@exemple.fr", PASSWORD, "editor")
        db.session.add(Membership(user_id=editor.id, structure_id="a"))
        db.session.commit()
    return app


def basic(user: str = "admin") -> dict:
    token = base64.b64encode(f"{user}@exemple.fr:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def rows(app) -> list[tuple]:
    with app.app_context():
        return [
            (listing.id, listing.revision, listing.nom)
            for model in (Structure, Service)
            for listing in db.session.query(model).order_by(model.id)
        ]


def send_json(client, method: str, url: str, body: bytes, user: str = "admin"):
    return client.open(
        url, method=method, data=body, content_type="application/json", headers=basic(user)
    )


def revision_of(app) -> int:
    with app.app_context():
        return db.session.get(Service, "svc-a").revision


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "imbriqué sur plus de 20 niveaux"),
        (b'{"nom": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001, "imbriqué"),
        (b'{"revision": ' + b"9" * 5_000 + b"}", "nombre de plus de 15 chiffres"),
        (b'{"revision": 1, "latitude": 1' + b"0" * 15 + b"}", "nombre de plus de 15 chiffres"),
        (b'{"revision": 1e999}', "nombre de plus de 15 chiffres"),
        (b'{"revision": 1} trailing', "JSON invalide"),
        (b"", "JSON invalide"),
        (b"\xff\xfe{}", "JSON invalide"),
        (b"[1, 2]", "Objet JSON attendu"),
    ],
    ids=[
        "deep-list",
        "deep-object",
        "5000-digits",
        "16-digits",
        "overflow",
        "garbage",
        "empty",
        "not-utf8",
        "array",
    ],
)
def test_a_hostile_body_is_refused_with_its_problem(directory, client, body, problem):
    before = rows(directory)
    response = send_json(client, "PATCH", "/api/v1/services/svc-a", body)
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    assert problem in response.get_json()["message"]
    assert rows(directory) == before


@pytest.mark.parametrize("revision", ["true", "1.5", "null", '"1"', "[1]"])
def test_a_revision_that_is_not_a_whole_number_is_refused(directory, client, revision):
    before = rows(directory)
    body = f'{{"revision": {revision}, "nom": "Nouveau nom"}}'.encode()
    response = send_json(client, "PATCH", "/api/v1/services/svc-a", body)
    assert response.status_code == 400
    assert list(response.get_json()["errors"]) == ["revision"]
    assert rows(directory) == before


def test_an_editor_sending_an_unknown_field_is_told_its_name(directory, client):
    body = f'{{"revision": {revision_of(directory)}, "inconnu": 1}}'.encode()
    response = send_json(client, "PATCH", "/api/v1/services/svc-a", body, user="editeur")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"inconnu": ["Champ inconnu."]}


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/structures", structure("a", nom="Doublon")),
        ("/api/v1/structures/a/services", service("svc-a", "a", nom="Doublon")),
    ],
    ids=["structure", "service"],
)
def test_creating_with_an_existing_id_is_a_conflict_naming_it(directory, client, url, body):
    before = rows(directory)
    response = client.post(url, json=body, headers=basic())
    assert response.status_code == 409
    errors = response.get_json()["errors"]
    assert list(errors) == ["id"] and f"« {body['id']} »" in errors["id"][0]
    assert rows(directory) == before


def test_creating_without_an_id_makes_one_from_the_name(directory, client):
    """The API's documented choice: the id is optional on creation (openapi: NewService)."""
    body = service("ignore", "a", nom="Atelier numérique")
    del body["id"]
    response = client.post("/api/v1/structures/a/services", json=body, headers=basic())
    assert response.status_code == 201
    assert response.get_json()["id"].startswith("a--atelier-numerique-")
    document = client.get("/api/v1/openapi.json").get_json()
    new_service = document["components"]["schemas"]["NewService"]
    assert "id" not in new_service["required"] and "nom" in new_service["required"]


@pytest.mark.parametrize(
    "link",
    [
        'https://exemple.fr/"onmouseover="x',
        "https://exemple.fr/<script>",
        "https://exemple.fr/a b",
        "https://exemple.fr/a>b",
        "javascript:alert(1)",
        "ftp://exemple.fr/",
    ],
)
def test_a_url_outside_http_and_rfc_3986_is_refused(directory, client, link):
    body = {"revision": revision_of(directory), "lien_mobilisation": link}
    response = client.patch("/api/v1/services/svc-a", json=body, headers=basic())
    assert response.status_code == 400
    assert list(response.get_json()["errors"]) == ["lien_mobilisation"]


def test_a_plain_url_is_still_accepted(directory, client):
    body = {"revision": revision_of(directory), "lien_mobilisation": "https://exemple.fr/a?b=1#c"}
    assert client.patch("/api/v1/services/svc-a", json=body, headers=basic()).status_code == 200


@pytest.mark.parametrize("page", ["²", "٣x", "9" * 5_000, "-1", "0", "1.0", ""])
def test_a_page_number_that_is_not_one_is_refused(directory, client, page):
    response = client.get("/api/v1/structures", query_string={"page": page})
    assert response.status_code == 400
    assert list(response.get_json()["errors"]) == ["page"]


MULTI_VALUED = [f.name for f in FILTERS if f.kind == TERMS and f.name not in SINGLE_VALUED]


@pytest.mark.parametrize("name", MULTI_VALUED)
def test_past_the_cap_of_filter_values_a_search_is_refused_naming_the_filter(
    directory, client, name
):
    cap = directory.config["SEARCH_MAX_FILTER_VALUES"]
    response = client.get(SEARCH, query_string=[(name, "x")] * (cap + 1))
    assert response.status_code == 400
    assert list(response.get_json()["errors"]) == [name]
    assert f"{cap + 1} valeurs" in response.get_json()["errors"][name][0]


def test_the_cap_counts_the_values_of_every_filter_together(directory, client):
    cap = directory.config["SEARCH_MAX_FILTER_VALUES"]
    arrondissements = [("arrondissement", str(1 + n % 20)) for n in range(cap // 2)]
    structures = [("structure", "a")] * (cap - len(arrondissements))
    assert client.get(SEARCH, query_string=arrondissements + structures).status_code == 200
    response = client.get(SEARCH, query_string=[*arrondissements, *structures, ("langues", "fr")])
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"arrondissement", "structure", "langues"}


def test_the_cap_is_a_setting(directory, client):
    directory.config["SEARCH_MAX_FILTER_VALUES"] = 2
    assert client.get(SEARCH, query_string=[("structure", "a")] * 2).status_code == 200
    assert client.get(SEARCH, query_string=[("structure", "a")] * 3).status_code == 400


@pytest.mark.parametrize(
    ("url", "new_id"),
    [
        ("/api/v1/structures/a", "b"),  # a free id: services still point to "a"
        ("/api/v1/services/svc-a", "svc-b"),
    ],
    ids=["structure", "service"],
)
def test_an_edit_cannot_change_the_id(directory, client, url, new_id):
    with directory.app_context():
        listing = db.session.get(Structure if "structures" in url else Service, url.rsplit("/")[-1])
        revision = listing.revision
    before = rows(directory)
    response = client.patch(url, json={"revision": revision, "id": new_id}, headers=basic())
    assert response.status_code == 400
    assert list(response.get_json()["errors"]) == ["id"]
    assert rows(directory) == before


@pytest.mark.parametrize(
    ("url", "body", "model"),
    [
        ("/api/v1/structures", structure("b", nom="Nouvelle"), Structure),
        ("/api/v1/structures/a/services", service("svc-b", "a", nom="Nouveau"), Service),
    ],
    ids=["structure", "service"],
)
def test_an_id_taken_between_the_check_and_the_save_is_a_conflict(
    directory, client, monkeypatch, url, body, model
):
    """Two creations with the same id at once: the second to save gets the 409, not a 500."""
    checked = editing._require_new_id

    def checked_then_taken(checked_model, listing_id: str) -> None:
        checked(checked_model, listing_id)
        monkeypatch.setattr(editing, "_require_new_id", checked)
        _saved_by_another_request(model, listing_id)

    monkeypatch.setattr(editing, "_require_new_id", checked_then_taken)
    response = client.post(url, json=body, headers=basic())
    assert response.status_code == 409, response.get_data(as_text=True)
    assert f"« {body['id']} »" in response.get_json()["errors"]["id"][0]


def _saved_by_another_request(model, listing_id: str) -> None:
    fields = {"id": listing_id, "source": "tests", "nom": "Arrivée avant", "date_maj": date.today()}
    if model is Service:
        fields["structure_id"] = "a"
    with Session(db.engine) as other:
        other.add(model(**fields))
        other.commit()
