"""Signing in and out, throttled guessing, the one-time expiring password-reset link."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from directory.extensions import db
from directory.models import LoginAttempt, PasswordResetToken, utcnow
from directory.services.accounts import find_user
from tests.conftest import free_port

from .admin_sample import EDITOR_A, EDITOR_B, PASSWORD, READER
from .pages import csrf_token, page_of, sign_in, submit

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

    def test_guesses_slow_the_guessing_address_not_the_owner_elsewhere(self, directory):
        client = directory.test_client()
        self.fail(client, EDITOR_A, directory.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"])
        response = sign_in(client, EDITOR_A)
        page = page_of(response, 429)
        assert "Trop de tentatives de connexion. Réessayez dans 15 minutes" in page.text
        assert 0 < int(response.headers["Retry-After"]) <= 900
        # The owner, from her own address, is not locked out by someone guessing hers…
        assert sign_in(directory.test_client(), EDITOR_A, **OTHER_ADDRESS).status_code == 302
        # …and her sign-in does not give the guessing address its tries back.
        assert sign_in(client, EDITOR_A).status_code == 429
        # Other accounts from the guessing address are not locked out by it either.
        assert sign_in(client, EDITOR_B).status_code == 302

    def test_an_address_is_throttled_whichever_accounts_it_tries(self, directory):
        directory.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
        client = directory.test_client()
        for email in ("a@x.example", "b@x.example", "c@x.example"):
            self.fail(client, email, 1)
        assert sign_in(client, EDITOR_A).status_code == 429
        assert sign_in(directory.test_client(), EDITOR_A, **OTHER_ADDRESS).status_code == 302

    def test_the_address_gets_in_once_the_window_has_passed(self, directory):
        client = directory.test_client()
        self.fail(client, EDITOR_A, directory.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"])
        assert sign_in(client, EDITOR_A).status_code == 429
        window = directory.config["LOGIN_WINDOW_SECONDS"]
        with directory.app_context():
            earlier = LoginAttempt.at - timedelta(seconds=window + 1)
            db.session.execute(update(LoginAttempt).values(at=earlier))
            db.session.commit()
        assert sign_in(client, EDITOR_A).status_code == 302

    def test_the_owner_gets_in_at_once_through_a_password_reset(self, directory):
        client = directory.test_client()
        self.fail(client, EDITOR_A, directory.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"])
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


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replayed(app, cookie: str):
    """A new browser presenting a copied session cookie (what a thief would do)."""
    client = app.test_client()
    client.set_cookie("session", cookie, domain="localhost")
    return client


def signed_out(client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 302 and response.location.startswith("/admin/connexion")


class TestSessionsEnd:
    def test_signing_out_ends_every_session_of_the_account(self, directory, signed_in):
        here, elsewhere = signed_in(EDITOR_A), signed_in(EDITOR_A)
        other_account = signed_in(EDITOR_B)
        cookie = session_cookie(here)
        here.post("/admin/deconnexion", data={"csrf_token": csrf_token(here, "/admin/")})
        assert signed_out(replayed(directory, cookie))
        assert signed_out(elsewhere)
        assert not signed_out(other_account)
        # Signing in again gives a session that works.
        assert sign_in(here, EDITOR_A).status_code == 302 and not signed_out(here)

    def test_a_password_reset_ends_every_session_of_the_account(self, directory, signed_in):
        browser = signed_in(EDITOR_A)
        cookie = session_cookie(browser)
        path = reset_path(directory, EDITOR_A)
        assert choose_password(directory.test_client(), path, "après un vol").status_code == 302
        assert signed_out(browser) and signed_out(replayed(directory, cookie))

    def test_a_deactivated_account_is_signed_out(self, directory, signed_in):
        browser = signed_in(EDITOR_A)
        with directory.app_context():
            find_user(EDITOR_A).active = False
            db.session.commit()
        assert signed_out(browser)


def change_password(client, current: str, new: str, confirmation: str | None = None):
    data = {"current": current, "password": new, "confirmation": confirmation or new}
    return submit(client, "/admin/mot-de-passe", "changer-mot-de-passe", data)


class TestPasswordChange:
    NEW = "un mot de passe tout neuf"

    def test_it_keeps_this_session_and_ends_the_others(self, directory, signed_in):
        here, elsewhere = signed_in(EDITOR_A), signed_in(EDITOR_A)
        old_cookie = session_cookie(here)
        response = change_password(here, PASSWORD, self.NEW)
        assert response.status_code == 302 and response.location == "/admin/"
        page = page_of(here.get("/admin/"))
        assert "Mot de passe modifié : vos autres sessions sont fermées." in page.text
        assert signed_out(elsewhere) and signed_out(replayed(directory, old_cookie))
        fresh = directory.test_client()
        assert sign_in(fresh, EDITOR_A).status_code == 401
        assert sign_in(fresh, EDITOR_A, self.NEW).status_code == 302

    def test_mistakes_are_explained_at_their_field_and_change_nothing(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        wrong = page_of(change_password(client, "pas le bon", self.NEW), 400)
        assert wrong.find(id="erreur-current").text == "Mot de passe actuel incorrect."
        short = page_of(change_password(client, PASSWORD, "court"), 400)
        assert short.find(id="erreur-password").text == "Au moins 12 caractères."
        mistyped = page_of(change_password(client, PASSWORD, self.NEW, "un autre"), 400)
        assert mistyped.find(id="erreur-confirmation").text == "Les deux mots de passe diffèrent."
        assert not signed_out(client)
        # The password did not change.
        assert sign_in(directory.test_client(), EDITOR_A).status_code == 302

    def test_the_form_is_reached_from_every_admin_page(self, signed_in):
        page = page_of(signed_in(READER).get("/admin/"))
        assert page.find("a", href="/admin/mot-de-passe").text == "Changer de mot de passe"

    def test_anonymous_visitors_are_sent_to_sign_in(self, directory):
        response = directory.test_client().get("/admin/mot-de-passe")
        assert response.status_code == 302 and "/admin/connexion" in response.location


class TestResetLinksRevoked:
    def test_a_newer_link_revokes_the_older_one(self, directory):
        client = directory.test_client()
        older, newer = reset_path(directory, EDITOR_A), reset_path(directory, EDITOR_A)
        assert "Ce lien ne fonctionne plus" in page_of(client.get(older), 400).text
        assert page_of(choose_password(client, older, "par le vieux lien"), 400)
        assert choose_password(client, newer, "par le nouveau lien").status_code == 302
        assert "Ce lien ne fonctionne plus" in page_of(client.get(older), 400).text

    def test_signing_in_revokes_pending_links(self, directory):
        path = reset_path(directory, EDITOR_A)
        client = directory.test_client()
        assert sign_in(client, EDITOR_A).status_code == 302
        assert page_of(choose_password(client, path, "par un lien oublié"), 400)
        assert sign_in(directory.test_client(), EDITOR_A).status_code == 302


HOSTILE_TARGETS = [
    "/admin/\r\nSet-Cookie: pris=1",
    "/admin/\nLocation: https://evil.example/",
    "/admin/structures/asso-a\r",
    "https://evil.example/admin",
    "//evil.example/admin",
    "/\\evil.example",
    "http:/admin",
    "/admin/\tx",
]


class TestNextTarget:
    @pytest.mark.parametrize("target", HOSTILE_TARGETS)
    def test_a_hostile_target_is_ignored_on_the_sign_in_form(self, directory, target):
        client = directory.test_client()
        page = page_of(client.get("/admin/connexion", query_string={"next": target}))
        assert page.find_all("input", name="next") == []
        data = {
            "email": EDITOR_A,
            "password": PASSWORD,
            "csrf_token": csrf_token(client),
            "next": target,
        }
        response = client.post("/admin/connexion", data=data)
        assert response.status_code == 302 and response.location == "/admin/"
        assert "pris" not in response.headers.get("Set-Cookie", "")

    @pytest.mark.parametrize("target", HOSTILE_TARGETS)
    def test_a_hostile_target_is_ignored_once_signed_in(self, signed_in, target):
        response = signed_in(EDITOR_A).get("/admin/connexion", query_string={"next": target})
        assert response.status_code == 302 and response.location == "/admin/"


class TestSecurityLog:
    """The operator greps `directory.security` lines; no secret is ever in them."""

    def events(self, caplog) -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "directory.security"]

    def test_every_account_event_is_a_line_without_secrets(self, directory, signed_in, caplog):
        caplog.set_level(logging.INFO, logger="directory.security")
        client = directory.test_client()
        sign_in(client, EDITOR_A, "mauvais mot de passe secret")
        sign_in(client, EDITOR_A)
        change_password(client, PASSWORD, "mon nouveau secret à moi")
        client.get("/admin/structures/asso-b")
        token = csrf_token(client, "/admin/mot-de-passe-oublie")
        client.post("/admin/mot-de-passe-oublie", data={"email": EDITOR_B, "csrf_token": token})
        link = reset_path(directory, EDITOR_B)
        choose_password(client, link, "le secret de B choisi")
        client.post("/admin/deconnexion", data={"csrf_token": csrf_token(client, "/admin/")})
        lines = self.events(caplog)
        expected = [
            f'login.failed email="{EDITOR_A}" address="127.0.0.1"',
            f'login.succeeded email="{EDITOR_A}" address="127.0.0.1"',
            f'password.changed email="{EDITOR_A}" address="127.0.0.1"',
            f'permission.refused email="{EDITOR_A}" address="127.0.0.1" method="GET" '
            'path="/admin/structures/asso-b"',
            f'password_reset.requested email="{EDITOR_B}"',
            f'password_reset.completed email="{EDITOR_B}" address="127.0.0.1"',
            f'logout email="{EDITOR_A}" address="127.0.0.1"',
        ]
        for line in expected:
            assert line in lines, (line, lines)
        text = "\n".join(lines)
        for secret in ("secret", PASSWORD, link.rsplit("/", 1)[1]):
            assert secret not in text

    def test_a_typed_line_break_cannot_forge_a_line(self, directory, caplog):
        caplog.set_level(logging.INFO, logger="directory.security")
        sign_in(directory.test_client(), "x@y.fr\nlogin.succeeded email=admin", "mauvais")
        (line,) = self.events(caplog)
        assert "\n" not in line and line.startswith('login.failed email="x@y.fr\\nlogin')

    def test_a_typed_megabyte_is_cut(self, directory, caplog):
        caplog.set_level(logging.INFO, logger="directory.security")
        sign_in(directory.test_client(), "x" * 1_000_000, "mauvais")
        (line,) = self.events(caplog)
        assert len(line) < 400
