"""Re-planning with minimal change: sessions before a date are frozen, the rest is re-solved.

How the model differs from :func:`trafficplan.solver.solve`:

- **Frozen sessions are constants.** The model only covers working days on or after
  ``since``; the frozen sessions enter as fixed amounts in every rule that spans sessions:
  counts, officer_once (their officers cannot attend again), trainer per week / consecutive
  days / travel / max sessions, NGO per week and budget. Past fixed entries are the frozen
  past's business and are left out of the model.
- **Old sessions keep their identity.** Each old future session of a region is mapped to one
  slot of that region; the slot-order and trainer-symmetry constraints of the plain solver
  are left out because they would tie identities to date order (a session moved past
  another would count as two moves). Only the slots left for new sessions are ordered.
- **Levels.** officers_trained (max), then sessions moved (a slot not at its old venue and
  day; cancelled sessions count too), officers moved out of their old session, trainer and
  NGO swaps, then the data's own objectives.
- **Extraction keeps names.** Ids of surviving sessions are kept, new sessions get ids the old
  plan never used, officers who stay in their session keep their seat.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ortools.sat.python import cp_model

from trafficplan.errors import PlanFileError
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import ObjectiveResult, Plan, PlanInputs, PlanSession
from trafficplan.plan.metrics import plan_metrics
from trafficplan.solver import rules
from trafficplan.solver.api import SolveOptions, SolveResult
from trafficplan.solver.hints import plan_assignment
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel, Slot
from trafficplan.solver.search import (
    Level,
    LexOutcome,
    make_solver,
    optimise_lexicographically,
    optimise_weighted,
    run_solver,
)

REPLAN_LEVELS = ("sessions_moved", "officers_moved", "swaps")
"""The minimal-change levels, between officers_trained and the data's own objectives."""


@dataclass
class FrozenPast:
    """What the sessions before ``since`` already use, as constants for the model."""

    sessions: list[PlanSession]
    per_region: dict[str, int] = field(default_factory=dict)
    officers: set[str] = field(default_factory=set)
    trainer_days: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    ngo_days: dict[str, list[int]] = field(default_factory=dict)
    cost_cents: int = 0
    cost_cents_ceil: int = 0


@dataclass
class OldSession:
    """An old session on or after ``since``, mapped to a slot of its region (or to none)."""

    session: PlanSession
    slot: Slot | None
    moved: Any = 1  # 1 - b[slot, old venue, old day], or the constant 1
    stay: Any = None  # b[slot, old venue, old day] where it exists
    kept_officers: dict[int, Any] = field(default_factory=dict)  # class -> kept count
    old_class_counts: dict[int, int] = field(default_factory=dict)
    swaps: list[Any] = field(default_factory=list)


def frozen_problems(data: ProblemData, plan: Plan, since: date) -> list[str]:
    """Ids named by frozen sessions that the data no longer know (frozen sessions cannot
    change, so these make a re-plan impossible)."""
    problems: list[str] = []
    for session in plan.sessions:
        if session.date >= since:
            continue
        where = f"session {session.id} ({session.date}, before --since)"
        if session.region not in data.region_by_id:
            problems.append(f"{where}: region {session.region!r} is no longer in the data")
        if session.venue not in data.venue_by_id:
            problems.append(f"{where}: venue {session.venue!r} is no longer in the data")
        for trainer in session.trainers:
            if trainer not in data.trainer_by_id:
                problems.append(f"{where}: trainer {trainer!r} is no longer in the data")
        for ngo in session.ngos:
            if ngo not in data.ngo_by_id:
                problems.append(f"{where}: NGO {ngo!r} is no longer in the data")
        unknown = [o for o in session.officers if o not in data.officer_by_id]
        if unknown:
            problems.append(f"{where}: officer {unknown[0]!r} is no longer in the data")
    return problems


