"""bench/load.py: percentiles, Server-Timing, and the client against a tiny server."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import Sample, percentile, run_clients, server_timing, stats


def test_percentiles_interpolate_between_ranks():
    values = list(range(100, 0, -1))  # 1..100, unsorted
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 0) == 1 and percentile(values, 100) == 100
    assert percentile([15, 20, 35, 40, 50], 40) == pytest.approx(29)
    assert percentile([7.5], 95) == 7.5
    assert percentile([], 50) is None


def test_server_timing_header_is_read():
    assert server_timing("search;dur=12.3, es;dur=4") == {"search": 12.3, "es": 4.0}
    assert server_timing('search;desc="x";dur=1') == {"search": 1.0}
    assert server_timing(None) == {}


def test_errors_count_apart_from_latencies():
    samples = [Sample("a", 10, True, 4.0), Sample("a", 30, True, 6.0), Sample("a", 999, False)]
    summary = stats(samples)
    assert summary.count == 3 and summary.p50 == 20 and summary.floor_p50 == 5
    assert summary.took_p50 is None


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 500 if "fail" in self.path else 200
        self.send_response(status)
        self.send_header("Server-Timing", "search;dur=1.5")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_clients_send_their_share_and_count_errors():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        mix = [("ok", "/ok"), ("ok", "/ok?b"), ("fail", "/fail")]
        run = run_clients(server.server_address[1], mix, clients=3, requests=30, time_cap=30)
    finally:
        server.shutdown()
        server.server_close()
    assert len(run.samples) == 30 and run.errors == 10
    assert {s.search_ms for s in run.samples if s.ok} == {1.5}
    assert run.throughput > 0
