"""Re-planning with minimal change: sessions before a date are frozen, the rest is re-solved.

The model is the plain solver's (:class:`PlanModel` with every rule of ``solver/rules.py``),
built on an :class:`Instance` with a frozen past: it covers only the working days on or after
``since``, and each rule counts what the frozen sessions already use. What is the re-plan's
own:

- **Old sessions keep their identity.** Each old future session of a region is mapped to one
  slot of that region; the symmetry-breaking constraints of the plain solver are left out
  because they would tie identities to date order (a session moved past another would count
  as two moves). Only the slots left for new sessions are ordered.
- **Levels** (:data:`CHANGE_LEVELS`): officers dropped, officers trained (when it is the
  data's first objective), no-shows seated again, the weight of the sessions' changes,
  officers moved, trainer and NGO swaps, then the data's own objectives.
- **Extraction keeps names** (:class:`~trafficplan.solver.extract.Continuity`): ids of
  surviving sessions are kept, new sessions get ids the old plan never used, officers who
  stay in their session keep their seat.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.errors import PlanFileError
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import ObjectiveResult, Plan, PlanSession
from trafficplan.plan.changes import plan_changes
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
    INT64_MAX,
    INT64_MIN,
    Level,
    LexOutcome,
    make_solver,
    objective_levels,
    optimise_lexicographically,
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
    *,
    decompose: bool = True,
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
        decompose: keep where they are the sessions of regions whose optimum changes
            nothing (found region by region), and search the rest (the default); False
            searches the whole model with every region free, as the benchmark's yardstick.

    Returns:
        The result; its plan has ``frozen_before = since``, the frozen sessions unchanged and
        the data objectives, and the minimal-change levels under ``replan_objectives``.

    Raises:
        PlanFileError: a session before ``since`` names an id the data no longer hold.
    """
    options = options or SolveOptions()
    clock = _Clock.starting(options)
    _check_frozen(data, old, since)
    frozen = FrozenPast.of_plan(old, since, attendance)
    no_shows = _known_no_shows(data, attendance)
    inst = Instance(data, frozen)
    future = _future(old, since)
    # 1. each region alone, without trainers: a proven bound of every change level, and the
    #    regions whose every session provably stays where it is
    optima = _relax_by_region(inst, future, no_shows, options, clock.until(0.3), decompose)
    proven = optima is not None and all(o.proven for o in optima.values())
    pins = _pins(inst, future, optima) if proven and decompose else {}
    # 2. the whole model (those regions pinned) with each change level at the regions' sum
    built = _whole_model(inst, future, no_shows, pins)
    if isinstance(built, list) and not pins:
        return no_plan_result("infeasible", built, clock.started)
    attempt = None
    if proven and not isinstance(built, list):
        attempt = _at_region_optima(built, optima or {}, clock)
        if attempt.values is not None or (options.stop.is_set() and not attempt.infeasible):
            return _finished(inst, old, since, built, attempt, no_shows, clock)
    # 3. otherwise each level in turn on the whole model, every region free
    if pins or isinstance(built, list):
        built = _whole_model(inst, future, no_shows, {})
        if isinstance(built, list):
            return no_plan_result("infeasible", built, clock.started)
    elif attempt is not None:  # the regions' optima do not fit together: let them go
        for constraint in built.held:
            _release(constraint)
        built.pm.hint(plan_assignment(built.pm, future))
    sums = _sums(built.measures, optima) if optima is not None and proven else {}

    def seat_hint(values: dict[int, int]) -> dict[int, int]:
        reseat_deadline = time.monotonic() + 0.2 * (clock.deadline - time.monotonic())
        return _reseated_hint(built.pm, values, future, no_shows, options, reseat_deadline)

    outcome = _one_by_one(built, sums, seat_hint, clock)
    return _finished(inst, old, since, built, outcome, no_shows, clock)