def replan(
    data: ProblemData, old: Plan, since: date, options: SolveOptions | None = None
) -> SolveResult:
    """Re-plan ``old`` on changed ``data``: sessions before ``since`` stay exactly as they
    were, the rest keeps every rule and changes as little as possible.

    Args:
        data: the (changed) data folder.
        old: the published plan; sessions before ``since`` must name only known ids.
        since: the first day that may change.
        options: time limit (total), seed, workers, progress, stop event.

    Returns:
        The result; its plan has ``frozen_before = since``, the frozen sessions unchanged and
        the data objectives, and the minimal-change levels under ``replan_objectives``.

    Raises:
        PlanFileError: a session before ``since`` names an id the data no longer hold.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    deadline = started + options.time_limit
    workers = options.workers or os.cpu_count() or 1
    problems = frozen_problems(data, old, since)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PlanFileError(f"{problems[0]}{more}")

    future_fixed = [e for e in data.constraints.sessions.fixed if e.date >= since]
    sessions_rules = data.constraints.sessions.model_copy(update={"fixed": future_fixed})
    view = dataclasses.replace(
        data, constraints=data.constraints.model_copy(update={"sessions": sessions_rules})
    )
    inst = Instance(view)
    # the model covers only the days that may change
    inst.days = tuple(d for d in inst.days if d >= since)
    frozen = _frozen_past(inst, old, since)
    pm = PlanModel(inst)
    reasons = _add_rules(pm, frozen)
    if reasons:
        return _infeasible(reasons, started)
    olds = _map_old_sessions(pm, old, since, frozen)
    _add_change_measures(pm, olds)
    _hint(pm, old, since)
    change_levels, data_levels_spec = _levels(pm, frozen, olds)
    build_seconds = time.monotonic() - started
    outcome = _optimise(
        pm, change_levels, data_levels_spec, olds, options, workers, started, deadline
    )
    if outcome.infeasible:
        return _infeasible(
            [
                f"no plan from {since} on keeps every rule with the sessions before it frozen; "
                "run `trafficplan explain` on the changed data to see which rules conflict"
            ],
            started,
        )
    if outcome.values is None:
        return SolveResult(
            status="unknown",
            plan=None,
            reasons=["no plan was found within the time limit"],
            interrupted=outcome.interrupted,
            build_seconds=build_seconds,
            wall_seconds=time.monotonic() - started,
        )
    values = outcome.values

    def value(var: Any) -> int:
        return var if isinstance(var, int) else values[var.index]

    future = extract_replanned(pm, value, olds, old, frozen)
    sessions = sorted([*frozen.sessions, *future], key=lambda s: (s.date, s.region, s.id))
    plan = Plan(
        status="feasible",
        inputs=PlanInputs(sha256=dict(data.digests)),
        sessions=sessions,
        frozen_before=since,
    )
    metrics = plan_metrics(data, plan)
    expected = len(change_levels) + len(data_levels_spec)
    proven_all = all(r.proven for r in outcome.results) and len(outcome.results) == expected
    data_levels = [r for r in outcome.results if r.name not in REPLAN_LEVELS]
    solved = {r.name for r in data_levels}
    for name in data.constraints.objective:
        if name not in solved:
            data_levels.append(
                ObjectiveResult(name=name, value=float(metrics[name]), bound=None, proven=False)
            )
    order: dict[str, int] = {name: i for i, name in enumerate(data.constraints.objective)}
    data_levels.sort(key=lambda r: order.get(r.name, len(order)))
    trained = {o for s in sessions for o in s.officers}
    status: Literal["optimal", "feasible"] = "optimal" if proven_all else "feasible"
    plan = plan.model_copy(
        update={
            "status": status,
            "objectives": data_levels,
            "metrics": metrics,
            "unassigned_officers": sorted(o.id for o in data.officers if o.id not in trained),
        }
    )
    plan.replan_objectives = [r for r in outcome.results if r.name in REPLAN_LEVELS]
    return SolveResult(
        status=status,
        plan=plan,
        interrupted=outcome.interrupted,
        build_seconds=build_seconds,
        first_plan_seconds=outcome.first_plan_at,
        wall_seconds=time.monotonic() - started,
    )


# ----- the frozen past -------------------------------------------------------------------------
def _frozen_past(inst: Instance, old: Plan, since: date) -> FrozenPast:
    frozen = FrozenPast(sessions=[s for s in old.sessions if s.date < since])
    trainer_days: dict[str, list[tuple[int, str]]] = defaultdict(list)
    ngo_days: dict[str, list[int]] = defaultdict(list)
    for session in frozen.sessions:
        frozen.per_region[session.region] = frozen.per_region.get(session.region, 0) + 1
        frozen.officers.update(session.officers)
        site = inst.site_of_venue[session.venue]
        for trainer in session.trainers:
            trainer_days[trainer].append((session.date.toordinal(), session.venue))
            frozen.cost_cents += inst.cost_cents(trainer, site)
            frozen.cost_cents_ceil += inst.cost_cents(trainer, site, ceil=True)
        for ngo in session.ngos:
            ngo_days[ngo].append(session.date.toordinal())
    frozen.trainer_days = dict(trainer_days)
    frozen.ngo_days = dict(ngo_days)
    return frozen


def _add_rules(pm: PlanModel, frozen: FrozenPast) -> list[str]:
    """Every hard rule on the future days, tightened by what the frozen past already uses.

    Returns reasons why no plan can exist (empty when the model may have one).
    """
    for rule_id, add in rules.HARD_RULES:
        if rule_id != "counts":  # replaced below: the frozen sessions count too
            add(pm)
    reasons = list(pm.infeasible_reasons)
    m, inst, data = pm.model, pm.inst, pm.data
    for region_id in inst.region_ids:
        low, high = inst.session_range(region_id)
        done = frozen.per_region.get(region_id, 0)
        slots = pm.slots_of_region.get(region_id, [])
        if done > high:
            # the frozen past already breaks counts: a warning of the checker, no more here
            done = high
        for slot in slots[high - done :]:
            m.add(pm.active[slot.index] == 0)
        m.add(pm.sessions_of_region(region_id) >= max(0, low - frozen.per_region.get(region_id, 0)))
    max_total = data.constraints.sessions.max_total
    if max_total is not None:
        everything = sum(pm.sessions_of_region(r) for r in inst.region_ids)
        m.add(everything <= max(0, max_total - len(frozen.sessions)))

    # officer_once: officers of frozen sessions cannot attend again
    for oc in inst.officer_classes:
        taken = sum(1 for o in oc.officer_ids if o in frozen.officers)
        slots = pm.slots_of_region.get(oc.region, [])
        if taken and slots:
            m.add(sum(pm.z[(oc.index, s.index)] for s in slots) <= oc.size - taken)

    # trainers: week, consecutive days, max sessions, travel across the frozen boundary
    tr = data.constraints.trainers
    cap_run = tr.max_consecutive_days
    day_of_ordinal = {inst.ordinal(i): i for i in range(len(inst.days))}
    for trainer in data.trainers:
        past = frozen.trainer_days.get(trainer.id, [])
        if not past:
            continue
        busy = _trainer_busy(pm, trainer.id)
        _cap_weeks(pm, [o for o, _v in past], busy, tr.max_per_week)
        past_ordinals = {o for o, _v in past}
        last = max(past_ordinals)
        for start in range(last - cap_run, last + 1):
            window = range(start, start + cap_run + 1)
            done = sum(1 for o in window if o in past_ordinals)
            later = [v for o in window if o in day_of_ordinal for v in busy[day_of_ordinal[o]]]
            if done and later:
                m.add(sum(later) <= max(0, cap_run - done))
        if trainer.max_sessions is not None:
            m.add(pm.trainer_load(trainer.id) <= max(0, trainer.max_sessions - len(past)))
        for ordinal, venue_id in past:
            here = inst.site_of_venue[venue_id]
            for (t, site, d), var in pm.y.items():
                gap = inst.ordinal(d) - ordinal
                if t == trainer.id and 0 < gap < inst.travel_gap(here, site):
                    m.add(var == 0)

    # NGOs: per week across the boundary
    for ngo_id, past_days in frozen.ngo_days.items():
        busy_ngo: dict[int, list[Any]] = {d: [var] for (n, d), var in pm.u.items() if n == ngo_id}
        _cap_weeks(pm, past_days, busy_ngo, data.constraints.ngos.max_per_week)

    # budget: the frozen cost is already spent
    limit = data.constraints.budget_eur
    if limit is not None:
        cost = sum(inst.cost_cents(t, s, ceil=True) * var for (t, s, _), var in pm.y.items())
        m.add(cost + frozen.cost_cents_ceil <= int(limit * 100 + 1e-6))
    return reasons


def _trainer_busy(pm: PlanModel, trainer_id: str) -> dict[int, list[Any]]:
    busy: dict[int, list[Any]] = defaultdict(list)
    for (t, d), here in pm.y_of_trainer_day.items():
        if t == trainer_id:
            busy[d].extend(var for _s, var in here)
    return busy


def _cap_weeks(
    pm: PlanModel, past_ordinals: list[int], busy: dict[int, list[Any]], cap: int
) -> None:
    """At most ``cap`` sessions in any ISO week, counting the frozen ones."""
    from trafficplan.inputs.calendar import iso_week

    done: dict[tuple[int, int], int] = defaultdict(int)
    for ordinal in past_ordinals:
        done[iso_week(date.fromordinal(ordinal))] += 1
    for week, days in pm.inst.weeks.items():
        if done.get(week):
            later = [v for d in days for v in busy.get(d, [])]
            if later:
                pm.model.add(sum(later) <= max(0, cap - done[week]))


# ----- old sessions and what changing them costs -------------------------------------------------
def _representable(pm: PlanModel, session: PlanSession) -> bool:
    return session.region in pm.slots_of_region and session.date in pm.inst.day_index


def _map_old_sessions(
    pm: PlanModel, old: Plan, since: date, frozen: FrozenPast
) -> list[OldSession]:
    """Old future sessions to slots: in each region those on a model day first (date order,
    the order :func:`plan_assignment` hints them in), then the others."""
    olds: list[OldSession] = []
    by_region: dict[str, list[PlanSession]] = defaultdict(list)
    for session in sorted(old.sessions, key=lambda s: (s.date, s.id)):
        if session.date >= since:
            by_region[session.region].append(session)
    for region_id, sessions in by_region.items():
        ordered = [s for s in sessions if _representable(pm, s)]
        ordered += [s for s in sessions if not _representable(pm, s)]
        slots = pm.slots_of_region.get(region_id, [])
        usable = slots[: max(0, len(slots) - frozen.per_region.get(region_id, 0))]
        for index, session in enumerate(ordered):
            olds.append(OldSession(session, usable[index] if index < len(usable) else None))
    # slots left for new sessions: active ones first, in date order (symmetry breaking)
    mapped = {o.slot.index for o in olds if o.slot is not None}
    for slots in pm.slots_of_region.values():
        free = [s for s in slots if s.index not in mapped]
        for first, second in itertools.pairwise(free):
            pm.model.add_implication(pm.active[second.index], pm.active[first.index])
            pm.model.add(
                pm.slot_day_number(second.index) >= pm.slot_day_number(first.index)
            ).only_enforce_if(pm.active[second.index])
    return olds


def _add_change_measures(pm: PlanModel, olds: list[OldSession]) -> None:
    m, inst = pm.model, pm.inst
    class_of_officer = {o: oc.index for oc in inst.officer_classes for o in oc.officer_ids}
    for entry in olds:
        session, slot = entry.session, entry.slot
        for officer in session.officers:
            if officer in class_of_officer:
                c = class_of_officer[officer]
                entry.old_class_counts[c] = entry.old_class_counts.get(c, 0) + 1
        day = inst.day_index.get(session.date)
        stay = None if slot is None or day is None else pm.b.get((slot.index, session.venue, day))
        entry.moved = 1 if stay is None else 1 - stay
        entry.stay = stay
        for c, count in entry.old_class_counts.items():
            if stay is None:
                entry.kept_officers[c] = 0
                continue
            kept = m.new_int_var(0, count, f"kept[{c},{slot.index}]")  # type: ignore[union-attr]
            m.add(kept <= pm.z[(c, slot.index)])  # type: ignore[union-attr]
            m.add(kept <= count * stay)
            entry.kept_officers[c] = kept
        site = inst.site_of_venue.get(session.venue)
        for trainer in session.trainers:
            y = None if stay is None or site is None else pm.y.get((trainer, site, day))  # type: ignore[arg-type]
            entry.swaps.append(_unless_kept(pm, y, stay, f"kt[{trainer},{session.id}]"))
        for ngo in session.ngos:
            u = None if stay is None or day is None else pm.u.get((ngo, day))
            entry.swaps.append(_unless_kept(pm, u, stay, f"kn[{ngo},{session.id}]"))


def _unless_kept(pm: PlanModel, present: Any, stay: Any, name: str) -> Any:
    """1 - kept, where kept means: still there, and the session did not move."""
    if present is None or stay is None:
        return 1
    kept = pm.model.new_bool_var(name)
    pm.model.add_implication(kept, present)
    pm.model.add_implication(kept, stay)
    return 1 - kept


@dataclass
class _ChangeLevel:
    """A minimal-change level, minimised, with an upper bound of its value."""

    level: Level
    top: int


def _levels(
    pm: PlanModel, frozen: FrozenPast, olds: list[OldSession]
) -> tuple[list[_ChangeLevel], list[Level]]:
    """The minimal-change levels (officers_trained as officers left out, then sessions moved,
    officers moved, swaps), and the data's own later objectives."""
    data = pm.data
    trained_before = sum(1 for o in frozen.officers if o in data.officer_by_id)
    total = len(data.officers)
    moved = sum(entry.moved for entry in olds)
    officers_moved = sum(
        count - entry.kept_officers[c]
        for entry in olds
        for c, count in entry.old_class_counts.items()
    )
    swaps = sum(s for entry in olds for s in entry.swaps)
    change = [
        _ChangeLevel(
            Level(UNTRAINED, total - trained_before - pm.officers_trained(), False, 1.0), total
        ),
        _ChangeLevel(Level("sessions_moved", moved, False, 1.0), len(olds)),
        _ChangeLevel(
            Level("officers_moved", officers_moved, False, 1.0),
            sum(sum(e.old_class_counts.values()) for e in olds),
        ),
        _ChangeLevel(
            Level("swaps", swaps, False, 1.0),
            sum(len(e.session.trainers) + len(e.session.ngos) for e in olds),
        ),
    ]
    later: list[Level] = []
    for name in data.constraints.objective:
        if name == "cost_eur":
            later.append(Level(name, pm.cost_cents() + frozen.cost_cents, False, 100.0))
        elif name == "max_trainer_sessions":
            top = pm.model.new_int_var(0, len(pm.inst.days) + len(frozen.sessions), "max_load")
            for trainer in data.trainers:
                past = len(frozen.trainer_days.get(trainer.id, []))
                pm.model.add(top >= pm.trainer_load(trainer.id) + past)
            later.append(Level(name, top, False, 1.0))
    # a level that is a plain number (no old sessions, no officers) needs no search
    return [c for c in change if not isinstance(c.level.expr, int)], later


