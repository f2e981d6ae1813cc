"""One function per hard rule of the spec (section 2), named by the rule id.

Each function adds that rule's constraints to a :class:`PlanModel`. Rules that restrict where
variables exist (calendar, unavailability, regions) are applied when the variables are made;
their functions here add the constraints only in explain mode, where those variables exist on
every day so that the rule can be switched off by an assumption.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from trafficplan.solver.model import PlanModel


def calendar(pm: PlanModel) -> None:
    """``calendar``: sessions only on working days of the window (days are working days only)."""
    # By construction: PlanModel indexes days by the working days of the window.


def counts(pm: PlanModel) -> None:
    """``counts``: each region runs between its min and max sessions; total at most max_total."""
    m, inst = pm.model, pm.inst
    for region_id in sorted(pm.regions):
        low, high = pm.session_floor[region_id], inst.session_range(region_id)[1]
        slots = pm.slots_of_region.get(region_id, [])
        actives = [pm.active[s.index] for s in slots]
        # symmetry breaking: active slots come first
        for first, second in itertools.pairwise(actives):
            m.add_implication(second, first)
        if low > 0 and not pm.data.region_by_id[region_id].venues:
            pm.infeasible_reasons.append(
                f"counts: region {region_id} needs {low} sessions but has no venue"
            )
        held = pm.sessions_of_region(region_id)
        pm._add(m.add(held >= low), "counts", region_id)
        if not pm.with_officers:
            m.add(held <= high)
    max_total = pm.data.constraints.sessions.max_total
    if max_total is not None and pm.regions == set(inst.region_ids):
        everything = sum(pm.sessions_of_region(r) for r in pm.regions)
        pm._add(m.add(everything <= max_total), "counts", "max_total")


def slot_order(pm: PlanModel) -> None:
    """Symmetry breaking: a region's slots are ordered by day (strictly when one a day)."""
    m = pm.model
    strict = pm.data.constraints.sessions.max_per_region_per_day == 1
    for slots in pm.slots_of_region.values():
        for first, second in itertools.pairwise(slots):
            gap = 1 if strict else 0
            m.add(
                pm.slot_day_number(second.index) >= pm.slot_day_number(first.index) + gap
            ).only_enforce_if(pm.active[second.index])


def fixed(pm: PlanModel) -> None:
    """``fixed``: every fixed entry is matched by a distinct session (venue/trainers if named)."""
    m, inst = pm.model, pm.inst
    entries = pm.data.constraints.sessions.fixed
    per_region_day: Counter[tuple[str, int]] = Counter()
    per_venue_day: Counter[tuple[str, int]] = Counter()
    for index, entry in enumerate(entries):
        subject = str(index)
        if entry.region not in pm.regions:
            continue
        d = inst.day_index.get(entry.date)
        if d is None:
            reason = pm.data.calendar.why_not_working(entry.date) or "not a working day"
            pm.infeasible_reasons.append(
                f"fixed: session {entry.region} {entry.date} falls on {reason}"
            )
            pm._add(m.add_bool_or([]), "fixed", subject)
            continue
        per_region_day[(entry.region, d)] += 1
        if entry.venue is not None:
            per_venue_day[(entry.venue, d)] += 1
            pm._add(
                m.add(
                    sum(pm.venue_day.get((entry.venue, d), [])) >= per_venue_day[(entry.venue, d)]
                ),
                "fixed",
                subject,
            )
        pm._add(
            m.add(
                sum(pm.region_day.get((entry.region, d), [])) >= per_region_day[(entry.region, d)]
            ),
            "fixed",
            subject,
        )
        for trainer_id in entry.trainers if pm.with_trainers and entry.trainers else []:
            if entry.venue is not None:
                site = inst.site_of_venue[entry.venue]
                present = [v for s, v in pm.y_of_trainer_day.get((trainer_id, d), []) if s == site]
            else:
                sites = set(inst.sites_of_region[entry.region])
                present = [v for s, v in pm.y_of_trainer_day.get((trainer_id, d), []) if s in sites]
            pm._add(m.add(sum(present) >= 1), "fixed", subject)


def venue_clash(pm: PlanModel) -> None:
    """``venue_clash``: a venue hosts at most one session a day."""
    for (_venue_id, _d), variables in pm.venue_day.items():
        if len(variables) > 1:
            pm.model.add_at_most_one(variables)


