"""The decomposed search when the regions cannot all reach their bounds at once (``max_total``, a
budget): the master counts each region's officers (an upper bound,
:mod:`trafficplan.solver.estimate`) and proves the officers level first."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ortools.sat.python import cp_model

from trafficplan.plan import ObjectiveResult, Plan, PlanSession
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


class CountedPlan(NamedTuple):
    """The master's sessions with officers seated, each region up to its count."""

    sessions: list[PlanSession]
    placed: dict[str, int]
    reached: bool  # every region reached its count

    @property
    def officers(self) -> int:
        """Officers seated in all."""
        return sum(self.placed.values())


class ByCounts(NamedTuple):
    """:func:`officers_by_counts`'s result."""

    outcome: LexOutcome
    plan: CountedPlan
    complete: bool  # every later level settled with the officers


@dataclass
class OfficersLevel:
    """The officers level of the master, proven or as far as it got, and its seated plan."""

    outcome: LexOutcome
    plan: CountedPlan | None
    complete: bool  # every later level settled with the officers
    first_seen: list[float]  # when the searches found their first plans


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
    search = EstimateSearch.build(inst, options, workers, (started, deadline), bounds)
    if isinstance(search, SolveResult):
        return search
    early, early_at = search.early_plan()
    officers = search.officers_level()
    if officers.plan is None:
        return search.without_plan(officers.outcome, early, early_at)
    first_at = min(t for t in (early_at, *officers.first_seen) if t is not None)
    timing = Timing(started, search.build_seconds, first_at, dict(officers.outcome.proven_at))
    plan, results, interrupted = search.later_levels(officers, timing)
    if not plan.reached:
        return search.when_short(plan, results, timing, interrupted)
    return plan_result(inst.data, plan.sessions, results, timing, interrupted=interrupted)


