"""A programme in stages, decomposed: the master of every course, then officers on seats.

The decomposed search of one course (:mod:`trafficplan.solver.decomposed`) counts no
courses. Here the master is the officer-free model of a programme in stages: one Boolean per
course and venue-day (so ``counts``, ``fixed``, ``trainer_count`` and ``course_order`` by
region hold exactly), and of ``course_order`` by district what holds without officers
(each session of a later course some session of the earlier one before it). It is held to
training every course's members: each region holds the sessions its members need and no
more than they can fill, each class of officers with leave a session of its course on one
of its free days, and its cost counts every member. Its later levels (cost, load, ...)
optimised, each region's officers are seated on its sessions by a small model of every
rule (:func:`trafficplan.solver.seating.seat_by_model`), which also keeps the order by
district exactly. When every member gets a seat, the plan trains the most officers a plan
can, and the master, a relaxation of the whole problem that trains them all, proves each
later level it proved. Otherwise the caller takes over (the full model).
"""

from __future__ import annotations

import time

from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import ObjectiveResult, PlanSession
from trafficplan.solver.aggregate import Aggregate, AggregateLevel, Counts, settles_by_counts
from trafficplan.solver.api import SolveOptions, SolveResult
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.instance import Instance
from trafficplan.solver.master import feasibility, trainer_candidates
from trafficplan.solver.model import PlanModel
from trafficplan.solver.results import Timing, no_plan_result, plan_result
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    LexOutcome,
    apply_limits,
    objective_levels,
    optimise_lexicographically,
)
from trafficplan.solver.seating import seat_by_flow, seat_by_model
from trafficplan.solver.settle import settle_by_counts


def solve_staged_master(
    inst: Instance, options: SolveOptions, workers: int, started: float, deadline: float
) -> SolveResult | None:
    """Every level of a programme in stages from its master when its sessions seat every
    member; the no-plan result when even the master has none; else None (the caller's
    full model takes over)."""
    data = inst.data
    members = sum(len(data.course_members(c.id)) for c in data.courses)
    later = [n for n in data.constraints.objective_names if n != "officers_trained"]
    aggregate = Aggregate(inst, {}, members) if settles_by_counts(inst, options.limits) else None
    candidates = trainer_candidates(inst)
    found = None
    if candidates is not None:
        # a large instance: the master sees each site's cheapest trainers and those the
        # relaxation's optimum uses; only counts realised in it prove anything
        if aggregate is None:
            return None
        seconds = 0.1 * max(0.0, deadline - time.monotonic())
        found = aggregate.optimise(
            later, data.constraints.tolerances, options.seed, seconds, options.limits
        )
        if found is None:
            return None
        for counts in (*(level.best_counts for level in found[0]), found[1]):
            for (trainer_id, site), count in counts.teaches.items():
                if count > 0:
                    candidates[site].add(trainer_id)
    master = build_staged_master(inst, members, options, candidates)
    if master.infeasible_reasons:
        return no_plan_result("infeasible", master.infeasible_reasons, started)
    build_seconds = time.monotonic() - started
    outcome = optimise_staged_master(
        master, later, aggregate, options, workers, (started, deadline), found
    )
    if outcome is None or outcome.values is None:
        return None
    values = outcome.values
    sessions = extract_sessions(master, lambda var: values[var.index])
    placed = seat_members(inst, sessions, options, max(deadline, time.monotonic() + 2.0))
    if placed is None or sum(placed.values()) < members:
        return None
    officers = ObjectiveResult(
        name="officers_trained", value=float(members), bound=float(members), proven=True
    )
    first = outcome.first_plan_at
    return plan_result(
        data,
        sessions,
        [officers, *outcome.results],
        Timing(started, build_seconds, None if first is None else time.monotonic() - started),
        interrupted=outcome.interrupted,
    )


