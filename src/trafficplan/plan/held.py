"""A plan as it happened: held sessions (``attendance.csv``, spec 6.4) with who came.

One definition for every command that reads attendance: ``replan`` freezes held sessions
this way (and writes them so in its plan), and ``check`` recomputes the figures of what
happened (officers trained, the cost of who came) from the same sessions.
"""

from __future__ import annotations

from trafficplan.inputs.attendance import Attendance
from trafficplan.plan.format import Plan, PlanSession


def session_as_held(session: PlanSession, attendance: Attendance | None) -> PlanSession:
    """The session as it happened: a held session (one with rows in ``attendance``) lists
    the officers present, substitutes included, and is marked ``held``; any other session is
    returned as it is."""
    if attendance is None or session.id not in attendance.held:
        return session
    present = sorted(set(attendance.present(session.id)))
    return session.model_copy(update={"officers": present, "held": True})


def plan_as_held(plan: Plan, attendance: Attendance | None) -> Plan:
    """The plan with every held session as it happened (:func:`session_as_held`); sessions
    not held stay as planned."""
    sessions = [session_as_held(session, attendance) for session in plan.sessions]
    return plan.model_copy(update={"sessions": sessions})
