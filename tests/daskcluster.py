"""A real Dask cluster for tests: one scheduler and worker processes on 127.0.0.1.

Every process is started with the test interpreter (``python -m distributed.cli.dask_...``),
listens on 127.0.0.1 only (random free ports, also for the HTTP endpoints), and can import
this checkout's trafficplan (``PYTHONPATH``). Each worker runs one point at a time
(``--nthreads 1``) and is a single process (``--no-nanny``), so killing its pid kills the
worker. :func:`local_cluster` stops exactly the processes it started, by pid.

The scheduler gives up on a task at the first lost worker (``allowed-failures`` 0), so the
client's own resubmission of a lost point is what the tests exercise.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
START_SECONDS = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cluster_env() -> dict[str, str]:
    """The environment of the cluster's processes (and of a client started beside them)."""
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "PYTHONPATH": str(SRC) + (os.pathsep + path if path else ""),
        "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
        "PYTHONUNBUFFERED": "1",
    }


@dataclass
class Cluster:
    """A running cluster: the scheduler's address and the processes started."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)  # by name
    logs: Path = Path()

    def log_tail(self, lines: int = 40) -> str:
        """The end of every process's log, for a failing test's message."""
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(parts)


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=cluster_env(), cwd=log.parent
        )


def _wait_for_workers(address: str, count: int, deadline: float) -> None:
    from distributed import Client

    with Client(address, timeout=max(1.0, deadline - time.monotonic())) as client:
        client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def local_cluster(folder: Path, workers: int = 2) -> Iterator[Cluster]:
    """Start a scheduler and ``workers`` workers on 127.0.0.1, wait until all are connected,
    yield the cluster, then stop every process started (by pid). Logs go to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    http = ["--dashboard-address", "127.0.0.1:0"]
    scheduler = _start(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *http,
        ],
        folder / "scheduler.log",
    )
    cluster = Cluster(address, scheduler, logs=folder)
    try:
        for index in range(workers):
            name = f"worker-{index}"
            cluster.workers[name] = _start(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--name",
                    name,
                    "--death-timeout",
                    str(int(START_SECONDS)),
                    *http,
                ],
                folder / f"{name}.log",
            )
        try:
            _wait_for_workers(address, workers, time.monotonic() + START_SECONDS)
        except Exception as exc:
            message = f"the test cluster did not start: {exc}\n{cluster.log_tail()}"
            raise RuntimeError(message) from exc
        yield cluster
    finally:
        for process in [*cluster.workers.values(), scheduler]:
            _stop(process)
