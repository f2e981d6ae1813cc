"""``solve --relax``: the best partial plan on data that admit no plan.

A relaxed plan gives up as few rule items as possible (a region's session minimum, a fixed
entry, a trainer's leave, a weekly cap, the budget, ...: the items ``PlanModel`` guards in
explain mode), then is the best plan by the data's objectives. When the pre-checks blame
one rule item alone (the budget below the cheapest possible cost, say), the planner's own
search with that item given up comes first: one item is the fewest there can be, so if that
is enough, that plan is the answer. Otherwise it is found in two steps:

1. **What gives.** The officer-free model in explain mode, each rule item guarded by a
   literal, keeps as many items as possible (then holds as many useful sessions as it can).
   That model always admits the *empty plan*, which breaks only the region minimums and the
   fixed entries: every other rule holds without sessions. Its search starts from the best of
   a few cheap candidates, each a plan of the ordinary, fast model with one family of items
   given up (those a pre-check blames, then "sessions may be left out": region minimums and
   fixed entries), which it then improves while its share of the time lasts.
2. **The plan.** The planner's own search (``solve``) on the data with exactly those items
   given up (``Instance.given_up``): officers seated, every objective optimised, every other
   rule kept. Should it find nothing in time, the sessions of step 1 are used, officers
   seated on them (a session below ``officers.min`` only where its region cannot fill it) and
   some left out where the budget, which step 1 counted at ``officers.min`` a session,
   cannot pay for them all.

A plan that gives up the budget overruns it as little as possible first, then optimises the
data's objectives in order (:func:`_plan_over_budget`).

If all else fails (no time, or Ctrl-C before step 1 found anything), the empty plan itself is
returned. The plan's ``relaxations`` are exactly the rule items ``check`` finds broken in it,
each with the checker's account of how much it gave.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.diagnostics.prechecks import ERROR, diagnose
from trafficplan.inputs.models import ObjectiveItem
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import ObjectiveResult, PlanSession, Relaxation
from trafficplan.plan.metrics import total_cost_cents
from trafficplan.rulebook import BUDGET, RELAXABLE, describe_item
from trafficplan.solver.api import SolveOptions, SolveResult
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.results import Timing, no_plan_result, plan_result
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import make_solver, run_solver, solve_reproducibly

Item = tuple[str, str]
"""A rule item: ``(rule id, subject)`` as :mod:`trafficplan.rulebook` names it."""

BLAMED_SHARE = 0.6
"""Of the time, at most: the planner's search with the one item the pre-checks blame given up."""

CHOOSE_SHARE = 0.5
"""Of the time left: choosing what gives (step 1); the rest plans with it (step 2)."""

PROBE_SHARE = 0.7
"""Of step 1's time left: one probe (the first, from the pre-checks, is the likeliest)."""

CHEAPEST_SHARE = 0.8
"""Of the time a plan that gives up the budget has: finding the cheapest plan (the least
overrun); the rest optimises the later levels at that cost."""

SEATING_RESERVE = 0.1
"""Of the time, kept back from step 2 to seat officers on step 1's sessions if need be."""

LEAVE_SESSIONS_OUT: frozenset[str] = frozenset({"counts", "fixed"})
"""The family of items that a plan without some sessions gives up; always a candidate."""


