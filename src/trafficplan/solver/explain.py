"""Why is there no plan? Conflicting rules and data items, and a relaxed plan.

Rule items that can be switched off (a region's session minimum, a fixed entry, a trainer's
leave, a weekly cap, the budget, ...) are guarded by an assumption literal (``PlanModel``
in explain mode). On data that admit no plan:

- :func:`explain_infeasibility` asks CP-SAT for assumptions sufficient for infeasibility
  (``sufficient_assumptions_for_infeasibility``), shrinks that set by deletion while time
  allows, and measures by how much each item must give in the relaxed plan;
- :func:`~trafficplan.solver.relax.solve_relaxed` (``solve --relax``) keeps as many rule items
  as possible (fewest given up), then optimises the plan's objectives; the plan has status
  ``relaxed`` and lists what gave.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.inputs.problem import ProblemData
from trafficplan.rulebook import describe_item
from trafficplan.solver.api import SolveOptions
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.relax import solve_relaxed
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import solve_reproducibly


@dataclass
class ExplanationItem:
    """One rule item in a conflict: the rule id, the item in the user's words, how much it
    must give (when measured) and the data items it names."""

    rule: str
    message: str
    give: str | None = None
    subjects: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The item as a JSON-ready dict."""
        return {
            "rule": self.rule,
            "message": self.message,
            "give": self.give,
            "subjects": list(self.subjects),
        }


@dataclass
class Explanation:
    """The answer to "why is there no plan?"."""

    feasible: bool
    items: list[ExplanationItem] = field(default_factory=list)
    proven_minimal: bool = False

    def to_json(self) -> dict[str, Any]:
        """The explanation as a JSON-ready dict."""
        return {
            "feasible": self.feasible,
            "conflict": [item.to_json() for item in self.items],
            "minimal": self.proven_minimal,
        }


def _explain_model(data: ProblemData, with_officers: bool = True) -> PlanModel:
    pm = PlanModel(Instance(data), explain=True, with_officers=with_officers)
    add_constraints(pm)
    return pm


def _feasible(data: ProblemData, options: SolveOptions, seconds: float) -> bool:
    """Whether the planner finds a plan within ``seconds`` (its decomposed search is the
    fastest way to show that data admit one)."""
    from trafficplan.solver.solve import solve

    probe = SolveOptions(
        time_limit=seconds, seed=options.seed, workers=options.workers, stop=options.stop
    )
    return solve(data, probe).plan is not None


def explain_infeasibility(data: ProblemData, options: SolveOptions | None = None) -> Explanation:
    """A small set of rule items that together admit no plan, with how much each must give.

    Returns ``Explanation(feasible=True)`` on data that admit a plan. When the search cannot
    decide within the time limit, the items found so far are returned (possibly none).
    """
    options = options or SolveOptions()
    started = time.monotonic()
    deadline = started + options.time_limit
    workers = options.workers or os.cpu_count() or 1
    if _feasible(data, options, 0.3 * options.time_limit):
        return Explanation(feasible=True)
    found = _find_core(data, options, workers, deadline)
    if found is None:
        # no conflict isolated in time: say at least what a relaxed plan had to give up
        relaxed = solve_relaxed(data, options, deadline=deadline)
        gave_up = [
            ExplanationItem(rule=g.rule, message=g.message, give=g.give, subjects=[g.subject])
            for g in (relaxed.plan.relaxations if relaxed.plan is not None else [])
        ]
        return Explanation(feasible=False, items=gave_up, proven_minimal=False)
    core, minimal = _shrink_core(data, *found, options, workers, deadline)
    return _with_gives(data, core, minimal, options, deadline)


def _find_core(
    data: ProblemData, options: SolveOptions, workers: int, deadline: float
) -> tuple[list[tuple[str, str]], bool] | None:
    """Rule items that together admit no plan (CP-SAT's assumptions core), first without
    officers (small: trainers, NGOs, venues, calendar, budget), then with; and whether the
    officers were in the model. None when no core was isolated in time."""
    for with_officers in (False, True):
        pm = _explain_model(data, with_officers)
        keys = list(pm.guards)
        literals = [pm.guards[k] for k in keys]
        pm.model.add_assumptions(literals)
        share = 0.3 if with_officers else 0.15
        seconds = max(1.0, share * (deadline - time.monotonic()))
        status, solver = solve_reproducibly(pm, options, workers, seconds, None)
        if status == cp_model.INFEASIBLE:
            core_indexes = set(solver.sufficient_assumptions_for_infeasibility())
            core = [k for k, lit in zip(keys, literals, strict=True) if lit.index in core_indexes]
            return core, with_officers
    return None


def _shrink_core(
    data: ProblemData,
    core: list[tuple[str, str]],
    with_officers: bool,
    options: SolveOptions,
    workers: int,
    deadline: float,
) -> tuple[list[tuple[str, str]], bool]:
    """The core shrunk by a deletion filter: whole rules first, then single items, dropped
    as long as the rest still admits no plan; and whether it is proven minimal (every item
    tried in time)."""
    minimal = True

    def still_conflicts(trial: list[tuple[str, str]], candidates: int) -> bool | None:
        probe = _explain_model(data, with_officers)
        for other_key, literal in probe.guards.items():
            if other_key not in trial:
                probe.model.add(literal == 0)  # this rule item is switched off
        probe.model.add_assumptions([probe.guards[k] for k in trial if k in probe.guards])
        seconds = max(1.0, min(8.0, (deadline - time.monotonic()) / max(1, candidates)))
        outcome = solve_reproducibly(probe, options, workers, seconds, None)[0]
        if outcome == cp_model.INFEASIBLE:
            return True
        return False if outcome in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    sizes = Counter(rule for rule, _ in core)
    rules_in_core = sorted(sizes, key=lambda rule: -sizes[rule])
    for step, group in enumerate([[k for k in core if k[0] == r] for r in rules_in_core]):
        if len(core) <= 1 or time.monotonic() > deadline - 0.3 * options.time_limit:
            minimal = False
            break
        trial = [k for k in core if k not in group]
        if still_conflicts(trial, len(rules_in_core) - step):
            core = trial
    for key in list(core):
        if time.monotonic() > deadline - 0.25 * options.time_limit:
            minimal = False
            break
        trial = [k for k in core if k != key]
        answer = still_conflicts(trial, len(core))
        if answer:
            core = trial
        elif answer is None:
            minimal = False
    return core, minimal


def _with_gives(
    data: ProblemData,
    core: list[tuple[str, str]],
    minimal: bool,
    options: SolveOptions,
    deadline: float,
) -> Explanation:
    """The core's items, each with how much it must give in the best plan that may relax
    only them."""
    items = [
        ExplanationItem(rule=r, message=describe_item(data, r, s), subjects=[s]) for r, s in core
    ]
    relaxed = solve_relaxed(data, options, allowed=set(core), deadline=deadline)
    if relaxed.plan is not None:
        given = {(g.rule, g.subject): g for g in relaxed.plan.relaxations}
        for item in items:
            found = given.get((item.rule, item.subjects[0]))
            item.give = found.give if found else "nothing, once another item gives"
        if not minimal and given:
            # a conflict not shrunk in time is long; what the relaxed plan gave is the answer
            items = [item for item in items if (item.rule, item.subjects[0]) in given]
    return Explanation(feasible=False, items=items, proven_minimal=minimal)
