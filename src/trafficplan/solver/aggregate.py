"""The assignment relaxation: how many sessions each trainer teaches at each site, and how
many each venue hosts and each NGO co-facilitates, without days.

Every officer-free objective (``cost_eur``, ``max_trainer_sessions``, ``travel_km``,
``trainer_spread``, ``ngo_spread``) is a function of these counts alone. The relaxation keeps
every rule that counts (sessions per region and in all, each trainer's sessions against the
free days of each week and ``max_sessions``, each site's trainers per session, each region's
NGOs per session) and drops what only days decide (travel, consecutive days, one a day).
So its optimum on each level is a proven bound for the master, and for the whole problem
once officers are fixed; it is solved in a fraction of a second even at national scale.

The decomposed search (``solver/decomposed.py``, ``solver/by_estimate.py``) optimises the
levels here, with their tolerances, then asks the master for a plan with exactly these
counts (:func:`realise`): when one exists, its value on every level equals the relaxation's
optimum, so every level is proven.

When the regions cannot all train their most officers at once (too few sessions in all, a
budget), the relaxation also counts officers per region (:meth:`Aggregate.add_officers`, each
count held below what the region's seats, bound and districts' daily shares allow) and keeps
the budget: its most officers is then a proven bound of ``officers_trained``, and its counts
at that bound are realised in the master with officer counts the same way.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from trafficplan.inputs.calendar import weekly_bound
from trafficplan.inputs.models import Tolerance
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel, spread_expr
from trafficplan.solver.rules import interchangeable_trainers

AGGREGATE_OBJECTIVES = frozenset(
    {"cost_eur", "max_trainer_sessions", "travel_km", "trainer_spread", "ngo_spread"}
)
UNCOUNTED_RULES = frozenset({"budget", "fixed", "seats"})
"""Rules the relaxation does not model: giving up their items leaves it a relaxation (an
item given up of any other rule could make it tighter than the master)."""
SCALE = {"cost_eur": 100, "travel_km": 10}
"""Model units per user unit (cents, tenths of a km); counts are whole numbers."""


@dataclass
class Counts:
    """One assignment of counts: sessions per (trainer, site), per venue, per NGO, and
    officers per region where the relaxation counts them."""

    teaches: dict[tuple[str, int], int] = field(default_factory=dict)
    venues: dict[str, int] = field(default_factory=dict)
    ngos: dict[str, int] = field(default_factory=dict)
    officers: dict[str, int] = field(default_factory=dict)
    course_venues: dict[tuple[str, str], int] = field(default_factory=dict)
    """A programme in stages: sessions per (course, venue) (``venues`` their sums)."""


@dataclass
class AggregateLevel:
    """A level's outcome in the relaxation (model units): its best value (a proven bound
    for the master), its value in the final counts, and the counts of its best."""

    name: str
    best: int
    final: int
    best_counts: Counts


class Aggregate:
    """The relaxation's CP-SAT model for an instance without a frozen past. A programme in
    stages counts sessions per course and venue, each region holding what training every
    member of each course needs (:meth:`_add_course_counts`); ``floor`` is then not read."""

    def __init__(self, inst: Instance, floor: dict[str, int], officers_planned: int):
        self.inst = inst
        # some course's sessions have several trainers (which must be distinct)
        self.several_trainers = any(c.trainers_per_session > 1 for c in inst.data.courses)
        self.model = cp_model.CpModel()
        self.teaches: dict[tuple[str, int], cp_model.IntVar] = {}
        self.venues: dict[str, Any] = {}
        self.course_venues: dict[tuple[str, str], cp_model.IntVar] = {}
        self.ngos: dict[str, cp_model.IntVar] = {}
        self.loads: dict[str, Any] = {}
        self.officers: dict[str, Any] = {}
        self.region_sessions: dict[str, Any] = {}
        self._add_trainer_counts()
        for region_id in inst.region_ids:
            self._add_region_counts(region_id, floor.get(region_id, 0))
        max_total = inst.data.constraints.sessions.max_total
        if max_total is not None:
            self.model.add(sum(self.region_sessions.values()) <= max_total)
        for course in inst.data.courses if inst.data.staged else []:
            if course.max_total is not None:
                held = [v for (c, _v), v in self.course_venues.items() if c == course.id]
                self.model.add(sum(held) <= course.max_total)
        self.cost = self._sessions_cost() + inst.officer_cents() * officers_planned
        self.exprs: dict[str, Any] = {"cost_eur": self.cost, **self._later_objectives()}

    def _add_trainer_counts(self) -> None:
        """Each trainer's sessions per site, within their free days' weekly bound and their
        ``max_sessions``; the master's symmetry breaking, so its counts can be realised."""
        inst, m = self.inst, self.model
        data, rules = inst.data, inst.data.constraints
        site_days = {
            site.index: set().union(*(inst.venue_days(v) for v in site.venue_ids))
            for site in inst.sites
        }
        for trainer in data.trainers:
            free = set(inst.trainer_days(trainer.id))
            cap = weekly_bound((inst.days[d] for d in free), rules.trainers.max_per_week)
            if trainer.max_sessions is not None:
                cap = min(cap, trainer.max_sessions)
            own = []
            for site in inst.sites:
                if not data.trainer_may_teach(trainer.id, site.region):
                    continue
                top = len(site_days[site.index] & free)
                if top:
                    var = m.new_int_var(0, top, f"n[{trainer.id},{site.index}]")
                    self.teaches[(trainer.id, site.index)] = var
                    own.append(var)
            self.loads[trainer.id] = sum(own)
            if own:
                m.add(sum(own) <= cap)
        for members in interchangeable_trainers(data):
            for first, second in itertools.pairwise(members):
                m.add(self.loads[first] >= self.loads[second])

    def _add_region_counts(self, region_id: str, floor: int) -> None:
        """A region's sessions (at least ``floor``) per venue, its sites' trainers and its
        NGOs' shares of them."""
        inst, m = self.inst, self.model
        rules = inst.data.constraints
        region = inst.data.region_by_id[region_id]
        if inst.data.staged:
            self._add_course_counts(region_id)
            low = 0
            high = sum(inst.session_range(region_id, c.id)[1] for c in inst.data.courses)
        else:
            low, high = inst.session_range(region_id)
        count = m.new_int_var(max(low, floor), high, f"S[{region_id}]")
        held = []
        for venue in region.venues:
            if inst.data.staged:
                self.venues[venue.id] = sum(
                    var for (_c, v), var in self.course_venues.items() if v == venue.id
                )
            else:
                top = len(inst.venue_days(venue.id))
                self.venues[venue.id] = m.new_int_var(0, top, f"s[{venue.id}]")
            held.append(self.venues[venue.id])
        m.add(sum(held) == count)
        days = set().union(*(inst.venue_days(v.id) for v in region.venues))
        m.add(count <= len(days) * rules.sessions.max_per_region_per_day)
        for site_index in inst.sites_of_region[region_id]:
            trainers = [v for (t, s), v in self.teaches.items() if s == site_index]
            m.add(sum(trainers) == self._trainers_at_site(site_index))
            if self.several_trainers:
                # a trainer teaches a session once: with two trainers a session, one
                # trainer cannot take all of a site's trainer places
                at_site = sum(self.venues[v] for v in inst.sites[site_index].venue_ids)
                for var in trainers:
                    m.add(var <= at_site)
        works = []
        for ngo in region.ngos:
            free = set(inst.ngo_days(ngo.id)) & days
            cap = weekly_bound((inst.days[d] for d in free), rules.ngos.max_per_week)
            var = m.new_int_var(0, cap, f"g[{ngo.id}]")
            self.ngos[ngo.id] = var
            works.append(var)
        m.add(sum(works) == rules.ngos.per_session * count)
        self.region_sessions[region_id] = count

    def _add_course_counts(self, region_id: str) -> None:
        """A programme in stages: the region's sessions per course and venue, per course
        within its min and max, enough for its members' seats and no more than its members
        fill to the minimum (every member is trained)."""
        inst, m, data = self.inst, self.model, self.inst.data
        region = data.region_by_id[region_id]
        for course in data.courses:
            own = []
            for venue in region.venues:
                top = len(inst.venue_days(venue.id))
                var = m.new_int_var(0, top, f"s[{course.id},{venue.id}]")
                self.course_venues[(course.id, venue.id)] = var
                own.append(var)
            low, high = inst.session_range(region_id, course.id)
            least, most = inst.member_sessions(region_id, course.id)
            m.add(sum(own) >= max(low, least))
            m.add(sum(own) <= (high if most is None else min(high, most)))

    def _trainers_at_site(self, site_index: int) -> Any:
        """The trainers a site's sessions need: its course's ``trainers_per_session`` each."""
        inst = self.inst
        venue_ids = inst.sites[site_index].venue_ids
        if not inst.data.staged:
            per_session = inst.data.constraints.trainers.per_session
            return per_session * sum(self.venues[v] for v in venue_ids)
        return sum(
            inst.data.course_of(c).trainers_per_session * var
            for (c, v), var in self.course_venues.items()
            if v in venue_ids
        )

    def _later_objectives(self) -> dict[str, Any]:
        """The officer-free objectives' expressions on the counts."""
        inst, m = self.inst, self.model
        data = inst.data
        top = max(1, len(inst.days))
        max_load = m.new_int_var(0, top, "max_load")
        for load in self.loads.values():
            m.add(max_load >= load)
        exprs: dict[str, Any] = {"max_trainer_sessions": max_load}
        exprs["travel_km"] = sum(
            inst.travel_tenths(t, s) * var for (t, s), var in self.teaches.items()
        )
        exprs["trainer_spread"] = self._spread(
            "trainer_spread", [self.loads[t] for t in data.eligible_trainers], top
        )
        worst = m.new_int_var(0, top, "ngo_spread")
        for region_id, ngos in data.eligible_ngos.items():
            spread = self._spread(f"ngo[{region_id}]", [self.ngos[n] for n in ngos], top)
            m.add(worst >= spread)
        exprs["ngo_spread"] = worst
        return exprs

    def add_officers(self, bounds: dict[str, int]) -> None:
        """Count officers per region (``self.officers``), for an aggregate built with no
        officers planned: at most the region's bound in ``bounds``, its sessions' seats and
        per district its daily share times the region's sessions; at least ``officers.min``
        per session. Their catering and travel join ``cost_eur``, and the rule ``budget``
        is kept as it counts (each item rounded up)."""
        inst, data, m = self.inst, self.inst.data, self.model
        low = data.constraints.sessions.officers.min
        for region_id, count in self.region_sessions.items():
            region = data.region_by_id[region_id]
            top = min(bounds.get(region_id, 0), len(data.officers_by_region[region_id]))
            var = m.new_int_var(0, max(0, top), f"O[{region_id}]")
            seats = [data.seat_range(v.id)[1] * self.venues[v.id] for v in region.venues]
            m.add(var <= sum(seats))
            m.add(var >= low * count)
            parts = []
            for district in region.districts:
                size = data.district_sizes.get(district, 0)
                if size:
                    part = m.new_int_var(0, size, f"O[{district}]")
                    m.add(part <= data.district_day_cap(district) * count)
                    parts.append(part)
            m.add(var <= sum(parts))
            self.officers[region_id] = var
        trained = sum(self.officers.values())
        self.cost = self.cost + inst.officer_cents() * trained
        self.exprs["cost_eur"] = self.cost
        budget = data.budget_cents
        if budget is not None:
            cost = self._sessions_cost(ceil=True) + inst.officer_cents(ceil=True) * trained
            m.add(cost <= budget)

    def _sessions_cost(self, ceil: bool = False) -> Any:
        """What the sessions cost in cents (every item but the officers'): each trainer
        assignment with its catering, each venue's hire, each NGO's catering; each item
        rounded up with ``ceil`` (rule budget)."""
        inst = self.inst
        person = inst.person_cents(ceil)
        cost = [
            (inst.cost_cents(t, s, ceil) + person) * var for (t, s), var in self.teaches.items()
        ]
        cost += [inst.venue_cents(v, ceil) * var for v, var in self.venues.items()]
        cost += [person * var for var in self.ngos.values()]
        return sum(cost)

    def most_officers(self, seed: int, seconds: float) -> tuple[int, bool] | None:
        """The most officers the counts allow (after :meth:`add_officers`): a proven upper
        bound of ``officers_trained`` and whether it is the relaxation's optimum, which is
        then held for the later levels (as a lexicographic level is). None when not even a
        bound was found in ``seconds``, or no counts keep the rules."""
        trained = sum(self.officers.values())
        solver = self._solver(seed, seconds)
        self.model.maximize(trained)
        status = solver.solve(self.model)
        self.model.clear_objective()
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        bound = math.floor(solver.best_objective_bound + 1e-6)
        if status == cp_model.OPTIMAL:
            self.model.add(trained >= bound)
        return bound, status == cp_model.OPTIMAL

    def _solver(self, seed: int, seconds: float) -> cp_model.CpSolver:
        """The relaxation's solver (one worker), with full linearization where a session
        may have several trainers: there the default one stalls on the cost level's bound
        (a two-stage national programme: 11 % gap after 30 s, proven in 0.2 s with it)."""
        solver = _one_worker(seed, seconds)
        if self.several_trainers:
            solver.parameters.linearization_level = 2
        return solver

    def _spread(self, name: str, counts: list[Any], top: int) -> Any:
        return spread_expr(self.model, name, counts, top)

    def counts(self, solver: cp_model.CpSolver) -> Counts:
        """The solver's counts."""
        return Counts(
            teaches={k: int(solver.value(v)) for k, v in self.teaches.items()},
            venues={k: int(solver.value(v)) for k, v in self.venues.items()},
            ngos={k: int(solver.value(v)) for k, v in self.ngos.items()},
            officers={k: int(solver.value(v)) for k, v in self.officers.items()},
            course_venues={k: int(solver.value(v)) for k, v in self.course_venues.items()},
        )

    def lower_bound(self, name: str, seed: int, seconds: float) -> float | None:
        """A proven lower bound of a (minimised) level over every plan, whatever the earlier
        levels' values, in user units; None if not even a bound was found in time."""
        solver = self._solver(seed, seconds)
        self.model.minimize(self.exprs[name])
        status = solver.solve(self.model)
        self.model.clear_objective()
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        scale = SCALE.get(name, 1)
        return math.ceil(solver.best_objective_bound - 1e-6) / scale

    def hold_at_most(self, name: str, value: Fraction) -> None:
        """Keep the level ``name`` at most ``value`` (user units) from now on."""
        self.model.add(self.exprs[name] <= math.floor(value * SCALE.get(name, 1)))

    def optimise(
        self,
        names: Sequence[str],
        tolerances: dict[str, Tolerance],
        seed: int,
        seconds: float,
        limits: dict[str, float] | None = None,
    ) -> tuple[list[AggregateLevel], Counts] | None:
        """Each level in turn, held at its optimum or within its tolerance; then each tolerant
        level improved again with every later level held (what it gives is only what the
        later levels need). ``limits`` hold objectives at most a value (user units), as the
        solver's limits do. None unless every level is proven in ``seconds``."""
        for name, limit in (limits or {}).items():
            scale = SCALE.get(name, 1)
            self.model.add(self.exprs[name] <= math.floor(Fraction(str(limit)) * scale))
        solver = self._solver(seed, seconds)
        results: list[AggregateLevel] = []
        for name in names:
            expr = self.exprs[name]
            self.model.minimize(expr)
            if solver.solve(self.model) != cp_model.OPTIMAL:
                return None
            best = round(solver.objective_value)
            tolerance = tolerances.get(name)
            slack = 0
            if tolerance is not None:
                scale = SCALE.get(name, 1)
                allowance = tolerance.allowance(Fraction(best, scale))
                slack = math.floor(allowance * scale)
            self.model.add(expr <= best + slack)
            results.append(AggregateLevel(name, best, best, self.counts(solver)))
        for level in results[:-1]:
            if tolerances.get(level.name) is None:
                continue
            self.model.minimize(self.exprs[level.name])
            if solver.solve(self.model) != cp_model.OPTIMAL:
                return None
            self.model.add(self.exprs[level.name] <= round(solver.objective_value))
        self.model.clear_objective()
        if solver.solve(self.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        for level in results:
            level.final = round(solver.value(self.exprs[level.name]))
        return results, self.counts(solver)


def settles_by_counts(inst: Instance, limits: Iterable[str]) -> bool:
    """Whether the relaxation mirrors the data, so that its counts, realised in the master,
    prove the later levels: every later objective and every limit (``limits``: their names)
    is one it counts, and no item of a rule it counts gives."""
    later = [n for n in inst.data.constraints.objective_names if n != "officers_trained"]
    relaxable = bool(later) and set(later) | set(limits) <= AGGREGATE_OBJECTIVES
    mirrored = {rule for rule, _subject in inst.given_up} <= UNCOUNTED_RULES
    return relaxable and mirrored


def _one_worker(seed: int, seconds: float) -> cp_model.CpSolver:
    """The relaxation's solver: one worker (reproducible), the run's seed, a time limit."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    # Ctrl-C is the run's own (it sets the stop event): CP-SAT's handler would take the
    # signal away from it, and the process would die without writing a plan
    solver.parameters.catch_sigint_signal = False
    return solver


def realise(master: PlanModel, counts: Counts) -> list[Any]:
    """Constrain the officer-free master to plans with exactly these counts (and officer
    counts, where both have them); returns the constraints added (clear them with
    ``constraint.proto.clear_linear()`` afterwards)."""
    m = master.model
    # each variable family keyed by its count's key and a day last: summed over the days
    added = _hold_sums(m, master.teaches, counts.teaches)
    added += _hold_sums(m, master.held_at, counts.venues)
    added += _hold_sums(m, master.course_held_at, counts.course_venues)
    added += _hold_sums(m, master.ngo_works, counts.ngos)
    if master.region_officers and counts.officers:
        for region_id, var in master.region_officers.items():
            added.append(m.add(var == counts.officers.get(region_id, 0)))
    return added


def _hold_sums(
    model: cp_model.CpModel, variables: dict[Any, Any], wanted: dict[Any, int]
) -> list[Any]:
    """Per key of ``variables`` without its last part (the day): the sum of its variables
    equal to ``wanted`` (0 where not given); the constraints, in the variables' order."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for key, var in variables.items():
        grouped[key[0] if len(key) == 2 else key[:-1]].append(var)
    return [model.add(sum(group) == wanted.get(key, 0)) for key, group in grouped.items()]
