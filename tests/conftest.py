"""Shared fixtures: a real application on a temporary SQLite database."""

import json

import pytest

from directory import create_app
from directory.extensions import db
from directory.services import transfer
from directory.services.indexing import search_backend


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'directory.sqlite3'}",
            "SECRET_KEY": "test",
        }
    )
    with app.app_context():
        db.create_all()
        search_backend().create_schema()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def load(app, tmp_path):
    """Import records through the real import service, as `directory import` does."""

    def load(structures: list[dict], services: list[dict]) -> None:
        path = tmp_path / "import.json"
        path.write_text(json.dumps({"structures": structures, "services": services}))
        with app.app_context():
            raw, errors = transfer.read_files([path])
            plan = transfer.validate(raw)
            assert not errors and plan.ok, [str(e) for e in errors + plan.errors]
            transfer.apply(plan)

    return load
