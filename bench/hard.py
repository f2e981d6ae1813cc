"""Hard data: the planner against a plain time-indexed CP-SAT model, in the same run.

    python bench/hard.py [--family scarce,budget] [--only NAME,...] [--runs 5]
                         [--plain-runs N] [--time-limit 60] [--workers 2] [--seed 0]
                         [--memory-gb 8] [--json]

Per instance of the chosen families (``bench/families.py``) and per run, two fresh child
processes with the same time limit, workers and seed: the planner (``python -m trafficplan
solve --json``) and the plain model (``bench/plain_model.py``, under an address-space cap of
``--memory-gb``; "out of memory" is a result). Every time counts from the child's start,
measured here: the plain model prints a line as each thing happens (model built, first plan,
each level); the planner prints one JSON document at the end, so its first plan is placed at
the document's arrival minus the solver's ``wall_seconds`` plus its ``first_plan_seconds``
(it reports both from the start of its search), and its ``officers_trained`` is proven when
the document says so, at its arrival (the planner reports proofs only with the plan). Peak
memory is each child's maximum resident set size (``os.wait4``). Every plan written is checked
by the independent checker.

Prints the medians over the runs per instance and solver, the ratios planner / plain model,
and each objective level's value, bound and gap at the end; ``--json`` prints the whole
document instead. Everything is written to ``bench/results/hard-<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from families import FAMILIES, Instance, prepare
from run import (
    MB,
    REPO,
    Level,
    check_written_plan,
    fmt,
    median,
    relative_gap,
    results_document,
    write_results,
)

PLAIN_MODEL = Path(__file__).resolve().parent / "plain_model.py"
SOLVERS = ("product", "plain")
OUT_OF_MEMORY = re.compile(r"MemoryError|bad_alloc|Cannot allocate memory|out of memory")
STATUSES = {0: None, 4: "infeasible", 5: "unknown", 6: "out of memory"}


@dataclass
class Outcome:
    """One solve of one instance by one solver; times in seconds from the process start."""

    instance: str
    solver: str
    run: int
    exit_code: int
    status: str  # optimal, feasible, unknown, infeasible, out of memory, timeout, error
    build_seconds: float | None  # as the solver reports it: building its (first) model
    first_plan_seconds: float | None
    officers_proven_seconds: float | None
    process_seconds: float
    peak_mb: float
    plan_valid: bool | None  # checker verdict on the plan written (None: no plan)
    levels: list[Level] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)  # the plan's, as the solver wrote them
    error: str = ""

    def misreported(self) -> list[str]:
        """Levels whose reported value is not the plan's own metric (specification 6.1: a
        level's value is the final plan's value), in words."""
        found = []
        for level in self.levels:
            metric = self.metrics.get(level.name)
            if level.value is None or metric is None:
                continue
            slack = max(1.0, 0.001 * abs(metric)) if level.name == "cost_eur" else 0.0
            if abs(level.value - metric) > slack:
                found.append(
                    f"{self.instance} {self.solver} run {self.run}: {level.name} reported "
                    f"{level.value:g}, the plan's metric is {metric:g}"
                )
        return found


@dataclass
class Child:
    """What a child process did: its exit code, its stdout lines with their arrival times
    (seconds from its start), its stderr, its wall seconds and peak memory."""

    exit_code: int
    lines: list[tuple[float, str]]
    stderr: str
    seconds: float
    peak_mb: float
    killed: bool


def run_child(command: list[str], cwd: Path, stderr_path: Path, kill_after: float) -> Child:
    """Run a command, timestamping every stdout line as it arrives; kill it after
    ``kill_after`` seconds."""
    started = time.monotonic()
    with stderr_path.open("wb") as err:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, cwd=cwd)
        lines: list[tuple[float, str]] = []

        def read() -> None:
            assert child.stdout is not None
            for raw in child.stdout:
                lines.append((time.monotonic() - started, raw.decode("utf-8", "replace")))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        killer = threading.Timer(kill_after, child.kill)
        killer.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        killer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        reader.join()
        assert child.stdout is not None
        child.stdout.close()
    return Child(
        exit_code=child.returncode,
        lines=lines,
        stderr=stderr_path.read_text(encoding="utf-8", errors="replace"),
        seconds=round(seconds, 3),
        peak_mb=round(usage.ru_maxrss / MB, 1),
        killed=seconds >= kill_after,
    )


def levels_of(objectives: list[dict[str, Any]]) -> list[Level]:
    """Objective levels as reported, with their relative gaps."""
    return [
        Level(
            name=o["name"],
            value=o.get("value"),
            bound=o.get("bound"),
            gap=relative_gap(o["name"], o.get("value"), o.get("bound")),
            proven=bool(o.get("proven")),
        )
        for o in objectives
    ]


def product_once(instance: Instance, run: int, workdir: Path, args: argparse.Namespace) -> Outcome:
    """One ``trafficplan solve --json`` in a fresh child process, measured."""
    plan = workdir / f"{instance.name}-product-{run}.json"
    plan.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "trafficplan", "solve", "--data", str(instance.folder),
        "--out", str(plan), "--json", "--workers", str(args.workers), "--seed", str(args.seed),
        "--time-limit", str(args.time_limit),
    ]  # fmt: skip
    stderr = workdir / f"{instance.name}-product-{run}.stderr"
    child = run_child(command, workdir, stderr, 3 * args.time_limit + 120)
    try:
        doc: dict[str, Any] = json.loads("".join(text for _at, text in child.lines))
    except json.JSONDecodeError:
        doc = {}
    arrived = child.lines[0][0] if child.lines else None
    levels = levels_of(doc.get("objectives", []))
    first = proven = None
    if arrived is not None and doc.get("wall_seconds") is not None:
        search_started = arrived - doc["wall_seconds"]
        if doc.get("first_plan_seconds") is not None:
            first = round(search_started + doc["first_plan_seconds"], 3)
        if any(lv.name == "officers_trained" and lv.proven for lv in levels):
            # when the proof was in hand (from the process start), else the document's arrival
            at = doc.get("proven_seconds", {}).get("officers_trained")
            proven = round(arrived if at is None else search_started + at, 3)
    status = "timeout" if child.killed else str(doc.get("status", "error"))
    return Outcome(
        instance=instance.name,
        solver="product",
        run=run,
        exit_code=child.exit_code,
        status=status,
        build_seconds=doc.get("build_seconds"),
        first_plan_seconds=first,
        officers_proven_seconds=proven,
        process_seconds=child.seconds,
        peak_mb=child.peak_mb,
        plan_valid=check_written_plan(instance.folder, plan) if plan.exists() else None,
        levels=levels,
        metrics=doc.get("metrics", {}),
        error="" if doc else child.stderr[-2000:],
    )


def plain_once(instance: Instance, run: int, workdir: Path, args: argparse.Namespace) -> Outcome:
    """One run of the plain model in a fresh child process under the memory cap, measured."""
    plan = workdir / f"{instance.name}-plain-{run}.json"
    plan.unlink(missing_ok=True)
    command = [
        sys.executable, str(PLAIN_MODEL), "--data", str(instance.folder), "--out", str(plan),
        "--workers", str(args.workers), "--seed", str(args.seed),
        "--time-limit", str(args.time_limit), "--memory-gb", str(args.memory_gb),
    ]  # fmt: skip
    stderr = workdir / f"{instance.name}-plain-{run}.stderr"
    child = run_child(command, workdir, stderr, 3 * args.time_limit + 120)
    events: list[tuple[float, dict[str, Any]]] = []
    for at, text in child.lines:
        try:
            events.append((at, json.loads(text)))
        except json.JSONDecodeError:
            continue
    built = next((e for _at, e in events if e["event"] == "built"), {})
    first = next((at for at, e in events if e["event"] == "first_plan"), None)
    proven = next(
        (
            at
            for at, e in events
            if e["event"] == "level" and e["name"] == "officers_trained" and e["proven"]
        ),
        None,
    )
    done = next((e for _at, e in events if e["event"] == "done"), {})
    if child.killed:
        status = "timeout"
    elif child.exit_code == 6 or (child.exit_code != 0 and OUT_OF_MEMORY.search(child.stderr)):
        status = "out of memory"
    elif child.exit_code < 0:
        status = f"killed by signal {-child.exit_code}"
    else:
        status = str(done.get("status", "error"))
    return Outcome(
        instance=instance.name,
        solver="plain",
        run=run,
        exit_code=child.exit_code,
        status=status,
        build_seconds=built.get("build_seconds"),
        first_plan_seconds=None if first is None else round(first, 3),
        officers_proven_seconds=None if proven is None else round(proven, 3),
        process_seconds=child.seconds,
        peak_mb=child.peak_mb,
        plan_valid=check_written_plan(instance.folder, plan) if plan.exists() else None,
        levels=levels_of(done.get("objectives", [])),
        metrics=done.get("metrics", {}),
        error="" if done else child.stderr[-2000:],
    )


# ----- summaries -------------------------------------------------------------------------------
def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    """Medians over the runs of one instance and solver (a time that some runs never reached
    is the median of those that did; ``*_runs`` says how many)."""
    names: list[str] = []
    for outcome in outcomes:
        names += [lv.name for lv in outcome.levels if lv.name not in names]
    levels = {}
    for name in names:
        mine = [next((lv for lv in o.levels if lv.name == name), None) for o in outcomes]
        levels[name] = {
            "value": median([lv.value if lv else None for lv in mine]),
            "bound": median([lv.bound if lv else None for lv in mine]),
            "gap": median([lv.gap if lv else None for lv in mine]),
            "proven": sum(1 for lv in mine if lv and lv.proven),
        }
    first = [o.first_plan_seconds for o in outcomes]
    proven = [o.officers_proven_seconds for o in outcomes]
    return {
        "runs": len(outcomes),
        "statuses": sorted({o.status for o in outcomes}),
        "all_plans_valid": all(o.plan_valid is not False for o in outcomes),
        "plans": sum(1 for o in outcomes if o.plan_valid is not None),
        "build_seconds": median([o.build_seconds for o in outcomes]),
        "first_plan_seconds": median(first),
        "first_plan_runs": sum(1 for t in first if t is not None),
        "officers_proven_seconds": median(proven),
        "officers_proven_runs": sum(1 for t in proven if t is not None),
        "process_seconds": median([o.process_seconds for o in outcomes]),
        "peak_mb": median([o.peak_mb for o in outcomes]),
        "levels": levels,
    }


RATIO_KEYS = (
    "build_seconds",
    "first_plan_seconds",
    "officers_proven_seconds",
    "process_seconds",
    "peak_mb",
)


def ratios(product: dict[str, Any], plain: dict[str, Any]) -> dict[str, float | None]:
    """Planner / plain model for each measured figure (None where either has none)."""
    result: dict[str, float | None] = {}
    for key in RATIO_KEYS:
        mine, theirs = product.get(key), plain.get(key)
        result[key] = None if mine is None or not theirs else round(mine / theirs, 3)
    return result


def _times(summary: dict[str, Any], key: str) -> str:
    """A median time, with the runs that reached it when not all did."""
    runs, reached = summary["runs"], summary[key.replace("_seconds", "_runs")]
    text = fmt(summary[key])
    return text if reached in (0, runs) else f"{text} ({reached}/{runs})"


TARGETS: dict[str, tuple[float | None, float | None, float]] = {
    # instance: (all levels proven within s, first plan within s, peak memory MB)
    "shipped": (3, None, 500),
    "national": (20, 5, 2048),
    "double-national": (60, None, 4096),
}
"""Specification 7.5's targets where every level must be proven."""


