"""Keep the search indexes in step with the database, through a durable outbox.

Every flush that touches a service or a structure queues the services concerned in
``search_outbox``, in the same transaction as the change. Every writer saves through
``commit_and_index`` (or commits, then calls ``index_queued``, as the import does): the
queue is drained into the indexes right after the commit. What cannot be indexed then
(Elasticsearch down) stays queued until the next write or `directory index sync`, which
runs on a schedule; searches never write. Index writes carry a version, so replaying an
entry twice, or late, never overwrites a newer document.
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
# Past this many queued services, rebuilding the indexes is faster than draining the queue.
REBUILD_THRESHOLD = 2_000


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
    hidden = set(ids) - {service.id for service in visible}
    versions = db.session.execute(select(Service.id, Service.version).where(Service.id.in_(hidden)))
    search_backend().index(
        [build_document(service) for service in visible],
        deleted=dict.fromkeys(hidden) | dict(versions.all()),
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


def _nothing(_count: int) -> None:
    """No progress to show."""


def commit_and_index(progress: Callable[[int], None] = _nothing) -> str | None:
    """The unit of work of every change to the listings: commit, then index what the queue
    holds. Returns why changes stay queued, if they do."""
    db.session.commit()
    return index_queued(progress)


def rebuild_needed() -> bool:
    """Whether so many services are queued that rebuilding the indexes beats the queue."""
    return pending_count() > REBUILD_THRESHOLD


def index_queued(progress: Callable[[int], None] = _nothing) -> str | None:
    """Index what the writes queued (by a rebuild when rebuild_needed()); returns why
    changes stay queued, if they do."""
    if not rebuild_needed():
        return sync_outbox().error
    try:
        rebuild_index(progress)
    except SearchUnavailable as error:
        return str(error)
    return None


def rebuild_index(progress: Callable[[int], None] = _nothing) -> int:
    """Rebuild every index from the database; returns the number of indexed services.

    The queue as it stood before the rebuild is covered by it, and emptied.
    """
    covered = db.session.scalar(select(func.max(SearchOutbox.id)))
    count = search_backend().rebuild(lambda: visible_documents(progress))
    if covered is not None:
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= covered))
        db.session.commit()
    return count