@dataclass
class EstimateSearch:
    """The master with officer counts, and the steps of :func:`solve_by_estimate` on it."""

    inst: Instance
    options: SolveOptions
    workers: int
    started: float
    deadline: float
    master_deadline: float  # time kept for seating the officers afterwards
    bounds: dict[str, int]
    master: PlanModel
    levels: list[Level]
    build_seconds: float

    @classmethod
    def build(
        cls,
        inst: Instance,
        options: SolveOptions,
        workers: int,
        clock: tuple[float, float],
        bounds: dict[str, int],
    ) -> EstimateSearch | SolveResult:
        """The master's model, or the no-plan result when its rules alone admit none."""
        started, deadline = clock
        candidates = trainer_candidates(inst)
        master = PlanModel(inst, with_officers=False, trainer_candidates=candidates)
        master.presolve = candidates is not None  # national-sized: presolve as for large models
        add_officer_estimate(master, bounds)
        add_constraints(master)
        if master.infeasible_reasons:
            return no_plan_result("infeasible", master.infeasible_reasons, started)
        apply_limits(master, options.limits)
        build_seconds = time.monotonic() - started
        constraints = inst.data.constraints
        levels = objective_levels(master, constraints.objective_names, constraints.tolerances)
        reserve = min(0.25 * (deadline - time.monotonic()), 1.5 * len(inst.region_ids))
        master_deadline = deadline - (reserve if candidates is not None else 0.0)
        return cls(
            inst,
            options,
            workers,
            started,
            deadline,
            master_deadline,
            bounds,
            master,
            levels,
            build_seconds,
        )

    def seat(self, values: dict[int, int]) -> CountedPlan | None:
        """A master solution's sessions with officers seated up to its counts."""
        sessions = extract_sessions(self.master, lambda var: values[var.index])
        counted = {r: values[var.index] for r, var in self.master.region_officers.items()}
        placed = place_officers(
            self.inst,
            sessions,
            self.options,
            self.deadline,
            sessions_keep_rules=True,
            at_most=counted,
        )
        if placed is None:
            return None
        return CountedPlan(sessions, placed, all(placed.get(r, 0) >= n for r, n in counted.items()))

    def early_plan(self) -> tuple[CountedPlan | None, float | None]:
        """A complete plan within about a second, so that Ctrl-C soon after the start has
        one to write: the master's first plan of a parallel search, officers seated on it;
        and when it was found. Never a hint: that search is not reproducible, and the plan
        must be (only a search cut short may return this one)."""
        master = self.master
        master.model.maximize(self.levels[0].expr)
        seconds = min(EARLY_SECONDS, self.deadline - time.monotonic())
        quick = make_solver(self.options, seconds, max(2, self.workers))
        quick.parameters.interleave_search = False
        quick.parameters.stop_after_first_solution = True
        quick.parameters.cp_model_presolve = master.presolve
        early = None
        if run_solver(quick, master.model, self.options.stop) in (
            cp_model.OPTIMAL,
            cp_model.FEASIBLE,
        ):
            early = self.seat(master.solution(quick))
        return early, (time.monotonic() - self.started if early is not None else None)

    def officers_level(self) -> OfficersLevel:
        """Officers alone first, their plan seated at once: whether the counts hold tells
        whether the later levels continue in the master (the proof carries over)."""
        settled = officers_by_counts(
            self.inst,
            self.master,
            self.levels,
            self.bounds,
            self.options,
            self.workers,
            self.started,
            self.master_deadline,
            self.seat,
        )
        if settled is not None:
            outcome, plan, complete = settled
            assert outcome.first_plan_at is not None
            level = OfficersLevel(outcome, plan, complete, [outcome.first_plan_at])
        else:
            level = self._officers_in_rounds()
        if level.plan is not None and level.plan.reached:
            # the officers level held where it was reached, for the later levels
            trained = level.plan.officers + self.inst.frozen_trained()
            self.master.model.add(self.levels[0].expr >= trained)
        return level

    def _officers_in_rounds(self) -> OfficersLevel:
        """The officers level searched, its plan seated; where a region's sessions took
        fewer officers than its count, that overestimate is cut off and the level solved
        again (its bound stays proven: the cuts hold for every plan)."""
        plan: CountedPlan | None = None
        first_seen: list[float] = []
        for round_ in range(SEATING_ROUNDS + 1):
            outcome = self._officers_search()
            if outcome.first_plan_at is not None:
                first_seen.append(outcome.first_plan_at)
            found = self.seat(outcome.values) if outcome.values is not None else None
            if found is None:
                break
            if plan is None or found.officers > plan.officers or found.reached:
                plan = found
            if found.reached or outcome.interrupted or round_ == SEATING_ROUNDS:
                break
            if time.monotonic() >= self.master_deadline - 1.0:
                break
            self._cut_overestimates(found, outcome)
        return OfficersLevel(outcome, plan, False, first_seen)

    def _officers_search(self) -> LexOutcome:
        """One search of the officers level; under a budget, the count's own search proves
        little: most of the level's time goes to probing (:func:`probe_officers`)."""
        probing = self.inst.data.constraints.budget_eur is not None
        share = 0.6 if len(self.levels) > 1 else 1.0
        left = self.master_deadline - time.monotonic()
        level_deadline = time.monotonic() + share * left
        search_deadline = time.monotonic() + (0.35 if probing else share) * left
        outcome = optimise_lexicographically(
            self.master,
            self.levels[:1],
            self.options,
            self.workers,
            self.started,
            search_deadline,
            level_count=len(self.levels),
            hold_last=False,
        )
        if outcome.results and not outcome.results[0].proven and probing:
            probe_officers(
                self.master, self.levels[0], outcome, self.options, self.started, level_deadline
            )
        return outcome

    def _cut_overestimates(self, found: CountedPlan, outcome: LexOutcome) -> None:
        """Seating cuts where a region's sessions took fewer officers than its count."""
        assert outcome.values is not None
        for region_id, var in self.master.region_officers.items():
            seated = found.placed.get(region_id, 0)
            if seated < outcome.values[var.index]:
                taken = {
                    (s.venue, self.inst.day_index[s.date])
                    for s in found.sessions
                    if s.region == region_id
                }
                add_seating_cut(self.master, region_id, taken, seated)

    def without_plan(
        self, outcome: LexOutcome, early: CountedPlan | None, early_at: float | None
    ) -> SolveResult | None:
        """No seated plan from the officers level: the early plan when the search was cut
        short before its first (no level proven); the no-plan result when even the
        officer-free relaxation has none; else None (the full model takes over)."""
        if early is None:
            if outcome.infeasible and relaxation_infeasible(
                self.inst, self.options, self.workers, self.deadline
            ):
                return no_plan_result("infeasible", [NO_PLAN_REASON], self.started)
            return None
        timing = Timing(self.started, self.build_seconds, early_at)
        return plan_result(
            self.inst.data, early.sessions, [], timing, interrupted=outcome.interrupted
        )

    def later_levels(
        self, officers: OfficersLevel, timing: Timing
    ) -> tuple[CountedPlan, list[ObjectiveResult], bool]:
        """The levels after the officers, in the master, where the officers' plan reached
        every count and the counts did not settle them already: the plan, each level's
        result, and whether the search was interrupted."""
        assert officers.plan is not None
        plan, outcome = officers.plan, officers.outcome
        results = list(outcome.results)
        if not plan.reached or len(self.levels) < 2 or outcome.interrupted or officers.complete:
            return plan, results, outcome.interrupted
        later = optimise_lexicographically(
            self.master,
            self.levels[1:],
            self.options,
            self.workers,
            self.started,
            self.master_deadline,
            level_offset=1,
            level_count=len(self.levels),
        )
        better = self.seat(later.values) if later.values is not None else None
        if better is None or not better.reached:
            return plan, results, later.interrupted
        if results[0].proven:
            results += later.results
            timing.proven_at.update(later.proven_at)
        else:  # proven only at the officers found, not at their optimum
            results += [r.model_copy(update={"proven": False}) for r in later.results]
        return better, results, later.interrupted

    def when_short(
        self,
        plan: CountedPlan,
        results: list[ObjectiveResult],
        timing: Timing,
        interrupted: bool,
    ) -> SolveResult:
        """The plan trains fewer officers than the master counted: only the officer bound
        still holds (it bounds every plan). The full model continues from the plan, bounded
        by it, while time is left; its plan is taken when it trains no fewer."""
        results = [result.model_copy(update={"proven": False}) for result in results]
        kept = plan_result(self.inst.data, plan.sessions, results, timing, interrupted=interrupted)
        first = results[0]
        out_of_time = self.options.stop.is_set() or time.monotonic() >= self.deadline - 1.0
        if first.bound is None or out_of_time:
            return kept
        full = solve_full(
            self.inst,
            self.options,
            self.workers,
            self.started,
            self.deadline,
            hint=Plan(status="feasible", sessions=plan.sessions),
            officers_at_most=math.floor(first.bound + 1e-6),
        )
        if full.plan is None or full.plan.metrics["officers_trained"] < plan.officers:
            return kept  # the full model did not get as far in the time left
        full.first_plan_seconds = timing.first_plan_seconds
        return full


