"""Accounts: throttled logins per account and address and per address, one-time reset links
revoked by newer ones and by a sign-in, session generations."""

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


def test_an_account_is_throttled_on_the_guessing_address_only_until_the_window_ends(app, owner):
    with app.app_context():
        fail(owner, times=5)
        with pytest.raises(accounts.LoginThrottled) as throttled:
            accounts.authenticate(owner, PASSWORD, "10.0.0.1")
        assert 0 < throttled.value.retry_after <= app.config["LOGIN_WINDOW_SECONDS"]
        assert accounts.authenticate(owner, PASSWORD, "10.0.0.2").email == owner
        age_attempts(app.config["LOGIN_WINDOW_SECONDS"] + 1)
        assert accounts.authenticate(owner, PASSWORD, "10.0.0.1").email == owner


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


def test_a_newer_link_and_a_sign_in_revoke_earlier_links(app, owner):
    with app.app_context():
        older = accounts.start_password_reset(owner)
        newer = accounts.start_password_reset(owner)
        assert not accounts.reset_token_usable(older) and accounts.reset_token_usable(newer)
        accounts.authenticate(owner, PASSWORD, "10.0.0.1")
        assert not accounts.reset_token_usable(newer)
        with pytest.raises(accounts.InvalidResetToken):
            accounts.reset_password(newer, "un tout nouveau secret")


def test_sign_out_password_change_and_reset_each_start_a_new_session_generation(app, owner):
    with app.app_context():
        user = accounts.find_user(owner)
        generations = [user.session_generation]
        accounts.sign_out(user, "10.0.0.1")
        generations.append(user.session_generation)
        accounts.change_password(user, PASSWORD, "un tout nouveau secret", "10.0.0.1")
        generations.append(user.session_generation)
        accounts.reset_password(accounts.start_password_reset(owner), "encore un autre secret")
        generations.append(accounts.find_user(owner).session_generation)
        assert generations == sorted(set(generations)) and len(generations) == 4


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failure(app, owner):
    with app.app_context():
        user = accounts.find_user(owner)
        generation = user.session_generation
        with pytest.raises(accounts.InvalidCredentials):
            accounts.change_password(user, "mauvais", "un tout nouveau secret", "10.0.0.1")
        assert user.session_generation == generation
        assert db.session.query(LoginAttempt).count() == 1
        assert accounts.authenticate(owner, PASSWORD, "10.0.0.2").email == owner
