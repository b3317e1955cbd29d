"""What an operator watches: log lines (readable text, or one JSON object each) that carry
the id of the request they belong to, one line per request, and Prometheus metrics at
/metrics behind a bearer token.

Under gunicorn, metrics live in ``PROMETHEUS_MULTIPROC_DIR`` (deploy/gunicorn.conf.py sets
it before this module is imported) so that a scrape adds up every worker."""

import hmac
import json
import logging
import logging.config
import os
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, abort, current_app, g, has_request_context, request
from flask.logging import default_handler
from flask.signals import request_started
from flask_babel import gettext as _
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import SQLAlchemyError

from .privacy import redact
from .services.indexing import pending_count

REQUEST_ID_HEADER = "X-Request-Id"
# What a proxy's request id may look like (nginx's $request_id: 32 hex digits; a UUID);
# anything else is replaced, so that a client cannot write what it likes into the logs.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The route label of a request that matched no route (never its raw path), and the method
# label of a method the application does not know (a label per made-up method would let a
# client grow the metrics without end).
UNMATCHED = "<unmatched>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "<other>"

# Seconds: a search takes about a millisecond, a page or an import much longer.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

request_log = logging.getLogger("directory.request")
blueprint = Blueprint("metrics", __name__)

REQUEST_SECONDS = Histogram(
    "directory_http_request_duration_seconds",
    "Time to answer a request, by route rule.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
SEARCH_SECONDS = Histogram(
    "directory_search_duration_seconds",
    "Time a search backend took to answer a search, by the backend that answered.",
    ["backend"],
    buckets=LATENCY_BUCKETS,
)
DEGRADED_SEARCHES = Counter(
    "directory_search_degraded",
    "Searches answered by the embedded fallback because the configured backend failed.",
    ["backend"],
)


def request_id() -> str | None:
    """The current request's id: the proxy's X-Request-Id when it looks like one, otherwise
    a new one; None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's id and, on the
    request line, its method, route, status and duration. Profiles are redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if (current := request_id()) is not None:
            entry["request_id"] = current
        entry |= getattr(record, "http", {})
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A readable line, ending with the request's id when there is one. Profiles are
    redacted."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(name)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if (current := request_id()) is not None:
            line += f" [request {current}]"
        return redact(line)


FORMATTERS = {"text": TextFormatter, "json": JsonFormatter}


# Libraries that log each of their HTTP requests at INFO: only their warnings are kept.
CHATTY_LOGGERS = ("elastic_transport",)


def logging_config(log_format: str) -> dict:
    """The logging of a process (dictConfig): every line to stderr, in this format. gunicorn's
    config starts from it."""
    if log_format not in FORMATTERS:
        raise ValueError(
            f"DIRECTORY_LOG_FORMAT={log_format!r}: expected one of {', '.join(FORMATTERS)}"
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"directory": {"()": FORMATTERS[log_format]}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "directory",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {name: {"level": "WARNING"} for name in CHATTY_LOGGERS},
    }


def configure_logging(app: Flask) -> None:
    """Log in the configured format, unless logging is configured already (by gunicorn's
    config, or pytest): then the application's lines go there."""
    config = logging_config(app.config["LOG_FORMAT"])
    app.logger.removeHandler(default_handler)
    if not logging.getLogger().handlers:
        logging.config.dictConfig(config)


def _start_clock(_sender, **_extra) -> None:
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    """Echo the request id; log the request's line and count it in the latency histogram
    (by route rule: the raw path may hold a reset token, the query string a profile)."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else UNMATCHED
    method = request.method if request.method in METHODS else OTHER_METHOD
    REQUEST_SECONDS.labels(method, route, str(response.status_code)).observe(seconds)
    request_log.info(
        "%s %s %s %.1f ms",
        request.method,
        route,
        response.status_code,
        seconds * 1000,
        extra={
            "http": {
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            }
        },
    )
    return response


def record_search(backend: str, degraded: bool, milliseconds: float) -> None:
    """Count a search: its time under the backend that answered (the embedded fallback when
    degraded) and, when degraded, one more degraded answer of the configured backend."""
    SEARCH_SECONDS.labels("embedded" if degraded else backend).observe(milliseconds / 1000)
    if degraded:
        DEGRADED_SEARCHES.labels(backend).inc()


class IndexQueueCollector:
    """The outbox's length, read from the database at each scrape."""

    def describe(self) -> list:
        return []

    def collect(self):
        try:
            pending = pending_count()
        except SQLAlchemyError:
            return  # The database is down: no sample (/healthz says so).
        yield GaugeMetricFamily(
            "directory_index_queue_length",
            "Changes saved but not indexed yet (search_outbox).",
            value=pending,
        )


AT_SCRAPE_TIME = CollectorRegistry(auto_describe=False)
AT_SCRAPE_TIME.register(IndexQueueCollector())


def _recorded_metrics() -> CollectorRegistry:
    """Every worker's metrics (multiprocess mode, under gunicorn), or this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _authorized() -> bool:
    expected = f"Bearer {current_app.config['METRICS_TOKEN']}".encode()
    given = request.headers.get("Authorization", "").encode()
    return hmac.compare_digest(given, expected)


@blueprint.get("/metrics")
def metrics():
    """Prometheus metrics, for the holder of DIRECTORY_METRICS_TOKEN (404 without a token
    configured, 401 without the right one)."""
    if not current_app.config["METRICS_TOKEN"]:
        abort(404)
    if not _authorized():
        return Response(
            _("Jeton d'accès aux métriques manquant ou invalide."),
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"'},
            mimetype="text/plain",
        )
    body = generate_latest(_recorded_metrics()) + generate_latest(AT_SCRAPE_TIME)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    configure_logging(app)
    request_started.connect(_start_clock, app)
    app.after_request(_finish_request)
    app.register_blueprint(blueprint)