@dataclass
class _Clock:
    """A re-plan's search settings and time: options, workers, start and deadline."""

    options: SolveOptions
    workers: int
    started: float
    deadline: float

    @classmethod
    def starting(cls, options: SolveOptions) -> _Clock:
        started = time.monotonic()
        workers = options.workers or os.cpu_count() or 1
        return cls(options, workers, started, started + options.time_limit)

    def until(self, share: float) -> float:
        """The moment ``share`` of the whole time limit has passed."""
        return self.started + share * (self.deadline - self.started)


@dataclass
class _Built:
    """The whole re-plan model: its measures, the data's later levels, the change levels
    held at the regions' optima (constraints), and when it was built."""

    pm: PlanModel
    measures: ChangeMeasures
    later: list[Level]
    built_at: float
    held: list[cp_model.Constraint] = field(default_factory=list)


def _finished(
    inst: Instance,
    old: Plan,
    since: date,
    built: _Built,
    outcome: LexOutcome,
    no_shows: set[str],
    clock: _Clock,
) -> SolveResult:
    """The result of a search of the whole model: the re-plan, or why there is none."""
    if outcome.infeasible:
        return no_plan_result("infeasible", [_no_replan_reason(since)], clock.started)
    build_seconds = built.built_at - clock.started
    if outcome.values is None:
        return no_plan_in_time(clock.started, outcome.interrupted, build_seconds)
    timing = Timing(clock.started, build_seconds, outcome.first_plan_at)
    return _replanned(inst, old, since, (built.pm, built.measures), outcome, no_shows, timing)


def _check_frozen(data: ProblemData, old: Plan, since: date) -> None:
    """Raise :class:`PlanFileError` when a frozen session names an id the data no longer
    know (the first, and how many more)."""
    problems = frozen_problems(data, old, since)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PlanFileError(f"{problems[0]}{more}")


def _known_no_shows(data: ProblemData, attendance: Attendance | None) -> set[str]:
    """The sign-in sheets' no-shows that the data still know."""
    return {o for o in (attendance.no_shows if attendance else set()) if o in data.officer_by_id}


def _no_replan_reason(since: date) -> str:
    """Why no re-plan exists when the search proves the model infeasible."""
    return (
        f"no plan from {since} on keeps every rule with the sessions before it frozen; "
        f"{EXPLAIN_POINTER} on the changed data to see which rules conflict"
    )


def _whole_model(
    inst: Instance, future: Plan, no_shows: set[str], pins: dict[tuple[str, str], list[Place]]
) -> _Built | list[str]:
    """The whole model with every rule (the sessions of ``pins`` only where they are), its
    change measures against the old plan's future (hinted with it), and the data's levels
    that follow the change levels; the reasons when its rules alone admit no plan."""
    data = inst.data
    pm = PlanModel(inst, pinned=pins)
    add_constraints(pm, symmetry=False)
    if pm.infeasible_reasons:
        return pm.infeasible_reasons
    measures = _measure(pm, future, no_shows)
    pm.hint(plan_assignment(pm, future))
    names = [
        name
        for name in data.constraints.objective_names
        if name != "officers_trained" or not trains_first(data)
    ]
    later = objective_levels(pm, names, data.constraints.tolerances)
    return _Built(pm, measures, later, time.monotonic())


