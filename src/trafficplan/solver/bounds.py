"""Step 1 of the decomposed search: how many officers each region can train at most (a
proven bound), and whether every region can reach its bound in one plan."""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from trafficplan.solver.api import (
    SolveOptions,
)
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    make_solver,
    run_solver,
    solve_reproducibly,
)


def counting_bound(inst: Instance, region_id: str) -> int:
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


def proven_region_bounds(
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


def bounds_fit(inst: Instance, bounds: dict[str, int]) -> bool:
    """Whether every region may reach its officer bound in one plan, as far as counting
    tells: the sessions those officers need fit in ``max_total``, and no budget (which the
    master, counting every officer as trained, could not weigh against officers)."""
    data = inst.data
    if data.constraints.budget_eur is not None:
        return False
    needed = sum(
        max(inst.session_range(r)[0], sessions_needed(inst, r, bound))
        for r, bound in bounds.items()
    )
    limit = data.constraints.sessions.max_total
    return limit is None or needed + len(inst.frozen.sessions) <= limit


def sessions_needed(inst: Instance, region_id: str, officers: int) -> int:
    """The fewest sessions that seat ``officers`` of the region, at most its ``max`` (0 for
    a region without venues)."""
    seats = inst.most_seats(region_id)
    return min(inst.session_range(region_id)[1], math.ceil(officers / seats)) if seats else 0


def relaxation_infeasible(
    inst: Instance, options: SolveOptions, workers: int, deadline: float
) -> bool:
    """Whether sessions, trainers and NGOs alone (every officer rule dropped, each region at
    its minimum) admit no plan: then the data admit none."""
    relaxation = PlanModel(inst, with_officers=False)
    add_constraints(relaxation)
    seconds = max(1.0, 0.5 * (deadline - time.monotonic()))
    status = solve_reproducibly(relaxation, options, workers, seconds, None)[0]
    return bool(status == cp_model.INFEASIBLE)
