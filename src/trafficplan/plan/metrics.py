"""Plan metrics (spec sections 3 and 6.6), recomputed from a plan and the data — never copied
from a solver. The checker computes its own independently and compares.

``cost_eur`` is a sum of items, each in whole cents: per trainer assignment (day rate, road
trip, per diem and hotel, rounded together), per session the venue's day rate, per person
present the catering, per officer trained the travel reimbursement. The solver's cost level
sums exactly the same integers, so its value, its bound and this metric agree to the cent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

from trafficplan.inputs.models import OBJECTIVE_NAMES
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan.format import Plan, PlanSession

METRIC_NAMES = (
    "officers_trained",
    "officers_total",
    "sessions",
    *(name for name in OBJECTIVE_NAMES if name != "officers_trained"),
)
"""The keys of :func:`plan_metrics` (besides ``cost_components``), in order: the value of
every objective (:data:`~trafficplan.inputs.models.OBJECTIVE_NAMES`), with the officers there
are and the sessions next to the officers trained."""


def assignment_cost_eur(data: ProblemData, trainer_id: str, venue_id: str) -> float:
    """EUR of one trainer assignment (day rate, round trip, per diem, hotel), to the cent."""
    return data.assignment_cost_cents(trainer_id, venue_id) / 100


def persons_present(session: PlanSession) -> int:
    """People a session caters for: its officers, its trainers and one person per NGO."""
    return len(set(session.officers)) + len(set(session.trainers)) + len(set(session.ngos))


def cost_items(
    data: ProblemData, sessions: Iterable[PlanSession], round_up: bool = False
) -> Iterator[tuple[str, str, int]]:
    """Every cost item of the sessions as ``(region, component, cents)``.

    A session's items go to its region: each trainer's assignment (split by component, to
    the cent as a whole; rounded up as a whole, under ``trainer_fees``, with ``round_up``),
    the venue's day rate, catering for each person present. Each officer trained is one
    ``officer_travel`` item of the officer's own region, however many sessions list them.
    With ``round_up`` every item is rounded up: what the ``budget`` rule adds up.
    """
    person = data.person_cost_cents(round_up)
    trained: dict[str, str] = {}
    for session in sessions:
        region = session.region
        for trainer_id in dict.fromkeys(session.trainers):
            if round_up:
                yield (
                    region,
                    "trainer_fees",
                    data.assignment_cost_cents(trainer_id, session.venue, round_up=True),
                )
            else:
                for part, amount in data.assignment_parts_cents(trainer_id, session.venue).items():
                    yield region, part, amount
        yield region, "venue_hire", data.venue_cost_cents(session.venue, round_up)
        yield region, "catering", person * persons_present(session)
        for officer_id in session.officers:
            officer = data.officer_by_id.get(officer_id)
            if officer is not None:
                trained.setdefault(officer_id, officer.region)
    travel = data.officer_travel_cents(round_up)
    for region in trained.values():
        yield region, "officer_travel", travel


def cost_breakdown_cents(
    data: ProblemData, sessions: Iterable[PlanSession]
) -> dict[str, dict[str, int]]:
    """The cost of the sessions per region (every region of the data) and component
    (:data:`COST_COMPONENTS`, every one), in cents."""
    result: dict[str, dict[str, int]] = {
        region.id: dict.fromkeys(COST_COMPONENTS, 0) for region in data.regions
    }
    for region, component, amount in cost_items(data, sessions):
        result.setdefault(region, dict.fromkeys(COST_COMPONENTS, 0))[component] += amount
    return result


def total_cost_cents(
    data: ProblemData, sessions: Iterable[PlanSession], round_up: bool = False
) -> int:
    """The cost of the sessions in cents: every item to the cent, or rounded up."""
    return sum(amount for _region, _component, amount in cost_items(data, sessions, round_up))


def component_totals_eur(breakdown: dict[str, dict[str, int]]) -> dict[str, float]:
    """Per component, the sum over regions, in EUR."""
    totals: Counter[str] = Counter()
    for parts in breakdown.values():
        totals.update(parts)
    return {name: totals[name] / 100 for name in COST_COMPONENTS}


def travel_tenths(data: ProblemData, sessions: Iterable[PlanSession]) -> int:
    """Objective ``travel_km`` in tenths of a km: every trainer assignment's trip
    home-venue-home, each to 0.1 km."""
    return sum(
        data.travel_tenths(trainer_id, session.venue)
        for session in sessions
        for trainer_id in dict.fromkeys(session.trainers)
    )


def spread(counts: Iterable[int]) -> int:
    """The largest minus the smallest of the counts (0 for none)."""
    values = list(counts)
    return max(values) - min(values) if values else 0


def district_shares(data: ProblemData, trained: set[str]) -> dict[str, Fraction]:
    """Per district with officers, the share of its officers trained (exact)."""
    counts: Counter[str] = Counter(
        data.officer_by_id[o].district for o in trained if o in data.officer_by_id
    )
    return {
        district: Fraction(counts[district], size)
        for district, size in data.district_sizes.items()
        if size > 0
    }


def ngo_spread(data: ProblemData, sessions: Iterable[PlanSession]) -> int:
    """Objective ``ngo_spread``: over regions, the largest difference between the sessions
    of two NGOs of the region that could take part in at least one session."""
    counts: Counter[str] = Counter(n for session in sessions for n in dict.fromkeys(session.ngos))
    return max((spread(counts[n] for n in ngos) for ngos in data.eligible_ngos.values()), default=0)


def trained_by_course(data: ProblemData, sessions: Iterable[PlanSession]) -> dict[str, int]:
    """Per course (spec 7.1), its members who attend one of its sessions; a session without
    a course is of the first."""
    trained: dict[str, set[str]] = {c.id: set() for c in data.courses}
    for session in sessions:
        course = session.course or data.default_course
        members = trained.setdefault(course, set())
        for officer_id in session.officers:
            officer = data.officer_by_id.get(officer_id)
            if officer is not None and course in data.officer_courses(officer):
                members.add(officer_id)
    return {course: len(ids) for course, ids in trained.items()}


def plan_metrics(data: ProblemData, plan: Plan) -> dict[str, Any]:
    """The spec's metrics of a plan: officers_trained, officers_total, sessions, cost_eur,
    max_trainer_sessions, travel_km, trainer_spread, min_district_share, ngo_spread; and
    ``cost_components``, cost_eur by component (EUR)."""
    trained = {officer for session in plan.sessions for officer in session.officers}
    loads: Counter[str] = Counter(
        t for session in plan.sessions for t in dict.fromkeys(session.trainers)
    )
    breakdown = cost_breakdown_cents(data, plan.sessions)
    cost_cents = sum(sum(parts.values()) for parts in breakdown.values())
    shares = district_shares(data, trained)
    by_course = trained_by_course(data, plan.sessions) if data.staged else {}
    staged_counts = (
        {
            "officers_trained": sum(by_course.values()),
            "officers_total": sum(len(data.course_members(c.id)) for c in data.courses),
            "officers_trained_by_course": by_course,
        }
        if data.staged
        else {}
    )
    return {
        "officers_trained": len(trained),
        "officers_total": len(data.officers),
        **staged_counts,
        "sessions": len(plan.sessions),
        "cost_eur": cost_cents / 100,
        "max_trainer_sessions": max(loads.values(), default=0),
        "travel_km": travel_tenths(data, plan.sessions) / 10,
        "trainer_spread": spread(loads[t] for t in data.eligible_trainers),
        "min_district_share": round(float(min(shares.values(), default=Fraction(1))), 4),
        "ngo_spread": ngo_spread(data, plan.sessions),
        "cost_components": component_totals_eur(breakdown),
    }
