"""From a CP-SAT solution to a plain-data plan: sessions, then named officers on seats.

The model decides how many officers of each interchangeable class attend each session; here
the named officers are taken from each class in id order. Since every officer of a class has
the same district and the same unavailability, any choice keeps ``officer_unavailable`` and
``district_share`` exactly as the counts did.

A re-plan passes :class:`Continuity`: the old session each slot stands for. Such a session
keeps its id, and its trainers, NGOs and officers wherever the solution allows; new sessions
get ids the old plan never used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trafficplan.plan import PlanSession
from trafficplan.solver.model import PlanModel


@dataclass
class Continuity:
    """What a re-plan keeps from the old plan.

    Attributes:
        old_of_slot: the old session each mapped slot stands for.
        used_ids: every session id of the old plan (new sessions get other ids).
        old_officers: the officers of the old plan's sessions that may change (seated before
            other officers, so that the old plan's officers keep a session where seats allow).
        reseat: no-shows of held sessions (seated after those, before everyone else).
    """

    old_of_slot: dict[int, PlanSession] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    old_officers: set[str] = field(default_factory=set)
    reseat: set[str] = field(default_factory=set)


@dataclass
class SessionDraft:
    """A session read off the solution, before ids and officers are filled in."""

    region: str
    venue: str
    day: int
    slot: int
    old: PlanSession | None = None
    course: str | None = None
    trainers: list[str] = field(default_factory=list)
    ngos: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)


def extract_sessions(
    pm: PlanModel, value: Callable[[Any], int], continuity: Continuity | None = None
) -> list[PlanSession]:
    """Build the plan's sessions (those on the model's days) from solution values
    (``value(var) -> int``)."""
    keep = continuity or Continuity()
    inst = pm.inst
    drafts: list[SessionDraft] = []
    for (venue_id, d), var in pm.held_at.items():
        if value(var):
            drafts.append(SessionDraft(pm.data.region_of_venue[venue_id], venue_id, d, -1))
    for (course_id, venue_id, d), var in pm.course_held_at.items():
        if value(var):
            region_id = pm.data.region_of_venue[venue_id]
            drafts.append(SessionDraft(region_id, venue_id, d, -1, course=course_id))
    for slot in pm.slots:
        if not value(pm.active[slot.index]):
            continue
        for venue_id, d, var in pm.places_of_slot[slot.index]:
            if value(var):
                old = keep.old_of_slot.get(slot.index)
                course = slot.course if pm.data.staged else None
                drafts.append(SessionDraft(slot.region, venue_id, d, slot.index, old, course))
                break
    _share_trainers(pm, value, drafts)
    _share_ngos(pm, value, drafts)
    _seat_officers(pm, value, drafts, keep)

    sessions: list[PlanSession] = []
    counters: dict[str, int] = defaultdict(int)
    used = set(keep.used_ids)
    several = len(pm.data.courses) > 1
    for draft in sorted(drafts, key=lambda s: (s.region, s.day, s.venue)):
        if draft.old is not None:
            session_id = draft.old.id
        else:  # numbered per region (and course) in date order, skipping ids an old plan used
            prefix = f"{draft.region}-{draft.course}" if several else draft.region
            while True:
                counters[prefix] += 1
                session_id = f"{prefix}-{counters[prefix]:02d}"
                if session_id not in used:
                    break
        used.add(session_id)
        sessions.append(
            PlanSession(
                id=session_id,
                region=draft.region,
                course=draft.course,
                venue=draft.venue,
                date=inst.days[draft.day],
                trainers=sorted(draft.trainers),
                ngos=sorted(draft.ngos),
                officers=sorted(draft.officers),
            )
        )
    sessions.sort(key=lambda s: (s.date, s.region, s.id))
    return sessions


def _share_trainers(pm: PlanModel, value: Callable[[Any], int], drafts: list[SessionDraft]) -> None:
    """The trainers present at each site and day, per_session per session: a fixed entry's
    named trainers to its session, an old session's trainers back to it, then in id order."""
    inst, data = pm.inst, pm.data
    per_session = data.constraints.trainers.per_session
    at_site: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (trainer_id, site, d), var in pm.teaches.items():
        if value(var):
            at_site[(site, d)].add(trainer_id)
    named: dict[tuple[str, int, str | None], list[str]] = {}
    for entry in data.constraints.sessions.fixed:
        if entry.trainers and entry.date in inst.day_index:
            named[(entry.region, inst.day_index[entry.date], entry.venue)] = list(entry.trainers)
    by_site: dict[tuple[int, int], list[SessionDraft]] = defaultdict(list)
    for draft in drafts:
        by_site[(inst.site_of_venue[draft.venue], draft.day)].append(draft)
    for key, group in by_site.items():
        pool = at_site.get(key, set())

        def wants(draft: SessionDraft) -> list[str]:
            fixed = named.get((draft.region, draft.day, draft.venue)) or named.get(
                (draft.region, draft.day, None), []
            )
            return [*fixed, *(draft.old.trainers if draft.old else [])]

        group.sort(key=lambda d: not wants(d))  # stable: otherwise in model order
        if data.staged:
            for draft in group:
                each = data.course_of(draft.course).trainers_per_session
                _share_out(pool, [(draft.trainers, wants(draft))], each)
            continue
        _share_out(pool, [(d.trainers, wants(d)) for d in group], per_session)


