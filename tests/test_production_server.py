"""The production server, as an operator runs it: `directory serve` (gunicorn with
deploy/gunicorn.conf.py, two workers) on a free port, spoken to over HTTP; its JSON log
lines read from its stderr and its Prometheus metrics from /metrics."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError

import pytest
from flask import Flask

from directory import create_app
from directory.extensions import db
from directory.services.indexing import pending_count, search_backend

from .ban_server import unused_port_url
from .conftest import SEED, database_config, free_port

DIRECTORY = Path(sys.executable).parent / "directory"
TOKEN = "metrics-test-token"
START_TIMEOUT = 60
# A profile no sample record holds: finding one of its values in a log line is a leak.
PROFILE = "age=47&statut=apatride&premier_titre=2023&niveau=B2&langues=ti&arrondissement=19"
MARKERS = ("apatride", "premier_titre", "2023", "age=47", "langues=ti")
SEARCH = "/api/v1/search/services?q=logement"


@dataclass
class Server:
    url: str
    log: Path
    # The application as the fixture built it (same database), to read what it holds.
    app: Flask | None = None

    def fetch(self, path: str, headers: dict | None = None, method: str = "GET"):
        """(status, headers, body) of a request, error statuses included."""
        request = urllib.request.Request(self.url + path, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except HTTPError as error:
            return error.code, error.headers, error.read()

    def log_lines(self) -> list[dict]:
        """Every line the server wrote on stderr, each parsed as JSON (it must be JSON)."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def lines_of(self, request_id: str) -> list[dict]:
        """The log lines of one request (waiting for the request's own line)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            lines = [line for line in self.log_lines() if line.get("request_id") == request_id]
            if any(line["logger"] == "directory.request" for line in lines):
                return lines
            time.sleep(0.1)
        raise AssertionError(f"no request line for {request_id}:\n{self.log.read_text()}")

    def metrics(self) -> str:
        status, _headers, body = self.fetch("/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200, body
        return body.decode()


SAMPLE = re.compile(r"(\w+)(?:\{(.*)\})? (\S+)")
LABEL = re.compile(r'(\w+)="([^"]*)"')


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one sample of the metrics text (0 when absent)."""
    for line in metrics.splitlines():
        found = SAMPLE.fullmatch(line)
        if found and found[1] == name and dict(LABEL.findall(found[2] or "")) == labels:
            return float(found[3])
    return 0.0


# The application's settings that a server started apart receives from the environment.
VARIABLES = {
    "SQLALCHEMY_DATABASE_URI": "DIRECTORY_DATABASE_URL",
    "EMBEDDED_INDEX_URL": "DIRECTORY_EMBEDDED_INDEX_URL",
    "SEARCH_BACKEND": "DIRECTORY_SEARCH_BACKEND",
    "ELASTICSEARCH_URL": "DIRECTORY_ELASTICSEARCH_URL",
}


def prepared_app(folder: Path, request, **settings) -> Flask:
    """An application on a fresh database (SQLite, or PostgreSQL under --db postgresql) with
    its tables and its embedded index, as `directory init-db` leaves them."""
    app = create_app(database_config(folder / "db.sqlite3", request) | settings)
    with app.app_context():
        db.create_all()
        indexes = search_backend()
        (indexes.fallback or indexes.primary).create_schema()
    request.addfinalizer(lambda: dispose_engine(app))
    return app


