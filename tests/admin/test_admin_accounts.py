"""Signing in and out, throttled guessing, the one-time expiring password-reset link."""

import re
from datetime import timedelta

from sqlalchemy import update

from directory.extensions import db
from directory.models import LoginAttempt, PasswordResetToken, utcnow
from tests.conftest import free_port

from .admin_sample import EDITOR_A, EDITOR_B, PASSWORD, READER
from .pages import csrf_token, page_of, sign_in

OTHER_ADDRESS = {"REMOTE_ADDR": "192.0.2.7"}


def test_anonymous_visitors_are_sent_to_the_sign_in_page_and_back(directory):
    client = directory.test_client()
    response = client.get("/admin/structures/asso-a")
    assert response.status_code == 302
    assert response.location == "/admin/connexion?next=/admin/structures/asso-a"
    token = csrf_token(client, response.location)
    response = client.post(
        "/admin/connexion",
        data={
            "email": EDITOR_A,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/admin/structures/asso-a",
        },
    )
    assert response.status_code == 302
    assert response.location == "/admin/structures/asso-a"
    assert client.get("/admin/structures/asso-a").status_code == 200


def test_sign_in_never_redirects_to_another_site(directory):
    client = directory.test_client()
    token = csrf_token(client)
    for target in ("https://evil.example/admin", "//evil.example/admin", "/\\evil.example"):
        data = {"email": EDITOR_A, "password": PASSWORD, "csrf_token": token, "next": target}
        response = client.post("/admin/connexion", data=data)
        assert response.location == "/admin/", target
        client.post("/admin/deconnexion", data={"csrf_token": csrf_token(client, "/admin/")})
        token = csrf_token(client)


def test_wrong_password_is_refused_in_french_without_saying_which_part(directory):
    client = directory.test_client()
    wrong = page_of(sign_in(client, EDITOR_A, "pas le bon mot de passe"), 401)
    unknown = page_of(sign_in(client, "personne@nulle.part", PASSWORD), 401)
    message = "Adresse électronique ou mot de passe incorrect."
    assert wrong.find(id="erreur-connexion").text == message
    assert unknown.find(id="erreur-connexion").text == message
    assert client.get("/admin/").status_code == 302


def test_the_session_cookie_is_secure_http_only_and_same_site_by_default(directory):
    response = sign_in(directory.test_client(), EDITOR_A)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_admin_pages_are_never_cached(signed_in):
    response = signed_in(EDITOR_A).get("/admin/")
    assert response.headers["Cache-Control"] == "no-store"


