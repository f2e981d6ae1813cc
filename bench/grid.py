"""Benchmark of a capacity grid: one ``capacity`` sweep against the same points solved cold.

    python bench/grid.py [--data data] [--vary sessions.officers.max=16..35] [--jobs 2]
                         [--workers 1] [--time-limit 60] [--runs 5] [--cold-runs 1]

Specification 7.5: a 20-point capacity grid on the shipped data within 60 s wall on 2 cores.
Two ways to answer the same grid, measured in the same run:

- ``sweep``: ``python -m trafficplan capacity --json --vary ... --jobs J --workers W`` in a
  fresh child process (medians over ``--runs``). What its points share: the data folder is read
  and checked once, each pool process imports the planner once and solves many points, and
  points are handed out as processes come free.
- ``cold``: each point on its own, as a user without ``capacity`` would do it: the point's
  edit written into a data folder of its own (``trafficplan.scenarios.edits``), then
  ``python -m trafficplan solve --json --workers W`` in a fresh process, ``J`` at a time
  (``--cold-runs`` repeats).

Prints the wall time of each way, their ratio, and whether every point both proved optimal has
the same objective values both ways; writes everything to ``bench/results/grid-<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from run import machine, median, run_measured, write_results
from sweep import environment

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VARY = "sessions.officers.max=16..35"


def sweep_once(args: argparse.Namespace, workdir: Path, run: int) -> dict[str, Any]:
    """One ``capacity`` run: its wall seconds, peak memory and points."""
    command = [
        sys.executable, "-m", "trafficplan", "capacity", "--data", str(args.data), "--json",
        "--vary", args.vary, "--jobs", str(args.jobs), "--workers", str(args.workers),
        "--time-limit", str(args.time_limit), "--seed", "0",
    ]  # fmt: skip
    out, err = workdir / f"sweep-{run}.json", workdir / f"sweep-{run}.err"
    measured = run_measured(command, out, err, REPO, env=environment())
    document = json.loads(out.read_text(encoding="utf-8")) if measured.exit_code == 0 else {}
    points = {
        next(iter(p["values"].values())): (p["status"], _values(p["objectives"]))
        for p in document.get("points", [])
    }
    return {
        "exit_code": measured.exit_code,
        "wall_seconds": round(measured.seconds, 2),
        "peak_mb": round(measured.peak_mb, 1),
        "points": points,
    }


def point_folders(args: argparse.Namespace, workdir: Path) -> dict[str, Path]:
    """Each point's data folder: the data with that point's edit, written by the planner's
    own scenario code (so the edit means exactly what ``capacity`` makes of it)."""
    from trafficplan.inputs.loading import read_raw
    from trafficplan.scenarios.capacity import make_grid, parse_vary
    from trafficplan.scenarios.edits import apply_scenario, write_scenario_data

    raw = read_raw(args.data)
    grid = make_grid([parse_vary(args.vary)])
    folders = {}
    for coords in grid.coordinates():
        (assignment,) = grid.assignments(coords)
        value = assignment.split("=", 1)[1]
        folder = workdir / f"point-{value}"
        folder.mkdir()
        write_scenario_data(apply_scenario(raw, [assignment], []), folder)
        folders[value] = folder
    return folders


def cold_once(
    args: argparse.Namespace, folders: dict[str, Path], workdir: Path, run: int
) -> dict[str, Any]:
    """Every point solved by ``trafficplan solve`` in a process of its own, ``--jobs`` at a
    time: the wall seconds from the first start to the last end, and each point's result."""

    def solve(item: tuple[str, Path]) -> tuple[str, tuple[str, list[float | None]] | None]:
        value, folder = item
        command = [
            sys.executable, "-m", "trafficplan", "solve", "--data", str(folder), "--json",
            "--out", str(workdir / f"cold-{run}-{value}.plan.json"),
            "--workers", str(args.workers), "--time-limit", str(args.time_limit), "--seed", "0",
        ]  # fmt: skip
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, env=environment(), check=False
        )
        if done.returncode not in (0, 1):  # 1: a plan that does not train everyone
            return value, None
        document = json.loads(done.stdout)
        return value, (document["status"], _values(document["objectives"]))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = dict(pool.map(solve, folders.items()))
    return {"wall_seconds": round(time.monotonic() - started, 2), "points": results}


def _values(objectives: list[dict[str, Any]]) -> list[float | None]:
    return [objective["value"] for objective in objectives]


def agree(sweep: dict[str, Any], cold: dict[str, Any]) -> bool:
    """Whether every point proved optimal both ways has the same objective values."""
    for value, (status, values) in sweep["points"].items():
        other = cold["points"].get(value)
        if other is None or status != "optimal" or other[0] != "optimal":
            continue
        if values != other[1]:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the grid benchmark; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--vary", default=DEFAULT_VARY, help=f"one key (default {DEFAULT_VARY})")
    parser.add_argument("--jobs", type=int, default=2, help="solves at a time (default 2)")
    parser.add_argument("--workers", type=int, default=1, help="workers per solve (default 1)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="per solve (default 60)")
    parser.add_argument("--runs", type=int, default=5, help="sweep runs (default 5)")
    parser.add_argument("--cold-runs", type=int, default=1, help="cold runs (default 1)")
    args = parser.parse_args(argv)
    args.data = args.data.resolve()

    with tempfile.TemporaryDirectory(prefix="trafficplan-grid-") as tmp:
        workdir = Path(tmp)
        folders = point_folders(args, workdir)
        sweeps, colds = [], []
        for run in range(1, max(args.runs, args.cold_runs) + 1):
            if run <= args.runs:
                sweeps.append(sweep_once(args, workdir, run))
                print(f"sweep run {run}/{args.runs}: {sweeps[-1]['wall_seconds']} s", flush=True)
            if run <= args.cold_runs:
                colds.append(cold_once(args, folders, workdir, run))
                print(f"cold run {run}/{args.cold_runs}: {colds[-1]['wall_seconds']} s", flush=True)

    sweep_wall = median([s["wall_seconds"] for s in sweeps])
    cold_wall = median([c["wall_seconds"] for c in colds])
    optimal = sum(1 for status, _ in sweeps[0]["points"].values() if status == "optimal")
    same = all(agree(s, c) for s in sweeps for c in colds)
    print(
        f"\n{len(folders)} points ({args.vary}), {args.jobs} at a time, {args.workers} "
        f"worker(s) each, time limit {args.time_limit:g} s per solve"
    )
    print(f"  sweep (capacity, median of {len(sweeps)}): {sweep_wall:.1f} s wall")
    print(f"  cold (solve per point, median of {len(colds)}): {cold_wall:.1f} s wall")
    if sweep_wall and cold_wall:
        print(f"  ratio sweep/cold: {sweep_wall / cold_wall:.2f}")
    print(f"  points proven optimal by the sweep: {optimal}/{len(folders)}")
    print(f"  same objective values wherever both proved optimal: {'yes' if same else 'NO'}")
    target = sweep_wall is not None and len(folders) >= 20 and sweep_wall <= 60
    print(f"  specification 7.5 (20 points <= 60 s): {'met' if target else 'NOT met'}")
    for sweep in sweeps:
        sweep["points"] = {k: list(v) for k, v in sweep["points"].items()}
    document = {
        "machine": machine(),
        "settings": {k: str(v) for k, v in vars(args).items()},
        "sweeps": sweeps,
        "colds": colds,
        "sweep_wall_seconds": sweep_wall,
        "cold_wall_seconds": cold_wall,
        "agree": same,
    }
    written = write_results(document, prefix="grid-")
    print(f"\nAll runs written to {written.relative_to(REPO)}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
