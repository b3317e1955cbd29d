"""Signing in and out, changing one's password, and the forgotten-password path (one-time
expiring link)."""

import logging
import math
import smtplib

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import ValidationError

from ..auth import client_address, current_user, login_user, logout_user
from ..schemas.messages import flatten_errors
from ..security import security_event
from ..services import accounts
from ..services.mail import mail_configured, send_mail
from . import blueprint
from .access import safe_next, signed_in_user

logger = logging.getLogger(__name__)


def _retry_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Trop de tentatives de connexion. Réessayez dans %(num)s minute, "
        "ou réinitialisez votre mot de passe.",
        "Trop de tentatives de connexion. Réessayez dans %(num)s minutes, "
        "ou réinitialisez votre mot de passe.",
        minutes,
    )


def _login_page(email: str = "", error: str | None = None, status: int = 200, headers=None):
    page = render_template(
        "admin/login.html", email=email, error=error, next=safe_next(request.values.get("next"))
    )
    return page, status, headers or {}


@blueprint.route("/connexion", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if current_user() is not None:
            return redirect(safe_next(request.args.get("next")) or url_for(".dashboard"))
        return _login_page()
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    try:
        user = accounts.authenticate(email, password, client_address())
    except accounts.LoginThrottled as throttled:
        headers = {"Retry-After": str(throttled.retry_after)}
        return _login_page(email, _retry_message(throttled.retry_after), 429, headers)
    except accounts.InvalidCredentials:
        return _login_page(email, _("Adresse électronique ou mot de passe incorrect."), 401)
    login_user(user)
    security_event("login.succeeded", email=user.email, address=client_address())
    flash(_("Vous êtes connecté·e."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for(".dashboard"))


@blueprint.post("/deconnexion")
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for(".login"))


def _change_page(errors: dict | None = None, status: int = 200, headers=None):
    page = render_template("admin/change_password.html", errors=errors or {})
    return page, status, headers or {}


@blueprint.route("/mot-de-passe", methods=["GET", "POST"])
def change_password():
    """A new password ends every other session of the account; this one goes on."""
    user = signed_in_user()
    if request.method == "GET":
        return _change_page()
    password = request.form.get("password", "")
    if password != request.form.get("confirmation", ""):
        return _change_page({"confirmation": [_("Les deux mots de passe diffèrent.")]}, 400)
    try:
        accounts.change_password(user, request.form.get("current", ""), password, client_address())
    except accounts.LoginThrottled as throttled:
        headers = {"Retry-After": str(throttled.retry_after)}
        return _change_page({"current": [_retry_message(throttled.retry_after)]}, 429, headers)
    except accounts.InvalidCredentials:
        return _change_page({"current": [_("Mot de passe actuel incorrect.")]}, 400)
    except ValidationError as error:
        errors = flatten_errors(error.normalized_messages())
        return _change_page({"password": errors.get("password", [])}, 400)
    login_user(user)
    flash(_("Mot de passe modifié : vos autres sessions sont fermées."), "success")
    return redirect(url_for(".dashboard"))


def _reset_link(token: str) -> str:
    return f"{current_app.config['BASE_URL']}/admin/reinitialiser/{token}"


def _send_reset_link(email: str) -> None:
    """Mail a link when the account exists; failures are logged, never shown (the page
    must say the same thing whether the account exists or not)."""
    token = accounts.start_password_reset(email, client_address())
    if token is None:
        return
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    body = _(
        "Bonjour,\n\nPour choisir un nouveau mot de passe sur l'annuaire des partenaires, "
        "ouvrez ce lien (valable %(minutes)s minutes, une seule fois) :\n\n%(link)s\n\n"
        "Si vous n'avez rien demandé, ignorez ce message.\n",
        minutes=minutes,
        link=_reset_link(token),
    )
    try:
        send_mail(email, _("Annuaire des partenaires : nouveau mot de passe"), body)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the password-reset mail")


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgotten_password():
    sent = request.method == "POST"
    email = request.form.get("email", "").strip()
    status, retry_after = 200, None
    if sent and mail_configured() and email:
        try:
            _send_reset_link(email)
        except accounts.LoginThrottled as throttled:
            status, retry_after = 429, throttled.retry_after
    page = render_template(
        "admin/forgotten_password.html",
        sent=sent and status == 200,
        email=email,
        mail_configured=mail_configured(),
        minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60,
        retry_minutes=None if retry_after is None else -(-retry_after // 60),
    )
    return page, status


def _invalid_reset_link():
    return render_template("admin/reset_invalid.html"), 400, {"Referrer-Policy": "no-referrer"}


def _reset_page(token: str, errors: dict | None = None, status: int = 200):
    page = render_template("admin/reset_password.html", token=token, errors=errors or {})
    # The token is in the address: never send it to another site as a referrer.
    return page, status, {"Referrer-Policy": "no-referrer"}


@blueprint.route("/reinitialiser/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if request.method == "GET":
        return _reset_page(token) if accounts.reset_token_usable(token) else _invalid_reset_link()
    password = request.form.get("password", "")
    if password != request.form.get("confirmation", ""):
        return _reset_page(token, {"confirmation": [_("Les deux mots de passe diffèrent.")]}, 400)
    try:
        accounts.reset_password(token, password, client_address())
    except accounts.InvalidResetToken:
        return _invalid_reset_link()
    except ValidationError as error:
        errors = flatten_errors(error.normalized_messages())
        return _reset_page(token, {"password": errors.get("password", [])}, 400)
    flash(_("Mot de passe modifié : connectez-vous avec le nouveau."), "success")
    return redirect(url_for(".login"))
