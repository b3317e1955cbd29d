"""The streamed import: two passes over the files, all or nothing at any size, and a rebuild
of the search indexes after a big import."""

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from directory import create_app
from directory.extensions import db
from directory.models import AuditEntry, SearchOutbox, Service, Structure
from directory.services import transfer
from directory.services.indexing import REBUILD_THRESHOLD
from tests.ban_server import unused_port_url
from tests.conftest import BACKENDS, make_app
from tests.factories import service, structure

# More services than the queue replays one by one after an import.
MANY = REBUILD_THRESHOLD + 100


def write_json(path, content) -> str:
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def rows(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Structure, Service, AuditEntry, SearchOutbox)
        }


NOTHING = {"Structure": 0, "Service": 0, "AuditEntry": 0, "SearchOutbox": 0}


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def search_total(app, **params) -> int:
    response = app.test_client().get("/api/v1/search/services", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["total"]


def test_the_files_read_as_json_loads_reads_them(app, tmp_path):
    records = [
        structure("s", latitude=48.85, longitude=2, siret=None),
        service("a", "s", age_min=16, volume_horaire_hebdomadaire=1.5e1, nombre_semaines=-0),
    ]
    listed = write_json(tmp_path / "liste.json", records)
    both = write_json(tmp_path / "objet.json", {"services": records[1:], "structures": records[:1]})
    with app.app_context():
        read = list(transfer.JsonFiles([listed, both]))
    assert [raw.data for raw in read] == [*records, *records]
    types = [[type(value) for value in record.values()] for record in records]
    assert [[type(value) for value in raw.data.values()] for raw in read] == types + types
    assert [raw.source for raw in read] == [
        "liste.json#1",
        "liste.json#2",
        "objet.json#1",
        "objet.json#2",
    ]
    assert [raw.kind for raw in read] == ["structure", "service", "structure", "service"]


def test_a_file_that_is_not_records_is_reported_by_name(app, tmp_path):
    path = write_json(tmp_path / "autre.json", {"donnees": [service()]})
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code != 0
    assert "autre.json" in result.output and "{structures, services}" in result.output


def test_an_invalid_record_after_thousands_of_valid_ones_writes_nothing(app, tmp_path):
    good = [service(f"ok-{n}") for n in range(3000)]
    bad = service("mauvais", courriel="pas-une-adresse")
    path = write_json(tmp_path / "gros.json", [structure(), *good, bad])
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code != 0
    assert "gros.json#3002 — service « mauvais » — courriel : " in result.output
    assert "rien n'a été importé" in result.output
    assert rows(app) == NOTHING


def test_a_failure_in_the_middle_of_the_writes_leaves_nothing(app, tmp_path, load):
    """The last service names a structure that goes away between the two passes: its insert
    fails after three batches were flushed, and they are rolled back with it."""
    load([structure("partie")], [])
    services = [service(f"ok-{n}", "nouvelle") for n in range(3 * transfer.CHUNK_SIZE)]
    orphan = service("orpheline", "partie")
    path = write_json(tmp_path / "data.json", [structure("nouvelle"), *services, orphan])
    with app.app_context():
        plan = transfer.validate(transfer.JsonFiles([path]))
        assert plan.ok, plan.errors
        db.session.delete(db.session.get(Structure, "partie"))
        db.session.commit()
        with pytest.raises(IntegrityError, match=r"(?i)foreign key"):  # SQLite, PostgreSQL
            transfer.write(plan)
    assert rows(app) == NOTHING | {"AuditEntry": 1}  # the loaded structure's creation
    assert search_total(app) == 0


def test_what_is_written_is_what_was_validated_even_if_the_file_changes_meanwhile(app, tmp_path):
    path = tmp_path / "data.json"
    write_json(path, [structure(), service("a", courriel="accueil@exemple.fr")])
    with app.app_context():
        plan = transfer.validate(transfer.JsonFiles([path]))
        assert plan.ok, plan.errors
        write_json(path, [structure(), service("a", courriel="pas-une-adresse")])
        transfer.write(plan)
        assert db.session.get(Service, "a").courriel == "accueil@exemple.fr"


def test_services_before_their_structures_in_a_list_import(app, tmp_path):
    records = [service("a", "s1"), structure("s1"), service("b", "s2"), structure("s2")]
    result = app.test_cli_runner().invoke(args=["import", write_json(tmp_path / "d.json", records)])
    assert result.exit_code == 0, result.output
    assert "Structures : 2 créé(e)s" in result.output and "Services : 2 créé(e)s" in result.output
    assert search_total(app) == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_big_import_rebuilds_the_indexes_and_empties_the_queue(app, tmp_path):
    services = [service(f"s{n:05d}", nom=f"Permanence numéro {n}") for n in range(MANY)]
    services[-1]["nom"] = "Atelier de couture"
    path = write_json(tmp_path / "data.json", {"structures": [structure()], "services": services})
    result = app.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert "Indexation" in result.output and "index sync" not in result.output
    assert rows(app)["SearchOutbox"] == 0
    assert search_total(app) == MANY
    assert search_total(app, q="couture") == 1


def test_a_big_import_while_the_node_is_down_stays_queued(tmp_path, request):
    """The import runs in an application whose Elasticsearch does not answer; then one on
    the same database, whose node answers, catches up."""
    app = make_app(tmp_path / "db.sqlite3", "elasticsearch", request)
    keys = ("SQLALCHEMY_DATABASE_URI", "SEARCH_BACKEND", "ELASTICSEARCH_INDEX_PREFIX")
    config = {key: app.config[key] for key in keys} | {"SECRET_KEY": "test"}
    down = create_app({**config, "TESTING": True, "ELASTICSEARCH_URL": unused_port_url()})
    request.addfinalizer(lambda: dispose(down))
    services = [service(f"s{n:05d}") for n in range(MANY)]
    path = write_json(tmp_path / "data.json", {"structures": [structure()], "services": services})
    result = down.test_cli_runner().invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert "index sync" in result.output
    assert rows(app)["Service"] == MANY and rows(app)["SearchOutbox"] == MANY
    assert search_total(app) == 0

    sync = app.test_cli_runner().invoke(args=["index", "sync"])
    assert sync.exit_code == 0, sync.output
    assert rows(app)["SearchOutbox"] == 0
    assert search_total(app) == MANY
