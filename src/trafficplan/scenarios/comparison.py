"""Two solve outcomes side by side: their metrics, the differences, and the sessions that moved.

Used by ``trafficplan whatif`` (baseline versus scenario). Metrics are recomputed from each plan
against its own data (a scenario may change rates, distances or officers), never copied from
the solver.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trafficplan.diagnostics.limits import TrainingLimits, training_limits
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan import ObjectiveResult, Plan, PlanSession
from trafficplan.plan.changes import SessionChange, diff_plans
from trafficplan.plan.metrics import METRIC_NAMES, plan_metrics

if TYPE_CHECKING:  # importing the solver package loads OR-Tools; only its type is needed here
    from trafficplan.solver.api import SolveResult


@dataclass
class Outcome:
    """One side of a comparison: how the solve ended and what its plan is worth.

    ``metrics`` and ``trained_by_region`` are None when the side has no plan.
    """

    status: str
    reasons: list[str] = field(default_factory=list)
    plan: Plan | None = None
    metrics: dict[str, Any] | None = None
    trained_by_region: dict[str, int] | None = None
    officers_by_region: dict[str, int] = field(default_factory=dict)
    objectives: list[ObjectiveResult] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    training_limits: TrainingLimits | None = None
    """What keeps ``officers_trained`` below the officers (None: everyone trained, or no
    plan)."""

    @property
    def has_plan(self) -> bool:
        """Whether this side has a plan to compare."""
        return self.plan is not None

    def cost_component(self, name: str) -> float | None:
        """The plan's cost in one component (EUR), None without a plan."""
        if self.metrics is None:
            return None
        return float((self.metrics.get("cost_components") or {}).get(name, 0.0))

    def to_json(self) -> dict[str, Any]:
        """This side as a JSON-ready dict (without the plan's sessions)."""
        return {
            "status": self.status,
            "reasons": list(self.reasons),
            "metrics": self.metrics,
            "trained_by_region": self.trained_by_region,
            "officers_by_region": dict(self.officers_by_region),
            "objectives": [{**o.to_dict(), "gap": o.gap} for o in self.objectives],
            "seconds": round(self.seconds, 2),
            "interrupted": self.interrupted,
            "training_limits": None
            if self.training_limits is None
            else self.training_limits.to_json(),
        }


def outcome_of(result: SolveResult, data: ProblemData) -> Outcome:
    """Summarise a solve result against the data it was solved for."""
    outcome = Outcome(
        status=result.status,
        reasons=list(result.reasons),
        seconds=result.wall_seconds,
        interrupted=result.interrupted,
    )
    return _with_plan(outcome, result.plan, data)


def plan_outcome(plan: Plan, data: ProblemData) -> Outcome:
    """An existing plan (a published one) as one side of a comparison."""
    return _with_plan(Outcome(status=plan.status), plan, data)


def _with_plan(outcome: Outcome, plan: Plan | None, data: ProblemData) -> Outcome:
    officers_by_region = {r: len(officers) for r, officers in data.officers_by_region.items()}
    outcome.officers_by_region = officers_by_region
    if plan is None:
        return outcome
    outcome.plan = plan
    outcome.metrics = plan_metrics(data, plan)
    outcome.objectives = list(plan.objectives)
    trained: dict[str, set[str]] = {region: set() for region in officers_by_region}
    for session in plan.sessions:
        trained.setdefault(session.region, set()).update(session.officers)
    outcome.trained_by_region = {region: len(ids) for region, ids in trained.items()}
    outcome.training_limits = training_limits(plan, data)
    return outcome


def metric_delta(baseline: Outcome, scenario: Outcome) -> dict[str, Any]:
    """Scenario minus baseline for every metric, every cost component (``cost_components``)
    and every region's officers trained.

    Values are None where either side has no plan.
    """
    delta: dict[str, Any] = {}
    for name in METRIC_NAMES:
        old = baseline.metrics.get(name) if baseline.metrics else None
        new = scenario.metrics.get(name) if scenario.metrics else None
        delta[name] = _difference(old, new)
    delta["cost_components"] = {
        name: _difference(baseline.cost_component(name), scenario.cost_component(name))
        for name in COST_COMPONENTS
    }
    regions = sorted(set(baseline.officers_by_region) | set(scenario.officers_by_region))
    delta["trained_by_region"] = {
        region: _difference(
            (baseline.trained_by_region or {}).get(region)
            if baseline.trained_by_region is not None
            else None,
            (scenario.trained_by_region or {}).get(region)
            if scenario.trained_by_region is not None
            else None,
        )
        for region in regions
    }
    return delta


def _difference(old: Any, new: Any) -> Any:
    if old is None or new is None:
        return None
    difference = new - old
    return round(difference, 2) if isinstance(difference, float) else difference


# ----- sessions that moved -----------------------------------------------------------------------
def moved_sessions(before: Plan, after: Plan) -> list[SessionChange]:
    """Sessions added, removed or changed (date, venue, trainers, NGOs, number of officers).

    The two plans come from separate solves: sessions are paired by id, then by region and
    date order (:func:`~trafficplan.plan.changes.diff_plans`). Sorted by region, then by date.
    """
    return sorted(diff_plans(before, after, independent=True), key=lambda change: change.region)


def moved_json(change: SessionChange) -> dict[str, Any]:
    """One moved session as ``whatif`` reports it, JSON-ready (officers as their number)."""
    return {
        "kind": change.kind,
        "region": change.region,
        "session": change.session_id,
        "changed": list(change.changed),
        "before": _session_json(change.before),
        "after": _session_json(change.after),
    }


def _session_json(session: PlanSession | None) -> dict[str, Any] | None:
    if session is None:
        return None
    return {
        "id": session.id,
        "date": session.date.isoformat(),
        "venue": session.venue,
        "trainers": list(session.trainers),
        "ngos": list(session.ngos),
        "officers": len(session.officers),
    }


def change_counts(changes: list[SessionChange]) -> dict[str, int]:
    """How many sessions were added, removed and changed."""
    counts = Counter(change.kind for change in changes)
    return {kind: counts.get(kind, 0) for kind in ("added", "removed", "changed")}
