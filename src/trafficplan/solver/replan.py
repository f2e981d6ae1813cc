"""Re-planning with minimal change: sessions before a date are frozen, the rest is re-solved.

The model is the plain solver's (:class:`PlanModel` with every rule of ``solver/rules.py``),
built on an :class:`Instance` with a frozen past: it covers only the working days on or after
``since``, and each rule counts what the frozen sessions already use. What is the re-plan's
own:

- **Old sessions keep their identity.** Each old future session of a region is mapped to one
  slot of that region; the symmetry-breaking constraints of the plain solver are left out
  because they would tie identities to date order (a session moved past another would count
  as two moves). Only the slots left for new sessions are ordered.
- **Levels.** officers_trained (max), then sessions moved (a slot not at its old venue and
  day; cancelled sessions count too), officers moved out of their old session, trainer and
  NGO swaps, then the data's own objectives.
- **Extraction keeps names** (:class:`~trafficplan.solver.extract.Continuity`): ids of
  surviving sessions are kept, new sessions get ids the old plan never used, officers who
  stay in their session keep their seat.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.errors import PlanFileError
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.format import unknown_id_problems
from trafficplan.plan.weights import cancel_weight, move_weight, window_weeks
from trafficplan.solver.api import EXPLAIN_POINTER, SolveOptions, SolveResult
from trafficplan.solver.extract import Continuity, extract_sessions
from trafficplan.solver.hints import plan_assignment
from trafficplan.solver.instance import FrozenPast, Instance
from trafficplan.solver.model import PlanModel, Slot
from trafficplan.solver.results import Timing, no_plan_in_time, no_plan_result, plan_result
from trafficplan.solver.rules import add_constraints, slot_order
from trafficplan.solver.search import (
    Level,
    LexOutcome,
    make_solver,
    objective_levels,
    optimise_lexicographically,
    optimise_weighted,
    run_solver,
)

REPLAN_LEVELS = ("officers_dropped", "reseated", "change_weight", "officers_moved", "swaps")
"""The minimal-change levels, between officers_trained and the data's own objectives:
officers of the old plan left without a session (so that re-seating never unseats anyone),
no-shows of held sessions seated again (most), the weight of the sessions' moves,
cancellations and additions (:mod:`trafficplan.plan.weights`), officers whose date or session
changed, and trainers and NGOs no longer in their session."""


@dataclass
class OldSession:
    """An old session on or after ``since``, mapped to a slot of its region (or to none)."""

    session: PlanSession
    slot: Slot | None
    weight: Any = 0  # the weight of what happens to it (a linear expression or a constant)
    stay: Any = None  # slot_at[slot, old venue, old day] where it exists
    same_day: Any = 0  # 1 when the slot is held on the old day (any venue of the region)
    kept_officers: dict[int, Any] = field(default_factory=dict)  # class -> kept count
    old_class_counts: dict[int, int] = field(default_factory=dict)
    swaps: list[Any] = field(default_factory=list)


def frozen_problems(data: ProblemData, plan: Plan, since: date) -> list[str]:
    """Ids named by frozen sessions that the data no longer know (frozen sessions cannot
    change, so these make a re-plan impossible)."""

    def word(session: PlanSession, kind: str, ids: list[str]) -> str:
        where = f"session {session.id} ({session.date}, before --since)"
        return f"{where}: {kind} {ids[0]!r} is no longer in the data"

    frozen = [session for session in plan.sessions if session.date < since]
    return unknown_id_problems(data, frozen, word)


def replan(
    data: ProblemData,
    old: Plan,
    since: date,
    options: SolveOptions | None = None,
    attendance: Attendance | None = None,
) -> SolveResult:
    """Re-plan ``old`` on changed ``data``: sessions before ``since`` stay exactly as they
    were, the rest keeps every rule and changes as little as possible.

    Args:
        data: the (changed) data folder.
        old: the published plan; sessions before ``since`` must name only known ids.
        since: the first day that may change.
        options: time limit (total), seed, workers, progress, stop event.
        attendance: the sign-in sheets of sessions held before ``since``: a held session is
            kept as it happened (its officers those present, marked ``held``), and its
            absent officers are seated again in later sessions where rules and seats allow.

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

    frozen = FrozenPast.of_plan(old, since, attendance)
    no_shows = {
        o for o in (attendance.no_shows if attendance else set()) if o in data.officer_by_id
    }
    pm = PlanModel(Instance(data, frozen))
    add_constraints(pm, symmetry=False)
    if pm.infeasible_reasons:
        return no_plan_result("infeasible", pm.infeasible_reasons, started)
    olds = _map_old_sessions(pm, old, since)
    added = _add_change_measures(pm, olds)
    pm.hint(plan_assignment(pm, _future(old, since)))
    change_levels, data_levels_spec = _levels(pm, olds, added, no_shows)
    build_seconds = time.monotonic() - started
    outcome = _optimise(
        pm, change_levels, data_levels_spec, olds, options, workers, started, deadline
    )
    if outcome.infeasible:
        return no_plan_result(
            "infeasible",
            [
                f"no plan from {since} on keeps every rule with the sessions before it frozen; "
                f"{EXPLAIN_POINTER} on the changed data to see which rules conflict"
            ],
            started,
        )
    if outcome.values is None:
        return no_plan_in_time(started, outcome.interrupted, build_seconds)
    values = outcome.values
    continuity = Continuity(
        old_of_slot={e.slot.index: e.session for e in olds if e.slot is not None},
        used_ids={s.id for s in old.sessions},
        old_officers={o for s in old.sessions if s.date >= since for o in s.officers},
        reseat=no_shows,
    )
    future = extract_sessions(pm, lambda var: values[var.index], continuity)
    # a data level the search did not reach is reported unproven (so the plan is not optimal)
    return plan_result(
        data,
        [*frozen.sessions, *future],
        [r for r in outcome.results if r.name not in REPLAN_LEVELS],
        Timing(started, build_seconds, outcome.first_plan_at),
        interrupted=outcome.interrupted,
        frozen_before=since,
        replan_levels=[r for r in outcome.results if r.name in REPLAN_LEVELS],
    )


