"""The end-to-end benchmark: generate, import, reindex, serve with gunicorn, load over HTTP.

    .venv/bin/python bench/run.py                      # 10 000 and 140 000 services, both backends
    .venv/bin/python bench/run.py --sizes 10000 --backends embedded

Writes docs/benchmarks.md and docs/benchmark-latency.svg (after each size and backend, so a
long run leaves what it has measured). Measures the code of the tree this file is in.
Elasticsearch: a node at DIRECTORY_ELASTICSEARCH_URL (default http://127.0.0.1:9200,
scripts/es-start); the benchmark's indexes are deleted at the end. Asserts nothing.
"""

import argparse
import hashlib
import http.client
import importlib.metadata
import json
import os
import platform
import secrets
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402
from bench.load import SEARCH_PATH, Run, request_paths, run_clients  # noqa: E402
from bench.processes import CpuClock, Server, run_measured, serve  # noqa: E402
from bench.report import CHART, Machine, Measurement, Settings, latency_svg, markdown  # noqa: E402
from directory.config import settings_from_environment  # noqa: E402
from directory.search import elasticsearch_client  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_ES_URL = os.environ.get("DIRECTORY_ELASTICSEARCH_URL", "http://127.0.0.1:9200")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 140_000])
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=["embedded", "elasticsearch"],
        default=["embedded", "elasticsearch"],
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument(
        "--rounds", type=int, default=5, help="passes over the query mix per load level"
    )
    parser.add_argument("--time-cap", type=float, default=120, help="seconds per load level")
    parser.add_argument(
        "--soak", type=float, default=60, help="seconds of sustained load, most clients (0: none)"
    )
    # Two sync workers per core: one computes while the other waits on the index.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--elasticsearch-url", default=DEFAULT_ES_URL)
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    parser.add_argument("--output", type=Path, default=ROOT / "docs")
    return parser.parse_args()


# -- data ----------------------------------------------------------------------------------


