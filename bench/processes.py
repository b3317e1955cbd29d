"""Child processes of the benchmark: timed commands with their peak memory, and gunicorn."""

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from directory.cli import GUNICORN_CONFIG

HEALTH_TIMEOUT = 60
STOP_TIMEOUT = 30


@dataclass(frozen=True)
class Measured:
    """A finished command: wall time and peak resident memory (MB)."""

    seconds: float
    peak_rss_mb: float


def kib_to_mb(kib: int) -> float:
    return kib * 1024 / 1_000_000


def run_measured(command: list[str], env: dict[str, str], log: Path) -> Measured:
    """Run a command to its end; its own rusage (wait4) gives its peak RSS."""
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{command[:2]} failed ({process.returncode}):\n{tail(log)}")
    return Measured(seconds, kib_to_mb(usage.ru_maxrss))


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen
    port: int

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children, read from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def worker_peaks_mb(self) -> list[float]:
        """Each worker's peak resident memory so far (VmHWM)."""
        return [_vm_hwm_mb(pid) for pid in self.worker_pids()]


@dataclass(frozen=True)
class CpuClock:
    """CPU time (clock ticks) of the whole machine and of groups of processes, since boot."""

    busy: int
    total: int
    # Group name -> {pid: ticks}.
    groups: dict[str, dict[int, int]]

    @classmethod
    def now(cls, groups: dict[str, list[int]]) -> "CpuClock":
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = ticks[3] + ticks[4]  # idle, iowait
        used = {name: _ticks_of(pids) for name, pids in groups.items()}
        return cls(sum(ticks) - idle, sum(ticks), used)

    def shares_since(self, before: "CpuClock") -> dict[str, float]:
        """The machine's busy time and each group's, in % of all the cores' time since
        ``before`` (a process started since then counts whole, one gone is not counted)."""
        total = (self.total - before.total) or 1
        shares = {"machine": 100 * (self.busy - before.busy) / total}
        for name, processes in self.groups.items():
            earlier = before.groups.get(name, {})
            used = sum(ticks - earlier.get(pid, 0) for pid, ticks in processes.items())
            shares[name] = 100 * used / total
        return shares


def _ticks_of(pids: list[int]) -> dict[int, int]:
    """utime + stime of each process still running."""
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return kib_to_mb(int(line.split()[1]))
    raise RuntimeError(f"no VmHWM for process {pid}")


def gunicorn_command(bin_dir: Path, port: int, workers: int) -> list[str]:
    """gunicorn as `directory serve` runs it (deploy/gunicorn.conf.py: sync workers, JSON
    logs, metrics), on this port with this many workers."""
    return [
        str(bin_dir / "gunicorn"),
        "--config",
        str(GUNICORN_CONFIG),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
    ]


@contextmanager
def serve(bin_dir: Path, env: dict[str, str], log: Path, workers: int) -> Iterator[Server]:
    """gunicorn on a free port, answering /healthz; stopped (TERM, then KILL) on exit."""
    port = free_port()
    command = gunicorn_command(bin_dir, port, workers)
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        server = Server(process, port)
        _wait_healthy(server, log)
        yield server
    finally:
        _stop(process)


def _wait_healthy(server: Server, log: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.process.returncode}):\n{tail(log)}")
        if _health(server.port) == "ok":
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz in {HEALTH_TIMEOUT} s:\n{tail(log)}")


def _health(port: int) -> str | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return json.loads(connection.getresponse().read()).get("status")
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
