"""Steps 1-4 of the decomposed search when every region can reach its officer bound: each
region's bound, the master held to the sessions those bounds need, its levels optimised,
officers seated on its sessions, and the full model when seating falls short.

:func:`solve_decomposed` reads as the list of these steps; each step is a function below
that takes and returns plain data (:class:`RegionBounds`, :class:`Master`, :class:`Seated`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from trafficplan.plan import ObjectiveResult, Plan, PlanSession
from trafficplan.solver.aggregate import (
    AGGREGATE_OBJECTIVES,
    UNCOUNTED_RULES,
    Aggregate,
    AggregateLevel,
    Counts,
    settles_by_counts,
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


@dataclass
class RegionBounds:
    """Step 1's result: the most officers each region can train, and whether all are
    proven (a region whose search stopped at its limit keeps an unproven bound)."""

    bounds: dict[str, int]
    proven: bool

    @property
    def total(self) -> int:
        """Officers the whole plan can train at most."""
        return sum(self.bounds.values())


@dataclass
class Master:
    """Step 2's model: sessions, trainers and NGOs without officers, each region held to the
    sessions its bound needs (``floor``), counting ``officers`` officers as trained."""

    pm: PlanModel
    floor: dict[str, int]
    officers: int
    candidates: dict[int, set[str]] | None
    build_seconds: float
    # a large instance's relaxation, optimised before the master was built (see build_master)
    relaxed: tuple[Aggregate, tuple[list[AggregateLevel], Counts]] | None = None

    @property
    def large(self) -> bool:
        """An instance large enough that the master sees only each site's cheapest trainers
        (:func:`trainer_candidates`)."""
        return self.candidates is not None


@dataclass
class Seated:
    """Step 3's result: sessions with each region's officers placed on them."""

    sessions: list[PlanSession]
    placed: dict[str, int]
    at: float | None = None  # seconds from the start, for the early plan of a large instance


def solve_decomposed(
    inst: Instance,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
    known_bounds: RegionBounds | None = None,
) -> SolveResult | None:
    """The decomposed search; None when the full model must take over."""
    counted = {r: counting_bound(inst, r) for r in inst.region_ids}
    if known_bounds is None and not bounds_fit(inst, counted):
        # the regions cannot all reach their bounds at once (sessions or budget): the master
        # chooses how many officers each trains
        return solve_by_estimate(inst, options, workers, started, deadline, counted)
    # 1. region bounds
    bounds = known_bounds or region_bounds(inst, counted, options, started, deadline)
    # 2. master: sessions, trainers and NGOs, no officers
    master = build_master(inst, bounds, options, started)
    if isinstance(master, SolveResult):
        return master
    if time.monotonic() >= deadline or options.stop.is_set():
        return None
    later = [n for n in inst.data.constraints.objective_names if n != "officers_trained"]
    levels = _master_levels(master, later, inst)
    # a large instance: a first complete plan soon, which the optimisation then starts from
    early = early_plan(inst, master, options, workers, deadline, started) if master.large else None
    # leave time to seat the officers on the master's sessions afterwards
    reserve = min(0.25 * (deadline - time.monotonic()), 1.5 * len(inst.region_ids))
    master_deadline = deadline - (reserve if master.large else 0.0)
    outcome = optimise_master(
        inst, master, levels, later, options, workers, (started, deadline, master_deadline)
    )
    if outcome.values is None and early is None:
        return _without_master_plan(inst, outcome, master, options, workers, started, deadline)
    # 3. officers on the master's sessions, region by region
    seated = seat_master_plan(inst, master, outcome, early, options, deadline)
    if seated is None:
        return None  # the full model takes over
    _note_first_plan(outcome, early, started)
    reached = all(seated.placed.get(r, 0) >= b for r, b in bounds.bounds.items())
    if not reached and not options.stop.is_set() and time.monotonic() < deadline - 0.5:
        # 4. seating fell short of some region's bound
        return when_short(
            inst, bounds, seated, options, workers, (started, deadline), known_bounds is None
        )
    return _decomposed_result(
        inst, bounds, master, outcome, seated, later, reached, options, started
    )


def region_bounds(
    inst: Instance,
    counted: dict[str, int],
    options: SolveOptions,
    started: float,
    deadline: float,
) -> RegionBounds:
    """Step 1: a counting bound first; where it is below the region's officers, the proven
    optimum of the region alone. Where everyone may be trained, that is assumed here and
    checked when the officers are seated (step 3)."""
    bounds = dict(counted)
    short = [r for r, b in bounds.items() if b < len(inst.data.officers_by_region[r])]
    if not short:
        return RegionBounds(bounds, True)
    proven_bounds, proven = proven_region_bounds(
        inst, options, started + 0.3 * (deadline - started), regions=short
    )
    bounds.update(proven_bounds)
    return RegionBounds(bounds, proven)


def build_master(
    inst: Instance, bounds: RegionBounds, options: SolveOptions, started: float
) -> Master | SolveResult:
    """Step 2's model, or the no-plan result when its rules alone admit none."""
    data = inst.data
    floor: dict[str, int] = {}
    everyone: set[str] = set()
    for region_id, bound in bounds.bounds.items():
        floor[region_id] = sessions_needed(inst, region_id, bound)
        if bound == len(data.officers_by_region[region_id]):
            everyone.add(region_id)
    candidates = trainer_candidates(inst)
    relaxed = None
    if candidates is not None and settles_by_counts(inst, options.limits):
        # the relaxation knows every trainer; the pruned master keeps the cheapest of each
        # site. Its counts are optimised first, and every trainer they use at a site joins
        # that site's candidates, so that the master can realise them (settle_by_counts)
        relaxed = _relaxed_counts(inst, floor, bounds.total, options, started)
        if relaxed is not None:
            for level in relaxed[1][0]:
                for counts in (level.best_counts, relaxed[1][1]):
                    for (trainer_id, site), count in counts.teaches.items():
                        if count > 0:
                            candidates[site].add(trainer_id)
    # its plan is reported only if seating reaches every region's bound: then it trains
    # bounds.total officers, and what they cost is a constant (never more, for the budget)
    model = PlanModel(
        inst,
        with_officers=False,
        session_floor=floor,
        trainer_candidates=candidates,
        officers_planned=bounds.total,
    )
    add_constraints(model)
    if model.infeasible_reasons:
        return no_plan_result("infeasible", model.infeasible_reasons, started)
    add_officer_cuts(model, everyone)
    # the master's cost counts bounds.total officers: a plan that seats fewer costs less
    apply_limits(model, options.limits)
    return Master(model, floor, bounds.total, candidates, time.monotonic() - started, relaxed)