def targets(name: str, product: dict[str, Any]) -> list[tuple[str, bool]]:
    """The specification's targets for this instance (7.5), each met or not, from the
    planner's medians; none for an instance it names no target for."""
    levels = product["levels"]
    runs = product["runs"]
    wall, first, peak = (
        product["process_seconds"],
        product["first_plan_seconds"],
        product["peak_mb"],
    )
    if name == "quadruple-national":
        officers = levels.get("officers_trained", {})
        return [
            (
                "a valid plan <= 300 s",
                product["plans"] == runs
                and product["all_plans_valid"]
                and wall is not None
                and wall <= 300,
            ),
            ("officers_trained proven", officers.get("proven") == runs),
            ("<= 8 GB", peak is not None and peak <= 8192),
        ]
    if name not in TARGETS:
        return []
    proven_within, first_within, memory = TARGETS[name]
    proven = bool(levels) and all(level["proven"] == runs for level in levels.values())
    checks = [
        (
            f"all levels proven <= {proven_within:g} s",
            proven and wall is not None and wall <= (proven_within or 0),
        ),
        (
            f"<= {memory / 1024:g} GB" if memory >= 1024 else f"<= {memory:g} MB",
            peak is not None and peak <= memory,
        ),
    ]
    if first_within is not None:
        checks.insert(
            1, (f"first plan <= {first_within:g} s", first is not None and first <= first_within)
        )
    return checks


