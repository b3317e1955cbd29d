"""Reading listings as the public sees them: published services of published structures."""

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Service, Structure
from ..search.text import fold

Listing = TypeVar("Listing", Service, Structure)


def by_name(listings: Iterable[Listing]) -> list[Listing]:
    """In the order of their names as a reader expects it, whatever the case and accents
    ("Caisse" before "CIDJ", "École" among the E), the id apart equal names."""
    return sorted(listings, key=lambda listing: (fold(listing.nom), listing.id))


def visible_service(service_id: str) -> Service | None:
    service = db.session.get(Service, service_id, options=[selectinload(Service.structure)])
    return service if service and service.is_visible else None


# Ids per SQL IN list: far below every database's limit on bound parameters.
IDS_PER_QUERY = 500


def visible_services(ids: list[str]) -> dict[str, Service]:
    """The services of ``ids`` the public sees, with their structures, by id."""
    found: dict[str, Service] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        query = (
            select(Service).where(Service.id.in_(chunk)).options(selectinload(Service.structure))
        )
        found |= {service.id: service for service in db.session.scalars(query)}
    return {service_id: service for service_id, service in found.items() if service.is_visible}


def every_published_structure() -> list[Structure]:
    query = select(Structure).where(Structure.is_published).order_by(Structure.id)
    return list(db.session.scalars(query))


def published_structure(structure_id: str) -> Structure | None:
    structure = db.session.get(Structure, structure_id)
    return structure if structure and structure.is_published else None


def published_structures(page: int, size: int) -> tuple[int, list[Structure]]:
    published = select(Structure).where(Structure.is_published)
    total = db.session.scalar(select(func.count()).select_from(published.subquery()))
    rows = db.session.scalars(
        published.order_by(Structure.nom, Structure.id).offset((page - 1) * size).limit(size)
    ).all()
    return total, list(rows)


def signatories() -> list[Structure]:
    query = select(Structure).where(Structure.signataire, Structure.is_published)
    return by_name(db.session.scalars(query))
