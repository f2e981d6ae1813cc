"""A plan changed by hand, session by session, with its figures and claims made true again.

Used where a user picks a change to one session (``--apply-alternative`` of ``whatif --plan``
and ``replan``): the sessions are the user's, everything the plan says about them is
recomputed here, so that ``check`` finds no claim that its sessions do not bear out.

What stays claimed of each objective level (spec 3, 6.1), in the plan's order: a level keeps
its bound while every level before it still keeps its promise (a level held at its best has
the same value; a level with a tolerance is still within its allowance of its best), since
the bound was proven for exactly those plans. A held level whose value changed, or a
tolerant level beyond its allowance, keeps its bound but breaks the promise the later levels
were proven under: from there on, the levels report their value only (no bound, not proven).
The plan is ``optimal`` only when every level is still proven, else ``feasible``.
"""

from __future__ import annotations

from collections.abc import Iterable

from trafficplan.inputs.problem import ProblemData
from trafficplan.plan.format import ObjectiveResult, Plan, PlanSession
from trafficplan.plan.levels import LevelClaim, decimals, level_claims, same
from trafficplan.plan.metrics import plan_metrics


def edited_plan(data: ProblemData, old: Plan, sessions: Iterable[PlanSession]) -> Plan:
    """``old`` with ``sessions`` as its sessions: metrics recomputed (keys the recomputation
    does not give, such as attendance figures, kept), ``unassigned_officers`` the officers of
    the data without a session (in the order of ``officers.csv``), the objective levels
    restated (:func:`restated_objectives`) and the status they allow. ``replan_objectives``
    described a re-plan these sessions no longer are, so they are left out; everything else
    (inputs, edits, ``frozen_before``) is kept."""
    new_sessions = list(sessions)
    draft = old.model_copy(update={"sessions": new_sessions})
    metrics = plan_metrics(data, draft)
    seated = {officer for session in new_sessions for officer in session.officers}
    objectives = restated_objectives(old.objectives, metrics)
    claims = level_claims(objectives)
    status = "optimal" if claims and all(claim.proven for claim in claims) else "feasible"
    return old.model_copy(
        update={
            "sessions": new_sessions,
            "metrics": {**old.metrics, **metrics},
            "unassigned_officers": [o.id for o in data.officers if o.id not in seated],
            "objectives": objectives,
            "replan_objectives": [],
            "status": status,
        }
    )


def restated_objectives(
    levels: list[ObjectiveResult], metrics: dict[str, object]
) -> list[ObjectiveResult]:
    """The objective levels of a plan whose sessions now give ``metrics``: what may still be
    claimed of each (see the module's docstring)."""
    restated: list[ObjectiveResult] = []
    intact = True
    for claim, level in zip(level_claims(levels), levels, strict=True):
        raw = metrics.get(level.name)
        value = float(raw) if isinstance(raw, int | float) else level.value
        if not intact or value is None:
            restated.append(ObjectiveResult(name=level.name, value=value, bound=None, proven=False))
            continue
        if claim.tolerant:
            kept = _within_allowance(claim, value)
            if kept is not None:
                restated.append(kept)
                continue
            intact = False
        elif not same(level.name, value, level.value):
            intact = False
        else:
            restated.append(level.model_copy(update={"value": value}))
            continue
        bound = level.bound if _may_bound(claim, value) else None
        proven = same(level.name, value, bound)
        restated.append(ObjectiveResult(name=level.name, value=value, bound=bound, proven=proven))
    return restated


def _may_bound(claim: LevelClaim, value: float) -> bool:
    """Whether the level's bound can still bound a plan of this value (a value better than
    the bound shows that it was none)."""
    if claim.bound is None or same(claim.name, value, claim.bound):
        return claim.bound is not None
    return value < claim.bound if claim.maximised else value > claim.bound


def _within_allowance(claim: LevelClaim, value: float) -> ObjectiveResult | None:
    """The tolerant level with its new value, when that is still within the allowance of its
    best (a value better than a best that is not proven becomes the best); else None."""
    assert claim.best is not None
    best = claim.best
    moved = best - value if claim.maximised else value - best
    allowance = claim.allowance
    if allowance is not None and moved > allowance and not same(claim.name, moved, allowance):
        return None
    if moved < 0:
        if claim.proven and not same(claim.name, value, best):
            return None  # better than a proven best: the claims it came with do not hold
        best, moved = value, 0.0
    return ObjectiveResult(
        name=claim.name,
        value=value,
        bound=claim.bound,
        proven=claim.proven_flag,
        tolerance=claim.tolerance,
        best=best,
        given=round(max(0.0, moved), decimals(claim.name)),
    )
