"""Lexicographic search: one CP-SAT solve per objective level, each level held at its best
value for the next, the previous solution passed on as a hint."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.inputs.models import Tolerance
from trafficplan.plan import ObjectiveResult
from trafficplan.solver.api import ProgressEvent, SolveOptions
from trafficplan.solver.model import PlanModel


@dataclass
class Level:
    """One objective level: its expression, how to read it back in user units, and the
    tolerance later levels may take from it (spec 6.1)."""

    name: str
    expr: Any
    maximise: bool
    scale: float  # model units per user unit (cents per EUR for cost_eur)
    tolerance: Tolerance | None = None
    # the level's exact value in user units from a solution, where the model holds a
    # rounded one (min_district_share)
    exact: Callable[[cp_model.CpSolver], Fraction] | None = None

    def value_of(self, solver: cp_model.CpSolver) -> float:
        """The level's value in the solver's solution, in user units."""
        if self.exact is not None:
            return float(self.exact(solver))
        return solver.value(self.expr) / self.scale

    def bound_of(self, solver: cp_model.CpSolver, proven: bool) -> float:
        """The proven bound on the level's best, in user units (what the last solve of this
        level's own objective established)."""
        raw = solver.best_objective_bound
        units = math.floor(raw + 1e-6) if self.maximise else math.ceil(raw - 1e-6)
        if self.exact is not None:
            if proven:
                return self.value_of(solver)
            # the model's unit is the floor of share x scale: the share is below unit + 1
            return min(1.0, (units + 1) / self.scale)
        return float(units) / self.scale

    def hold(self, pm: PlanModel, solver: cp_model.CpSolver) -> Fraction:
        """Constrain the model so that every later level keeps this one at the solver's
        solution value, or within the tolerance of it; returns the allowance given (user
        units, 0 without a tolerance). Rounded so that the promise holds: never more than
        the tolerance allows."""
        found = solver.value(self.expr)
        allowance = Fraction(0)
        if self.tolerance is not None:
            best = (
                self.exact(solver)
                if self.exact is not None
                else Fraction(found) / Fraction(self.scale)
            )
            allowance = self.tolerance.allowance(best)
        if self.exact is not None:
            best = self.exact(solver)
            # at least the floor of (best - allowance) x scale, never more than found
            least = min(found, math.ceil((best - allowance) * Fraction(self.scale)))
            pm.model.add(self.expr >= least)
            return allowance
        slack = math.floor(allowance * Fraction(self.scale))
        if self.maximise:
            pm.model.add(self.expr >= found - slack)
        else:
            pm.model.add(self.expr <= found + slack)
        return allowance


def objective_levels(
    pm: PlanModel, names: Sequence[str], tolerances: dict[str, Tolerance] | None = None
) -> list[Level]:
    """The model's expressions for the named objectives, in the given order, each with its
    tolerance if ``tolerances`` gives one."""
    tolerances = tolerances or {}

    def share(solver: cp_model.CpSolver) -> Fraction:
        sizes = pm.data.district_sizes
        trained = pm.district_trained()
        return min(
            (Fraction(int(solver.value(expr)), sizes[d]) for d, expr in trained.items()),
            default=Fraction(1),
        )

    builders: dict[str, Callable[[], Level]] = {
        "officers_trained": lambda: Level("officers_trained", pm.officers_trained(), True, 1.0),
        "cost_eur": lambda: Level("cost_eur", pm.cost_cents(), False, 100.0),
        "max_trainer_sessions": lambda: Level(
            "max_trainer_sessions", pm.max_trainer_sessions(), False, 1.0
        ),
        "travel_km": lambda: Level("travel_km", pm.travel_tenths(), False, 10.0),
        "trainer_spread": lambda: Level("trainer_spread", pm.trainer_spread(), False, 1.0),
        "ngo_spread": lambda: Level("ngo_spread", pm.ngo_spread(), False, 1.0),
        "min_district_share": lambda: Level(
            "min_district_share",
            pm.min_district_share(),
            True,
            float(pm.share_scale),
            exact=share,
        ),
    }
    levels = []
    for name in names:
        level = builders[name]()
        level.tolerance = tolerances.get(name)
        levels.append(level)
    return levels