def _replanned(
    inst: Instance,
    old: Plan,
    since: date,
    model: tuple[PlanModel, ChangeMeasures],
    outcome: LexOutcome,
    no_shows: set[str],
    timing: Timing,
) -> SolveResult:
    """The re-planned result: the frozen sessions and the model's future (old session ids
    kept where a session stays), the data levels, and the change levels as counted on the
    plan by :func:`plan_changes` (one figure for each)."""
    data = inst.data
    pm, measures = model
    assert outcome.values is not None
    values = outcome.values
    continuity = Continuity(
        old_of_slot={e.slot.index: e.session for e in measures.olds if e.slot is not None},
        used_ids={s.id for s in old.sessions},
        old_officers={o for s in old.sessions if s.date >= since for o in s.officers},
        reseat=no_shows,
    )
    future = extract_sessions(pm, lambda var: values[var.index], continuity)
    sessions = [*inst.frozen.sessions, *future]
    reached = {r.name: r for r in outcome.results}
    if "officers_trained" in reached and trains_first(data):  # seats from since on
        trained = reached["officers_trained"]
        past = inst.frozen_trained()
        trained.value = None if trained.value is None else trained.value + past
        trained.bound = None if trained.bound is None else trained.bound + past
    window = data.constraints.window
    counted = plan_changes(
        old,
        Plan(status="feasible", sessions=sessions),
        window_weeks(window.start, window.end),
        frozenset(no_shows),
    )
    # a data level the search did not reach is reported unproven (so the plan is not optimal)
    return plan_result(
        data,
        sessions,
        [r for r in outcome.results if r.name not in REPLAN_LEVELS],
        timing,
        interrupted=outcome.interrupted,
        frozen_before=since,
        replan_levels=_as_counted(outcome.results, counted.counts()),
    )


def _as_counted(results: list[ObjectiveResult], counts: dict[str, int]) -> list[ObjectiveResult]:
    """The minimal-change levels with the values the change list counts on the plan (one
    definition: what the terminal, ``--json`` and changes.csv say); a level is proven when
    its search was and the plan meets its bound."""
    levels = []
    for result in results:
        if result.name not in REPLAN_LEVELS:
            continue
        value = float(counts[result.name])
        proven = result.proven and result.bound is not None and value == result.bound
        levels.append(result.model_copy(update={"value": value, "proven": proven}))
    return levels


# ----- old sessions and what changing them costs -------------------------------------------------
def _representable(pm: PlanModel, session: PlanSession) -> bool:
    return session.region in pm.slots_of_region and session.date in pm.inst.day_index


def _future(plan: Plan, since: date) -> Plan:
    """The plan's sessions on or after ``since``."""
    return plan.model_copy(update={"sessions": [s for s in plan.sessions if s.date >= since]})


def _map_old_sessions(pm: PlanModel, future: Plan) -> list[OldSession]:
    """The old plan's future sessions to slots: in each region those on a model day first
    (date order, the order :func:`plan_assignment` hints them in), then the others."""
    olds: list[OldSession] = []
    by_course: dict[tuple[str, str], list[PlanSession]] = defaultdict(list)
    for session in sorted(future.sessions, key=lambda s: (s.date, s.id)):
        by_course[(session.region, pm.inst.course_of_session(session))].append(session)
    for key, sessions in by_course.items():
        ordered = [s for s in sessions if _representable(pm, s)]
        ordered += [s for s in sessions if not _representable(pm, s)]
        slots = pm.slots_of_course.get(key, [])  # the region's max less the frozen
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
    class_of: dict[str, dict[str, int]] = defaultdict(dict)  # course -> officer -> class
    for oc in inst.officer_classes:
        class_of[oc.course].update((o, oc.index) for o in oc.officer_ids)
    for entry in olds:
        session, slot = entry.session, entry.slot
        class_of_officer = class_of[inst.course_of_session(session)]
        for officer in session.officers:
            # an officer trained already (a substitute in a held session) has no seat to keep
            if officer in class_of_officer and officer not in pm.frozen.officers:
                c = class_of_officer[officer]
                entry.old_class_counts[c] = entry.old_class_counts.get(c, 0) + 1
        if slot is None:
            entry.weight = cancel
            # cancelled: its trainers and NGOs are out of it (as the change list counts them)
            entry.swaps = [1] * (len(session.trainers) + len(session.ngos))
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
    class, ``min(N, seats of the class)`` have a session (``N`` less those dropped, at least
    ``N - seats``: exact once minimised, the first level), the ``kept`` ones in their own
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
            # officers dropped: at least those the seats cannot hold (exact when minimised;
            # linear, so its relaxation is tight where min(count, seats) is not)
            lost = m.new_int_var(0, count, f"dropped[{c}]")
            m.add(lost >= count - seats)
            m.add(lost + kept[c] <= count)  # the kept ones keep a seat
            seated_old = count - lost
        dropped += count - seated_old
        moved += seated_old - kept[c]
        if absent[c]:
            reseated = m.new_int_var(0, absent[c], f"reseated[{c}]")
            m.add(reseated <= seats - seated_old)
            unseated += absent[c] - reseated
    return dropped, moved, unseated


