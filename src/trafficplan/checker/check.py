"""``check_plan``: run every rule over a plan and gather the report."""

from __future__ import annotations

from dataclasses import replace

from trafficplan.checker.metrics import (
    claimed_metric_warnings,
    cost_components,
    digest_warnings,
    recompute_metrics,
    region_costs,
    region_metrics,
    unassigned_warnings,
)
from trafficplan.checker.report import CheckReport, Violation
from trafficplan.checker.rules import RULE_CHECKS
from trafficplan.checker.view import PlanView
from trafficplan.errors import PlanFileError
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan
from trafficplan.rulebook import BUDGET, MAX_TOTAL, RULES


def _unknown_ids(data: ProblemData, plan: Plan) -> list[str]:
    unknown: list[str] = []
    for session in plan.sessions:
        if session.region not in data.region_by_id:
            unknown.append(f"region {session.region!r}")
        if session.venue not in data.venue_by_id:
            unknown.append(f"venue {session.venue!r}")
        unknown += [f"trainer {t!r}" for t in session.trainers if t not in data.trainer_by_id]
        unknown += [f"NGO {n!r}" for n in session.ngos if n not in data.ngo_by_id]
        unknown += [f"officer {o!r}" for o in session.officers if o not in data.officer_by_id]
    return unknown


def check_plan(data: ProblemData, plan: Plan) -> CheckReport:
    """Check a plan against every hard rule of the spec, independently of the solver.

    Rules broken only by sessions before ``plan.frozen_before`` become warnings. Warnings
    also flag data files that differ from those the plan was made from, claimed metrics that
    differ from the recomputed ones, and an ``unassigned_officers`` list that is not exactly
    the officers without a session.

    Args:
        data: the loaded data folder.
        plan: the plan; its ids should already be known to the data (``require_known_ids``).

    Returns:
        The report: ``valid`` is True exactly when ``violations`` is empty.

    Raises:
        PlanFileError: the plan names a region, venue, trainer, NGO or officer the data do
            not know (exit 3).
    """
    unknown = _unknown_ids(data, plan)
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise PlanFileError(f"plan: unknown {unknown[0]}{more}")
    view = PlanView(data, plan)
    violations: list[Violation] = []
    frozen: list[Violation] = []
    for _rule, check in RULE_CHECKS:
        for found in check(view):
            violation = replace(found, subject=found.subject or _subject(view, found))
            if _in_frozen_past(violation, plan):
                frozen.append(
                    replace(
                        violation,
                        message=f"{violation.message} (frozen past, before {plan.frozen_before})",
                    )
                )
            else:
                violations.append(violation)
    metrics = recompute_metrics(view)
    costs = region_costs(view)
    components = cost_components(costs)
    warnings = [
        *digest_warnings(view),
        *frozen,
        *claimed_metric_warnings(view, metrics, components),
        *unassigned_warnings(view),
    ]
    return CheckReport(
        valid=not violations,
        violations=violations,
        warnings=warnings,
        metrics=metrics,
        claimed_metrics=dict(plan.metrics),
        region_metrics=region_metrics(view),
        cost_components=components,
        region_costs=costs,
    )


def _subject(view: PlanView, violation: Violation) -> str | None:
    """The rule item a violation breaks, of the kind the rulebook gives its rule."""
    kind = RULES[violation.rule].subject
    if kind == "session":
        return violation.session
    if kind == "budget":
        return BUDGET
    if kind == "region":
        if violation.rule == "counts":
            return violation.who or MAX_TOTAL
        if violation.session is not None:
            return view.session_by_id[violation.session].region
    return violation.who


def _in_frozen_past(violation: Violation, plan: Plan) -> bool:
    # A violation's date is the latest day of the sessions it involves, so "before the
    # frozen date" means every one of them is; rules without a day are never frozen.
    return (
        plan.frozen_before is not None
        and violation.date is not None
        and violation.date < plan.frozen_before
    )
