"""Reserves for a seat freed at short notice (spec 7.4): ``export``'s ``reserves.csv``.

For each session not held yet, up to five officers of its region who could take the seat of
any one of its officers who cancels the day before, without breaking a rule of the plan:

- the officer is free that day (``officer_unavailable``) and not in the session already;
- the officer is not trained by then: without a session (unassigned, or a no-show of a held
  session: ``attendance.csv``), or in a later session that is not held and keeps its
  ``officers.min`` without them (they leave it for the earlier seat: ``seats``);
- their district may send one more officer that day (``district_share``: the district's
  officers in all sessions of the day, plus one, within its daily cap), whoever cancels.

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
    session_of: dict[str, PlanSession] = {}
    attending: dict[tuple[date, str], set[str]] = defaultdict(set)
    for session in sessions:
        for officer_id in session.officers:
            officer = data.officer_by_id.get(officer_id)
            if officer is None:
                continue
            session_of.setdefault(officer_id, session)
            attending[(session.date, officer.district)].add(officer_id)
    low = data.constraints.sessions.officers.min
    result: list[Reserve] = []
    for session in sessions:
        if _past(session, plan, held):
            continue
        seated = set(session.officers)
        found: list[tuple[tuple[int, int, str], Officer, PlanSession | None]] = []
        for officer in data.officers_by_region.get(session.region, []):
            if officer.id in seated or not data.available(officer.unavailable, session.date):
                continue
            own = session_of.get(officer.id)
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


def _past(session: PlanSession, plan: Plan, held: set[str]) -> bool:
    """Whether the session took place already: held, or before the plan's frozen past."""
    if session.held or session.id in held:
        return True
    return plan.frozen_before is not None and session.date < plan.frozen_before
