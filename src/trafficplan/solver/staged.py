"""A programme in stages (spec 7.1): a first plan course by course, then the full model.

The decomposed search knows one course. For a programme in stages the full model (every
rule, every course) is solved; alone it takes long to find a first plan on data of the
shipped size, so it starts from a *staged plan*: each course solved on its own as a
programme of one course by the decomposed search, in the order of ``after`` (a course
before those that come after it), each in a part of the window that keeps the order:

- a course that others come after gets the window up to the earliest of its followers'
  fixed sessions less ``min_days`` (else the first half of the window);
- a course that comes after another starts ``min_days`` after that course's last session.

When the courses are one chain (each after the one before), the windows keep them apart (a
later ISO week, room for the longest trip), and what earlier courses used of
``sessions.max_total``, the trainers' ``max_sessions`` and the budget is left out of the
next, so the staged plan keeps every rule. Otherwise sessions of courses that no order
separates may clash (a trainer or venue on one day): then it is only a hint.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

from trafficplan.inputs.dates import DateRange
from trafficplan.inputs.models import (
    DEFAULT_ROLE,
    FixedSession,
    Officer,
    SessionRules,
    Trainer,
    Window,
)
from trafficplan.inputs.problem import CourseSpec, ProblemData
from trafficplan.plan import ObjectiveResult, Plan, PlanSession
from trafficplan.plan.metrics import total_cost_cents, trained_by_course
from trafficplan.solver.api import SolveOptions, SolveResult
from trafficplan.solver.results import Timing, plan_result


def courses_in_order(data: ProblemData) -> list[CourseSpec]:
    """The courses, each after the course its ``after`` names (the order is acyclic)."""
    placed: list[CourseSpec] = []
    left = list(data.courses)
    while left:
        ready = [c for c in left if c.after is None or c.after.course in {p.id for p in placed}]
        placed += ready
        left = [c for c in left if c not in ready]
    return placed


def is_chain(data: ProblemData) -> bool:
    """Whether the courses are one chain (each after the one before it): then the staged
    plan's windows keep every course apart and the plan keeps every rule."""
    order = courses_in_order(data)
    return all(c.after is not None and c.after.course == p.id for p, c in pairwise(order))


def _longest_trip_days(data: ProblemData) -> int:
    """The most travel days between two venues (rule ``travel``)."""
    travel = data.constraints.trainers.travel
    km = max(
        (data.venue_road_km(a, b) for a in data.venue_by_id for b in data.venue_by_id),
        default=0.0,
    )
    return 0 if km <= travel.same_evening_km else math.ceil(km / travel.km_per_day)


def course_window(data: ProblemData, course: CourseSpec, ends: dict[str, date]) -> Window:
    """The part of the window the staged plan gives a course (module docstring): a course
    after another starts ``min_days`` after its last session, in a later ISO week and with
    room for the longest trip, so no rule that spans days links the two."""
    window = data.constraints.window
    start = window.start
    if course.after is not None and course.after.course in ends:
        end = ends[course.after.course]
        next_monday = end + timedelta(days=7 - end.weekday())
        gap = 1 + _longest_trip_days(data)
        start = max(
            start,
            end + timedelta(days=course.after.min_days),
            end + timedelta(days=gap),
            next_monday,
        )
    followers = [c for c in data.courses if c.after is not None and c.after.course == course.id]
    end = window.end
    if followers:
        room = max(7, 1 + _longest_trip_days(data))  # the gap course_window keeps
        fixed = [
            e.date - timedelta(days=max(c.after.min_days, room))
            for c in followers
            if c.after is not None
            for e in data.constraints.sessions.fixed
            if (e.course or data.default_course) == c.id
        ]
        end = min(fixed) if fixed else start + (window.end - start) / 2
    return Window(start=start, end=max(start, min(end, window.end)))


def course_data(
    data: ProblemData,
    course: CourseSpec,
    window: Window,
    before: Sequence[PlanSession] = (),
) -> ProblemData:
    """The programme of one course: its members (as the one course's role), its keys as
    the ``sessions`` and ``trainers`` keys, its fixed entries, in ``window``; what the
    sessions of earlier courses (``before``) used of ``sessions.max_total``, trainers'
    ``max_sessions`` and the budget is left out."""
    constraints = data.constraints
    trainers = constraints.trainers.model_copy(update={"per_session": course.trainers_per_session})
    regions = data.regions
    if course.per_region is not None:
        regions = [r.model_copy(update={"sessions": None}) for r in regions]
    one = constraints.model_copy(
        update={
            "window": window,
            "sessions": _course_sessions(data, course, len(before)),
            "trainers": trainers,
            "courses": None,
        }
    )
    budget = constraints.budget_eur
    if budget is not None:
        spent = total_cost_cents(data, before, round_up=True) / 100
        one = one.model_copy(update={"budget_eur": max(0.0, budget - spent)})
    return ProblemData(
        regions=list(regions),
        trainers=_trainers_left(data, before),
        officers=_course_members(data, course),
        constraints=one,
        folder=data.folder,
    )


