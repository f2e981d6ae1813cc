"""The master: sessions, trainers and NGOs without officers (one Boolean per venue-day), and what
building it needs (the cheapest trainers of a site on national data, the cuts that training
everyone implies, a level's range for weights, the cost of officers it did not seat)."""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from trafficplan.plan import ObjectiveResult, Plan
from trafficplan.solver.api import (
    SolveOptions,
)
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    OFFICER_OBJECTIVES,
    LexOutcome,
    apply_limits,
    make_solver,
    objective_levels,
    optimise_lexicographically,
    run_solver,
)
from trafficplan.solver.seating import place_officers

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


def add_officer_cuts(master: PlanModel, everyone: set[str]) -> None:
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


def level_range(inst: Instance, name: str) -> int:
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


def feasibility(
    pm: PlanModel,
    options: SolveOptions,
    workers: int,
    deadline: float,
    large: bool = False,
    first_only: bool = False,
) -> LexOutcome:
    """Any plan of the model (the first one with ``first_only``), without levels."""
    solver = make_solver(options, deadline - time.monotonic(), workers, large)
    solver.parameters.stop_after_first_solution = first_only
    if first_only:
        # nothing is proven from a first solution: presolve without probing and inclusion
        # detection finds it about 1.7 times sooner on a national-sized master (1.6 s
        # against 2.5 s), and without presolve at all the search after it is slower
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.presolve_inclusion_work_limit = 0
    status = run_solver(solver, pm.model, options.stop)
    outcome = LexOutcome()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        outcome.values = pm.solution(solver)
    return outcome


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


def master_plan(
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
    place_officers(
        inst,
        sessions,
        options,
        max(deadline, time.monotonic() + 1.0),
        sessions_keep_rules=True,
    )
    return Plan(status="feasible", sessions=sessions)
