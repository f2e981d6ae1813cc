"""The fallback: the full model, every rule at once, hinted with the plan found so far and
bounded by the officer bounds proven so far."""

from __future__ import annotations

import math
import time

from trafficplan.plan import ObjectiveResult, Plan
from trafficplan.solver.api import (
    EXPLAIN_POINTER,
    SolveOptions,
    SolveResult,
)
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.hints import add_plan_hint
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.results import Timing, no_plan_in_time, no_plan_result, plan_result
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    apply_limits,
    objective_levels,
    optimise_lexicographically,
)

NO_PLAN_REASON = (
    f"the data admit no plan that keeps every rule; {EXPLAIN_POINTER} to see which rules conflict"
)


def solve_full(
    inst: Instance,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    hint: Plan | None = None,
    officer_bounds: dict[str, int] | None = None,
    bound_proven: bool = False,
    officers_at_most: int | None = None,
) -> SolveResult:
    """The full model (every rule at once), hinted with ``hint``; ``officer_bounds`` (per
    region) and ``officers_at_most`` (in all) are proven upper bounds of the officers trained,
    added as constraints and reported as the officers level's bound (the per-region ones
    only when ``bound_proven``)."""
    data = inst.data
    if options.stop.is_set():
        return _interrupted(started)
    pm = PlanModel(inst)
    add_constraints(pm)
    if pm.infeasible_reasons:
        return no_plan_result("infeasible", pm.infeasible_reasons, started)
    _bound_officers(pm, officer_bounds or {}, officers_at_most)
    apply_limits(pm, options.limits)
    if hint is not None:
        add_plan_hint(pm, hint)
    build_seconds = time.monotonic() - started
    if options.stop.is_set():
        return _interrupted(started)
    constraints = data.constraints
    levels = objective_levels(pm, constraints.objective_names, constraints.tolerances)
    outcome = optimise_lexicographically(pm, levels, options, workers, started, deadline)
    if outcome.infeasible:
        return no_plan_result("infeasible", [NO_PLAN_REASON], started)
    if outcome.values is None:
        return no_plan_in_time(started, outcome.interrupted, build_seconds)
    values = outcome.values
    sessions = extract_sessions(pm, lambda var: values[var.index])
    proven_bounds = officer_bounds if bound_proven else None
    _report_officer_bounds(outcome.results, proven_bounds, officers_at_most)
    return plan_result(
        data,
        sessions,
        outcome.results,
        Timing(started, build_seconds, outcome.first_plan_at),
        interrupted=outcome.interrupted,
    )


def _bound_officers(
    pm: PlanModel, officer_bounds: dict[str, int], officers_at_most: int | None
) -> None:
    """Add the proven upper bounds of the officers trained: each region's, and in all."""
    for region_id, bound in officer_bounds.items():
        classes = pm.classes_of_region[region_id]
        slots = pm.slots_of_region.get(region_id, [])
        pm.model.add(
            sum(
                pm.seated[(c, s.index)] for c in classes for s in slots if (c, s.index) in pm.seated
            )
            <= bound
        )
    if officers_at_most is not None:
        pm.model.add(pm.officers_trained() <= officers_at_most)


def _report_officer_bounds(
    results: list[ObjectiveResult],
    officer_bounds: dict[str, int] | None,
    officers_at_most: int | None,
) -> None:
    """The officers level's bound (in place, where it comes first) tightened by the bounds
    known before the search: the regions' sum and the bound in all."""
    if not results or results[0].name != "officers_trained":
        return
    first = results[0]
    if officer_bounds:
        first.bound = min(first.bound or math.inf, float(sum(officer_bounds.values())))
    if officers_at_most is not None:
        first.bound = min(first.bound or math.inf, float(officers_at_most))


def _interrupted(started: float) -> SolveResult:
    """Ctrl-C came before the search (while the hint was sought or the model built): CP-SAT's
    presolve of a model this size does not stop when asked, and would run for minutes."""
    return no_plan_result(
        "unknown", ["interrupted before any plan was found"], started, interrupted=True
    )
