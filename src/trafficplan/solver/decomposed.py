"""Steps 2-4 of the decomposed search when every region can reach its officer bound: the
master held to the sessions those bounds need, its levels optimised, officers seated on its
sessions, and the full model when seating falls short."""

from __future__ import annotations

import time

from trafficplan.plan import ObjectiveResult, Plan, PlanSession
from trafficplan.solver.aggregate import (
    AGGREGATE_OBJECTIVES,
    UNCOUNTED_RULES,
    Aggregate,
)
from trafficplan.solver.api import (
    SolveOptions,
    SolveResult,
)
from trafficplan.solver.bounds import (
    bounds_fit,
    counting_bound,
    proven_region_bounds,
    relaxation_infeasible,
    sessions_needed,
)
from trafficplan.solver.by_estimate import solve_by_estimate
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.full import NO_PLAN_REASON, solve_full
from trafficplan.solver.instance import Instance
from trafficplan.solver.master import (
    add_officer_cuts,
    feasibility,
    level_range,
    shift_officer_cost,
    trainer_candidates,
)
from trafficplan.solver.model import PlanModel
from trafficplan.solver.results import Timing, no_plan_result, plan_result
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    Level,
    LexOutcome,
    apply_limits,
    objective_levels,
    optimise_lexicographically,
    optimise_weighted,
)
from trafficplan.solver.seating import place_officers
from trafficplan.solver.settle import allowed, settle_by_counts


