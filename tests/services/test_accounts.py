"""Accounts: throttled logins per account and per address, one-time reset links."""

from datetime import timedelta

import pytest
from marshmallow import ValidationError

from directory.extensions import db
from directory.models import LoginAttempt, PasswordResetToken
from directory.services import accounts

PASSWORD = "un mot de passe solide"


@pytest.fixture
def owner(app):
    with app.app_context():
        accounts.create_user("Editrice@Exemple.fr", PASSWORD, "editor")
    return "editrice@exemple.fr"


def fail(email, address="10.0.0.1", times=1):
    for _ in range(times):
        with pytest.raises(accounts.InvalidCredentials):
            accounts.authenticate(email, "mauvais mot de passe", address)


def age_attempts(seconds: int) -> None:
    for attempt in db.session.query(LoginAttempt):
        attempt.at -= timedelta(seconds=seconds)
    db.session.commit()


def test_login_with_the_right_password(app, owner):
    with app.app_context():
        assert accounts.authenticate("EDITRICE@exemple.fr ", PASSWORD, "10.0.0.1").email == owner


def test_account_is_throttled_after_five_failures_then_free_after_the_window(app, owner):
    with app.app_context():
        fail(owner, times=5)
        with pytest.raises(accounts.LoginThrottled) as throttled:
            accounts.authenticate(owner, PASSWORD, "10.0.0.2")
        assert 0 < throttled.value.retry_after <= app.config["LOGIN_WINDOW_SECONDS"]
        age_attempts(app.config["LOGIN_WINDOW_SECONDS"] + 1)
        assert accounts.authenticate(owner, PASSWORD, "10.0.0.2").email == owner


def test_an_address_is_throttled_across_accounts(app, owner):
    with app.app_context():
        for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
            fail(f"inconnu{n}@exemple.fr", address="192.0.2.7")
        with pytest.raises(accounts.LoginThrottled):
            accounts.authenticate(owner, PASSWORD, "192.0.2.7")
        assert accounts.authenticate(owner, PASSWORD, "192.0.2.8").email == owner


def test_password_reset_unlocks_the_account_and_is_single_use(app, owner):
    with app.app_context():
        fail(owner, times=5)
        token = accounts.start_password_reset(owner)
        accounts.reset_password(token, "un tout nouveau secret")
        assert accounts.authenticate(owner, "un tout nouveau secret", "10.0.0.1").email == owner
        with pytest.raises(accounts.InvalidResetToken):
            accounts.reset_password(token, "encore un autre secret")


def test_expired_reset_link_is_refused(app, owner):
    with app.app_context():
        token = accounts.start_password_reset(owner)
        for row in db.session.query(PasswordResetToken):
            row.expires_at -= timedelta(seconds=app.config["PASSWORD_RESET_SECONDS"] + 1)
        db.session.commit()
        with pytest.raises(accounts.InvalidResetToken):
            accounts.reset_password(token, "un tout nouveau secret")


def test_no_reset_token_for_unknown_accounts(app):
    with app.app_context():
        assert accounts.start_password_reset("personne@exemple.fr") is None


@pytest.mark.parametrize(
    ("email", "password", "role", "field"),
    [
        ("pas-une-adresse", PASSWORD, "editor", "email"),
        ("a@exemple.fr", "court", "editor", "password"),
        ("a@exemple.fr", PASSWORD, "chef", "role"),
    ],
)
def test_create_user_validation(app, email, password, role, field):
    with app.app_context(), pytest.raises(ValidationError) as error:
        accounts.create_user(email, password, role)
    assert field in error.value.messages


def test_reset_requests_are_throttled_per_address_and_per_account(app, owner):
    with app.app_context():
        tokens = [accounts.start_password_reset(owner, "198.51.100.1") for _ in range(4)]
        assert all(tokens[:3]) and tokens[3] is None  # at most three links per window
        for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] - 4):
            accounts.start_password_reset(f"inconnu{n}@exemple.fr", "198.51.100.1")
        with pytest.raises(accounts.LoginThrottled):
            accounts.start_password_reset(owner, "198.51.100.1")
        assert accounts.start_password_reset(owner) is None  # the account's quota still holds
