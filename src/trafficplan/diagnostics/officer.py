"""Why is an officer not in a plan? (``trafficplan explain --officer ID --plan PLAN``).

Pure Python, no solver: for every session of the officer's region, look at what stands in the
way on that day: the officer's leave (``officer_unavailable``), the district's daily share
already used by colleagues (``district_share``), a session already full (``seats``).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from trafficplan.errors import InputError, Problem
from trafficplan.inputs.loading import OFFICERS
from trafficplan.inputs.models import Officer
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession


@dataclass(frozen=True)
class SessionDayCheck:
    """What kept the officer out of one session of their region (nothing, if it had room)."""

    session_id: str
    day: date
    venue: str
    on_leave: bool
    district_attending: int
    district_cap: int
    seats_taken: int
    seats_cap: int

    @property
    def district_share_used(self) -> bool:
        """The district's daily share was already used up by colleagues that day."""
        return self.district_attending >= self.district_cap

    @property
    def full(self) -> bool:
        """The session had no free seat."""
        return self.seats_taken >= self.seats_cap

    @property
    def blockers(self) -> list[str]:
        """What kept the officer out, in two words each (empty when nothing did)."""
        flags = (
            ("on leave", self.on_leave),
            ("district share", self.district_share_used),
            ("full", self.full),
        )
        return [label for label, applies in flags if applies]

    @property
    def reasons(self) -> list[str]:
        """Why the officer could not join this session, by rule id and in words."""
        reasons = []
        if self.on_leave:
            reasons.append("officer_unavailable: on leave that day")
        if self.district_share_used:
            reasons.append(
                f"district_share: {self.district_attending} of {self.district_cap} allowed "
                "from the district already attend that day"
            )
        if self.full:
            reasons.append(f"seats: full ({self.seats_taken} of {self.seats_cap} seats taken)")
        return reasons

    def to_json(self) -> dict[str, Any]:
        """The check as a JSON-ready dict."""
        return {
            "session": self.session_id,
            "date": self.day.isoformat(),
            "venue": self.venue,
            "on_leave": self.on_leave,
            "district_attending": self.district_attending,
            "district_cap": self.district_cap,
            "seats_taken": self.seats_taken,
            "seats_cap": self.seats_cap,
            "blockers": self.blockers,
            "reasons": self.reasons,
        }


@dataclass(frozen=True)
class OfficerExplanation:
    """Whether an officer is in a plan and, if not, what kept them out of each session."""

    officer: Officer
    attends: list[PlanSession]
    checks: list[SessionDayCheck]
    open_from: date | None = None
    """A re-planned plan's ``frozen_before``: sessions before it can take no one, so only
    later sessions are checked."""

    @property
    def assigned(self) -> bool:
        """The officer attends at least one session."""
        return bool(self.attends)

    @property
    def open_sessions(self) -> list[SessionDayCheck]:
        """Sessions nothing kept the officer out of (the plan could have taken them there)."""
        return [check for check in self.checks if not check.reasons]

    def summary(self) -> list[str]:
        """The verdict in a few lines, for the user."""
        officer = self.officer
        who = f"Officer {officer.id} ({officer.name}, {officer.region}/{officer.district})"
        if self.attends:
            lines = []
            for session in self.attends:
                elsewhere = (
                    f" — a session of region {session.region}, not of the officer's own region "
                    f"(rule officer_region)"
                    if session.region != officer.region
                    else ""
                )
                lines.append(
                    f"{who} attends session {session.id} on {session.date.isoformat()} at venue "
                    f"{session.venue}{elsewhere}."
                )
            if len(self.attends) > 1:
                lines.append("The officer is in more than one session (rule officer_once).")
            return lines
        return [f"{who} is not in the plan: {self.reason}."]

    @property
    def reason(self) -> str:
        """Why an officer without a session has none, in words (empty for one who has a
        session): the plan has no session in their region, or nothing kept them out of some
        session, or what closed each session of the region to them."""
        officer = self.officer
        if self.attends:
            return ""
        if not self.checks:
            later = f" on or after {self.open_from}" if self.open_from else ""
            return f"the plan has no session in region {officer.region}{later}"
        if self.open_sessions:
            free = ", ".join(f"{c.session_id} ({c.day.isoformat()})" for c in self.open_sessions)
            return (
                f"nothing kept them out of {free}: a free seat, the district's share not used "
                "up, no leave. The plan could take the officer there (it is not optimal for "
                "officers_trained, or it was edited)"
            )
        counts = Counter(blocker for check in self.checks for blocker in check.blockers)
        tally = "; ".join(f"{what} on {n}" for what, n in counts.items())
        return (
            f"each of the {len(self.checks)} session(s) of region {officer.region} was closed "
            f"to them ({tally})"
        )

    def to_json(self) -> dict[str, Any]:
        """The explanation as a JSON-ready dict."""
        return {
            "officer": {
                "id": self.officer.id,
                "name": self.officer.name,
                "region": self.officer.region,
                "district": self.officer.district,
            },
            "assigned": self.assigned,
            "sessions": [
                {"id": s.id, "region": s.region, "venue": s.venue, "date": s.date.isoformat()}
                for s in self.attends
            ],
            "checks": [check.to_json() for check in self.checks],
            "summary": self.summary(),
            "reason": self.reason,
        }


