"""The plan's worth recomputed from its sessions, and the plan's own claims compared with it.

Cost is the spec's (sections 3 and 6.6), recomputed here item by item from the data files:
per trainer assignment the day rate, the road trip home-venue-home, the per diem and, when the
venue is farther than ``same_evening_km`` from home, a hotel night; per session the venue's
day rate; per person present (officers, trainers, one per NGO) the catering; per officer
trained the travel reimbursement.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from trafficplan.checker.report import Violation
from trafficplan.checker.view import PlanView, distinct
from trafficplan.inputs.dates import in_date_set
from trafficplan.inputs.geo import road_km
from trafficplan.inputs.models import Trainer
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan.metrics import METRIC_NAMES  # the names only: values are recomputed here

COST_TOLERANCE_EUR = 1.0
COST_TOLERANCE_SHARE = 0.001


@dataclass(frozen=True)
class CostItem:
    """One priced thing, ``count`` times over: its region and its exact parts by component.

    The spec prices an item to the cent as a whole (a trainer's day rate, trip, per diem and
    hotel at one session are one item).
    """

    region: str
    parts: dict[str, float]
    count: int = 1

    @property
    def exact_eur(self) -> float:
        """The item's cost without rounding, times its count."""
        return self.count * sum(self.parts.values())

    @property
    def cents(self) -> int:
        """The item to the cent, times its count."""
        return self.count * round(sum(self.parts.values()) * 100)

    def component_cents(self) -> dict[str, int]:
        """The item's cents by component: each part to the cent, the road trip (or the
        only part) taking what rounding leaves, so the parts add up to :attr:`cents`."""
        each = {name: round(value * 100) for name, value in self.parts.items()}
        rest = "trainer_travel" if "trainer_travel" in each else next(iter(each))
        each[rest] = round(sum(self.parts.values()) * 100) - sum(
            value for name, value in each.items() if name != rest
        )
        return {name: self.count * value for name, value in each.items()}


def assignment_parts(data: ProblemData, trainer_id: str, venue_id: str) -> dict[str, float]:
    """What one trainer costs for one session, by component: day rate, the road trip
    home-venue-home, the per diem, and a hotel night when the venue is farther than
    ``same_evening_km`` road km from home."""
    trainer = data.trainer_by_id[trainer_id]
    travel = data.constraints.trainers.travel
    km = data.home_road_km(trainer_id, venue_id)
    return {
        "trainer_fees": trainer.day_rate_eur,
        "trainer_travel": 2 * km * travel.eur_per_km,
        "per_diem": trainer.per_diem_eur,
        "hotel": trainer.hotel_eur if km > travel.same_evening_km else 0.0,
    }


def assignment_cost_eur(data: ProblemData, trainer_id: str, venue_id: str) -> float:
    """What one trainer costs for one session, exactly (the sum of :func:`assignment_parts`)."""
    return sum(assignment_parts(data, trainer_id, venue_id).values())


def cost_items(view: PlanView) -> list[CostItem]:
    """Every cost item of the plan (items that cost nothing included)."""
    data = view.data
    per_person = data.constraints.sessions.per_person_eur
    items: list[CostItem] = []
    for session in view.sessions:
        for trainer in distinct(session.trainers):
            items.append(CostItem(session.region, assignment_parts(data, trainer, session.venue)))
        hire = data.venue_by_id[session.venue].day_rate_eur
        items.append(CostItem(session.region, {"venue_hire": hire}))
        present = (session.officers, session.trainers, session.ngos)
        people = sum(len(distinct(who)) for who in present)
        items.append(CostItem(session.region, {"catering": per_person}, people))
    travel = data.constraints.officers.travel_eur
    for officer_id in sorted(view.trained_officers()):
        region = data.officer_by_id[officer_id].region
        items.append(CostItem(region, {"officer_travel": travel}))
    return items


def plan_cost_eur(view: PlanView) -> float:
    """The plan's ``cost_eur``: each item to the cent, summed (spec sections 3 and 6.6)."""
    return sum(item.cents for item in cost_items(view)) / 100


def exact_cost_eur(view: PlanView) -> float:
    """The plan's cost without rounding (the ``budget`` rule holds for it)."""
    return sum(item.exact_eur for item in cost_items(view))


