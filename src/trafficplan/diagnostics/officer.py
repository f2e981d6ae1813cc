"""Why is an officer not in a plan? (``trafficplan explain --officer ID --plan PLAN``).

Pure Python, no solver: for every session of the officer's region, look at what stands in the
way on that day: the officer's leave (``officer_unavailable``), the district's daily share
already used by colleagues (``district_share``), a session already full (``seats``). Then
what a way in would need and what stands in its way, with the numbers (:class:`Limit`): the
money left under the budget against what a free seat or one more session costs (the cost
model's own functions), one more seat, the region's and the programme's session caps, the
trainers' capacity.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from trafficplan.diagnostics.prechecks import trainer_capacity
from trafficplan.errors import InputError, Problem
from trafficplan.inputs.loading import OFFICERS
from trafficplan.inputs.models import Officer
from trafficplan.inputs.problem import COST_COMPONENT_LABELS, ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.metrics import cost_items, total_cost_cents


def _eur(cents: int) -> str:
    return f"EUR {cents / 100:,.2f}"


@dataclass(frozen=True)
class Limit:
    """A rule that keeps an officer out of a plan, with its numbers.

    ``kind`` says which limit (``budget``, ``seats``, ``region_max``, ``max_total``,
    ``trainers``, ``days``), ``rule`` its rule id, ``text`` the limit in words and
    ``figures`` its numbers (EUR amounts to the cent, counts, the key to change).
    """

    kind: str
    rule: str
    text: str
    figures: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The limit as a JSON-ready dict."""
        return {"kind": self.kind, "rule": self.rule, "message": self.text, **self.figures}