UNTRAINED = "officers_untrained"


def _optimise(
    pm: PlanModel,
    change: list[_ChangeLevel],
    later: list[Level],
    olds: list[OldSession],
    options: SolveOptions,
    workers: int,
    started: float,
    deadline: float,
) -> LexOutcome:
    """The minimal-change levels in one weighted solve (hinted with the old plan, so the
    first plans found are already close to it), then the data's objectives one by one."""
    total = len(pm.data.officers)
    count = len(change) + len(later)
    if change and olds:
        _repair_hint(pm, olds, change, options, workers, started + (deadline - started) * 0.25)
    if change:
        budget = started + (deadline - started) * (0.7 if later else 1.0)
        first = optimise_weighted(
            pm,
            [c.level for c in change],
            [c.top for c in change],
            options,
            workers,
            started,
            budget,
            level_count=count,
        )
    else:
        first = LexOutcome(values={})
    held = [round(r.value or 0) for r in first.results]
    for result in first.results:
        if result.name == UNTRAINED:
            result.name = "officers_trained"
            result.value = None if result.value is None else total - result.value
            result.bound = None if result.bound is None else total - result.bound
    if first.values is None or first.infeasible or first.interrupted or not later:
        return first
    # hold the minimal-change levels at their values, hint the plan found
    for c, value in zip(change, held, strict=True):
        pm.model.add(c.level.expr <= value)
    pm.model.clear_hints()
    for index, v in first.values.items():
        pm.model.add_hint(pm.model.get_int_var_from_proto_index(index), v)
    rest = optimise_lexicographically(
        pm, later, options, workers, started, deadline, level_offset=len(change), level_count=count
    )
    proven = all(r.proven for r in first.results)
    for result in rest.results:
        result.proven = result.proven and proven
    return LexOutcome(
        results=[*first.results, *rest.results],
        values=rest.values if rest.values is not None else first.values,
        infeasible=False,
        interrupted=rest.interrupted,
        first_plan_at=first.first_plan_at,
    )


