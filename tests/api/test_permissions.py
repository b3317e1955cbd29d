"""The permission matrix of writes through the API: role × action × own / other structure.

Every refused case answers 401/403 and changes nothing in the database. A signed-in browser's
writes need the session's CSRF token in an X-CSRFToken header; HTTP Basic calls do not.
"""

import base64

import pytest

from directory.extensions import db
from directory.models import AuditEntry, Membership, Service, Structure
from directory.services.accounts import create_user, find_user
from tests.admin.pages import csrf_token, sign_in
from tests.factories import service, structure

PASSWORD = "un mot de passe solide"
USERS = {"admin": "admin", "editeur": "editor", "lecteur": "reader", "orienteur": "orienteur"}


@pytest.fixture
def backend() -> str:
    """Permissions do not depend on the search backend (search: tests/search)."""
    return "embedded"


@pytest.fixture
def directory(app, load):
    load(
        [structure("a", nom="Structure A"), structure("b", nom="Structure B")],
        [service("svc-a", "a"), service("svc-b", "b")],
    )
    with app.app_context():
        for name, role in USERS.items():
            create_user(f"{name}@exemple.fr", PASSWORD, role)
        # Both members of A: the editor edits its listings, the orienteur only orients from it.
        for member in ("editeur", "orienteur"):
            user = find_user(f"{member}@exemple.fr")
            db.session.add(Membership(user_id=user.id, structure_id="a"))
        db.session.commit()
    return app


