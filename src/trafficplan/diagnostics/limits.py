"""What limits ``officers_trained`` in a plan, in one line (``solve``, ``whatif``).

Pure Python, no solver: the reasons of every officer without a session
(:func:`trafficplan.diagnostics.officer.explain_unassigned`), tallied by the limit that keeps
each out (the budget, full sessions, the region's or the programme's session cap, the
trainers' capacity, leave and the district's share), with the numbers; and the districts
left with nobody trained.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from trafficplan.diagnostics.officer import (
    Limit,
    NewSession,
    OfficerExplanation,
    explain_unassigned,
)
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan

KINDS = ("budget", "seats", "region_max", "max_total", "trainers", "days", "none")
"""The limits in the order the line names them; ``none``: nothing kept the officer out."""


@dataclass(frozen=True)
class LimitTally:
    """One limit and the officers it keeps out."""

    kind: str
    rule: str | None
    officers: int
    text: str

    def to_json(self) -> dict[str, Any]:
        """The tally as a JSON-ready dict."""
        return {"kind": self.kind, "rule": self.rule, "officers": self.officers, "text": self.text}


@dataclass(frozen=True)
class UntrainedDistrict:
    """A district with officers of whom the plan trains none."""

    district: str
    region: str
    officers: int


@dataclass(frozen=True)
class TrainingLimits:
    """Why a plan trains fewer officers than the data hold."""

    officers_trained: int
    officers_total: int
    tallies: list[LimitTally]
    untrained_districts: list[UntrainedDistrict]

    def line(self) -> str:
        """The limits in one line, with the numbers, and the districts nobody of which is
        trained."""
        limits = "; ".join(tally.text for tally in self.tallies)
        line = (
            f"officers_trained is {self.officers_trained:,} of {self.officers_total:,}, "
            f"limited by {limits}."
        )
        if self.untrained_districts:
            districts = ", ".join(
                f"{d.district} ({d.region}, {d.officers} officers)"
                for d in self.untrained_districts
            )
            line += f" Districts with nobody trained: {districts}."
        return line

    def to_json(self) -> dict[str, Any]:
        """The limits as a JSON-ready dict."""
        return {
            "officers_trained": self.officers_trained,
            "officers_total": self.officers_total,
            "line": self.line(),
            "limits": [tally.to_json() for tally in self.tallies],
            "untrained_districts": [
                {"district": d.district, "region": d.region, "officers": d.officers}
                for d in self.untrained_districts
            ],
        }


def training_limits(plan: Plan, data: ProblemData) -> TrainingLimits | None:
    """What keeps ``officers_trained`` below the officers of the data; None when the plan
    trains every officer."""
    explanations = explain_unassigned(plan, data)
    if not explanations:
        return None
    by_kind: dict[str, list[tuple[OfficerExplanation, Limit | None]]] = {k: [] for k in KINDS}
    for explanation in explanations:
        kinds: dict[str, Limit] = {}
        for limit in explanation.limits:
            kinds.setdefault(limit.kind, limit)
        if not kinds:
            by_kind["none"].append((explanation, None))
        for kind, limit in kinds.items():
            by_kind[kind].append((explanation, limit))
    tallies = [_tally(kind, entries, data) for kind, entries in by_kind.items() if entries]
    trained = len(data.officers) - len(explanations)
    return TrainingLimits(trained, len(data.officers), tallies, _untrained_districts(data, plan))


def _tally(
    kind: str, entries: list[tuple[OfficerExplanation, Limit | None]], data: ProblemData
) -> LimitTally:
    count = len(entries)
    who = f"{count:,} officer{'' if count == 1 else 's'}"
    limits = [limit for _explanation, limit in entries if limit is not None]
    rule = limits[0].rule if limits else None
    if kind == "budget":
        first = limits[0].figures
        seats = [limit.figures["cost_eur"] for limit in limits if limit.figures["path"] == "seat"]
        left = first["left_eur"]
        money = (
            f"EUR {left:,.2f} left under budget_eur {first['budget_eur']:,.2f}"
            if left >= 0
            else f"EUR {-left:,.2f} over budget_eur {first['budget_eur']:,.2f}"
        )
        ways = []
        if seats:
            ways.append(f"one more officer in a free seat costs EUR {min(seats):,.2f}")
        sessions = [e.new_session for e, _limit in entries if e.new_session is not None]
        capped = [s for s in sessions if any(b.kind != "budget" for b in s.blockers)]
        costs = [s.least_cents for s in sessions if s not in capped and s.least_cents is not None]
        if costs:
            ways.append(f"one more session at least EUR {min(costs) / 100:,.2f}")
        elif capped:
            ways.append(f"one more session is not allowed ({_session_caps(capped)})")
        return LimitTally(kind, rule, count, f"the budget for {who} ({money}; {'; '.join(ways)})")
    if kind == "seats":
        caps = Counter(
            (item["seats"], " and ".join(item["keys"]))
            for limit in limits
            for item in limit.figures["sessions"]
        )
        words = ", ".join(f"{seats} seats: {keys}" for (seats, keys) in sorted(caps))
        return LimitTally(
            kind, rule, count, f"full sessions for {who} (one more seat would take them; {words})"
        )
    if kind == "region_max":
        regions = sorted(
            {(f["region"], f["sessions"], f["max"], f["key"]) for f in (x.figures for x in limits)}
        )
        words = ", ".join(f"{r} {n} of {m}" for r, n, m, _key in regions)
        return LimitTally(kind, rule, count, f"the regions' session caps for {who} ({words})")
    if kind == "max_total":
        figures = limits[0].figures
        return LimitTally(
            kind,
            rule,
            count,
            f"sessions.max_total for {who} ({figures['sessions']} of {figures['max_total']} "
            "sessions)",
        )
    if kind == "trainers":
        names = sorted({limit.figures["region"] for limit in limits})
        return LimitTally(
            kind, rule, count, f"the trainers' capacity for {who} (regions {', '.join(names)})"
        )
    if kind == "days":
        return LimitTally(
            kind,
            rule,
            count,
            f"leave or the district's daily share on every session day for {who}",
        )
    return LimitTally(
        kind,
        None,
        count,
        f"nothing for {who}: the plan could seat them (it is not optimal for officers_trained, "
        "or it was edited)",
    )


def _session_caps(sessions: list[NewSession]) -> str:
    """What rules out one more session for these officers, in a few words."""
    kinds = {b.kind: b for s in sessions for b in s.blockers if b.kind != "budget"}
    words = []
    if "region_max" in kinds:
        words.append("their regions run their max sessions")
    if "max_total" in kinds:
        figures = kinds["max_total"].figures
        words.append(
            f"the plan runs {figures['sessions']} of sessions.max_total {figures['max_total']}"
        )
    if "trainers" in kinds:
        words.append("their trainers are at capacity")
    return "; ".join(words)


def _untrained_districts(data: ProblemData, plan: Plan) -> list[UntrainedDistrict]:
    """Districts with officers of whom the plan trains none, in the order of the regions."""
    trained = {
        data.officer_by_id[o].district
        for session in plan.sessions
        for o in session.officers
        if o in data.officer_by_id
    }
    sizes = data.district_sizes
    return [
        UntrainedDistrict(district, region.id, sizes[district])
        for region in data.regions
        for district in region.districts
        if sizes.get(district, 0) and district not in trained
    ]
