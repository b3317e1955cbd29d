"""Text longer than its column: PostgreSQL refuses it where SQLite stores it whole, so the
application checks it first — a clear answer, never a server error, on either database."""

from directory.models import User
from tests.admin.pages import csrf_token, sign_in

TOO_LONG = "a" * 400 + "@exemple.fr"  # users.email and login_attempts.email: 320


def test_signing_in_with_a_too_long_address_is_a_plain_failure(client):
    response = sign_in(client, TOO_LONG)
    assert response.status_code == 401
    assert "incorrect" in response.get_data(as_text=True)


def test_a_reset_asked_for_a_too_long_address_is_answered_as_any_other(client):
    token = csrf_token(client, "/admin/mot-de-passe-oublie")
    response = client.post(
        "/admin/mot-de-passe-oublie", data={"email": TOO_LONG, "csrf_token": token}
    )
    assert response.status_code < 500, response.status_code


def test_an_account_with_a_too_long_address_or_name_is_refused_by_name(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", TOO_LONG, "--password", "x" * 12])
    assert result.exit_code == 1 and "email : Adresse électronique invalide." in result.output
    result = runner.invoke(
        args=["users", "create", "a@exemple.fr", "--nom", "N" * 201, "--password", "x" * 12]
    )
    assert result.exit_code == 1 and "nom : 200 caractères au plus." in result.output
    with app.app_context():
        assert User.query.count() == 0
