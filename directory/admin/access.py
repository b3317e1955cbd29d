"""Signing in is the only check the admin views make themselves: what a signed-in person may
see or change is asked of the service layer (services.permissions, services.editing)."""

from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from sqlalchemy import select

from ..auth import current_user
from ..extensions import db
from ..models import Service, Structure, User
from ..services.listings import by_name
from ..services.permissions import (
    PermissionDenied,
    can_edit_structure,
    require_admin,
    require_structure_editor,
)
from . import blueprint

# Pages reachable without an account.
OPEN_ENDPOINTS = {
    "admin.login",
    "admin.logout",
    "admin.forgotten_password",
    "admin.reset_password",
    "admin.static",
}


@blueprint.before_request
def require_login():
    """Anonymous visitors are sent to the sign-in page, and back here afterwards."""
    if request.endpoint in OPEN_ENDPOINTS or current_user() is not None:
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("admin.login", next=target))


def signed_in_user() -> User:
    user = current_user()
    if user is None:  # require_login ran first: only reachable through a programming error
        abort(401)
    return user


def safe_next(target: str | None, prefix: str = "/admin") -> str | None:
    """A local path under ``prefix`` to go back to, never another site (open redirect) nor
    a header of our own (CR/LF): anything else is ignored."""
    if not target or any(char.isspace() or not char.isprintable() for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(prefix) or "\\" in target:
        return None
    return target.rstrip("?")


def editable_structure(structure_id: str) -> Structure:
    """The structure, when the signed-in person may edit it (404 / PermissionDenied)."""
    structure = db.session.get(Structure, structure_id) or abort(404)
    require_structure_editor(signed_in_user(), structure.id)
    return structure


def editable_service(service_id: str) -> Service:
    service = db.session.get(Service, service_id) or abort(404)
    require_structure_editor(signed_in_user(), service.structure_id)
    return service


def editable_structures(user: User) -> list[Structure]:
    """Every structure the person may edit (all of them for a coordinator)."""
    structures = db.session.scalars(select(Structure))
    return by_name(s for s in structures if can_edit_structure(user, s.id))


def may_moderate(user: User) -> bool:
    try:
        require_admin(user)
    except PermissionDenied:
        return False
    return True