def _relaxed_counts(
    inst: Instance, floor: dict[str, int], officers: int, options: SolveOptions, started: float
) -> tuple[Aggregate, tuple[list[AggregateLevel], Counts]] | None:
    """The relaxation's optimum on the later levels (with tolerances), or None when it is
    not proven in a tenth of the time left."""
    constraints = inst.data.constraints
    later = [n for n in constraints.objective_names if n != "officers_trained"]
    aggregate = Aggregate(inst, floor, officers)
    seconds = 0.1 * max(0.0, started + options.time_limit - time.monotonic())
    found = aggregate.optimise(later, constraints.tolerances, options.seed, seconds, options.limits)
    return (aggregate, found) if found is not None else None


def _master_levels(master: Master, later: list[str], inst: Instance) -> list[Level]:
    """The master's levels: the objectives after ``officers_trained``."""
    levels = objective_levels(master.pm, later, inst.data.constraints.tolerances)
    if not levels:
        # no later level: any master plan will do
        master.pm.model.minimize(0)
    return levels


def early_plan(
    inst: Instance,
    master: Master,
    options: SolveOptions,
    workers: int,
    deadline: float,
    started: float,
) -> Seated | None:
    """A large instance's first complete plan: the master's first solution with officers
    placed on it; the master is hinted with it either way."""
    quick = feasibility(master.pm, options, workers, deadline, large=True, first_only=True)
    if quick.values is None:
        return None
    values = quick.values
    sessions = extract_sessions(master.pm, lambda var: values[var.index])
    placed = place_officers(inst, sessions, options, deadline, sessions_keep_rules=True)
    at = time.monotonic() - started
    master.pm.hint(values)
    return Seated(sessions, placed, at) if placed is not None else None


def optimise_master(
    inst: Instance,
    master: Master,
    levels: list[Level],
    later: list[str],
    options: SolveOptions,
    workers: int,
    clock: tuple[float, float, float],
) -> LexOutcome:
    """The master's later levels: settled by counts where the assignment relaxation mirrors
    the data (every level proven at once; on a large instance too, since the relaxation
    knows every trainer and counts the pruned master cannot realise fail), else one
    weighted solve of strict levels of one direction, else lexicographically; a plain
    feasibility search without levels.
    ``clock``: the search's start, its deadline, and the master's (time kept for seating)."""
    started, deadline, master_deadline = clock
    pm, large = master.pm, master.large
    strict = all(level.tolerance is None for level in levels[:-1])
    settled = None
    # the relaxation mirrors the data's rules, so not where items of rules it counts give
    if levels and settles_by_counts(inst, options.limits):
        aggregate, found = master.relaxed or (Aggregate(inst, master.floor, master.officers), None)
        settled = settle_by_counts(
            inst, pm, levels, aggregate, options, workers, started, deadline, found=found
        )
    if settled is not None:
        return settled
    # the officers' level, proven before, counts as the first of the levels reported
    count = len(levels) + 1
    if levels and strict and len({level.maximise for level in levels}) == 1:
        ranges = [level_range(inst, level.name) for level in levels]
        return optimise_weighted(
            pm,
            levels,
            ranges,
            options,
            workers,
            started,
            master_deadline,
            level_offset=1,
            level_count=count,
            large=large,
        )
    if levels:
        return optimise_lexicographically(
            pm, levels, options, workers, started, deadline, level_offset=1, level_count=count
        )
    return feasibility(pm, options, workers, master_deadline, large=large)