# ----- the minimal-change levels -----------------------------------------------------------------
@dataclass
class ChangeMeasures:
    """The minimal-change levels of one model, in their order (:data:`CHANGE_LEVELS`).

    ``trained`` counts the officers seated on or after ``since`` (the frozen past is a
    constant, added when reported); every other measure is summed over regions, so that the
    measures of region-only models add up to the whole model's.
    """

    olds: list[OldSession]
    dropped: Any
    trained: Any
    reseated: Any
    weight: Any
    moved: Any
    swaps: Any
    trains_first: bool = True
    """Whether officers trained is a change level (the data's first objective); else it
    keeps its place among the data's objectives."""

    def levels(self, with_swaps: bool = True) -> list[Level]:
        """The levels in their order; swaps only where the model has trainers."""
        exprs = {
            "officers_dropped": self.dropped,
            "officers_trained": self.trained,
            "reseated": self.reseated,
            "change_weight": self.weight,
            "officers_moved": self.moved,
            "swaps": self.swaps,
        }
        names = [
            name
            for name in (CHANGE_LEVELS if with_swaps else CHANGE_LEVELS[:-1])
            if name != "officers_trained" or self.trains_first
        ]
        return [Level(name, exprs[name], name in MAXIMISED_CHANGE, 1.0) for name in names]


CHANGE_LEVELS = (
    "officers_dropped",
    "officers_trained",
    "reseated",
    "change_weight",
    "officers_moved",
    "swaps",
)
"""The re-plan's levels before the data's own later objectives. Officers dropped come
first: no one rostered loses a seat to train someone else (a no-show or an officer the old
plan left out); then officers trained, no-shows seated again, the weight of the sessions'
changes, officers moved, trainers and NGOs swapped."""

FULL_LINEARIZATION = 2
"""CP-SAT's linearization level that puts every constraint's relaxation in the root LP."""

MAXIMISED_CHANGE = frozenset({"officers_trained", "reseated"})


def _measure(pm: PlanModel, future: Plan, no_shows: set[str]) -> ChangeMeasures:
    """Map the old plan's future sessions to the model's slots and build the minimal-change
    measures over them."""
    olds = _map_old_sessions(pm, future)
    added = _add_change_measures(pm, olds)
    dropped, moved, unseated = _officer_measures(pm, olds, no_shows)
    return ChangeMeasures(
        olds=olds,
        dropped=dropped,
        trained=sum(pm.seated.values()),
        reseated=len(no_shows) - unseated,
        weight=sum(entry.weight for entry in olds) + added,
        moved=moved,
        swaps=sum(s for entry in olds for s in entry.swaps),
        trains_first=trains_first(pm.data),
    )


def trains_first(data: ProblemData) -> bool:
    """Whether the data's first objective is officers_trained: then the re-plan trains as
    many as it can right after keeping everyone rostered; otherwise officers trained keeps
    its place among the data's objectives, after the minimal-change levels."""
    return data.constraints.objective_names[:1] == ["officers_trained"]


# ----- step 1: each region alone, without trainers (a relaxation) --------------------------------
@dataclass
class RegionOptimum:
    """The lexicographic optimum of one region's minimal-change levels without trainers.

    Attributes:
        values: each level's optimum (model units; ``officers_trained``: seats from
            ``since`` on).
        proven: every level proven.
        places: (course, slot k) of the region -> (venue, day index) where the slot is a
            session.
        seats: (officer class, slot k) -> officers seated.
    """

    values: dict[str, int]
    proven: bool
    places: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    seats: dict[tuple[int, int], int] = field(default_factory=dict)