def venue_unavailable(pm: PlanModel) -> None:
    """``venue_unavailable``: no session at a venue on its unavailable dates."""
    if not pm.explain:
        return  # by construction: b exists only on the venue's free days
    for (_slot_index, venue_id, d), var in pm.b.items():
        if d not in set(pm.inst.venue_days(venue_id)):
            pm._add(pm.model.add(var == 0), "venue_unavailable", venue_id)


def region_per_day(pm: PlanModel) -> None:
    """``region_per_day``: at most max_per_region_per_day sessions a day in a region."""
    cap = pm.data.constraints.sessions.max_per_region_per_day
    for (region_id, _d), variables in pm.region_day.items():
        if len(variables) > cap:
            pm._add(pm.model.add(sum(variables) <= cap), "region_per_day", region_id)


def seats(pm: PlanModel) -> None:
    """``seats``: a session has between officers.min and min(officers.max, capacity) officers."""
    m, data = pm.model, pm.data
    low = data.constraints.sessions.officers.min
    for slot in pm.slots:
        attending = sum(pm.z[(c, slot.index)] for c in pm.classes_of_region[slot.region])
        top = sum(
            data.seat_range(venue_id)[1] * var for venue_id, _d, var in pm.b_of_slot[slot.index]
        )
        m.add(attending <= top)
        pm._add(m.add(attending >= low * pm.active[slot.index]), "seats", slot.region)


def officer_once(pm: PlanModel) -> None:
    """``officer_once``: an officer attends at most one session."""
    for oc in pm.inst.officer_classes:
        slots = pm.slots_of_region.get(oc.region, [])
        if slots:
            pm.model.add(sum(pm.z[(oc.index, s.index)] for s in slots) <= oc.size)


def officer_region(pm: PlanModel) -> None:
    """``officer_region``: officers attend sessions of their own region only."""
    # By construction: z exists only for slots of the class's own region.


def officer_unavailable(pm: PlanModel) -> None:
    """``officer_unavailable``: no officer attends on a day of their unavailability."""
    m, inst = pm.model, pm.inst
    for oc in inst.officer_classes:
        if not oc.unavailable:
            continue
        for slot in pm.slots_of_region.get(oc.region, []):
            busy = [
                var for _v, d, var in pm.b_of_slot[slot.index] if not inst.class_available(oc, d)
            ]
            if busy:
                # z can be positive only if the slot's day is one the class is free
                m.add(pm.z[(oc.index, slot.index)] <= oc.size * (1 - sum(busy)))


def district_share(pm: PlanModel) -> None:
    """``district_share``: per district and day, at most max(1, floor(share x size)) officers."""
    m, inst = pm.model, pm.inst
    by_district: dict[str, list[int]] = defaultdict(list)
    for oc in inst.officer_classes:
        by_district[oc.district].append(oc.index)
    one_a_day = pm.data.constraints.sessions.max_per_region_per_day == 1
    for district, class_indexes in by_district.items():
        region_id = pm.data.region_of_district[district]
        cap = inst.district_day_cap(district)
        slots = pm.slots_of_region.get(region_id, [])
        for slot in slots:
            m.add(sum(pm.z[(c, slot.index)] for c in class_indexes) <= cap)
        if not one_a_day and len(slots) > 1:
            # several sessions a day: the cap holds for the day's sum (per-slot share variables)
            for d in range(len(inst.days)):
                parts = []
                for slot in slots:
                    on_day = pm.slot_day_expr(slot.index, d)
                    if isinstance(on_day, int):
                        continue
                    share = m.new_int_var(0, cap, f"share[{district},{slot.index},{d}]")
                    total = sum(pm.z[(c, slot.index)] for c in class_indexes)
                    m.add(share >= total - cap * (1 - on_day))
                    parts.append(share)
                if len(parts) > 1:
                    m.add(sum(parts) <= cap)


def trainer_count(pm: PlanModel) -> None:
    """``trainer_count``: exactly per_session distinct trainers a session (per site and day)."""
    per_session = pm.data.constraints.trainers.per_session
    if not pm.with_trainers:
        return
    trainers_at: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (_t, site, d), var in pm.y.items():
        trainers_at[(site, d)].append(var)
    for (site, d), sessions in pm.site_day.items():
        pm.model.add(sum(trainers_at.get((site, d), [])) == per_session * sum(sessions))
    for (site, d), variables in trainers_at.items():
        if (site, d) not in pm.site_day:
            for var in variables:
                pm.model.add(var == 0)


