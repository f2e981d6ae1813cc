"""``solve``: the planner's entry point.

When ``officers_trained`` is the first objective (the default), the search is decomposed:

1. **Region bounds.** Officers only meet sessions of their own region, so each region alone
   (without trainers) gives the most officers it can train: a proven upper bound per region.
2. **Master.** Sessions, trainers and NGOs without officers (one Boolean per venue-day, no
   officer counts), with each region held to the sessions its bound needs and the cuts that
   training every officer implies (each officer's free days must hold a session). Its
   optimum on the later levels (cost, load) is a valid bound for the whole problem.
   When the regions cannot all reach their bounds at once (``max_total``, a budget), the
   master instead counts each region's officers (:mod:`trafficplan.solver.estimate`, an
   upper bound), proves the officers level first (seating cuts where a region's sessions
   take fewer; first the assignment relaxation's most officers, realised in the master with
   every later level when its counts allow; under a budget, probing), then the later
   levels.
3. **Officers on seats.** Each region's officers are placed on the master's sessions (a
   min-cost max flow, exact). If every region reaches its bound (or count), the plan is
   optimal on every level the master proved.
4. Otherwise the full model (every rule at once) is solved, hinted with the plan of 1-3 and
   bounded by the region bounds.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from collections import defaultdict
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.inputs.models import Tolerance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import ObjectiveResult, Plan, PlanSession
from trafficplan.solver.aggregate import (
    AGGREGATE_OBJECTIVES,
    UNCOUNTED_RULES,
    Aggregate,
    Counts,
    realise,
)
from trafficplan.solver.api import (
    EXPLAIN_POINTER,
    NO_PLAN_IN_TIME,
    SolveOptions,
    SolveResult,
)
from trafficplan.solver.estimate import add_officer_estimate, add_seating_cut
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.hints import add_plan_hint
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.results import Timing, no_plan_in_time, no_plan_result, plan_result
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    OFFICER_OBJECTIVES,
    Level,
    LexOutcome,
    apply_limits,
    level_result,
    make_solver,
    objective_levels,
    optimise_lexicographically,
    optimise_weighted,
    report_progress,
    run_solver,
    solve_reproducibly,
)

NO_PLAN_REASON = (
    f"the data admit no plan that keeps every rule; {EXPLAIN_POINTER} to see which rules conflict"
)


def solve(
    data: ProblemData,
    options: SolveOptions | None = None,
    given_up: frozenset[tuple[str, str]] = frozenset(),
) -> SolveResult:
    """Find a plan that keeps every hard rule, optimising the objectives lexicographically.

    Args:
        data: the validated data folder.
        options: time limit (total over all levels), seed, workers, progress callback, hint,
            stop event.
        given_up: rule items (``(rule, subject)``) left out, as if the data did not have
            them (``solve --relax``, once it has chosen what gives).

    Returns:
        The result: a plan when one was found, with each level's value, bound and proof.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    deadline = started + options.time_limit
    workers = options.workers or os.cpu_count() or 1
    inst = Instance(data, given_up=given_up)
    names = list(data.constraints.objective_names)

    if _decomposable(data, options):
        decomposed = _solve_decomposed(inst, options, workers, started, deadline)
        if decomposed is not None:
            return decomposed
        if options.stop.is_set():
            return no_plan_result(
                "unknown", ["interrupted before any plan was found"], started, interrupted=True
            )
        if time.monotonic() >= deadline - 0.5:
            return no_plan_in_time(started)
        if trainer_candidates(inst) is not None:
            # the full model of an instance this large does not fit in memory
            return no_plan_result(
                "unknown", [f"{NO_PLAN_IN_TIME} (the decomposed search found none)"], started
            )
    hint = options.hint
    if hint is None and "officers_trained" in names:
        # another order of objectives: the master and the seating still give the full
        # model a good plan to start from
        hint = _master_plan(inst, options, workers, started, started + 0.3 * options.time_limit)
    return _solve_full(inst, options, workers, started, deadline, hint=hint)


def _decomposable(data: ProblemData, options: SolveOptions) -> bool:
    """Whether the decomposed search applies: officers first and held at their optimum
    (no tolerance), every later level officer-free, no hint, and limits (if any) only on
    officer-free objectives (the master keeps them)."""
    names = data.constraints.objective_names
    return (
        bool(names)
        and names[0] == "officers_trained"
        and "officers_trained" not in data.constraints.tolerances
        and not OFFICER_OBJECTIVES & set(names[1:])
        and options.hint is None
        and not OFFICER_OBJECTIVES & set(options.limits)
    )


def _master_plan(
    inst: Instance, options: SolveOptions, workers: int, started: float, deadline: float
) -> Plan | None:
    """A complete plan from the master (objectives other than officers, in their order) with
    officers seated on its sessions; None if the master finds none in time."""
    if trainer_candidates(inst) is not None:
        return None
    master = PlanModel(inst, with_officers=False)
    add_constraints(master)
    if master.infeasible_reasons:
        return None
    apply_limits(master, {n: v for n, v in options.limits.items() if n not in OFFICER_OBJECTIVES})
    constraints = inst.data.constraints
    names = [n for n in constraints.objective_names if n not in OFFICER_OBJECTIVES]
    levels = objective_levels(master, names, constraints.tolerances)
    outcome = optimise_lexicographically(master, levels, options, workers, started, deadline)
    if outcome.values is None:
        return None
    values = outcome.values
    sessions = extract_sessions(master, lambda var: values[var.index])
    _place_officers(
        inst,
        sessions,
        options,
        max(deadline, time.monotonic() + 1.0),
        sessions_keep_rules=True,
    )
    return Plan(status="feasible", sessions=sessions)