class _Relaxation:
    """The officer-free model that keeps as many rule items as it can, then holds as many
    useful sessions as it can (sessions up to those needed to seat a region's officers: a
    stand-in for ``officers_trained``). Solutions are read by proto index.

    In explain mode every rule item that can give is guarded (only those of ``guarded`` when
    given). A *probe* instead gives up the items of ``given_up`` outright, as if the data did
    not have them: the planner's own model, as small and as quick to solve, which holds
    each region's minimum where it can when region minimums are among those items.
    """

    def __init__(
        self,
        data: ProblemData,
        guarded: frozenset[Item] | None = None,
        given_up: frozenset[Item] | None = None,
    ):
        probe = given_up is not None
        self.pm = pm = PlanModel(
            Instance(data, given_up=given_up or frozenset()),
            explain=not probe,
            with_officers=False,
            guarded=guarded,
        )
        add_constraints(pm)
        self.useful: list[Any] = []
        most = 0
        for region_id in sorted(pm.regions):
            seats = pm.inst.most_seats(region_id)
            if not seats:
                continue
            officers = len(data.officers_by_region[region_id])
            need = min(pm.inst.session_range(region_id)[1], -(-officers // seats))
            useful = pm.model.new_int_var(0, need, f"useful[{region_id}]")
            pm.model.add(useful <= pm.sessions_of_region(region_id))
            self.useful.append(useful)
            most += need
        self.weight = most + 1
        # the best score on data that admit no plan: one item given up, every useful session
        self.ceiling = (len(pm.guards) - 1) * self.weight + most
        kept: list[Any] = list(pm.guards.values())
        for region_id in sorted(pm.regions):
            low = data.session_bounds(region_id).min
            if probe and ("counts", region_id) in (given_up or ()) and low > 0:
                met = pm.model.new_bool_var(f"met[{region_id}]")
                pm.model.add(pm.sessions_of_region(region_id) >= low).only_enforce_if(met)
                kept.append(met)
        pm.model.maximize(sum(kept) * self.weight + sum(self.useful))

    def kept(self, values: dict[int, int]) -> int:
        """How many rule items the solution keeps."""
        return sum(values[g.index] for g in self.pm.guards.values())

    def given_up(self, values: dict[int, int]) -> frozenset[Item]:
        """The rule items the solution gives up."""
        return frozenset(k for k, g in self.pm.guards.items() if values[g.index] == 0)

    def score(self, values: dict[int, int]) -> int:
        """The solution's objective value."""
        return self.kept(values) * self.weight + sum(values[v.index] for v in self.useful)

    def decisions(self) -> dict[tuple[str, Any], Any]:
        """The model's decisions by kind and key: sessions, trainers, NGOs."""
        kinds: dict[str, dict[Any, Any]] = {
            "held_at": self.pm.held_at,
            "teaches": self.pm.teaches,
            "ngo_works": self.pm.ngo_works,
        }
        return {(kind, key): var for kind, found in kinds.items() for key, var in found.items()}

    def solve(
        self, options: SolveOptions, workers: int, deadline: float, start: dict[int, int] | None
    ) -> dict[int, int] | None:
        """The best solution found by ``deadline``: a probe's as the planner searches, the
        guarded model's from ``start`` with a light presolve (it is large, and its search
        starts from a whole solution)."""
        seconds = deadline - time.monotonic()
        if seconds < 0.5 or options.stop.is_set():
            return None
        if not self.pm.explain:
            status, solver = solve_reproducibly(self.pm, options, workers, seconds, None)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None
            return self.pm.solution(solver)
        if start is not None:
            self.pm.hint(start)
        solver = make_solver(options, seconds, workers)
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.symmetry_level = 0
        status = run_solver(solver, self.pm.model, options.stop)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return self.pm.solution(solver)

    def complete(
        self, decided: dict[tuple[str, Any], int], options: SolveOptions
    ) -> dict[int, int] | None:
        """The whole solution with these decisions (any not given: none), each rule item kept
        where they keep it; None when they break an item that may not give."""
        model = self.pm.model
        model.clear_hints()
        for key, var in self.decisions().items():
            model.add_hint(var, decided.get(key, 0))
        solver = make_solver(options, 10.0, 1)
        solver.parameters.fix_variables_to_their_hinted_value = True
        status = run_solver(solver, model, options.stop)
        model.clear_hints()
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return self.pm.solution(solver)


@dataclass
class _Choice:
    """What gives (step 1): the relaxation and its best solution."""

    relaxation: _Relaxation
    values: dict[int, int]
    given_up: frozenset[Item]


def solve_relaxed(
    data: ProblemData,
    options: SolveOptions | None = None,
    allowed: set[Item] | None = None,
    deadline: float | None = None,
) -> SolveResult:
    """The best partial plan when the data admit no plan: give up as few rule items as
    possible (only those in ``allowed`` when given), then optimise the plan's objectives.

    Without ``allowed`` there is always a plan (status ``relaxed``): at worst the empty one.
    With ``allowed``, a plan that would break another item is not returned (status
    ``unknown``). The plan's ``relaxations`` list exactly the items ``check`` finds broken.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    deadline = deadline or started + options.time_limit
    workers = options.workers or os.cpu_count() or 1
    total = max(0.0, deadline - started)

    blamed = _blamed_item(data, allowed)
    if blamed is not None:
        # one item given up is the fewest there can be: if that one is enough, done
        # the budget alone: nothing else could give instead, so the search has all the time
        share = 1.0 if blamed == {("budget", BUDGET)} else BLAMED_SHARE
        planned = _plan(data, blamed, options, started, started + share * total)
        if planned is not None and _within(planned, set(blamed)):
            return planned
    now = time.monotonic()
    choice = _choose(data, options, workers, allowed, now + CHOOSE_SHARE * (deadline - now))
    if choice is not None and not options.stop.is_set():
        planned = _plan(data, choice.given_up, options, started, deadline - SEATING_RESERVE * total)
        if planned is not None and _within(planned, allowed):
            return planned
    if choice is not None:
        values = choice.values
        sessions = extract_sessions(choice.relaxation.pm, lambda var: values[var.index])
        _seat(data, choice.given_up, sessions, options, deadline)
        _trim_to_budget(data, choice.given_up, sessions)
        seated = _relaxed(data, sessions, [], Timing(started), options.stop.is_set())
        seated.first_plan_seconds = seated.wall_seconds
        if _within(seated, allowed):
            return seated
    empty = _relaxed(data, [], [], Timing(started), options.stop.is_set())
    empty.first_plan_seconds = empty.wall_seconds
    if _within(empty, allowed):
        return empty
    return no_plan_result(
        "unknown", ["no plan gives up only the rule items allowed to give"], started
    )


# ----- step 1: what gives ----------------------------------------------------------------------
def _blamed_item(data: ProblemData, allowed: set[Item] | None) -> frozenset[Item] | None:
    """The one rule item the pre-checks blame, when every error names the same relaxable
    item (the budget below the cheapest possible cost, say) and it may give."""
    items = set()
    for finding in diagnose(data):
        if finding.severity != ERROR:
            continue
        if finding.rule not in RELAXABLE or not finding.subject:
            return None
        items.add((finding.rule, finding.subject))
    if len(items) != 1 or (allowed is not None and not items <= allowed):
        return None
    return frozenset(items)


def _choose(
    data: ProblemData,
    options: SolveOptions,
    workers: int,
    allowed: set[Item] | None,
    deadline: float,
) -> _Choice | None:
    """Give up as few rule items as possible in the officer-free model (then hold as many
    useful sessions as possible); None when no solution was found at all."""
    relaxation = _Relaxation(data, None if allowed is None else frozenset(allowed))
    keys = list(relaxation.pm.guards)

    def unbeatable(values: dict[int, int] | None) -> bool:
        # the data admit no plan: one item given up is the fewest; with every useful session
        return values is not None and relaxation.score(values) >= relaxation.ceiling

    # the empty plan, then a plan where only one family of items may give, each in turn
    best = relaxation.complete({}, options)
    for items in _families(data, keys, allowed):
        if unbeatable(best) or time.monotonic() >= deadline or options.stop.is_set():
            break
        probe = _Relaxation(data, given_up=items)
        share = PROBE_SHARE * (deadline - time.monotonic())
        found = probe.solve(options, workers, time.monotonic() + share, None)
        if found is None:
            continue
        decided = {key: found[var.index] for key, var in probe.decisions().items()}
        values = relaxation.complete(decided, options)
        if values is not None and (
            best is None or relaxation.score(values) > relaxation.score(best)
        ):
            best = values
    if not unbeatable(best):
        improved = relaxation.solve(options, workers, deadline, best)
        if improved is not None and (
            best is None or relaxation.score(improved) > relaxation.score(best)
        ):
            best = improved
    if best is None:
        return None
    return _Choice(relaxation, best, relaxation.given_up(best))


def _families(
    data: ProblemData, keys: list[Item], allowed: set[Item] | None
) -> list[frozenset[Item]]:
    """Sets of rule items to try giving up, each alone: every item allowed to give (when
    only some are), the items of each rule a pre-check blames (a rule that cannot give
    stands for leaving sessions out), then leaving sessions out."""
    guarded = {rule for rule, _subject in keys}
    rules: list[frozenset[str]] = []
    for finding in diagnose(data):
        if finding.severity == ERROR:
            rules.append(
                frozenset({finding.rule}) if finding.rule in guarded else LEAVE_SESSIONS_OUT
            )
    rules.append(LEAVE_SESSIONS_OUT)
    families = [frozenset(keys)] if allowed is not None else []
    families += [frozenset(k for k in keys if k[0] in rule_ids) for rule_ids in rules]
    unique: list[frozenset[Item]] = []
    for items in families:
        if items and items not in unique:
            unique.append(items)
    return unique


# ----- step 2: the plan ------------------------------------------------------------------------
def _plan(
    data: ProblemData,
    given_up: frozenset[Item],
    options: SolveOptions,
    started: float,
    deadline: float,
) -> SolveResult | None:
    """The planner's best plan with ``given_up`` left out, as a relaxed plan; None if it
    finds none in time."""
    from trafficplan.solver.solve import solve

    begun = time.monotonic()
    seconds = deadline - begun
    if seconds < 1.0:
        return None
    budget = data.constraints.budget_eur
    if ("budget", BUDGET) in given_up and budget is not None:
        return _plan_over_budget(data, budget, given_up, options, started, deadline)
    result = solve(
        data, dataclasses.replace(options, time_limit=seconds, hint=None), given_up=given_up
    )
    if result.plan is None:
        return None
    first = result.first_plan_seconds
    timing = Timing(
        started,
        build_seconds=(begun - started) + result.build_seconds,
        first_plan_seconds=None if first is None else (begun - started) + first,
    )
    return _relaxed(data, result.plan.sessions, result.plan.objectives, timing, result.interrupted)


def _plan_over_budget(
    data: ProblemData,
    budget: float,
    given_up: frozenset[Item],
    options: SolveOptions,
    started: float,
    deadline: float,
) -> SolveResult | None:
    """The budget gives: first the least overrun, then the data's objectives, in order.

    The cheapest plan (objective ``cost_eur`` alone, no budget) says how little the plan can
    cost. If that is within the budget, the budget need not give and the plan keeps it;
    otherwise the planner's search runs with the budget raised to the cheapest plan's cost
    (each item rounded up, as the budget rule adds it, so that plan keeps it): every later
    level is optimised at the least overrun. (Without a hint: the cheapest plan as a hint
    slowed that search ten-fold on the shipped data.) Should it find nothing in time, the
    cheapest plan is the answer. None when not even a cheapest plan is found in time.
    """
    from trafficplan.solver.solve import solve

    cheapest_data = _with_constraints(
        data, objective=[ObjectiveItem(name="cost_eur")], budget_eur=None
    )
    begun = time.monotonic()
    share = CHEAPEST_SHARE * (deadline - begun)
    cheapest = solve(
        cheapest_data, dataclasses.replace(options, time_limit=share, hint=None), given_up=given_up
    )
    if cheapest.plan is None:
        return None
    kept = given_up - {("budget", BUDGET)}
    at_least = _budget_at_least(data, budget, cheapest.plan.sessions)
    now = time.monotonic()
    result = None
    if deadline - now >= 1.0 and not options.stop.is_set():
        result = solve(
            at_least,
            dataclasses.replace(options, time_limit=deadline - now, hint=None),
            given_up=kept,
        )
    timing = _timing_after_cheapest(started, begun, cheapest)
    if result is None or result.plan is None:
        sessions, levels, interrupted = cheapest.plan.sessions, [], cheapest.interrupted
    else:
        sessions, levels, interrupted = (
            result.plan.sessions,
            result.plan.objectives,
            result.interrupted,
        )
    return _relaxed(data, sessions, levels, timing, interrupted or options.stop.is_set())


def _with_constraints(data: ProblemData, **update: Any) -> ProblemData:
    """The data with their constraints updated."""
    return dataclasses.replace(data, constraints=data.constraints.model_copy(update=update))


def _budget_at_least(data: ProblemData, budget: float, cheapest: list[PlanSession]) -> ProblemData:
    """The data with the budget raised to the cost of the ``cheapest`` plan (each item rounded
    up, as the budget rule adds it), or as they are when that plan keeps the budget."""
    least = total_cost_cents(data, cheapest, round_up=True)
    if least <= math.floor(budget * 100 + 1e-6):
        return data  # a plan keeps the budget: it need not give
    return _with_constraints(data, budget_eur=least / 100)


def _timing_after_cheapest(started: float, begun: float, cheapest: SolveResult) -> Timing:
    """The relaxed plan's timing: the ``cheapest`` plan's search, begun at ``begun``, built
    its model and found its first plan."""
    first = cheapest.first_plan_seconds
    return Timing(
        started,
        build_seconds=(begun - started) + cheapest.build_seconds,
        first_plan_seconds=None if first is None else (begun - started) + first,
    )


def _seat(
    data: ProblemData,
    given_up: frozenset[Item],
    sessions: list[PlanSession],
    options: SolveOptions,
    deadline: float,
) -> None:
    """Seat officers on the sessions (in place), region by region: keeping ``officers.min``
    a session where the region can, else as many as it can."""
    from trafficplan.solver.seating import place_officers

    for region in data.regions:
        own = [s for s in sessions if s.region == region.id]
        if not own:
            continue
        for extra in (frozenset(), frozenset({("seats", region.id)})):
            inst = Instance(data, given_up=given_up | extra)
            if place_officers(inst, own, options, deadline) is not None:
                break


def _trim_to_budget(
    data: ProblemData, given_up: frozenset[Item], sessions: list[PlanSession]
) -> None:
    """Leave officers out (in place, never below ``officers.min`` a session) until the plan
    keeps a budget the choice of what gives kept: it counted ``officers.min`` a session."""
    limit = data.constraints.budget_eur
    if limit is None or ("budget", BUDGET) in given_up:
        return
    per_officer = Instance(data).officer_cents()
    cents = math.floor(limit * 100 + 1e-6)
    over = total_cost_cents(data, sessions) - cents
    if over <= 0 or per_officer <= 0:
        return
    low = data.constraints.sessions.officers.min
    for _ in range(-(-over // per_officer)):
        fullest = max(sessions, key=lambda s: (len(s.officers), s.id), default=None)
        if fullest is None or len(fullest.officers) <= low:
            break
        fullest.officers = fullest.officers[:-1]


# ----- the result ------------------------------------------------------------------------------
def _relaxed(
    data: ProblemData,
    sessions: list[PlanSession],
    levels: list[ObjectiveResult],
    timing: Timing,
    interrupted: bool,
) -> SolveResult:
    """The relaxed plan of ``sessions``, listing exactly the rule items ``check`` finds
    broken in it, each with how much it gave in the checker's words."""
    from trafficplan.checker import check_plan  # to measure what gave, in the checker's words

    draft = plan_result(data, sessions, levels, timing)
    assert draft.plan is not None
    broken: dict[Item, list[str]] = {}
    for violation in check_plan(data, draft.plan).violations:
        subject = violation.subject or ""
        broken.setdefault((violation.rule, subject), []).append(violation.message)
    relaxations = []
    for (rule, subject), messages in broken.items():
        give = "; ".join(messages[:3])
        if len(messages) > 3:
            give += f" (and {len(messages) - 3} more)"
        relaxations.append(
            Relaxation(
                rule=rule, subject=subject, message=describe_item(data, rule, subject), give=give
            )
        )
    return plan_result(data, sessions, levels, timing, interrupted, relaxations=relaxations)


def _within(result: SolveResult, allowed: set[Item] | None) -> bool:
    """Whether the relaxed plan breaks only rule items allowed to give."""
    if result.plan is None:
        return False
    return allowed is None or all((r.rule, r.subject) in allowed for r in result.plan.relaxations)