def officers_by_counts(
    inst: Instance,
    master: PlanModel,
    levels: list[Level],
    bounds: dict[str, int],
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    seated: Callable[[dict[int, int]], CountedPlan | None],
) -> ByCounts | None:
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
        outcome = _on_cheapest_counts(master, aggregate, options, workers, deadline)
    if outcome is None or outcome.values is None:
        return None
    plan = seated(outcome.values)
    if plan is None or not plan.reached or plan.officers < bound:
        return None
    level = levels[0]
    now = time.monotonic() - started
    outcome.results.insert(0, level_result(level, float(bound), float(bound), float(bound), True))
    outcome.first_plan_at = now
    outcome.proven_at.update((result.name, now) for result in outcome.results if result.proven)
    master.hint(outcome.values)
    report_settled(options, started, outcome.results, 0, len(levels))
    return ByCounts(outcome, plan, complete)


def _on_cheapest_counts(
    master: PlanModel,
    aggregate: Aggregate,
    options: SolveOptions,
    workers: int,
    deadline: float,
) -> LexOutcome | None:
    """The officers level alone: the master's plan with the relaxation's cheapest counts at
    the officer bound (held in ``aggregate``), or None when the master has none in time."""
    seconds = 0.1 * (deadline - time.monotonic())
    cheapest = aggregate.optimise(["cost_eur"], {}, options.seed, seconds)
    seconds = 0.3 * (deadline - time.monotonic())
    solver = realised(master, cheapest[1], [], options, workers, seconds) if cheapest else None
    return LexOutcome(values=master.solution(solver)) if solver is not None else None


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
