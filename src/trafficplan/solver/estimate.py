"""Officer counts for the officer-free master: an upper bound per region it can optimise.

The master (``PlanModel(with_officers=False)``) decides sessions, trainers and NGOs only. To
choose *which* regions get the sessions and *which* days they take, it needs to know what
officers a choice could train. :func:`add_officer_estimate` gives it one integer per region,
``pm.region_officers[r]``, held below every count the officer rules allow for the region's
sessions:

- its officers not yet trained (``officer_once``) and the counting bound it is given, and
  at least ``officers.min`` per session (``seats``);
- per session day, the seats of that day's sessions, each at most the officers free that day
  within each district's daily cap (``seats``, ``officer_unavailable``, ``district_share``);
- per district, its officers whose free days hold a session, and at most its daily cap
  times the region's sessions (``officer_unavailable``, ``district_share``).

Each is a relaxation (every plan's officers of the region satisfy it), so the master's best
officer count is a proven upper bound of the whole problem's, and its cost (which counts
these officers) a proven lower bound at that count. When the officers can be seated on the
master's sessions up to these counts (``solver/seating.py``, by a flow), the plan reaches the
bound and every level the master proved is proven for the plan.
"""

from __future__ import annotations

from collections import defaultdict

from trafficplan.solver.instance import OfficerClass
from trafficplan.solver.model import LinearExpr, PlanModel


def add_officer_estimate(pm: PlanModel, bounds: dict[str, int]) -> None:
    """Create ``pm.region_officers`` (one count per region of the model, at most its bound in
    ``bounds``) and the constraints of the module docstring. For an officer-free model."""
    inst, m = pm.inst, pm.model
    trained = pm.frozen.officers
    classes_of_region: dict[str, list[tuple[OfficerClass, int]]] = defaultdict(list)
    for oc in inst.officer_classes:
        left = sum(1 for o in oc.officer_ids if o not in trained)
        if left:
            classes_of_region[oc.region].append((oc, left))
    held_on: dict[tuple[str, int], LinearExpr] = {
        key: sum(variables) for key, variables in pm.region_day.items()
    }
    for region_id in inst.region_ids:
        if region_id not in pm.regions:
            continue
        own = classes_of_region.get(region_id, [])
        top = min(bounds.get(region_id, 0), sum(left for _oc, left in own))
        count = m.new_int_var(0, max(0, top), f"region_officers[{region_id}]")
        pm.region_officers[region_id] = count
        days = sorted(d for (r, d) in pm.region_day if r == region_id)
        if not own or not days:
            m.add(count == 0)
            continue

        _add_seats_bound(pm, region_id, own, days, count)
        _add_district_bound(pm, region_id, own, days, count, held_on)


def _add_seats_bound(
    pm: PlanModel,
    region_id: str,
    own: list[tuple[OfficerClass, int]],
    days: list[int],
    count: LinearExpr,
) -> None:
    """A region's officers at most its sessions' seats, each at most the officers free that
    day; at least each session's minimum."""
    inst, data, m = pm.inst, pm.data, pm.model
    # per day: the seats of its sessions, each at most the officers free that day
    free_on_day: dict[int, int] = {}
    for d in days:
        per_district: dict[str, int] = defaultdict(int)
        for oc, left in own:
            if inst.class_available(oc, d):
                per_district[oc.district] += left
        free_on_day[d] = sum(
            min(size, data.district_day_cap(district)) for district, size in per_district.items()
        )
    seats = [
        min(data.seat_range(venue_id)[1], free_on_day[d]) * var
        for (venue_id, d), variables in pm.venue_day.items()
        if data.region_of_venue[venue_id] == region_id
        for var in variables
    ]
    m.add(count <= sum(seats))
    low = data.constraints.sessions.officers.min
    m.add(count >= low * pm.sessions_of_region(region_id))  # seats: each its minimum


def _add_district_bound(
    pm: PlanModel,
    region_id: str,
    own: list[tuple[OfficerClass, int]],
    days: list[int],
    count: LinearExpr,
    held_on: dict[tuple[str, int], LinearExpr],
) -> None:
    """A region's officers at most, per district, its officers with a session on one of
    their free days, at most its daily cap on each session day."""
    inst, data, m = pm.inst, pm.data, pm.model
    # per district: its officers with a session on one of their free days, at most its
    # daily cap on each session day
    covered: dict[tuple[int, ...], LinearExpr] = {}
    by_district: dict[str, list[LinearExpr | int]] = defaultdict(list)
    district_size: dict[str, int] = defaultdict(int)
    for oc, left in own:
        district_size[oc.district] += left
        if not oc.unavailable:
            by_district[oc.district].append(left)
            continue
        free = tuple(d for d in days if inst.class_available(oc, d))
        if free not in covered:
            flag = m.new_bool_var(f"covered[{region_id},{len(covered)}]")
            m.add(flag <= sum(held_on[(region_id, d)] for d in free))
            covered[free] = flag
        by_district[oc.district].append(left * covered[free])
    sessions = pm.sessions_of_region(region_id)
    parts = []
    for district, terms in sorted(by_district.items()):
        part = m.new_int_var(0, district_size[district], f"district_officers[{district}]")
        m.add(part <= sum(terms))
        m.add(part <= data.district_day_cap(district) * sessions)
        parts.append(part)
    m.add(count <= sum(parts))


def add_seating_cut(
    pm: PlanModel, region_id: str, sessions: set[tuple[str, int]], seated: int
) -> None:
    """A cut after seating the region's officers on exactly ``sessions`` (venue, day) seated
    only ``seated``, fewer than its count: the most officers those sessions can take (a
    maximum flow), so with them the count is at most ``seated``; each session added can raise
    that by at most its seats and one taken away never does. So the count is at most
    ``seated`` plus the largest seats times the sessions that differ, valid for every plan
    (no plan is cut off, only this set's overestimate)."""
    data = pm.data
    top = pm.inst.most_seats(region_id)
    differ = [
        1 - var if key in sessions else var
        for key, var in pm.held_at.items()
        if data.region_of_venue[key[0]] == region_id
    ]
    pm.model.add(pm.region_officers[region_id] <= seated + top * sum(differ))
