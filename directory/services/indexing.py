"""Keep the search index in step with the database: written after each commit."""

from collections.abc import Callable, Iterable

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Service, Structure
from ..search import SearchBackend
from ..search.documents import build_document

BATCH_SIZE = 500


def search_backend() -> SearchBackend:
    return current_app.extensions["directory.search"]


def visible_services_query():
    return (
        select(Service)
        .join(Service.structure)
        .where(Service.statut_publication == "publie", Structure.statut_publication == "publie")
        .options(selectinload(Service.structure))
        .order_by(Service.id)
    )


def index_services(service_ids: Iterable[str]) -> None:
    """Bring the index up to date for these services: add the visible ones, drop the rest."""
    ids = sorted(set(service_ids))
    if not ids:
        return
    visible = db.session.scalars(visible_services_query().where(Service.id.in_(ids))).all()
    visible_ids = {service.id for service in visible}
    search_backend().index(
        [build_document(service) for service in visible],
        deleted=[service_id for service_id in ids if service_id not in visible_ids],
    )


def rebuild_index(progress: Callable[[int], None] = lambda n: None) -> int:
    """Rebuild the whole index from the database; returns the number of indexed services."""
    documents = []
    for service in db.session.scalars(visible_services_query()).yield_per(BATCH_SIZE):
        documents.append(build_document(service))
        progress(1)
    return search_backend().rebuild(documents)
