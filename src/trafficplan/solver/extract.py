"""From a CP-SAT solution to a plain-data plan: sessions, then named officers on seats.

The model decides how many officers of each interchangeable class attend each session; here
the named officers are taken from each class in id order. Since every officer of a class has
the same district and the same unavailability, any choice keeps ``officer_unavailable`` and
``district_share`` exactly as the counts did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trafficplan.plan import PlanSession
from trafficplan.solver.model import PlanModel


@dataclass
class SessionDraft:
    """A session read off the solution, before ids and officers are filled in."""

    region: str
    venue: str
    day: int
    slot: int
    trainers: list[str]
    ngos: list[str]
    officers: list[str]


def extract_sessions(pm: PlanModel, value: Callable[[Any], int]) -> list[PlanSession]:
    """Build the plan's sessions from solution values (``value(var) -> int``)."""
    inst, data = pm.inst, pm.data
    drafts: list[SessionDraft] = []
    for (venue_id, d), var in pm.x.items():
        if value(var):
            drafts.append(SessionDraft(data.region_of_venue[venue_id], venue_id, d, -1, [], [], []))
    for slot in pm.slots:
        if not value(pm.active[slot.index]):
            continue
        for venue_id, d, var in pm.b_of_slot[slot.index]:
            if value(var):
                drafts.append(SessionDraft(slot.region, venue_id, d, slot.index, [], [], []))
                break

    # trainers: those present at the site that day, shared out per_session per session;
    # a fixed entry's named trainers go together to its session.
    per_session_t = data.constraints.trainers.per_session
    at_site: dict[tuple[int, int], list[str]] = defaultdict(list)
    for (trainer_id, site, d), var in pm.y.items():
        if value(var):
            at_site[(site, d)].append(trainer_id)
    by_site_day: dict[tuple[int, int], list[SessionDraft]] = defaultdict(list)
    for draft in drafts:
        by_site_day[(inst.site_of_venue[draft.venue], draft.day)].append(draft)
    fixed_groups = [
        (inst.day_index.get(e.date), e.region, e.venue, list(e.trainers or []))
        for e in data.constraints.sessions.fixed
    ]
    for key, sessions in by_site_day.items():
        pool = sorted(at_site.get(key, []))
        for day, region, venue, names in fixed_groups:
            if day != key[1] or not names or not set(names) <= set(pool):
                continue
            target = next(
                (
                    s
                    for s in sessions
                    if not s.trainers and s.region == region and venue in (None, s.venue)
                ),
                None,
            )
            if target is not None:
                target.trainers = sorted(names)
                pool = [t for t in pool if t not in names]
        for session in sessions:
            need = per_session_t - len(session.trainers)
            session.trainers += pool[:need]
            pool = pool[need:]

    # NGOs: those working in the region that day, per_session per session
    per_session_n = data.constraints.ngos.per_session
    by_region_day: dict[tuple[str, int], list[SessionDraft]] = defaultdict(list)
    for draft in drafts:
        by_region_day[(draft.region, draft.day)].append(draft)
    for (region_id, d), sessions in by_region_day.items():
        ngos = data.region_by_id[region_id].ngos
        pool = [n.id for n in ngos if (n.id, d) in pm.u and value(pm.u[(n.id, d)])]
        for session in sessions:
            session.ngos, pool = pool[:per_session_n], pool[per_session_n:]

    # officers: each class's officers in id order, slot by slot in date order
    drafts.sort(key=lambda s: (s.region, s.day, s.venue))
    by_slot = {draft.slot: draft for draft in drafts if draft.slot >= 0}
    for oc in inst.officer_classes:
        pool = list(oc.officer_ids)
        for slot in pm.slots_of_region.get(oc.region, []):
            filling = by_slot.get(slot.index)
            if filling is None:
                continue
            count = value(pm.z[(oc.index, slot.index)])
            filling.officers += pool[:count]
            pool = pool[count:]

    sessions_out: list[PlanSession] = []
    counters: dict[str, int] = defaultdict(int)
    for draft in drafts:  # ids numbered per region in date order
        counters[draft.region] += 1
        sessions_out.append(
            PlanSession(
                id=f"{draft.region}-{counters[draft.region]:02d}",
                region=draft.region,
                venue=draft.venue,
                date=inst.days[draft.day],
                trainers=sorted(draft.trainers),
                ngos=sorted(draft.ngos),
                officers=sorted(draft.officers),
            )
        )
    sessions_out.sort(key=lambda s: (s.date, s.region, s.id))
    return sessions_out
