"""The application's schema under Alembic: the revisions in migrations/ (Flask-Migrate)."""

import os
from functools import cache

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import create_engine, inspect

from .extensions import db
from .search import embedded_store

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


@cache
def embedded_index_tables() -> frozenset[str]:
    """The tables the embedded search index makes for itself (in the database when it is
    SQLite): derived data, not the application's schema, so the migrations leave them alone."""
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        embedded_store.create_schema(connection)
    return frozenset(inspect(engine).get_table_names())


def include_in_migrations(name: str | None, type_: str, _parent_names) -> bool:
    """Alembic's ``include_name``: every table but the embedded index's."""
    return type_ != "table" or name not in embedded_index_tables()


def revisions() -> list[str]:
    """Every revision, from the first to the newest."""
    config = current_app.extensions["migrate"].migrate.get_config()
    scripts = ScriptDirectory.from_config(config).walk_revisions()
    return [script.revision for script in reversed(list(scripts))]


def schema_differences() -> list:
    """What `directory db migrate` would write: the models compared with the database."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_in_migrations}
        )
        return compare_metadata(context, db.metadata)


def upgrade_to_head() -> None:
    """Bring the database to the newest revision. A database made by ``db.create_all()``,
    without the migrations, is recorded first at the revision it matches: the newest when
    it holds the tables of the models, otherwise the first (what create_all made before the
    migrations existed)."""
    tables = set(inspect(db.engine).get_table_names())
    if "structures" in tables and "alembic_version" not in tables:
        known = revisions()
        flask_migrate.stamp(revision=known[0] if schema_differences() else known[-1])
    flask_migrate.upgrade()
