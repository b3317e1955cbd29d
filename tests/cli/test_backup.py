"""`directory backup` and `directory restore`: a restore drill, as an operator runs it, on
the suite's database (SQLite, or PostgreSQL with --db postgresql) and both search backends."""

import pytest
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import AuditEntry, Service, User
from directory.services import accounts
from directory.services.indexing import commit_and_index
from tests.conftest import BACKENDS
from tests.factories import service, structure


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _state(app) -> dict:
    with app.app_context():
        return {
            "nom": db.session.get(Service, "a").nom,
            "users": sorted(db.session.scalars(select(User.email))),
            "audit": db.session.scalar(select(func.count()).select_from(AuditEntry)),
        }


def _found(client, text: str) -> list[str]:
    items = client.get("/api/v1/search/services", query_string={"q": text}).get_json()["items"]
    return [item["service"]["id"] for item in items]


def test_a_restore_brings_back_what_the_backup_held(app, load, client, tmp_path):
    load([structure()], [service("a", nom="Atelier de couture")])
    with app.app_context():
        accounts.create_user("coordination@exemple.fr", "un mot de passe solide", "admin", "")
    saved = _state(app)
    backup_file = tmp_path / "annuaire.backup"
    done = run(app, "backup", str(backup_file))
    assert done.exit_code == 0, done.output
    assert backup_file.stat().st_size > 0

    with app.app_context():
        db.session.get(Service, "a").nom = "Atelier de tricot"
        db.session.delete(db.session.scalar(select(User)))
        commit_and_index()
    assert _found(client, "tricot") == ["a"]

    restored = run(app, "restore", str(backup_file), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "1 service(s) indexé(s)" in restored.output
    assert _state(app) == saved
    assert _found(client, "couture") == ["a"]
    assert _found(client, "tricot") == []


def test_restore_refuses_a_file_that_is_no_backup_and_changes_nothing(app, load, tmp_path):
    load([structure()], [service("a", nom="Atelier de couture")])
    before = _state(app)
    stranger = tmp_path / "notes.txt"
    stranger.write_text("pas une sauvegarde")
    refused = run(app, "restore", str(stranger), "--yes")
    assert refused.exit_code != 0
    assert "notes.txt n'est pas une sauvegarde de l'annuaire" in refused.output
    assert _state(app) == before


def test_backup_never_overwrites_a_file(app, tmp_path):
    existing = tmp_path / "annuaire.backup"
    existing.write_text("précieux")
    refused = run(app, "backup", str(existing))
    assert refused.exit_code != 0 and "existe déjà" in refused.output
    assert existing.read_text() == "précieux"


def test_restore_asks_before_replacing_the_database(app, load, tmp_path):
    load([structure()], [service("a", nom="Atelier de couture")])
    backup_file = tmp_path / "annuaire.backup"
    assert run(app, "backup", str(backup_file)).exit_code == 0
    declined = app.test_cli_runner().invoke(args=["restore", str(backup_file)], input="n\n")
    assert declined.exit_code != 0 and "Remplacer toute la base" in declined.output
