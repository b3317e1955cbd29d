"""Shared fixtures: a real application on a fresh database and a search backend.

The database is a temporary SQLite file, or with ``--db postgresql`` a new database on the
local PostgreSQL of scripts/pg-start (started here when needed), dropped after the test; the
embedded index then lives in the SQLite file. Tables come from ``db.create_all()`` (fast);
tests/test_migrations.py proves the migrations build the same schema.
Search tests run against both backends; the Elasticsearch one is a real local node
(scripts/es-start, started here when it is not already answering).
"""

import email
import json
import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from elasticsearch import Elasticsearch
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from directory import create_app
from directory.extensions import db
from directory.services import transfer
from directory.services.indexing import search_backend

from .ban_server import BanServer, unused_port_url
from .browser import launch_chromium

BACKENDS = ("embedded", "elasticsearch")
ELASTICSEARCH_URL = os.environ.get("DIRECTORY_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200")
ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=DATABASES,
        default="sqlite",
        help="database of the tests' applications (postgresql: the server of scripts/pg-start)",
    )


def pytest_report_header(config) -> str:
    return f"database: {config.getoption('--db')}"


def _node_answers() -> bool:
    try:
        Elasticsearch(ELASTICSEARCH_URL, request_timeout=3).cluster.health()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    """A running Elasticsearch node: the test command starts one; so does this, if needed."""
    if not _node_answers():
        subprocess.run([str(ROOT / "scripts" / "es-start")], check=True)
    return ELASTICSEARCH_URL


@pytest.fixture(scope="session")
def postgresql_url() -> str:
    """The local PostgreSQL server (scripts/pg-start, or DIRECTORY_TEST_POSTGRESQL_URL)."""
    url = os.environ.get("DIRECTORY_TEST_POSTGRESQL_URL")
    if not url:
        started = subprocess.run(
            [str(ROOT / "scripts" / "pg-start")], check=True, stdout=subprocess.PIPE, text=True
        )
        url = started.stdout.strip()
    return url


@pytest.fixture(scope="session")
def postgresql_admin(postgresql_url):
    """A connection that creates and drops the tests' databases."""
    engine = create_engine(postgresql_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def database_config(path: Path, request: pytest.FixtureRequest) -> dict:
    """Settings of a fresh, empty database: the SQLite file ``path``, or with --db postgresql
    a new PostgreSQL database (dropped after the test), its embedded index in ``path``."""
    if request.config.getoption("--db") == "sqlite":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    admin = request.getfixturevalue("postgresql_admin")
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin.exec_driver_sql(f"CREATE DATABASE {name}")
    # WITH (FORCE): a connection some thread or process left open does not hold it back.
    request.addfinalizer(lambda: admin.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)"))
    url = make_url(request.getfixturevalue("postgresql_url")).set(database=name)
    return {
        "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
        "EMBEDDED_INDEX_URL": f"sqlite:///{path}",
    }


def make_app(
    database: Path, backend: str, request: pytest.FixtureRequest, es_url: str = "", **settings
):
    """An application with tables and an empty index; its ES indexes and database go at
    teardown. ``database``: the SQLite file of its database or of its embedded index;
    ``settings``: more of the application's settings."""
    config = {
        "TESTING": True,
        **database_config(database, request),
        "SECRET_KEY": "test",
        "SEARCH_BACKEND": backend,
        # Cheap password hashing: the tests are about who may do what, not about argon2's cost.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 8192,
        # No test may reach the Internet: the BAN is a local stand-in (the `ban` fixture).
        "BAN_URL": unused_port_url(),
    }
    if backend == "elasticsearch":
        config |= {
            "ELASTICSEARCH_URL": es_url or request.getfixturevalue("elasticsearch_url"),
            "ELASTICSEARCH_INDEX_PREFIX": f"test-{uuid.uuid4().hex[:10]}-",
        }
    app = create_app(config | settings)
    with app.app_context():
        # The tables of the models: the newest migration builds the same ones
        # (tests/test_migrations.py); `directory init-db` recognises them as such.
        db.create_all()
        search_backend().create_schema()
    if backend == "elasticsearch":
        client = search_backend_of(app).primary.client
        pattern = config["ELASTICSEARCH_INDEX_PREFIX"] + "*"
        request.addfinalizer(
            lambda: client.options(ignore_status=[404]).indices.delete(index=pattern)
        )
    request.addfinalizer(lambda: _dispose(app))
    return app


def search_backend_of(app):
    return app.extensions["directory.search"]


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def backend() -> str:
    """The search backend of `app`; search test packages parametrize it over BACKENDS."""
    return "embedded"


@pytest.fixture
def app(tmp_path, backend, request):
    return make_app(tmp_path / "directory.sqlite3", backend, request)


@pytest.fixture
def client(app):
    return app.test_client()


def import_records(app, folder: Path, structures: list[dict], services: list[dict]) -> None:
    """Import records through the real import service, as `directory import` does."""
    path = folder / "import.json"
    path.write_text(json.dumps({"structures": structures, "services": services}))
    with app.app_context():
        raw, errors = transfer.read_files([path])
        plan = transfer.validate(raw)
        assert not errors and plan.ok, [str(e) for e in errors + plan.errors]
        transfer.apply(plan)


def imported_client(tmp_path_factory, request, structures, services):
    """A client of an application on the backend ``request.param``, whose records were
    imported with `directory import`, as an operator does."""
    folder = tmp_path_factory.mktemp("imported")
    app = make_app(folder / "db.sqlite3", request.param, request)
    data = folder / "records.json"
    data.write_text(json.dumps({"structures": structures, "services": services}))
    result = app.test_cli_runner().invoke(args=["import", str(data)])
    assert result.exit_code == 0, result.output
    return app.test_client()


@pytest.fixture
def load(app, tmp_path):
    """Import records into `app` (see import_records)."""
    return lambda structures, services: import_records(app, tmp_path, structures, services)


SEED = ROOT / "seed_data"


@pytest.fixture
def seeded(load) -> None:
    """The sample seed data of `make run`, imported."""
    load(
        json.loads((SEED / "structures.json").read_text()),
        json.loads((SEED / "services.json").read_text()),
    )


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once for every browser test (tests/browser.py)."""
    with launch_chromium() as browser:
        yield browser


class Inbox:
    """An SMTP server's mailbox: every message it accepted, parsed."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(app) -> Inbox:
    """A real SMTP server on loopback, and the application configured to send through it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config |= {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port, "SMTP_STARTTLS": False}
    yield inbox
    controller.stop()


@pytest.fixture
def ban(app) -> BanServer:
    """A local server speaking the BAN API, and the application geocoding through it."""
    with BanServer() as server:
        app.config["BAN_URL"] = server.url
        yield server
