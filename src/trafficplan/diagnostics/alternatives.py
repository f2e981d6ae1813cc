"""What else could one session of a plan be (spec 7.4): ``explain --session`` and
``--apply-alternative``.

With the rest of a valid plan fixed, one session may change in one of four ways (a *change*):

- ``trainer``: one of its trainers replaced by a trainer not in it; the value is the
  session's whole new list (with ``trainers.per_session`` > 1, each trainer in turn is the
  one replaced; to replace two, apply one change and ask again);
- ``ngo``: likewise one of its NGOs, by another NGO of its region;
- ``venue``: another venue of its region, on the same date;
- ``date``: another working day of the window, at its venue or at another of its region
  (``DATE`` or ``DATE@VENUE``); never before the first day that may still change: the day
  after the last held session (``attendance.csv``), and the plan's ``frozen_before``.

A session's officers follow it to a new date or venue where they can; those who cannot are
*moved* out of it, to the plan's unassigned officers (``explain --officer`` and ``replan``
can then find them a seat): those on leave that day; beyond what their district may send
that day (``district_share``, counting the district's officers in the other sessions of that
day), the highest ids of the district; beyond the new venue's seats, the highest ids. Fewer
officers cannot come, so when the officers left are too few (``seats``) no other choice of
who moves would keep the rules either.

Each change is judged by the checker's own rule functions on the edited session and the
sessions it can interact with (those sharing one of its trainers or NGOs, or its day; for
``fixed``, the sessions of the fixed entries' regions and days): a rule broken by the edited
plan involves the edited session, since the rest of the plan keeps every rule, and every
rule function reads only such sessions. ``counts`` cannot change (a session stays in its
region) and ``budget`` is judged on the whole plan's cost. So every change judged allowed,
applied to the plan, passes ``check``, and every other one does not (the tests compare both
with ``check`` on the whole edited plan).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from trafficplan.checker.check import check_plan, is_error
from trafficplan.checker.metrics import exact_cost_eur
from trafficplan.checker.report import Violation
from trafficplan.checker.rules import RULE_CHECKS, check_budget, check_fixed
from trafficplan.checker.view import PlanView, distinct
from trafficplan.errors import ExitCode, PlanViolationsError, TrafficplanError, UsageError
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.dates import parse_iso_date
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.changes import plan_changes
from trafficplan.plan.edited import edited_plan
from trafficplan.plan.metrics import total_cost_cents
from trafficplan.plan.weights import window_weeks

Kind = Literal["trainer", "date", "venue", "ngo"]
KINDS: tuple[Kind, ...] = ("trainer", "date", "venue", "ngo")
"""The kinds of change, in the order they are listed."""

SHOWN_PER_KIND = 10
"""Alternatives (and forbidden changes) shown of each kind without ``--all``."""

BUDGET_MARGIN_EUR = 0.01
"""A change whose estimated cost comes this close to ``budget_eur`` is judged on the whole
edited plan by the checker's own budget rule (float sums in another order could differ)."""

SYNTAX = "SESSION:KIND=VALUE"
EXAMPLES = "lviv-03:trainer=t05, lviv-03:date=2008-09-17, lviv-03:date=2008-09-17@lviv-hall"


