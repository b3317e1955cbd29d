"""The signed-in user of a request (Flask session), shared by pages and API."""

from flask import Flask, abort, current_app, g, request, session
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from .extensions import db
from .models import User
from .security import security_event
from .services import accounts, tokens
from .services.permissions import PermissionDenied, can_search


def current_user() -> User | None:
    return g.get("user")


def login_user(user: User) -> None:
    """Start a fresh session (no fixation) for this user, of the account's generation."""
    session.clear()
    session["user_id"] = user.id
    session["generation"] = user.session_generation
    session.permanent = True
    g.user = user


def logout_user() -> None:
    """End this session and every other one of the account (other browsers included)."""
    user = current_user()
    if user is not None:
        accounts.sign_out(user, client_address())
    session.clear()
    g.user = None


def client_address() -> str:
    """The client's address (the proxy's X-Forwarded-For when DIRECTORY_PROXY_FIX is set)."""
    return request.remote_addr or "-"


def _load_user() -> None:
    """The session's user, while the account is active and the session of its generation."""
    user_id = session.get("user_id")
    user = db.session.get(User, user_id) if user_id is not None else None
    current = user is not None and session.get("generation") == user.session_generation
    g.user = user if current and user.active else None


def authenticate_bearer() -> None:
    """An ``Authorization: Bearer …`` API token: the request acts as its account. An unknown
    or revoked token is a 401, whatever else the request carries (a session, public search)."""
    credentials = request.authorization
    if credentials is None or credentials.type != "bearer":
        return
    try:
        g.user = tokens.token_user(credentials.token or "")
    except tokens.UnknownToken:
        security_event("token.refused", address=client_address(), path=request.path)
        abort(401, _("Jeton d'API inconnu ou révoqué."))


def bearer_authenticated() -> bool:
    credentials = request.authorization
    return credentials is not None and credentials.type == "bearer"


def require_search_access() -> None:
    """When search is not public (DIRECTORY_PUBLIC_SEARCH=false), only accounts search."""
    if not can_search(current_user(), current_app.config["PUBLIC_SEARCH"]):
        abort(401)


def _forbidden(_error: PermissionDenied):
    """A refused action is a 403, rendered by the blueprint's own handler (JSON or page)."""
    user = current_user()
    security_event(
        "permission.refused",
        email=user.email if user else None,
        address=client_address(),
        method=request.method,
        path=request.path,
    )
    return current_app.handle_http_exception(Forbidden())


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
    app.register_error_handler(PermissionDenied, _forbidden)