def seat_members(
    inst: Instance, sessions: list[PlanSession], options: SolveOptions, deadline: float
) -> dict[str, int] | None:
    """Each region's members on its sessions (in place): course by course by a flow where
    the courses keep apart (no day with two, every session of a course after another at
    least ``min_days`` after that course's last), so that no officer rule links them;
    otherwise, or when an earlier course leaves a member out (the order by district would
    keep their district's officers out), by the region's model of every rule. None when
    some region's sessions cannot all be filled to their minimum."""
    data = inst.data
    placed: dict[str, int] = {}
    regions = inst.region_ids
    for position, region_id in enumerate(regions):
        own = [s for s in sessions if s.region == region_id]
        members = sum(inst.course_sizes[(region_id, c.id)] for c in data.courses)
        by_course = {c.id: [s for s in own if s.course == c.id] for c in data.courses}
        if _courses_apart(data, by_course):
            flowed = [
                seat_by_flow(inst, region_id, held, course=course_id) if held else 0
                for course_id, held in by_course.items()
            ]
            if sum(f or 0 for f in flowed) == members and None not in flowed:
                placed[region_id] = members
                continue
        if not own:
            placed[region_id] = 0
            continue
        # a fair share of the time left, never less than two seconds (as place_officers)
        share = (deadline - time.monotonic()) / (len(regions) - position)
        seated = seat_by_model(inst, region_id, own, options, max(2.0, share))
        if seated is None:
            return None
        placed[region_id] = seated
    return placed


def _courses_apart(data: ProblemData, by_course: dict[str, list[PlanSession]]) -> bool:
    """Whether a region's sessions of different courses never share a day, and each
    session of a course with ``after`` lies at least ``min_days`` after the earlier
    course's last."""
    days = [s.date for held in by_course.values() for s in held]
    if len(days) != len(set(days)):
        return False
    for course in data.courses:
        if course.after is None or not by_course[course.id]:
            continue
        earlier = by_course.get(course.after.course, [])
        last = max((s.date for s in earlier), default=None)
        first = min(s.date for s in by_course[course.id])
        if last is not None and (first - last).days < course.after.min_days:
            return False
    return True


def build_staged_master(
    inst: Instance,
    members: int,
    options: SolveOptions,
    candidates: dict[int, set[str]] | None = None,
) -> PlanModel:
    """The officer-free model of every course held to training every member (of each
    site's ``candidates`` trainers, where given), with the search's limits."""
    master = PlanModel(
        inst, with_officers=False, officers_planned=members, trainer_candidates=candidates
    )
    # realising the relaxation's counts is all a large master is asked for: found 20.7 s
    # after the start with this presolve, 44.3 s with the full one (two-stage national)
    master.light_presolve = candidates is not None
    add_constraints(master)
    add_member_cuts(master)
    apply_limits(master, options.limits)
    return master


def add_member_cuts(master: PlanModel) -> None:
    """What training every member of each course implies of its sessions: per region and
    course, enough sessions for its members' seats and no more than its members can fill
    to the minimum (each attends one), and for each class of members with leave a session
    of its course on one of its free days."""
    inst, data, m = master.inst, master.data, master.model
    for region_id in inst.region_ids:
        for course in data.courses:
            held = master.course_sessions(region_id, course.id)
            least, most = inst.member_sessions(region_id, course.id)
            if held and least:
                m.add(sum(held) >= least)
            if held and most is not None:
                m.add(sum(held) <= most)
    seen: set[tuple[str, str, tuple[int, ...]]] = set()
    for oc in inst.officer_classes:
        days = master.course_days(oc.region, oc.course)
        free = tuple(d for d in sorted(days) if inst.class_available(oc, d))
        if not oc.unavailable or (oc.region, oc.course, free) in seen:
            continue
        seen.add((oc.region, oc.course, free))
        m.add(sum(var for d in free for var in days[d]) >= 1)


def optimise_staged_master(
    master: PlanModel,
    later: list[str],
    aggregate: Aggregate | None,
    options: SolveOptions,
    workers: int,
    clock: tuple[float, float],
    found: tuple[list[AggregateLevel], Counts] | None = None,
) -> LexOutcome | None:
    """The master's levels after ``officers_trained``: settled by counts where the
    assignment relaxation (which counts courses too) is given, every level proven at once
    (``found``: its optimum, when computed before); else, unless the master sees only
    some trainers (then None), lexicographically; a feasibility search without levels.
    ``clock``: the search's start and deadline."""
    started, deadline = clock
    inst = master.inst
    levels = objective_levels(master, later, master.data.constraints.tolerances)
    if not levels:
        return feasibility(master, options, workers, deadline)
    if aggregate is not None:
        settled = settle_by_counts(
            inst, master, levels, aggregate, options, workers, started, deadline, found=found
        )
        if settled is not None or master.trainer_candidates is not None:
            return settled
    # the officers' level, proven by seating every member, counts as the first reported
    return optimise_lexicographically(
        master,
        levels,
        options,
        workers,
        started,
        deadline,
        level_offset=1,
        level_count=len(levels) + 1,
    )
