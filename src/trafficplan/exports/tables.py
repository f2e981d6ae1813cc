"""The two CSV exports: one roster per region and the schedule of all sessions.

Cells hold ids as the plan and the data files write them (venue, region, trainer and NGO ids;
dates as ``YYYY-MM-DD``), so a sheet can be matched back to the plan; the rosters add each
officer's name and district.
"""

from __future__ import annotations

from trafficplan.exports.cells import join_list
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan

ROSTER_HEADER = ("session_id", "date", "venue", "officer_id", "officer_name", "district")
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


def roster_rows(data: ProblemData, plan: Plan, region_id: str) -> list[tuple[str, ...]]:
    """Rows of ``rosters/<region>.csv``: one per officer of the region's sessions.

    Sorted by date, then officer id (then session id, so even a plan that seats an officer
    twice gives one fixed order). The plan's ids must be known to ``data``.
    """
    rows: list[tuple[str, ...]] = []
    for session in plan.sessions:
        if session.region != region_id:
            continue
        for officer_id in session.officers:
            officer = data.officer_by_id[officer_id]
            rows.append(
                (
                    session.id,
                    session.date.isoformat(),
                    session.venue,
                    officer.id,
                    officer.name,
                    officer.district,
                )
            )
    rows.sort(key=lambda row: (row[1], row[3], row[0]))
    return rows


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