def _without_master_plan(
    inst: Instance,
    outcome: LexOutcome,
    master: Master,
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
) -> SolveResult | None:
    """The master found no plan: the master chooses the officers instead when no plan
    trains every region's bound; the no-plan result when even the officer-free relaxation
    has none; else None (the full model takes over)."""
    if outcome.infeasible and not master.large and time.monotonic() < deadline - 1.0:
        counted = {r: counting_bound(inst, r) for r in inst.region_ids}
        return solve_by_estimate(inst, options, workers, started, deadline, counted)
    if outcome.infeasible and relaxation_infeasible(inst, options, workers, deadline):
        return no_plan_result("infeasible", [NO_PLAN_REASON], started)
    return None


def seat_master_plan(
    inst: Instance,
    master: Master,
    outcome: LexOutcome,
    early: Seated | None,
    options: SolveOptions,
    deadline: float,
) -> Seated | None:
    """Step 3: each region's officers on the master's best sessions; the early plan where
    the master ended without a better one or its sessions cannot seat the officers."""
    if outcome.values is None:
        return early
    values = outcome.values
    sessions = extract_sessions(master.pm, lambda var: values[var.index])
    placed = place_officers(inst, sessions, options, deadline, sessions_keep_rules=True)
    return Seated(sessions, placed) if placed is not None else early


def _note_first_plan(outcome: LexOutcome, early: Seated | None, started: float) -> None:
    """When the first complete plan existed: the early plan's time, else now (the master's
    first solution had no officers on it until they were seated)."""
    if early is not None and early.at is not None:
        outcome.first_plan_at = early.at
    elif outcome.first_plan_at is not None:
        outcome.first_plan_at = time.monotonic() - started


def when_short(
    inst: Instance,
    bounds: RegionBounds,
    seated: Seated,
    options: SolveOptions,
    workers: int,
    clock: tuple[float, float],
    may_retry: bool,
) -> SolveResult | None:
    """Step 4: seating fell short of some regions' bounds. Their proven bounds are computed;
    where they are lower, the decomposed search runs again with them (``may_retry``: once);
    else the full model, hinted with the seated plan and bounded by the regions."""
    started, deadline = clock
    missed = [r for r, b in bounds.bounds.items() if seated.placed.get(r, 0) < b]
    refined, refined_proven = proven_region_bounds(inst, options, deadline, regions=missed)
    lowered = any(refined[r] < bounds.bounds[r] for r in missed)
    bounds = RegionBounds({**bounds.bounds, **refined}, bounds.proven and refined_proven)
    if lowered and may_retry:
        # the master assumed more officers than those regions can train: again, with the
        # proven bounds (its floors and cuts must not claim more)
        return solve_decomposed(inst, options, workers, started, deadline, bounds)
    return solve_full(
        inst,
        options,
        workers,
        started,
        deadline,
        hint=Plan(status="feasible", sessions=seated.sessions),
        officer_bounds=bounds.bounds,
        bound_proven=bounds.proven,
    )


def _decomposed_result(
    inst: Instance,
    bounds: RegionBounds,
    master: Master,
    outcome: LexOutcome,
    seated: Seated,
    later: list[str],
    reached: bool,
    options: SolveOptions,
    started: float,
) -> SolveResult:
    """The plan with each level's value, bound and proof: officers proven when every region
    reached its proven bound; the later levels as the master proved them (or, for a large
    instance, as the assignment relaxation bounds them)."""
    officers_level = ObjectiveResult(
        name="officers_trained",
        value=float(sum(seated.placed.values())),
        bound=float(bounds.total),
        proven=bounds.proven and reached,
    )
    results = [officers_level]
    if master.large:
        _bound_by_relaxation(inst, outcome, later, master, officers_level, options)
    # the master counted bounds.total officers; a plan that seats fewer costs less
    unseated = bounds.total - sum(seated.placed.values())
    for result in shift_officer_cost(inst, outcome.results, -unseated):
        results.append(
            result.model_copy(update={"proven": result.proven and officers_level.proven})
        )
    return plan_result(
        inst.data,
        seated.sessions,
        results,
        Timing(started, master.build_seconds, outcome.first_plan_at),
        interrupted=outcome.interrupted,
    )


def _bound_by_relaxation(
    inst: Instance,
    outcome: LexOutcome,
    later: list[str],
    master: Master,
    officers_level: ObjectiveResult,
    options: SolveOptions,
) -> None:
    """The master saw only the cheapest trainers of each site: its bounds hold for it, not
    for the whole problem; the assignment relaxation's (every trainer) replace them, in
    place on ``outcome``'s results."""
    data = inst.data
    exact = officers_level.proven and {r for r, _ in inst.given_up} <= UNCOUNTED_RULES
    relaxation = Aggregate(inst, master.floor, master.officers) if exact else None
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
