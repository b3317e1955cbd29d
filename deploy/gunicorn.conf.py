"""gunicorn's settings for the directory: `directory serve` runs gunicorn with this file, and
so does the benchmark (bench/processes.py). Options given on the command line win
(`directory serve --workers 3`).

Environment: DIRECTORY_BIND (default 127.0.0.1:8000, behind the reverse proxy),
DIRECTORY_WORKERS (default two per core), DIRECTORY_FORWARDED_ALLOW_IPS (the proxy's
addresses, default loopback), DIRECTORY_LOG_FORMAT (default json here) and
PROMETHEUS_MULTIPROC_DIR (default: a new temporary directory)."""

import os
import shutil
import tempfile
from pathlib import Path

# Read by the application (config.py) and by the logging configuration below.
os.environ.setdefault("DIRECTORY_LOG_FORMAT", "json")
# Each worker writes its metrics there and /metrics adds them up. Set before the
# application (prometheus_client) is imported, in this master and so in every worker.
_temporary_metrics = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _temporary_metrics:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="directory-metrics-")

from directory.observability import logging_config  # noqa: E402 (after the variables above)

wsgi_app = "directory:create_app()"
bind = [os.environ.get("DIRECTORY_BIND", "127.0.0.1:8000")]

# Sync workers, two per core: one computes while the other waits on the index or the
# database (make bench measured it). The proxy buffers slow clients, so that a worker
# is held only while the request is computed.
worker_class = "sync"
workers = int(os.environ.get("DIRECTORY_WORKERS", 2 * (os.cpu_count() or 1)))
# A worker silent this long is killed: a search takes milliseconds; an import of the
# largest file accepted (DIRECTORY_MAX_UPLOAD_MB) takes seconds.
timeout = 60
graceful_timeout = 30

# Only the proxy may say, by X-Forwarded-Proto, that the client came over HTTPS.
forwarded_allow_ips = os.environ.get("DIRECTORY_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The control socket's single default path would collide between two servers on a host.
control_socket_disable = True

# gunicorn's own lines in the application's format, on stderr (the journal under systemd).
# No access log: the application writes one line per request, with its route rule (never
# a raw path, which may hold a profile or a reset token) and its request id.
accesslog = None
logconfig_dict = logging_config(os.environ["DIRECTORY_LOG_FORMAT"])
logconfig_dict["loggers"] |= {
    "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
    # gunicorn writes these lines whenever a logging config is given: silenced.
    "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
}


def on_starting(_server) -> None:
    """Start from empty metrics: files left by an earlier run would be added up."""
    metrics = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    metrics.mkdir(parents=True, exist_ok=True)
    for leftover in metrics.glob("*.db"):
        leftover.unlink()


def child_exit(_server, worker) -> None:
    """A worker is gone: its counts stay, its live gauges (none so far) go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(_server) -> None:
    if _temporary_metrics:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
