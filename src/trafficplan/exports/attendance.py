"""Planned versus attended (spec 6.4): ``summary.csv`` and each roster row's ``status``.

``summary.csv`` has one row per region and district: its officers, those with a session in the
plan (``planned``), those present at a held session (``attended``), those marked absent and
present nowhere (``no_shows``), and those not trained yet (``to_train``: officers less those
who attended). Without ``attendance.csv``, attended and no-shows are 0.
"""

from __future__ import annotations

from collections import Counter

from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession

SUMMARY_HEADER = ("region", "district", "officers", "planned", "attended", "no_shows", "to_train")


def summary_rows(
    data: ProblemData, plan: Plan, attendance: Attendance | None
) -> list[tuple[str, ...]]:
    """Rows of ``summary.csv``, regions and their districts in file order."""
    planned = {o for s in plan.sessions for o in s.officers}
    attended = attendance.attended if attendance is not None else set()
    no_shows = attendance.no_shows if attendance is not None else set()
    counts: dict[str, Counter[str]] = {}
    for officer in data.officers:
        tally = counts.setdefault(officer.district, Counter())
        tally["officers"] += 1
        tally["planned"] += officer.id in planned
        tally["attended"] += officer.id in attended
        tally["no_shows"] += officer.id in no_shows
    rows: list[tuple[str, ...]] = []
    for region in data.regions:
        for district in region.districts:
            tally = counts.get(district, Counter())
            rows.append(
                (
                    region.id,
                    district,
                    str(tally["officers"]),
                    str(tally["planned"]),
                    str(tally["attended"]),
                    str(tally["no_shows"]),
                    str(tally["officers"] - tally["attended"]),
                )
            )
    return rows


def roster_status(session: PlanSession, officer_id: str, attendance: Attendance | None) -> str:
    """A roster row's ``status``: ``planned`` (the session is not held), ``present``,
    ``absent``, or ``substitute`` (present at a held session without being on its roster)."""
    if attendance is None or session.id not in attendance.held:
        return "planned"
    if officer_id in attendance.absent(session.id):
        return "absent"
    if officer_id not in session.officers:
        return "substitute"
    if officer_id in attendance.present(session.id):
        return "present"
    return "absent"  # rostered, but not on the sign-in sheet: not trained there


def held_roster_extras(session: PlanSession, attendance: Attendance | None) -> list[str]:
    """Officers of a held session's sign-in sheet who are not on its roster in the plan: the
    substitutes, and the absent officers a re-planned plan no longer lists there."""
    if attendance is None or session.id not in attendance.held:
        return []
    listed = set(session.officers)
    sheet = [*attendance.present(session.id), *attendance.absent(session.id)]
    return [o for o in dict.fromkeys(sheet) if o not in listed]
