"""The plan seen from the data: the groupings every rule function reads.

Built once per check; it holds no rule logic. Sessions are kept in (date, id) order, so every
rule reports in calendar order and "the latest session" of a group is its last one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import cached_property

from trafficplan.inputs.models import Officer
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession


def distinct(ids: list[str]) -> list[str]:
    """The ids in their first-seen order, each once."""
    return list(dict.fromkeys(ids))


class PlanView:
    """A plan together with the data it is checked against, grouped for the rules."""

    def __init__(self, data: ProblemData, plan: Plan):
        self.data = data
        self.plan = plan
        self.sessions: list[PlanSession] = sorted(plan.sessions, key=lambda s: (s.date, s.id))

    def course_of(self, session: PlanSession) -> str:
        """A session's course: its own, else the data's first course (spec 7.1)."""
        return session.course or self.data.default_course

    @cached_property
    def session_by_id(self) -> dict[str, PlanSession]:
        """Sessions by id (the last one where a hand-edited plan repeats an id)."""
        return {session.id: session for session in self.sessions}

    @cached_property
    def sessions_of_region(self) -> dict[str, list[PlanSession]]:
        """Sessions of every region of the data (possibly none), in date order."""
        groups: dict[str, list[PlanSession]] = {region.id: [] for region in self.data.regions}
        for session in self.sessions:
            groups.setdefault(session.region, []).append(session)
        return groups

    def _sessions_of(self, listed: str) -> dict[str, list[PlanSession]]:
        groups: dict[str, list[PlanSession]] = defaultdict(list)
        for session in self.sessions:
            for who in distinct(getattr(session, listed)):
                groups[who].append(session)
        return dict(groups)

    @cached_property
    def sessions_of_trainer(self) -> dict[str, list[PlanSession]]:
        """Sessions each trainer teaches (a session once even if it lists the trainer twice)."""
        return self._sessions_of("trainers")

    @cached_property
    def sessions_of_ngo(self) -> dict[str, list[PlanSession]]:
        """Sessions each NGO co-facilitates (a session once even if it lists the NGO twice)."""
        return self._sessions_of("ngos")

    @cached_property
    def sessions_of_officer(self) -> dict[str, list[PlanSession]]:
        """Sessions each officer attends (a session once even if it lists the officer twice)."""
        return self._sessions_of("officers")

    def attendances(
        self, sessions: list[PlanSession] | None = None
    ) -> Iterator[tuple[PlanSession, Officer]]:
        """Each session (of ``sessions``, else of the plan) with each officer it lists, an
        officer once per session, in order."""
        for session in self.sessions if sessions is None else sessions:
            for officer_id in distinct(session.officers):
                yield session, self.data.officer_by_id[officer_id]

    def trained_officers(self) -> set[str]:
        """Officers of the data that attend at least one session."""
        return {o for o in self.sessions_of_officer if o in self.data.officer_by_id}


def by_day(sessions: list[PlanSession]) -> dict[date, list[PlanSession]]:
    """The sessions grouped by their date, days in order."""
    groups: dict[date, list[PlanSession]] = defaultdict(list)
    for session in sessions:
        groups[session.date].append(session)
    return dict(sorted(groups.items()))


def session_ids(sessions: list[PlanSession]) -> str:
    """The ids of the sessions, comma-separated, for messages."""
    return ", ".join(s.id for s in sessions)
