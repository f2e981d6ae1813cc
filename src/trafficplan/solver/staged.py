"""A programme in stages (spec 7.1): a first plan course by course, then the full model.

The decomposed search knows one course. For a programme in stages the full model (every
rule, every course) is solved; alone it takes long to find a first plan on data of the
shipped size, so it starts from a *staged plan*: each course solved on its own as a
programme of one course by the decomposed search, in the order of ``after`` (a course
before those that come after it), each in a part of the window that keeps the order:

- a course that others come after gets the window up to the earliest of its followers'
  fixed sessions less ``min_days`` (else the first half of the window);
- a course that comes after another starts ``min_days`` after that course's last session.

Sessions of courses that no order separates may clash in this plan (a trainer or venue on
one day): it is only a hint, and the full model keeps every rule.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta

from trafficplan.inputs.dates import DateRange
from trafficplan.inputs.models import DEFAULT_ROLE, FixedSession, SessionRules, Window
from trafficplan.inputs.problem import CourseSpec, ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.solver.api import SolveOptions


def course_order(data: ProblemData) -> list[CourseSpec]:
    """The courses, each after the course its ``after`` names (the order is acyclic)."""
    placed: list[CourseSpec] = []
    left = list(data.courses)
    while left:
        ready = [c for c in left if c.after is None or c.after.course in {p.id for p in placed}]
        placed += ready
        left = [c for c in left if c not in ready]
    return placed


def course_window(data: ProblemData, course: CourseSpec, ends: dict[str, date]) -> Window:
    """The part of the window the staged plan gives a course (module docstring)."""
    window = data.constraints.window
    start = window.start
    if course.after is not None and course.after.course in ends:
        start = max(start, ends[course.after.course] + timedelta(days=course.after.min_days))
    followers = [c for c in data.courses if c.after is not None and c.after.course == course.id]
    end = window.end
    if followers:
        fixed = [
            e.date - timedelta(days=c.after.min_days + 1)
            for c in followers
            if c.after is not None
            for e in data.constraints.sessions.fixed
            if (e.course or data.default_course) == c.id
        ]
        end = min(fixed) if fixed else start + (window.end - start) / 2
    return Window(start=start, end=max(start, min(end, window.end)))


def course_data(data: ProblemData, course: CourseSpec, window: Window) -> ProblemData:
    """The programme of one course: its members (as the one course's role), its keys as
    the ``sessions`` and ``trainers`` keys, its fixed entries, in ``window``."""
    constraints = data.constraints
    sessions = constraints.sessions
    fixed = [
        FixedSession.model_validate(e.model_dump(exclude={"course"}))
        for e in sessions.fixed
        if (e.course or data.default_course) == course.id
    ]
    new_sessions = SessionRules.model_validate(
        {
            **sessions.model_dump(exclude={"fixed", "per_region", "officers", "max_total"}),
            "fixed": [f.model_dump(exclude_none=True) for f in fixed],
            "per_region": (course.per_region or sessions.per_region).model_dump(),
            "officers": course.officers.model_dump(),
            "max_total": course.max_total if course.max_total is not None else sessions.max_total,
        }
    )
    trainers = constraints.trainers.model_copy(update={"per_session": course.trainers_per_session})
    regions = data.regions
    if course.per_region is not None:
        regions = [r.model_copy(update={"sessions": None}) for r in regions]
    one = constraints.model_copy(
        update={
            "window": window,
            "sessions": new_sessions,
            "trainers": trainers,
            "courses": None,
        }
    )
    # the other officers stay, away all window: district sizes, hence ``district_share``,
    # are those of the programme
    away = (DateRange(constraints.window.start, constraints.window.end),)
    members = [
        o.model_copy(
            update={"role": DEFAULT_ROLE}
            if course.id in data.officer_courses(o)
            else {"role": DEFAULT_ROLE, "unavailable": away}
        )
        for o in data.officers
    ]
    return ProblemData(
        regions=list(regions),
        trainers=list(data.trainers),
        officers=members,
        constraints=one,
        folder=data.folder,
    )


def staged_plan(data: ProblemData, options: SolveOptions, deadline: float) -> Plan | None:
    """A plan of every course, solved course by course (module docstring); None when some
    course has no plan in its part of the window or time runs out."""
    from trafficplan.solver.solve import solve  # the decomposed search, one course at a time

    courses = course_order(data)
    ends: dict[str, date] = {}
    sessions: list[PlanSession] = []
    several = len(data.courses) > 1
    for index, course in enumerate(courses):
        left = deadline - time.monotonic()
        if left <= 1 or options.stop.is_set():
            return None
        window = course_window(data, course, ends)
        one = course_data(data, course, window)
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
