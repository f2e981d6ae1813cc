"""Benchmark of a capacity sweep: the local process pool against a local Dask cluster.

    python bench/sweep.py [--time-limit 120] [--workers 1] [--instance national]
                          [--vary sessions.officers.max=26..28:2 --vary trainers.max_per_week=2..4]

The same grid (default: the national programme, 2 x 3 points) is swept twice by
``python -m trafficplan capacity --json`` in a fresh child process:

- ``local``: the local process pool, ``--jobs 2``;
- ``cluster``: ``--scheduler`` on a cluster started here (one ``dask scheduler`` and two
  ``dask worker --nthreads 1 --no-nanny`` processes on 127.0.0.1, random free ports), stopped
  afterwards.

Both use the same ``--workers`` (CP-SAT workers per point) and ``--seed``, so two points run at
a time with the same search each way. Recorded per mode: the command's wall seconds, each
point's status, officers trained, cost and solve seconds, the client process's peak memory
(``os.wait4``) and the peak resident memory of each process that solved points (pool processes,
or the cluster's workers; sampled every 0.2 s with psutil). Prints a table, says whether the two
modes agree on every point that both proved optimal, and writes everything to
``bench/results/sweep-<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
from run import machine, run_measured

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
SRC = REPO / "src"
DEFAULT_VARY = ["sessions.officers.max=26..28:2", "trainers.max_per_week=2..4"]
MB = 1024 * 1024


def environment() -> dict[str, str]:
    """The child processes import this checkout's trafficplan."""
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": str(SRC) + (os.pathsep + path if path else "")}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MemorySampler:
    """Peak resident memory of processes, sampled every 0.2 s in a thread.

    ``roots`` are watched with their descendants (a pool's processes are the capacity
    command's children); each process is recorded by pid with its command's last words.
    """

    def __init__(self, roots: list[int], descendants: bool):
        self._roots = roots
        self._descendants = descendants
        self.peaks: dict[int, float] = {}
        self.names: dict[int, str] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(0.2):
            for root in self._roots:
                try:
                    process = psutil.Process(root)
                    family = process.children(recursive=True) if self._descendants else [process]
                except psutil.Error:
                    continue
                for member in family:
                    try:
                        rss = member.memory_info().rss / MB
                        name = " ".join(member.cmdline()[-2:])
                    except psutil.Error:
                        continue
                    self.peaks[member.pid] = max(self.peaks.get(member.pid, 0.0), rss)
                    self.names.setdefault(member.pid, name)


def run_capacity(data: Path, args: argparse.Namespace, extra: list[str], workdir: Path) -> dict:
    """One ``capacity --json`` run in a child process: its document, wall and peak memory."""
    command = [sys.executable, "-m", "trafficplan", "capacity", "--data", str(data), "--json"]
    for vary in args.vary or DEFAULT_VARY:
        command += ["--vary", vary]
    command += ["--time-limit", str(args.time_limit), "--workers", str(args.workers)]
    command += ["--seed", str(args.seed), *extra]
    out = workdir / "capacity.stdout"
    err = workdir / "capacity.stderr"
    samplers: list[MemorySampler] = []

    def sample(pid: int) -> MemorySampler:
        samplers.append(MemorySampler([pid], descendants=True))
        return samplers[0]

    child = run_measured(command, out, err, workdir, env=environment(), watch=sample)
    pool = samplers[0]
    try:
        document = json.loads(out.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        document = {"error": err.read_text(encoding="utf-8", errors="replace")[-2000:]}
    return {
        "command": " ".join(command[1:]),
        "exit_code": child.exit_code,
        "wall_seconds": round(child.seconds, 1),
        "client_peak_mb": round(child.peak_mb, 1),
        "pool_peak_mb": {pool.names[p]: round(v, 1) for p, v in pool.peaks.items()},
        "document": document,
    }


def start_cluster(workdir: Path, workers: int) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A scheduler and one-thread, one-process workers on 127.0.0.1; returns the address."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    http = ["--dashboard-address", "127.0.0.1:0"]
    commands = {
        "scheduler": ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port)]
    }
    for index in range(workers):
        commands[f"worker-{index}"] = ["distributed.cli.dask_worker", address, "--host"]
        commands[f"worker-{index}"] += ["127.0.0.1", "--nthreads", "1", "--no-nanny"]
    processes = []
    for name, command in commands.items():
        with (workdir / f"{name}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", *command, *http],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=environment(),
                )
            )
    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=60)
    return address, processes


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop exactly the processes started here."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def points(run: dict) -> list[dict[str, Any]]:
    """The points of a run, flattened for the table."""
    rows = []
    for point in run["document"].get("points", []):
        metrics = point.get("metrics") or {}
        rows.append(
            {
                "values": point["values"],
                "status": point["status"],
                "officers_trained": metrics.get("officers_trained"),
                "cost_eur": metrics.get("cost_eur"),
                "seconds": point["seconds"],
                "proven": [o["proven"] for o in point.get("objectives", [])],
                "objectives": [o["value"] for o in point.get("objectives", [])],
            }
        )
    return rows