def _course_sessions(data: ProblemData, course: CourseSpec, earlier: int) -> SessionRules:
    """The ``sessions`` rules of one course: its fixed entries, its keys, and what the
    ``earlier`` sessions of other courses left of ``max_total``."""
    sessions = data.constraints.sessions
    fixed = [
        FixedSession.model_validate(e.model_dump(exclude={"course"}))
        for e in sessions.fixed
        if (e.course or data.default_course) == course.id
    ]
    return SessionRules.model_validate(
        {
            **sessions.model_dump(exclude={"fixed", "per_region", "officers", "max_total"}),
            "fixed": [f.model_dump(exclude_none=True) for f in fixed],
            "per_region": (course.per_region or sessions.per_region).model_dump(),
            "officers": course.officers.model_dump(),
            "max_total": _left(course.max_total, sessions.max_total, earlier),
        }
    )


def _course_members(data: ProblemData, course: CourseSpec) -> list[Officer]:
    """Every officer in the one course's role; those not in the course stay, away all
    window: district sizes, hence the caps of ``district_share``, are the programme's."""
    window = data.constraints.window
    away = (DateRange(window.start, window.end),)
    return [
        o.model_copy(
            update={"role": DEFAULT_ROLE}
            if course.id in data.officer_courses(o)
            else {"role": DEFAULT_ROLE, "unavailable": away}
        )
        for o in data.officers
    ]


def _trainers_left(data: ProblemData, before: Sequence[PlanSession]) -> list[Trainer]:
    """The trainers with what the ``before`` sessions used of their ``max_sessions`` left
    out."""
    taught = Counter(t for session in before for t in dict.fromkeys(session.trainers))
    return [
        t
        if t.max_sessions is None
        else t.model_copy(update={"max_sessions": max(0, t.max_sessions - taught[t.id])})
        for t in data.trainers
    ]


def _left(own: int | None, programme: int | None, used: int) -> int | None:
    """A course's cap of sessions: its own, and what earlier courses left of the
    programme's."""
    caps = [
        cap
        for cap in (own, None if programme is None else max(0, programme - used))
        if cap is not None
    ]
    return min(caps) if caps else None


def staged_plan(data: ProblemData, options: SolveOptions, deadline: float) -> Plan | None:
    """A plan of every course, solved course by course (module docstring); None when some
    course has no plan in its part of the window or time runs out."""
    from trafficplan.solver.solve import solve  # the decomposed search, one course at a time

    courses = courses_in_order(data)
    ends: dict[str, date] = {}
    sessions: list[PlanSession] = []
    several = len(data.courses) > 1
    for index, course in enumerate(courses):
        left = deadline - time.monotonic()
        if left <= 1 or options.stop.is_set():
            return None
        window = course_window(data, course, ends)
        one = course_data(data, course, window, sessions)
        share = left / (len(courses) - index)
        result = solve(one, replace(options, time_limit=share, hint=None, progress=None))
        if result.plan is None:
            return None
        for session in result.plan.sessions:
            number = session.id.rsplit("-", 1)[-1]
            session_id = f"{session.region}-{course.id}-{number}" if several else session.id
            sessions.append(session.model_copy(update={"id": session_id, "course": course.id}))
        ends[course.id] = max((s.date for s in result.plan.sessions), default=window.start)
    return Plan(status="feasible", sessions=sessions)


def staged_result(data: ProblemData, plan: Plan, started: float) -> SolveResult:
    """The result of a staged plan of a chain of courses (it keeps every rule): the officers
    level bounded by the courses' members, proven when the plan trains them all; the later
    levels with their values, unproven."""
    members = sum(len(data.course_members(c.id)) for c in data.courses)
    trained = sum(trained_by_course(data, plan.sessions).values())
    level = ObjectiveResult(
        name="officers_trained",
        value=float(trained),
        bound=float(members),
        proven=trained == members,
    )
    levels = [level] if data.constraints.objective_names[:1] == ["officers_trained"] else []
    seconds = time.monotonic() - started
    return plan_result(data, list(plan.sessions), levels, Timing(started, 0.0, seconds))