def test_logout_is_a_post_and_ends_the_session(signed_in):
    client = signed_in(EDITOR_A)
    assert client.get("/admin/deconnexion").status_code == 405
    response = client.post("/admin/deconnexion", data={"csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 302 and response.location == "/admin/connexion"
    assert "Vous êtes déconnecté·e." in client.get("/admin/connexion").get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_a_reader_signs_in_but_has_nothing_to_edit(signed_in):
    page = page_of(signed_in(READER).get("/admin/"))
    assert "Votre compte donne accès à la recherche" in page.find("main").text


class TestThrottling:
    def fail(self, client, email, times, **environ):
        for _ in range(times):
            sign_in(client, email, "mauvais mot de passe", **environ)

    def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(
        self, directory
    ):
        client = directory.test_client()
        self.fail(client, EDITOR_A, directory.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
        response = sign_in(client, EDITOR_A)
        page = page_of(response, 429)
        assert "Trop de tentatives de connexion. Réessayez dans 15 minutes" in page.text
        assert 0 < int(response.headers["Retry-After"]) <= 900
        # Another address does not help: the account itself is protected…
        assert sign_in(directory.test_client(), EDITOR_A, **OTHER_ADDRESS).status_code == 429
        # …and other accounts are not locked out by it.
        assert sign_in(client, EDITOR_B).status_code == 302

    def test_an_address_is_throttled_whichever_accounts_it_tries(self, directory):
        directory.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
        client = directory.test_client()
        for email in ("a@x.example", "b@x.example", "c@x.example"):
            self.fail(client, email, 1)
        assert sign_in(client, EDITOR_A).status_code == 429
        assert sign_in(directory.test_client(), EDITOR_A, **OTHER_ADDRESS).status_code == 302

    def test_the_owner_gets_in_once_the_window_has_passed(self, directory):
        client = directory.test_client()
        self.fail(client, EDITOR_A, directory.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
        assert sign_in(client, EDITOR_A).status_code == 429
        window = directory.config["LOGIN_WINDOW_SECONDS"]
        with directory.app_context():
            earlier = LoginAttempt.at - timedelta(seconds=window + 1)
            db.session.execute(update(LoginAttempt).values(at=earlier))
            db.session.commit()
        assert sign_in(client, EDITOR_A).status_code == 302

    def test_the_owner_gets_in_at_once_through_a_password_reset(self, directory):
        client = directory.test_client()
        self.fail(client, EDITOR_A, directory.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
        assert sign_in(client, EDITOR_A).status_code == 429
        path = reset_path(directory, EDITOR_A)
        assert choose_password(client, path, "un tout nouveau mot de passe").status_code == 302
        assert sign_in(client, EDITOR_A, "un tout nouveau mot de passe").status_code == 302


def reset_path(app, email: str) -> str:
    """The link of `directory reset-link`, as a coordinator would hand it over."""
    result = app.test_cli_runner().invoke(args=["reset-link", email])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link.startswith(app.config["BASE_URL"] + "/admin/reinitialiser/")
    return link.removeprefix(app.config["BASE_URL"])


def choose_password(client, path: str, password: str, confirmation: str | None = None):
    # The session's CSRF token, from a page that always has a form (a spent link has none).
    token = csrf_token(client, "/admin/mot-de-passe-oublie")
    data = {"password": password, "confirmation": confirmation or password, "csrf_token": token}
    return client.post(path, data=data)


class TestPasswordReset:
    def test_the_printed_link_sets_a_new_password_once(self, directory):
        client = directory.test_client()
        path = reset_path(directory, EDITOR_A)
        page = client.get(path)
        assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
        response = choose_password(client, path, "mon nouveau mot de passe")
        assert response.status_code == 302 and response.location == "/admin/connexion"
        assert sign_in(client, EDITOR_A).status_code == 401
        assert sign_in(client, EDITOR_A, "mon nouveau mot de passe").status_code == 302
        again = page_of(choose_password(client, path, "encore un autre mot de passe"), 400)
        assert "Ce lien ne fonctionne plus" in again.text

    def test_an_expired_link_is_refused(self, directory):
        path = reset_path(directory, EDITOR_A)
        with directory.app_context():
            expired = utcnow() - timedelta(seconds=1)
            db.session.execute(update(PasswordResetToken).values(expires_at=expired))
            db.session.commit()
        client = directory.test_client()
        assert "a expiré" in page_of(client.get(path), 400).text
        page = page_of(choose_password(client, path, "mon nouveau mot de passe"), 400)
        assert "a expiré" in page.text
        assert sign_in(client, EDITOR_A).status_code == 302

    def test_an_invented_link_is_refused(self, directory):
        client = directory.test_client()
        page = page_of(choose_password(client, "/admin/reinitialiser/invente", "x" * 20), 400)
        assert "Ce lien ne fonctionne plus" in page.text

    def test_a_short_or_mistyped_password_is_explained_at_its_field(self, directory):
        client = directory.test_client()
        path = reset_path(directory, EDITOR_A)
        short = page_of(choose_password(client, path, "court"), 400)
        group = short.find(id="champ-password").parent
        assert "fr-input-group--error" in group.classes
        assert short.find(class_="fr-error-text").text == "Au moins 12 caractères."
        mistyped = page_of(choose_password(client, path, "un mot de passe", "un autre"), 400)
        assert mistyped.find(id="erreur-confirmation").text == "Les deux mots de passe diffèrent."
        # Neither attempt spent the link.
        assert choose_password(client, path, "un bon mot de passe").status_code == 302


class TestForgottenPassword:
    def ask(self, client, email):
        token = csrf_token(client, "/admin/mot-de-passe-oublie")
        response = client.post(
            "/admin/mot-de-passe-oublie", data={"email": email, "csrf_token": token}
        )
        return page_of(response).find(id="demande-envoyee").text

    def test_without_smtp_it_says_to_ask_a_coordinator_whether_the_account_exists_or_not(
        self, directory
    ):
        client = directory.test_client()
        known, unknown = self.ask(client, EDITOR_A), self.ask(client, "personne@nulle.part")
        assert known == unknown
        assert "directory reset-link" in known and "coordinateur" in known
        with directory.app_context():
            assert db.session.query(PasswordResetToken).count() == 0

    def test_with_smtp_it_mails_a_working_link_only_to_existing_accounts(
        self, directory, smtp_inbox
    ):
        client = directory.test_client()
        known, unknown = self.ask(client, EDITOR_A), self.ask(client, "personne@nulle.part")
        assert known == unknown and "vient d'y être envoyé" in known
        assert [message["To"] for message in smtp_inbox.messages] == [EDITOR_A]
        body = smtp_inbox.messages[0].get_payload(decode=True).decode()
        link = re.search(r"http\S+/admin/reinitialiser/\S+", body).group(0)
        path = link.removeprefix(directory.config["BASE_URL"])
        assert choose_password(client, path, "choisi après un courriel").status_code == 302

    def test_repeated_requests_from_one_address_are_throttled(self, directory, smtp_inbox):
        directory.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
        client = directory.test_client()
        for _ in range(3):
            self.ask(client, "personne@nulle.part")
        token = csrf_token(client, "/admin/mot-de-passe-oublie")
        response = client.post(
            "/admin/mot-de-passe-oublie", data={"email": EDITOR_A, "csrf_token": token}
        )
        assert "Trop de demandes" in page_of(response, 429).find(id="trop-de-demandes").text
        assert smtp_inbox.messages == []

    def test_a_mail_server_failure_does_not_reveal_the_account(self, directory):
        # Nothing listens on this port: the connection is refused, as a down server's would.
        directory.config |= {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": free_port()}
        client = directory.test_client()
        assert self.ask(client, EDITOR_A) == self.ask(client, "personne@nulle.part")
