"""Backups of the whole database — listings, accounts, audit history, referrals — and their
restoration: SQLite through its online backup API (the server may keep running), PostgreSQL
through pg_dump and pg_restore. The search indexes are not saved: a restore rebuilds them
from what it brought back.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import inspect

from ..extensions import db
from ..search import embedded_store
from ..search.embedded import EmbeddedBackend
from .indexing import rebuild_index, search_backend

# A backup holds at least these tables (a file without them is something else).
REQUIRED_TABLES = ("structures", "services", "users", "audit_entries")


class BackupError(Exception):
    """A backup or a restore refused or failed; the message says why, for the operator."""


def backup(destination: Path) -> None:
    """Write a backup of the whole database to ``destination`` (which must not exist)."""
    if destination.exists():
        raise BackupError(_("%(path)s existe déjà : choisissez un autre nom.", path=destination))
    if _is_sqlite():
        with db.engine.connect() as connection, sqlite3.connect(destination) as target:
            connection.connection.driver_connection.backup(target)
    else:
        _postgresql_tool("pg_dump", "--format=custom", "--no-owner", f"--file={destination}")


def restore(source: Path) -> int:
    """Replace the whole database by the backup ``source``, then rebuild the search indexes;
    returns the number of services indexed. A file that is not a backup changes nothing."""
    if not source.is_file():
        raise BackupError(_("%(path)s n'existe pas.", path=source))
    db.session.remove()
    if _is_sqlite():
        _restore_sqlite(source)
    else:
        _check_postgresql_backup(source)
        db.engine.dispose()
        _postgresql_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            str(source),
        )
    search_backend().create_schema()
    return rebuild_index()


def _is_sqlite() -> bool:
    return db.engine.url.get_backend_name() == "sqlite"


def _restore_sqlite(source: Path) -> None:
    with sqlite3.connect(source) as backup_file:
        _check_sqlite_backup(backup_file, source)
        generation = _index_generation()
        with db.engine.connect() as connection:
            backup_file.backup(connection.connection.driver_connection)
    backup_file.close()
    if generation is not None:
        _keep_generation_from(generation)


def _check_sqlite_backup(backup_file: sqlite3.Connection, source: Path) -> None:
    try:
        tables = {row[0] for row in backup_file.execute("SELECT name FROM sqlite_master")}
        healthy = backup_file.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError as error:
        raise BackupError(_not_a_backup(source, str(error))) from error
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing or not healthy:
        detail = _("tables absentes : %(tables)s", tables=", ".join(missing)) if missing else ""
        raise BackupError(_not_a_backup(source, detail or _("fichier abîmé")))


def _not_a_backup(source: Path, detail: str) -> str:
    return _(
        "%(path)s n'est pas une sauvegarde de l'annuaire (%(detail)s) : rien n'a changé.",
        path=source,
        detail=detail,
    )


def _index_generation() -> int | None:
    """The embedded index's generation, when it lives in the database being restored."""
    embedded = next(b for b in search_backend().backends if isinstance(b, EmbeddedBackend))
    same_file = embedded.engine.url == db.engine.url
    if not same_file or "search_state" not in inspect(db.engine).get_table_names():
        return None
    with embedded.engine.connect() as connection:
        return embedded_store.read_state(connection).generation


def _keep_generation_from(generation: int) -> None:
    """After a restore, the index's generation goes on from where it was, not from the
    backup's: the workers holding the index in memory then see the rebuild as newer."""
    with db.engine.begin() as connection:
        embedded_store.create_schema(connection)
        embedded_store.raise_generation(connection, generation)


def _check_postgresql_backup(source: Path) -> None:
    listing = subprocess.run(["pg_restore", "--list", str(source)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(_not_a_backup(source, listing.stderr.strip().splitlines()[-1]))
    missing = [t for t in REQUIRED_TABLES if f" TABLE public {t} " not in listing.stdout]
    if missing:
        raise BackupError(
            _not_a_backup(source, _("tables absentes : %(tables)s", tables=", ".join(missing)))
        )


def _postgresql_tool(tool: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore on the application's database; its password goes through
    the environment, never on a command line that `ps` shows."""
    url = db.engine.url
    target = url.set(drivername="postgresql", password=None).render_as_string()
    environment = os.environ | ({"PGPASSWORD": url.password} if url.password else {})
    command = [tool, *arguments, f"--dbname={target}"]
    done = subprocess.run(command, capture_output=True, text=True, env=environment)
    if done.returncode != 0:
        raise BackupError(_("%(tool)s a échoué : %(error)s", tool=tool, error=done.stderr.strip()))
