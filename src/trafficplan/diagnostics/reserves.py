"""Reserves for a seat freed at short notice (spec 7.4): ``export``'s ``reserves.csv``.

For each session not held yet, up to five officers of its region who could take the seat of
any one of its officers who cancels the day before, without breaking a rule of the plan:

- the officer is free that day (``officer_unavailable``) and not in the session already;
- the officer is not trained by then: without a session (unassigned, or a no-show of a held
  session: ``attendance.csv``), or in a later session that is not held and keeps its
  ``officers.min`` without them (they leave it for the earlier seat: ``seats``);
- their district may send one more officer that day (``district_share``: the district's
  officers in all sessions of the day, plus one, within its daily cap), whoever cancels;
- in a programme in stages, the officer takes the session's course, and (``course_order``
  by district) every officer of the earlier course from their district is trained at least
  ``min_days`` before the session.

Officers without a session come first (a seat for someone who would not have one), then those
whose own session is latest (the longest wait saved), then by id. The officer who cancels goes
to the unassigned officers; every other rule reads only the session's day, venue, trainers and
NGOs, which do not change, and the cost stays or falls (the same number of officers present,
or one fewer in the later session), so the budget holds too.

One function, :func:`reserves`, returns plain rows that a CSV or a workbook writer can use.
Sessions before the plan's ``frozen_before`` and held sessions have none (they are past).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.models import Officer
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.held import plan_as_held

RESERVES_PER_SESSION = 5
"""Reserves listed per session."""


@dataclass(frozen=True)
class Reserve:
    """One reserve of one session.

    Attributes:
        session_id: the session whose freed seat the officer could take.
        rank: 1 for the first to call.
        officer: the officer.
        now: the officer's own (later) session, or None when they have none.
    """

    session_id: str
    rank: int
    officer: Officer
    now: str | None


def reserves(
    data: ProblemData,
    plan: Plan,
    attendance: Attendance | None = None,
    per_session: int = RESERVES_PER_SESSION,
) -> list[Reserve]:
    """The reserves of every session not held yet, in the order of the sessions' dates (then
    ids) and of their ranks (see the module's docstring)."""
    as_held = plan_as_held(plan, attendance)
    held = set(attendance.held) if attendance is not None else set()
    sessions = sorted(as_held.sessions, key=lambda s: (s.date, s.id))
    # per (officer, course): the session of the course they attend (an officer of two
    # courses attends one of each)
    session_of: dict[tuple[str, str], PlanSession] = {}
    attending: dict[tuple[date, str], set[str]] = defaultdict(set)
    for session in sessions:
        for officer_id in session.officers:
            officer = data.officer_by_id.get(officer_id)
            if officer is None:
                continue
            session_of.setdefault((officer_id, _course(data, session)), session)
            attending[(session.date, officer.district)].add(officer_id)
    ready = _district_ready(data, session_of)
    result: list[Reserve] = []
    for session in sessions:
        if _past(session, plan, held):
            continue
        course = data.course_of(_course(data, session))
        low = course.officers.min
        seated = set(session.officers)
        found: list[tuple[tuple[int, int, str], Officer, PlanSession | None]] = []
        for officer in data.officers_by_region.get(session.region, []):
            if officer.id in seated or not data.available(officer.unavailable, session.date):
                continue
            if course.id not in data.officer_courses(officer):
                continue  # the seat is of a course the officer does not take
            if not _in_order(data, course.id, officer.district, session.date, ready):
                continue
            own = session_of.get((officer.id, course.id))
            if own is not None and (
                own.date <= session.date
                or _past(own, plan, held)
                or len(set(own.officers)) - 1 < low
            ):
                continue
            sent = attending.get((session.date, officer.district), set())
            if len(sent | {officer.id}) > data.district_day_cap(officer.district):
                continue
            order = (0, 0, officer.id) if own is None else (1, -own.date.toordinal(), officer.id)
            found.append((order, officer, own))
        found.sort(key=lambda item: item[0])
        for rank, (_order, officer, own) in enumerate(found[:per_session], start=1):
            result.append(Reserve(session.id, rank, officer, own.id if own else None))
    return result


def _course(data: ProblemData, session: PlanSession) -> str:
    """A session's course: its own, else the first."""
    return session.course or data.default_course


def _district_ready(
    data: ProblemData, session_of: dict[tuple[str, str], PlanSession]
) -> dict[tuple[str, str], date | None]:
    """Per (district, course) that another course comes after by district: the date its
    officers of the course are all trained (their latest session), None when one of them
    has no session (``course_order``)."""
    ready: dict[tuple[str, str], date | None] = {}
    earlier = {
        c.after.course for c in data.courses if c.after is not None and c.after.by == "district"
    }
    for course_id in earlier:
        for officer in data.course_members(course_id):
            key = (officer.district, course_id)
            own = session_of.get((officer.id, course_id))
            so_far = ready.get(key, date.min)
            ready[key] = None if own is None or so_far is None else max(so_far, own.date)
    return ready


def _in_order(
    data: ProblemData,
    course_id: str,
    district: str,
    day: date,
    ready: dict[tuple[str, str], date | None],
) -> bool:
    """Whether an officer of ``district`` may attend a session of the course on ``day``
    under ``course_order`` by district: every officer of the earlier course from their
    district trained at least ``min_days`` before (a district without such officers waits
    for no one)."""
    after = data.course_by_id[course_id].after
    if after is None or after.by != "district" or (district, after.course) not in ready:
        return True
    done = ready[(district, after.course)]
    return done is not None and (day - done).days >= after.min_days


def _past(session: PlanSession, plan: Plan, held: set[str]) -> bool:
    """Whether the session took place already: held, or before the plan's frozen past."""
    if session.held or session.id in held:
        return True
    return plan.frozen_before is not None and session.date < plan.frozen_before