def _repair_hint(
    pm: PlanModel,
    olds: list[OldSession],
    change: list[_ChangeLevel],
    options: SolveOptions,
    workers: int,
    deadline: float,
) -> None:
    """Replace the old plan's hint by a complete plan that keeps every old session where it
    was with its officers, if there is one: only trainers and NGOs may change.

    The old plan itself is often no plan any more (that is why one re-plans), and CP-SAT
    makes much better use of a hint that keeps every rule. The sessions are held in place by
    assumptions, which are cleared afterwards.
    """
    m = pm.model
    keep_all = m.new_bool_var("keep_old_officers")
    for entry in olds:
        for c, kept in entry.kept_officers.items():
            if not isinstance(kept, int):
                m.add(kept == entry.old_class_counts[c]).only_enforce_if(keep_all)
    stays = [entry.stay for entry in olds if entry.stay is not None]
    m.add_assumptions([*stays, keep_all])
    weights = [1]
    for later_level in reversed(change[1:]):
        weights.insert(0, weights[0] * (later_level.top + 1))
    m.minimize(sum(w * c.level.expr for w, c in zip(weights, change, strict=True)))
    solver = make_solver(options, max(0.5, deadline - time.monotonic()), workers)
    status = run_solver(solver, m, options.stop)
    m.clear_assumptions()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        m.clear_hints()
        for i in range(len(m.proto.variables)):
            m.add_hint(
                m.get_int_var_from_proto_index(i), solver.value(m.get_int_var_from_proto_index(i))
            )