OFFICER_OBJECTIVES = frozenset({"officers_trained", "min_district_share"})
"""Objectives that count officers: an officer-free model cannot express them."""


def apply_limits(pm: PlanModel, limits: dict[str, float]) -> None:
    """Hold each named objective to a limit in user units: at most it when minimised, at
    least it when maximised (the epsilon constraints of ``tradeoff``)."""
    for level in objective_levels(pm, list(limits)):
        limit = Fraction(str(limits[level.name])) * Fraction(level.scale)
        if level.maximise:
            pm.model.add(level.expr >= math.ceil(limit))
        else:
            pm.model.add(level.expr <= math.floor(limit))


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


def report_progress(
    options: SolveOptions,
    started: float,
    level: str,
    level_index: int,
    levels: int,
    value: float | None,
    bound: float | None,
) -> None:
    """Send a progress event (if the run has a callback): a level's value and bound now,
    ``started`` being the run's start."""
    if options.progress is not None:
        options.progress(
            ProgressEvent(
                elapsed=time.monotonic() - started,
                level=level,
                level_index=level_index,
                levels=levels,
                value=value,
                bound=bound,
            )
        )


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
    linearization: int | None = None,
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
        if linearization is not None:
            quick.parameters.linearization_level = linearization
        quick.parameters.cp_model_presolve = pm.presolve
        _lighten(quick, pm)
        status = run_solver(quick, pm.model, options.stop, watcher)
        finished = status in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID)
        if finished or options.stop.is_set() or time.monotonic() >= deadline - 0.05:
            return status, quick
        if status == cp_model.FEASIBLE:
            pm.hint(pm.solution(quick))
    solver = make_solver(options, deadline - time.monotonic(), workers, large)
    if linearization is not None:
        solver.parameters.linearization_level = linearization
    solver.parameters.cp_model_presolve = pm.presolve
    _lighten(solver, pm)
    return run_solver(solver, pm.model, options.stop, watcher), solver


def _lighten(solver: cp_model.CpSolver, pm: PlanModel) -> None:
    """A model that asks for it (``pm.light_presolve``) is presolved without probing and
    inclusion detection."""
    if pm.light_presolve:
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.presolve_inclusion_work_limit = 0


@dataclass
class LexOutcome:
    """What a lexicographic run found."""

    results: list[ObjectiveResult] = field(default_factory=list)
    values: dict[int, int] | None = None
    infeasible: bool = False
    interrupted: bool = False
    first_plan_at: float | None = None
    proven_at: dict[str, float] = field(default_factory=dict)
    """Seconds from the start when each proven level's search ended."""


def optimise_lexicographically(
    pm: PlanModel,
    levels: list[Level],
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    level_offset: int = 0,
    level_count: int | None = None,
    hold_last: bool = True,
    linearization: int | None = None,
) -> LexOutcome:
    """Optimise each level in turn, holding earlier levels at their best value, or within
    their tolerance of it (spec 6.1: the allowance is fixed when the level's search ends);
    the last level too unless ``hold_last`` is False (the caller holds it, or not).
    ``linearization``: CP-SAT's linearization level for the searches (default its own).

    A level that stops at its time limit is held at the value found (its bound is reported,
    it is not proven, and no later level can be proven). Each level reports the final
    plan's value on it; a tolerant level also its own ``best`` and the ``given`` part.
    """
    outcome = LexOutcome()
    total_levels = level_count or len(levels)
    final: cp_model.CpSolver | None = None
    found: list[tuple[Level, float, float, bool]] = []  # level, best, bound, proven
    for index, level in enumerate(levels):
        remaining = deadline - time.monotonic()
        if remaining <= 0.05 or options.stop.is_set():
            outcome.interrupted = options.stop.is_set()
            break
        share = 1.0 if index == len(levels) - 1 else 0.6
        report = _level_reporter(
            outcome, options, started, level, (level_offset + index, total_levels)
        )
        budget = (workers, remaining * share, deadline)
        status, solver, bound = _solve_level(
            pm, levels[: index + 1], final, options, budget, report, linearization
        )
        if options.stop.is_set():
            outcome.interrupted = True
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            outcome.infeasible = status == cp_model.INFEASIBLE and index == 0
            break
        # a level is proven only when every earlier one is
        proven = status == cp_model.OPTIMAL and all(p for *_, p in found)
        if proven:
            outcome.proven_at[level.name] = time.monotonic() - started
        found.append((level, level.value_of(solver), bound, proven))
        final = solver
        outcome.values = _keep_level(pm, level, solver, hold_last or index < len(levels) - 1)
        if outcome.interrupted:
            break
    if final is not None:
        outcome.results = [
            level_result(level, level.value_of(final), best, bound, proven)
            for level, best, bound, proven in found
        ]
    return outcome


