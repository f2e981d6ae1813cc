"""The CP-SAT model: variables, the helpers rules read them through, objective expressions.

Modelling choices (why the model is small):
- Sessions are *slots*: region r has ``max`` slots ordered by date (symmetry breaking), each
  with one Boolean per (venue, day) it may take ("one Boolean per session-day").
- Officers are *counts*: officers of a district with the same unavailability are
  interchangeable, so the model decides how many of each class attend each slot; named
  officers are assigned to seats afterwards (:mod:`trafficplan.solver.extract`).
- Trainers are time-indexed per (trainer, site, day), where a site is a region's venues at one
  location; travel is one clique constraint per (trainer, site, day, offset) instead of
  pairwise disjunctions between sessions.
- Rules that only restrict where a variable may exist (calendar, unavailability, regions) are
  applied when the variables are created.
- A re-plan's frozen past (``inst.frozen``) is a set of constants: the model covers only the
  days from ``since`` on, and each rule in ``solver/rules.py`` counts what the frozen sessions
  already use.

The same class builds the smaller models of the decomposition (``solver/bounds.py``,
``solver/master.py``, ``solver/seating.py``): one region without trainers (``regions``,
``with_trainers=False``: a region's officer bound, or seating officers on given sessions),
and the master without officers (``with_officers=False``: one Boolean per venue-day instead
of slots, one per course and venue-day in a programme in stages, optionally only the
cheapest ``trainer_candidates`` per site). In explain mode
every rule item that can give is guarded by an assumption literal; the rule items of
``Instance.given_up`` are left out of every model (a relaxed plan's items, once chosen)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.solver.instance import Instance

LinearExpr = Any
BoolVar = cp_model.IntVar


def spread_expr(model: cp_model.CpModel, name: str, counts: list[LinearExpr], top: int) -> Any:
    """The largest minus the smallest of ``counts`` (each in 0..``top``), tight when
    minimised; 0 for fewer than two."""
    if len(counts) < 2:
        return 0
    high = model.new_int_var(0, top, f"{name}_high")
    low = model.new_int_var(0, top, f"{name}_low")
    for count in counts:
        model.add(high >= count)
        model.add(low <= count)
    return high - low


@dataclass(frozen=True)
class Slot:
    """The k-th possible session of a region (k from 0), ordered by date."""

    index: int
    region: str
    k: int
    course: str = ""


class PlanModel:
    """Builds the CP-SAT model of every hard rule for one :class:`Instance`.

    Variables (each a dict, keyed as shown):
        active[slot]: the slot is a session.
        slot_at[(slot, venue, day)]: the slot takes place at the venue on the day.
        held_at[(venue, day)]: a session at the venue on the day (officer-free master only).
        course_held_at[(course, venue, day)]: the same of a course (officer-free master of a
            programme in stages: a session's course matters to counts, fixed, trainer_count
            and course_order).
        seated[(officer class, slot)]: officers of the class seated in the slot (a count).
        teaches[(trainer, site, day)]: the trainer teaches at the site on the day.
        ngo_works[(ngo, day)]: the NGO co-facilitates a session of its region on the day.

    Attributes:
        guards: in explain mode, the assumption literal of each guarded rule item
            (``(rule, subject) -> literal``, subjects as :mod:`trafficplan.rulebook` names
            them; only the items of ``guarded`` when it is given); empty otherwise.
        infeasible_reasons: reasons found while building that no plan can exist.
    """

    def __init__(
        self,
        inst: Instance,
        explain: bool = False,
        regions: set[str] | None = None,
        with_trainers: bool = True,
        with_officers: bool = True,
        session_floor: dict[str, int] | None = None,
        trainer_candidates: dict[int, set[str]] | None = None,
        officers_planned: int | None = None,
        guarded: frozenset[tuple[str, str]] | None = None,
        pinned: dict[tuple[str, str], list[tuple[str, int]]] | None = None,
    ):
        self.inst = inst
        self.data = inst.data
        self.frozen = inst.frozen
        self.explain = explain
        # in explain mode, the rule items that may give (None: every item that can)
        self.guarded = guarded
        self.regions = set(inst.region_ids) if regions is None else set(regions)
        self.with_trainers = with_trainers
        self.with_officers = with_officers
        # per (region, course): the one (venue, day) of each of its slots, in slot order (a
        # re-plan's regions whose sessions provably stay where they are); other regions get
        # every free venue-day
        self.pinned = pinned or {}
        # per site, the trainers the model may use there (None: every allowed trainer)
        self.trainer_candidates = trainer_candidates
        # officer-free model: the officers its plan will train (None: not known)
        self.officers_planned = officers_planned
        # officer-free model: an upper bound of each region's officers
        # (:func:`trafficplan.solver.estimate.add_officer_estimate`), empty if none
        self.region_officers: dict[str, cp_model.IntVar] = {}
        # whether CP-SAT presolves this model (the master with officer counts finds and
        # proves its plans several times faster without)
        self.presolve = True
        # whether its presolve skips probing and inclusion detection (a large master of a
        # programme in stages: its counts are realised about twice as fast without them)
        self.light_presolve = False
        # least sessions per region (a master model may ask for more than the data's min)
        self.session_floor = {
            r: max(inst.session_range(r)[0], (session_floor or {}).get(r, 0))
            for r in inst.region_ids
        }
        self.model = cp_model.CpModel()
        self.guards: dict[tuple[str, str], BoolVar] = {}
        self.infeasible_reasons: list[str] = []
        self._create_variables()

    # ----- guards (explain mode) and items given up ---------------------------------------------
    def is_guarded(self, rule: str, subject: str) -> bool:
        """Whether the rule item has a guard: in explain mode, every item (or those of
        ``guarded``)."""
        return self.explain and (self.guarded is None or (rule, subject) in self.guarded)

    def gives(self, rule: str, subject: str) -> bool:
        """Whether the rule item is given up for good (``Instance.given_up``, unguarded):
        the model leaves it out, as if the data did not have it."""
        return (rule, subject) in self.inst.given_up and not self.is_guarded(rule, subject)

    def may_give(self, rule: str, subject: str) -> bool:
        """Whether a plan of this model may break the rule item: a guarded one (through its
        guard) or one given up."""
        return self.is_guarded(rule, subject) or (rule, subject) in self.inst.given_up

    def guard(self, rule: str, subject: str) -> list[BoolVar]:
        """Enforcement literals for a rule item: ``[literal]`` for a guarded one, a literal
        fixed to false for an item given up (the constraint never applies), else ``[]``."""
        if self.gives(rule, subject):
            if not hasattr(self, "_never"):
                self._never = self.model.new_bool_var("given_up")
                self.model.add(self._never == 0)
            return [self._never]
        if not self.is_guarded(rule, subject):
            return []
        key = (rule, subject)
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"guard[{rule}:{subject}]")
        return [self.guards[key]]

    def enforce(self, constraint: Any, rule: str, subject: str) -> None:
        """Make a rule item's constraint switchable by its guard (in explain mode), or void
        it for an item given up."""
        literals = self.guard(rule, subject)
        if literals:
            constraint.only_enforce_if(literals)

    # ----- variables ----------------------------------------------------------------------------
    def sessions_left(self, region_id: str, course_id: str | None = None) -> int:
        """The region's ``max`` sessions (of a course, in a programme in stages) less those
        the frozen past already holds."""
        if course_id is not None and self.data.staged:
            high = self.inst.session_range(region_id, course_id)[1]
            return max(0, high - self.inst.frozen_sessions_of(region_id, course_id))
        high = self.inst.session_range(region_id)[1]
        return max(0, high - self.frozen.sessions_of_region.get(region_id, 0))

    def _create_variables(self) -> None:
        self._create_slots()
        self._create_places()
        self._create_held_at()
        self._index_days()
        self._create_seats()
        self._create_teaching()
        self._create_ngo_days()

    def _create_slots(self) -> None:
        """Each region's slots: as many as it may still hold sessions."""
        inst, data = self.inst, self.data
        self.slots: list[Slot] = []
        self.slots_of_region: dict[str, list[Slot]] = {}
        # per (region, course): its slots (a programme without courses: the one course)
        self.slots_of_course: dict[tuple[str, str], list[Slot]] = {}
        for region_id in inst.region_ids:
            if region_id not in self.regions or not self.with_officers:
                continue
            region = data.region_by_id[region_id]
            self.slots_of_region[region_id] = []
            for course in data.courses:
                high = self.sessions_left(region_id, course.id) if region.venues else 0
                if (region_id, course.id) in self.pinned:
                    high = min(high, len(self.pinned[(region_id, course.id)]))
                own = [Slot(len(self.slots) + k, region_id, k, course.id) for k in range(high)]
                self.slots.extend(own)
                self.slots_of_region[region_id] += own
                self.slots_of_course[(region_id, course.id)] = own

    def _create_places(self) -> None:
        """Each slot's (venue, day) Booleans, on the days its venues are free."""
        inst, data, m = self.inst, self.data, self.model
        days = range(len(inst.days))
        # venue_unavailable and calendar by construction: slots only on working days the venue
        # is free (in explain mode, or with the venue's item given up, on every day)
        self.venue_free_days: dict[str, set[int]] = {}
        for venue_id in data.venue_by_id:
            free = set(inst.venue_days(venue_id))
            gives = self.may_give("venue_unavailable", venue_id)
            self.venue_free_days[venue_id] = set(days) if gives else free
        self.active: dict[int, BoolVar] = {}
        self.slot_at: dict[tuple[int, str, int], BoolVar] = {}
        self.places_of_slot: dict[int, list[tuple[str, int, BoolVar]]] = defaultdict(list)
        for slot in self.slots:
            self.active[slot.index] = m.new_bool_var(f"active[{slot.region},{slot.k}]")
            for venue_id, d in self._possible_places(slot):
                var = m.new_bool_var(f"slot_at[{slot.region},{slot.k},{venue_id},{d}]")
                self.slot_at[(slot.index, venue_id, d)] = var
                self.places_of_slot[slot.index].append((venue_id, d, var))
            # a slot is active iff it has exactly one (venue, day)
            places = self.places_of_slot[slot.index]
            m.add(sum(var for _, _, var in places) == self.active[slot.index])

    def _possible_places(self, slot: Slot) -> list[tuple[str, int]]:
        """The (venue, day) pairs a slot may take: its pinned one (when that venue is free
        that day), else every free day of each of its region's venues."""
        pinned = self.pinned.get((slot.region, slot.course))
        if pinned is not None:
            venue_id, d = pinned[slot.k]
            return [(venue_id, d)] if d in self.venue_free_days[venue_id] else []
        return [
            (venue.id, d)
            for venue in self.data.region_by_id[slot.region].venues
            for d in sorted(self.venue_free_days[venue.id])
        ]

    def _create_held_at(self) -> None:
        """Without officers: one Boolean per (venue, day) a session may be held."""
        data, m = self.data, self.model
        # without officers, sessions need no identity: one Boolean per (venue, day)
        self.held_at: dict[tuple[str, int], BoolVar] = {}
        self.course_held_at: dict[tuple[str, str, int], BoolVar] = {}
        if self.with_officers:
            return
        for region_id in sorted(self.regions):
            for venue in data.region_by_id[region_id].venues:
                for d in sorted(self.venue_free_days[venue.id]):
                    if not data.staged:
                        self.held_at[(venue.id, d)] = m.new_bool_var(f"held_at[{venue.id},{d}]")
                        continue
                    for course in data.courses:
                        key = (course.id, venue.id, d)
                        name = f"held_at[{course.id},{venue.id},{d}]"
                        self.course_held_at[key] = m.new_bool_var(name)

    def _index_days(self) -> None:
        """The Booleans of sessions held per region-day, site-day and venue-day."""
        inst, data = self.inst, self.data
        # per region-day, site-day and venue-day: the Booleans of sessions held there
        self.region_day: dict[tuple[str, int], list[BoolVar]] = defaultdict(list)
        self.site_day: dict[tuple[int, int], list[BoolVar]] = defaultdict(list)
        self.venue_day: dict[tuple[str, int], list[BoolVar]] = defaultdict(list)
        placed = [(self.slots[i].region, v, d, var) for (i, v, d), var in self.slot_at.items()]
        placed += [(data.region_of_venue[v], v, d, var) for (v, d), var in self.held_at.items()]
        placed += [
            (data.region_of_venue[v], v, d, var) for (_c, v, d), var in self.course_held_at.items()
        ]
        for region_id, venue_id, d, var in placed:
            self.region_day[(region_id, d)].append(var)
            self.site_day[(inst.site_of_venue[venue_id], d)].append(var)
            self.venue_day[(venue_id, d)].append(var)

    def _create_seats(self) -> None:
        """Officers seated per (officer class, slot)."""
        inst, data, m = self.inst, self.data, self.model
        # officers: counts per (class, slot)
        self.seated: dict[tuple[int, int], cp_model.IntVar] = {}
        self.classes_of_region: dict[str, list[int]] = defaultdict(list)
        seat_top = data.constraints.sessions.officers.max
        for oc in inst.officer_classes:
            self.classes_of_region[oc.region].append(oc.index)
            if data.staged:
                seat_top = data.course_of(oc.course).officers.max
            top = min(oc.size, inst.data.district_day_cap(oc.district), seat_top)
            if not self.with_officers:
                continue  # an officer-free model of a programme in stages has slots, no seats
            for slot in self.slots_of_course.get((oc.region, oc.course), []):
                self.seated[(oc.index, slot.index)] = m.new_int_var(
                    0, top, f"seated[{oc.index},{slot.index}]"
                )

    def _create_teaching(self) -> None:
        """Trainers at sites on days; trainer_region and trainer_unavailable by construction."""
        inst, data, m = self.inst, self.data, self.model
        days = range(len(inst.days))
        # trainers; trainer_region and trainer_unavailable by construction
        self.teaches: dict[tuple[str, int, int], BoolVar] = {}
        self.teaching: dict[tuple[str, int], list[tuple[int, BoolVar]]] = defaultdict(list)
        site_days: dict[int, set[int]] = defaultdict(set)
        for site_index, d in self.site_day:
            site_days[site_index].add(d)
        for trainer in data.trainers if self.with_trainers else []:
            if self.may_give("trainer_unavailable", trainer.id):
                free = set(days)
            else:
                free = set(inst.trainer_days(trainer.id))
            for site in inst.sites:
                if not data.trainer_may_teach(trainer.id, site.region):
                    continue
                candidates = self.trainer_candidates
                if candidates is not None and trainer.id not in candidates.get(site.index, ()):
                    continue
                for d in sorted(site_days[site.index] & free):
                    var = m.new_bool_var(f"teaches[{trainer.id},{site.index},{d}]")
                    self.teaches[(trainer.id, site.index, d)] = var
                    self.teaching[(trainer.id, d)].append((site.index, var))

    def _create_ngo_days(self) -> None:
        """NGOs on days; ngo_region and ngo_unavailable by construction."""
        inst, data, m = self.inst, self.data, self.model
        days = range(len(inst.days))
        # NGOs; ngo_region and ngo_unavailable by construction
        self.ngo_works: dict[tuple[str, int], BoolVar] = {}
        for region in data.regions:
            if region.id not in self.regions:
                continue
            region_days = {d for (r, d) in self.region_day if r == region.id}
            for ngo in region.ngos:
                if self.may_give("ngo_unavailable", ngo.id):
                    free = set(days)
                else:
                    free = set(inst.ngo_days(ngo.id))
                for d in sorted(region_days & free):
                    self.ngo_works[(ngo.id, d)] = m.new_bool_var(f"ngo_works[{ngo.id},{d}]")

    # ----- helpers ------------------------------------------------------------------------------
    def slot_day_expr(self, slot_index: int, day: int) -> LinearExpr:
        """1 if the slot takes place on the day (sum over its venues)."""
        return sum(var for _venue, d, var in self.places_of_slot[slot_index] if d == day)

    def slot_day_number(self, slot_index: int) -> LinearExpr:
        """The slot's working-day index (0 when inactive)."""
        return sum(d * var for _, d, var in self.places_of_slot[slot_index])

    def sessions_of_region(self, region_id: str) -> LinearExpr:
        """Sessions held in a region (on the model's days)."""
        return sum(
            var
            for (r, _d), variables in self.region_day.items()
            if r == region_id
            for var in variables
        )

    def trainer_load(self, trainer_id: str) -> LinearExpr:
        """Sessions of a trainer on the model's days."""
        return sum(var for (t, _, _), var in self.teaches.items() if t == trainer_id)

    def trainer_busy(self, trainer_id: str, day: int) -> list[BoolVar]:
        """The trainer's teaching Booleans on a day (one per site)."""
        return [var for _site, var in self.teaching.get((trainer_id, day), [])]

    def class_seats(self, class_index: int) -> LinearExpr:
        """Officers of a class seated over all slots of its region and course."""
        oc = self.inst.officer_classes[class_index]
        return sum(
            self.seated[(class_index, s.index)]
            for s in self.slots_of_course.get((oc.region, oc.course), [])
        )

    def slot_seated(self, slot: Slot) -> LinearExpr:
        """Officers seated in a slot (the classes of its region and course)."""
        return sum(
            self.seated[(c, slot.index)]
            for c in self.classes_of_region[slot.region]
            if (c, slot.index) in self.seated
        )

    def slot_ordinal(self, slot_index: int) -> LinearExpr:
        """The slot's calendar ordinal (0 when inactive): calendar-day differences."""
        inst = self.inst
        return sum(inst.ordinal(d) * var for _, d, var in self.places_of_slot[slot_index])

    def course_sessions(self, region_id: str, course_id: str) -> list[BoolVar]:
        """The Booleans of the region's possible sessions of a course (its slots, or its
        venue-days in an officer-free model)."""
        slots = self.slots_of_course.get((region_id, course_id), [])
        return [self.active[slot.index] for slot in slots] + [
            var for days in self.course_days(region_id, course_id).values() for var in days
        ]

    def course_days(self, region_id: str, course_id: str) -> dict[int, list[BoolVar]]:
        """Per day, the officer-free model's Booleans of the region's sessions of a course."""
        if not hasattr(self, "_course_days"):
            self._course_days: dict[tuple[str, str], dict[int, list[BoolVar]]] = {}
            for (course, venue_id, d), var in self.course_held_at.items():
                key = (self.data.region_of_venue[venue_id], course)
                self._course_days.setdefault(key, {}).setdefault(d, []).append(var)
        return self._course_days.get((region_id, course_id), {})

    def course_day(
        self, region_id: str, course_id: str, day: int, venue_id: str | None = None
    ) -> list[BoolVar]:
        """The Booleans of the region's sessions of a course on a day (at the venue)."""
        held = [
            var
            for slot in self.slots_of_course.get((region_id, course_id), [])
            for v, d, var in self.places_of_slot[slot.index]
            if d == day and venue_id in (None, v)
        ]
        return held + [
            self.course_held_at[(course_id, venue.id, day)]
            for venue in self.data.region_by_id[region_id].venues
            if venue_id in (None, venue.id) and (course_id, venue.id, day) in self.course_held_at
        ]

    # ----- solutions and hints ------------------------------------------------------------------
    def solution(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """Every variable's value in the solver's last solution, by proto index."""
        model = self.model
        values = solver.response_proto.solution
        if len(values) == len(model.proto.variables):
            return dict(enumerate(values))  # the same values, read in one call
        return {
            i: solver.value(model.get_int_var_from_proto_index(i))
            for i in range(len(model.proto.variables))
        }

    def hint(self, values: dict[int, int]) -> None:
        """Replace the model's hint by these values (by proto index); a variable hinted
        twice would make the model invalid."""
        model = self.model
        model.clear_hints()
        for index, value in values.items():
            model.add_hint(model.get_int_var_from_proto_index(index), value)

    # ----- objectives (the frozen past included) ------------------------------------------------
    def officers_trained(self) -> LinearExpr:
        """Objective ``officers_trained`` (maximise); in an officer-free model with an
        estimate, the regions' estimated officers."""
        if self.region_officers:
            return sum(self.region_officers.values()) + self.inst.frozen_trained()
        return sum(self.seated.values()) + self.inst.frozen_trained()

    def cost_cents(self, ceil: bool = False) -> LinearExpr:
        """Objective ``cost_eur`` in cents (minimise): the same items as the plan's metric,
        each to the cent, or rounded up with ``ceil`` (rule budget).

        Per trainer assignment its item plus the trainer's catering; per session its venue's
        hire; per NGO at work one person's catering; per officer seated catering and travel.
        The officer-free model counts its regions' estimated officers when it has them, else
        ``officers_planned`` officers as a constant (the officers its plan will train, fixed
        before cost is optimised), or none when neither is known.
        """
        inst = self.inst
        person = inst.person_cents(ceil)
        variables: list[Any] = []
        coefficients: list[int] = []
        for (trainer_id, site, _d), var in self.teaches.items():
            variables.append(var)
            coefficients.append(inst.cost_cents(trainer_id, site, ceil) + person)
        for (venue_id, _d), held in self.venue_day.items():
            price = inst.venue_cents(venue_id, ceil)
            if price:
                variables += held
                coefficients += [price] * len(held)
        if person:
            variables += list(self.ngo_works.values())
            coefficients += [person] * len(self.ngo_works)
        constant = inst.frozen_cost_cents[1 if ceil else 0]
        officer = inst.officer_cents(ceil)
        if officer and self.with_officers:
            variables += list(self.seated.values())
            coefficients += [officer] * len(self.seated)
        elif officer and self.region_officers:
            variables += list(self.region_officers.values())
            coefficients += [officer] * len(self.region_officers)
        elif officer and self.officers_planned is not None:
            constant += officer * self.officers_planned
        return cp_model.LinearExpr.weighted_sum(variables, coefficients) + constant

    def sessions_held(self) -> LinearExpr:
        """Sessions held on the model's days, in every region of the model."""
        return sum(var for variables in self.region_day.values() for var in variables)

    def max_trainer_sessions(self) -> cp_model.IntVar:
        """Objective ``max_trainer_sessions`` (minimise): at least every trainer's load."""
        if not hasattr(self, "_max_load"):
            past = {t: len(s) for t, s in self.frozen.trainer_sessions.items()}
            top = len(self.inst.days) + max(past.values(), default=0)
            self._max_load = self.model.new_int_var(0, top, "max_trainer_sessions")
            for trainer in self.data.trainers:
                load = self.trainer_load(trainer.id) + past.get(trainer.id, 0)
                self.model.add(self._max_load >= load)
        return self._max_load

    def travel_tenths(self) -> LinearExpr:
        """Objective ``travel_km`` in tenths of a km (minimise): per trainer assignment its
        trip home-venue-home, each to 0.1 km, as the plan's metric counts it."""
        inst = self.inst
        variables = list(self.teaches.values())
        coefficients = [inst.travel_tenths(t, site) for (t, site, _d) in self.teaches]
        past = sum(
            self.data.travel_tenths(t, s.venue)
            for s in self.frozen.sessions
            for t in dict.fromkeys(s.trainers)
        )
        return cp_model.LinearExpr.weighted_sum(variables, coefficients) + past

    def _spread(self, name: str, counts: list[LinearExpr], top: int) -> LinearExpr:
        return spread_expr(self.model, name, counts, top)

    def trainer_spread(self) -> LinearExpr:
        """Objective ``trainer_spread`` (minimise): most minus fewest sessions over the
        trainers who could teach a session of the window."""
        if not hasattr(self, "_trainer_spread"):
            past = {t: len(s) for t, s in self.frozen.trainer_sessions.items()}
            loads = [self.trainer_load(t) + past.get(t, 0) for t in self.data.eligible_trainers]
            top = len(self.inst.days) + max(past.values(), default=0)
            self._trainer_spread = self._spread("trainer_spread", loads, top)
        return self._trainer_spread

    def ngo_spread(self) -> LinearExpr:
        """Objective ``ngo_spread`` (minimise): over regions, most minus fewest sessions of
        the region's NGOs that could take part in a session."""
        if not hasattr(self, "_ngo_spread"):
            past = {n: len(s) for n, s in self.frozen.ngo_sessions.items()}
            top = len(self.inst.days) + max(past.values(), default=0)
            worst = self.model.new_int_var(0, top, "ngo_spread")
            for region_id, ngos in self.data.eligible_ngos.items():
                if region_id not in self.regions:
                    continue
                counts = [
                    sum(var for (n, _d), var in self.ngo_works.items() if n == ngo_id)
                    + past.get(ngo_id, 0)
                    for ngo_id in ngos
                ]
                self.model.add(worst >= self._spread(f"ngo_spread[{region_id}]", counts, top))
            self._ngo_spread = worst
        return self._ngo_spread

    def district_trained(self) -> dict[str, LinearExpr]:
        """Per district with officers: its officers trained (the frozen past included)."""
        past: dict[str, int] = defaultdict(int)
        for officer_id in self.frozen.officers:
            officer = self.data.officer_by_id.get(officer_id)
            if officer is not None:
                past[officer.district] += 1
        seated: dict[str, list[Any]] = defaultdict(list)
        for (class_index, _slot), var in self.seated.items():
            seated[self.inst.officer_classes[class_index].district].append(var)
        return {
            district: sum(seated[district]) + past[district]
            for district, size in self.data.district_sizes.items()
            if size > 0 and self.data.region_of_district[district] in self.regions
        }

    @property
    def share_scale(self) -> int:
        """Model units per unit of ``min_district_share``: more than the square of the
        largest district, so that two different shares never round to the same unit (two
        fractions a/b != c/d differ by at least 1/(b d))."""
        largest = max(self.data.district_sizes.values(), default=1)
        return max(10_000, largest * largest + 1)

    def min_district_share(self) -> cp_model.IntVar:
        """Objective ``min_district_share`` (maximise), in units of 1/:attr:`share_scale`:
        at most every district's share trained, so at its maximum the floor of the best
        smallest share."""
        if not hasattr(self, "_min_share"):
            scale = self.share_scale
            share = self.model.new_int_var(0, scale, "min_district_share")
            sizes = self.data.district_sizes
            for district, trained in self.district_trained().items():
                # share / scale <= trained / size
                self.model.add(share * sizes[district] <= scale * trained)
            self._min_share = share
        return self._min_share
