"""One function per hard rule of the spec (section 2), named by the rule id.

Each function adds that rule's constraints to a :class:`PlanModel` and is registered as the
rule's model in :mod:`trafficplan.rulebook`. Rules that restrict where variables exist
(calendar, unavailability, regions) are applied when the variables are made; their functions
here add the constraints only in explain mode, where those variables exist on every day so
that the rule can be switched off by an assumption. Rule items that can give are posted
through ``pm.enforce(constraint, rule, subject)`` with the subject kind the rulebook names;
``pm.may_give(rule, subject)`` says where a rule item may be broken (explain mode, or an item
of ``Instance.given_up``, which ``enforce`` voids).

Every rule that spans sessions also counts a re-plan's frozen past (``pm.frozen``: sessions
before ``since``, as constants), so re-planning builds its model with these same functions.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from trafficplan.inputs.models import FixedSession
from trafficplan.inputs.problem import ProblemData
from trafficplan.rulebook import BUDGET, MAX_TOTAL, RULE_IDS, RULES, models
from trafficplan.solver.model import LinearExpr, PlanModel


@models("calendar")
def calendar(pm: PlanModel) -> None:
    """``calendar``: sessions only on working days of the window (days are working days only)."""
    # By construction: PlanModel indexes days by the working days of the window.


@models("counts")
def counts(pm: PlanModel) -> None:
    """``counts``: each region runs between its min and max sessions; total at most max_total.

    Frozen sessions count towards both (a region's max also bounds its slots).
    """
    m, inst, frozen = pm.model, pm.inst, pm.frozen
    if pm.data.staged:
        course_counts(pm)
    for region_id in sorted(pm.regions):
        if pm.data.staged:
            break
        done = frozen.sessions_of_region.get(region_id, 0)
        low = max(0, pm.session_floor[region_id] - done)
        if low > 0 and not pm.data.region_by_id[region_id].venues:
            pm.infeasible_reasons.append(
                f"counts: region {region_id} needs {low} sessions but has no venue"
            )
        held = pm.sessions_of_region(region_id)
        if pm.gives("counts", region_id):
            # the data's minimum is given up (``session_floor`` no longer holds it): what is
            # left is a master's own floor, which is not a rule item
            m.add(held >= low)
        else:
            pm.enforce(m.add(held >= low), "counts", region_id)
        if not pm.with_officers:
            m.add(held <= pm.sessions_left(region_id))
    max_total = pm.data.constraints.sessions.max_total
    if max_total is not None and pm.regions == set(inst.region_ids):
        everything = sum(pm.sessions_of_region(r) for r in pm.regions)
        left = max(0, max_total - len(frozen.sessions))
        pm.enforce(m.add(everything <= left), "counts", MAX_TOTAL)


def course_counts(pm: PlanModel) -> None:
    """``counts`` of a programme in stages: per region and course between the course's
    min and max sessions; at most a course's own ``max_total`` over the regions."""
    m, inst, data = pm.model, pm.inst, pm.data
    for region_id in sorted(pm.regions):
        for course in data.courses:
            done = inst.frozen_sessions_of(region_id, course.id)
            low = max(0, inst.session_range(region_id, course.id)[0] - done)
            if low > 0 and not data.region_by_id[region_id].venues:
                pm.infeasible_reasons.append(
                    f"counts: region {region_id} needs {low} {course.id} sessions but has no venue"
                )
            held = sum(pm.course_sessions(region_id, course.id))
            pm.enforce(m.add(held >= low), "counts", region_id)
    if pm.regions != set(inst.region_ids):
        return
    for course in data.courses:
        if course.max_total is None:
            continue
        done = sum(1 for s in pm.frozen.sessions if inst.course_of_session(s) == course.id)
        held = sum(var for r in pm.regions for var in pm.course_sessions(r, course.id))
        left = max(0, course.max_total - done)
        pm.enforce(m.add(held <= left), "counts", f"{MAX_TOTAL}:{course.id}")


def slot_order(pm: PlanModel, keep: set[int] | None = None) -> None:
    """Symmetry breaking: a region's slots are used first to last and ordered by day
    (strictly when one a day); slots in ``keep`` (a re-plan's old sessions, whose identity
    matters) are left out."""
    m = pm.model
    one_a_day = pm.data.constraints.sessions.max_per_region_per_day == 1
    for (region_id, _course), region_slots in pm.slots_of_course.items():
        # strict only while region_per_day holds for sure (it may give in explain mode)
        strict = one_a_day and not pm.may_give("region_per_day", region_id)
        slots = [s for s in region_slots if keep is None or s.index not in keep]
        for first, second in itertools.pairwise(slots):
            m.add_implication(pm.active[second.index], pm.active[first.index])
            gap = 1 if strict else 0
            m.add(
                pm.slot_day_number(second.index) >= pm.slot_day_number(first.index) + gap
            ).only_enforce_if(pm.active[second.index])


@models("fixed")
def fixed(pm: PlanModel) -> None:
    """``fixed``: every fixed entry is matched by a distinct session (venue, trainers and
    NGOs where named)."""
    m, inst = pm.model, pm.inst
    entries = pm.data.constraints.sessions.fixed
    per_region_day: Counter[tuple[str, int]] = Counter()
    per_venue_day: Counter[tuple[str, int]] = Counter()
    per_course_day: Counter[tuple[str, str, str | None, int]] = Counter()
    since = pm.frozen.since
    for index, entry in enumerate(entries):
        subject = str(index)
        if entry.region not in pm.regions or (since is not None and entry.date < since):
            continue  # another model's region, or the frozen past's business
        d = inst.day_index.get(entry.date)
        if d is None:
            if not pm.gives("fixed", subject):
                reason = pm.data.calendar.why_not_working(entry.date) or "not a working day"
                pm.infeasible_reasons.append(
                    f"fixed: session {entry.region} {entry.date} falls on {reason}"
                )
            pm.enforce(m.add_bool_or([]), "fixed", subject)
            continue
        per_region_day[(entry.region, d)] += 1
        if entry.venue is not None:
            per_venue_day[(entry.venue, d)] += 1
            pm.enforce(
                m.add(
                    sum(pm.venue_day.get((entry.venue, d), [])) >= per_venue_day[(entry.venue, d)]
                ),
                "fixed",
                subject,
            )
        if pm.data.staged:
            course = entry.course or pm.data.default_course
            key = (entry.region, course, entry.venue, d)
            per_course_day[key] += 1
            on_day = pm.course_day(entry.region, course, d, entry.venue)
            pm.enforce(m.add(sum(on_day) >= per_course_day[key]), "fixed", subject)
        pm.enforce(
            m.add(
                sum(pm.region_day.get((entry.region, d), [])) >= per_region_day[(entry.region, d)]
            ),
            "fixed",
            subject,
        )
        _fixed_people(pm, entry, d, subject)


def _fixed_people(pm: PlanModel, entry: FixedSession, d: int, subject: str) -> None:
    """The trainers and NGOs a fixed entry names work on its day ``d`` (the trainers at its
    venue's site, or at a site of its region)."""
    m, inst = pm.model, pm.inst
    for trainer_id in entry.trainers if pm.with_trainers and entry.trainers else []:
        if entry.venue is not None:
            site = inst.site_of_venue[entry.venue]
            present = [v for s, v in pm.teaching.get((trainer_id, d), []) if s == site]
        else:
            sites = set(inst.sites_of_region[entry.region])
            present = [v for s, v in pm.teaching.get((trainer_id, d), []) if s in sites]
        pm.enforce(m.add(sum(present) >= 1), "fixed", subject)
    for ngo_id in entry.ngos or []:
        works = pm.ngo_works.get((ngo_id, d))
        if works is None:
            pm.infeasible_reasons.append(
                f"fixed: session {entry.region} {entry.date} names NGO {ngo_id}, "
                "which is not available that day"
            )
            pm.enforce(m.add_bool_or([]), "fixed", subject)
        else:
            pm.enforce(m.add(works == 1), "fixed", subject)


@models("venue_clash")
def venue_clash(pm: PlanModel) -> None:
    """``venue_clash``: a venue hosts at most one session a day."""
    for (_venue_id, _d), variables in pm.venue_day.items():
        if len(variables) > 1:
            pm.model.add_at_most_one(variables)


@models("venue_unavailable")
def venue_unavailable(pm: PlanModel) -> None:
    """``venue_unavailable``: no session at a venue on its unavailable dates."""
    if not pm.explain:
        return  # by construction: b exists only on the venue's free days (or it gives)
    free = {venue_id: set(pm.inst.venue_days(venue_id)) for venue_id in pm.data.venue_by_id}
    placed = [(v, d, var) for (_slot, v, d), var in pm.slot_at.items()]
    placed += [(v, d, var) for (v, d), var in pm.held_at.items()]
    placed += [(v, d, var) for (_c, v, d), var in pm.course_held_at.items()]
    for venue_id, d, var in placed:
        if d not in free[venue_id]:
            pm.enforce(pm.model.add(var == 0), "venue_unavailable", venue_id)


@models("region_per_day")
def region_per_day(pm: PlanModel) -> None:
    """``region_per_day``: at most max_per_region_per_day sessions a day in a region."""
    cap = pm.data.constraints.sessions.max_per_region_per_day
    for (region_id, _d), variables in pm.region_day.items():
        if len(variables) > cap:
            pm.enforce(pm.model.add(sum(variables) <= cap), "region_per_day", region_id)


@models("seats")
def seats(pm: PlanModel) -> None:
    """``seats``: a session has between officers.min and min(officers.max, capacity) officers."""
    m, data = pm.model, pm.data
    low = data.constraints.sessions.officers.min
    if pm.explain and not pm.with_officers and low > 0:
        # no officers in this model: each session needs officers.min of the region's
        # officers not trained yet (implied by the item, so that it can give here too)
        trained = pm.frozen.officers
        for region_id in sorted(pm.regions):
            left = sum(1 for o in data.officers_by_region[region_id] if o.id not in trained)
            held = pm.sessions_of_region(region_id)
            pm.enforce(m.add(low * held <= left), "seats", region_id)
    for slot in pm.slots if pm.with_officers else []:
        course = slot.course if data.staged else None
        if course is not None:
            low = data.course_of(course).officers.min
        attending = pm.slot_seated(slot)
        top = sum(
            data.seat_range(venue_id, course)[1] * var
            for venue_id, _d, var in pm.places_of_slot[slot.index]
        )
        m.add(attending <= top)
        pm.enforce(m.add(attending >= low * pm.active[slot.index]), "seats", slot.region)


@models("officer_once")
def officer_once(pm: PlanModel) -> None:
    """``officer_once``: an officer attends at most one session (officers of frozen sessions
    none again)."""
    if not pm.with_officers:
        return
    for oc in pm.inst.officer_classes:
        if pm.slots_of_course.get((oc.region, oc.course)):
            pm.model.add(pm.class_seats(oc.index) <= pm.inst.officers_left(oc))


@models("officer_region")
def officer_region(pm: PlanModel) -> None:
    """``officer_region``: officers attend sessions of their own region only."""
    # By construction: z exists only for slots of the class's own region.


@models("officer_unavailable")
def officer_unavailable(pm: PlanModel) -> None:
    """``officer_unavailable``: no officer attends on a day of their unavailability."""
    m, inst = pm.model, pm.inst
    for oc in inst.officer_classes if pm.with_officers else []:
        if not oc.unavailable:
            continue
        for slot in pm.slots_of_course.get((oc.region, oc.course), []):
            busy = [
                var
                for _v, d, var in pm.places_of_slot[slot.index]
                if not inst.class_available(oc, d)
            ]
            if busy:
                # z can be positive only if the slot's day is one the class is free
                m.add(pm.seated[(oc.index, slot.index)] <= oc.size * (1 - sum(busy)))


@models("district_share")
def district_share(pm: PlanModel) -> None:
    """``district_share``: per district and day, at most max(1, floor(share x size)) officers."""
    m, inst = pm.model, pm.inst
    by_district: dict[str, list[int]] = defaultdict(list)
    for oc in inst.officer_classes if pm.with_officers else []:
        by_district[oc.district].append(oc.index)
    cap_one = pm.data.constraints.sessions.max_per_region_per_day == 1
    for district, class_indexes in by_district.items():
        region_id = pm.data.region_of_district[district]
        one_a_day = cap_one and not pm.may_give("region_per_day", region_id)
        cap = inst.data.district_day_cap(district)
        slots = pm.slots_of_region.get(region_id, [])

        def attending(slot_index: int, class_indexes: list[int] = class_indexes) -> LinearExpr:
            return sum(
                pm.seated[(c, slot_index)] for c in class_indexes if (c, slot_index) in pm.seated
            )

        for slot in slots:
            m.add(attending(slot.index) <= cap)
        if not one_a_day and len(slots) > 1:
            # several sessions a day: the cap holds for the day's sum (per-slot share variables)
            for d in range(len(inst.days)):
                parts = []
                for slot in slots:
                    on_day = pm.slot_day_expr(slot.index, d)
                    if isinstance(on_day, int):
                        continue
                    share = m.new_int_var(0, cap, f"share[{district},{slot.index},{d}]")
                    total = attending(slot.index)
                    m.add(share >= total - cap * (1 - on_day))
                    parts.append(share)
                if len(parts) > 1:
                    m.add(sum(parts) <= cap)


@models("trainer_count")
def trainer_count(pm: PlanModel) -> None:
    """``trainer_count``: exactly per_session distinct trainers a session (per site and day)."""
    per_session = pm.data.constraints.trainers.per_session
    if not pm.with_trainers:
        return
    trainers_at: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (_t, site, d), var in pm.teaches.items():
        trainers_at[(site, d)].append(var)
    needed = _trainers_needed(pm) if pm.data.staged else {}
    for (site, d), sessions in pm.site_day.items():
        need = needed[(site, d)] if needed else per_session * sum(sessions)
        pm.model.add(sum(trainers_at.get((site, d), [])) == need)
    for (site, d), variables in trainers_at.items():
        if (site, d) not in pm.site_day:
            for var in variables:
                pm.model.add(var == 0)


def _trainers_needed(pm: PlanModel) -> dict[tuple[int, int], LinearExpr]:
    """Per (site, day), the trainers its sessions need: each session its course's
    ``trainers_per_session`` (a programme in stages)."""
    inst, data = pm.inst, pm.data
    needed: dict[tuple[int, int], LinearExpr] = defaultdict(int)
    for (slot_index, venue_id, d), var in pm.slot_at.items():
        each = data.course_of(pm.slots[slot_index].course).trainers_per_session
        needed[(inst.site_of_venue[venue_id], d)] += each * var
    per_session = data.constraints.trainers.per_session
    for (venue_id, d), var in pm.held_at.items():
        needed[(inst.site_of_venue[venue_id], d)] += per_session * var
    for (course_id, venue_id, d), var in pm.course_held_at.items():
        each = data.course_of(course_id).trainers_per_session
        needed[(inst.site_of_venue[venue_id], d)] += each * var
    return needed


@models("trainer_region")
def trainer_region(pm: PlanModel) -> None:
    """``trainer_region``: trainers teach only in their allowed regions."""
    # By construction: y exists only for sites of the trainer's allowed regions.


@models("trainer_unavailable")
def trainer_unavailable(pm: PlanModel) -> None:
    """``trainer_unavailable``: no trainer teaches on a day of their unavailability."""
    if not pm.explain:
        return  # by construction: y exists only on the trainer's free days
    for trainer in pm.data.trainers:
        free = set(pm.inst.trainer_days(trainer.id))
        for (t, _s, d), var in pm.teaches.items():
            if t == trainer.id and d not in free:
                pm.enforce(pm.model.add(var == 0), "trainer_unavailable", trainer.id)


@models("trainer_per_day")
def trainer_per_day(pm: PlanModel) -> None:
    """``trainer_per_day``: a trainer leads at most one session a day."""
    for variables in pm.teaching.values():
        if len(variables) > 1:
            pm.model.add_at_most_one(var for _s, var in variables)


@models("trainer_per_week")
def trainer_per_week(pm: PlanModel) -> None:
    """``trainer_per_week``: at most max_per_week sessions per ISO week (frozen ones count)."""
    cap = pm.data.constraints.trainers.max_per_week
    for trainer in pm.data.trainers:
        done = pm.frozen.per_week(pm.frozen.trainer_sessions.get(trainer.id, []))
        for week, week_days in pm.inst.weeks.items():
            busy = [v for d in week_days for v in pm.trainer_busy(trainer.id, d)]
            left = max(0, cap - done[week])
            if len(busy) > left:
                pm.enforce(pm.model.add(sum(busy) <= left), "trainer_per_week", trainer.id)


@models("trainer_consecutive")
def trainer_consecutive(pm: PlanModel) -> None:
    """``trainer_consecutive``: at most max_consecutive_days sessions on consecutive days.

    One constraint per window of ``cap + 1`` consecutive calendar days on each of which the
    trainer may teach (a model day) or taught (a frozen session).
    """
    if not pm.with_trainers:
        return
    cap = pm.data.constraints.trainers.max_consecutive_days
    inst = pm.inst
    model_day = {inst.ordinal(d): d for d in range(len(inst.days))}
    for trainer in pm.data.trainers:
        past = {s.date.toordinal() for s in pm.frozen.trainer_sessions.get(trainer.id, [])}
        possible = set(model_day) | past
        for start in sorted(possible):
            window = range(start, start + cap + 1)
            if not all(o in possible for o in window):
                continue
            busy = [
                v
                for o in window
                if o in model_day
                for v in pm.trainer_busy(trainer.id, model_day[o])
            ]
            left = max(0, cap - sum(1 for o in window if o in past))
            if len(busy) > left:
                pm.enforce(pm.model.add(sum(busy) <= left), "trainer_consecutive", trainer.id)


@models("trainer_max_sessions")
def trainer_max_sessions(pm: PlanModel) -> None:
    """``trainer_max_sessions``: a trainer's sessions over the window at most max_sessions."""
    for trainer in pm.data.trainers:
        if trainer.max_sessions is not None:
            past = len(pm.frozen.trainer_sessions.get(trainer.id, []))
            pm.enforce(
                pm.model.add(pm.trainer_load(trainer.id) <= max(0, trainer.max_sessions - past)),
                "trainer_max_sessions",
                trainer.id,
            )


@models("travel")
def travel(pm: PlanModel) -> None:
    """``travel``: d2 - d1 >= 1 + travel_days between a trainer's sessions in two regions.

    One clique per (trainer, site, day, offset): the trainer at site s on day d excludes every
    site too far to reach by day d + offset. After a frozen session, the sites too far to reach
    in time are closed to the trainer.
    """
    inst = pm.inst
    site_count = len(inst.sites)
    gaps = [[inst.travel_gap(a, b) for b in range(site_count)] for a in range(site_count)]
    max_gap = max((max(row) for row in gaps), default=1)
    if max_gap <= 1:
        return
    for trainer_id, past in pm.frozen.trainer_sessions.items():
        for session in past:
            origin = inst.site_of_venue[session.venue]
            for d in range(len(inst.days)):
                offset = inst.ordinal(d) - session.date.toordinal()
                if offset >= max_gap:
                    break
                for site, var in pm.teaching.get((trainer_id, d), []):
                    if 0 < offset < gaps[origin][site]:
                        pm.enforce(pm.model.add(var == 0), "travel", trainer_id)
    ordinals = [inst.ordinal(d) for d in range(len(inst.days))]
    for (trainer_id, d), here in pm.teaching.items():
        # the trainer's sites on each later day closer than the longest gap
        ahead = []
        for later in range(d + 1, len(ordinals)):
            offset = ordinals[later] - ordinals[d]
            if offset >= max_gap:
                break
            there = pm.teaching.get((trainer_id, later))
            if there:
                ahead.append((offset, there))
        for site, var in here:
            row = gaps[site]
            for offset, there in ahead:
                too_far = [other for s2, other in there if row[s2] > offset]
                if too_far:
                    # var + sum(too_far) <= 1, built as one flat sum (faster, the same constraint)
                    constraint = pm.model.add_linear_constraint(
                        cp_model.LinearExpr.sum([var, *too_far]), cp_model.INT_MIN, 1
                    )
                    pm.enforce(constraint, "travel", trainer_id)


@models("ngo_count")
def ngo_count(pm: PlanModel) -> None:
    """``ngo_count``: exactly per_session distinct NGOs of the session's region."""
    per_session = pm.data.constraints.ngos.per_session
    for region in pm.data.regions:
        for d in range(len(pm.inst.days)):
            sessions = pm.region_day.get((region.id, d))
            if not sessions:
                continue
            ngos = [pm.ngo_works[(n.id, d)] for n in region.ngos if (n.id, d) in pm.ngo_works]
            if not pm.may_give("ngo_count", region.id):
                pm.model.add(sum(ngos) == per_session * sum(sessions))
                continue
            # Only too few NGOs can give: more than the sessions take would never be in the
            # plan, yet would count as people to cater for in the cost.
            pm.model.add(sum(ngos) <= per_session * sum(sessions))
            pm.enforce(
                pm.model.add(sum(ngos) >= per_session * sum(sessions)), "ngo_count", region.id
            )


@models("ngo_region")
def ngo_region(pm: PlanModel) -> None:
    """``ngo_region``: NGOs co-facilitate only sessions of their own region."""
    # By construction: u exists only for the NGO's own region.


@models("ngo_unavailable")
def ngo_unavailable(pm: PlanModel) -> None:
    """``ngo_unavailable``: no NGO works on a day of its unavailability."""
    if not pm.explain:
        return
    for ngo_id in pm.data.ngo_by_id:
        free = set(pm.inst.ngo_days(ngo_id))
        for (n, d), var in pm.ngo_works.items():
            if n == ngo_id and d not in free:
                pm.enforce(pm.model.add(var == 0), "ngo_unavailable", ngo_id)


@models("ngo_per_day")
def ngo_per_day(pm: PlanModel) -> None:
    """``ngo_per_day``: an NGO works at most one session a day (u is one Boolean a day)."""
    # By construction: u[n, d] is a single Boolean, and ngo_count counts distinct NGOs.


@models("ngo_per_week")
def ngo_per_week(pm: PlanModel) -> None:
    """``ngo_per_week``: at most max_per_week sessions per NGO per ISO week (frozen ones
    count)."""
    cap = pm.data.constraints.ngos.max_per_week
    for ngo_id in pm.data.ngo_by_id:
        done = pm.frozen.per_week(pm.frozen.ngo_sessions.get(ngo_id, []))
        for week, week_days in pm.inst.weeks.items():
            busy = [pm.ngo_works[(ngo_id, d)] for d in week_days if (ngo_id, d) in pm.ngo_works]
            left = max(0, cap - done[week])
            if len(busy) > left:
                pm.enforce(pm.model.add(sum(busy) <= left), "ngo_per_week", ngo_id)


@models("budget")
def budget(pm: PlanModel) -> None:
    """``budget``: cost_eur <= budget_eur when set (the frozen sessions' cost is spent).

    Every item is rounded up, so that the exact cost never exceeds the budget. An
    officer-free model that does not know how many officers its plan will train counts the
    fewest its sessions can have (``officers.min`` each): a relaxation, never a false limit.
    """
    cents = pm.data.budget_cents
    if cents is None or not pm.with_trainers:
        return
    cost = pm.cost_cents(ceil=True)
    officer = pm.inst.officer_cents(ceil=True)
    if not pm.with_officers and pm.officers_planned is None and not pm.region_officers and officer:
        least = pm.data.constraints.sessions.officers.min
        cost += officer * least * pm.sessions_held()
    pm.enforce(pm.model.add(cost <= cents), "budget", BUDGET)


@models("course_order")
def course_order(pm: PlanModel) -> None:
    """``course_order``: a course with ``after`` holds its sessions at least ``min_days``
    calendar days after the earlier course's: per region after the region's last session of
    it (``by: region``), or per district after the session every officer of the earlier
    course from the district attended, whose officers then all must be trained
    (``by: district``). Frozen sessions count."""
    for course in pm.data.courses:
        if course.after is None:
            continue
        for region_id in sorted(pm.regions):
            if course.after.by == "region":
                _order_by_region(pm, region_id, course.id)
            elif pm.with_officers:
                _order_by_district(pm, region_id, course.id)
            if not pm.with_officers:
                _order_without_officers(pm, region_id, course.id)


def _frozen_dates(pm: PlanModel, region_id: str, course_id: str) -> list[int]:
    """Calendar ordinals of the region's frozen sessions of a course."""
    inst = pm.inst
    return [
        s.date.toordinal()
        for s in pm.frozen.sessions
        if s.region == region_id and inst.course_of_session(s) == course_id
    ]


def _order_by_region(pm: PlanModel, region_id: str, course_id: str) -> None:
    """Each session of the course at least min_days after every session of the earlier
    course in the region."""
    m, after = pm.model, pm.data.course_by_id[course_id].after
    assert after is not None
    later = pm.slots_of_course.get((region_id, course_id), [])
    earlier = pm.slots_of_course.get((region_id, after.course), [])
    earlier_done = _frozen_dates(pm, region_id, after.course)
    later_done = _frozen_dates(pm, region_id, course_id)
    for slot in later:
        when = pm.slot_ordinal(slot.index)
        if earlier_done:
            constraint = m.add(when >= max(earlier_done) + after.min_days)
            pm.enforce(constraint.only_enforce_if(pm.active[slot.index]), "course_order", course_id)
        for first in earlier:
            constraint = m.add(when >= pm.slot_ordinal(first.index) + after.min_days)
            constraint.only_enforce_if([pm.active[slot.index], pm.active[first.index]])
            pm.enforce(constraint, "course_order", course_id)
    for first in earlier if later_done else []:
        constraint = m.add(pm.slot_ordinal(first.index) + after.min_days <= min(later_done))
        pm.enforce(constraint.only_enforce_if(pm.active[first.index]), "course_order", course_id)


def _order_by_district(pm: PlanModel, region_id: str, course_id: str) -> None:
    """Per district of the region with officers of the earlier course: the day they are all
    trained (``ready``, the latest of their sessions); an officer of the course from the
    district attends only a session at least min_days after it, and only once all are."""
    m, inst, data = pm.model, pm.inst, pm.data
    after = data.course_by_id[course_id].after
    assert after is not None
    classes = [oc for oc in inst.officer_classes if oc.region == region_id]
    top = max((inst.ordinal(d) for d in range(len(inst.days))), default=0)
    for district in data.region_by_id[region_id].districts:
        size = data.district_course_sizes.get((district, after.course), 0)
        heads = [
            oc.index for oc in classes if oc.district == district and oc.course == after.course
        ]
        members = [oc.index for oc in classes if oc.district == district and oc.course == course_id]
        if size == 0 or not members:
            continue
        before = [
            s
            for s in pm.frozen.sessions
            if s.region == region_id and inst.course_of_session(s) == after.course
        ]
        past = {o for s in before for o in s.officers if data.officer_by_id.get(o) is not None}
        past_heads = {o for o in past if data.officer_by_id[o].district == district}
        past_dates = [
            s.date.toordinal() for s in before if any(o in past_heads for o in s.officers)
        ]
        ready = m.new_int_var(min(past_dates, default=0), top, f"ready[{district},{course_id}]")
        if past_dates:
            m.add(ready >= max(past_dates))
        for slot in pm.slots_of_course.get((region_id, after.course), []):
            seated = sum(pm.seated[(c, slot.index)] for c in heads)
            attends = m.new_bool_var(f"attends[{district},{slot.index}]")
            m.add(seated <= size * attends)
            m.add(ready >= pm.slot_ordinal(slot.index)).only_enforce_if(attends)
        trained = sum(pm.class_seats(c) for c in heads) + len(past_heads)
        all_trained = m.new_bool_var(f"all_trained[{district},{after.course}]")
        m.add(trained >= size).only_enforce_if(all_trained)
        for slot in pm.slots_of_course.get((region_id, course_id), []):
            seated = sum(pm.seated[(c, slot.index)] for c in members)
            sends = m.new_bool_var(f"sends[{district},{slot.index}]")
            m.add(seated <= data.district_day_cap(district) * sends)
            late = m.add(pm.slot_ordinal(slot.index) >= ready + after.min_days)
            pm.enforce(late.only_enforce_if(sends), "course_order", course_id)
            pm.enforce(m.add_implication(sends, all_trained), "course_order", course_id)


def _order_without_officers(pm: PlanModel, region_id: str, course_id: str) -> None:
    """``course_order`` in an officer-free model of a programme in stages, per day of the
    region (through the running count of the earlier course's sessions up to each day).
    ``by: region`` exactly: no session of the earlier course within min_days before (or
    after) one of the course. ``by: district`` what it implies without officers, when every
    district of the region whose officers take the course has officers of the earlier
    course: each session of the course has officers from a district trained at least
    min_days before it, so some session of the earlier course lies that far before it."""
    m, inst, data = pm.model, pm.inst, pm.data
    after = data.course_by_id[course_id].after
    assert after is not None
    later = pm.course_days(region_id, course_id)
    if not later:
        return
    by_region = after.by == "region"
    sizes = data.district_course_sizes
    districts = [
        d for d in data.region_by_id[region_id].districts if sizes.get((d, course_id), 0) > 0
    ]
    if not by_region and any(sizes.get((d, after.course), 0) == 0 for d in districts):
        return  # a district without officers of the earlier course waits for no one
    earlier = pm.course_days(region_id, after.course)
    done = _frozen_dates(pm, region_id, after.course)
    top = inst.session_range(region_id, after.course)[1]
    # held[k]: the earlier course's sessions on days 0..k
    held: list[LinearExpr] = []
    running: LinearExpr = 0
    for d in range(len(inst.days)):
        if earlier.get(d):
            count = m.new_int_var(0, top, f"earlier[{region_id},{course_id},{d}]")
            m.add(count == running + sum(earlier[d]))
            running = count
        held.append(running)
    total = running
    ordinals = [inst.ordinal(k) for k in range(len(inst.days))]
    for d, variables in sorted(later.items()):
        latest = inst.ordinal(d) - after.min_days
        ready = bisect.bisect_right(ordinals, latest)  # the days on or before ``latest``
        before = held[ready - 1] if ready else 0
        for var in variables:
            if by_region:
                constraint = m.add(total - before <= top * (1 - var))
                if done and max(done) > latest:
                    pm.enforce(m.add(var == 0), "course_order", course_id)
            else:
                on_time = 1 if any(day <= latest for day in done) else 0
                constraint = m.add(before + on_time >= var)
            pm.enforce(constraint, "course_order", course_id)


def interchangeable_trainers(data: ProblemData) -> list[list[str]]:
    """Groups of trainers no rule or cost tells apart (same home, rates, regions, leave,
    cap), trainers named by fixed sessions left out, each group in file order."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for trainer in data.trainers:
        key = (
            trainer.home.lat,
            trainer.home.lon,
            trainer.day_rate_eur,
            trainer.per_diem_eur,
            trainer.hotel_eur,
            tuple(trainer.regions or ()),
            trainer.unavailable,
            trainer.max_sessions,
        )
        groups[key].append(trainer.id)
    fixed_trainers = {t for e in data.constraints.sessions.fixed for t in e.trainers or []}
    return [[t for t in members if t not in fixed_trainers] for members in groups.values()]


def trainer_symmetry(pm: PlanModel) -> None:
    """Symmetry breaking: interchangeable trainers are used in order of decreasing load.
    Not in a re-plan: there a trainer's identity (and frozen load) matters."""
    if pm.frozen.since is not None:
        return
    apart: set[str] = set()
    if not (pm.explain and pm.guarded is None):
        # a trainer whose rule items may give (and not those of the others) is no longer
        # interchangeable with them
        rules = [r for r in RULE_IDS if RULES[r].subject == "trainer"]
        apart = {t.id for t in pm.data.trainers if any(pm.may_give(r, t.id) for r in rules)}
    for members in interchangeable_trainers(pm.data):
        members = [t for t in members if t not in apart]
        for first, second in itertools.pairwise(members):
            pm.model.add(pm.trainer_load(first) >= pm.trainer_load(second))


HARD_RULES: list[tuple[str, Callable[[PlanModel], None]]] = [
    (rule.id, rule.model) for rule in RULES.values() if rule.model is not None
]
"""Every hard rule of the spec, in spec order, with the function that models it."""
if [rule for rule, _ in HARD_RULES] != list(RULE_IDS):
    raise RuntimeError("every rule of the registry needs its model function")

SYMMETRY_BREAKING: list[Callable[[PlanModel], None]] = [slot_order, trainer_symmetry]


def add_constraints(pm: PlanModel, symmetry: bool = True) -> None:
    """Add every hard rule, then (unless ``symmetry`` is False: a re-plan orders only the
    slots of new sessions itself) the symmetry-breaking constraints."""
    for _rule, add in HARD_RULES:
        add(pm)
    if symmetry:
        for add in SYMMETRY_BREAKING:
            add(pm)
