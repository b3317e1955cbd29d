"""Keep the search indexes in step with the database, through a durable outbox.

Every flush that touches a service or a structure queues the services concerned in
``search_outbox``, in the same transaction as the change. After the commit, the queue is
drained into the indexes; what cannot be indexed now (Elasticsearch down) stays queued
until the next write or `directory index sync`. Index writes carry a version, so replaying
an entry twice, or late, never overwrites a newer document.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from ..models import SearchOutbox, Service, Structure
from ..referentials import PUBLIE
from ..search import SearchIndexes
from ..search.documents import SearchDocument, build_document
from ..search.query import SearchUnavailable

BATCH_SIZE = 500
RETRY_DELAYS = (0.2, 1.0)


def search_backend() -> SearchIndexes:
    return current_app.extensions["directory.search"]


def visible_services_query():
    return (
        select(Service)
        .join(Service.structure)
        .where(Service.statut_publication == PUBLIE, Structure.is_published)
        .options(selectinload(Service.structure))
        .order_by(Service.id)
    )


# -- the outbox --------------------------------------------------------------------------


def _services_concerned(session: Session) -> set[str]:
    ids = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Service):
            ids.add(obj.id)
        elif isinstance(obj, Structure) and obj not in session.new:
            ids.update(service.id for service in obj.services)
    return ids


@event.listens_for(Session, "before_flush")
def queue_index_changes(session: Session, _context, _instances) -> None:
    """Queue, in the same transaction, every service whose index entry the flush changes
    (one INSERT for all of them: an import flushes hundreds at a time)."""
    rows = [{"service_id": service_id} for service_id in sorted(_services_concerned(session))]
    if rows:
        session.execute(insert(SearchOutbox.__table__), rows)


@dataclass(frozen=True)
class SyncReport:
    indexed: int
    pending: int
    error: str | None = None


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchOutbox))


def sync_outbox() -> SyncReport:
    """Index every queued service; on failure the queue stays for a later try."""
    indexed = 0
    while entries := db.session.scalars(
        select(SearchOutbox).order_by(SearchOutbox.id).limit(BATCH_SIZE)
    ).all():
        service_ids = {entry.service_id for entry in entries}
        try:
            _with_retries(lambda ids=service_ids: index_services(ids))
        except SearchUnavailable as error:
            for entry in entries:
                entry.attempts += 1
                entry.last_error = str(error)[:1000]
            db.session.commit()
            return SyncReport(indexed, pending_count(), str(error))
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([e.id for e in entries])))
        db.session.commit()
        indexed += len(service_ids)
    return SyncReport(indexed, 0)


def _with_retries(action: Callable[[], None]) -> None:
    for delay in RETRY_DELAYS:
        try:
            return action()
        except SearchUnavailable:
            time.sleep(delay)
    return action()


# -- writing to the indexes --------------------------------------------------------------


def index_services(service_ids: Iterable[str]) -> None:
    """Bring the indexes up to date for these services: add the visible ones, drop the rest."""
    ids = sorted(set(service_ids))
    if not ids:
        return
    visible = db.session.scalars(visible_services_query().where(Service.id.in_(ids))).all()
    visible_ids = {service.id for service in visible}
    search_backend().index(
        [build_document(service) for service in visible],
        deleted=[service_id for service_id in ids if service_id not in visible_ids],
    )


def visible_documents(progress: Callable[[int], None]) -> Iterator[SearchDocument]:
    """Every visible service as an index document, read in batches by id; the session is
    emptied after each batch, so memory stays flat whatever the size of the directory."""
    last_id = ""
    while batch := db.session.scalars(
        visible_services_query().where(Service.id > last_id).limit(BATCH_SIZE)
    ).all():
        for service in batch:
            yield build_document(service)
            progress(1)
        last_id = batch[-1].id
        db.session.expunge_all()


def rebuild_index(progress: Callable[[int], None] = lambda n: None) -> int:
    """Rebuild every index from the database; returns the number of indexed services.

    The queue as it stood before the rebuild is covered by it, and emptied.
    """
    covered = db.session.scalar(select(func.max(SearchOutbox.id)))
    count = search_backend().rebuild(lambda: visible_documents(progress))
    if covered is not None:
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= covered))
        db.session.commit()
    return count
