"""The signed-in user of a request (Flask session), shared by pages and API."""

from flask import Flask, abort, current_app, g, session
from werkzeug.exceptions import Forbidden

from .extensions import db
from .models import User
from .services.permissions import PermissionDenied, can_search


def current_user() -> User | None:
    return g.get("user")


def login_user(user: User) -> None:
    """Start a fresh session (no fixation) for this user."""
    session.clear()
    session["user_id"] = user.id
    session.permanent = True
    g.user = user


def logout_user() -> None:
    session.clear()
    g.user = None


def _load_user() -> None:
    user_id = session.get("user_id")
    user = db.session.get(User, user_id) if user_id is not None else None
    g.user = user if user and user.active else None


def require_search_access() -> None:
    """When search is not public (DIRECTORY_PUBLIC_SEARCH=false), only accounts search."""
    if not can_search(current_user(), current_app.config["PUBLIC_SEARCH"]):
        abort(401)


def _forbidden(_error: PermissionDenied):
    """A refused action is a 403, rendered by the blueprint's own handler (JSON or page)."""
    return current_app.handle_http_exception(Forbidden())


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
    app.register_error_handler(PermissionDenied, _forbidden)