def solve_decomposed(
    inst: Instance,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    known_bounds: tuple[dict[str, int], bool] | None = None,
) -> SolveResult | None:
    """Steps 1-3 of the module docstring; None when the full model must take over."""
    data = inst.data

    # 1. region bounds: a counting bound first; where it is below the region's officers, the
    # proven optimum of the region alone. Where everyone may be trained, that is assumed
    # here and checked when the officers are seated (step 3).
    region_bounds = {r: counting_bound(inst, r) for r in inst.region_ids}
    if known_bounds is None and not bounds_fit(inst, region_bounds):
        # the regions cannot all reach their bounds at once (sessions or budget): the master
        # chooses how many officers each trains
        return solve_by_estimate(inst, options, workers, started, deadline, region_bounds)
    short = [r for r, b in region_bounds.items() if b < len(data.officers_by_region[r])]
    region_proven = True
    if known_bounds is not None:
        region_bounds, region_proven = dict(known_bounds[0]), known_bounds[1]
    elif short:
        proven_bounds, region_proven = proven_region_bounds(
            inst, options, started + 0.3 * (deadline - started), regions=short
        )
        region_bounds.update(proven_bounds)
    officers_bound = sum(region_bounds.values())

    # 2. master: sessions, trainers and NGOs, no officers
    floor: dict[str, int] = {}
    everyone: set[str] = set()
    for region_id, bound in region_bounds.items():
        floor[region_id] = sessions_needed(inst, region_id, bound)
        if bound == len(data.officers_by_region[region_id]):
            everyone.add(region_id)
    candidates = trainer_candidates(inst)
    # its plan is reported only if seating reaches every region's bound: then it trains
    # officers_bound officers, and what they cost is a constant (never more, for the budget)
    master = PlanModel(
        inst,
        with_officers=False,
        session_floor=floor,
        trainer_candidates=candidates,
        officers_planned=officers_bound,
    )
    add_constraints(master)
    if master.infeasible_reasons:
        return no_plan_result("infeasible", master.infeasible_reasons, started)
    add_officer_cuts(master, everyone)
    # the master's cost counts officers_bound officers: a plan that seats fewer costs less
    apply_limits(master, options.limits)
    build_seconds = time.monotonic() - started
    if time.monotonic() >= deadline or options.stop.is_set():
        return None
    later = [n for n in data.constraints.objective_names if n != "officers_trained"]
    levels = objective_levels(master, later, data.constraints.tolerances)
    if not levels:
        # no later level: any master plan will do
        master.model.minimize(0)
        levels = []
    large = candidates is not None
    early: tuple[list[PlanSession], dict[str, int]] | None = None
    first_plan_at: float | None = None
    if large:
        # a first complete plan soon: the master's first solution, officers placed on it;
        # then the optimisation starts from it
        quick = feasibility(master, options, workers, deadline, large=True, first_only=True)
        if quick.values is not None:
            quick_values = quick.values
            early_sessions = extract_sessions(master, lambda var: quick_values[var.index])
            early_placed = place_officers(
                inst, early_sessions, options, deadline, sessions_keep_rules=True
            )
            if early_placed is not None:
                early = (early_sessions, early_placed)
                first_plan_at = time.monotonic() - started
            master.hint(quick_values)
    # leave time to seat the officers on the master's sessions afterwards
    reserve = min(0.25 * (deadline - time.monotonic()), 1.5 * len(inst.region_ids))
    master_deadline = deadline - (reserve if large else 0.0)
    outcome = _optimise_master(
        inst,
        master,
        levels,
        later,
        (floor, officers_bound),
        options,
        workers,
        (started, deadline, master_deadline),
        large,
    )
    if outcome.values is None and early is None:
        if outcome.infeasible and not large and time.monotonic() < deadline - 1.0:
            # no plan trains every region's bound: the master chooses the officers instead
            counted = {r: counting_bound(inst, r) for r in inst.region_ids}
            return solve_by_estimate(inst, options, workers, started, deadline, counted)
        if outcome.infeasible and relaxation_infeasible(inst, options, workers, deadline):
            return no_plan_result("infeasible", [NO_PLAN_REASON], started)
        return None
    if outcome.values is None and early is not None:
        sessions, placed = early
    else:
        values = outcome.values or {}
        sessions = extract_sessions(master, lambda var: values[var.index])
        # 3. officers on the master's sessions, region by region
        seated = place_officers(inst, sessions, options, deadline, sessions_keep_rules=True)
        if seated is None and early is not None:
            sessions, placed = early
        elif seated is None:
            return None  # the full model takes over
        else:
            placed = seated
    if first_plan_at is not None:
        outcome.first_plan_at = first_plan_at
    elif outcome.first_plan_at is not None:
        outcome.first_plan_at = time.monotonic() - started  # a complete plan exists now
    reached = all(placed.get(r, 0) >= b for r, b in region_bounds.items())
    officers_level = ObjectiveResult(
        name="officers_trained",
        value=float(sum(placed.values())),
        bound=float(officers_bound),
        proven=region_proven and reached,
    )
    if not reached and not options.stop.is_set() and time.monotonic() < deadline - 0.5:
        missed = [r for r, b in region_bounds.items() if placed.get(r, 0) < b]
        refined, refined_proven = proven_region_bounds(inst, options, deadline, regions=missed)
        lowered = any(refined[r] < region_bounds[r] for r in missed)
        region_bounds.update(refined)
        region_proven = region_proven and refined_proven
        if lowered and known_bounds is None:
            # the master assumed more officers than those regions can train: again, with
            # the proven bounds (its floors and cuts must not claim more)
            return solve_decomposed(
                inst, options, workers, started, deadline, (region_bounds, region_proven)
            )
        hint = Plan(status="feasible", sessions=sessions)
        return solve_full(
            inst,
            options,
            workers,
            started,
            deadline,
            hint=hint,
            officer_bounds=region_bounds,
            bound_proven=region_proven,
        )
    results = [officers_level]
    if candidates is not None:
        _bound_by_relaxation(inst, outcome, later, floor, officers_bound, officers_level, options)
    # the master counted officers_bound officers; a plan that seats fewer costs less
    unseated = officers_bound - sum(placed.values())
    for result in shift_officer_cost(inst, outcome.results, -unseated):
        results.append(
            result.model_copy(update={"proven": result.proven and officers_level.proven})
        )
    return plan_result(
        data,
        sessions,
        results,
        Timing(started, build_seconds, outcome.first_plan_at),
        interrupted=outcome.interrupted,
    )


