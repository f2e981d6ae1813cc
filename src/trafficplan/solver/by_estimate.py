"""The decomposed search when the regions cannot all reach their bounds at once (``max_total``, a
budget): the master counts each region's officers (an upper bound,
:mod:`trafficplan.solver.estimate`) and proves the officers level first."""

from __future__ import annotations

import math
import time
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.plan import Plan, PlanSession
from trafficplan.solver.aggregate import (
    AGGREGATE_OBJECTIVES,
    Aggregate,
)
from trafficplan.solver.api import (
    SolveOptions,
    SolveResult,
)
from trafficplan.solver.bounds import relaxation_infeasible
from trafficplan.solver.estimate import add_officer_estimate, add_seating_cut
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.full import NO_PLAN_REASON, solve_full
from trafficplan.solver.instance import Instance
from trafficplan.solver.master import trainer_candidates
from trafficplan.solver.model import PlanModel
from trafficplan.solver.results import Timing, no_plan_result, plan_result
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    Level,
    LexOutcome,
    apply_limits,
    level_result,
    make_solver,
    objective_levels,
    optimise_lexicographically,
    report_progress,
    run_solver,
)
from trafficplan.solver.seating import place_officers
from trafficplan.solver.settle import realised, report_settled, settle_by_counts

SEATING_ROUNDS = 8
"""At most this many times the master's officer level is solved again after a seating cut."""


EARLY_SECONDS = 3.0
"""At most this long, the parallel search for the early plan of the master with officer
counts (its first plan comes in well under a second on 2008-sized data)."""


def solve_by_estimate(
    inst: Instance,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    bounds: dict[str, int],
) -> SolveResult | None:
    """The master with an officer count per region (:mod:`trafficplan.solver.estimate`, an
    upper bound) optimises every level, officers first (each level settled at once where the
    assignment relaxation's counts are the master's: :func:`officers_by_counts`); officers
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
        placed = place_officers(
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
    settled = officers_by_counts(
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
            probe_officers(master, levels[0], outcome, options, started, level_deadline)
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
        if outcome.infeasible and relaxation_infeasible(inst, options, workers, deadline):
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
            full = solve_full(
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


def officers_by_counts(
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
    (as in :func:`settle_by_counts`); officers are seated on it. When they all are, the
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
        outcome = settle_by_counts(
            inst, master, later, aggregate, options, workers, started, deadline, announce=False
        )
    else:
        # the officers level alone, on the cheapest counts at the bound
        outcome = None
        seconds = 0.1 * (deadline - time.monotonic())
        cheapest = aggregate.optimise(["cost_eur"], {}, options.seed, seconds)
        seconds = 0.3 * (deadline - time.monotonic())
        solver = realised(master, cheapest[1], [], options, workers, seconds) if cheapest else None
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
    report_settled(options, started, outcome.results, 0, len(levels))
    return outcome, plan, complete


def probe_officers(
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
