"""Changes saved while Elasticsearch's index is being rebuilt are not lost (issue 9): the
rebuild reads the directory over several seconds, then puts its new index in place of the
live one; what was renamed or withdrawn meanwhile must be so in the new index too."""

import random
import threading
import time

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import Service
from directory.services.indexing import commit_and_index, visible_documents
from tests.factories import service, structure

SERVICES = 300


@pytest.fixture
def backend() -> str:
    return "elasticsearch"


@pytest.fixture
def directory_of_permanences(load):
    load([structure()], [service(f"s{n:03d}", nom=f"Permanence {n}") for n in range(SERVICES)])


def _slow_reading(app):
    """The documents as a big rebuild reads them: all read at the start, then sent over
    three seconds, so that edits land between the reading and the sending."""
    with app.app_context():
        documents = list(visible_documents(lambda _count: None))
    for document in documents:
        time.sleep(0.01)
        yield document


def _edit_until(done: threading.Event, app, rng: random.Random) -> int:
    """Rename and withdraw random services, ten per saved change, until ``done``."""
    edits = 0
    with app.app_context():
        while not done.is_set():
            for service_id in rng.sample([f"s{n:03d}" for n in range(SERVICES)], 10):
                found = db.session.get(Service, service_id)
                found.nom = f"Permanence renommée {edits}"
                if edits % 7 == 0:
                    found.statut_publication = "brouillon"
                edits += 1
            assert commit_and_index() is None
    return edits


@pytest.mark.usefixtures("directory_of_permanences")
def test_every_change_saved_during_a_rebuild_is_in_the_new_index(app):
    elasticsearch = app.extensions["directory.search"].primary
    done, loaded = threading.Event(), []

    def rebuild() -> None:
        loaded.append(elasticsearch.rebuild(_slow_reading(app)))
        done.set()

    rebuilding = threading.Thread(target=rebuild)
    rebuilding.start()
    try:
        edits = _edit_until(done, app, random.Random(9))
    finally:
        done.set()
        rebuilding.join()
    assert loaded and edits >= 30, "the edits must overlap the rebuild"

    with app.app_context():
        expected = {s.id: s.version for s in db.session.scalars(select(Service)) if s.is_visible}
    found = elasticsearch.client.search(
        index=elasticsearch.alias, size=SERVICES, version=True, _source=False
    )["hits"]["hits"]
    indexed = {hit["_id"]: hit["_version"] for hit in found}
    wrong = {i: (indexed.get(i), v) for i, v in expected.items() if indexed.get(i) != v}
    print(f"{edits} edits during the rebuild; {len(wrong)} services stale in the new index")
    assert wrong == {}
    assert set(indexed) == set(expected), "a withdrawn service came back"