# ----- old sessions and what changing them costs -------------------------------------------------
def _representable(pm: PlanModel, session: PlanSession) -> bool:
    return session.region in pm.slots_of_region and session.date in pm.inst.day_index


def _future(plan: Plan, since: date) -> Plan:
    """The plan's sessions on or after ``since``."""
    return plan.model_copy(update={"sessions": [s for s in plan.sessions if s.date >= since]})


def _map_old_sessions(pm: PlanModel, old: Plan, since: date) -> list[OldSession]:
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
        slots = pm.slots_of_region.get(region_id, [])  # the region's max less the frozen
        for index, session in enumerate(ordered):
            olds.append(OldSession(session, slots[index] if index < len(slots) else None))
    # slots left for new sessions: used first to last, in date order (symmetry breaking)
    slot_order(pm, keep={o.slot.index for o in olds if o.slot is not None})
    return olds


def _add_change_measures(pm: PlanModel, olds: list[OldSession]) -> Any:
    """Per old session: the weight of its move or cancellation, whether it keeps its day,
    the officers it keeps, its trainers and NGOs kept. Returns the weight of the sessions
    added in slots that stand for no old session."""
    m, inst, data = pm.model, pm.inst, pm.data
    window = data.constraints.window
    cancel = cancel_weight(window_weeks(window.start, window.end))
    class_of_officer = {o: oc.index for oc in inst.officer_classes for o in oc.officer_ids}
    for entry in olds:
        session, slot = entry.session, entry.slot
        for officer in session.officers:
            # an officer trained already (a substitute in a held session) has no seat to keep
            if officer in class_of_officer and officer not in pm.frozen.officers:
                c = class_of_officer[officer]
                entry.old_class_counts[c] = entry.old_class_counts.get(c, 0) + 1
        if slot is None:
            entry.weight = cancel
            continue
        day = inst.day_index.get(session.date)
        places = pm.places_of_slot[slot.index]
        entry.weight = cancel * (1 - pm.active[slot.index]) + sum(
            move_weight(session.venue, session.date, venue, inst.days[d]) * var
            for venue, d, var in places
        )
        entry.stay = pm.slot_at.get((slot.index, session.venue, day)) if day is not None else None
        entry.same_day = sum(var for _venue, d, var in places if d == day)
        for c, count in entry.old_class_counts.items():
            kept = m.new_int_var(0, count, f"kept[{c},{slot.index}]")
            m.add(kept <= pm.seated[(c, slot.index)])
            m.add(kept <= count * entry.same_day)
            entry.kept_officers[c] = kept
        sites = inst.sites_of_region.get(session.region, []) if day is not None else []
        for trainer in session.trainers:
            there = [
                pm.teaches[key] for s in sites if (key := (trainer, s, day or 0)) in pm.teaches
            ]
            name = f"kept_trainer[{trainer},{session.id}]"
            entry.swaps.append(_unless_kept(pm, there, entry.same_day, name))
        for ngo in session.ngos:
            works = pm.ngo_works.get((ngo, day)) if day is not None else None
            name = f"kept_ngo[{ngo},{session.id}]"
            present = [works] if works is not None else []
            entry.swaps.append(_unless_kept(pm, present, entry.same_day, name))
    mapped = {entry.slot.index for entry in olds if entry.slot is not None}
    return cancel * sum(pm.active[s.index] for s in pm.slots if s.index not in mapped)


