"""Officers on seats: a plan's sessions filled region by region, by a min-cost max flow (exact,
when the sessions keep every other rule) or by a small CP-SAT model of the region."""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict

from ortools.sat.python import cp_model

from trafficplan.plan import PlanSession
from trafficplan.solver.api import (
    SolveOptions,
)
from trafficplan.solver.extract import extract_sessions
from trafficplan.solver.instance import Instance, OfficerClass
from trafficplan.solver.model import PlanModel
from trafficplan.solver.rules import add_constraints
from trafficplan.solver.search import (
    make_solver,
    run_solver,
)


def place_officers(
    inst: Instance,
    sessions: list[PlanSession],
    options: SolveOptions,
    deadline: float,
    *,
    sessions_keep_rules: bool = False,
    at_most: dict[str, int] | None = None,
) -> dict[str, int] | None:
    """Fill the sessions' seats region by region (in place); officers per region, or None
    when some region's sessions could not all be filled to their minimum.

    With ``sessions_keep_rules`` the sessions keep every rule but the officers' own (a
    master's plan: calendar, counts, fixed, venues, NGOs), so seating is a flow problem
    alone, solved exactly by :func:`seat_by_flow`; otherwise (a relaxed plan, a re-plan's
    frozen past) each region's seating is a small CP-SAT model of every rule
    (:func:`seat_by_model`), which also tells when those sessions break another rule.
    ``at_most`` caps a region's officers (a master's count, which its cost assumed).
    """
    placed: dict[str, int] = {}
    regions = inst.region_ids
    flow = sessions_keep_rules and not inst.frozen.sessions
    for position, region_id in enumerate(regions):
        own = [s for s in sessions if s.region == region_id]
        if not own:
            placed[region_id] = 0
            continue
        if flow and all(s.date in inst.day_index for s in own):
            seated = seat_by_flow(inst, region_id, own, (at_most or {}).get(region_id))
        else:
            # a fair share of the time left, but never less than two seconds: a plan whose
            # sessions have no officers would break the seats rule
            share = (deadline - time.monotonic()) / (len(regions) - position)
            seated = seat_by_model(inst, region_id, own, options, max(2.0, share))
        if seated is None:
            return None
        placed[region_id] = seated
    return placed


def seat_by_model(
    inst: Instance,
    region_id: str,
    own: list[PlanSession],
    options: SolveOptions,
    seconds: float,
) -> int | None:
    """Seat a region's officers on its sessions ``own`` (in place) with a CP-SAT model of
    the region (every rule, no trainers) held to those sessions; the officers seated, or
    None when the model finds no plan."""
    pm = PlanModel(inst, regions={region_id}, with_trainers=False)
    add_constraints(pm)
    taken = {(inst.course_of_session(s), s.venue, inst.day_index[s.date]) for s in own}
    for (slot_index, venue_id, d), var in pm.slot_at.items():
        if (pm.slots[slot_index].course, venue_id, d) not in taken:
            pm.model.add(var == 0)
    pm.model.add(pm.sessions_of_region(region_id) == len(own))
    pm.model.maximize(pm.officers_trained())
    # one worker: a small problem, and a deterministic answer
    solver = make_solver(options, seconds, 1)
    # its own stop event: after Ctrl-C the best sessions still get their officers
    status = run_solver(solver, pm.model, threading.Event())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    filled = extract_sessions(pm, solver.value)
    by_place = {(f.venue, f.date): f.officers for f in filled}
    for session in own:
        session.officers = by_place.get((session.venue, session.date), [])
    return sum(len(s.officers) for s in own)


def seat_by_flow(
    inst: Instance,
    region_id: str,
    own: list[PlanSession],
    at_most: int | None = None,
    course: str | None = None,
) -> int | None:
    """Seat as many of a region's officers as possible on its sessions ``own`` (in place),
    every session at least ``officers.min``; the officers seated, or None when some session
    cannot reach its minimum.

    Once the sessions are fixed, the officer rules (seats, officer_once, officer_region,
    officer_unavailable, district_share) form a network: source -> officer class (its
    size) -> (district, day) (the district's daily cap) -> session of that day -> sink,
    each session's arc to the sink split into its minimum (cost 0) and the seats above it
    (cost 1). A maximum flow of least cost seats the most officers (integral, exact) and,
    among such flows, fills the minimums the most: augmenting a flow that fills them to a
    maximum one never takes a seat away, so when some plan fills every minimum, this one
    does. Deterministic: the same sessions give the same seating. With ``at_most``, the
    source gives at most that many officers (minimums still filled first: they cost less).
    """
    low = inst.data.course_of(course).officers.min
    ordered = sorted(own, key=lambda s: (s.date, s.venue))
    top = [inst.data.seat_range(session.venue, course)[1] for session in ordered]
    if any(high < low for high in top):
        return None
    classes = [
        oc
        for oc in inst.officer_classes
        if oc.region == region_id and (course is None or oc.course == course)
    ]
    seats = _SeatNetwork(inst, classes, ordered, top, low)
    attending = seats.solve(at_most)
    if attending is None or any(count < low for count in attending):
        return None
    counts = seats.class_counts()
    officers: list[list[str]] = [[] for _ in ordered]
    for index, oc in enumerate(classes):
        ids = iter(oc.officer_ids)
        for position in range(len(ordered)):
            officers[position] += itertools.islice(ids, counts.get((index, position), 0))
    for position, session in enumerate(ordered):
        session.officers = sorted(officers[position])
    return sum(attending)


