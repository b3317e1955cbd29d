"""API tokens (`directory tokens …`, `Authorization: Bearer …`): reads when search is not
public, writes with the permissions of the token's account, revocation, last use."""

import pytest

from directory.extensions import db
from directory.models import ApiToken, Service
from tests.api.test_permissions import directory, revision, snapshot  # noqa: F401  (fixture)


@pytest.fixture
def backend() -> str:
    """Tokens do not depend on the search backend."""
    return "embedded"


@pytest.fixture
def private(directory):  # noqa: F811
    """The directory of test_permissions (structures a and b), search not public."""
    directory.config["PUBLIC_SEARCH"] = False
    return directory


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["tokens", *args])
    assert result.exit_code == 0, result.output
    return result.output


def new_token(app, user: str, label: str = "script") -> str:
    """A token of `user`@exemple.fr, as `directory tokens create` prints it (last line)."""
    return run(app, "create", f"{user}@exemple.fr", "--label", label).splitlines()[-1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def rename(client, app, service_id: str, token: str):
    body = {"nom": "Renommé par un script", "revision": revision(app, Service, service_id)}
    return client.patch(f"/api/v1/services/{service_id}", json=body, headers=bearer(token))


def test_a_token_reads_when_search_is_not_public(private, client):
    token = new_token(private, "lecteur")
    assert client.get("/api/v1/search/services").status_code == 401
    response = client.get("/api/v1/search/services", headers=bearer(token))
    assert response.status_code == 200
    assert {item["service"]["id"] for item in response.get_json()["items"]} == {"svc-a", "svc-b"}
    assert client.get("/api/v1/services/svc-a", headers=bearer(token)).status_code == 200


def test_an_unknown_token_is_refused_even_where_search_is_public(directory, client):  # noqa: F811
    new_token(directory, "admin")
    unknown = bearer("pas-un-jeton-de-cet-annuaire")
    response = client.get("/api/v1/search/services", headers=unknown)
    assert response.status_code == 401
    assert response.get_json()["message"] == "Jeton d'API inconnu ou révoqué."
    before = snapshot(directory)
    assert rename(client, directory, "svc-a", "pas-un-jeton-de-cet-annuaire").status_code == 401
    assert snapshot(directory) == before


def test_a_revoked_token_is_refused(private, client):
    token = new_token(private, "editeur")
    assert client.get("/api/v1/search/services", headers=bearer(token)).status_code == 200
    token_id = run(private, "list", "editeur@exemple.fr").split("\t")[0]
    assert "révoqué" in run(private, "revoke", token_id)
    assert client.get("/api/v1/search/services", headers=bearer(token)).status_code == 401
    before = snapshot(private)
    assert rename(client, private, "svc-a", token).status_code == 401
    assert snapshot(private) == before
    assert "(révoqué)" in run(private, "list")


def test_a_token_writes_with_its_account_permissions(private, client):
    reader, editor = new_token(private, "lecteur"), new_token(private, "editeur")
    before = snapshot(private)
    assert rename(client, private, "svc-a", reader).status_code == 403
    # The editor is a member of structure a only.
    assert rename(client, private, "svc-b", editor).status_code == 403
    assert snapshot(private) == before
    response = rename(client, private, "svc-a", editor)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["nom"] == "Renommé par un script"


def test_the_token_is_stored_hashed_and_its_last_use_recorded(private, client):
    token = new_token(private, "lecteur", "tableau de bord")
    assert "jamais utilisé" in run(private, "list")
    with private.app_context():
        row = db.session.query(ApiToken).one()
        assert token not in (row.token_hash, row.label) and len(row.token_hash) == 64
        assert row.last_used_at is None
    client.get("/api/v1/search/services", headers=bearer(token))
    with private.app_context():
        used = db.session.query(ApiToken).one().last_used_at
    assert used is not None
    assert f"{used:%Y-%m-%d %H:%M}" in run(private, "list", "lecteur@exemple.fr")


def test_a_token_needs_an_account_and_a_label(directory):  # noqa: F811
    runner = directory.test_cli_runner()
    unknown = runner.invoke(args=["tokens", "create", "personne@exemple.fr", "--label", "x"])
    assert unknown.exit_code != 0 and "Aucun compte" in unknown.output
    blank = runner.invoke(args=["tokens", "create", "admin@exemple.fr", "--label", " "])
    assert blank.exit_code != 0 and "Entre 1 et 200 caractères" in blank.output
    missing = runner.invoke(args=["tokens", "revoke", "99"])
    assert missing.exit_code != 0 and "Aucun jeton n° 99" in missing.output
