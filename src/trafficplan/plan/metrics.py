"""Plan metrics (spec section 3), recomputed from a plan and the data — never copied from a
solver. The checker computes its own independently and compares."""

from __future__ import annotations

from collections import Counter
from typing import Any

from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan

METRIC_NAMES = (
    "officers_trained",
    "officers_total",
    "sessions",
    "cost_eur",
    "max_trainer_sessions",
)
"""The keys of :func:`plan_metrics`, in order."""


def assignment_cost_eur(data: ProblemData, trainer_id: str, venue_id: str) -> float:
    """EUR of one trainer assignment (day rate + 2 x road km home-venue x eur_per_km), to the
    cent."""
    return data.assignment_cost_cents(trainer_id, venue_id) / 100


def plan_metrics(data: ProblemData, plan: Plan) -> dict[str, Any]:
    """The spec's metrics of a plan: officers_trained, officers_total, sessions, cost_eur,
    max_trainer_sessions."""
    trained = {officer for session in plan.sessions for officer in session.officers}
    loads: Counter[str] = Counter(t for session in plan.sessions for t in session.trainers)
    cost_cents = sum(
        data.assignment_cost_cents(trainer, session.venue)
        for session in plan.sessions
        for trainer in session.trainers
    )
    return {
        "officers_trained": len(trained),
        "officers_total": len(data.officers),
        "sessions": len(plan.sessions),
        "cost_eur": cost_cents / 100,
        "max_trainer_sessions": max(loads.values(), default=0),
    }