def region_costs(view: PlanView) -> dict[str, dict[str, float]]:
    """The plan's cost per region of the data and component (every one), in EUR to the cent."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COST_COMPONENTS, 0))
    for region in view.data.regions:
        totals[region.id] = dict.fromkeys(COST_COMPONENTS, 0)
    for item in cost_items(view):
        for name, amount in item.component_cents().items():
            totals[item.region][name] += amount
    return {
        region: {name: amount / 100 for name, amount in parts.items()}
        for region, parts in totals.items()
    }


def cost_components(costs: dict[str, dict[str, float]]) -> dict[str, float]:
    """Per component, the sum of :func:`region_costs` over the regions, to the cent."""
    return {
        name: round(sum(parts[name] for parts in costs.values()), 2) for name in COST_COMPONENTS
    }


def _free_session_days(data: ProblemData, region_id: str) -> list[date]:
    """Working days of the window with a venue of the region free."""
    venues = data.region_by_id[region_id].venues
    return [
        day
        for day in data.calendar.working_days
        if any(not in_date_set(day, venue.unavailable) for venue in venues)
    ]


def _could_teach(data: ProblemData, trainer: Trainer) -> bool:
    """Whether the trainer could teach at least one session of the window."""
    for region in data.regions:
        if trainer.regions is not None and region.id not in trainer.regions:
            continue
        if any(
            not in_date_set(d, trainer.unavailable) for d in _free_session_days(data, region.id)
        ):
            return True
    return False


def travel_km(view: PlanView) -> float:
    """``travel_km``: per trainer assignment 2 x road km home-venue, each to 0.1 km."""
    tenths = 0
    for session in view.sessions:
        venue = view.data.venue_by_id[session.venue]
        point = (venue.location.lat, venue.location.lon) if venue.location else None
        if point is None:
            centre = view.data.region_by_id[session.region].centre
            point = (centre.lat, centre.lon)
        factor = view.data.constraints.trainers.travel.road_factor
        for trainer_id in distinct(session.trainers):
            home = view.data.trainer_by_id[trainer_id].home
            tenths += round(2 * road_km((home.lat, home.lon), point, factor) * 10)
    return tenths / 10


def trainer_spread(view: PlanView) -> int:
    """``trainer_spread``: most minus fewest sessions over the trainers who could teach."""
    loads = [
        len(view.sessions_of_trainer.get(t.id, []))
        for t in view.data.trainers
        if _could_teach(view.data, t)
    ]
    return max(loads) - min(loads) if loads else 0


def min_district_share(view: PlanView) -> float:
    """``min_district_share``: the smallest share of a district's officers trained, over
    districts with officers (to 4 decimals; 1 when there are none)."""
    trained = view.trained_officers()
    per_district: dict[str, list[bool]] = defaultdict(list)
    for officer in view.data.officers:
        per_district[officer.district].append(officer.id in trained)
    shares = [Fraction(sum(flags), len(flags)) for flags in per_district.values()]
    return round(float(min(shares, default=Fraction(1))), 4)


def ngo_spread(view: PlanView) -> int:
    """``ngo_spread``: over regions, the largest difference between the sessions of two of
    its NGOs that could take part in at least one session."""
    worst = 0
    for region in view.data.regions:
        days = _free_session_days(view.data, region.id)
        counts = [
            sum(1 for s in view.sessions if ngo.id in distinct(s.ngos))
            for ngo in region.ngos
            if any(not in_date_set(d, ngo.unavailable) for d in days)
        ]
        if counts:
            worst = max(worst, max(counts) - min(counts))
    return worst


def recompute_metrics(view: PlanView) -> dict[str, float | int]:
    """Every metric of :data:`METRIC_NAMES`, from the plan's sessions alone."""
    loads = [len(sessions) for sessions in view.sessions_of_trainer.values()]
    trained, total = len(view.trained_officers()), len(view.data.officers)
    if view.data.staged:
        # a programme in stages: each course an officer is trained in counts
        trained = sum(_course_trained(view).values())
        total = sum(len(view.data.course_members(c.id)) for c in view.data.courses)
    return {
        "officers_trained": trained,
        "officers_total": total,
        "sessions": len(view.sessions),
        "cost_eur": plan_cost_eur(view),
        "max_trainer_sessions": max(loads, default=0),
        "travel_km": travel_km(view),
        "trainer_spread": trainer_spread(view),
        "min_district_share": min_district_share(view),
        "ngo_spread": ngo_spread(view),
    }


def _course_trained(view: PlanView) -> dict[str, int]:
    """Per course, its members attending one of its sessions."""
    data = view.data
    result = {}
    for course in data.courses:
        members = {o.id for o in data.course_members(course.id)}
        result[course.id] = len(
            {
                o
                for s in view.sessions
                if view.course_of(s) == course.id
                for o in s.officers
                if o in members
            }
        )
    return result


