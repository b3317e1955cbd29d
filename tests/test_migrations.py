"""The migrations (migrations/, Alembic through Flask-Migrate) and the models agree, and an
upgrade keeps every row: on the database of the run (pytest --db sqlite|postgresql)."""

from datetime import UTC, date, datetime

import flask_migrate
import pytest
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from directory import create_app
from directory.database import embedded_index_tables, revisions, schema_differences
from directory.extensions import db
from directory.models import AuditEntry, Service, Structure, User
from tests.conftest import database_config

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LISTING = {
    "source": "tests",
    "description": "Cours de français à visée professionnelle, niveau A1 à B1.",
    "date_maj": date(2026, 3, 1),
    "commune": "Paris",
    "code_postal": "75019",
    "code_insee": "75119",
    "adresse": "12 rue de l'Ourcq",
    "longitude": 2.3794,
    "latitude": 48.8892,
    "telephone": "+33140000000",
    "statut_publication": "publie",
    "frequence_maj": "semestrielle",
    "revision": 3,
    "created_at": WHEN,
    "updated_at": WHEN,
}
# Rows of every table as the first revision has it: written before any later revision runs.
FIRST_REVISION_ROWS = {
    "structures": [
        LISTING
        | {
            "id": "maison-des-langues",
            "nom": "Maison des langues — Œuvre d'accueil",
            "reseaux_porteurs": ["france-travail"],
            "signataire": False,
            "approuvee": True,
        }
    ],
    "services": [
        LISTING
        | {
            "id": "atelier-fle",
            "structure_id": "maison-des-langues",
            "nom": "Atelier FLE",
            "thematiques": ["apprendre-francais--accompagnement-insertion-pro"],
            "zone_eligibilite": ["75"],
            "statuts_sejour": ["refugie", "titre-sejour"],
            "langues_parlees": ["ar", "prs"],
            "niveau_francais_min": "A1",
            "age_min": 18,
            "rqth_requise": False,
            "volume_horaire_hebdomadaire": 7.5,
        }
    ],
    "users": [
        {
            "id": 1,
            "email": "agent@partenaire.fr",
            "nom": "Agent",
            "password_hash": "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA",
            "role": "editor",
            "active": True,
            "created_at": WHEN,
        }
    ],
    "memberships": [{"user_id": 1, "structure_id": "maison-des-langues"}],
    "audit_entries": [
        {
            "id": 1,
            "at": WHEN,
            "user_id": 1,
            "actor": "agent@partenaire.fr",
            "entity_type": "service",
            "entity_id": "atelier-fle",
            "revision": 3,
            "field": "langues_parlees",
            "old_value": ["ar"],
            "new_value": ["ar", "prs"],
        }
    ],
    "search_outbox": [{"id": 1, "service_id": "atelier-fle", "created_at": WHEN, "attempts": 2}],
    "login_attempts": [{"id": 1, "at": WHEN, "email": "x@y.fr", "address": "127.0.0.1"}],
    "password_reset_tokens": [
        {"id": 1, "user_id": 1, "token_hash": "ab" * 32, "expires_at": WHEN, "used_at": None}
    ],
}


@pytest.fixture
def bare_app(tmp_path, request):
    """An application on an empty database: no table at all."""
    app = create_app({"TESTING": True, **database_config(tmp_path / "db.sqlite3", request)})
    yield app
    with app.app_context():
        db.engine.dispose()


def in_utc(value):
    """SQLite gives back naive date-times (in UTC here), PostgreSQL aware ones."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def missing_rows(expected: dict[str, list[dict]]) -> list[str]:
    """Each expected row that is gone or changed, compared on the columns its table still has."""
    tables = MetaData()
    tables.reflect(db.engine)
    problems = []
    with db.engine.connect() as connection:
        for name, rows in expected.items():
            if name not in tables.tables:
                problems.append(f"table {name} is gone")
                continue
            table = tables.tables[name]
            stored = [
                {key: in_utc(value) for key, value in row._mapping.items()}
                for row in connection.execute(table.select())
            ]
            for row in rows:
                kept = {key: in_utc(value) for key, value in row.items() if key in table.c}
                if not any(kept.items() <= found.items() for found in stored):
                    problems.append(f"{name}: {kept} not in {stored}")
    return problems


def test_init_db_builds_the_schema_of_the_models(bare_app):
    result = bare_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with bare_app.app_context():
        assert schema_differences() == []
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) < tables
        # The embedded index sits beside them on SQLite, and autogenerate leaves it alone.
        if db.engine.dialect.name == "sqlite":
            assert embedded_index_tables() < tables
        assert current_revision() == revisions()[-1]


def test_rows_written_at_the_first_revision_survive_every_upgrade(bare_app):
    with bare_app.app_context():
        steps = revisions()
        flask_migrate.upgrade(revision=steps[0])
        tables = MetaData()
        tables.reflect(db.engine)
        assert set(FIRST_REVISION_ROWS) == set(tables.tables) - {"alembic_version"}
        with db.engine.begin() as connection:
            for table in tables.sorted_tables:
                if rows := FIRST_REVISION_ROWS.get(table.name):
                    connection.execute(table.insert(), rows)
        assert missing_rows(FIRST_REVISION_ROWS) == []
        for revision in steps[1:]:
            flask_migrate.upgrade(revision=revision)
            assert missing_rows(FIRST_REVISION_ROWS) == [], revision
        # At the head, the models read them.
        service = db.session.get(Service, "atelier-fle")
        assert service.structure.nom == "Maison des langues — Œuvre d'accueil"
        assert service.langues_parlees == ["ar", "prs"]
        assert db.session.get(User, 1).structures == [
            db.session.get(Structure, "maison-des-langues")
        ]
        assert db.session.get(AuditEntry, 1).new_value == ["ar", "prs"]


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_init_db_adopts_a_database_made_by_create_all_as_it_is(bare_app):
    with bare_app.app_context():
        db.create_all()
    result = bare_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with bare_app.app_context():
        assert current_revision() == revisions()[-1]


def test_init_db_adopts_a_database_made_before_the_migrations(bare_app):
    """Such a database has the first revision's tables and no alembic_version table."""
    with bare_app.app_context():
        flask_migrate.upgrade(revision=revisions()[0])
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE alembic_version")
            tables = MetaData()
            tables.reflect(connection)
            connection.execute(
                tables.tables["structures"].insert(), FIRST_REVISION_ROWS["structures"]
            )
    result = bare_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with bare_app.app_context():
        assert schema_differences() == []
        assert missing_rows({"structures": FIRST_REVISION_ROWS["structures"]}) == []
