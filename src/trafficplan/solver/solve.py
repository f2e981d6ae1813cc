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

import os
import time

from trafficplan.inputs.problem import ProblemData
from trafficplan.solver.api import (
    NO_PLAN_IN_TIME,
    SolveOptions,
    SolveResult,
)
from trafficplan.solver.decomposed import solve_decomposed
from trafficplan.solver.full import solve_full
from trafficplan.solver.instance import Instance
from trafficplan.solver.master import master_plan, trainer_candidates
from trafficplan.solver.results import no_plan_in_time, no_plan_result
from trafficplan.solver.search import (
    OFFICER_OBJECTIVES,
)
from trafficplan.solver.staged import is_chain, staged_plan, staged_result
from trafficplan.solver.staged_master import solve_staged_master


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

    if data.staged:
        # a programme in stages: the full model, the only one that knows courses, from a
        # plan solved course by course
        return _solve_staged(inst, options, workers, started, deadline)
    if _decomposable(data, options):
        decomposed = solve_decomposed(inst, options, workers, started, deadline)
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
        hint = master_plan(inst, options, workers, started, started + 0.3 * options.time_limit)
    return solve_full(inst, options, workers, started, deadline, hint=hint)


def _solve_staged(
    inst: Instance, options: SolveOptions, workers: int, started: float, deadline: float
) -> SolveResult:
    """A programme in stages: the staged plan (course by course), then the full model from
    it where the instance is small enough; a chain's staged plan keeps every rule, so it is
    the answer where the full model has none."""
    data = inst.data
    if _decomposable(data, options) and not inst.frozen.sessions:
        # the master of every course, officers seated on its sessions: every level proven
        # when they seat every member
        # a large instance has no better way to a proof (the staged plan is its fallback)
        share = 0.85 if trainer_candidates(inst) is not None else 0.6
        decomposed = solve_staged_master(
            inst, options, workers, started, started + share * options.time_limit
        )
        if decomposed is not None or options.stop.is_set():
            return decomposed or no_plan_result(
                "unknown", ["interrupted before any plan was found"], started, interrupted=True
            )
    hint = options.hint or staged_plan(data, options, started + 0.4 * options.time_limit)
    chain = options.hint is None and hint is not None and is_chain(data)
    if chain and hint is not None and trainer_candidates(inst) is not None:
        return staged_result(data, hint, started)  # the full model would not fit in memory
    # no plan trains more than every course's members: the officers level's bound
    members = sum(len(data.course_members(c.id)) for c in data.courses)
    result = solve_full(
        inst, options, workers, started, deadline, hint=hint, officers_at_most=members
    )
    if result.plan is None and chain and hint is not None and not options.stop.is_set():
        return staged_result(data, hint, started)
    return result


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