def _optimise_master(
    inst: Instance,
    master: PlanModel,
    levels: list[Level],
    later: list[str],
    officers: tuple[dict[str, int], int],
    options: SolveOptions,
    workers: int,
    clock: tuple[float, float, float],
    large: bool,
) -> LexOutcome:
    """The master's later levels: settled by counts where the assignment relaxation mirrors
    the data (every level proven at once), else one weighted solve of strict levels of one
    direction, else lexicographically; a plain feasibility search without levels.
    ``officers``: each region's floor of sessions and the officers the master counts;
    ``clock``: the search's start, its deadline, and the master's (time kept for seating)."""
    floor, officers_bound = officers
    started, deadline, master_deadline = clock
    strict = all(level.tolerance is None for level in levels[:-1])
    settled = None
    # the relaxation mirrors the data's rules, so not where items of rules it counts give
    relaxable = set(later) | set(options.limits) <= AGGREGATE_OBJECTIVES
    mirrored = {rule for rule, _subject in inst.given_up} <= UNCOUNTED_RULES
    if not large and levels and relaxable and mirrored:
        aggregate = Aggregate(inst, floor, officers_bound)
        settled = settle_by_counts(
            inst, master, levels, aggregate, options, workers, started, deadline
        )
    if settled is not None:
        outcome = settled
    elif levels and strict and len({level.maximise for level in levels}) == 1:
        ranges = [level_range(inst, level.name) for level in levels]
        outcome = optimise_weighted(
            master,
            levels,
            ranges,
            options,
            workers,
            started,
            master_deadline,
            level_offset=1,
            level_count=len(levels) + 1,
            large=large,
        )
    elif levels:
        outcome = optimise_lexicographically(
            master,
            levels,
            options,
            workers,
            started,
            deadline,
            level_offset=1,
            level_count=len(levels) + 1,
        )
    else:
        outcome = feasibility(master, options, workers, master_deadline, large=large)
    return outcome


def _bound_by_relaxation(
    inst: Instance,
    outcome: LexOutcome,
    later: list[str],
    floor: dict[str, int],
    officers_bound: int,
    officers_level: ObjectiveResult,
    options: SolveOptions,
) -> None:
    """The master saw only the cheapest trainers of each site: its bounds hold for it, not
    for the whole problem; the assignment relaxation's (every trainer) replace them, in
    place on ``outcome``'s results."""
    data = inst.data
    # the master saw only the cheapest trainers of each site: its bounds hold for it, not
    # for the whole problem; the assignment relaxation's (every trainer) replace them
    exact = officers_level.proven and {r for r, _ in inst.given_up} <= UNCOUNTED_RULES
    relaxation = Aggregate(inst, floor, officers_bound) if exact else None
    seen = {result.name for result in outcome.results}
    # a level the master did not reach (its search ended on the early plan) is reported
    # with the plan's value and the relaxation's bound all the same
    outcome.results += [
        ObjectiveResult(name=name, value=None, bound=None, proven=False)
        for name in later
        if name not in seen
    ]
    for position, result in enumerate(outcome.results):
        result.bound = (
            relaxation.lower_bound(result.name, options.seed, 5.0)
            if relaxation is not None and result.name in AGGREGATE_OBJECTIVES
            else None
        )
        result.proven = result.bound is not None and result.value == result.bound
        reported = result.value is not None and result.bound is not None
        if position == 0 and reported and relaxation is not None:
            # the officers are proven, so this plan (officers seated, a whole plan) is
            # at least the whole problem's optimum on the first later level: what that
            # optimum allows the later levels, this value allows too. Held in the
            # relaxation, the later levels' bounds stay valid and are far tighter (no
            # balance at any cost). Not further down: the plan need not keep a later
            # level within what the optimum of the level before allows
            relaxation.hold_at_most(result.name, allowed(result, data.constraints.tolerances))