@dataclass(frozen=True)
class NewSession:
    """One more session of the officer's region: what it costs at the least, and what
    rules it out (empty when nothing the counts tell does)."""

    region: str
    least_cents: int | None
    """The cheapest venue and trainers of the region, catering for them and the NGOs, and
    this officer (officers already seated elsewhere could fill the other seats); None when
    the region has no venue, trainer or NGO enough for a session."""
    officer_cents: int
    """What each further new officer adds."""
    officers_min: int
    blockers: list[Limit]

    @property
    def filled_cents(self) -> int | None:
        """The session with ``officers.min`` new officers (this one among them)."""
        if self.least_cents is None:
            return None
        return self.least_cents + (self.officers_min - 1) * self.officer_cents

    @property
    def cost_text(self) -> str:
        """What it costs, in words."""
        if self.least_cents is None:
            return f"region {self.region} has no venue, trainers and NGOs enough for one"
        return (
            f"costs at least {_eur(self.least_cents)} (the cheapest venue and trainer, "
            f"catering for them and the NGO, this officer; {_eur(self.filled_cents or 0)} "
            f"with {self.officers_min} new officers, sessions.officers.min)"
        )

    def sentence(self) -> str:
        """One more session for the officer, in words: its cost, and what rules it out."""
        said = f"one more session for them {self.cost_text}"
        if not self.blockers:
            return said
        why = "; ".join(
            f"budget: more than the EUR {b.figures['left_eur']:,.2f} left"
            if b.kind == "budget"
            else b.text
            for b in self.blockers
        )
        return f"{said} and is not allowed: {why}"


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
    limits: tuple[Limit, ...] = ()
    """What keeps the officer out, with its numbers (empty when nothing does: the plan could
    take them)."""
    new_session: NewSession | None = None
    """One more session of the officer's region (None for an officer with a session)."""

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
        session): what closed each session of their region to them (or that the region has
        none), what stands in the way of a free seat (the budget) or of one more seat or
        session (with the numbers), or that nothing kept them out."""
        officer = self.officer
        if self.attends:
            return ""
        parts = []
        if not self.checks:
            later = f" on or after {self.open_from}" if self.open_from else ""
            parts.append(f"the plan has no session in region {officer.region}{later}")
        elif self.open_sessions:
            budget = [limit for limit in self.limits if limit.kind == "budget"]
            if not budget:
                free = ", ".join(
                    f"{c.session_id} ({c.day.isoformat()})" for c in self.open_sessions
                )
                return (
                    f"nothing kept them out of {free}: a free seat, the district's share not "
                    "used up, no leave. The plan could take the officer there (it is not "
                    "optimal for officers_trained, or it was edited)"
                )
            parts.append(budget[0].text)
        else:
            counts = Counter(blocker for check in self.checks for blocker in check.blockers)
            tally = "; ".join(f"{what} on {n}" for what, n in counts.items())
            parts.append(
                f"each of the {len(self.checks)} session(s) of region {officer.region} was "
                f"closed to them ({tally})"
            )
            parts.extend(limit.text for limit in self.limits if limit.kind in ("seats", "budget"))
        if self.new_session is not None:
            parts.append(self.new_session.sentence())
        else:
            parts.extend(limit.text for limit in self.limits if limit.kind == "days")
        return "; ".join(parts)

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
            "limits": [limit.to_json() for limit in self.limits],
            "new_session": None
            if self.new_session is None
            else {
                "region": self.new_session.region,
                "least_eur": _cents_eur(self.new_session.least_cents),
                "filled_eur": _cents_eur(self.new_session.filled_cents),
                "blockers": [b.to_json() for b in self.new_session.blockers],
            },
        }


def _cents_eur(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


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
    attending per day, each region's sessions in date order, what the plan spends and has
    left under the budget, the trainers' loads and capacities."""

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
        self.session_by_id = {session.id: session for session in plan.sessions}
        self.sessions_in_region = Counter(session.region for session in plan.sessions)
        self.loads = Counter(t for s in plan.sessions for t in dict.fromkeys(s.trainers))
        budget = data.budget_cents
        self.spent_cents = total_cost_cents(data, plan.sessions, round_up=True)
        self.cost_cents = total_cost_cents(data, plan.sessions)
        self.left_cents = None if budget is None else budget - self.spent_cents
        self._capacity: dict[str, int] | None = None
        self._templates: dict[str, PlanSession | None] = {}

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
        days = [
            day
            for day in data.working_days
            if self.plan.frozen_before is None or day >= self.plan.frozen_before
        ]
        if not any(data.available(officer.unavailable, day) for day in days):
            away = Limit(
                "days",
                "officer_unavailable",
                "officer_unavailable: on leave on every working day the plan could still use",
                {"sessions": [check.session_id for check in checks]},
            )
            return OfficerExplanation(officer, [], checks, self.plan.frozen_before, (away,))
        new_session = self.new_session(officer)
        limits: list[Limit] = []
        open_checks = [check for check in checks if not check.reasons]
        if open_checks:
            budget = self.budget_limit(officer, open_checks, "a free seat in")
            limits.extend([budget] if budget else [])
        else:
            only_full = [check for check in checks if check.blockers == ["full"]]
            if only_full:
                limits.append(self.seats_limit(only_full))
                budget = self.budget_limit(officer, only_full, "one more seat in")
                limits.extend([budget] if budget else [])
            elif checks:
                limits.append(
                    Limit(
                        "days",
                        "officer_unavailable",
                        f"leave or the district's daily share closed every session of region "
                        f"{officer.region} to them",
                        {"sessions": [check.session_id for check in checks]},
                    )
                )
            # the money counts against one more session only where nothing else rules it out
            capped = [b for b in new_session.blockers if b.kind != "budget"]
            limits.extend(capped or new_session.blockers)
        return OfficerExplanation(
            officer, [], checks, self.plan.frozen_before, tuple(limits), new_session
        )

    # ----- the cost of a way in ------------------------------------------------------------
    def _added_cents(self, before: PlanSession, after: PlanSession) -> dict[str, int]:
        """What changing one session adds to the plan's cost, by component, every item
        rounded up as the budget counts it (the plan's other sessions do not change)."""
        parts: Counter[str] = Counter()
        for _region, component, cents in cost_items(self.data, [after], round_up=True):
            parts[component] += cents
        for _region, component, cents in cost_items(self.data, [before], round_up=True):
            parts[component] -= cents
        return {name: cents for name, cents in parts.items() if cents}

    def seat_cents(self, session: PlanSession, officer: Officer) -> dict[str, int]:
        """What seating the officer (in no session yet) in the session adds, by component."""
        with_them = session.model_copy(update={"officers": [*session.officers, officer.id]})
        return self._added_cents(session, with_them)

    def budget_limit(
        self, officer: Officer, checks: list[SessionDayCheck], way: str
    ) -> Limit | None:
        """``budget``, when seating the officer in the cheapest of these sessions costs more
        than is left under the budget; None without a budget or when the money is there."""
        left = self.left_cents
        if left is None:
            return None
        costs = {
            check.session_id: self.seat_cents(self.session_by_id[check.session_id], officer)
            for check in checks
        }
        cheapest = min(sum(parts.values()) for parts in costs.values())
        if cheapest <= left:
            return None
        where = [sid for sid, parts in costs.items() if sum(parts.values()) == cheapest]
        parts = costs[where[0]]
        words = ", ".join(
            f"{COST_COMPONENT_LABELS[name].lower()} {cents / 100:,.2f}"
            for name, cents in parts.items()
        )
        short = cheapest - left
        text = (
            f"budget: {way} {_or(where)} costs {_eur(cheapest)} more ({words}), but "
            f"{self.left_text()} ({_eur(short)} short; {self.spent_text()})"
        )
        return Limit(
            "budget",
            "budget",
            text,
            {
                "path": "seat",
                "sessions": where,
                "budget_eur": self.data.constraints.budget_eur,
                "spent_eur": self.spent_cents / 100,
                "left_eur": left / 100,
                "cost_eur": cheapest / 100,
                "short_eur": short / 100,
            },
        )

    def left_text(self) -> str:
        """The money left under the budget, in words."""
        left = self.left_cents or 0
        budget = self.data.constraints.budget_eur or 0.0
        if left < 0:
            return f"the plan is already {_eur(-left)} over budget_eur {budget:,.2f}"
        return f"{_eur(left)} is left under budget_eur {budget:,.2f}"

    def spent_text(self) -> str:
        """What the plan spends, as the budget counts it."""
        if self.spent_cents == self.cost_cents:
            return f"the plan costs {_eur(self.spent_cents)}"
        return f"spent as the budget counts it, every item rounded up: {_eur(self.spent_cents)}"

    # ----- one more seat ---------------------------------------------------------------------
    def seats_limit(self, full: list[SessionDayCheck]) -> Limit:
        """``seats``: sessions that only a full house closed to the officer, each with the
        key(s) that set its seats: ``sessions.officers.max`` or the venue's capacity."""
        rule = self.data.constraints.sessions.officers
        sessions: list[dict[str, Any]] = []
        words: list[str] = []
        for check in full:
            session = self.session_by_id[check.session_id]
            venue = self.data.venue_by_id[session.venue]
            keys = []
            if rule.max <= venue.capacity:
                keys.append("sessions.officers.max")
            if venue.capacity <= rule.max:
                keys.append(f"regions.{session.region}.venues.{venue.id}.capacity")
            sessions.append({"session": check.session_id, "seats": check.seats_cap, "keys": keys})
            words.append(
                f"{check.session_id} ({check.seats_taken} of {check.seats_cap} seats: "
                f"{' and '.join(keys)})"
            )
        text = f"seats: one more seat in {_or(words)} would take them"
        return Limit("seats", "seats", text, {"sessions": sessions})

    # ----- one more session ------------------------------------------------------------------
    def new_session(self, officer: Officer) -> NewSession:
        """One more session of the officer's region: its least cost, and what rules it out."""
        data = self.data
        region = officer.region
        blockers: list[Limit] = []
        runs = self.sessions_in_region[region]
        most = data.session_bounds(region).max
        if runs >= most:
            key = (
                f"regions.{region}.sessions.max"
                if data.region_by_id[region].sessions is not None
                else "sessions.per_region.max"
            )
            blockers.append(
                Limit(
                    "region_max",
                    "counts",
                    f"counts: region {region} runs {runs} of its max {most} sessions ({key})",
                    {"region": region, "sessions": runs, "max": most, "key": key},
                )
            )
        total, max_total = len(self.plan.sessions), data.constraints.sessions.max_total
        if max_total is not None and total >= max_total:
            blockers.append(
                Limit(
                    "max_total",
                    "counts",
                    f"counts: the plan runs {total} of sessions.max_total {max_total} sessions",
                    {"sessions": total, "max_total": max_total, "key": "sessions.max_total"},
                )
            )
        trainers = self.trainers_limit(region)
        blockers.extend([trainers] if trainers else [])
        template = self.template(region)
        least = officer_cents = 0
        if template is not None:
            alone = template.model_copy(update={"officers": [officer.id]})
            least = total_cost_cents(data, [alone], round_up=True)
            other = next((o for o in data.officers_by_region[region] if o.id != officer.id), None)
            if other is not None:
                officer_cents = sum(
                    self.seat_cents(
                        template.model_copy(update={"officers": [other.id]}), officer
                    ).values()
                )
        left = self.left_cents
        if template is not None and left is not None and least > left:
            rule = data.constraints.sessions.officers
            filled = least + (rule.min - 1) * officer_cents
            blockers.append(
                Limit(
                    "budget",
                    "budget",
                    f"budget: one more session costs at least {_eur(least)}, but "
                    f"{self.left_text()}",
                    {
                        "path": "session",
                        "budget_eur": data.constraints.budget_eur,
                        "spent_eur": self.spent_cents / 100,
                        "left_eur": left / 100,
                        "cost_eur": least / 100,
                        "filled_eur": filled / 100,
                        "short_eur": (filled - left) / 100,
                    },
                )
            )
        return NewSession(
            region,
            least if template is not None else None,
            officer_cents,
            data.constraints.sessions.officers.min,
            blockers,
        )

    def template(self, region_id: str) -> PlanSession | None:
        """The region's cheapest session without officers: a venue that seats
        ``officers.min``, its cheapest trainers allowed there, NGOs of the region (each costs
        its catering); None when the region has no such venue, trainers or NGOs enough."""
        if region_id not in self._templates:
            self._templates[region_id] = self._cheapest_session(region_id)
        return self._templates[region_id]

    def _cheapest_session(self, region_id: str) -> PlanSession | None:
        data = self.data
        rules = data.constraints
        region = data.region_by_id[region_id]
        allowed = [t.id for t in data.trainers if data.trainer_may_teach(t.id, region_id)]
        ngos = [ngo.id for ngo in region.ngos][: rules.ngos.per_session]
        if len(allowed) < rules.trainers.per_session or len(ngos) < rules.ngos.per_session:
            return None
        best: tuple[int, PlanSession] | None = None
        for venue in region.venues:
            if data.seat_range(venue.id)[1] < rules.sessions.officers.min:
                continue
            cheapest = sorted(
                allowed, key=lambda t: (data.assignment_cost_cents(t, venue.id, True), t)
            )[: rules.trainers.per_session]
            session = PlanSession(
                id=f"{region_id}-new",
                region=region_id,
                venue=venue.id,
                date=rules.window.start,
                trainers=cheapest,
                ngos=ngos,
                officers=[],
            )
            cents = total_cost_cents(data, [session], round_up=True)
            if best is None or cents < best[0]:
                best = (cents, session)
        return None if best is None else best[1]

    def trainers_limit(self, region_id: str) -> Limit | None:
        """``trainer_count``, when too few trainers who may teach in the region have a
        session left to give in the window (:func:`trainer_capacity`, an upper bound)."""
        data = self.data
        need = data.constraints.trainers.per_session
        if self._capacity is None:
            self._capacity = trainer_capacity(data)
        capacity = self._capacity
        allowed = [t.id for t in data.trainers if data.trainer_may_teach(t.id, region_id)]
        spare = [t for t in allowed if self.loads[t] < capacity[t]]
        if not need or len(spare) >= need:
            return None
        given = sum(self.loads[t] for t in allowed)
        most = sum(capacity[t] for t in allowed)
        rules = data.constraints.trainers
        return Limit(
            "trainers",
            "trainer_count",
            f"trainers: of the {len(allowed)} trainer(s) who may teach in region {region_id}, "
            f"{len(spare)} could lead another session ({need} needed): they lead {given} of "
            f"at most {most} sessions in the window (free days, max_sessions, "
            f"{rules.max_per_week} a week, {rules.max_consecutive_days} days in a row)",
            {"region": region_id, "trainers": len(allowed), "given": given, "capacity": most},
        )


def _or(items: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