def _unless_kept(pm: PlanModel, present: list[Any], same_day: Any, name: str) -> Any:
    """1 - kept, where kept means: the session keeps its day, and the person is there."""
    if not present or isinstance(same_day, int):
        return 1
    kept = pm.model.new_bool_var(name)
    pm.model.add(sum(present) >= 1).only_enforce_if(kept)
    pm.model.add(same_day >= 1).only_enforce_if(kept)
    return 1 - kept


def _officer_measures(
    pm: PlanModel, olds: list[OldSession], no_shows: set[str]
) -> tuple[Any, Any, Any]:
    """(officers dropped, officers moved, no-shows left unseated), by class.

    Officers of a class are interchangeable; the extraction seats the old plan's officers of
    a class first, then its no-shows, then the others. So of the ``N`` old officers of a
    class, ``min(N, seats of the class)`` have a session, the ``kept`` ones in their own
    session on its day; the others with a session moved, the rest dropped; and of its ``A``
    no-shows, ``min(A, seats left)`` are seated again.
    """
    old_count: dict[int, int] = defaultdict(int)
    kept: dict[int, Any] = defaultdict(int)
    for entry in olds:
        for c, count in entry.old_class_counts.items():
            old_count[c] += count
            kept[c] += entry.kept_officers.get(c, 0)
    absent: dict[int, int] = defaultdict(int)
    for oc in pm.inst.officer_classes:
        absent[oc.index] = sum(1 for o in oc.officer_ids if o in no_shows)
    dropped: Any = 0
    moved: Any = 0
    unseated: Any = 0
    m = pm.model
    for c in sorted(set(old_count) | {c for c, n in absent.items() if n}):
        count = old_count.get(c, 0)
        seats = pm.class_seats(c)
        if isinstance(seats, int):
            seated_old: Any = min(count, seats)
        else:
            seated_old = m.new_int_var(0, count, f"seated_old[{c}]")
            m.add_min_equality(seated_old, [seats, count])
        dropped += count - seated_old
        moved += seated_old - kept[c]
        if absent[c]:
            reseated = m.new_int_var(0, absent[c], f"reseated[{c}]")
            m.add(reseated <= seats - seated_old)
            unseated += absent[c] - reseated
    return dropped, moved, unseated


@dataclass
class _ChangeLevel:
    """A minimal-change level, minimised, with an upper bound of its value."""

    level: Level
    top: int


def _levels(
    pm: PlanModel, olds: list[OldSession], added: Any, no_shows: set[str]
) -> tuple[list[_ChangeLevel], list[Level]]:
    """The minimal-change levels (officers_trained as officers left out, then officers
    dropped, no-shows left unseated, the change weight, officers moved, swaps), and the
    data's own later objectives."""
    data = pm.data
    total = len(data.officers)
    window = data.constraints.window
    cancel = cancel_weight(window_weeks(window.start, window.end))
    dropped, moved, unseated = _officer_measures(pm, olds, no_shows)
    old_officers = sum(sum(e.old_class_counts.values()) for e in olds)
    swaps = sum(s for entry in olds for s in entry.swaps)
    change = [
        _ChangeLevel(Level(UNTRAINED, total - pm.officers_trained(), False, 1.0), total),
        _ChangeLevel(Level("officers_dropped", dropped, False, 1.0), old_officers),
        _ChangeLevel(Level(UNSEATED, unseated, False, 1.0), len(no_shows)),
        _ChangeLevel(
            Level("change_weight", sum(entry.weight for entry in olds) + added, False, 1.0),
            cancel * (len(olds) + len(pm.slots)),
        ),
        _ChangeLevel(Level("officers_moved", moved, False, 1.0), old_officers),
        _ChangeLevel(
            Level("swaps", swaps, False, 1.0),
            sum(len(e.session.trainers) + len(e.session.ngos) for e in olds),
        ),
    ]
    later = objective_levels(
        pm,
        [name for name in data.constraints.objective_names if name != "officers_trained"],
        data.constraints.tolerances,
    )
    # a level that is a plain number (no old sessions, no officers) needs no search
    return [c for c in change if not isinstance(c.level.expr, int)], later


UNTRAINED = "officers_untrained"
UNSEATED = "no_shows_unseated"


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
    no_show_count = next((c.top for c in change if c.level.name == UNSEATED), 0)
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
    # levels minimised as what is left out are reported as what is achieved
    achieved = {UNTRAINED: ("officers_trained", total), UNSEATED: ("reseated", no_show_count)}
    for result in first.results:
        if result.name in achieved:
            result.name, top = achieved[result.name]
            result.value = None if result.value is None else top - result.value
            result.bound = None if result.bound is None else top - result.bound
    if first.values is None or first.infeasible or first.interrupted or not later:
        return first
    # hold the minimal-change levels at their values, hint the plan found
    for c, value in zip(change, held, strict=True):
        pm.model.add(c.level.expr <= value)
    pm.hint(first.values)
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
        pm.hint(pm.solution(solver))
