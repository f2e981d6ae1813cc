"""The CP-SAT model: variables, one function per hard rule, objective expressions.

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

The same class builds the smaller models of the decomposition (``solver/solve.py``): one
region without trainers (``regions``, ``with_trainers=False``: a region's officer bound, or
seating officers on given sessions), and the master without officers
(``with_officers=False``: one Boolean per venue-day instead of slots, optionally only the
cheapest ``trainer_candidates`` per site). In explain mode every rule item that can give is
guarded by an assumption literal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.solver.instance import Instance

LinearExpr = Any


@dataclass(frozen=True)
class Slot:
    """The k-th possible session of a region (k from 0), ordered by date."""

    index: int
    region: str
    k: int


class PlanModel:
    """Builds the CP-SAT model of every hard rule for one :class:`Instance`.

    Attributes:
        guards: in explain mode, the assumption literal of each guarded rule item
            (``(rule, subject) -> literal``); empty otherwise.
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
    ):
        self.inst = inst
        self.data = inst.data
        self.explain = explain
        self.regions = set(inst.region_ids) if regions is None else set(regions)
        self.with_trainers = with_trainers
        self.with_officers = with_officers
        # per site, the trainers the model may use there (None: every allowed trainer)
        self.trainer_candidates = trainer_candidates
        # least sessions per region (a master model may ask for more than the data's min)
        self.session_floor = {
            r: max(inst.session_range(r)[0], (session_floor or {}).get(r, 0))
            for r in inst.region_ids
        }
        self.model = cp_model.CpModel()
        self.guards: dict[tuple[str, str], cp_model.IntVar] = {}
        self.infeasible_reasons: list[str] = []
        self._create_variables()

    # ----- guards (explain mode) ----------------------------------------------------------------
    def guard(self, rule: str, subject: str) -> list[cp_model.IntVar]:
        """Enforcement literals for a rule item: ``[literal]`` in explain mode, else ``[]``."""
        if not self.explain:
            return []
        key = (rule, subject)
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"guard[{rule}:{subject}]")
        return [self.guards[key]]

    def _add(self, constraint: Any, rule: str, subject: str) -> None:
        literals = self.guard(rule, subject)
        if literals:
            constraint.only_enforce_if(literals)

    # ----- variables ----------------------------------------------------------------------------
    def _create_variables(self) -> None:
        inst, data, m = self.inst, self.data, self.model
        days = range(len(inst.days))
        self.slots: list[Slot] = []
        self.slots_of_region: dict[str, list[Slot]] = {}
        for region_id in inst.region_ids:
            if region_id not in self.regions or not self.with_officers:
                continue
            _, high = inst.session_range(region_id)
            region = data.region_by_id[region_id]
            high = high if region.venues else 0
            own = [Slot(len(self.slots) + k, region_id, k) for k in range(high)]
            self.slots.extend(own)
            self.slots_of_region[region_id] = own

        # venue_unavailable and calendar by construction: b only on working days the venue is free
        self.venue_free_days: dict[str, set[int]] = {}
        for venue_id in data.venue_by_id:
            free = set(inst.venue_days(venue_id))
            self.venue_free_days[venue_id] = free if not self.explain else set(days)
        self.active: dict[int, cp_model.IntVar] = {}
        self.b: dict[tuple[int, str, int], cp_model.IntVar] = {}
        self.b_of_slot: dict[int, list[tuple[str, int, cp_model.IntVar]]] = defaultdict(list)
        for slot in self.slots:
            self.active[slot.index] = m.new_bool_var(f"active[{slot.region},{slot.k}]")
            for venue in data.region_by_id[slot.region].venues:
                for d in sorted(self.venue_free_days[venue.id]):
                    var = m.new_bool_var(f"b[{slot.region},{slot.k},{venue.id},{d}]")
                    self.b[(slot.index, venue.id, d)] = var
                    self.b_of_slot[slot.index].append((venue.id, d, var))
            # a slot is active iff it has exactly one (venue, day)
            m.add(sum(var for _, _, var in self.b_of_slot[slot.index]) == self.active[slot.index])

        # without officers, sessions need no identity: one Boolean per (venue, day)
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        if not self.with_officers:
            for region_id in sorted(self.regions):
                for venue in data.region_by_id[region_id].venues:
                    for d in sorted(self.venue_free_days[venue.id]):
                        self.x[(venue.id, d)] = m.new_bool_var(f"x[{venue.id},{d}]")

        # per region-day and site-day session counts
        self.region_day: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        self.site_day: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        self.venue_day: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        placed = [(self.slots[i].region, v, d, var) for (i, v, d), var in self.b.items()]
        placed += [(data.region_of_venue[v], v, d, var) for (v, d), var in self.x.items()]
        for region_id, venue_id, d, var in placed:
            self.region_day[(region_id, d)].append(var)
            self.site_day[(inst.site_of_venue[venue_id], d)].append(var)
            self.venue_day[(venue_id, d)].append(var)

        # officers: counts per (class, slot)
        self.z: dict[tuple[int, int], cp_model.IntVar] = {}
        self.classes_of_region: dict[str, list[int]] = defaultdict(list)
        seat_top = data.constraints.sessions.officers.max
        for oc in inst.officer_classes:
            self.classes_of_region[oc.region].append(oc.index)
            top = min(oc.size, inst.district_day_cap(oc.district), seat_top)
            for slot in self.slots_of_region.get(oc.region, []):
                self.z[(oc.index, slot.index)] = m.new_int_var(
                    0, top, f"z[{oc.index},{slot.index}]"
                )

        # trainers: y[t, site, day]; trainer_region and trainer_unavailable by construction
        self.y: dict[tuple[str, int, int], cp_model.IntVar] = {}
        self.y_of_trainer_day: dict[tuple[str, int], list[tuple[int, cp_model.IntVar]]] = (
            defaultdict(list)
        )
        site_days: dict[int, set[int]] = defaultdict(set)
        for site_index, d in self.site_day:
            site_days[site_index].add(d)
        for trainer in data.trainers if self.with_trainers else []:
            free = set(inst.trainer_days(trainer.id)) if not self.explain else set(days)
            for site in inst.sites:
                if not data.trainer_may_teach(trainer.id, site.region):
                    continue
                candidates = self.trainer_candidates
                if candidates is not None and trainer.id not in candidates.get(site.index, ()):
                    continue
                for d in sorted(site_days[site.index] & free):
                    var = m.new_bool_var(f"y[{trainer.id},{site.index},{d}]")
                    self.y[(trainer.id, site.index, d)] = var
                    self.y_of_trainer_day[(trainer.id, d)].append((site.index, var))

        # NGOs: u[n, day]; ngo_region and ngo_unavailable by construction
        self.u: dict[tuple[str, int], cp_model.IntVar] = {}
        for region in data.regions:
            if region.id not in self.regions:
                continue
            region_days = {d for (r, d) in self.region_day if r == region.id}
            for ngo in region.ngos:
                free = set(inst.ngo_days(ngo.id)) if not self.explain else set(days)
                for d in sorted(region_days & free):
                    self.u[(ngo.id, d)] = m.new_bool_var(f"u[{ngo.id},{d}]")

    # ----- helpers ------------------------------------------------------------------------------
    def slot_day_expr(self, slot_index: int, day: int) -> LinearExpr:
        """1 if the slot takes place on the day (sum over its venues)."""
        return sum(var for venue_id, d, var in self.b_of_slot[slot_index] if d == day)

    def slot_day_number(self, slot_index: int) -> LinearExpr:
        """The slot's working-day index (0 when inactive)."""
        return sum(d * var for _, d, var in self.b_of_slot[slot_index])

    def sessions_of_region(self, region_id: str) -> LinearExpr:
        """Sessions held in a region."""
        return sum(
            var
            for (r, _d), variables in self.region_day.items()
            if r == region_id
            for var in variables
        )

    def trainer_load(self, trainer_id: str) -> LinearExpr:
        """Sessions of a trainer over the window."""
        return sum(var for (t, _, _), var in self.y.items() if t == trainer_id)

    # ----- objectives ---------------------------------------------------------------------------
    def officers_trained(self) -> LinearExpr:
        """Objective ``officers_trained`` (maximise)."""
        return sum(self.z.values())

    def cost_cents(self) -> LinearExpr:
        """Objective ``cost_eur`` in cents (minimise)."""
        return sum(self.inst.cost_cents(t, s) * var for (t, s, _), var in self.y.items())

    def max_trainer_sessions(self) -> cp_model.IntVar:
        """Objective ``max_trainer_sessions`` (minimise): at least every trainer's load."""
        if not hasattr(self, "_max_load"):
            self._max_load = self.model.new_int_var(0, len(self.inst.days), "max_trainer_sessions")
            for trainer in self.data.trainers:
                self.model.add(self._max_load >= self.trainer_load(trainer.id))
        return self._max_load
