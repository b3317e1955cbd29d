"""The search API reuses the services it has dumped (api/hits.py), yet always shows them as
the database has them now — whichever worker changed them."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from directory.extensions import db
from directory.models import Service
from directory.recent import Recent
from tests.factories import service, structure


@pytest.fixture
def listed(load):
    load(
        [structure("asso", nom="Maison des langues")],
        [service("a", nom="Atelier d'anglais", latitude=48.857, longitude=2.375)],
    )


def _first_hit(client) -> dict:
    items = client.get("/api/v1/search/services").get_json()["items"]
    assert len(items) == 1
    return items[0]["service"]


def _another_worker(app, statement: str, **parameters) -> None:
    """A change made outside this process's session, as another gunicorn worker would."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(statement), parameters)


@pytest.mark.usefixtures("listed")
def test_a_service_changed_by_another_worker_shows_as_changed(app, client):
    assert _first_hit(client)["nom"] == "Atelier d'anglais"
    _another_worker(
        app,
        "UPDATE services SET nom = :nom, revision = revision + 1 WHERE id = 'a'",
        nom="Atelier FLE",
    )
    assert _first_hit(client)["nom"] == "Atelier FLE"


@pytest.mark.usefixtures("listed")
def test_a_structure_renamed_by_another_worker_shows_in_its_services(app, client):
    assert _first_hit(client)["structure"]["nom"] == "Maison des langues"
    _another_worker(
        app,
        "UPDATE structures SET nom = :nom, revision = revision + 1 WHERE id = 'asso'",
        nom="Maison des cultures",
    )
    assert _first_hit(client)["structure"]["nom"] == "Maison des cultures"


@pytest.mark.usefixtures("listed")
def test_a_service_created_again_under_the_same_id_shows_as_new(app, client):
    assert _first_hit(client)["nom"] == "Atelier d'anglais"
    with app.app_context():
        gone = db.session.get(Service, "a")
        old_version = gone.version
        columns = Service.__table__.columns.keys()
        values = {key: getattr(gone, key) for key in columns if key not in ("updated_at",)}
        db.session.delete(gone)
        db.session.commit()
        db.session.add(Service(**values | {"nom": "Atelier refait"}))
        db.session.commit()
        # The same id and version: only the time of the change tells them apart.
        assert db.session.get(Service, "a").version == old_version
    assert _first_hit(client)["nom"] == "Atelier refait"


@pytest.mark.usefixtures("listed")
def test_a_repeated_search_gives_the_same_answer(client):
    first = client.get("/api/v1/search/services?lat=48.86&lon=2.38").get_json()
    again = client.get("/api/v1/search/services?lat=48.86&lon=2.38").get_json()
    assert again == first
    assert first["items"][0]["distance"] is not None


def test_the_least_recently_used_dump_leaves_first():
    dumps = Recent(capacity=2)
    dumps.put(("a", 1), {"nom": "A"})
    dumps.put(("b", 1), {"nom": "B"})
    assert dumps.get(("a", 1)) == {"nom": "A"}
    dumps.put(("c", 1), {"nom": "C"})
    assert len(dumps) == 2
    assert dumps.get(("b", 1)) is None
    assert dumps.get(("a", 1)) == {"nom": "A"}
