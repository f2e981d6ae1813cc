"""The plan's worth recomputed from its sessions, and the plan's own claims compared with it.

Cost is the spec's: over all trainer assignments, ``day_rate_eur`` + 2 x road km from the
trainer's home to the venue x ``eur_per_km``.
"""

from __future__ import annotations

import math
from typing import Any

from trafficplan.checker.report import Violation
from trafficplan.checker.view import PlanView, distinct
from trafficplan.inputs.problem import ProblemData

METRIC_NAMES = (
    "officers_trained",
    "officers_total",
    "sessions",
    "cost_eur",
    "max_trainer_sessions",
)
COST_TOLERANCE_EUR = 1.0
COST_TOLERANCE_SHARE = 0.001


def assignment_cost_eur(data: ProblemData, trainer_id: str, venue_id: str) -> float:
    """What one trainer costs for one session: day rate plus the road trip home-venue-home."""
    trainer = data.trainer_by_id[trainer_id]
    eur_per_km = data.constraints.trainers.travel.eur_per_km
    return trainer.day_rate_eur + 2 * data.home_road_km(trainer_id, venue_id) * eur_per_km


def _assignment_costs(view: PlanView) -> list[float]:
    return [
        assignment_cost_eur(view.data, trainer, session.venue)
        for session in view.sessions
        for trainer in distinct(session.trainers)
    ]


def plan_cost_eur(view: PlanView) -> float:
    """The plan's ``cost_eur``: each assignment to the cent, summed (spec section 3)."""
    return sum(round(cost * 100) for cost in _assignment_costs(view)) / 100


def exact_cost_eur(view: PlanView) -> float:
    """The plan's cost without rounding (the ``budget`` rule holds for it)."""
    return sum(_assignment_costs(view))


def recompute_metrics(view: PlanView) -> dict[str, float | int]:
    """``officers_trained``, ``officers_total``, ``sessions``, ``cost_eur`` and
    ``max_trainer_sessions``, from the plan's sessions alone."""
    loads = [len(sessions) for sessions in view.sessions_of_trainer.values()]
    return {
        "officers_trained": len(view.trained_officers()),
        "officers_total": len(view.data.officers),
        "sessions": len(view.sessions),
        "cost_eur": plan_cost_eur(view),
        "max_trainer_sessions": max(loads, default=0),
    }


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
    return claimed == value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return None
    return float(value)


def _show(name: str, value: float) -> str:
    if name == "cost_eur" or not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def claimed_metric_warnings(view: PlanView, metrics: dict[str, float | int]) -> list[Violation]:
    """A ``metrics`` warning for each claimed metric or objective value that differs.

    Claims absent from the plan are not compared; cost agrees within 1 EUR or 0.1 %.
    """
    warnings: list[Violation] = []
    claims: list[tuple[str, str, Any]] = [
        (f"metrics.{name}", name, view.plan.metrics[name])
        for name in METRIC_NAMES
        if name in view.plan.metrics
    ]
    claims += [
        (f"objective {objective.name}", objective.name, objective.value)
        for objective in view.plan.objectives
        if objective.name in metrics and objective.value is not None
    ]
    for label, name, raw in claims:
        claimed = _number(raw)
        if claimed is None:
            message = f"the plan's {label} is {str(raw)[:40]!r}, not a number"
        elif _agrees(name, claimed, float(metrics[name])):
            continue
        else:
            message = (
                f"the plan's {label} is {_show(name, claimed)}, "
                f"but its sessions give {_show(name, float(metrics[name]))}"
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
