"""The services of a page of hits as the API writes them, each dumped once per version.

Reading twenty services and dumping them costs more than the search itself. Each worker
keeps the dumps it made, keyed by what says which state of a service they show: its id, its
version (which grows with every change of the service or of its structure) and its time of
last change (which tells a service deleted and created again from the one it replaced). A
search reads only these keys of its hits — one light query — and loads and dumps only the
services whose current state it has not dumped yet. So an answer always shows the database
as it is, and a frequent service is dumped once.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Service
from ..recent import Recent
from ..schemas.api import SearchServiceSchema

# A dumped service weighs 3–5 KB in memory: at most about 20 MB per worker.
CAPACITY = 4096

SERVICE = SearchServiceSchema()


RECENT: Recent[dict] = Recent(CAPACITY)
STATE = (Service.id, Service.version, Service.updated_at)


def _state(service: Service) -> tuple:
    return service.id, service.version, service.updated_at


def dumped_services(ids: list[str]) -> dict[str, dict]:
    """The API representation of each service of ``ids`` still in the database, as it is
    now. The dumps are shared: read them, never change them."""
    states = db.session.execute(select(*STATE).where(Service.id.in_(ids)))
    dumped, unseen = {}, []
    for state in states:
        dump = RECENT.get(tuple(state))
        if dump is None:
            unseen.append(state.id)
        else:
            dumped[state.id] = dump
    if unseen:
        loaded = db.session.scalars(
            select(Service).where(Service.id.in_(unseen)).options(joinedload(Service.structure))
        )
        for service in loaded:
            dumped[service.id] = RECENT.put(_state(service), SERVICE.dump(service))
    return dumped
