"""Plan, or say why not: the pre-check -> solve -> relax -> explain sequence in one place.

:func:`plan_or_explain` is what ``solve``, ``whatif`` and ``capacity`` run: the counting
pre-checks (an error among them proves that no plan exists, so there is no search), the
solver, on data that admit no plan the relaxation when asked for, and the explanation when
asked for. :func:`explain_no_plan` is the ``explain`` command's flow. Both return plain data;
the reason lines are worded here, once, for every caller.

The solver package is imported when a function runs, never when this module is imported: it
loads OR-Tools, which commands that do not solve should not pay for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trafficplan.diagnostics.prechecks import ERROR, Finding, diagnose
from trafficplan.inputs.problem import ProblemData

if TYPE_CHECKING:
    from trafficplan.plan import Plan
    from trafficplan.solver import Explanation, SolveOptions, SolveResult
    from trafficplan.solver.api import SolveStatus

Stage = Callable[[str], None]
"""Called with a short line when a new stage begins (for a live status line)."""

PRECHECKED_EXPLAIN_SECONDS = 15.0
"""At most this long for the conflict search of ``explain`` once a pre-check has proven that
no plan exists: the conflict only adds detail to a reason already known."""

NO_CULPRIT = "no rule or data item alone was found to blame within the time limit"
INTERRUPTED = "interrupted before any plan was found"
NO_PLAN_IN_TIME = "no plan found within the time limit"


@dataclass
class PlanOutcome:
    """What :func:`plan_or_explain` found.

    Attributes:
        status: the solver's status (``optimal``, ``feasible``, ``relaxed``, ``infeasible``,
            ``unknown``); ``infeasible`` also when a pre-check proved it without a search.
        result: the last solver result (the relaxation's when one ran), or None when the
            pre-checks proved that no plan exists and nothing was searched.
        findings: every pre-check finding, errors first, then warnings.
        explanation: the conflicting rule items, when an explanation was searched for.
        reasons: one line each. Without a plan: why not (pre-check errors, the solver's
            reasons, or the conflict); with a plan: the solver's notes (for a relaxed plan,
            what gave).
    """

    status: SolveStatus
    result: SolveResult | None
    findings: list[Finding] = field(default_factory=list)
    explanation: Explanation | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def plan(self) -> Plan | None:
        """The plan found (status ``optimal``, ``feasible`` or ``relaxed``), else None."""
        return self.result.plan if self.result is not None else None

    @property
    def prechecked(self) -> bool:
        """A pre-check error proves that the data admit no plan."""
        return any(f.severity == ERROR for f in self.findings)

    @property
    def interrupted(self) -> bool:
        """The search was stopped (``options.stop``) before it finished; its best plan is kept."""
        return self.result is not None and self.result.interrupted


@dataclass
class ExplainOutcome:
    """What :func:`explain_no_plan` found.

    Attributes:
        findings: every pre-check finding, errors first, then warnings.
        explanation: the conflicting rule items (``feasible`` when the data admit a plan).
        interrupted: ``options.stop`` was set before the search finished.
    """

    findings: list[Finding]
    explanation: Explanation
    interrupted: bool = False

    @property
    def prechecked(self) -> bool:
        """A pre-check error proves that the data admit no plan."""
        return any(f.severity == ERROR for f in self.findings)

    @property
    def decided(self) -> bool:
        """Whether the answer is known: a plan exists, or a conflict or a pre-check error says
        why none does. False when the search ran out of time without either."""
        return self.explanation.feasible or bool(self.explanation.items) or self.prechecked


def precheck_lines(findings: list[Finding]) -> list[str]:
    """The pre-check errors (each proves that no plan exists) as ``<rule>: <message>`` lines."""
    return [f"{f.rule}: {f.message}" for f in findings if f.severity == ERROR]


def conflict_lines(explanation: Explanation) -> list[str]:
    """The conflicting rule items as lines, each with how much it must give when measured;
    no lines when there is no conflict."""
    if not explanation.items:
        return []
    return ["these rules and data items conflict:"] + [
        f"{item.rule}: {item.message}" + (f" (must give: {item.give})" if item.give else "")
        for item in explanation.items
    ]


def default_explain_seconds(time_limit: float) -> float:
    """The time a failed solve gives the search for conflicting rules: a fraction of a long
    solve is enough, and a short one still gets a few seconds."""
    return min(30.0, max(5.0, time_limit))


def plan_or_explain(
    data: ProblemData,
    options: SolveOptions,
    *,
    relax: bool = False,
    explain: bool = True,
    explain_seconds: float | None = None,
    on_stage: Stage | None = None,
) -> PlanOutcome:
    """Plan the data, or say why there is no plan.

    Pre-checks first: an error proves that no plan exists, and then nothing is searched.
    Otherwise the solver runs with ``options``. On data that admit no plan, ``relax`` looks
    for the best partial plan of a relaxation (status ``relaxed``). When there is still no
    plan and nothing says why, ``explain`` searches for the conflicting rule items.

    Args:
        data: the validated data.
        options: the search settings; its ``stop`` event stops every stage, its ``progress``
            callback sees the plan and relaxation searches (not the explanation's).
        relax: on infeasible data, return a relaxed plan instead of none.
        explain: on infeasible data with no reason yet, search for the conflicting rule
            items; the solver's lines that point to ``trafficplan explain`` are then dropped.
        explain_seconds: seconds for that search (default: :func:`default_explain_seconds`
            of the time limit).
        on_stage: called with a short line when a new stage begins.

    Returns:
        The status, the solver's result and plan, the pre-check findings, the explanation
        (when searched for) and the reason lines.
    """
    from trafficplan.solver import explain_infeasibility, solve, solve_relaxed
    from trafficplan.solver.api import EXPLAIN_POINTER

    findings = diagnose(data)
    prechecks = precheck_lines(findings)
    result: SolveResult | None = None if prechecks else solve(data, options)
    if relax and (result is None or result.status == "infeasible"):
        if on_stage is not None:
            on_stage("no plan keeps every rule: looking for the best partial plan…")
        result = solve_relaxed(data, options)
    outcome = PlanOutcome(
        status="infeasible" if result is None else result.status,
        result=result,
        findings=findings,
    )

    solver_reasons = list(result.reasons) if result is not None else []
    if outcome.plan is not None:
        outcome.reasons = solver_reasons
    elif outcome.status == "infeasible":
        if explain:
            solver_reasons = [r for r in solver_reasons if EXPLAIN_POINTER not in r]
        outcome.reasons = [*prechecks, *solver_reasons]
        if explain and not outcome.reasons:
            seconds = (
                default_explain_seconds(options.time_limit)
                if explain_seconds is None
                else explain_seconds
            )
            if on_stage is not None:
                on_stage(f"looking for conflicting rules (up to {seconds:g} s)…")
            quiet = dataclasses.replace(options, time_limit=seconds, progress=None)
            outcome.explanation = explain_infeasibility(data, quiet)
            outcome.reasons = conflict_lines(outcome.explanation) or [NO_CULPRIT]
    elif outcome.interrupted or options.stop.is_set():
        outcome.reasons = [INTERRUPTED]
    else:
        outcome.reasons = solver_reasons or [NO_PLAN_IN_TIME]
    return outcome


def explain_no_plan(
    data: ProblemData, options: SolveOptions, *, on_stage: Stage | None = None
) -> ExplainOutcome:
    """Why the data admit no plan: the pre-check findings and the conflicting rule items.

    When a pre-check error already proves that no plan exists, the conflict search gets at
    most :data:`PRECHECKED_EXPLAIN_SECONDS`, and its conflict is kept only if it was shrunk to
    one where no item can be left out: a long, unshrunk list would hide the pre-check's exact
    reason.

    Args:
        data: the validated data.
        options: the search settings (``time_limit`` bounds the conflict search; its ``stop``
            event stops it).
        on_stage: called with a short line when the conflict search begins.
    """
    from trafficplan.solver import Explanation, explain_infeasibility

    findings = diagnose(data)
    prechecked = any(f.severity == ERROR for f in findings)
    seconds = (
        min(options.time_limit, PRECHECKED_EXPLAIN_SECONDS) if prechecked else options.time_limit
    )
    if on_stage is not None:
        on_stage(f"looking for conflicting rules (up to {seconds:g} s)…")
    explanation = explain_infeasibility(
        data, dataclasses.replace(options, time_limit=seconds, progress=None)
    )
    if prechecked and not explanation.proven_minimal:
        explanation = Explanation(feasible=False)
    return ExplainOutcome(findings, explanation, interrupted=options.stop.is_set())