# ----- a change and its text ----------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One change to one session.

    Attributes:
        kind: ``trainer``, ``date``, ``venue`` or ``ngo``.
        people: for ``trainer`` and ``ngo``, the session's new trainers or NGOs (all of them).
        day: for ``date``, the new date.
        venue: for ``venue``, the new venue; for ``date``, the new venue or None (the
            session's own).
    """

    kind: Kind
    people: tuple[str, ...] = ()
    day: date | None = None
    venue: str | None = None

    @property
    def value(self) -> Any:
        """The value as JSON gives it: a list of ids (trainer, ngo), a venue id, or
        ``DATE`` / ``DATE@VENUE``."""
        if self.kind in ("trainer", "ngo"):
            return list(self.people)
        if self.kind == "venue":
            return self.venue
        assert self.day is not None
        return self.day.isoformat() + (f"@{self.venue}" if self.venue else "")

    @property
    def value_text(self) -> str:
        """The value as ``--apply-alternative`` writes it (ids joined with commas)."""
        value = self.value
        return ",".join(value) if isinstance(value, list) else str(value)

    def text(self, session_id: str) -> str:
        """The change as ``--apply-alternative`` takes it: ``lviv-03:trainer=t05``."""
        return f"{session_id}:{self.kind}={self.value_text}"


@dataclass(frozen=True)
class Request:
    """A parsed ``--apply-alternative`` argument: the session and the change asked for."""

    session_id: str
    change: Change

    @property
    def text(self) -> str:
        """The argument as the user could have written it."""
        return self.change.text(self.session_id)


_REQUEST = re.compile(r"^(?P<session>[^:=\s]+):(?P<kind>[^=\s]*)=(?P<value>.*)$")


def parse_request(text: str, option: str = "--apply-alternative") -> Request:
    """Read ``SESSION:KIND=VALUE``: ``lviv-03:trainer=t05`` (trainer ids joined with commas,
    the session's whole new list), ``lviv-03:ngo=ID[,ID]``, ``lviv-03:venue=VENUE``,
    ``lviv-03:date=YYYY-MM-DD`` (at its venue) or ``lviv-03:date=YYYY-MM-DD@VENUE``.

    Raises:
        UsageError: the text does not have that form, names another kind, or its value is
            empty or not a date (exit 2).
    """
    match = _REQUEST.match(text.strip())
    if match is None:
        raise UsageError(f"{option} {text!r}: expected {SYNTAX}, e.g. {EXAMPLES}")
    session_id, kind, value = match["session"], match["kind"], match["value"].strip()
    if kind not in KINDS:
        raise UsageError(
            f"{option} {text!r}: unknown KIND {kind!r}; it is one of {', '.join(KINDS)}"
        )
    if not value:
        raise UsageError(f"{option} {text!r}: no VALUE after {kind}=")
    if kind in ("trainer", "ngo"):
        people = tuple(part.strip() for part in value.split(","))
        if not all(people):
            raise UsageError(f"{option} {text!r}: an empty id in {value!r}")
        return Request(session_id, Change(kind, people=people))
    if kind == "venue":
        return Request(session_id, Change("venue", venue=value))
    day_text, _, venue = value.partition("@")
    try:
        day = parse_iso_date(day_text.strip())
    except ValueError as exc:
        raise UsageError(f"{option} {text!r}: {exc}") from None
    if "@" in value and not venue.strip():
        raise UsageError(f"{option} {text!r}: no venue after @")
    return Request(session_id, Change("date", day=day, venue=venue.strip() or None))


# ----- errors -------------------------------------------------------------------------------
class PlanNotValidError(PlanViolationsError):
    """Alternatives are offered only for a plan that keeps every rule (exit 1)."""

    def lines(self) -> list[str]:
        shown = [f"{v.rule}: {v.message}" for v in self.violations[:3]]
        more = len(self.violations) - len(shown)
        return [
            f"{self.source}: the plan breaks {len(self.violations)} rule(s), so no change to one "
            "session can make it valid; `trafficplan check` lists them",
            *shown,
            *([f"... and {more} more"] if more > 0 else []),
        ]


class AlternativeBreaksRulesError(TrafficplanError):
    """A change asked for (``--apply-alternative``) breaks rules of the plan (exit 1)."""

    exit_code = ExitCode.VIOLATIONS

    def __init__(self, text: str, violations: list[Violation]):
        self.text = text
        self.violations = violations
        rules = ", ".join(distinct([v.rule for v in violations]))
        super().__init__(f"{text} breaks the rules of the plan ({rules})")

    def lines(self) -> list[str]:
        return [
            f"{self.text} is not an alternative of this plan: it breaks "
            f"{len(self.violations)} rule(s)",
            *(f"{v.rule}: {v.message}" for v in self.violations),
            "`trafficplan explain --plan PLAN --session ID` lists the alternatives that keep "
            "every rule",
        ]


def _closest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=3)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


# ----- judging the changes of one session ---------------------------------------------------
@dataclass(frozen=True)
class Judged:
    """One change to the session, with what it does and whether the plan keeps its rules.

    Attributes:
        change: the change.
        session: the session as the change makes it.
        moved: the officers who cannot follow it (they leave the session), each with why.
        violations: the rules the edited plan breaks, in the spec's order (none: allowed).
        cost_delta_cents: the plan's ``cost_eur`` after minus before, in cents.
        change_weight: the change's weight (spec 6.7): 0 for a trainer or NGO, 1 for a new
            venue the same day, 2 + the ISO weeks between the dates for a new date.
    """

    change: Change
    session: PlanSession
    moved: dict[str, str]
    violations: list[Violation]
    cost_delta_cents: int
    change_weight: int

    @property
    def allowed(self) -> bool:
        """Whether the plan with this change keeps every rule."""
        return not self.violations

    @property
    def kind(self) -> Kind:
        """The change's kind."""
        return self.change.kind

    @property
    def cost_delta_eur(self) -> float:
        """The plan's ``cost_eur`` after minus before."""
        return self.cost_delta_cents / 100

    @property
    def officers_moved(self) -> list[str]:
        """The officers who would have to leave the session, by id."""
        return list(self.moved)

    @property
    def rule(self) -> str | None:
        """The first rule the change breaks (the spec's order), None when allowed."""
        return self.violations[0].rule if self.violations else None

    @property
    def message(self) -> str | None:
        """What forbids it, with the numbers: the first broken rule's message (for
        ``seats``, with why officers had to leave)."""
        if not self.violations:
            return None
        first = self.violations[0]
        if first.rule == "seats" and self.moved:
            return f"{first.message} ({self.moved_summary()})"
        return first.message

    def moved_summary(self) -> str:
        """Why officers leave, counted: ``2 on leave on 2008-09-17, 1 over ...``."""
        counts: dict[str, int] = defaultdict(int)
        for reason in self.moved.values():
            counts[reason] += 1
        parts = [f"{count} {reason}" for reason, count in counts.items()]
        return f"{len(self.moved)} of its officers cannot come: " + "; ".join(parts)

    def sort_key(self, around: date) -> tuple[Any, ...]:
        """Officers kept first (the plan's first aim), then cost, weight, the nearest day."""
        days = abs((self.session.date - around).days)
        return (
            len(self.moved),
            self.cost_delta_cents,
            self.change_weight,
            days,
            self.change.value_text,
        )

    def to_json(self, session_id: str) -> dict[str, Any]:
        """The alternative (or forbidden change) as ``explain --session --json`` gives it."""
        document: dict[str, Any] = {"kind": self.kind, "value": self.change.value}
        if self.kind in ("date", "venue"):
            document["date"] = self.session.date.isoformat()
            document["venue"] = self.session.venue
        if self.allowed:
            document.update(
                cost_delta_eur=self.cost_delta_eur,
                change_weight=self.change_weight,
                officers_moved=self.officers_moved,
                why_moved=dict(self.moved),
                apply=self.change.text(session_id),
            )
        else:
            document.update(
                rule=self.rule,
                message=self.message,
                rules=distinct([v.rule for v in self.violations]),
                cost_delta_eur=self.cost_delta_eur,
            )
        return document


class SessionEdits:
    """One session of a plan that keeps every rule, and what is needed to judge a change to
    it with the rest of the plan fixed (see the module's docstring)."""

    def __init__(
        self,
        data: ProblemData,
        plan: Plan,
        session_id: str,
        attendance: Attendance | None = None,
    ):
        self.data = data
        self.plan = plan
        self.attendance = attendance
        view = PlanView(data, plan)
        self.session = view.session_by_id[session_id]
        self.others = [s for s in view.sessions if s.id != session_id]
        self._on_day: dict[date, list[PlanSession]] = defaultdict(list)
        self._of: dict[str, dict[str, list[PlanSession]]] = {
            "trainers": defaultdict(list),
            "ngos": defaultdict(list),
        }
        self._attending: dict[tuple[date, str], set[str]] = defaultdict(set)
        for other in self.others:
            self._on_day[other.date].append(other)
            for listed, groups in self._of.items():
                for who in distinct(getattr(other, listed)):
                    groups[who].append(other)
            for officer_id in other.officers:
                officer = data.officer_by_id.get(officer_id)
                if officer is not None:
                    self._attending[(other.date, officer.district)].add(officer_id)
        fixed_days = {(entry.region, entry.date) for entry in data.constraints.sessions.fixed}
        self._fixed_related = [s for s in self.others if (s.region, s.date) in fixed_days]
        window = data.constraints.window
        self._weeks = window_weeks(window.start, window.end)
        self._own_cents = total_cost_cents(data, [self.session])
        self._budget_base: float | None = None
        if data.constraints.budget_eur is not None:
            own = exact_cost_eur(PlanView(data, _sessions_plan(plan, [self.session])))
            self._budget_base = exact_cost_eur(view) - own
        self.first_day = first_changeable_day(data, plan, attendance)

    # ----- the changes ----------------------------------------------------------------------
    def candidates(self) -> Iterator[Change]:
        """Every change of the four kinds (see the module's docstring), trainers first."""
        session, data = self.session, self.data
        region = data.region_by_id[session.region]
        for position in range(len(session.trainers)):
            for trainer in data.trainers:
                if trainer.id not in session.trainers:
                    people = list(session.trainers)
                    people[position] = trainer.id
                    yield Change("trainer", people=tuple(people))
        for venue in region.venues:
            if venue.id != session.venue:
                yield Change("venue", venue=venue.id)
        for day in data.working_days:
            if day == session.date or day < self.first_day:
                continue
            for venue in region.venues:
                yield Change("date", day=day, venue=None if venue.id == session.venue else venue.id)
        for position in range(len(session.ngos)):
            for ngo in region.ngos:
                if ngo.id not in session.ngos:
                    people = list(session.ngos)
                    people[position] = ngo.id
                    yield Change("ngo", people=tuple(people))

    def edited(self, change: Change) -> tuple[PlanSession, dict[str, str]]:
        """The session as the change makes it, and the officers who cannot follow it, each
        with why (see the module's docstring for who leaves)."""
        session, data = self.session, self.data
        if change.kind == "trainer":
            return session.model_copy(update={"trainers": list(change.people)}), {}
        if change.kind == "ngo":
            return session.model_copy(update={"ngos": list(change.people)}), {}
        day = change.day if change.kind == "date" and change.day is not None else session.date
        venue_id = change.venue or session.venue
        moved: dict[str, str] = {}
        by_district: dict[str, list[str]] = defaultdict(list)
        for officer_id in sorted(distinct(session.officers)):
            officer = data.officer_by_id[officer_id]
            if not data.available(officer.unavailable, day):
                moved[officer_id] = f"on leave on {day}"
            else:
                by_district[officer.district].append(officer_id)
        kept: list[str] = []
        for district, ids in by_district.items():
            cap = data.district_day_cap(district)
            already = len(self._attending.get((day, district), set()) - set(ids))
            room = max(0, cap - already)
            kept += ids[:room]
            for officer_id in ids[room:]:
                moved[officer_id] = (
                    f"over district {district}'s share on {day} "
                    f"(at most {cap}, {already} in other sessions)"
                )
        venue = data.venue_by_id.get(venue_id)
        if venue is not None:
            seats = data.seat_range(venue_id)[1]
            kept.sort()
            for officer_id in kept[seats:]:
                moved[officer_id] = f"beyond the {venue.capacity} seats of {venue_id}"
            kept = kept[:seats]
        staying = set(kept)
        officers = [o for o in distinct(session.officers) if o in staying]
        update = {"date": day, "venue": venue_id, "officers": officers}
        return session.model_copy(update=update), dict(sorted(moved.items()))

    def judge(self, change: Change) -> Judged:
        """The change, with the session it makes, who leaves, the rules broken, the cost
        difference and the change's weight."""
        edited, moved = self.edited(change)
        violations = self.violations(edited)
        cost = total_cost_cents(self.data, [edited]) - self._own_cents
        counts = plan_changes(
            _sessions_plan(self.plan, [self.session]),
            _sessions_plan(self.plan, [edited]),
            self._weeks,
        ).counts()
        return Judged(change, edited, moved, violations, cost, counts["change_weight"])

    def violations(self, edited: PlanSession) -> list[Violation]:
        """The rules the plan breaks with ``edited`` for the session (errors only, as
        ``check`` reports them), in the spec's order of the rules."""
        related: dict[str, PlanSession] = {s.id: s for s in self._on_day.get(edited.date, [])}
        for listed in ("trainers", "ngos"):
            for who in distinct(getattr(edited, listed)):
                related.update((s.id, s) for s in self._of[listed].get(who, []))
        view = PlanView(self.data, _sessions_plan(self.plan, [edited, *related.values()]))
        found: list[Violation] = []
        for rule, check in RULE_CHECKS:
            if rule == "counts":
                continue  # the session stays in its region: each region's count is the same
            if rule == "fixed":
                if self.data.constraints.sessions.fixed:
                    sessions = [edited, *self._fixed_related]
                    found += check_fixed(PlanView(self.data, _sessions_plan(self.plan, sessions)))
            elif rule == "budget":
                found += self._budget(edited)
            else:
                found += check(view)
        return [v for v in found if is_error(v, self.plan, self.attendance)]

    def _budget(self, edited: PlanSession) -> list[Violation]:
        budget = self.data.constraints.budget_eur
        if budget is None or self._budget_base is None:
            return []
        own = exact_cost_eur(PlanView(self.data, _sessions_plan(self.plan, [edited])))
        if self._budget_base + own <= budget - BUDGET_MARGIN_EUR:
            return []
        return check_budget(PlanView(self.data, self.applied(edited)))

    def applied(self, edited: PlanSession) -> Plan:
        """The whole plan with ``edited`` for the session (figures not recomputed)."""
        sessions = [edited if s.id == edited.id else s for s in self.plan.sessions]
        return self.plan.model_copy(update={"sessions": sessions})

    def judge_all(self) -> list[Judged]:
        """Every change of :meth:`candidates`, judged."""
        return [self.judge(change) for change in self.candidates()]


def _sessions_plan(plan: Plan, sessions: list[PlanSession]) -> Plan:
    """A plan of just these sessions, with ``plan``'s ``frozen_before`` (what the rules
    read), built without validation: its sessions are valid ones."""
    return Plan.model_construct(
        status="feasible", sessions=sessions, frozen_before=plan.frozen_before
    )


def first_changeable_day(data: ProblemData, plan: Plan, attendance: Attendance | None) -> date:
    """The first day a session may be on or moved to: the day after the last held session
    (a ``held`` session of the plan, or one in ``attendance``), not before the plan's
    ``frozen_before``; else the window's first day."""
    held = [
        s.date
        for s in plan.sessions
        if s.held or (attendance is not None and s.id in attendance.held)
    ]
    first = data.constraints.window.start
    if held:
        first = max(first, max(held) + timedelta(days=1))
    if plan.frozen_before is not None:
        first = max(first, plan.frozen_before)
    return first


# ----- the answer ---------------------------------------------------------------------------
@dataclass
class SessionAlternatives:
    """What else one session could be: every change judged, the allowed ones (alternatives)
    and the forbidden ones, each kind in order (officers kept first, then cost, then weight,
    then the nearest day)."""

    session: PlanSession
    first_day: date
    judged: list[Judged] = field(default_factory=list)

    def _sorted(self, allowed: bool, kind: Kind) -> list[Judged]:
        chosen = [j for j in self.judged if j.allowed == allowed and j.kind == kind]
        return sorted(chosen, key=lambda j: j.sort_key(self.session.date))

    def alternatives(self, kind: Kind) -> list[Judged]:
        """The changes of this kind that keep every rule, best first."""
        return self._sorted(True, kind)

    def forbidden(self, kind: Kind) -> list[Judged]:
        """The changes of this kind that break a rule, cheapest first."""
        return self._sorted(False, kind)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind, how many alternatives and forbidden changes there are."""
        return {
            kind: {
                "alternatives": sum(1 for j in self.judged if j.kind == kind and j.allowed),
                "forbidden": sum(1 for j in self.judged if j.kind == kind and not j.allowed),
            }
            for kind in KINDS
        }

    def to_json(self, limit: int | None = SHOWN_PER_KIND) -> dict[str, Any]:
        """``{"session": ID, "alternatives": [...], "forbidden": [...]}`` with the session as
        it is and the counts per kind; at most ``limit`` of each kind (None: all)."""
        session = self.session
        alternatives = [j for kind in KINDS for j in self.alternatives(kind)[:limit]]
        forbidden = [j for kind in KINDS for j in self.forbidden(kind)[:limit]]
        return {
            "session": session.id,
            "now": {
                "region": session.region,
                "date": session.date.isoformat(),
                "venue": session.venue,
                "trainers": list(session.trainers),
                "ngos": list(session.ngos),
                "officers": len(session.officers),
            },
            "first_day": self.first_day.isoformat(),
            "alternatives": [j.to_json(session.id) for j in alternatives],
            "forbidden": [j.to_json(session.id) for j in forbidden],
            "counts": self.counts(),
            "limit": limit,
        }


def session_alternatives(
    data: ProblemData,
    plan: Plan,
    session_id: str,
    attendance: Attendance | None = None,
    source: str = "plan",
) -> SessionAlternatives:
    """Every change to one session of a plan, judged with the rest of the plan fixed.

    Raises:
        UsageError: the plan has no such session, or the session cannot change any more
            (held, or before the first day that may change) (exit 2).
        PlanNotValidError: the plan itself breaks rules (exit 1).
    """
    edits = _session_edits(data, plan, session_id, attendance, source)
    return SessionAlternatives(edits.session, edits.first_day, edits.judge_all())


def _session_edits(
    data: ProblemData,
    plan: Plan,
    session_id: str,
    attendance: Attendance | None,
    source: str,
) -> SessionEdits:
    ids = [s.id for s in plan.sessions]
    if session_id not in ids:
        raise UsageError(f"{source} has no session {session_id!r}{_closest(session_id, ids)}")
    report = check_plan(data, plan, attendance)
    if not report.valid:
        raise PlanNotValidError(source, report.violations)
    edits = SessionEdits(data, plan, session_id, attendance)
    session = edits.session
    if session.held or (attendance is not None and session.id in attendance.held):
        raise UsageError(
            f"session {session.id} was held on {session.date} (attendance): it cannot change"
        )
    if session.date < edits.first_day:
        raise UsageError(
            f"session {session.id} on {session.date} is before {edits.first_day}, the first "
            "day of this plan that may still change: it cannot change"
        )
    return edits


# ----- applying one -------------------------------------------------------------------------
@dataclass(frozen=True)
class Applied:
    """A change applied: the request, how it was judged, and the new plan."""

    request: Request
    judged: Judged
    plan: Plan

    def summary(self) -> str:
        """One line: what changed, its cost, weight and the officers who left."""
        judged = self.judged
        moved = judged.officers_moved
        who = f"; {len(moved)} officer(s) moved out: {', '.join(moved)}" if moved else ""
        return (
            f"{self.request.text}: cost {judged.cost_delta_eur:+,.2f} EUR, change weight "
            f"{judged.change_weight}{who}"
        )

    def to_json(self) -> dict[str, Any]:
        """The applied change as JSON data."""
        return {"apply": self.request.text, **self.judged.to_json(self.request.session_id)}


def apply_alternative(
    data: ProblemData,
    plan: Plan,
    text: str,
    attendance: Attendance | None = None,
    source: str = "plan",
) -> Applied:
    """The plan with the change ``text`` (``SESSION:KIND=VALUE``) applied: the session as
    :meth:`SessionEdits.edited` makes it (officers who cannot follow it unassigned), the
    figures and claims recomputed (:func:`~trafficplan.plan.edited.edited_plan`), and the
    result checked by the checker on the whole plan.

    Raises:
        UsageError: a malformed text, an unknown session, trainer, NGO or venue, a change
            that changes nothing, a session that cannot change, or a date before the first
            day that may change (exit 2).
        PlanNotValidError: the plan itself breaks rules (exit 1).
        AlternativeBreaksRulesError: the plan with the change breaks rules, named (exit 1).
    """
    request = parse_request(text)
    change = request.change
    edits = _session_edits(data, plan, request.session_id, attendance, source)
    session = edits.session
    _require_known(data, text, change)
    if change.kind == "date" and change.venue == session.venue:
        change = Change("date", day=change.day, venue=None)
        request = Request(request.session_id, change)
    if change.kind == "date" and change.day is not None and change.day < edits.first_day:
        raise UsageError(
            f"{text}: {change.day} is before {edits.first_day}, the first day of this plan "
            "that may still change"
        )
    judged = edits.judge(change)
    if _same_session(judged.session, session):
        raise UsageError(f"{text}: session {session.id} is so already; nothing changes")
    new_plan = edited_plan(
        data, plan, [judged.session if s.id == session.id else s for s in plan.sessions]
    )
    report = check_plan(data, new_plan, attendance)
    if not report.valid:
        raise AlternativeBreaksRulesError(request.text, report.violations)
    return Applied(request, judged, new_plan)


def _require_known(data: ProblemData, text: str, change: Change) -> None:
    if change.kind in ("trainer", "ngo"):
        known = list(data.trainer_by_id if change.kind == "trainer" else data.ngo_by_id)
        noun = "trainer" if change.kind == "trainer" else "NGO"
        for who in change.people:
            if who not in known:
                raise UsageError(f"{text}: unknown {noun} {who!r}{_closest(who, known)}")
    if change.venue is not None and change.venue not in data.venue_by_id:
        known = list(data.venue_by_id)
        raise UsageError(f"{text}: unknown venue {change.venue!r}{_closest(change.venue, known)}")


def _same_session(a: PlanSession, b: PlanSession) -> bool:
    return (a.date, a.venue, sorted(a.trainers), sorted(a.ngos)) == (
        b.date,
        b.venue,
        sorted(b.trainers),
        sorted(b.ngos),
    )