def dataset(size: int, seed: int, cache: Path) -> Path:
    """The generated file for this size and seed, made once per version of the generator."""
    version = hashlib.sha256(Path(generate.__file__).read_bytes()).hexdigest()[:10]
    path = cache / f"directory-{size}-seed{seed}-{version}.json"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate.write_dataset(path, size, seed)
        print(f"[{size}] generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


# -- one backend at one size -----------------------------------------------------------------


def app_environment(folder: Path, backend: str, prefix: str, es_url: str) -> dict[str, str]:
    """The production configuration of the commands and of gunicorn, for this run."""
    return os.environ | {
        "PYTHONPATH": str(ROOT),
        "DIRECTORY_DATABASE_URL": f"sqlite:///{folder / 'directory.sqlite3'}",
        "DIRECTORY_SEARCH_BACKEND": backend,
        "DIRECTORY_ELASTICSEARCH_URL": es_url,
        "DIRECTORY_ELASTICSEARCH_INDEX_PREFIX": prefix,
        "DIRECTORY_SECRET_KEY": secrets.token_hex(16),
    }


def es_client(url: str):
    """A client configured as the application's (credentials from DIRECTORY_* variables)."""
    return elasticsearch_client(settings_from_environment("") | {"ELASTICSEARCH_URL": url})


def delete_indexes(url: str, prefix: str) -> None:
    client = es_client(url).options(ignore_status=404)
    names = list(client.indices.get(index=f"{prefix}*", expand_wildcards="all"))
    if names:
        client.indices.delete(index=",".join(names))


def indexed_count(port: int) -> int:
    """How many services the search finds with no filter (the published ones)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/api/v1/search/services?size=1")
        return json.loads(connection.getresponse().read())["total"]
    finally:
        connection.close()


def es_process_ids(url: str) -> list[int]:
    """The pid of the Elasticsearch node, when it runs on this machine."""
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return []
    try:
        nodes = es_client(url).nodes.info(node_id="_local", metric="process")["nodes"]
    except Exception:  # no node: nothing to watch
        return []
    return [node["process"]["id"] for node in nodes.values()]


def cpu_clock(server: Server, es_pids: list[int]) -> CpuClock:
    """Where the CPU goes: the workers, the Elasticsearch node, and this load client."""
    groups = {"workers": server.worker_pids(), "elasticsearch": es_pids, "client": [os.getpid()]}
    return CpuClock.now(groups)


def load_levels(server: Server, args: argparse.Namespace) -> tuple[Run, dict, dict]:
    """A first pass over the mix (every cache cold), then each load level: its run and the
    CPU shares it used."""
    mix = request_paths()
    es_pids = es_process_ids(args.elasticsearch_url)
    cold = run_clients(server.port, mix, 1, len(mix), args.time_cap)
    runs, cpu = {}, {}
    for clients in args.clients:
        before = cpu_clock(server, es_pids)
        run = run_clients(server.port, mix, clients, args.rounds * len(mix), args.time_cap)
        runs[clients], cpu[clients] = run, cpu_clock(server, es_pids).shares_since(before)
        print(f"  {clients} client(s): {len(run.samples)} requests, {run.throughput:.1f} req/s")
    return cold, runs, cpu


def sustained_load(server: Server, args: argparse.Namespace) -> Run | None:
    """The most clients, without a pause, for ``--soak`` seconds."""
    if not args.soak:
        return None
    clients = max(args.clients)
    run = run_clients(server.port, request_paths(), clients, 10**9, args.soak)
    rate = f"{run.throughput:.1f} req/s, {run.errors} error(s)"
    print(f"  {clients} client(s) for {run.seconds:.0f} s: {rate}")
    return run


def answer_sizes(port: int) -> tuple[int, int]:
    """The bytes of a page of 20 services with every facet: as is, and gzip-compressed."""
    sizes = []
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", f"{SEARCH_PATH}?size=20", headers=headers)
            sizes.append(len(connection.getresponse().read()))
        finally:
            connection.close()
    return sizes[0], sizes[1]


def measure(size: int, backend: str, data: Path, args: argparse.Namespace) -> Measurement:
    started = time.perf_counter()
    prefix = f"bench-{secrets.token_hex(4)}-"
    with tempfile.TemporaryDirectory(prefix="directory-bench-") as name:
        folder = Path(name)
        env = app_environment(folder, backend, prefix, args.elasticsearch_url)
        log = folder / "commands.log"
        directory = str(BIN / "directory")
        try:
            run_measured([directory, "init-db"], env, log)
            imported = run_measured([directory, "import", str(data)], env, log)
            print(f"[{size} {backend}] import {imported.seconds:.1f} s")
            reindexed = run_measured([directory, "reindex"], env, log)
            print(f"[{size} {backend}] reindex {reindexed.seconds:.1f} s")
            with serve(BIN, env, log, args.workers) as server:
                indexed = indexed_count(server.port)
                cold, runs, cpu = load_levels(server, args)
                soak = sustained_load(server, args)
                answer = answer_sizes(server.port)
                workers = server.worker_peaks_mb()
        finally:
            if backend == "elasticsearch":
                delete_indexes(args.elasticsearch_url, prefix)
    return Measurement(
        backend=backend,
        size=size,
        structures=generate.structure_count(size),
        indexed=indexed,
        imported=imported,
        reindexed=reindexed,
        cold=cold,
        runs=runs,
        cpu=cpu,
        answer_bytes=answer,
        workers_mb=workers,
        minutes=(time.perf_counter() - started) / 60,
        soak=soak,
    )


# -- the machine and the document ------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _ram_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


def _es_version(url: str) -> str:
    try:
        nodes = es_client(url).nodes.info(filter_path="nodes.*.version")["nodes"]
    except Exception as error:  # the document says why, the run goes on
        return f"injoignable ({type(error).__name__})"
    return ", ".join(sorted({node["version"] for node in nodes.values()}))


def describe_machine(es_url: str) -> Machine:
    return Machine(
        cpu=_cpu(),
        cores=os.cpu_count() or 0,
        ram_gb=_ram_gb(),
        system=platform.platform(),
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        elasticsearch=_es_version(es_url),
        gunicorn=importlib.metadata.version("gunicorn"),
        commit=_git("rev-parse", "HEAD"),
        subject=_git("log", "-1", "--format=%s"),
        dirty=bool(_git("status", "--porcelain", "--untracked-files=no")),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_report(output: Path, machine: Machine, settings: Settings, measurements: list) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "benchmarks.md").write_text(markdown(machine, settings, measurements))
    (output / CHART).write_text(latency_svg(measurements))


def main() -> None:
    args = parse_args()
    machine = describe_machine(args.elasticsearch_url)
    settings = Settings(
        command=" ".join([".venv/bin/python", "bench/run.py", *map(shlex.quote, sys.argv[1:])]),
        seed=args.seed,
        clients=tuple(args.clients),
        requests=args.rounds * len(request_paths()),
        time_cap=args.time_cap,
        workers=args.workers,
        mix_size=len(request_paths()),
    )
    measurements = []
    for size in args.sizes:
        data = dataset(size, args.seed, args.cache)
        for backend in args.backends:
            measurements.append(measure(size, backend, data, args))
            write_report(args.output, machine, settings, measurements)
    print(f"Written: {args.output / 'benchmarks.md'}, {args.output / CHART}")


if __name__ == "__main__":
    main()
