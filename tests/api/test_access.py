"""DIRECTORY_PUBLIC_SEARCH=false: the directory answers signed-in accounts only."""

import pytest

from directory.services.accounts import create_user
from tests.admin.pages import sign_in


@pytest.fixture
def private_app(app):
    app.config["PUBLIC_SEARCH"] = False
    return app


@pytest.mark.parametrize("path", ["/api/v1/search/services", "/api/v1/structures", "/"])
def test_anonymous_visitors_are_refused(private_app, path):
    response = private_app.test_client().get(path)
    assert response.status_code == 401


def test_unknown_api_address_answers_json(client):
    response = client.get("/api/v1/nulle-part")
    assert response.status_code == 404 and response.get_json()["message"]


def test_a_reader_account_may_search(private_app):
    with private_app.app_context():
        create_user("auditrice@ofii.fr", "un mot de passe solide", "reader")
    client = private_app.test_client()
    assert sign_in(client, "auditrice@ofii.fr", "un mot de passe solide").status_code == 302
    assert client.get("/api/v1/search/services").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/static/dsfr/dsfr.min.css").status_code in (200, 404)
