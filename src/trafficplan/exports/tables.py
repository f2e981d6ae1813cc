"""The CSV exports: one roster per region, the schedule of all sessions, the officers without
a session, and the cost by region and component.

Cells hold ids as the plan and the data files write them (venue, region, trainer and NGO ids;
dates as ``YYYY-MM-DD``), so a sheet can be matched back to the plan; the rosters add what a
regional police directorate forwards to its officers: names, the venue's name and address,
the weekday and start time, the trainers and NGOs.
"""

from __future__ import annotations

from trafficplan.diagnostics.officer import OfficerExplanation, explain_unassigned
from trafficplan.diagnostics.reserves import reserves
from trafficplan.exports.attendance import held_roster_extras, roster_status
from trafficplan.exports.cells import join_list
from trafficplan.i18n.reasons import unassigned_reason
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan import Plan
from trafficplan.plan.metrics import cost_breakdown_cents

ROSTER_HEADER = (
    "session_id",
    "date",
    "venue",
    "officer_id",
    "officer_name",
    "district",
    "weekday",
    "start_time",
    "venue_name",
    "venue_address",
    "trainer_names",
    "ngo_names",
    "status",
)
"""The spec's six columns in place, then what makes a roster fit to forward (spec 6.8)."""
UNASSIGNED_HEADER = ("officer_id", "officer_name", "region", "district", "reason")
RESERVES_HEADER = ("session_id", "rank", "officer_id", "officer_name", "district", "now")
"""``reserves.csv`` (spec 7.4): who could take a seat freed the day before."""
COSTS_HEADER = ("region", "component", "eur")
SCHEDULE_HEADER = (
    "session_id",
    "date",
    "weekday",
    "region",
    "venue",
    "trainers",
    "ngos",
    "officers",
)
# Fixed English abbreviations: ``strftime("%a")`` would follow the machine's locale.
WEEKDAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


COURSE_COLUMN = "course"
"""The last column of the schedule and the rosters of a programme in stages (spec 7.1)."""


def with_course(
    data: ProblemData, plan: Plan, header: tuple[str, ...], rows: list[tuple[str, ...]]
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """A table whose rows start with a session id, with a last column ``course`` in a
    programme in stages; unchanged otherwise (the files stay as they were)."""
    if not data.staged:
        return header, rows
    course = {s.id: s.course or data.default_course for s in plan.sessions}
    return (*header, COURSE_COLUMN), [(*row, course.get(row[0], "")) for row in rows]


def roster_rows(
    data: ProblemData, plan: Plan, region_id: str, attendance: Attendance | None = None
) -> list[tuple[str, ...]]:
    """Rows of ``rosters/<region>.csv``: one per officer of the region's sessions.

    Sorted by date, then officer id (then session id, so even a plan that seats an officer
    twice gives one fixed order). ``start_time`` is ``sessions.start_time`` (empty for
    all-day sessions), trainers and NGOs are their names joined with ``;``, an address the
    data do not give is an empty cell, and ``status`` is ``planned``, or for a held session
    (``attendance.csv``) ``present``, ``absent`` or ``substitute``; a held session's roster
    also lists the officers of its sign-in sheet the plan does not (substitutes, and absent
    officers a re-planned plan no longer lists there). The plan's ids must be known to
    ``data``.
    """
    start = data.constraints.sessions.start_time
    start_time = f"{start:%H:%M}" if start is not None else ""
    rows: list[tuple[str, ...]] = []
    for session in plan.sessions:
        if session.region != region_id:
            continue
        venue = data.venue_by_id[session.venue]
        trainers = join_list(data.trainer_by_id[t].name for t in dict.fromkeys(session.trainers))
        ngos = join_list(data.ngo_by_id[n].name for n in dict.fromkeys(session.ngos))
        for officer_id in [*session.officers, *held_roster_extras(session, attendance)]:
            officer = data.officer_by_id[officer_id]
            rows.append(
                (
                    session.id,
                    session.date.isoformat(),
                    session.venue,
                    officer.id,
                    officer.name,
                    officer.district,
                    WEEKDAY_ABBREVIATIONS[session.date.weekday()],
                    start_time,
                    venue.name,
                    venue.address or "",
                    trainers,
                    ngos,
                    roster_status(session, officer_id, attendance),
                )
            )
    rows.sort(key=lambda row: (row[1], row[3], row[0]))
    return rows


def unassigned_rows(data: ProblemData, plan: Plan) -> list[tuple[str, ...]]:
    """Rows of ``unassigned.csv``: every officer of the data without a session, in the order
    of ``officers.csv``, with the reason as ``explain --officer`` gives it."""
    return [unassigned_row(explanation) for explanation in explain_unassigned(plan, data)]


def unassigned_row(explanation: OfficerExplanation) -> tuple[str, ...]:
    """One row of ``unassigned.csv`` from an officer's explanation."""
    officer = explanation.officer
    reason = unassigned_reason(explanation)  # in the export's language (spec 7.3)
    return (officer.id, officer.name, officer.region, officer.district, reason)


def cost_rows(data: ProblemData, plan: Plan) -> list[tuple[str, ...]]:
    """Rows of ``costs.csv``: one per region of the data and cost component (spec 6.6), the
    amount in EUR to the cent (``1234.50``); the column adds up to the plan's ``cost_eur``."""
    breakdown = cost_breakdown_cents(data, plan.sessions)
    return [
        (region, component, f"{parts[component] / 100:.2f}")
        for region, parts in breakdown.items()
        for component in COST_COMPONENTS
    ]


def schedule_rows(plan: Plan) -> list[tuple[str, ...]]:
    """Rows of ``schedule.csv``: one per session, sorted by date then session id.

    ``weekday`` is ``Mon``..``Sun``; trainers and NGOs are ids joined with ``;``; ``officers``
    is the number of officers seated.
    """
    sessions = sorted(plan.sessions, key=lambda s: (s.date, s.id))
    return [
        (
            session.id,
            session.date.isoformat(),
            WEEKDAY_ABBREVIATIONS[session.date.weekday()],
            session.region,
            session.venue,
            join_list(session.trainers),
            join_list(session.ngos),
            str(len(session.officers)),
        )
        for session in sessions
    ]


def reserve_rows(
    data: ProblemData, plan: Plan, attendance: Attendance | None = None
) -> list[tuple[str, ...]]:
    """Rows of ``reserves.csv``: per session not held yet, up to five officers who could take
    a seat freed the day before (:func:`~trafficplan.diagnostics.reserves.reserves`), by
    session date and id, then rank; ``now`` is the officer's own later session, or empty."""
    return [
        (
            reserve.session_id,
            str(reserve.rank),
            reserve.officer.id,
            reserve.officer.name,
            reserve.officer.district,
            reserve.now or "",
        )
        for reserve in reserves(data, plan, attendance)
    ]