def headers(user: str | None) -> dict:
    if user is None:
        return {}
    token = base64.b64encode(f"{user}@exemple.fr:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def revision(app, model, listing_id) -> int:
    with app.app_context():
        return db.session.get(model, listing_id).revision


def snapshot(app) -> tuple:
    with app.app_context():
        services = [
            (s.id, s.revision, s.nom, s.statut_publication, s.verifie_le)
            for s in db.session.query(Service).order_by(Service.id)
        ]
        structures = [
            (s.id, s.revision, s.nom, s.approuvee)
            for s in db.session.query(Structure).order_by(Structure.id)
        ]
        return services, structures, db.session.query(AuditEntry).count()


def act(client, app, action: str, target: str, user: str | None):
    """Perform one write on structure `target` ("a" or "b") as `user`."""
    service_id, auth = f"svc-{target}", headers(user)
    if action == "modifier-service":
        body = {"nom": "Nouveau nom", "revision": revision(app, Service, service_id)}
        return client.patch(f"/api/v1/services/{service_id}", json=body, headers=auth)
    if action == "archiver-service":
        body = {"statut_publication": "archive", "revision": revision(app, Service, service_id)}
        return client.patch(f"/api/v1/services/{service_id}", json=body, headers=auth)
    if action == "creer-service":
        body = {"nom": "Nouvel atelier", "description": "Un atelier tout neuf pour tous."}
        return client.post(f"/api/v1/structures/{target}/services", json=body, headers=auth)
    if action == "dupliquer-service":
        return client.post(f"/api/v1/services/{service_id}/duplicate", headers=auth)
    if action == "verifier-service":
        return client.post(f"/api/v1/services/{service_id}/verify", headers=auth)
    if action == "modifier-structure":
        body = {"nom": "Structure renommée", "revision": revision(app, Structure, target)}
        return client.patch(f"/api/v1/structures/{target}", json=body, headers=auth)
    if action == "approuver-structure":
        return client.post(f"/api/v1/structures/{target}/approve", headers=auth)
    raise AssertionError(action)


EDITOR_ACTIONS = [
    "modifier-service",
    "archiver-service",
    "creer-service",
    "dupliquer-service",
    "verifier-service",
    "modifier-structure",
]
ACTIONS = [*EDITOR_ACTIONS, "approuver-structure"]


def expected_status(user: str | None, action: str, target: str) -> int:
    if user is None:
        return 401
    if user == "admin":
        return 2
    if user == "editeur" and target == "a" and action in EDITOR_ACTIONS:
        return 2
    return 403


@pytest.mark.parametrize("target", ["a", "b"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("user", [None, "lecteur", "orienteur", "editeur", "admin"])
def test_permission_matrix(directory, client, user, action, target):
    before = snapshot(directory)
    response = act(client, directory, action, target, user)
    expected = expected_status(user, action, target)
    if expected == 2:
        assert response.status_code in (200, 201), response.get_json()
        assert snapshot(directory) != before or action == "approuver-structure"
    else:
        assert response.status_code == expected, response.get_json()
        assert response.get_json()["message"]
        assert snapshot(directory) == before


def test_stale_revision_is_refused_with_the_other_changes(directory, client):
    stale = revision(directory, Service, "svc-a")
    first = client.patch(
        "/api/v1/services/svc-a",
        headers=headers("admin"),
        json={"nom": "Premier nom", "revision": stale},
    )
    assert first.status_code == 200 and first.get_json()["revision"] == stale + 1
    second = client.patch(
        "/api/v1/services/svc-a",
        headers=headers("editeur"),
        json={"nom": "Second nom", "revision": stale},
    )
    assert second.status_code == 409
    body = second.get_json()
    assert body["revision"] == stale + 1
    assert {"par": "admin@exemple.fr", "champ": "nom", "apres": "Premier nom"}.items() <= body[
        "changes"
    ][0].items()
    with directory.app_context():
        assert db.session.get(Service, "svc-a").nom == "Premier nom"


def test_invalid_edit_names_the_field_and_changes_nothing(directory, client):
    before = snapshot(directory)
    response = client.patch(
        "/api/v1/services/svc-a",
        headers=headers("editeur"),
        json={"niveau_francais_min": "Z9", "revision": revision(directory, Service, "svc-a")},
    )
    assert response.status_code == 400
    assert "niveau_francais_min" in response.get_json()["errors"]
    assert snapshot(directory) == before


def test_editor_structure_waits_for_approval(directory, client):
    created = client.post(
        "/api/v1/structures",
        headers=headers("editeur"),
        json={"nom": "Nouvelle association", "id": "nouvelle"},
    )
    assert created.status_code == 201
    assert client.get("/api/v1/structures/nouvelle").status_code == 404
    approved = client.post("/api/v1/structures/nouvelle/approve", headers=headers("admin"))
    assert approved.status_code == 200
    assert client.get("/api/v1/structures/nouvelle").status_code == 200


def test_writes_need_json(directory, client):
    response = client.patch(
        "/api/v1/services/svc-a",
        headers=headers("admin"),
        data="nom=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415


def signed_in_browser(app, user: str):
    """A browser signed in on the admin pages, with the session's CSRF token of their forms."""
    browser = app.test_client()
    assert sign_in(browser, f"{user}@exemple.fr", PASSWORD).status_code == 302
    return browser, csrf_token(browser, "/admin/")


@pytest.mark.parametrize("action", ACTIONS)
def test_a_session_write_without_the_csrf_header_is_refused(directory, action):
    """What a page of another site could make a signed-in browser send: the cookie alone."""
    browser, _token = signed_in_browser(directory, "admin")
    before = snapshot(directory)
    response = act(browser, directory, action, "a", None)
    assert response.status_code == 403
    assert "X-CSRFToken" in response.get_json()["message"]
    assert snapshot(directory) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_session_write_with_the_csrf_header_goes_through(directory, action):
    browser, token = signed_in_browser(directory, "admin")
    browser.environ_base["HTTP_X_CSRFTOKEN"] = token
    response = act(browser, directory, action, "a", None)
    assert response.status_code in (200, 201), response.get_json()


def test_a_forged_csrf_header_is_refused(directory):
    browser, _token = signed_in_browser(directory, "editeur")
    response = browser.post("/api/v1/services/svc-a/verify", headers={"X-CSRFToken": "forgé"})
    assert response.status_code == 403