def explain_officer(plan: Plan, data: ProblemData, officer_id: str) -> OfficerExplanation:
    """Explain whether and why an officer is (not) in a plan.

    The plan's ids must be known to the data (see :func:`trafficplan.plan.require_known_ids`).

    Raises:
        InputError: the officer id is not in ``officers.csv`` (exit 3; names the closest ids).
    """
    officer = data.officer_by_id.get(officer_id)
    if officer is None:
        close = difflib.get_close_matches(officer_id, list(data.officer_by_id), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InputError([Problem(OFFICERS, "", f"no officer with id {officer_id!r}{hint}")])
    return _Explainer(plan, data).explain(officer)


def explain_unassigned(plan: Plan, data: ProblemData) -> list[OfficerExplanation]:
    """The explanation of every officer of the data without a session in the plan, in the
    order of ``officers.csv`` (what ``explain --officer`` says of each)."""
    explainer = _Explainer(plan, data)
    seated = {o for session in plan.sessions for o in session.officers}
    return [explainer.explain(o) for o in data.officers if o.id not in seated]


class _Explainer:
    """What every explanation of one plan needs, counted once: each district's officers
    attending per day, and each region's sessions in date order."""

    def __init__(self, plan: Plan, data: ProblemData):
        self.plan = plan
        self.data = data
        self.district_on_day: Counter[tuple[str, date]] = Counter()
        self.sessions_of_region: dict[str, list[PlanSession]] = {}
        for session in sorted(plan.sessions, key=lambda s: (s.date, s.id)):
            # a session of a re-plan's frozen past (held, or simply past) can take no one now
            if plan.frozen_before is None or session.date >= plan.frozen_before:
                self.sessions_of_region.setdefault(session.region, []).append(session)
            for other_id in session.officers:
                other = data.officer_by_id.get(other_id)
                if other is not None:
                    self.district_on_day[(other.district, session.date)] += 1

    def explain(self, officer: Officer) -> OfficerExplanation:
        data = self.data
        attends = [s for s in self.plan.sessions if officer.id in s.officers]
        if attends:
            return OfficerExplanation(officer, attends, [])
        cap = data.district_day_cap(officer.district)
        checks = [
            SessionDayCheck(
                session_id=session.id,
                day=session.date,
                venue=session.venue,
                on_leave=not data.available(officer.unavailable, session.date),
                district_attending=self.district_on_day[(officer.district, session.date)],
                district_cap=cap,
                seats_taken=len(session.officers),
                seats_cap=data.seat_range(session.venue)[1],
            )
            for session in self.sessions_of_region.get(officer.region, [])
        ]
        return OfficerExplanation(officer, [], checks, self.plan.frozen_before)
