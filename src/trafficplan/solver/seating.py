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
from trafficplan.solver.instance import Instance
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
    taken = {(s.venue, inst.day_index[s.date]) for s in own}
    for (_slot_index, venue_id, d), var in pm.slot_at.items():
        if (venue_id, d) not in taken:
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
    inst: Instance, region_id: str, own: list[PlanSession], at_most: int | None = None
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
    from ortools.graph.python import min_cost_flow

    data = inst.data
    low = data.constraints.sessions.officers.min
    ordered = sorted(own, key=lambda s: (s.date, s.venue))
    on_day: dict[int, list[int]] = defaultdict(list)
    top: list[int] = []
    for position, session in enumerate(ordered):
        on_day[inst.day_index[session.date]].append(position)
        top.append(data.seat_range(session.venue)[1])
    if any(high < low for high in top):
        return None
    classes = [oc for oc in inst.officer_classes if oc.region == region_id]

    network = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    next_node = 2
    session_node = []
    for high in top:
        session_node.append(next_node)
        network.add_arc_with_capacity_and_unit_cost(next_node, sink, low, 0)
        network.add_arc_with_capacity_and_unit_cost(next_node, sink, high - low, 1)
        next_node += 1
    # (district, day): its entry node and the arcs into its sessions
    district_day: dict[tuple[str, int], int] = {}
    into_session: dict[tuple[str, int], list[tuple[int, int]]] = {}
    from_class: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for index, oc in enumerate(classes):
        class_node = next_node
        next_node += 1
        network.add_arc_with_capacity_and_unit_cost(source, class_node, oc.size, 0)
        for d, positions in on_day.items():
            if not inst.class_available(oc, d):
                continue
            key = (oc.district, d)
            if key not in district_day:
                entry, leave = next_node, next_node + 1
                next_node += 2
                district_day[key] = entry
                cap = data.district_day_cap(oc.district)
                network.add_arc_with_capacity_and_unit_cost(entry, leave, cap, 0)
                into_session[key] = [
                    (
                        position,
                        network.add_arc_with_capacity_and_unit_cost(
                            leave, session_node[position], top[position], 0
                        ),
                    )
                    for position in positions
                ]
            arc = network.add_arc_with_capacity_and_unit_cost(
                class_node, district_day[key], oc.size, 0
            )
            from_class[key].append((index, arc))
    supply = sum(oc.size for oc in classes)
    if at_most is not None and at_most < supply:
        # a second source in front of the first, its one arc the cap
        capped = next_node
        network.add_arc_with_capacity_and_unit_cost(capped, source, at_most, 0)
        supply, source = at_most, capped
    network.set_node_supply(source, supply)
    network.set_node_supply(sink, -supply)
    if network.solve_max_flow_with_min_cost() != network.OPTIMAL:
        return None
    attending = [0] * len(ordered)
    for arcs in into_session.values():
        for position, arc in arcs:
            attending[position] += network.flow(arc)
    if any(count < low for count in attending):
        return None

    # officers per (class, session): each (district, day) shares its classes' officers out
    # to its sessions in order; then each class's officers by id, sessions in date order
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for key, arcs in into_session.items():
        given = [[index, network.flow(arc)] for index, arc in from_class[key]]
        for position, arc in arcs:
            need = network.flow(arc)
            for item in given:
                take = min(need, item[1])
                if take:
                    counts[(item[0], position)] += take
                    item[1] -= take
                    need -= take
    officers: list[list[str]] = [[] for _ in ordered]
    for index, oc in enumerate(classes):
        ids = iter(oc.officer_ids)
        for position in range(len(ordered)):
            officers[position] += itertools.islice(ids, counts.get((index, position), 0))
    for position, session in enumerate(ordered):
        session.officers = sorted(officers[position])
    return sum(attending)
