"""The audit trail: who changed which field of which listing, when, from what to what."""

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEntry, Service, Structure, User

IMPORT_ACTOR = "import"
# A listing's creation is one entry, not one per initial field.
CREATION = "creation"


def _json_value(value):
    return value.isoformat() if isinstance(value, date) else value


def entity_type(listing: Service | Structure) -> str:
    return "service" if isinstance(listing, Service) else "structure"


def apply_changes(listing: Service | Structure, attributes: dict, user: User | None) -> dict:
    """Set the attributes that differ and audit each one (a creation as a single entry);
    returns {field: (old, new)}."""
    changes = {}
    for field, value in attributes.items():
        old = getattr(listing, field)
        if old != value:
            changes[field] = (old, value)
    if not changes:
        return {}
    created = not listing.revision
    for field, (_old, new) in changes.items():
        setattr(listing, field, new)
    audited = {CREATION: (None, None)} if created else changes
    for field, (old, new) in audited.items():
        db.session.add(
            AuditEntry(
                user_id=user.id if user else None,
                actor=user.email if user else IMPORT_ACTOR,
                entity_type=entity_type(listing),
                entity_id=listing.id,
                revision=1 if created else listing.revision + 1,
                field=field,
                old_value=_json_value(old),
                new_value=_json_value(new),
            )
        )
    return changes


def history(kind: str, listing_id: str, since_revision: int = 0) -> list[AuditEntry]:
    """The audit entries of a listing after ``since_revision``, newest first."""
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == kind,
            AuditEntry.entity_id == listing_id,
            AuditEntry.revision > since_revision,
        )
        .order_by(AuditEntry.revision.desc(), AuditEntry.id)
    )
    return list(db.session.scalars(query))
