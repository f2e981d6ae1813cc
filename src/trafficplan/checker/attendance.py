"""What happened in held sessions (``attendance.csv``, spec 6.4): never an error.

A rule a held session breaks because of who came (too few present, a substitute from another
region, on leave or above the district's share, a substitute still rostered in a later
session) becomes a warning of rule ``attendance``: the checker reports it, ``export`` does not
refuse the plan for it. The metrics ``officers_attended`` and ``no_shows`` are recomputed from
the sign-in sheets, and :func:`as_held_figures` recomputes every metric of the plan as it
happened (held sessions with who came, as ``replan`` writes them): the officers trained and the
cost of who came.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from trafficplan.checker.metrics import cost_components, recompute_metrics, region_costs
from trafficplan.checker.report import Violation
from trafficplan.checker.view import PlanView
from trafficplan.inputs.attendance import Attendance, attendance_metrics
from trafficplan.plan.held import plan_as_held

__all__ = ["as_held_figures", "attendance_metrics", "held_session_warnings", "what_happened"]

ABOUT_WHO_CAME = frozenset(
    {"seats", "officer_once", "officer_region", "officer_unavailable", "district_share"}
)
"""Rules whose breach in a held session is about who came, not about the plan."""


def what_happened(attendance: Attendance, violation: Violation) -> list[Violation] | None:
    """None when a violation is about the plan (it stays what it is); otherwise the warnings
    it becomes, since it is what happened in a held session: the violation as an
    ``attendance`` warning, or none for an officer present in a held session and rostered
    again later (:func:`held_session_warnings` says so, until a re-plan frees the seat)."""
    if violation.rule not in ABOUT_WHO_CAME:
        return None
    if violation.rule == "officer_once" and violation.who in attendance.attended:
        return []
    if violation.session in attendance.held:
        return [as_attendance_warning(violation)]
    return None


def as_attendance_warning(violation: Violation) -> Violation:
    """The violation as a warning of rule ``attendance`` naming the rule it concerns."""
    return replace(
        violation,
        rule="attendance",
        message=f"{violation.rule} in a held session: {violation.message}",
    )


def substitutes(view: PlanView, attendance: Attendance) -> dict[str, list[str]]:
    """Per held session of the plan, the officers present who were not on its roster."""
    result: dict[str, list[str]] = {}
    for session_id in attendance.held:
        session = view.session_by_id.get(session_id)
        if session is None:
            continue
        rostered = set(session.officers)
        extra = [o for o in attendance.present(session_id) if o not in rostered]
        if extra:
            result[session_id] = extra
    return result


def held_session_warnings(view: PlanView, attendance: Attendance) -> list[Violation]:
    """What the sign-in sheets say happened, as ``attendance`` warnings: a held session with
    fewer officers present than ``officers.min``; a substitute from another region or on
    leave that day; an officer present in a held session and still rostered in a later one."""
    data = view.data
    low = data.constraints.sessions.officers.min
    warnings: list[Violation] = []

    def warn(session_id: str, who: str | None, day: object, message: str) -> None:
        warnings.append(Violation("attendance", session_id, who, day, message))  # type: ignore[arg-type]

    extra = substitutes(view, attendance)
    for session_id in attendance.held:
        session = view.session_by_id.get(session_id)
        if session is None:
            continue
        present = attendance.present(session_id)
        if len(present) < low:
            warn(
                session_id,
                None,
                session.date,
                f"held session {session_id} had {len(present)} officer(s) present; "
                f"officers.min is {low}",
            )
        for officer_id in extra.get(session_id, []):
            officer = data.officer_by_id[officer_id]
            if officer.region != session.region:
                warn(
                    session_id,
                    officer_id,
                    session.date,
                    f"substitute {officer_id} of {officer.region} attended {session_id} "
                    f"in {session.region}",
                )
            if not data.available(officer.unavailable, session.date):
                warn(
                    session_id,
                    officer_id,
                    session.date,
                    f"substitute {officer_id} attended {session_id} on {session.date}, "
                    "a day of their leave",
                )
        for officer_id in present:
            for later in view.sessions_of_officer.get(officer_id, []):
                if later.id != session_id and later.date > session.date:
                    warn(
                        later.id,
                        officer_id,
                        later.date,
                        f"officer {officer_id} attended {session_id} and is still rostered "
                        f"in {later.id} on {later.date}: a re-plan frees the seat",
                    )
    return warnings


def as_held_figures(view: PlanView, attendance: Attendance) -> dict[str, Any]:
    """What happened, in figures: the plan's metrics recomputed with each held session as it
    happened (:func:`~trafficplan.plan.held.plan_as_held`: its officers are those present),
    so ``officers_trained`` counts those present and those rostered in sessions not held yet,
    and ``cost_eur`` the cost of who came; with ``officers_attended``, ``no_shows``,
    ``held_sessions``, ``substitutes`` and the cost by component. The same figures as the
    plan ``replan`` writes from these sheets before it seats anyone again.
    """
    held_view = PlanView(view.data, plan_as_held(view.plan, attendance))
    metrics: dict[str, Any] = recompute_metrics(held_view)
    metrics.update(attendance_metrics(attendance))
    metrics["held_sessions"] = sum(1 for s in view.sessions if s.id in attendance.held)
    metrics["substitutes"] = sum(len(ids) for ids in substitutes(view, attendance).values())
    return {"metrics": metrics, "cost_components": cost_components(region_costs(held_view))}