def print_table(
    instances: list[Instance],
    summaries: dict[str, dict[str, Any]],
    outcomes: list[Outcome],
    args: argparse.Namespace,
) -> None:
    """The measured table: per instance the planner, the plain model and their ratio; then
    the objective levels at the end, and any level whose value is not its plan's metric."""
    print(
        f"\nHard data: time limit {args.time_limit:g} s, {args.workers} workers, median of "
        f"{args.runs} run(s) (plain model: {args.plain_runs}); times in seconds from the "
        f"process start; plain model capped at {args.memory_gb:g} GB"
    )
    for instance in instances:
        print(f"  {instance.name}: {instance.note}")
    header = (
        f"{'instance':<20}{'solver':<9}{'status':<16}{'build s':>8}{'1st plan s':>12}"
        f"{'officers proven s':>19}{'wall s':>8}{'peak MB':>9}  valid"
    )
    print("\n" + header)
    print("-" * len(header))
    for instance in instances:
        pair = summaries[instance.name]
        for solver in SOLVERS:
            s = pair[solver]
            valid = "-" if not s["plans"] else "yes" if s["all_plans_valid"] else "NO"
            print(
                f"{instance.name if solver == 'product' else '':<20}{solver:<9}"
                f"{','.join(s['statuses']):<16}{fmt(s['build_seconds']):>8}"
                f"{_times(s, 'first_plan_seconds'):>12}"
                f"{_times(s, 'officers_proven_seconds'):>19}"
                f"{fmt(s['process_seconds']):>8}{fmt(s['peak_mb'], 0):>9}  {valid}"
            )
        r = pair["ratio"]
        print(
            f"{'':<20}{'ratio':<9}{'product/plain':<16}{fmt(r['build_seconds'], 2):>8}"
            f"{fmt(r['first_plan_seconds'], 2):>12}{fmt(r['officers_proven_seconds'], 2):>19}"
            f"{fmt(r['process_seconds'], 2):>8}{fmt(r['peak_mb'], 2):>9}"
        )
    print("\nObjective levels at the end (medians: value / bound / gap, proven runs):")
    for instance in instances:
        pair = summaries[instance.name]
        names = list(dict.fromkeys([*pair["product"]["levels"], *pair["plain"]["levels"]]))
        for name in names:
            cells = []
            for solver in SOLVERS:
                level = pair[solver]["levels"].get(name)
                if level is None:
                    cells.append(f"{solver} -")
                    continue
                gap = "-" if level["gap"] is None else f"{100 * level['gap']:.2f} %"
                cells.append(
                    f"{solver} {fmt(level['value'], 2)} / {fmt(level['bound'], 2)} / {gap}, "
                    f"proven {level['proven']}/{pair[solver]['runs']}"
                )
            print(f"  {instance.name:<20}{name:<22}" + "   ".join(cells))
        if not names:
            print(f"  {instance.name:<20}no plan from either")
    checked = [
        (i.name, label, met)
        for i in instances
        for label, met in targets(i.name, summaries[i.name]["product"])
    ]
    if checked:
        print(
            "\nTargets of the third release (specification 7.5; medians, from the process start):"
        )
        for name, label, met in checked:
            print(f"  {name:<20}{label:<44}{'met' if met else 'NOT met'}")
    misreported = [line for o in outcomes for line in o.misreported()]
    if misreported:
        print("\nReported level values that are not the plan's own metric:")
        for line in misreported:
            print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--family",
        action="append",
        help=f"family to run, repeatable or comma-separated: {', '.join(FAMILIES)} "
        "(default scarce,budget)",
    )
    parser.add_argument(
        "--only", help="comma-separated instance names to run (e.g. scarce-2,budget-20)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per instance (default 5)")
    parser.add_argument(
        "--plain-runs",
        type=int,
        help="runs of the plain model per instance, at most --runs (default: as many; 0: the "
        "product alone, to compare two versions of it); its medians are over these",
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="solver seed (default 0)")
    parser.add_argument(
        "--memory-gb", type=float, default=8.0, help="the plain model's memory cap (default 8)"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON document instead")
    args = parser.parse_args(argv)
    chosen = [f.strip() for item in args.family or ["scarce,budget"] for f in item.split(",")]
    chosen = [f for f in dict.fromkeys(chosen) if f]
    unknown = [f for f in chosen if f not in FAMILIES]
    args.plain_runs = args.runs if args.plain_runs is None else min(args.plain_runs, args.runs)
    if unknown or not chosen or args.runs < 1 or args.plain_runs < 0:
        parser.error(f"families must be among {', '.join(FAMILIES)}; runs >= 1, plain runs >= 0")
    say = sys.stderr if args.json else sys.stdout

    outcomes: list[Outcome] = []
    summaries: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="trafficplan-hard-") as tmp:
        workdir = Path(tmp)
        instances = prepare(chosen, workdir, args.time_limit, args.workers, args.seed)
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            instances = [i for i in instances if i.name in wanted]
            if not instances:
                parser.error(f"--only names none of the instances of {', '.join(chosen)}")
        for instance in instances:
            mine: dict[str, list[Outcome]] = {solver: [] for solver in SOLVERS}
            for index in range(1, args.runs + 1):
                for solver, once in (("product", product_once), ("plain", plain_once)):
                    runs = args.runs if solver == "product" else args.plain_runs
                    if index > runs:
                        continue
                    outcome = once(instance, index, workdir, args)
                    mine[solver].append(outcome)
                    officers = next(
                        (lv for lv in outcome.levels if lv.name == "officers_trained"), None
                    )
                    print(
                        f"{instance.name} {solver} run {index}/{runs}: {outcome.status}, "
                        f"first plan {fmt(outcome.first_plan_seconds)} s, officers "
                        f"{fmt(officers.value if officers else None, 0)}"
                        f"/{fmt(officers.bound if officers else None, 0)} proven at "
                        f"{fmt(outcome.officers_proven_seconds)} s, "
                        f"wall {outcome.process_seconds:.1f} s, peak {outcome.peak_mb:.0f} MB",
                        file=say,
                        flush=True,
                    )
                    if outcome.error:
                        print(f"  stderr: {outcome.error.strip()[-300:]}", file=say, flush=True)
            outcomes += mine["product"] + mine["plain"]
            product, plain = summarise(mine["product"]), summarise(mine["plain"])
            summaries[instance.name] = {
                "family": instance.family,
                "note": instance.note,
                "product": product,
                "plain": plain,
                "ratio": ratios(product, plain),
            }

    settings = {**vars(args), "family": chosen}
    document = results_document(settings, summaries, [asdict(o) for o in outcomes])
    document["misreported"] = [line for o in outcomes for line in o.misreported()]
    target = write_results(document, prefix="hard-")
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print_table(instances, summaries, outcomes, args)
    print(f"\nAll runs written to {target.relative_to(REPO)}", file=say)
    return 0


if __name__ == "__main__":
    sys.exit(main())
