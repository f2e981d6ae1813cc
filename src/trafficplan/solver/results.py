"""The one builder of solver results: a plan from sessions and objective levels, or the
reasons there is none. Used by ``solve``, ``replan`` and the explain module alike."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from trafficplan.inputs.models import MAXIMISED_OBJECTIVES
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import ObjectiveResult, Plan, PlanInputs, PlanSession, Relaxation
from trafficplan.plan.levels import DECIMALS
from trafficplan.plan.metrics import plan_metrics
from trafficplan.solver.api import NO_PLAN_IN_TIME, SolveResult


@dataclass(frozen=True)
class Timing:
    """When a search started (``time.monotonic()``), how long building took, and when the
    first complete plan was found (seconds from the start), if one was."""

    started: float
    build_seconds: float = 0.0
    first_plan_seconds: float | None = None
    proven_at: dict[str, float] = field(default_factory=dict)
    """Seconds from the start when a level's proof was in hand, where known before the end."""


def plan_result(
    data: ProblemData,
    sessions: list[PlanSession],
    levels: Sequence[ObjectiveResult],
    timing: Timing,
    interrupted: bool = False,
    frozen_before: date | None = None,
    replan_levels: Sequence[ObjectiveResult] = (),
    relaxations: Sequence[Relaxation] | None = None,
) -> SolveResult:
    """A result holding the plan of ``sessions``.

    Each of the data's objectives is reported in ``objective`` order: from ``levels`` where
    the search reached it, else with the plan's metric as its value, no bound and not proven.
    The status is ``optimal`` when every level (the minimal-change ``replan_levels`` too) is
    proven, else ``feasible``; ``relaxed`` when ``relaxations`` are given.
    """
    plan = Plan(
        status="feasible",
        inputs=PlanInputs(sha256=dict(data.digests)),
        sessions=sorted(sessions, key=lambda s: (s.date, s.region, s.id)),
        frozen_before=frozen_before,
    )
    metrics = plan_metrics(data, plan)
    objectives = _objectives(data, levels, metrics, replan_levels)
    proven = all(level.proven for level in [*objectives, *replan_levels])
    trained = {o for s in sessions for o in s.officers}
    status = "relaxed" if relaxations is not None else "optimal" if proven else "feasible"
    plan = plan.model_copy(
        update={
            "status": status,
            "objectives": objectives,
            "metrics": metrics,
            "unassigned_officers": sorted(o.id for o in data.officers if o.id not in trained),
            "replan_objectives": list(replan_levels),
            "relaxations": list(relaxations or []),
        }
    )
    return SolveResult(
        status=plan.status,
        plan=plan,
        reasons=[f"{r.message}: {r.give}" for r in relaxations or []],
        interrupted=interrupted,
        build_seconds=timing.build_seconds,
        first_plan_seconds=timing.first_plan_seconds,
        wall_seconds=(wall := time.monotonic() - timing.started),
        proven_seconds={
            level.name: timing.proven_at.get(level.name, wall)
            for level in objectives
            if level.proven
        },
    )


def _objectives(
    data: ProblemData,
    levels: Sequence[ObjectiveResult],
    metrics: dict[str, float],
    replan_levels: Sequence[ObjectiveResult],
) -> list[ObjectiveResult]:
    """Each of the data's objectives in ``objective`` order, as :func:`plan_result` reports
    them."""
    reached = {level.name: level for level in levels}
    objectives = []
    for name in data.constraints.objective_names:
        level = reached.get(name)
        if level is None:
            level = ObjectiveResult(name=name, value=float(metrics[name]), bound=None, proven=False)
        else:
            level = _as_plan_values(level, float(metrics[name]))
        if name == "officers_trained" and level.bound is not None:
            # no relaxation can train more officers than there are
            level = level.model_copy(update={"bound": min(level.bound, float(len(data.officers)))})
        objectives.append(level)
    # a level whose value (its best, when it has a tolerance) meets its bound is optimal,
    # whatever ended its search, once every earlier level is: its bound was proven with the
    # earlier levels held at theirs
    earlier = all(level.proven for level in replan_levels)
    for index, level in enumerate(objectives):
        reached_value = level.best if level.tolerance is not None else level.value
        met = (
            level.bound is not None
            and reached_value is not None
            and (abs(reached_value - level.bound) <= 1e-9 * max(1.0, abs(level.bound)))
        )
        if earlier and met and not level.proven:
            objectives[index] = level = level.model_copy(update={"proven": True})
        earlier = earlier and level.proven
    return objectives


def _as_plan_values(level: ObjectiveResult, value: float) -> ObjectiveResult:
    """The level with the plan's own metric as its value (spec 6.1: ``value`` equals the
    metric), its best and bound rounded as the objective is reported, and what it gave to
    later levels recomputed from them."""
    digits = DECIMALS.get(level.name, 0)
    update: dict[str, float | None] = {"value": value}
    if level.bound is not None and level.name == "min_district_share":
        # a maximised share's bound is rounded up: it must stay a bound
        update["bound"] = math.ceil(level.bound * 10**digits - 1e-9) / 10**digits
    if level.best is not None:
        best = round(level.best, digits)
        given = best - value if level.name in MAXIMISED_OBJECTIVES else value - best
        update["best"] = best
        update["given"] = max(0.0, round(given, digits))
    return level.model_copy(update=update)


def no_plan_in_time(
    started: float, interrupted: bool = False, build_seconds: float = 0.0
) -> SolveResult:
    """An ``unknown`` result: no plan was found within the time limit (or before Ctrl-C)."""
    return no_plan_result(
        "unknown",
        [NO_PLAN_IN_TIME],
        started,
        interrupted=interrupted,
        build_seconds=build_seconds,
    )


def no_plan_result(
    status: str,
    reasons: Sequence[str],
    started: float,
    interrupted: bool = False,
    build_seconds: float = 0.0,
) -> SolveResult:
    """A result without a plan: ``infeasible`` (the reasons say why no plan exists) or
    ``unknown`` (none found in time)."""
    assert status in ("infeasible", "unknown")
    return SolveResult(
        status="infeasible" if status == "infeasible" else "unknown",
        plan=None,
        reasons=list(reasons),
        interrupted=interrupted,
        build_seconds=build_seconds,
        wall_seconds=time.monotonic() - started,
    )
