"""Lexicographic search: one CP-SAT solve per objective level, each level held at its best
value for the next, the previous solution passed on as a hint."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.plan import ObjectiveResult
from trafficplan.solver.api import ProgressEvent, SolveOptions
from trafficplan.solver.model import PlanModel


@dataclass
class Level:
    """One objective level: its expression and how to read it back in user units."""

    name: str
    expr: Any
    maximise: bool
    scale: float  # model units per user unit (cents per EUR for cost_eur)


def objective_levels(pm: PlanModel, names: Sequence[str]) -> list[Level]:
    """The model's expressions for the named objectives, in the given order."""
    builders: dict[str, Callable[[], Level]] = {
        "officers_trained": lambda: Level("officers_trained", pm.officers_trained(), True, 1.0),
        "cost_eur": lambda: Level("cost_eur", pm.cost_cents(), False, 100.0),
        "max_trainer_sessions": lambda: Level(
            "max_trainer_sessions", pm.max_trainer_sessions(), False, 1.0
        ),
    }
    return [builders[name]() for name in names]


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports progress and stops the search when asked to."""

    def __init__(self, on_solution: Callable[[float, float], None], stop: threading.Event):
        super().__init__()
        self._on_solution = on_solution
        self._stop = stop

    def on_solution_callback(self) -> None:
        self._on_solution(self.objective_value, self.best_objective_bound)
        if self._stop.is_set():
            self.stop_search()


def run_solver(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    stop: threading.Event,
    watcher: cp_model.CpSolverSolutionCallback | None = None,
) -> int:
    """Solve in a worker thread so that the main thread stays responsive to Ctrl-C."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        outcome["status"] = solver.solve(model, watcher)

    thread = threading.Thread(target=target, name="cp-sat", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.1)
            if stop.is_set():
                solver.stop_search()
    except KeyboardInterrupt:
        stop.set()
        solver.stop_search()
        thread.join()
    return int(outcome.get("status", cp_model.UNKNOWN))


def make_solver(
    options: SolveOptions, seconds: float, workers: int, large: bool = False
) -> cp_model.CpSolver:
    """A CP-SAT solver with the run's seed, workers and a time limit.

    ``interleave_search`` makes multi-worker search deterministic: the same data, seed and
    workers give the same plan whenever no level stops at its time limit.
    """
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = options.seed
    params.max_time_in_seconds = max(0.05, seconds)
    params.interleave_search = workers > 1 and not large
    # stopping is ours (the stop event, set from a Python SIGINT handler): CP-SAT's own
    # handler does not survive solving in a worker thread
    params.catch_sigint_signal = False
    if large:
        # presolve of a national-sized model spends most of its time on symmetry detection
        # and repeated passes that do not pay for themselves here
        params.symmetry_level = 0
        params.max_presolve_iterations = 1
    return solver


QUICK_DETERMINISTIC_TIME = 4.0
"""Work units (CP-SAT deterministic time, about a second each here) of the single-worker
attempt that precedes a parallel search."""


def solve_reproducibly(
    pm: PlanModel,
    options: SolveOptions,
    workers: int,
    seconds: float,
    watcher: cp_model.CpSolverSolutionCallback | None,
    large: bool = False,
) -> tuple[int, cp_model.CpSolver]:
    """Solve so that the same data, seed and workers give the same answer.

    First one worker for a fixed amount of deterministic time: most models here are proven
    in it, faster than by parallel search. If it does not finish, the parallel search
    (deterministic through ``interleave_search``) continues from its best solution.
    Large models go straight to the parallel search, without interleaving.
    """
    deadline = time.monotonic() + seconds
    if workers > 1 and not large:
        quick = make_solver(options, seconds, 1)
        quick.parameters.max_deterministic_time = QUICK_DETERMINISTIC_TIME
        status = run_solver(quick, pm.model, options.stop, watcher)
        finished = status in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID)
        if finished or options.stop.is_set() or time.monotonic() >= deadline - 0.05:
            return status, quick
        if status == cp_model.FEASIBLE:
            pm.hint(pm.solution(quick))
    solver = make_solver(options, deadline - time.monotonic(), workers, large)
    return run_solver(solver, pm.model, options.stop, watcher), solver


@dataclass
class LexOutcome:
    """What a lexicographic run found."""

    results: list[ObjectiveResult] = field(default_factory=list)
    values: dict[int, int] | None = None
    infeasible: bool = False
    interrupted: bool = False
    first_plan_at: float | None = None