def _keep_level(
    pm: PlanModel, level: Level, solver: cp_model.CpSolver, hold: bool
) -> dict[int, int]:
    """The solver's plan after a level's search: held on that level when ``hold`` and hinted
    for the next search; returns its values."""
    values = pm.solution(solver)
    if hold:
        level.hold(pm, solver)
    pm.hint(values)
    return values


def _level_reporter(
    outcome: LexOutcome,
    options: SolveOptions,
    started: float,
    level: Level,
    place: tuple[int, int],
) -> Callable[[float, float], None]:
    """A level's progress report of a raw objective value and bound (``place``: the level's
    position and the count of levels); the first call also marks when the first plan was
    found."""
    position, total_levels = place

    def report(value: float, bound: float) -> None:
        if outcome.first_plan_at is None:
            outcome.first_plan_at = time.monotonic() - started
        report_progress(
            options,
            started,
            level.name,
            position,
            total_levels,
            value / level.scale,
            bound / level.scale,
        )

    return report


def _solve_level(
    pm: PlanModel,
    levels: list[Level],
    previous: cp_model.CpSolver | None,
    options: SolveOptions,
    budget: tuple[int, float, float],
    report: Callable[[float, float], None],
    linearization: int | None,
) -> tuple[int, cp_model.CpSolver, float]:
    """The last of ``levels`` optimised with the earlier ones held: its status, the solver
    holding the plan to keep, and the level's bound. ``budget``: workers, the seconds for
    this level and the deadline (of probing)."""
    level = levels[-1]
    workers, seconds, deadline = budget
    if level.maximise:
        pm.model.maximize(level.expr)
    else:
        pm.model.minimize(level.expr)
    guide = next((g for g in reversed(levels[:-1]) if g.tolerance is not None), None)
    watcher = _Watcher(report, options.stop)
    if guide is not None and level.exact is None and level.scale == 1.0:
        # A count after a tolerant level (cost, say): minimised directly, its bound stays
        # weak, while the tolerant level's objective has a strong linear relaxation.
        # So probe each value k from the bound up: the best plan of the tolerant
        # level's objective with this level at most k; the first k with a plan is this
        # level's optimum.
        status, solver, bound = _probe(
            pm, level, guide, previous, options, workers, deadline, watcher
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            report(level.value_of(solver) * level.scale, bound * level.scale)
        return status, solver, bound
    status, solver = solve_reproducibly(
        pm, options, workers, seconds, watcher, linearization=linearization
    )
    return status, solver, level.bound_of(solver, status == cp_model.OPTIMAL)


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

PROBE_BOUND_TIME = 1.0
"""Deterministic time of the short solve that gives a probed level its first bound."""


def _probe(
    pm: PlanModel,
    level: Level,
    guide: Level,
    previous: cp_model.CpSolver | None,
    options: SolveOptions,
    workers: int,
    deadline: float,
    watcher: cp_model.CpSolverSolutionCallback,
) -> tuple[int, cp_model.CpSolver, float]:
    """Minimise an integer ``level`` by probing (see :func:`optimise_lexicographically`).

    A short solve of the level's own objective gives its first bound (and perhaps a plan);
    then for each value k from the bound up to the best value known, the best plan of
    ``guide``'s objective with the level at most k. Returns the status (OPTIMAL when the
    level's optimum is proven), the solver holding the plan to keep (``previous``, the
    earlier level's, when nothing better was found) and the level's proven bound.
    """
    pm.model.minimize(level.expr)
    quick = make_solver(options, deadline - time.monotonic(), 1)
    quick.parameters.max_deterministic_time = PROBE_BOUND_TIME
    quick.parameters.cp_model_presolve = pm.presolve
    status = run_solver(quick, pm.model, options.stop, watcher)
    if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        return status, quick, level.bound_of(quick, status == cp_model.OPTIMAL)
    best = quick if status == cp_model.FEASIBLE else previous
    found = round(best.value(level.expr)) if best is not None else math.inf
    low = max(0, math.ceil(quick.best_objective_bound - 1e-6))
    while low < found and time.monotonic() < deadline - 0.05 and not options.stop.is_set():
        probe = pm.model.add(level.expr <= low)
        if guide.maximise:
            pm.model.maximize(guide.expr)
        else:
            pm.model.minimize(guide.expr)
        # one worker with the full linear relaxation at the root: the guide's bound is what
        # proves a probe impossible, and it leads to the guide's best plans (CP-SAT's
        # interleaved parallel search aborted on such a probe of the shipped data)
        status, attempt = solve_reproducibly(
            pm, options, 1, deadline - time.monotonic(), None, linearization=2
        )
        domain = probe.proto.linear.domain  # the limit less the expression's constant
        top = domain[len(domain) - 1]
        domain.clear()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            domain.extend([INT64_MIN, top])  # the level stays at most low
            return int(cp_model.OPTIMAL), attempt, float(low)
        if status != cp_model.INFEASIBLE:
            domain.extend([INT64_MIN, INT64_MAX])  # no limit: out of time, the best known stands
            break
        # proven impossible: the level is at least low + 1 from now on (a valid cut; a
        # constraint is never removed, which CP-SAT's parallel search does not survive)
        domain.extend([top + 1, INT64_MAX])
        low += 1
    if best is None:
        return int(cp_model.UNKNOWN), quick, float(low)
    return int(cp_model.OPTIMAL if low >= found else cp_model.FEASIBLE), best, float(low)


def level_result(
    level: Level, value: float, best: float, bound: float | None, proven: bool
) -> ObjectiveResult:
    """A level's report: the final plan's ``value`` on it, the ``bound`` on its best, and
    where it has a tolerance, its ``best`` and what it ``given`` to later levels."""
    result = ObjectiveResult(name=level.name, value=value, bound=bound, proven=proven)
    if level.tolerance is not None:
        given = value - best if not level.maximise else best - value
        result.tolerance = str(level.tolerance)
        result.best = best
        result.given = max(0.0, given)
    return result


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
    weights = [
        math.prod(later + 1 for later in ranges[index + 1 :]) for index in range(len(levels))
    ]
    combined = sum(w * level.expr for w, level in zip(weights, levels, strict=True))
    if maximise:
        pm.model.maximize(combined)
    else:
        pm.model.minimize(combined)
    # progress is the first level's: its part of the combined objective
    first = _level_reporter(
        outcome, options, started, levels[0], (level_offset, level_count or len(levels))
    )

    def report(value: float, bound: float) -> None:
        first(value // weights[0], bound // weights[0])

    status, solver = solve_reproducibly(
        pm, options, workers, deadline - time.monotonic(), _Watcher(report, options.stop), large
    )
    outcome.interrupted = options.stop.is_set()
    if status == cp_model.INFEASIBLE:
        outcome.infeasible = True
        return outcome
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return outcome
    outcome.results = _weighted_results(
        solver, levels, weights, status == cp_model.OPTIMAL, maximise
    )
    outcome.values = pm.solution(solver)
    return outcome


def _weighted_results(
    solver: cp_model.CpSolver,
    levels: list[Level],
    weights: list[int],
    proven: bool,
    maximise: bool,
) -> list[ObjectiveResult]:
    """Each level's result of a weighted solve: proven together, or else only the first
    level bounded (the combined bound divided by its weight)."""
    results = []
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
        results.append(
            ObjectiveResult(
                name=level.name,
                value=value / level.scale,
                bound=None if bound is None else bound / level.scale,
                proven=proven,
            )
        )
    return results