def _relax_by_region(
    inst: Instance,
    future: Plan,
    no_shows: set[str],
    options: SolveOptions,
    deadline: float,
    kept_first: bool = True,
) -> dict[str, RegionOptimum] | None:
    """Every region's optimum of the minimal-change levels, each region alone and without
    trainers (budget and max_total counted within the region only).

    Any re-plan, restricted to one region, is a plan of that region's model, and the
    measures add up over regions; so the sum of the regions' lexicographic optima is a
    lexicographic bound of the whole: no re-plan does better on the first level where it
    differs. None when a region's search does not finish in time.

    With ``kept_first``, a region is first solved with its sessions kept where they are (a
    far smaller model): when that reaches the bound every level has on its own (no one
    dropped, every officer of the region trained, every no-show seated again, no change, no
    one moved), it is the region's optimum; otherwise the region is solved with every
    venue-day open.
    """
    quiet = replace(options, progress=None)
    optima: dict[str, RegionOptimum] = {}
    region_of = {o: inst.data.officer_by_id[o].region for o in no_shows}
    for region_id in inst.region_ids:
        if time.monotonic() >= deadline or options.stop.is_set():
            return None
        optimum = None
        if kept_first:
            optimum = _kept_optimum(inst, region_id, future, region_of, quiet, deadline)
        if optimum is None:
            rm, own, measures = _region_model(inst, region_id, future, region_of)
            if rm.infeasible_reasons:
                return None
            rm.hint(plan_assignment(rm, own))
            levels = measures.levels(with_swaps=False)
            optimum = _lexicographic_optimum(rm, levels, quiet, deadline)
        if optimum is None:
            return None
        optima[region_id] = optimum
    return optima


def _kept_optimum(
    inst: Instance,
    region_id: str,
    future: Plan,
    region_of: dict[str, str],
    options: SolveOptions,
    deadline: float,
) -> RegionOptimum | None:
    """The region's optimum with every session where it is, when that meets the bound each
    change level has on its own (so no plan of the region does better); else None."""
    pins = _old_places(inst, future, {region_id})
    if pins is None:
        return None
    rm, own, measures = _region_model(inst, region_id, future, region_of, pins)
    if rm.infeasible_reasons:
        return None
    region_officers = sum(
        inst.officers_left(oc) for oc in inst.officer_classes if oc.region == region_id
    )
    region_no_shows = sum(1 for region in region_of.values() if region == region_id)
    best = {
        "officers_dropped": 0,
        "officers_trained": region_officers,
        "reseated": region_no_shows,
        "change_weight": 0,
        "officers_moved": 0,
    }
    levels = measures.levels(with_swaps=False)
    # one feasibility search with every level at its bound, instead of one search a level
    for level in levels:
        bound = best[level.name]
        if isinstance(level.expr, int):
            if level.expr != bound:
                return None
            continue
        rm.model.add(level.expr >= bound if level.maximise else level.expr <= bound)
    rm.hint(plan_assignment(rm, own))
    solver = make_solver(options, deadline - time.monotonic(), 1)
    solver.parameters.linearization_level = FULL_LINEARIZATION
    status = run_solver(solver, rm.model, options.stop)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = {level.name: best[level.name] for level in levels}
    # each level at a bound no plan of the region passes: the region's optimum
    return _region_optimum(rm, rm.solution(solver), values, proven=True)


Place = tuple[str, int]
"""A session's (venue id, day index)."""


def _old_places(
    inst: Instance, future: Plan, regions: set[str]
) -> dict[tuple[str, str], list[Place]] | None:
    """Per (region, course) of ``regions``, the places of the old plan's future sessions in
    the order :func:`_map_old_sessions` gives them slots; None when one is on a day the
    model does not have (it cannot stay)."""
    pins: dict[tuple[str, str], list[Place]] = {
        (region_id, course.id): [] for region_id in regions for course in inst.data.courses
    }
    for session in sorted(future.sessions, key=lambda s: (s.date, s.id)):
        if session.region not in regions:
            continue
        if session.date not in inst.day_index:
            return None
        key = (session.region, inst.course_of_session(session))
        pins[key].append((session.venue, inst.day_index[session.date]))
    return pins


