"""What would make room for the no-shows a re-plan could not seat again.

For each region with such officers: the fewest extra seats a session (``sessions.officers.max``
raised by N, each session within its venue's capacity) with which the region's sessions from
``since`` on could seat all of them, keeping every officer rule (the region's sessions only,
the officer's leave, the district's share a day); and the fewest new sessions that could hold
them. Seats are counted by a maximum flow: waiting officer -> (district, day) -> session,
with each district's officers left that day and each session's free seats as capacities, so
the answer is exact for those rules (trainers, budget and the sessions' cost are not looked
at: more seats need no more trainers).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from ortools.graph.python import max_flow

from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession


@dataclass(frozen=True)
class Room:
    """What would seat a region's waiting no-shows.

    Attributes:
        region: the region.
        waiting: its no-shows not seated again.
        sessions: its sessions from ``since`` on.
        more_seats: the fewest seats to add to ``sessions.officers.max`` with which those
            sessions seat every waiting officer; None when no number of seats would (leave,
            the district's share a day, or the venues' capacity stand in the way).
        seated_at_most: with as many seats as the venues hold, how many of them could be
            seated (``waiting`` when ``more_seats`` is a number).
        more_sessions: the fewest new sessions (on days of their own, at most
            ``officers.max`` officers each) that would hold them all.
        session_minimum: officers a session needs (``sessions.officers.min``).
    """

    region: str
    waiting: int
    sessions: int
    more_seats: int | None
    seated_at_most: int
    more_sessions: int
    session_minimum: int

    def sentence(self, seats_now: int) -> str:
        """The region's line for the terminal."""
        head = f"{self.region}: {self.waiting} no-show(s) not seated again"
        if self.more_seats is not None:
            seats = (
                f"{self.more_seats} more seat(s) a session "
                f"(sessions.officers.max {seats_now + self.more_seats} instead of {seats_now}) "
                f"in its {self.sessions} session(s) still to come"
            )
        elif self.sessions:
            fit = f"at most {self.seated_at_most} fit" if self.seated_at_most else "none fits"
            seats = (
                f"no number of extra seats in its {self.sessions} session(s) still to come "
                f"({fit}: leave, the district's share a day or the venues' capacity stand "
                "in the way)"
            )
        else:
            seats = "it has no session still to come"
        sessions = f"{self.more_sessions} more session(s) in the region"
        if self.waiting < self.session_minimum:
            sessions += (
                f" (a session needs at least {self.session_minimum} officers: "
                "others would have to join them)"
            )
        else:
            sessions += " (sessions.per_region max and max_total must allow it, a trainer lead it)"
        return f"{head}. Room for them: {seats}; or {sessions}."


def room_for_no_shows(plan: Plan, data: ProblemData, waiting: set[str]) -> list[Room]:
    """For each region of ``waiting`` (no-shows the plan does not seat): what would seat
    them (see the module). Sessions before ``plan.frozen_before`` take no one."""
    since = plan.frozen_before or date.min
    later = [s for s in plan.sessions if s.date >= since]
    district_on_day: Counter[tuple[str, date]] = Counter()
    for session in plan.sessions:
        for officer_id in session.officers:
            officer = data.officer_by_id.get(officer_id)
            if officer is not None:
                district_on_day[(officer.district, session.date)] += 1
    by_region: dict[str, list[str]] = defaultdict(list)
    for officer_id in sorted(waiting):
        if officer_id in data.officer_by_id:
            by_region[data.officer_by_id[officer_id].region].append(officer_id)
    rule = data.constraints.sessions.officers
    rooms = []
    for region_id, officers in sorted(by_region.items()):
        sessions = [s for s in later if s.region == region_id]
        headroom = max((data.venue_by_id[s.venue].capacity - rule.max for s in sessions), default=0)

        def seated(
            extra: int, officers: list[str] = officers, sessions: list[PlanSession] = sessions
        ) -> int:
            return _most_seated(data, officers, sessions, district_on_day, rule.max + extra)

        most = seated(max(0, headroom))
        more_seats = None
        if most == len(officers):
            low, high = 0, max(0, headroom)
            while low < high:  # the fewest extra seats that seat them all
                middle = (low + high) // 2
                if seated(middle) == len(officers):
                    high = middle
                else:
                    low = middle + 1
            more_seats = low
        per_district = Counter(data.officer_by_id[o].district for o in officers)
        new_sessions = max(
            [math.ceil(len(officers) / rule.max)]
            + [math.ceil(n / max(1, data.district_day_cap(d))) for d, n in per_district.items()]
        )
        rooms.append(
            Room(
                region=region_id,
                waiting=len(officers),
                sessions=len(sessions),
                more_seats=more_seats,
                seated_at_most=most,
                more_sessions=new_sessions,
                session_minimum=rule.min,
            )
        )
    return rooms


def _most_seated(
    data: ProblemData,
    officers: list[str],
    sessions: list[PlanSession],
    district_on_day: Counter[tuple[str, date]],
    seats: int,
) -> int:
    """How many of ``officers`` the sessions could take with ``seats`` a session (within each
    venue's capacity), each officer on a day they are free, each district within its
    share that day."""
    flow = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    nodes: dict[tuple[object, ...], int] = {}

    def node(key: tuple[object, ...]) -> int:
        if key not in nodes:
            nodes[key] = len(nodes) + 2
        return nodes[key]

    for session in sessions:
        cap = min(seats, data.venue_by_id[session.venue].capacity) - len(session.officers)
        if cap > 0:
            flow.add_arc_with_capacity(node(("session", session.id)), sink, cap)
    for officer_id in officers:
        officer = data.officer_by_id[officer_id]
        flow.add_arc_with_capacity(source, node(("officer", officer_id)), 1)
        left_by_day = {}
        for session in sessions:
            if not data.available(officer.unavailable, session.date):
                continue
            key = (officer.district, session.date)
            left_by_day[session.date] = (
                data.district_day_cap(officer.district) - (district_on_day[key])
            )
            day_in = node(("day", *key))
            flow.add_arc_with_capacity(node(("officer", officer_id)), day_in, 1)
            flow.add_arc_with_capacity(
                node(("day-out", *key)), node(("session", session.id)), len(officers)
            )
        for day, left in left_by_day.items():
            key = (officer.district, day)
            if ("day-cap", *key) not in nodes and left > 0:
                node(("day-cap", *key))
                flow.add_arc_with_capacity(node(("day", *key)), node(("day-out", *key)), left)
    if flow.solve(source, sink) != flow.OPTIMAL:
        return 0
    return int(flow.optimal_flow())