def _hint(pm: PlanModel, old: Plan, since: date) -> None:
    future = old.model_copy(update={"sessions": [s for s in old.sessions if s.date >= since]})
    for index, value in plan_assignment(pm, future).items():
        pm.model.add_hint(pm.model.get_int_var_from_proto_index(index), value)


# ----- extraction ------------------------------------------------------------------------------
@dataclass
class _Draft:
    slot: Slot
    venue: str
    day: int
    old: PlanSession | None
    trainers: list[str] = field(default_factory=list)
    ngos: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)


def extract_replanned(
    pm: PlanModel,
    value: Callable[[Any], int],
    olds: list[OldSession],
    old_plan: Plan,
    frozen: FrozenPast,
) -> list[PlanSession]:
    """The future sessions of the solution, keeping ids, trainers, NGOs and officers of the
    old sessions wherever the solution allows."""
    inst, data = pm.inst, pm.data
    old_of_slot = {e.slot.index: e.session for e in olds if e.slot is not None}
    drafts: list[_Draft] = []
    for slot in pm.slots:
        if not value(pm.active[slot.index]):
            continue
        for venue_id, d, var in pm.b_of_slot[slot.index]:
            if value(var):
                drafts.append(_Draft(slot, venue_id, d, old_of_slot.get(slot.index)))
                break

    # trainers at each site and day, old trainers first, named fixed trainers kept together
    per_t = data.constraints.trainers.per_session
    at_site: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (trainer_id, site, d), var in pm.y.items():
        if value(var):
            at_site[(site, d)].add(trainer_id)
    fixed_names = {
        (e.region, inst.day_index[e.date], e.venue): list(e.trainers)
        for e in data.constraints.sessions.fixed
        if e.trainers and e.date in inst.day_index
    }
    by_site: dict[tuple[int, int], list[_Draft]] = defaultdict(list)
    for draft in drafts:
        by_site[(inst.site_of_venue[draft.venue], draft.day)].append(draft)
    for key, group in by_site.items():
        pool = at_site.get(key, set())

        def wants(draft: _Draft) -> list[str]:
            named = fixed_names.get((draft.slot.region, draft.day, draft.venue)) or fixed_names.get(
                (draft.slot.region, draft.day, None), []
            )
            return [*named, *(draft.old.trainers if draft.old else [])]

        group.sort(key=lambda d: (not wants(d), d.slot.index))
        for draft in group:
            for trainer in wants(draft):
                if trainer in pool and len(draft.trainers) < per_t:
                    draft.trainers.append(trainer)
                    pool.discard(trainer)
        for draft in group:
            while len(draft.trainers) < per_t and pool:
                draft.trainers.append(min(pool))
                pool.discard(min(pool))

    # NGOs of the region that day, old ones first
    per_n = data.constraints.ngos.per_session
    by_region_day: dict[tuple[str, int], list[_Draft]] = defaultdict(list)
    for draft in drafts:
        by_region_day[(draft.slot.region, draft.day)].append(draft)
    for (region_id, d), group in by_region_day.items():
        ngo_pool = {
            n.id
            for n in data.region_by_id[region_id].ngos
            if (n.id, d) in pm.u and value(pm.u[(n.id, d)])
        }
        for draft in sorted(group, key=lambda g: g.slot.index):
            for ngo in draft.old.ngos if draft.old else []:
                if ngo in ngo_pool and len(draft.ngos) < per_n:
                    draft.ngos.append(ngo)
                    ngo_pool.discard(ngo)
        for draft in sorted(group, key=lambda g: g.slot.index):
            while len(draft.ngos) < per_n and ngo_pool:
                draft.ngos.append(min(ngo_pool))
                ngo_pool.discard(min(ngo_pool))

    # officers: stay in the old session where the counts allow, then fill from the class
    by_slot = {draft.slot.index: draft for draft in drafts}
    home: dict[str, int] = {}
    for slot_index, session in old_of_slot.items():
        for officer in session.officers:
            home[officer] = slot_index
    for oc in inst.officer_classes:
        need = {
            s.index: value(pm.z[(oc.index, s.index)])
            for s in pm.slots_of_region.get(oc.region, [])
            if s.index in by_slot
        }
        placed: set[str] = set(o for o in oc.officer_ids if o in frozen.officers)
        for slot_index, count in need.items():
            own = [o for o in oc.officer_ids if home.get(o) == slot_index and o not in placed]
            chosen = own[:count]
            by_slot[slot_index].officers += chosen
            placed.update(chosen)
            need[slot_index] = count - len(chosen)
        # officers without a surviving old session first, then those displaced from theirs
        rest = sorted(
            (o for o in oc.officer_ids if o not in placed),
            key=lambda o: (home.get(o) in by_slot, o),
        )
        for slot_index, count in need.items():
            by_slot[slot_index].officers += rest[:count]
            rest = rest[count:]

    used = {s.id for s in old_plan.sessions}
    counters: dict[str, int] = defaultdict(int)
    result: list[PlanSession] = []
    for draft in sorted(drafts, key=lambda d: (d.day, d.slot.region, d.slot.index)):
        if draft.old is not None:
            session_id = draft.old.id
        else:
            session_id = _fresh_id(draft.slot.region, used, counters)
        result.append(
            PlanSession(
                id=session_id,
                region=draft.slot.region,
                venue=draft.venue,
                date=inst.days[draft.day],
                trainers=sorted(draft.trainers),
                ngos=sorted(draft.ngos),
                officers=sorted(draft.officers),
            )
        )
    return result


def _fresh_id(region_id: str, used: set[str], counters: dict[str, int]) -> str:
    """The region's next ``<region>-NN`` id that no session of the old plan had."""
    while True:
        counters[region_id] += 1
        candidate = f"{region_id}-{counters[region_id]:02d}"
        if candidate not in used:
            used.add(candidate)
            return candidate


def _infeasible(reasons: list[str], started: float) -> SolveResult:
    return SolveResult(
        status="infeasible", plan=None, reasons=reasons, wall_seconds=time.monotonic() - started
    )
