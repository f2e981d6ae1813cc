"""``check_plan``: run every rule over a plan and gather the report."""

from __future__ import annotations

from dataclasses import replace

from trafficplan.checker.attendance import (
    as_held_figures,
    attendance_metrics,
    held_session_warnings,
    what_happened,
)
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
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan
from trafficplan.plan.format import unknown_id_problems
from trafficplan.rulebook import BUDGET, MAX_TOTAL, RULES


def check_plan(data: ProblemData, plan: Plan, attendance: Attendance | None = None) -> CheckReport:
    """Check a plan against every hard rule of the spec, independently of the solver.

    Rules broken only by sessions before ``plan.frozen_before`` become warnings. Warnings
    also flag data files that differ from those the plan was made from, claimed metrics that
    differ from the recomputed ones, and an ``unassigned_officers`` list that is not exactly
    the officers without a session.

    Args:
        data: the loaded data folder.
        plan: the plan; its ids should already be known to the data (``require_known_ids``).
        attendance: the sign-in sheets of held sessions (``attendance.csv``), if any: what
            happened in a held session is a warning of rule ``attendance``, never an error,
            the metrics gain ``officers_attended`` and ``no_shows``, and the report's
            ``as_held`` gives the figures of the plan as it happened (officers trained, the
            cost of who came).

    Returns:
        The report: ``valid`` is True exactly when ``violations`` is empty.

    Raises:
        PlanFileError: the plan names a region, venue, trainer, NGO or officer the data do
            not know (exit 3).
    """
    unknown = unknown_id_problems(data, plan.sessions, lambda _s, kind, ids: f"{kind} {ids[0]!r}")
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise PlanFileError(f"plan: unknown {unknown[0]}{more}")
    view = PlanView(data, plan)
    violations: list[Violation] = []
    frozen: list[Violation] = []
    happened: list[Violation] = []
    checked = tuple(rule for rule, _ in RULE_CHECKS if data.staged or rule != "course_order")
    for rule, check in RULE_CHECKS:
        if rule not in checked:
            continue
        for found in check(view):
            violation = replace(found, subject=found.subject or _subject(view, found))
            as_warnings = what_happened(attendance, violation) if attendance else None
            if as_warnings is not None:
                happened += as_warnings
            elif _in_frozen_past(violation, plan):
                frozen.append(
                    replace(
                        violation,
                        message=f"{violation.message} (frozen past, before {plan.frozen_before})",
                    )
                )
            else:
                violations.append(violation)
    metrics = recompute_metrics(view)
    as_held = None
    if attendance is not None:
        metrics.update(attendance_metrics(attendance))
        happened += held_session_warnings(view, attendance)
        as_held = as_held_figures(view, attendance)
    costs = region_costs(view)
    components = cost_components(costs)
    warnings = [
        *digest_warnings(view),
        *happened,
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
        as_held=as_held,
        rules_checked=checked,
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


def is_error(violation: Violation, plan: Plan, attendance: Attendance | None = None) -> bool:
    """Whether :func:`check_plan` reports this violation of ``plan`` as an error: not what
    happened in a held session (``attendance``) and not inside the frozen past."""
    if attendance is not None and what_happened(attendance, violation) is not None:
        return False
    return not _in_frozen_past(violation, plan)