def trainer_region(pm: PlanModel) -> None:
    """``trainer_region``: trainers teach only in their allowed regions."""
    # By construction: y exists only for sites of the trainer's allowed regions.


def trainer_unavailable(pm: PlanModel) -> None:
    """``trainer_unavailable``: no trainer teaches on a day of their unavailability."""
    if not pm.explain:
        return  # by construction: y exists only on the trainer's free days
    for trainer in pm.data.trainers:
        free = set(pm.inst.trainer_days(trainer.id))
        for (t, _s, d), var in pm.y.items():
            if t == trainer.id and d not in free:
                pm._add(pm.model.add(var == 0), "trainer_unavailable", trainer.id)


def trainer_per_day(pm: PlanModel) -> None:
    """``trainer_per_day``: a trainer leads at most one session a day."""
    for variables in pm.y_of_trainer_day.values():
        if len(variables) > 1:
            pm.model.add_at_most_one(var for _s, var in variables)


def _busy(pm: PlanModel, trainer_id: str, d: int) -> list:
    return [var for _s, var in pm.y_of_trainer_day.get((trainer_id, d), [])]


def trainer_per_week(pm: PlanModel) -> None:
    """``trainer_per_week``: at most max_per_week sessions per ISO week."""
    cap = pm.data.constraints.trainers.max_per_week
    for trainer in pm.data.trainers:
        for week_days in pm.inst.weeks.values():
            busy = [v for d in week_days for v in _busy(pm, trainer.id, d)]
            if len(busy) > cap:
                pm._add(pm.model.add(sum(busy) <= cap), "trainer_per_week", trainer.id)


def trainer_consecutive(pm: PlanModel) -> None:
    """``trainer_consecutive``: at most max_consecutive_days sessions on consecutive days."""
    cap = pm.data.constraints.trainers.max_consecutive_days
    for trainer in pm.data.trainers:
        for run in pm.inst.consecutive_runs:
            for start in range(len(run) - cap):
                window = run[start : start + cap + 1]
                busy = [v for d in window for v in _busy(pm, trainer.id, d)]
                if len(busy) > cap:
                    pm._add(pm.model.add(sum(busy) <= cap), "trainer_consecutive", trainer.id)


def trainer_max_sessions(pm: PlanModel) -> None:
    """``trainer_max_sessions``: a trainer's sessions over the window at most max_sessions."""
    for trainer in pm.data.trainers:
        if trainer.max_sessions is not None:
            pm._add(
                pm.model.add(pm.trainer_load(trainer.id) <= trainer.max_sessions),
                "trainer_max_sessions",
                trainer.id,
            )


def travel(pm: PlanModel) -> None:
    """``travel``: d2 - d1 >= 1 + travel_days between a trainer's sessions in two regions.

    One clique per (trainer, site, day, offset): the trainer at site s on day d excludes every
    site too far to reach by day d + offset.
    """
    inst = pm.inst
    site_count = len(inst.sites)
    gaps = [[inst.travel_gap(a, b) for b in range(site_count)] for a in range(site_count)]
    max_gap = max((max(row) for row in gaps), default=1)
    if max_gap <= 1:
        return
    for (trainer_id, d), here in pm.y_of_trainer_day.items():
        for site, var in here:
            for later in range(d + 1, len(inst.days)):
                offset = inst.ordinal(later) - inst.ordinal(d)
                if offset >= max_gap:
                    break
                too_far = [
                    other
                    for s2, other in pm.y_of_trainer_day.get((trainer_id, later), [])
                    if gaps[site][s2] > offset
                ]
                if too_far:
                    pm._add(pm.model.add(var + sum(too_far) <= 1), "travel", trainer_id)


def ngo_count(pm: PlanModel) -> None:
    """``ngo_count``: exactly per_session distinct NGOs of the session's region."""
    per_session = pm.data.constraints.ngos.per_session
    for region in pm.data.regions:
        for d in range(len(pm.inst.days)):
            sessions = pm.region_day.get((region.id, d))
            if not sessions:
                continue
            ngos = [pm.u[(n.id, d)] for n in region.ngos if (n.id, d) in pm.u]
            pm._add(pm.model.add(sum(ngos) == per_session * sum(sessions)), "ngo_count", region.id)