def dispose_engine(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


def server_environment(app: Flask, **variables: str) -> dict[str, str]:
    """The machine's environment without any DIRECTORY_* setting, plus the application's
    database and search settings, and these."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DIRECTORY_") and key != "PROMETHEUS_MULTIPROC_DIR"
    }
    return (
        clean
        | {variable: app.config[key] for key, variable in VARIABLES.items()}
        | {
            "DIRECTORY_SECRET_KEY": "production-server-test",
            "DIRECTORY_METRICS_TOKEN": TOKEN,
            # No test reaches the Internet.
            "DIRECTORY_BAN_URL": unused_port_url(),
        }
        | variables
    )


@contextmanager
def serving(env: dict[str, str], log: Path):
    """`directory serve` on a free port with two workers, until it answers /healthz;
    stopped by SIGTERM as systemd stops it."""
    port = free_port()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(DIRECTORY), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        _wait_answering(server, process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def _wait_answering(server: Server, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, server.log.read_text()
        try:
            server.fetch("/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer in {START_TIMEOUT} s:\n{server.log.read_text()}")


def stale_metrics(folder: Path) -> None:
    """Metric files as an earlier run leaves them: searches of a backend named "stale"."""
    code = "from directory import observability; observability.record_search('stale', False, 5)"
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert list(folder.glob("*.db"))


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory, request):
    """The default backend; the metrics folder holds files of an earlier run."""
    folder = tmp_path_factory.mktemp("embedded-server")
    app = prepared_app(folder, request)
    metrics = folder / "metrics"
    metrics.mkdir()
    stale_metrics(metrics)
    env = server_environment(app, PROMETHEUS_MULTIPROC_DIR=str(metrics))
    with serving(env, folder / "stderr.log") as server:
        yield server


@pytest.fixture(scope="module")
def unreachable_elasticsearch_server(tmp_path_factory, request):
    """Elasticsearch configured on a port where nothing listens: searches are answered by the
    embedded index (degraded); the sample data imported meanwhile waits in the outbox."""
    folder = tmp_path_factory.mktemp("degraded-server")
    app = prepared_app(
        folder, request, SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=unused_port_url()
    )
    paths = [str(SEED / "structures.json"), str(SEED / "services.json")]
    result = app.test_cli_runner().invoke(args=["import", *paths])
    assert result.exit_code == 0, result.output
    with serving(server_environment(app), folder / "stderr.log") as server:
        server.app = app
        yield server


def test_healthz_answers_and_the_server_header_names_no_version(embedded_server):
    status, headers, body = embedded_server.fetch("/healthz")
    assert status == 200
    assert json.loads(body)["status"] == "ok"
    assert headers["Server"] == "gunicorn"


def test_a_request_logs_one_json_line_with_the_proxys_request_id(embedded_server):
    status, headers, _body = embedded_server.fetch(
        f"/orientation?{PROFILE}", {"X-Request-Id": "proxy-0123"}
    )
    assert status == 200
    assert headers["X-Request-Id"] == "proxy-0123"
    [line] = [
        line
        for line in embedded_server.lines_of("proxy-0123")
        if line["logger"] == "directory.request"
    ]
    assert line["method"] == "GET"
    assert line["route"] == "/orientation"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    assert line["level"] == "info"
    everything = embedded_server.log.read_text()
    assert not [marker for marker in MARKERS if marker in everything]


def test_a_request_id_that_is_not_one_is_replaced(embedded_server):
    _status, headers, _body = embedded_server.fetch("/healthz", {"X-Request-Id": "<script> x"})
    generated = headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert embedded_server.lines_of(generated)
    assert "<script>" not in embedded_server.log.read_text()


def test_metrics_need_the_bearer_token(embedded_server):
    status, headers, _body = embedded_server.fetch("/metrics")
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")
    wrong = embedded_server.fetch("/metrics", {"Authorization": "Bearer not-the-token"})
    assert wrong[0] == 401
    status, headers, body = embedded_server.fetch("/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    assert b"directory_http_request_duration_seconds" in body


def test_metrics_without_a_configured_token_are_not_found(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.config["METRICS_TOKEN"] is None
    response = app.test_client().get("/metrics", headers={"Authorization": "Bearer None"})
    assert response.status_code == 404


@contextmanager
def one_worker_held(server: Server, path: str):
    """A request whose headers are not finished: a sync worker waits on it, so that every
    other request meanwhile goes to the other worker; finished on exit."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as held:
        held.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n".encode())
        time.sleep(0.5)  # accepted by a worker
        yield
        held.sendall(b"Connection: close\r\n\r\n")
        assert held.makefile("rb").readline().startswith(b"HTTP/1.1 200")


def test_metrics_add_up_the_searches_of_every_worker(embedded_server):
    count = "directory_search_duration_seconds_count"
    before = sample(embedded_server.metrics(), count, backend="embedded")
    with one_worker_held(embedded_server, SEARCH):
        assert embedded_server.fetch(SEARCH)[0] == 200
    metrics = embedded_server.metrics()
    assert sample(metrics, count, backend="embedded") == before + 2
    assert sample(metrics, "directory_search_degraded_total", backend="elasticsearch") == 0
    assert 'backend="stale"' not in metrics  # the earlier run's files were removed


def test_request_latency_is_labelled_by_route_rule_not_path(embedded_server):
    assert embedded_server.fetch("/api/v1/services/no-such-service")[0] == 404
    assert embedded_server.fetch("/healthz", method="BREW")[0] == 405
    metrics = embedded_server.metrics()
    count = "directory_http_request_duration_seconds_count"
    route = {"method": "GET", "route": "/api/v1/services/<service_id>", "status": "404"}
    assert sample(metrics, count, **route) >= 1
    assert "no-such-service" not in metrics
    assert sample(metrics, count, method="<other>", route="<unmatched>", status="405") >= 1
    assert "BREW" not in metrics


def test_a_degraded_search_is_counted_and_logged_with_its_request_id(
    unreachable_elasticsearch_server,
):
    server = unreachable_elasticsearch_server
    before = server.metrics()
    status, headers, _body = server.fetch(SEARCH, {"X-Request-Id": "degraded-1"})
    assert status == 200
    assert headers["X-Search-Degraded"] == "embedded"
    after = server.metrics()
    for name, labels in (
        ("directory_search_degraded_total", {"backend": "elasticsearch"}),
        ("directory_search_duration_seconds_count", {"backend": "embedded"}),
    ):
        assert sample(after, name, **labels) == sample(before, name, **labels) + 1, name
    # The client's complaint about the unreachable node carries the request's id too.
    loggers = {line["logger"] for line in server.lines_of("degraded-1")}
    assert "directory.request" in loggers
    assert loggers - {"directory.request"}, loggers


def test_the_index_queue_length_is_read_at_scrape_time(unreachable_elasticsearch_server):
    server = unreachable_elasticsearch_server
    with server.app.app_context():
        pending = pending_count()
    assert pending > 0
    assert sample(server.metrics(), "directory_index_queue_length") == pending


def test_healthz_says_degraded_while_the_embedded_index_answers(
    unreachable_elasticsearch_server,
):
    status, _headers, body = unreachable_elasticsearch_server.fetch("/healthz")
    health = json.loads(body)
    assert status == 200
    assert health["status"] == "degraded"
    assert health["search"]["fallback"]["status"] == "green"