def _pins(
    inst: Instance, future: Plan, optima: dict[str, RegionOptimum] | None
) -> dict[tuple[str, str], list[Place]]:
    """The regions whose optimum changes nothing, with their sessions' places.

    Every re-plan at the regions' sum of optima has each region at its own optimum (the
    measures add up, and none does better than its region's); a change of venue or day, a
    cancellation and an addition each weigh at least 1, so in a region whose optimal change
    weight is 0 every session stays where it is. Pinning those regions loses no such plan.
    """
    keep = {r for r, o in (optima or {}).items() if o.proven and o.values.get("change_weight") == 0}
    return _old_places(inst, future, keep) or {}


def _region_model(
    inst: Instance,
    region_id: str,
    future: Plan,
    region_of: dict[str, str],
    pins: dict[tuple[str, str], list[Place]] | None = None,
) -> tuple[PlanModel, Plan, ChangeMeasures]:
    """One region's model without trainers (every rule on the rest; the sessions of
    ``pins`` only where they are), the old plan's future sessions of that region, and the
    minimal-change measures over them (``region_of``: each no-show's region)."""
    rm = PlanModel(inst, regions={region_id}, with_trainers=False, pinned=pins)
    add_constraints(rm, symmetry=False)
    own = future.model_copy(
        update={"sessions": [s for s in future.sessions if s.region == region_id]}
    )
    no_shows = {o for o, r in region_of.items() if r == region_id}
    return rm, own, _measure(rm, own, no_shows)


def _lexicographic_optimum(
    rm: PlanModel, levels: list[Level], options: SolveOptions, deadline: float
) -> RegionOptimum | None:
    """Solve a region-only model's levels lexicographically (levels that are constants need
    no search); None when it runs out of time or has no plan."""
    constants = {lv.name: int(lv.expr) for lv in levels if isinstance(lv.expr, int)}
    searched = [lv for lv in levels if not isinstance(lv.expr, int)]
    started = time.monotonic()
    # the full linear relaxation at the root: officers dropped (at least the officers less
    # the seats) is proven at once with it, and not in seconds without
    outcome = optimise_lexicographically(
        rm, searched, options, 1, started, deadline, linearization=FULL_LINEARIZATION
    )
    if outcome.values is None or len(outcome.results) < len(searched):
        return None
    values = {**constants, **{r.name: round(r.value or 0) for r in outcome.results}}
    proven = all(r.proven for r in outcome.results)
    return _region_optimum(rm, outcome.values, values, proven)


def _region_optimum(
    rm: PlanModel, solution: dict[int, int], values: dict[str, int], proven: bool
) -> RegionOptimum:
    """A region-only model's solution as a :class:`RegionOptimum` with these level values."""
    optimum = RegionOptimum(values=values, proven=proven)
    for region_id, slots in rm.slots_of_region.items():
        for slot in slots:
            for venue, d, var in rm.places_of_slot[slot.index]:
                if solution[var.index]:
                    optimum.places[(slot.course, slot.k)] = (venue, d)
            for c in rm.classes_of_region[region_id]:
                if (c, slot.index) in rm.seated:
                    optimum.seats[(c, slot.k)] = solution[rm.seated[(c, slot.index)].index]
    return optimum