def region_metrics(view: PlanView) -> dict[str, dict[str, int]]:
    """Per region: its sessions, its officers trained and its officers in all."""
    trained = view.trained_officers()
    result: dict[str, dict[str, int]] = {}
    for region in view.data.regions:
        officers = view.data.officers_by_region[region.id]
        result[region.id] = {
            "sessions": len(view.sessions_of_region.get(region.id, [])),
            "officers_trained": sum(1 for o in officers if o.id in trained),
            "officers_total": len(officers),
        }
    return result


def _agrees(name: str, claimed: float, value: float) -> bool:
    if name == "cost_eur":
        allowed = max(COST_TOLERANCE_EUR, COST_TOLERANCE_SHARE * abs(value))
        return abs(claimed - value) <= allowed
    if name == "travel_km":
        return abs(claimed - value) <= max(0.1, COST_TOLERANCE_SHARE * abs(value))
    if name == "min_district_share":
        return abs(claimed - value) <= 0.00005 + 1e-12
    return claimed == value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return None
    return float(value)


def _show(name: str, value: float) -> str:
    if name == "min_district_share":
        return f"{value:.4f}"
    if name == "travel_km":
        return f"{value:,.1f}"
    if name == "cost_eur" or not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def claimed_metric_warnings(
    view: PlanView, metrics: dict[str, float | int], components: dict[str, float] | None = None
) -> list[Violation]:
    """A ``metrics`` warning for each claimed metric, cost component or objective value that
    differs from the recomputed one (``components``: cost by component, when compared).

    Claims absent from the plan are not compared; costs agree within 1 EUR or 0.1 %.
    """
    warnings: list[Violation] = []
    # (label, metric name, claimed value, recomputed value)
    claims: list[tuple[str, str, Any, float]] = [
        (f"metrics.{name}", name, view.plan.metrics[name], float(metrics[name]))
        for name in METRIC_NAMES
        if name in view.plan.metrics
    ]
    claimed_parts = view.plan.metrics.get("cost_components")
    if components is not None and isinstance(claimed_parts, dict):
        claims += [
            (f"metrics.cost_components.{name}", "cost_eur", claimed_parts[name], value)
            for name, value in components.items()
            if name in claimed_parts
        ]
    claims += [
        (f"objective {o.name}", o.name, o.value, float(metrics[o.name]))
        for o in view.plan.objectives
        if o.name in metrics and o.value is not None
    ]
    for label, name, raw, value in claims:
        claimed = _number(raw)
        if claimed is None:
            message = f"the plan's {label} is {str(raw)[:40]!r}, not a number"
        elif _agrees(name, claimed, value):
            continue
        else:
            message = (
                f"the plan's {label} is {_show(name, claimed)}, "
                f"but its sessions give {_show(name, value)}"
            )
        warnings.append(_warning("metrics", message))
    return warnings


def _listed(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def unassigned_warnings(view: PlanView) -> list[Violation]:
    """A ``metrics`` warning unless ``unassigned_officers`` lists exactly the officers without
    a session, each once."""
    trained = view.trained_officers()
    listed = view.plan.unassigned_officers
    listed_set = set(listed)
    attending = [o for o in distinct(listed) if o in trained]
    missing = [o.id for o in view.data.officers if o.id not in trained and o.id not in listed_set]
    repeated = [o for o in distinct(listed) if listed.count(o) > 1]
    found = [
        (attending, "lists {count} officers who attend a session"),
        (missing, "misses {count} officers without a session"),
        (repeated, "lists {count} officers more than once"),
    ]
    return [
        _warning("metrics", f"unassigned_officers {what.format(count=len(ids))}: {_listed(ids)}")
        for ids, what in found
        if ids
    ]


def _warning(rule: str, message: str) -> Violation:
    """A warning about the whole plan (no session, person or day)."""
    return Violation(rule, None, None, None, message)


def digest_warnings(view: PlanView) -> list[Violation]:
    """An ``inputs`` warning naming the data files that differ from those the plan was made
    from (nothing when the plan records no digests)."""
    recorded = view.plan.inputs.sha256
    if not recorded or not view.data.digests:
        return []
    changed = [
        name
        for name, digest in sorted(view.data.digests.items())
        if name in recorded and recorded[name] != digest
    ]
    unrecorded = [name for name in sorted(view.data.digests) if name not in recorded]
    warnings: list[Violation] = []
    if changed:
        listed = ", ".join(changed)
        message = f"the plan was made from other data: {listed} changed since (sha256 differs)"
        warnings.append(_warning("inputs", message))
    if unrecorded:
        warnings.append(
            _warning("inputs", f"the plan records no digest of {', '.join(unrecorded)}")
        )
    return warnings