def optimise_lexicographically(
    pm: PlanModel,
    levels: list[Level],
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    level_offset: int = 0,
    level_count: int | None = None,
) -> LexOutcome:
    """Optimise each level in turn, holding earlier levels at their best value.

    A level that stops at its time limit is held at the value found (its bound is reported,
    it is not proven, and no later level can be proven).
    """
    outcome = LexOutcome()
    total_levels = level_count or len(levels)
    all_proven = True
    for index, level in enumerate(levels):
        remaining = deadline - time.monotonic()
        if remaining <= 0.05 or options.stop.is_set():
            outcome.interrupted = options.stop.is_set()
            break
        share = 1.0 if index == len(levels) - 1 else 0.6
        if level.maximise:
            pm.model.maximize(level.expr)
        else:
            pm.model.minimize(level.expr)

        def report(value: float, bound: float, level: Level = level, index: int = index) -> None:
            if outcome.first_plan_at is None:
                outcome.first_plan_at = time.monotonic() - started
            if options.progress is not None:
                options.progress(
                    ProgressEvent(
                        elapsed=time.monotonic() - started,
                        level=level.name,
                        level_index=level_offset + index,
                        levels=total_levels,
                        value=value / level.scale,
                        bound=bound / level.scale,
                    )
                )

        status, solver = solve_reproducibly(
            pm, options, workers, remaining * share, _Watcher(report, options.stop)
        )
        if options.stop.is_set():
            outcome.interrupted = True
        if status == cp_model.INFEASIBLE:
            outcome.infeasible = index == 0
            break
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        value = round(solver.objective_value)
        bound = solver.best_objective_bound
        bound = float(math.floor(bound + 1e-6) if level.maximise else math.ceil(bound - 1e-6))
        proven = status == cp_model.OPTIMAL and all_proven
        all_proven = proven
        outcome.results.append(
            ObjectiveResult(
                name=level.name, value=value / level.scale, bound=bound / level.scale, proven=proven
            )
        )
        outcome.values = pm.solution(solver)
        # hold this level at its value for the next ones, and hint the solution found
        pm.model.add(level.expr >= value if level.maximise else level.expr <= value)
        pm.hint(outcome.values)
        if outcome.interrupted:
            break
    return outcome


def optimise_weighted(
    pm: PlanModel,
    levels: list[Level],
    ranges: list[int],
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    level_offset: int = 0,
    level_count: int | None = None,
    large: bool = False,
) -> LexOutcome:
    """Optimise several levels in one solve with weights that keep them lexicographic.

    Level i is weighted by the product of (range + 1) of the levels after it, so no gain on
    a later level can pay for a loss on an earlier one; one proof covers every level. All
    levels must have the same sense. ``ranges`` are upper bounds of each level's value.
    """
    outcome = LexOutcome()
    maximise = levels[0].maximise
    weights = []
    for index in range(len(levels)):
        weight = 1
        for later in ranges[index + 1 :]:
            weight *= later + 1
        weights.append(weight)
    combined = sum(w * level.expr for w, level in zip(weights, levels, strict=True))
    if maximise:
        pm.model.maximize(combined)
    else:
        pm.model.minimize(combined)
    total_levels = level_count or len(levels)

    def report(value: float, bound: float) -> None:
        if outcome.first_plan_at is None:
            outcome.first_plan_at = time.monotonic() - started
        if options.progress is not None:
            first = levels[0]
            options.progress(
                ProgressEvent(
                    elapsed=time.monotonic() - started,
                    level=first.name,
                    level_index=level_offset,
                    levels=total_levels,
                    value=(value // weights[0]) / first.scale,
                    bound=(bound // weights[0]) / first.scale,
                )
            )

    status, solver = solve_reproducibly(
        pm, options, workers, deadline - time.monotonic(), _Watcher(report, options.stop), large
    )
    outcome.interrupted = options.stop.is_set()
    if status == cp_model.INFEASIBLE:
        outcome.infeasible = True
        return outcome
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return outcome
    proven = status == cp_model.OPTIMAL
    combined_bound = solver.best_objective_bound
    for index, level in enumerate(levels):
        value = solver.value(level.expr)
        bound: float | None = float(value)
        if not proven:
            if index == 0:
                raw = combined_bound / weights[0]
                bound = float(math.floor(raw + 1e-6) if maximise else math.ceil(raw - 1e-6 - 1))
                bound = max(bound, 0.0) if not maximise else bound
            else:
                bound = None
        outcome.results.append(
            ObjectiveResult(
                name=level.name,
                value=value / level.scale,
                bound=None if bound is None else bound / level.scale,
                proven=proven,
            )
        )
    outcome.values = pm.solution(solver)
    return outcome
