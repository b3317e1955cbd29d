"""The application's schema under Alembic: the revisions in migrations/ (Flask-Migrate)."""

import os
from functools import cache

import flask_migrate
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


def first_revision() -> str:
    """The revision that creates the tables as ``db.create_all()`` made them before the
    migrations existed."""
    config = current_app.extensions["migrate"].migrate.get_config()
    (base,) = ScriptDirectory.from_config(config).get_bases()
    return base


def upgrade_to_head() -> None:
    """Bring the database to the newest revision. A database made by ``db.create_all()``
    before the migrations existed holds the first revision's tables: it is stamped so."""
    tables = set(inspect(db.engine).get_table_names())
    if "structures" in tables and "alembic_version" not in tables:
        flask_migrate.stamp(revision=first_revision())
    flask_migrate.upgrade()