def agree(local: list[dict[str, Any]], cluster: list[dict[str, Any]]) -> bool | None:
    """Whether both modes found the same objective values where both proved every level
    (None when no point was proven both ways)."""
    both = [
        (a, b)
        for a, b in zip(local, cluster, strict=False)
        if a["status"] == b["status"] == "optimal"
    ]
    if not both:
        return None
    return all(a["objectives"] == b["objectives"] for a, b in both)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--instance", default="national", help="a datagen preset (national)")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per point")
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT workers per point")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vary", action="append", help=f"default: {' '.join(DEFAULT_VARY)}")
    args = parser.parse_args(argv)

    from trafficplan.datagen import generate_programme

    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="trafficplan-sweep-bench-") as tmp:
        workdir = Path(tmp)
        data = workdir / args.instance
        generate_programme(data, args.instance)

        (workdir / "local").mkdir()
        print("local pool (--jobs 2) ...", flush=True)
        runs["local"] = run_capacity(data, args, ["--jobs", "2"], workdir / "local")

        (workdir / "cluster").mkdir()
        print("local cluster (scheduler + 2 workers) ...", flush=True)
        address, processes = start_cluster(workdir / "cluster", 2)
        try:
            workers = [p.pid for p in processes[1:]]
            with MemorySampler(workers, descendants=False) as sampler:
                runs["cluster"] = run_capacity(
                    data, args, ["--scheduler", address], workdir / "cluster"
                )
            runs["cluster"]["pool_peak_mb"] = {
                f"worker pid {pid}": round(peak, 1) for pid, peak in sampler.peaks.items()
            }
        finally:
            stop(processes)

    for mode, run in runs.items():
        print(
            f"\n{mode}: exit {run['exit_code']}, wall {run['wall_seconds']:.1f} s, "
            f"command peak (with reaped children) {run['client_peak_mb']:.0f} MB"
        )
        for name, peak in run["pool_peak_mb"].items():
            print(f"  peak {peak:7.0f} MB  {name}")
        for row in points(run):
            values = ", ".join(f"{k}={v}" for k, v in row["values"].items())
            print(
                f"  {values:<55} {row['status']:<10} trained {row['officers_trained']} "
                f"cost {row['cost_eur']} in {row['seconds']:.1f} s"
            )
        if "error" in run["document"]:
            print(f"  error: {run['document']['error'].strip().splitlines()[-1]}")
    same = agree(points(runs["local"]), points(runs["cluster"]))
    print(f"\nSame objectives on points proven optimal both ways: {same}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d")
    target = RESULTS / f"sweep-{stamp}.json"
    serial = 2
    while target.exists():
        target = RESULTS / f"sweep-{stamp}-{serial}.json"
        serial += 1
    document = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": vars(args),
        "runs": runs,
        "same_where_proven": same,
    }
    target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"Written to {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
