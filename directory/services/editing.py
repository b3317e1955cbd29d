"""Partners' edits of their listings: permission, validation, optimistic locking, audit,
then the search index after the commit."""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import referentials as ref
from ..extensions import db
from ..models import AuditEntry, Membership, Service, Structure, User
from ..schemas.listings import IdTaken, ServiceSchema, StructureSchema
from ..search.text import fold
from .audit import apply_changes, entity_type, history
from .indexing import commit_and_index
from .permissions import (
    PermissionDenied,
    is_admin,
    require_admin,
    require_structure_creator,
    require_structure_editor,
)

# Fields only a coordinator (admin) may change.
ADMIN_ONLY = {
    "structure": {"signataire", "id", "source"},
    "service": {"id", "structure_id", "source"},
}


class EditConflict(Exception):
    """The listing changed since the form was loaded; the other person's changes are kept."""

    def __init__(self, listing: Service | Structure, their_changes: list[AuditEntry]):
        super().__init__(listing.id)
        self.listing = listing
        self.their_changes = their_changes


def _schema(listing: Service | Structure):
    return ServiceSchema() if isinstance(listing, Service) else StructureSchema()


def owning_structure_id(listing: Service | Structure) -> str:
    return listing.id if isinstance(listing, Structure) else listing.structure_id


def _commit_and_index(listing: Service | Structure, expected_revision: int | None) -> None:
    try:
        commit_and_index()
    except StaleDataError as error:
        db.session.rollback()
        db.session.refresh(listing)
        their_changes = history(entity_type(listing), listing.id, expected_revision or 0)
        raise EditConflict(listing, their_changes) from error


def update_listing(
    user: User, listing: Service | Structure, data: dict, expected_revision: int
) -> dict:
    """Validate ``data`` over the listing and save it if nobody saved in between.

    Returns the changes as {field: (old, new)}; raises PermissionDenied, EditConflict or
    marshmallow's ValidationError (per field).
    """
    require_structure_editor(user, owning_structure_id(listing))
    kind = entity_type(listing)
    if not is_admin(user) and ADMIN_ONLY[kind] & {
        k for k in data if data[k] != getattr(listing, k, None)
    }:
        raise PermissionDenied
    if data.get("id", listing.id) != listing.id:
        raise ValidationError({"id": [_("L'identifiant d'une fiche ne se change pas.")]})
    if listing.revision != expected_revision:
        raise EditConflict(listing, history(kind, listing.id, expected_revision))
    schema = _schema(listing)
    loaded = schema.load(schema.dump(listing) | data)
    if kind == "structure" and not listing.approuvee and not is_admin(user):
        loaded["statut_publication"] = listing.statut_publication
    changes = apply_changes(listing, _with_today(loaded, listing), user)
    if changes:
        _commit_and_index(listing, expected_revision)
    return changes


def _with_today(loaded: dict, listing) -> dict:
    """A real change makes today the listing's modification date (date_maj)."""
    changed = {k for k, v in loaded.items() if getattr(listing, k) != v} - {"date_maj"}
    return loaded | {"date_maj": date.today()} if changed else loaded


def _new_id(structure_id: str, nom: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(nom)).strip("-")[:60]
    return f"{structure_id}--{slug}-{secrets.token_hex(3)}"


def _require_new_id(model, listing_id: str) -> None:
    if db.session.get(model, listing_id) is not None:
        raise IdTaken(listing_id)


@contextmanager
def _claiming_id(model, listing_id: str) -> Iterator[None]:
    """Around the writing of a new listing: its id taken already, or taken by another
    listing saved meanwhile (the check before is not atomic), is IdTaken, not a 500."""
    _require_new_id(model, listing_id)
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        _require_new_id(model, listing_id)
        raise error