def _share_ngos(pm: PlanModel, value: Callable[[Any], int], drafts: list[SessionDraft]) -> None:
    """The NGOs working in each region and day, per_session per session, old ones first."""
    data = pm.data
    per_session = data.constraints.ngos.per_session
    by_region_day: dict[tuple[str, int], list[SessionDraft]] = defaultdict(list)
    for draft in drafts:
        by_region_day[(draft.region, draft.day)].append(draft)
    for (region_id, d), group in by_region_day.items():
        pool = {
            n.id
            for n in data.region_by_id[region_id].ngos
            if (n.id, d) in pm.ngo_works and value(pm.ngo_works[(n.id, d)])
        }
        _share_out(pool, [(d.ngos, d.old.ngos if d.old else []) for d in group], per_session)


def _share_out(pool: set[str], takers: list[tuple[list[str], list[str]]], each: int) -> None:
    """Give ``each`` ids of the pool to every taker (its list, the ids it wants): first the
    ids each wants, in taker order, then the rest of the pool in id order."""
    for taken, wanted in takers:
        for who in wanted:
            if who in pool and len(taken) < each:
                taken.append(who)
                pool.discard(who)
    for taken, _wanted in takers:
        while len(taken) < each and pool:
            taken.append(min(pool))
            pool.discard(min(pool))


def _seat_officers(
    pm: PlanModel, value: Callable[[Any], int], drafts: list[SessionDraft], keep: Continuity
) -> None:
    """Each class's officers on the slots its counts say, slot by slot in date order: an old
    session's officers stay in it where the counts allow; then the old plan's other officers
    (displaced from their session), then the others, in id order. Officers of frozen
    sessions are never seated again."""
    by_slot = {draft.slot: draft for draft in drafts if draft.slot >= 0}
    home: dict[str, int] = {}
    for slot_index, session in keep.old_of_slot.items():
        for officer in session.officers:
            home[officer] = slot_index
    trained = pm.frozen.officers
    for oc in pm.inst.officer_classes:
        if pm.data.staged:
            trained = frozenset(pm.inst.frozen_of_course.get(oc.course, ()))
        need = {
            s.index: value(pm.seated[(oc.index, s.index)])
            for s in pm.slots_of_course.get((oc.region, oc.course), [])
            if s.index in by_slot
        }
        placed = {o for o in oc.officer_ids if o in trained}
        for slot_index, count in need.items():
            own = [o for o in oc.officer_ids if home.get(o) == slot_index and o not in placed]
            chosen = own[:count]
            by_slot[slot_index].officers += chosen
            placed.update(chosen)
            need[slot_index] = count - len(chosen)
        # the old plan's officers (displaced from their session) before the others
        rest = sorted(
            (o for o in oc.officer_ids if o not in placed),
            key=lambda o: (o not in keep.old_officers, o not in keep.reseat, o),
        )
        for slot_index, count in need.items():
            by_slot[slot_index].officers += rest[:count]
            rest = rest[count:]