class _SeatNetwork:
    """The network of :func:`seat_by_flow` for one region's officer classes and sessions
    (``ordered`` by date and venue, ``top`` their seats, ``low`` the minimum)."""

    def __init__(
        self,
        inst: Instance,
        classes: list[OfficerClass],
        ordered: list[PlanSession],
        top: list[int],
        low: int,
    ) -> None:
        from ortools.graph.python import min_cost_flow

        self.network = network = min_cost_flow.SimpleMinCostFlow()
        self.sessions = len(ordered)
        self.supply = sum(oc.size for oc in classes)
        self.source, self.sink = 0, 1
        self.next_node = 2
        on_day: dict[int, list[int]] = defaultdict(list)
        for position, session in enumerate(ordered):
            on_day[inst.day_index[session.date]].append(position)
        self.session_node = []
        for high in top:
            self.session_node.append(self.next_node)
            network.add_arc_with_capacity_and_unit_cost(self.next_node, self.sink, low, 0)
            network.add_arc_with_capacity_and_unit_cost(self.next_node, self.sink, high - low, 1)
            self.next_node += 1
        # (district, day): its entry node and the arcs into its sessions
        self.district_day: dict[tuple[str, int], int] = {}
        self.into_session: dict[tuple[str, int], list[tuple[int, int]]] = {}
        self.from_class: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        for index, oc in enumerate(classes):
            class_node = self.next_node
            self.next_node += 1
            network.add_arc_with_capacity_and_unit_cost(self.source, class_node, oc.size, 0)
            for d, positions in on_day.items():
                if inst.class_available(oc, d):
                    key = (oc.district, d)
                    if key not in self.district_day:
                        cap = inst.data.district_day_cap(oc.district)
                        self._add_district_day(key, cap, positions, top)
                    arc = network.add_arc_with_capacity_and_unit_cost(
                        class_node, self.district_day[key], oc.size, 0
                    )
                    self.from_class[key].append((index, arc))

    def _add_district_day(
        self, key: tuple[str, int], cap: int, positions: list[int], top: list[int]
    ) -> None:
        """A district's day: its entry, the arc of its daily cap, and its arcs to that
        day's sessions."""
        network = self.network
        entry, leave = self.next_node, self.next_node + 1
        self.next_node += 2
        self.district_day[key] = entry
        network.add_arc_with_capacity_and_unit_cost(entry, leave, cap, 0)
        self.into_session[key] = [
            (
                position,
                network.add_arc_with_capacity_and_unit_cost(
                    leave, self.session_node[position], top[position], 0
                ),
            )
            for position in positions
        ]

    def solve(self, at_most: int | None) -> list[int] | None:
        """The maximum flow of least cost (at most ``at_most`` officers): each session's
        officers, or None when the solver fails."""
        network = self.network
        supply, source = self.supply, self.source
        if at_most is not None and at_most < supply:
            # a second source in front of the first, its one arc the cap
            capped = self.next_node
            network.add_arc_with_capacity_and_unit_cost(capped, source, at_most, 0)
            supply, source = at_most, capped
        network.set_node_supply(source, supply)
        network.set_node_supply(self.sink, -supply)
        if network.solve_max_flow_with_min_cost() != network.OPTIMAL:
            return None
        attending = [0] * self.sessions
        for arcs in self.into_session.values():
            for position, arc in arcs:
                attending[position] += network.flow(arc)
        return attending

    def class_counts(self) -> dict[tuple[int, int], int]:
        """Officers per (class, session) of the solved flow: each (district, day) shares
        its classes' officers out to its sessions in order."""
        counts: dict[tuple[int, int], int] = defaultdict(int)
        for key, arcs in self.into_session.items():
            given = [[index, self.network.flow(arc)] for index, arc in self.from_class[key]]
            for position, arc in arcs:
                need = self.network.flow(arc)
                for item in given:
                    take = min(need, item[1])
                    if take:
                        counts[(item[0], position)] += take
                        item[1] -= take
                        need -= take
        return counts
