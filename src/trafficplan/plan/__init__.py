"""The plan: its file format (plain data), its metrics, and the change between two plans.

- :mod:`trafficplan.plan.format`: ``plan.json`` (``trafficplan-plan/1``), reading, writing,
  unknown ids; re-exported here.
- :mod:`trafficplan.plan.metrics`: the spec's metrics, recomputed from a plan and the data.
- :mod:`trafficplan.plan.changes`: what changed between two plans, session by session
  (``replan``'s change list, ``whatif``'s moved sessions).
- :mod:`trafficplan.plan.held`: a plan as it happened, held sessions listing who came.
"""

from trafficplan.plan.format import (
    PLAN_FORMAT,
    ObjectiveResult,
    Plan,
    PlanEdit,
    PlanInputs,
    PlanSession,
    PlanStatus,
    Relaxation,
    parse_plan,
    plan_id_problems,
    read_plan,
    require_known_ids,
    unknown_id_problems,
    write_plan,
)

__all__ = [
    "PLAN_FORMAT",
    "ObjectiveResult",
    "Plan",
    "PlanEdit",
    "PlanInputs",
    "PlanSession",
    "PlanStatus",
    "Relaxation",
    "parse_plan",
    "plan_id_problems",
    "read_plan",
    "require_known_ids",
    "unknown_id_problems",
    "write_plan",
]