def _relaxed_hint(
    pm: PlanModel, olds: list[OldSession], optima: dict[str, RegionOptimum]
) -> dict[int, int]:
    """The regions' optimal sessions and seats, each old session with its old trainers and
    NGOs where it now stands: a hint for the whole model (trainers of new sessions are left
    to the search)."""
    values: dict[int, int] = {}
    place_of_slot: dict[int, tuple[str, int]] = {}
    for region_id, slots in pm.slots_of_region.items():
        optimum = optima.get(region_id, RegionOptimum(values={}, proven=False))
        for slot in slots:
            place = optimum.places.get((slot.course, slot.k))
            values[pm.active[slot.index].index] = int(place is not None)
            for venue, d, var in pm.places_of_slot[slot.index]:
                values[var.index] = int(place == (venue, d))
            for c in pm.classes_of_region[region_id]:
                if (c, slot.index) in pm.seated:
                    values[pm.seated[(c, slot.index)].index] = optimum.seats.get((c, slot.k), 0)
            if place is not None:
                place_of_slot[slot.index] = place
    teaching: set[tuple[str, int, int]] = set()
    working: set[tuple[str, int]] = set()
    for entry in olds:
        if entry.slot is None or entry.slot.index not in place_of_slot:
            continue
        venue, d = place_of_slot[entry.slot.index]
        site = pm.inst.site_of_venue[venue]
        teaching.update((t, site, d) for t in entry.session.trainers)
        working.update((n, d) for n in entry.session.ngos)
    for key, var in pm.teaches.items():
        values[var.index] = int(key in teaching)
    for ngo_key, var in pm.ngo_works.items():
        values[var.index] = int(ngo_key in working)
    return values


# ----- step 2: the whole model -------------------------------------------------------------------
def _sums(measures: ChangeMeasures, optima: dict[str, RegionOptimum]) -> dict[str, int]:
    """Each change level's sum of the regions' optima (all but swaps, which they have not)."""
    change = measures.levels()[:-1]
    return {lv.name: sum(o.values[lv.name] for o in optima.values()) for lv in change}


def _at_region_optima(built: _Built, optima: dict[str, RegionOptimum], clock: _Clock) -> LexOutcome:
    """The whole model with each change level held at the regions' sum (every region's
    optimum proven), then swaps and the data's objectives.

    A plan there is lexicographically optimal on every held level, since nothing does better
    than the relaxation; so only swaps and the data's objectives are searched. Infeasible
    when the regions' optima do not fit together (a trainer cannot be in two places); the
    held constraints are kept in ``built.held``.
    """
    pm, change = built.pm, built.measures.levels()
    sums = _sums(built.measures, optima)
    built.held = [
        pm.model.add(lv.expr >= sums[lv.name] if lv.maximise else lv.expr <= sums[lv.name])
        for lv in change[:-1]
    ]
    pm.hint(_relaxed_hint(pm, built.measures.olds, optima))
    attempt = optimise_lexicographically(
        pm,
        [change[-1], *built.later],
        clock.options,
        clock.workers,
        clock.started,
        clock.deadline,
        level_offset=len(change) - 1,
        level_count=len(change) + len(built.later),
    )
    if attempt.values is not None:
        reached = [
            ObjectiveResult(name=name, value=value, bound=value, proven=True)
            for name, value in sums.items()
        ]
        attempt.results = [*reached, *attempt.results]
    return attempt


def _one_by_one(
    built: _Built,
    sums: dict[str, int],
    seat_hint: Callable[[dict[int, int]], dict[int, int]],
    clock: _Clock,
) -> LexOutcome:
    """Each change level in turn on the whole model (half of the time left each), with its
    relaxation bound as a cut while the earlier levels met theirs; then the data's levels.

    Before officers moved, the plan so far is hinted with its officers seated again region by
    region on its sessions (``seat_hint``): the whole model's search improves seats slowly.
    """
    pm, change, later = built.pm, built.measures.levels(), built.later
    count = len(change) + len(later)
    outcome = LexOutcome()
    matched = bool(sums)
    for index, level in enumerate(change):
        if matched and level.name in sums:
            bound = sums[level.name]
            pm.model.add(level.expr <= bound if level.maximise else level.expr >= bound)
        if level.name == "officers_moved" and outcome.values is not None:
            pm.hint(seat_hint(outcome.values))
        step = optimise_lexicographically(
            pm,
            [level],
            clock.options,
            clock.workers,
            clock.started,
            time.monotonic() + 0.5 * (clock.deadline - time.monotonic()),
            level_offset=index,
            level_count=count,
            linearization=FULL_LINEARIZATION,
        )
        outcome.infeasible = step.infeasible and index == 0
        outcome.interrupted = step.interrupted
        if outcome.first_plan_at is None:
            outcome.first_plan_at = step.first_plan_at
        if step.values is None or not step.results:
            return outcome
        outcome.values = step.values
        result = step.results[0]
        if level.name in sums and matched:
            _tighten(result, level, float(sums[level.name]))
        matched = matched and result.value == sums.get(level.name)
        if outcome.results and not outcome.results[-1].proven:
            result.proven = False
        outcome.results.append(result)
        if step.interrupted or (not result.proven and time.monotonic() >= clock.deadline - 0.05):
            return outcome
    rest = optimise_lexicographically(
        pm,
        later,
        clock.options,
        clock.workers,
        clock.started,
        clock.deadline,
        level_offset=len(change),
        level_count=count,
    )
    return _followed_by(outcome, rest)


