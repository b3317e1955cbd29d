"""Who may do what. Every admin action, through pages or the API, asks here first."""

from ..models import Referral, User


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


def _member(user: User | None, role: str, structure_id: str) -> bool:
    return bool(user and user.active and user.role == role and structure_id in user.structure_ids)


def can_send_referral(user: User | None, structure_id: str) -> bool:
    """An orienteur sends referrals from the structures it is a member of."""
    return _member(user, "orienteur", structure_id)


def can_answer_referral(user: User | None, referral: Referral) -> bool:
    """The editors of the receiving structure answer it; a coordinator never sees a person."""
    return _member(user, "editor", referral.receiving_structure_id)


def can_read_referral(user: User | None, referral: Referral) -> bool:
    """Who answers it, and the orienteurs of the structure that sent it."""
    return can_answer_referral(user, referral) or _member(
        user, "orienteur", referral.sending_structure_id
    )


def can_read_figures(user: User | None) -> bool:
    """Every account reads the figures (counts only, never a person)."""
    return bool(user and user.active)


def require_referral_sender(user: User | None, structure_id: str) -> None:
    if not can_send_referral(user, structure_id):
        raise PermissionDenied
