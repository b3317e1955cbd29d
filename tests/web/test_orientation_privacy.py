"""Nothing of a profile is stored or logged (DESIGN.md §7): after real HTTP requests to the
interview pages, neither the database files nor any log line hold its values."""

import logging
import threading
from urllib.request import urlopen

import pytest
from werkzeug.serving import make_server

from directory.extensions import db
from directory.privacy import redact

# Values no sample record contains, so that finding one means the profile leaked.
ADDRESS = "30 rue de Tanger 75019"
PROFILE = (
    "adresse=30+rue+de+Tanger+75019&age=47&statut=apatride&premier_titre=2023&niveau=B2"
    "&langues=ti&freins=sante&rqth=true"
)
MARKERS = ("Tanger", "apatride", "premier_titre", "2023", "age=47", "langues=ti")
PATHS = ("/orientation", "/api/v1/orientation")


def test_redact_keeps_the_path_and_drops_the_profile():
    line = f'"GET /orientation?{PROFILE} HTTP/1.1" 200 -'
    assert redact(line) == '"GET /orientation?… HTTP/1.1" 200 -'
    assert redact("GET /?q=logement HTTP/1.1") == "GET /?q=logement HTTP/1.1"


@pytest.fixture
def server_url(app, sample, ban):
    """The application behind werkzeug's own request handler, which logs every request."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def stored_counts(app, folder) -> dict[str, int]:
    """How often each marker occurs in the SQLite files (database or embedded index) and in
    the rows of every table, whatever the database (the index expands "every status" into
    terms, so a status may be there already: what matters is that it does not grow)."""
    databases = [path for path in folder.rglob("*.sqlite3*") if path.is_file()]
    assert databases
    stored = b"".join(path.read_bytes() for path in databases)
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            stored += repr(connection.execute(table.select()).all()).encode()
    return {marker: stored.count(marker.encode()) for marker in MARKERS}


def test_the_profile_is_neither_stored_nor_logged(app, server_url, ban, caplog, tmp_path):
    before = stored_counts(app, tmp_path)
    caplog.set_level(logging.DEBUG)
    for path in PATHS:
        with urlopen(f"{server_url}{path}?{PROFILE}") as response:
            assert response.status == 200
    assert ban.queries == [ADDRESS] * len(PATHS)  # the address was really used
    logged = [record.getMessage() for record in caplog.records]
    assert any("/orientation?…" in line for line in logged), logged  # requests were logged
    for marker in MARKERS:
        assert not [line for line in logged if marker in line], marker
    assert stored_counts(app, tmp_path) == before
    assert before["Tanger"] == 0