# ----- full model ------------------------------------------------------------------------------
def _solve_full(
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
    pm = PlanModel(inst)
    add_constraints(pm)
    if pm.infeasible_reasons:
        return no_plan_result("infeasible", pm.infeasible_reasons, started)
    if officer_bounds:
        for region_id, bound in officer_bounds.items():
            classes = pm.classes_of_region[region_id]
            slots = pm.slots_of_region.get(region_id, [])
            pm.model.add(sum(pm.seated[(c, s.index)] for c in classes for s in slots) <= bound)
    if officers_at_most is not None:
        pm.model.add(pm.officers_trained() <= officers_at_most)
    apply_limits(pm, options.limits)
    if hint is not None:
        add_plan_hint(pm, hint)
    build_seconds = time.monotonic() - started
    constraints = data.constraints
    levels = objective_levels(pm, constraints.objective_names, constraints.tolerances)
    outcome = optimise_lexicographically(pm, levels, options, workers, started, deadline)
    if outcome.infeasible:
        return no_plan_result("infeasible", [NO_PLAN_REASON], started)
    if outcome.values is None:
        return no_plan_in_time(started, outcome.interrupted, build_seconds)
    values = outcome.values
    sessions = extract_sessions(pm, lambda var: values[var.index])
    if outcome.results and outcome.results[0].name == "officers_trained":
        first = outcome.results[0]
        if officer_bounds and bound_proven:
            first.bound = min(first.bound or math.inf, float(sum(officer_bounds.values())))
        if officers_at_most is not None:
            first.bound = min(first.bound or math.inf, float(officers_at_most))
    return plan_result(
        data,
        sessions,
        outcome.results,
        Timing(started, build_seconds, outcome.first_plan_at),
        interrupted=outcome.interrupted,
    )


# ----- decomposition ---------------------------------------------------------------------------
def _solve_decomposed(
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
    region_bounds = {r: _counting_bound(inst, r) for r in inst.region_ids}
    if known_bounds is None and not _bounds_fit(inst, region_bounds):
        # the regions cannot all reach their bounds at once (sessions or budget): the master
        # chooses how many officers each trains
        return _solve_by_estimate(inst, options, workers, started, deadline, region_bounds)
    short = [r for r, b in region_bounds.items() if b < len(data.officers_by_region[r])]
    region_proven = True
    if known_bounds is not None:
        region_bounds, region_proven = dict(known_bounds[0]), known_bounds[1]
    elif short:
        proven_bounds, region_proven = _region_bounds(
            inst, options, started + 0.3 * (deadline - started), regions=short
        )
        region_bounds.update(proven_bounds)
    officers_bound = sum(region_bounds.values())

    # 2. master: sessions, trainers and NGOs, no officers
    floor: dict[str, int] = {}
    everyone: set[str] = set()
    for region_id, bound in region_bounds.items():
        floor[region_id] = _sessions_needed(inst, region_id, bound)
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
    _add_officer_cuts(master, everyone)
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
        quick = _feasibility(master, options, workers, deadline, large=True, first_only=True)
        if quick.values is not None:
            quick_values = quick.values
            early_sessions = extract_sessions(master, lambda var: quick_values[var.index])
            early_placed = _place_officers(
                inst, early_sessions, options, deadline, sessions_keep_rules=True
            )
            if early_placed is not None:
                early = (early_sessions, early_placed)
                first_plan_at = time.monotonic() - started
            master.hint(quick_values)
    # leave time to seat the officers on the master's sessions afterwards
    reserve = min(0.25 * (deadline - time.monotonic()), 1.5 * len(inst.region_ids))
    master_deadline = deadline - (reserve if large else 0.0)
    strict = all(level.tolerance is None for level in levels[:-1])
    settled = None
    # the relaxation mirrors the data's rules, so not where items of rules it counts give
    relaxable = set(later) | set(options.limits) <= AGGREGATE_OBJECTIVES
    mirrored = {rule for rule, _subject in inst.given_up} <= UNCOUNTED_RULES
    if not large and levels and relaxable and mirrored:
        aggregate = Aggregate(inst, floor, officers_bound)
        settled = _settle_by_counts(
            inst, master, levels, aggregate, options, workers, started, deadline
        )
    if settled is not None:
        outcome = settled
    elif levels and strict and len({level.maximise for level in levels}) == 1:
        ranges = [_level_range(inst, level.name) for level in levels]
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
        outcome = _feasibility(master, options, workers, master_deadline, large=large)
    if outcome.values is None and early is None:
        if outcome.infeasible and not large and time.monotonic() < deadline - 1.0:
            # no plan trains every region's bound: the master chooses the officers instead
            counted = {r: _counting_bound(inst, r) for r in inst.region_ids}
            return _solve_by_estimate(inst, options, workers, started, deadline, counted)
        if outcome.infeasible and _relaxation_infeasible(inst, options, workers, deadline):
            return no_plan_result("infeasible", [NO_PLAN_REASON], started)
        return None
    if outcome.values is None and early is not None:
        sessions, placed = early
    else:
        values = outcome.values or {}
        sessions = extract_sessions(master, lambda var: values[var.index])
        # 3. officers on the master's sessions, region by region
        seated = _place_officers(inst, sessions, options, deadline, sessions_keep_rules=True)
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
        refined, refined_proven = _region_bounds(inst, options, deadline, regions=missed)
        lowered = any(refined[r] < region_bounds[r] for r in missed)
        region_bounds.update(refined)
        region_proven = region_proven and refined_proven
        if lowered and known_bounds is None:
            # the master assumed more officers than those regions can train: again, with
            # the proven bounds (its floors and cuts must not claim more)
            return _solve_decomposed(
                inst, options, workers, started, deadline, (region_bounds, region_proven)
            )
        hint = Plan(status="feasible", sessions=sessions)
        return _solve_full(
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
                relaxation.hold_at_most(result.name, _allowed(result, data.constraints.tolerances))
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


def _bounds_fit(inst: Instance, bounds: dict[str, int]) -> bool:
    """Whether every region may reach its officer bound in one plan, as far as counting
    tells: the sessions those officers need fit in ``max_total``, and no budget (which the
    master, counting every officer as trained, could not weigh against officers)."""
    data = inst.data
    if data.constraints.budget_eur is not None:
        return False
    needed = sum(
        max(inst.session_range(r)[0], _sessions_needed(inst, r, bound))
        for r, bound in bounds.items()
    )
    limit = data.constraints.sessions.max_total
    return limit is None or needed + len(inst.frozen.sessions) <= limit


def _sessions_needed(inst: Instance, region_id: str, officers: int) -> int:
    """The fewest sessions that seat ``officers`` of the region, at most its ``max`` (0 for
    a region without venues)."""
    seats = inst.most_seats(region_id)
    return min(inst.session_range(region_id)[1], math.ceil(officers / seats)) if seats else 0


def _solve_by_estimate(
    inst: Instance,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    bounds: dict[str, int],
) -> SolveResult | None:
    """The master with an officer count per region (:mod:`trafficplan.solver.estimate`, an
    upper bound) optimises every level, officers first (each level settled at once where the
    assignment relaxation's counts are the master's: :func:`_officers_by_counts`); officers
    are then seated on its sessions, each region up to its count (so that the cost, and the
    budget, stay the master's). When every region reaches its count, each level the master
    proved is proven. Otherwise the full model continues from this plan, bounded by the
    master's officer bound. None when the master finds no plan (the full model takes
    over)."""
    data = inst.data
    candidates = trainer_candidates(inst)
    master = PlanModel(inst, with_officers=False, trainer_candidates=candidates)
    master.presolve = candidates is not None  # national-sized: presolve as for large models
    add_officer_estimate(master, bounds)
    add_constraints(master)
    if master.infeasible_reasons:
        return no_plan_result("infeasible", master.infeasible_reasons, started)
    apply_limits(master, options.limits)
    build_seconds = time.monotonic() - started
    constraints = data.constraints
    levels = objective_levels(master, constraints.objective_names, constraints.tolerances)
    large = candidates is not None
    reserve = min(0.25 * (deadline - time.monotonic()), 1.5 * len(inst.region_ids))
    master_deadline = deadline - (reserve if large else 0.0)

    def seated(values: dict[int, int]) -> tuple[list[PlanSession], dict[str, int], bool] | None:
        """The master's sessions with officers seated up to its counts, and whether every
        region reached its count."""
        sessions = extract_sessions(master, lambda var: values[var.index])
        counted = {r: values[var.index] for r, var in master.region_officers.items()}
        placed = _place_officers(
            inst, sessions, options, deadline, sessions_keep_rules=True, at_most=counted
        )
        if placed is None:
            return None
        return sessions, placed, all(placed.get(r, 0) >= n for r, n in counted.items())

    # a complete plan within about a second, so that Ctrl-C soon after the start has one to
    # write: the master's first plan of a parallel search, officers seated on it. Never a
    # hint: that search is not reproducible, and the plan must be (only a search cut short
    # may return this one)
    master.model.maximize(levels[0].expr)
    quick = make_solver(options, min(EARLY_SECONDS, deadline - time.monotonic()), max(2, workers))
    quick.parameters.interleave_search = False
    quick.parameters.stop_after_first_solution = True
    quick.parameters.cp_model_presolve = master.presolve
    early = None
    if run_solver(quick, master.model, options.stop) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        early = seated(master.solution(quick))
    early_at = time.monotonic() - started if early is not None else None

    # officers alone first, their plan seated at once: whether the counts hold tells whether
    # the later levels continue in the master (the proof carries over). Where a region's
    # sessions took fewer officers than its count, that overestimate is cut off and the
    # level solved again (its bound stays proven: the cuts hold for every plan)
    plan: tuple[list[PlanSession], dict[str, int], bool] | None = None
    first_seen: list[float] = []
    share = 0.6 if len(levels) > 1 else 1.0
    # under a budget, the count's own search proves little: most of the level's time goes
    # to probing (below)
    probing = data.constraints.budget_eur is not None
    settled = _officers_by_counts(
        inst, master, levels, bounds, options, workers, started, master_deadline, seated
    )
    complete = False  # every later level settled with the officers
    if settled is not None:
        outcome, plan, complete = settled
        assert outcome.first_plan_at is not None
        first_seen.append(outcome.first_plan_at)
    for round_ in range(SEATING_ROUNDS + 1 if settled is None else 0):
        left = master_deadline - time.monotonic()
        level_deadline = time.monotonic() + share * left
        search_deadline = time.monotonic() + (0.35 if probing else share) * left
        outcome = optimise_lexicographically(
            master,
            levels[:1],
            options,
            workers,
            started,
            search_deadline,
            level_count=len(levels),
            hold_last=False,
        )
        if outcome.first_plan_at is not None:
            first_seen.append(outcome.first_plan_at)
        if outcome.results and not outcome.results[0].proven and probing:
            _probe_officers(master, levels[0], outcome, options, started, level_deadline)
        found = seated(outcome.values) if outcome.values is not None else None
        if found is None:
            break
        if plan is None or sum(found[1].values()) > sum(plan[1].values()) or found[2]:
            plan = found
        if found[2] or outcome.interrupted or round_ == SEATING_ROUNDS:
            break
        if time.monotonic() >= master_deadline - 1.0:
            break
        for region_id, var in master.region_officers.items():
            assert outcome.values is not None
            if found[1].get(region_id, 0) < outcome.values[var.index]:
                taken = {
                    (s.venue, inst.day_index[s.date]) for s in found[0] if s.region == region_id
                }
                add_seating_cut(master, region_id, taken, found[1].get(region_id, 0))
    if plan is not None and plan[2]:
        # the officers level held where it was reached, for the later levels
        master.model.add(levels[0].expr >= sum(plan[1].values()) + inst.frozen_trained())
    if plan is None and early is None:
        if outcome.infeasible and _relaxation_infeasible(inst, options, workers, deadline):
            return no_plan_result("infeasible", [NO_PLAN_REASON], started)
        return None
    if plan is None:
        # cut short before the search's first plan: the early one, no level proven
        assert early is not None
        sessions, placed, _ = early
        timing = Timing(started, build_seconds, early_at)
        return plan_result(data, sessions, [], timing, interrupted=outcome.interrupted)
    sessions, placed, reached = plan
    first_at = min(t for t in (early_at, *first_seen) if t is not None)
    timing = Timing(started, build_seconds, first_at, dict(outcome.proven_at))
    results = list(outcome.results)
    interrupted = outcome.interrupted
    if reached and len(levels) > 1 and not interrupted and not complete:
        later = optimise_lexicographically(
            master,
            levels[1:],
            options,
            workers,
            started,
            master_deadline,
            level_offset=1,
            level_count=len(levels),
        )
        interrupted = later.interrupted
        better = seated(later.values) if later.values is not None else None
        if better is not None and better[2]:
            sessions, placed, _ = better
            if results[0].proven:
                results += later.results
                timing.proven_at.update(later.proven_at)
            else:  # proven only at the officers found, not at their optimum
                results += [r.model_copy(update={"proven": False}) for r in later.results]
    if not reached:
        # the plan trains fewer officers than the master counted: only the officer bound
        # still holds (it bounds every plan)
        results = [result.model_copy(update={"proven": False}) for result in results]
        first = results[0]
        if (
            first.bound is not None
            and not options.stop.is_set()
            and (time.monotonic() < deadline - 1.0)
        ):
            kept = plan_result(data, sessions, results, timing, interrupted=interrupted)
            full = _solve_full(
                inst,
                options,
                workers,
                started,
                deadline,
                hint=Plan(status="feasible", sessions=sessions),
                officers_at_most=math.floor(first.bound + 1e-6),
            )
            if full.plan is None or full.plan.metrics["officers_trained"] < sum(placed.values()):
                return kept  # the full model did not get as far in the time left
            full.first_plan_seconds = timing.first_plan_seconds
            return full
    return plan_result(data, sessions, results, timing, interrupted=interrupted)


def _officers_by_counts(
    inst: Instance,
    master: PlanModel,
    levels: list[Level],
    bounds: dict[str, int],
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    seated: Any,
) -> tuple[LexOutcome, tuple[list[PlanSession], dict[str, int], bool], bool] | None:
    """The most officers the assignment relaxation's counts allow (sessions in all, the
    trainers' weeks, a budget: :meth:`Aggregate.most_officers`) bound the officers level,
    added to the master as a cut (valid for every plan). At that bound the later levels are
    optimised in the relaxation too, and the master asked for a plan with exactly its counts
    (as in :func:`_settle_by_counts`); officers are seated on it. When they all are, the
    officers level is proven at the bound, and so is every later level the counts settled.
    Returns the outcome (the master's values, each level's result), the seated plan and
    whether the later levels are settled; None otherwise (the master's own search goes on,
    with the cut). ``seated`` seats a master solution's officers up to its counts."""
    if inst.frozen.sessions or inst.given_up:
        return None  # the relaxation knows no past and mirrors every rule item
    aggregate = Aggregate(inst, {}, 0)
    aggregate.add_officers(bounds)
    found = aggregate.most_officers(options.seed, 0.1 * (deadline - time.monotonic()))
    if found is None:
        return None
    bound, proven = found
    master.model.add(levels[0].expr <= bound)
    if not proven:
        return None
    later = levels[1:]
    complete = bool(later) and {lv.name for lv in later} | set(options.limits) <= (
        AGGREGATE_OBJECTIVES
    )
    outcome: LexOutcome | None
    if complete:
        outcome = _settle_by_counts(
            inst, master, later, aggregate, options, workers, started, deadline, announce=False
        )
    else:
        # the officers level alone, on the cheapest counts at the bound
        outcome = None
        seconds = 0.1 * (deadline - time.monotonic())
        cheapest = aggregate.optimise(["cost_eur"], {}, options.seed, seconds)
        seconds = 0.3 * (deadline - time.monotonic())
        solver = _realised(master, cheapest[1], [], options, workers, seconds) if cheapest else None
        if solver is not None:
            outcome = LexOutcome(values=master.solution(solver))
    if outcome is None or outcome.values is None:
        return None
    plan = seated(outcome.values)
    if plan is None or not plan[2] or sum(plan[1].values()) < bound:
        return None
    level = levels[0]
    now = time.monotonic() - started
    outcome.results.insert(0, level_result(level, float(bound), float(bound), float(bound), True))
    outcome.first_plan_at = now
    outcome.proven_at.update((result.name, now) for result in outcome.results if result.proven)
    master.hint(outcome.values)
    _report_settled(options, started, outcome.results, 0, len(levels))
    return outcome, plan, complete


def _probe_officers(
    master: PlanModel,
    level: Level,
    outcome: LexOutcome,
    options: SolveOptions,
    started: float,
    deadline: float,
) -> None:
    """Under a budget, prove the officers level of the master by probing (in place on
    ``outcome``): is there a plan with at least k officers? Asked as the cheapest such plan
    (cost minimised, whose linear relaxation shows far sooner than the officer count's own
    that the budget cannot pay for it). First k = one more than found (often the answer),
    then halving the interval between the best found and the bound. None: the bound drops
    to k - 1 (a valid cut from then on); one: it is the new best. Proven when they meet."""
    assert outcome.values is not None and outcome.results
    result = outcome.results[0]
    found = round(result.value or 0)
    bound = math.floor(result.bound) if result.bound is not None else found + 1
    cost = master.cost_cents(ceil=True)
    first = True
    while found < bound and time.monotonic() < deadline - 0.5 and not options.stop.is_set():
        k = found + 1 if first else (found + 1 + bound) // 2
        first = False
        probe = master.model.add(level.expr >= k)
        master.model.minimize(cost)
        master.model.clear_hints()  # the best found breaks the probe: no guide to repair
        # one worker (reproducible) with the full linear relaxation: its bound on cost is
        # the proof; a plan with k officers is all a probe asks for, not the cheapest
        solver = make_solver(options, deadline - time.monotonic(), 1)
        solver.parameters.linearization_level = 2
        solver.parameters.cp_model_presolve = master.presolve
        solver.parameters.stop_after_first_solution = True
        status = run_solver(solver, master.model, options.stop)
        probe.proto.clear_linear()  # for this probe only
        master.hint(outcome.values)
        if status == cp_model.INFEASIBLE:
            bound = k - 1
            master.model.add(level.expr <= bound)  # a valid cut from now on
        elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            outcome.values = master.solution(solver)
            master.hint(outcome.values)
            found = round(solver.value(level.expr))
        else:
            break  # out of time: the best found and the bound stand
        result = result.model_copy(update={"value": float(found), "bound": float(bound)})
        outcome.results[0] = result
        report_progress(options, started, level.name, 0, 1, float(found), float(bound))
    if found >= bound:
        outcome.results[0] = result.model_copy(update={"proven": True})
        outcome.proven_at[level.name] = time.monotonic() - started


def _allowed(result: ObjectiveResult, tolerances: dict[str, Tolerance]) -> Fraction:
    """The most a (minimised) level may be in any plan that keeps it at its optimum, or
    within its tolerance of it, given that the result's plan value is at least that
    optimum."""
    value = Fraction(str(result.value))
    tolerance = tolerances.get(result.name)
    return value + (tolerance.allowance(value) if tolerance is not None else 0)


def _settle_by_counts(
    inst: Instance,
    master: PlanModel,
    levels: list[Level],
    aggregate: Aggregate,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    announce: bool = True,
) -> LexOutcome | None:
    """Every officer-free level optimised in the assignment relaxation (with tolerances),
    then the master asked for a plan with exactly the relaxation's counts. If it has one, it
    is optimal on every level (its values equal the relaxation's bounds); a tolerant level's
    best counts are realised too, so that its ``best`` is a plan's value, not only a bound.
    None when any step fails: the master's own search takes over. ``announce``: a progress
    event per level when settled (else the caller reports them)."""
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
    solver = _realised(master, counts, final, options, workers, seconds)
    if solver is None:
        return None
    if any(round(solver.value(lv.expr)) != r.final for lv, r in zip(levels, results, strict=True)):
        return None  # the counts do not decide these levels in the master
    for level, result in zip(levels, results, strict=True):
        if level.tolerance is None or result.best == result.final:
            continue
        seconds = 0.3 * (deadline - time.monotonic())
        held = [(level.expr, result.best)]
        certified = _realised(master, result.best_counts, held, options, workers, seconds)
        if certified is None or round(certified.value(level.expr)) != result.best:
            return None
    outcome = LexOutcome()
    outcome.values = master.solution(solver)
    outcome.first_plan_at = time.monotonic() - started
    for level, result in zip(levels, results, strict=True):
        best = result.best / level.scale
        outcome.results.append(level_result(level, result.final / level.scale, best, best, True))
    if announce:
        _report_settled(options, started, outcome.results, 1, len(levels) + 1)
    return outcome


def _report_settled(
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


def _realised(
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


def shift_officer_cost(
    inst: Instance, results: list[ObjectiveResult], officers: int
) -> list[ObjectiveResult]:
    """The levels with ``cost_eur`` (value and bound) moved by what ``officers`` more
    officers cost: for an officer-free model's levels once its plan's officers are seated,
    so that the level reports the plan's own cost."""
    delta = inst.officer_cents() * officers / 100
    if not delta:
        return list(results)
    return [
        r.model_copy(
            update={
                "value": None if r.value is None else round(r.value + delta, 2),
                "bound": None if r.bound is None else round(r.bound + delta, 2),
                "best": None if r.best is None else round(r.best + delta, 2),
            }
        )
        if r.name == "cost_eur"
        else r
        for r in results
    ]


SEATING_ROUNDS = 8
"""At most this many times the master's officer level is solved again after a seating cut."""

EARLY_SECONDS = 3.0
"""At most this long, the parallel search for the early plan of the master with officer
counts (its first plan comes in well under a second on 2008-sized data)."""

MAX_TRAINER_VARIABLES = 60_000
"""Above this many trainer-site-day Booleans, the master keeps only the cheapest trainers of
each site (enough to cover its sessions several times over)."""


def trainer_candidates(inst: Instance) -> dict[int, set[str]] | None:
    """The cheapest trainers per site when the full trainer model would be too large.

    None when every allowed trainer fits in the model (the exact case). Otherwise, per
    site, the trainers in order of cost until they could cover the region's sessions
    four times over (at least four, fixed entries' trainers always kept), shrinking while
    the model would still be too large.
    """
    data = inst.data
    days = len(inst.days)
    allowed = {
        site.index: [t.id for t in data.trainers if data.trainer_may_teach(t.id, site.region)]
        for site in inst.sites
    }
    size = sum(len(ids) for ids in allowed.values()) * days
    if size <= MAX_TRAINER_VARIABLES:
        return None
    weeks = max(1, len(inst.weeks))
    per_trainer = max(1, min(days, data.constraints.trainers.max_per_week * weeks))
    keep = {e_t for e in data.constraints.sessions.fixed for e_t in e.trainers or []}
    per_site = max(4, MAX_TRAINER_VARIABLES // max(1, days * len(inst.sites)))
    result: dict[int, set[str]] = {}
    for site in inst.sites:
        ranked = sorted(allowed[site.index], key=lambda t: (inst.cost_cents(t, site.index), t))
        need = inst.session_range(site.region)[1] * data.constraints.trainers.per_session
        count = max(per_site, min(len(ranked), 4 * -(-need // per_trainer)))
        result[site.index] = set(ranked[:count]) | (keep & set(ranked))
    return result


def _level_range(inst: Instance, name: str) -> int:
    """An upper bound of an objective's value in model units (for lexicographic weights)."""
    data = inst.data
    sessions = sum(inst.session_range(r)[1] for r in inst.region_ids)
    if name == "max_trainer_sessions":
        return len(inst.days)
    if name == "cost_eur":
        person = inst.person_cents()
        dearest = max(
            (inst.cost_cents(t.id, s.index) for t in data.trainers for s in inst.sites), default=0
        )
        hire = max((inst.venue_cents(v) for v in data.venue_by_id), default=0)
        people = data.constraints.trainers.per_session + data.constraints.ngos.per_session
        per_session = data.constraints.trainers.per_session * dearest + hire + people * person
        officers = inst.officer_cents() * len(data.officers)
        return sessions * per_session + officers + inst.frozen_cost_cents[0]
    return len(data.officers)


def _relaxation_infeasible(
    inst: Instance, options: SolveOptions, workers: int, deadline: float
) -> bool:
    """Whether sessions, trainers and NGOs alone (every officer rule dropped, each region at
    its minimum) admit no plan: then the data admit none."""
    relaxation = PlanModel(inst, with_officers=False)
    add_constraints(relaxation)
    seconds = max(1.0, 0.5 * (deadline - time.monotonic()))
    status = solve_reproducibly(relaxation, options, workers, seconds, None)[0]
    return bool(status == cp_model.INFEASIBLE)


def _counting_bound(inst: Instance, region_id: str) -> int:
    """Officers a region can train at most, by counting: its officers, its sessions' seats,
    and per district its daily share on as many days as it has sessions."""
    data = inst.data
    officers = len(data.officers_by_region[region_id])
    high = inst.session_range(region_id)[1]
    seats = inst.most_seats(region_id)
    districts = sum(
        min(size, inst.data.district_day_cap(d) * high)
        for d in data.region_by_id[region_id].districts
        if (size := data.district_sizes.get(d, 0))
    )
    return min(officers, high * seats, districts)


def _region_bounds(
    inst: Instance, options: SolveOptions, deadline: float, regions: list[str] | None = None
) -> tuple[dict[str, int], bool]:
    """The most officers each region can train on its own (no trainers): a proven bound."""
    bounds: dict[str, int] = {}
    proven = True
    regions = regions if regions is not None else inst.region_ids
    for position, region_id in enumerate(regions):
        pm = PlanModel(inst, regions={region_id}, with_trainers=False)
        add_constraints(pm)
        pm.model.maximize(pm.officers_trained())
        left = deadline - time.monotonic()
        solver = make_solver(options, max(0.2, 0.3 * left / (len(regions) - position)), 1)
        status = run_solver(solver, pm.model, options.stop)
        everyone = len(inst.data.officers_by_region[region_id])
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bounds[region_id] = min(everyone, math.floor(solver.best_objective_bound + 1e-6))
        else:
            bounds[region_id] = everyone if status != cp_model.INFEASIBLE else 0
        proven = proven and status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return bounds, proven


def _feasibility(
    pm: PlanModel,
    options: SolveOptions,
    workers: int,
    deadline: float,
    large: bool = False,
    first_only: bool = False,
) -> LexOutcome:
    solver = make_solver(options, deadline - time.monotonic(), workers, large)
    solver.parameters.stop_after_first_solution = first_only
    status = run_solver(solver, pm.model, options.stop)
    outcome = LexOutcome()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        outcome.values = pm.solution(solver)
    return outcome


def _add_officer_cuts(master: PlanModel, everyone: set[str]) -> None:
    """Cuts implied by training every officer of a region: each group of officers with the
    same free days needs a session on one of them, and each district needs enough session
    days for its daily share."""
    inst, m = master.inst, master.model
    one_a_day = inst.data.constraints.sessions.max_per_region_per_day == 1
    # in file order, not the set's: the model (and so the plan) must not depend on the
    # process's string hashing
    regions = [r for r in inst.region_ids if r in everyone]
    held: dict[str, dict[int, object]] = {r: {} for r in regions}
    for (region_id, d), variables in master.region_day.items():
        if region_id not in everyone:
            continue
        if one_a_day or len(variables) == 1:
            held[region_id][d] = sum(variables)  # at most one session: the sum is 0 or 1
        else:
            flag = m.new_bool_var(f"held[{region_id},{d}]")
            m.add_max_equality(flag, variables)
            held[region_id][d] = flag
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for oc in inst.officer_classes:
        if oc.region not in everyone or not oc.unavailable:
            continue
        free = tuple(d for d in held[oc.region] if inst.class_available(oc, d))
        if (oc.region, free) in seen:
            continue
        seen.add((oc.region, free))
        m.add(sum(held[oc.region][d] for d in free) >= 1)  # type: ignore[misc]
    sizes = inst.data.district_sizes
    for region_id in regions:
        needs = [
            math.ceil(sizes[d] / inst.data.district_day_cap(d))
            for d in inst.data.region_by_id[region_id].districts
            if sizes.get(d, 0) > 0
        ]
        need = max(needs, default=0)
        if need > 1:
            m.add(sum(held[region_id].values()) >= need)  # type: ignore[arg-type]


def _place_officers(
    inst: Instance,
    sessions: list[PlanSession],
    options: SolveOptions,
    deadline: float,
    *,
    sessions_keep_rules: bool = False,
    at_most: dict[str, int] | None = None,
) -> dict[str, int] | None:
    """Fill the sessions' seats region by region (in place); officers per region, or None
    when some region's sessions could not all be filled to their minimum.

    With ``sessions_keep_rules`` the sessions keep every rule but the officers' own (a
    master's plan: calendar, counts, fixed, venues, NGOs), so seating is a flow problem
    alone, solved exactly by :func:`_seat_by_flow`; otherwise (a relaxed plan, a re-plan's
    frozen past) each region's seating is a small CP-SAT model of every rule
    (:func:`_seat_by_model`), which also tells when those sessions break another rule.
    ``at_most`` caps a region's officers (a master's count, which its cost assumed).
    """
    placed: dict[str, int] = {}
    regions = inst.region_ids
    flow = sessions_keep_rules and not inst.frozen.sessions
    for position, region_id in enumerate(regions):
        own = [s for s in sessions if s.region == region_id]
        if not own:
            placed[region_id] = 0
            continue
        if flow and all(s.date in inst.day_index for s in own):
            seated = _seat_by_flow(inst, region_id, own, (at_most or {}).get(region_id))
        else:
            # a fair share of the time left, but never less than two seconds: a plan whose
            # sessions have no officers would break the seats rule
            share = (deadline - time.monotonic()) / (len(regions) - position)
            seated = _seat_by_model(inst, region_id, own, options, max(2.0, share))
        if seated is None:
            return None
        placed[region_id] = seated
    return placed


def _seat_by_model(
    inst: Instance,
    region_id: str,
    own: list[PlanSession],
    options: SolveOptions,
    seconds: float,
) -> int | None:
    """Seat a region's officers on its sessions ``own`` (in place) with a CP-SAT model of
    the region (every rule, no trainers) held to those sessions; the officers seated, or
    None when the model finds no plan."""
    pm = PlanModel(inst, regions={region_id}, with_trainers=False)
    add_constraints(pm)
    taken = {(s.venue, inst.day_index[s.date]) for s in own}
    for (_slot_index, venue_id, d), var in pm.slot_at.items():
        if (venue_id, d) not in taken:
            pm.model.add(var == 0)
    pm.model.add(pm.sessions_of_region(region_id) == len(own))
    pm.model.maximize(pm.officers_trained())
    # one worker: a small problem, and a deterministic answer
    solver = make_solver(options, seconds, 1)
    # its own stop event: after Ctrl-C the best sessions still get their officers
    status = run_solver(solver, pm.model, threading.Event())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    filled = extract_sessions(pm, solver.value)
    by_place = {(f.venue, f.date): f.officers for f in filled}
    for session in own:
        session.officers = by_place.get((session.venue, session.date), [])
    return sum(len(s.officers) for s in own)


def _seat_by_flow(
    inst: Instance, region_id: str, own: list[PlanSession], at_most: int | None = None
) -> int | None:
    """Seat as many of a region's officers as possible on its sessions ``own`` (in place),
    every session at least ``officers.min``; the officers seated, or None when some session
    cannot reach its minimum.

    Once the sessions are fixed, the officer rules (seats, officer_once, officer_region,
    officer_unavailable, district_share) form a network: source -> officer class (its
    size) -> (district, day) (the district's daily cap) -> session of that day -> sink,
    each session's arc to the sink split into its minimum (cost 0) and the seats above it
    (cost 1). A maximum flow of least cost seats the most officers (integral, exact) and,
    among such flows, fills the minimums the most: augmenting a flow that fills them to a
    maximum one never takes a seat away, so when some plan fills every minimum, this one
    does. Deterministic: the same sessions give the same seating. With ``at_most``, the
    source gives at most that many officers (minimums still filled first: they cost less).
    """
    from ortools.graph.python import min_cost_flow

    data = inst.data
    low = data.constraints.sessions.officers.min
    ordered = sorted(own, key=lambda s: (s.date, s.venue))
    on_day: dict[int, list[int]] = defaultdict(list)
    top: list[int] = []
    for position, session in enumerate(ordered):
        on_day[inst.day_index[session.date]].append(position)
        top.append(data.seat_range(session.venue)[1])
    if any(high < low for high in top):
        return None
    classes = [oc for oc in inst.officer_classes if oc.region == region_id]

    network = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    next_node = 2
    session_node = []
    for high in top:
        session_node.append(next_node)
        network.add_arc_with_capacity_and_unit_cost(next_node, sink, low, 0)
        network.add_arc_with_capacity_and_unit_cost(next_node, sink, high - low, 1)
        next_node += 1
    # (district, day): its entry node and the arcs into its sessions
    district_day: dict[tuple[str, int], int] = {}
    into_session: dict[tuple[str, int], list[tuple[int, int]]] = {}
    from_class: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for index, oc in enumerate(classes):
        class_node = next_node
        next_node += 1
        network.add_arc_with_capacity_and_unit_cost(source, class_node, oc.size, 0)
        for d, positions in on_day.items():
            if not inst.class_available(oc, d):
                continue
            key = (oc.district, d)
            if key not in district_day:
                entry, leave = next_node, next_node + 1
                next_node += 2
                district_day[key] = entry
                cap = data.district_day_cap(oc.district)
                network.add_arc_with_capacity_and_unit_cost(entry, leave, cap, 0)
                into_session[key] = [
                    (
                        position,
                        network.add_arc_with_capacity_and_unit_cost(
                            leave, session_node[position], top[position], 0
                        ),
                    )
                    for position in positions
                ]
            arc = network.add_arc_with_capacity_and_unit_cost(
                class_node, district_day[key], oc.size, 0
            )
            from_class[key].append((index, arc))
    supply = sum(oc.size for oc in classes)
    if at_most is not None and at_most < supply:
        # a second source in front of the first, its one arc the cap
        capped = next_node
        network.add_arc_with_capacity_and_unit_cost(capped, source, at_most, 0)
        supply, source = at_most, capped
    network.set_node_supply(source, supply)
    network.set_node_supply(sink, -supply)
    if network.solve_max_flow_with_min_cost() != network.OPTIMAL:
        return None
    attending = [0] * len(ordered)
    for arcs in into_session.values():
        for position, arc in arcs:
            attending[position] += network.flow(arc)
    if any(count < low for count in attending):
        return None

    # officers per (class, session): each (district, day) shares its classes' officers out
    # to its sessions in order; then each class's officers by id, sessions in date order
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for key, arcs in into_session.items():
        given = [[index, network.flow(arc)] for index, arc in from_class[key]]
        for position, arc in arcs:
            need = network.flow(arc)
            for item in given:
                take = min(need, item[1])
                if take:
                    counts[(item[0], position)] += take
                    item[1] -= take
                    need -= take
    officers: list[list[str]] = [[] for _ in ordered]
    for index, oc in enumerate(classes):
        ids = iter(oc.officer_ids)
        for position in range(len(ordered)):
            officers[position] += itertools.islice(ids, counts.get((index, position), 0))
    for position, session in enumerate(ordered):
        session.officers = sorted(officers[position])
    return sum(attending)
