"""Who may do what. Every admin action, through pages or the API, asks here first."""

from ..models import User


class PermissionDenied(Exception):
    """The user may not do this (HTTP 403)."""


def is_admin(user: User | None) -> bool:
    return bool(user and user.active and user.role == "admin")


def can_edit_structure(user: User | None, structure_id: str) -> bool:
    """Admins edit every structure; editors only those they are a member of."""
    if is_admin(user):
        return True
    return bool(
        user and user.active and user.role == "editor" and structure_id in user.structure_ids
    )


def can_create_structure(user: User | None) -> bool:
    """Admins and editors create structures (an editor's waits for approval); readers not."""
    return bool(user and user.active and user.role in ("admin", "editor"))


def can_search(user: User | None, public_search: bool) -> bool:
    """Search is open to all when public; otherwise any signed-in account may search."""
    return public_search or bool(user and user.active)


def require_admin(user: User | None) -> None:
    if not is_admin(user):
        raise PermissionDenied


def require_structure_editor(user: User | None, structure_id: str) -> None:
    if not can_edit_structure(user, structure_id):
        raise PermissionDenied


def require_structure_creator(user: User | None) -> None:
    if not can_create_structure(user):
        raise PermissionDenied