def _tighten(result: ObjectiveResult, level: Level, known: float) -> None:
    """A change level's result with the tighter of its search's bound and the regions'
    (``known``, proven too), in place; proven when its value meets it."""
    if result.bound is None:
        return
    result.bound = min(result.bound, known) if level.maximise else max(result.bound, known)
    result.proven = result.proven or result.value == result.bound


def _followed_by(outcome: LexOutcome, rest: LexOutcome) -> LexOutcome:
    """``outcome`` (the change levels) followed by ``rest`` (the data's levels): a later
    level is proven only when every change level is."""
    proven = all(r.proven for r in outcome.results)
    for result in rest.results:
        result.proven = result.proven and proven
    outcome.results += rest.results
    if rest.values is not None:
        outcome.values = rest.values
    outcome.interrupted = rest.interrupted
    return outcome


def _release(constraint: cp_model.Constraint) -> None:
    """Void a linear constraint (CP-SAT cannot remove one; its domain becomes everything)."""
    domain = constraint.proto.linear.domain
    domain.clear()
    domain.extend([INT64_MIN, INT64_MAX])


def _reseated_hint(
    pm: PlanModel,
    values: dict[int, int],
    future: Plan,
    no_shows: set[str],
    options: SolveOptions,
    deadline: float,
) -> dict[int, int]:
    """The plan of ``values`` (sessions, trainers, NGOs) with each region's officers seated
    again on its sessions as the change levels want them (dropped, trained, re-seated, moved:
    each region alone, its sessions fixed); where a region's search does not finish, its
    seats as they are. Only the decision variables are hinted."""
    quiet = replace(options, progress=None)
    hint = {var.index: values[var.index] for var in pm.active.values()}
    hint.update({var.index: values[var.index] for var in pm.slot_at.values()})
    hint.update({var.index: values[var.index] for var in pm.seated.values()})
    hint.update({var.index: values[var.index] for var in pm.teaches.values()})
    hint.update({var.index: values[var.index] for var in pm.ngo_works.values()})
    region_of = {o: pm.data.officer_by_id[o].region for o in no_shows}
    for region_id, slots in pm.slots_of_region.items():
        if time.monotonic() >= deadline or options.stop.is_set():
            break
        rm, _own, measures = _region_model(pm.inst, region_id, future, region_of)
        for slot, mine in zip(slots, rm.slots_of_region.get(region_id, []), strict=True):
            rm.model.add(rm.active[mine.index] == values[pm.active[slot.index].index])
            for venue, d, var in rm.places_of_slot[mine.index]:
                rm.model.add(var == values[pm.slot_at[(slot.index, venue, d)].index])
        levels = [lv for lv in measures.levels(with_swaps=False) if lv.name != "change_weight"]
        optimum = _lexicographic_optimum(rm, levels, quiet, deadline)
        if optimum is None:
            continue
        for slot in slots:
            for c in pm.classes_of_region[region_id]:
                if (c, slot.index) in pm.seated:
                    hint[pm.seated[(c, slot.index)].index] = optimum.seats.get((c, slot.k), 0)
    return hint