def ngo_region(pm: PlanModel) -> None:
    """``ngo_region``: NGOs co-facilitate only sessions of their own region."""
    # By construction: u exists only for the NGO's own region.


def ngo_unavailable(pm: PlanModel) -> None:
    """``ngo_unavailable``: no NGO works on a day of its unavailability."""
    if not pm.explain:
        return
    for ngo_id in pm.data.ngo_by_id:
        free = set(pm.inst.ngo_days(ngo_id))
        for (n, d), var in pm.u.items():
            if n == ngo_id and d not in free:
                pm._add(pm.model.add(var == 0), "ngo_unavailable", ngo_id)


def ngo_per_day(pm: PlanModel) -> None:
    """``ngo_per_day``: an NGO works at most one session a day (u is one Boolean a day)."""
    # By construction: u[n, d] is a single Boolean, and ngo_count counts distinct NGOs.


def ngo_per_week(pm: PlanModel) -> None:
    """``ngo_per_week``: at most max_per_week sessions per NGO per ISO week."""
    cap = pm.data.constraints.ngos.max_per_week
    for ngo_id in pm.data.ngo_by_id:
        for week_days in pm.inst.weeks.values():
            busy = [pm.u[(ngo_id, d)] for d in week_days if (ngo_id, d) in pm.u]
            if len(busy) > cap:
                pm._add(pm.model.add(sum(busy) <= cap), "ngo_per_week", ngo_id)


def budget(pm: PlanModel) -> None:
    """``budget``: cost_eur <= budget_eur when set."""
    limit = pm.data.constraints.budget_eur
    if limit is not None and pm.with_trainers:
        # each assignment's cost rounded up, so that the exact cost never exceeds the budget
        cost = sum(pm.inst.cost_cents(t, s, ceil=True) * var for (t, s, _), var in pm.y.items())
        cents = math.floor(limit * 100 + 1e-6)
        pm._add(pm.model.add(cost <= cents), "budget", "budget_eur")


def trainer_symmetry(pm: PlanModel) -> None:
    """Symmetry breaking: interchangeable trainers (same home, rate, regions, leave, cap)
    are used in order of decreasing load."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for trainer in pm.data.trainers:
        key = (
            trainer.home.lat,
            trainer.home.lon,
            trainer.day_rate_eur,
            tuple(trainer.regions or ()),
            trainer.unavailable,
            trainer.max_sessions,
        )
        groups[key].append(trainer.id)
    fixed_trainers = {t for e in pm.data.constraints.sessions.fixed for t in e.trainers or []}
    for members in groups.values():
        members = [t for t in members if t not in fixed_trainers]
        for first, second in itertools.pairwise(members):
            pm.model.add(pm.trainer_load(first) >= pm.trainer_load(second))


HARD_RULES: list[tuple[str, Callable[[PlanModel], None]]] = [
    ("calendar", calendar),
    ("counts", counts),
    ("fixed", fixed),
    ("venue_clash", venue_clash),
    ("venue_unavailable", venue_unavailable),
    ("region_per_day", region_per_day),
    ("seats", seats),
    ("officer_once", officer_once),
    ("officer_region", officer_region),
    ("officer_unavailable", officer_unavailable),
    ("district_share", district_share),
    ("trainer_count", trainer_count),
    ("trainer_region", trainer_region),
    ("trainer_unavailable", trainer_unavailable),
    ("trainer_per_day", trainer_per_day),
    ("trainer_per_week", trainer_per_week),
    ("trainer_consecutive", trainer_consecutive),
    ("trainer_max_sessions", trainer_max_sessions),
    ("travel", travel),
    ("ngo_count", ngo_count),
    ("ngo_region", ngo_region),
    ("ngo_unavailable", ngo_unavailable),
    ("ngo_per_day", ngo_per_day),
    ("ngo_per_week", ngo_per_week),
    ("budget", budget),
]
"""Every hard rule of the spec, in spec order, with the function that models it."""

SYMMETRY_BREAKING: list[Callable[[PlanModel], None]] = [slot_order, trainer_symmetry]


def add_constraints(pm: PlanModel) -> None:
    """Add every hard rule, then the symmetry-breaking constraints."""
    for _rule, add in HARD_RULES:
        add(pm)
    for add in SYMMETRY_BREAKING:
        add(pm)
