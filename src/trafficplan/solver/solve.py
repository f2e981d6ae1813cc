"""``solve``: the planner's entry point.

When ``officers_trained`` is the first objective (the default), the search is decomposed:

1. **Region bounds.** Officers only meet sessions of their own region, so each region alone
   (without trainers) gives the most officers it can train: a proven upper bound per region.
2. **Master.** Sessions, trainers and NGOs without officers (one Boolean per venue-day, no
   officer counts), with each region held to the sessions its bound needs and the cuts that
   training every officer implies (each officer's free days must hold a session). Its
   optimum on the later levels (cost, load) is a valid bound for the whole problem.
3. **Officers on seats.** Each region's officers are placed on the master's sessions. If
   every region reaches its bound, the plan is optimal on every level the master proved.
4. Otherwise the full model (every rule at once) is solved, hinted with the plan of 1-3 and
   bounded by the region bounds.
"""

from __future__ import annotations

import math
import os
import threading
import time

from ortools.sat.python import cp_model

from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import ObjectiveResult, Plan, PlanSession
from trafficplan.solver.api import (
    EXPLAIN_POINTER,
    NO_PLAN_IN_TIME,
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
    OFFICER_OBJECTIVES,
    LexOutcome,
    apply_limits,
    make_solver,
    objective_levels,
    optimise_lexicographically,
    optimise_weighted,
    run_solver,
    solve_reproducibly,
)

NO_PLAN_REASON = (
    f"the data admit no plan that keeps every rule; {EXPLAIN_POINTER} to see which rules conflict"
)


def solve(data: ProblemData, options: SolveOptions | None = None) -> SolveResult:
    """Find a plan that keeps every hard rule, optimising the objectives lexicographically.

    Args:
        data: the validated data folder.
        options: time limit (total over all levels), seed, workers, progress callback, hint,
            stop event.

    Returns:
        The result: a plan when one was found, with each level's value, bound and proof.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    deadline = started + options.time_limit
    workers = options.workers or os.cpu_count() or 1
    inst = Instance(data)
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
    _place_officers(inst, sessions, options, max(deadline, time.monotonic() + 1.0))
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
) -> SolveResult:
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
    if officer_bounds and bound_proven and outcome.results:
        first = outcome.results[0]
        if first.name == "officers_trained":
            first.bound = min(first.bound or math.inf, float(sum(officer_bounds.values())))
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
        venues = data.region_by_id[region_id].venues
        seats = max((data.seat_range(v.id)[1] for v in venues), default=0)
        high = inst.session_range(region_id)[1]
        floor[region_id] = min(high, math.ceil(bound / seats)) if seats else 0
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
            early_placed = _place_officers(inst, early_sessions, options, deadline)
            if early_placed is not None:
                early = (early_sessions, early_placed)
                first_plan_at = time.monotonic() - started
            master.hint(quick_values)
    # leave time to seat the officers on the master's sessions afterwards
    reserve = min(0.25 * (deadline - time.monotonic()), 1.5 * len(inst.region_ids))
    master_deadline = deadline - (reserve if large else 0.0)
    strict = all(level.tolerance is None for level in levels[:-1])
    if levels and strict and len({level.maximise for level in levels}) == 1:
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
        if outcome.infeasible and _relaxation_infeasible(inst, options, workers, deadline):
            return no_plan_result("infeasible", [NO_PLAN_REASON], started)
        return None
    if outcome.values is None and early is not None:
        sessions, placed = early
    else:
        values = outcome.values or {}
        sessions = extract_sessions(master, lambda var: values[var.index])
        # 3. officers on the master's sessions, region by region
        seated = _place_officers(inst, sessions, options, deadline)
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
        # for the whole problem; simple bounds that do hold replace them
        simple = _simple_bounds(inst, floor, officers_bound) if officers_level.proven else {}
        for result in outcome.results:
            result.bound = simple.get(result.name)
            result.proven = result.bound is not None and result.value == result.bound
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


def _simple_bounds(inst: Instance, floor: dict[str, int], officers: int) -> dict[str, float]:
    """Bounds valid for the whole problem once every region holds at least ``floor``
    sessions and ``officers`` officers are trained: each session with its cheapest allowed
    trainers, its region's cheapest venue and catering for them and its NGOs, each officer's
    catering and travel (cost_eur); the sessions spread evenly over the trainers
    (max_trainer_sessions)."""
    data = inst.data
    per_session = data.constraints.trainers.per_session
    people = per_session + data.constraints.ngos.per_session
    cost = inst.officer_cents() * officers
    for region_id, sessions in floor.items():
        cheapest = None
        for site_index in inst.sites_of_region[region_id]:
            prices = sorted(
                inst.cost_cents(t.id, site_index)
                for t in data.trainers
                if data.trainer_may_teach(t.id, region_id)
            )
            hire = min(inst.venue_cents(v) for v in inst.sites[site_index].venue_ids)
            if len(prices) >= per_session:
                price = sum(prices[:per_session]) + hire
                cheapest = price if cheapest is None else min(cheapest, price)
        cost += sessions * ((cheapest or 0) + people * inst.person_cents())
    total = sum(floor.values()) * per_session
    trainers = max(1, len(data.trainers))
    return {"cost_eur": cost / 100.0, "max_trainer_sessions": float(-(-total // trainers))}


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
    venues = data.region_by_id[region_id].venues
    seats = max((data.seat_range(v.id)[1] for v in venues), default=0)
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
    held: dict[str, dict[int, object]] = {r: {} for r in everyone}
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
    for region_id in everyone:
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
) -> dict[str, int] | None:
    """Fill the sessions' seats region by region (in place); officers per region, or None
    when some region's sessions could not all be filled to their minimum."""
    placed: dict[str, int] = {}
    regions = inst.region_ids
    for position, region_id in enumerate(regions):
        own = [s for s in sessions if s.region == region_id]
        if not own:
            placed[region_id] = 0
            continue
        pm = PlanModel(inst, regions={region_id}, with_trainers=False)
        add_constraints(pm)
        taken = {(s.venue, inst.day_index[s.date]) for s in own}
        for (_slot_index, venue_id, d), var in pm.slot_at.items():
            if (venue_id, d) not in taken:
                pm.model.add(var == 0)
        pm.model.add(pm.sessions_of_region(region_id) == len(own))
        pm.model.maximize(pm.officers_trained())
        # a fair share of the time left, but never less than two seconds: a plan whose
        # sessions have no officers would break the seats rule
        share = (deadline - time.monotonic()) / (len(regions) - position)
        # one worker: a small problem, and a deterministic answer
        solver = make_solver(options, max(2.0, share), 1)
        # its own stop event: after Ctrl-C the best sessions still get their officers
        status = run_solver(solver, pm.model, threading.Event())
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        filled = extract_sessions(pm, solver.value)
        by_place = {(f.venue, f.date): f.officers for f in filled}
        for session in own:
            session.officers = by_place.get((session.venue, session.date), [])
        placed[region_id] = sum(len(s.officers) for s in own)
    return placed
