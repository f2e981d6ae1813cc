"""Hints from an existing plan (a what-if baseline, or the plan being re-planned)."""

from __future__ import annotations

from collections import defaultdict

from trafficplan.plan import Plan
from trafficplan.solver.model import PlanModel


def plan_assignment(pm: PlanModel, plan: Plan) -> dict[int, int]:
    """Model variable values (by proto index) that reproduce the plan as far as it fits."""
    inst, _data = pm.inst, pm.data
    values: dict[int, int] = {}
    by_course: dict[tuple[str, str], list] = defaultdict(list)
    default = pm.data.default_course
    for session in sorted(plan.sessions, key=lambda s: (s.date, s.id)):
        if session.region in pm.slots_of_region and session.date in inst.day_index:
            by_course[(session.region, session.course or default)].append(session)
    class_of_officer = {
        (officer_id, oc.course): oc.index
        for oc in inst.officer_classes
        for officer_id in oc.officer_ids
    }
    for (region_id, course_id), slots in pm.slots_of_course.items():
        sessions = by_course.get((region_id, course_id), [])[: len(slots)]
        for slot in slots:
            on = slot.k < len(sessions)
            values[pm.active[slot.index].index] = int(on)
            for venue_id, d, var in pm.places_of_slot[slot.index]:
                hit = (
                    on
                    and venue_id == sessions[slot.k].venue
                    and inst.days[d] == sessions[slot.k].date
                )
                values[var.index] = int(hit)
            counts: dict[int, int] = defaultdict(int)
            if on:
                for officer_id in sessions[slot.k].officers:
                    if (officer_id, course_id) in class_of_officer:
                        counts[class_of_officer[(officer_id, course_id)]] += 1
            for c in pm.classes_of_region[region_id]:
                if (c, slot.index) in pm.seated:
                    values[pm.seated[(c, slot.index)].index] = counts.get(c, 0)
    teaching = {
        (t, inst.site_of_venue[s.venue], inst.day_index[s.date])
        for s in plan.sessions
        if s.venue in inst.site_of_venue and s.date in inst.day_index
        for t in s.trainers
    }
    for key, var in pm.teaches.items():
        values[var.index] = int(key in teaching)
    working: set[tuple[str, int]] = {
        (n, inst.day_index[s.date])
        for s in plan.sessions
        if s.date in inst.day_index
        for n in s.ngos
    }
    for ngo_key, var in pm.ngo_works.items():
        values[var.index] = int(ngo_key in working)
    return values


def add_plan_hint(pm: PlanModel, plan: Plan) -> None:
    """Hint the model with the plan's sessions, trainers, NGOs and officer counts."""
    pm.hint(plan_assignment(pm, plan))
