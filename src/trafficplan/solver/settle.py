"""Levels settled by counts: the assignment relaxation (:mod:`trafficplan.solver.aggregate`)
optimises a level, and the master is asked for a plan with exactly its counts; if it has one,
the level is proven at once."""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.inputs.models import Tolerance
from trafficplan.plan import ObjectiveResult
from trafficplan.solver.aggregate import (
    Aggregate,
    AggregateLevel,
    Counts,
    realise,
)
from trafficplan.solver.api import (
    SolveOptions,
)
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.search import (
    Level,
    LexOutcome,
    level_result,
    report_progress,
    solve_reproducibly,
)


def allowed(result: ObjectiveResult, tolerances: dict[str, Tolerance]) -> Fraction:
    """The most a (minimised) level may be in any plan that keeps it at its optimum, or
    within its tolerance of it, given that the result's plan value is at least that
    optimum."""
    value = Fraction(str(result.value))
    tolerance = tolerances.get(result.name)
    return value + (tolerance.allowance(value) if tolerance is not None else 0)


def settle_by_counts(
    inst: Instance,
    master: PlanModel,
    levels: list[Level],
    aggregate: Aggregate,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    announce: bool = True,
    found: tuple[list[AggregateLevel], Counts] | None = None,
) -> LexOutcome | None:
    """Every officer-free level optimised in the assignment relaxation (with tolerances),
    then the master asked for a plan with exactly the relaxation's counts. If it has one, it
    is optimal on every level (its values equal the relaxation's bounds); a tolerant level's
    best counts are realised too, so that its ``best`` is a plan's value, not only a bound.
    None when any step fails: the master's own search takes over. ``announce``: a progress
    event per level when settled (else the caller reports them). ``found``: the
    relaxation's optimum on these levels when ``aggregate`` was optimised already."""
    if found is None:
        seconds = 0.1 * (deadline - time.monotonic())
        names = [level.name for level in levels]
        tolerances = inst.data.constraints.tolerances
        found = aggregate.optimise(names, tolerances, options.seed, seconds, options.limits)
    if found is None:
        return None
    results, counts = found
    # the levels' auxiliary variables (a largest load, a spread) held at the counts' values
    final = [(level.expr, result.final) for level, result in zip(levels, results, strict=True)]
    seconds = 0.3 * (deadline - time.monotonic())
    solver = realised(master, counts, final, options, workers, seconds)
    if solver is None:
        return None
    if any(round(solver.value(lv.expr)) != r.final for lv, r in zip(levels, results, strict=True)):
        return None  # the counts do not decide these levels in the master
    for level, result in zip(levels, results, strict=True):
        if level.tolerance is None or result.best == result.final:
            continue
        seconds = 0.3 * (deadline - time.monotonic())
        held = [(level.expr, result.best)]
        certified = realised(master, result.best_counts, held, options, workers, seconds)
        if certified is None or round(certified.value(level.expr)) != result.best:
            return None
    outcome = LexOutcome()
    outcome.values = master.solution(solver)
    outcome.first_plan_at = time.monotonic() - started
    for level, result in zip(levels, results, strict=True):
        best = result.best / level.scale
        outcome.results.append(level_result(level, result.final / level.scale, best, best, True))
    if announce:
        report_settled(options, started, outcome.results, 1, len(levels) + 1)
    return outcome


def report_settled(
    options: SolveOptions,
    started: float,
    results: list[ObjectiveResult],
    first_index: int,
    count: int,
) -> None:
    """A progress event for each level settled at once, in order, from ``first_index`` of
    ``count`` levels."""
    for index, result in enumerate(results, start=first_index):
        report_progress(options, started, result.name, index, count, result.value, result.bound)


def realised(
    master: PlanModel,
    counts: Counts,
    at_most: list[tuple[Any, int]],
    options: SolveOptions,
    workers: int,
    seconds: float,
) -> cp_model.CpSolver | None:
    """A solver holding a master plan with exactly these counts and each expression of
    ``at_most`` at most its value, or None (none in time)."""
    added = realise(master, counts)
    added += [master.model.add(expr <= value) for expr, value in at_most]
    status, solver = solve_reproducibly(master, options, workers, max(0.5, seconds), None)
    for constraint in added:
        constraint.proto.clear_linear()  # the counts hold for this solve only
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