def create_service(user: User, structure_id: str, data: dict) -> Service:
    """A new service of the structure, as a draft unless said otherwise."""
    require_structure_editor(user, structure_id)
    structure = db.session.get(Structure, structure_id)
    record = {
        "statut_publication": "brouillon",
        **data,
        "structure_id": structure_id,
        "source": structure.source,
        "date_maj": date.today().isoformat(),
    }
    record.setdefault("id", _new_id(structure_id, str(data.get("nom", "service"))))
    loaded = ServiceSchema().load(record)
    with _claiming_id(Service, loaded["id"]):
        service = Service(id=loaded["id"])
        db.session.add(service)
        apply_changes(service, loaded, user)
        _commit_and_index(service, None)
    return service


def duplicate_service(user: User, service: Service) -> Service:
    data = ServiceSchema().dump(service)
    data.pop("id")
    # A copy is a listing of ours: data·inclusion never scored it.
    data.pop("score_qualite")
    data["nom"] = f"{service.nom} (copie)"[:150]
    data["statut_publication"] = "brouillon"
    data["verifie_le"] = None
    return create_service(user, service.structure_id, data)


def set_publication(user: User, listing, statut: str, expected_revision: int) -> dict:
    return update_listing(user, listing, {"statut_publication": statut}, expected_revision)


def mark_verified(user: User, listing: Service | Structure) -> None:
    """ "Verified today": a person confirmed the listing; the modification date stays."""
    require_structure_editor(user, owning_structure_id(listing))
    if apply_changes(listing, {"verifie_le": date.today()}, user):
        _commit_and_index(listing, listing.revision)


def create_structure(user: User, data: dict) -> Structure:
    """An editor's new structure joins their memberships and waits for approval."""
    require_structure_creator(user)
    record = {
        **data,
        "source": data.get("source") or ref.OWN_SOURCE,
        "date_maj": date.today().isoformat(),
    }
    record.setdefault("id", _new_id("structure", str(data.get("nom", "structure"))))
    if not is_admin(user):
        record["signataire"] = False
    loaded = StructureSchema().load(record)
    with _claiming_id(Structure, loaded["id"]):
        structure = Structure(id=loaded["id"], approuvee=is_admin(user))
        db.session.add(structure)
        apply_changes(structure, loaded, user)
        if not is_admin(user):
            db.session.flush()
            db.session.add(Membership(user_id=user.id, structure_id=structure.id))
        _commit_and_index(structure, None)
    return structure


def approve_structure(user: User, structure: Structure) -> None:
    require_admin(user)
    if apply_changes(structure, {"approuvee": True}, user):
        _commit_and_index(structure, structure.revision)


def pending_structures() -> list[Structure]:
    return list(
        db.session.scalars(
            select(Structure).where(~Structure.approuvee).order_by(Structure.created_at)
        )
    )


def last_confirmed(listing: Service | Structure) -> date:
    return max(filter(None, (listing.verifie_le, listing.date_maj)))


def review_due_on(listing: Service | Structure) -> date:
    return last_confirmed(listing) + timedelta(days=ref.FREQUENCE_JOURS[listing.frequence_maj])


# What a listing's review date says of it on a day (the figures' freshness).
UP_TO_DATE, DUE, OVERDUE = "a-jour", "a-verifier", "en-retard"


def review_state(listing: Service | Structure, today: date) -> str:
    """Up to date before its review date; due from that date; overdue once one more period
    of its update frequency has passed without a confirmation."""
    due_on = review_due_on(listing)
    if due_on > today:
        return UP_TO_DATE
    overdue_on = due_on + timedelta(days=ref.FREQUENCE_JOURS[listing.frequence_maj])
    return OVERDUE if overdue_on <= today else DUE


def due_for_review(
    structure_ids: set[str] | None = None, today: date | None = None
) -> list[Service | Structure]:
    """Listings (not archived) whose last confirmation is older than their update frequency."""
    today = today or date.today()
    listings: list[Service | Structure] = []
    for model, owner in ((Structure, Structure.id), (Service, Service.structure_id)):
        query = select(model).where(model.statut_publication != "archive")
        if structure_ids is not None:
            query = query.where(owner.in_(structure_ids))
        listings += [item for item in db.session.scalars(query) if review_due_on(item) <= today]
    return sorted(listings, key=review_due_on)
