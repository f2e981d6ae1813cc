"""A plain time-indexed CP-SAT model of the hard rules: the benchmark's yardstick.

    python bench/plain_model.py --data DIR --out plan.json [--time-limit 60] [--workers 2]
                                [--seed 0] [--memory-gb 8]

What a capable user would write in an afternoon instead of using the planner (specification,
section 2): one Boolean per officer, venue and day (``attends``), per venue and day
(``session``), per trainer, venue and day (``teaches``) and per NGO, venue and day
(``hosts``), created only where the person, the venue and the calendar allow it; one
constraint group per rule, named by its rule id; the objectives of ``constraints.yaml``
optimised lexicographically (each level holds the earlier ones at their best value and is
hinted with the previous solution; a level that is not the last stops at 60 % of the time
left once it has a plan).
It shares nothing with ``trafficplan.solver``: only the data loading, the calendar, the
distances and costs of ``trafficplan.inputs`` and the plan file format.

It prints one JSON object a line on stdout as things happen, so that the benchmark can time
them from the process start: ``{"event": "built", ...}``, ``{"event": "first_plan"}``,
``{"event": "level", "name": ..., "value": ..., "bound": ..., "proven": ...}`` after each
level, and ``{"event": "done", "status": ..., "objectives": [...]}`` last. The plan it finds
is written in the ``plan.json`` format (``trafficplan check`` verifies it). Exit codes: 0 a
plan was written, 4 the data admit no plan, 5 no plan within the time limit, 6 out of memory
(``--memory-gb`` caps the address space with ``RLIMIT_AS``; a cap hit inside CP-SAT aborts
the process instead, which the benchmark also reports as out of memory).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

STARTED = time.monotonic()

EXIT_PLAN, EXIT_INFEASIBLE, EXIT_NO_PLAN, EXIT_OUT_OF_MEMORY = 0, 4, 5, 6
LEVEL_SHARE = 0.6  # of the time left: every level but the last stops then, once it has a plan


def emit(event: str, **fields: Any) -> None:
    """One progress line on stdout, flushed at once (the benchmark timestamps its arrival)."""
    print(json.dumps({"event": event, "seconds": round(time.monotonic() - STARTED, 3), **fields}))
    sys.stdout.flush()


class PlainModel:
    """The time-indexed model of one data folder (``trafficplan.inputs.ProblemData``)."""

    def __init__(self, data: Any) -> None:
        from ortools.sat.python import cp_model

        self.data = data
        self.model = cp_model.CpModel()
        self.days: list[date] = list(data.working_days)
        self.session: dict[tuple[str, date], Any] = {}
        self.attends: dict[tuple[str, str, date], Any] = {}
        self.teaches: dict[tuple[str, str, date], Any] = {}
        self.hosts: dict[tuple[str, str, date], Any] = {}
        # a programme in stages: which course each session is (venue, day, course)
        self.of_course: dict[tuple[str, date, str], Any] = {}
        self._variables()
        if data.staged:
            self._courses()
        for rule in self.rules():
            rule()

    # ----- variables: one Boolean per person, venue and day the data allow ----------------
    def _variables(self) -> None:
        """Rules ``calendar``, ``venue_unavailable``, ``officer_region``,
        ``officer_unavailable``, ``trainer_region``, ``trainer_unavailable``, ``ngo_region``
        and ``ngo_unavailable`` hold by the variables that exist at all."""
        data, new = self.data, self.model.new_bool_var
        for region in data.regions:
            for venue in region.venues:
                for day in self.days:
                    if not data.available(venue.unavailable, day):
                        continue
                    self.session[venue.id, day] = new(f"session[{venue.id},{day}]")
                    for officer in data.officers_by_region[region.id]:
                        if data.available(officer.unavailable, day):
                            key = (officer.id, venue.id, day)
                            self.attends[key] = new(f"attends[{officer.id},{venue.id},{day}]")
                    for trainer in data.trainers:
                        if data.trainer_may_teach(trainer.id, region.id) and data.available(
                            trainer.unavailable, day
                        ):
                            key = (trainer.id, venue.id, day)
                            self.teaches[key] = new(f"teaches[{trainer.id},{venue.id},{day}]")
                    for ngo in region.ngos:
                        if data.available(ngo.unavailable, day):
                            self.hosts[ngo.id, venue.id, day] = new(
                                f"hosts[{ngo.id},{venue.id},{day}]"
                            )

    # ----- courses (spec 7.1): each officer in the first course listing their role ------------
    def course_of_officer(self, officer: Any) -> str:
        """The officer's course (the plain model gives each officer one)."""
        return self.data.officer_courses(officer)[0]

    def _courses(self) -> None:
        """One Boolean per session and course, exactly one for a session held; an officer
        attends only a session of their course."""
        data = self.data
        for (venue, day), session in self.session.items():
            mine = []
            for course in data.courses:
                var = self.model.new_bool_var(f"of_course[{venue},{day},{course.id}]")
                self.of_course[venue, day, course.id] = var
                mine.append(var)
            self.model.add(sum(mine) == session)
        for (officer, venue, day), var in self.attends.items():
            course = self.course_of_officer(data.officer_by_id[officer])
            self.model.add_implication(var, self.of_course[venue, day, course])

    def _course_sessions(self, course_id: str, region_id: str | None = None) -> list:
        return [
            var
            for (venue, _day, course), var in self.of_course.items()
            if course == course_id
            and (region_id is None or self.data.region_of_venue[venue] == region_id)
        ]

    def course_order(self) -> None:
        """A course with ``after``: by region after the region's last session of the earlier
        course; by district after the session of every earlier-course officer of the
        district, all of whom must attend one."""
        data = self.data
        top = max((d.toordinal() for d in self.days), default=0)
        for course in data.courses if data.staged else []:
            after = course.after
            if after is None:
                continue
            if after.by == "region":
                for region in data.regions:
                    last = self.model.new_int_var(0, top, f"last[{region.id},{after.course}]")
                    for (venue, day, c), var in self.of_course.items():
                        if data.region_of_venue[venue] != region.id:
                            continue
                        if c == after.course:
                            self.model.add(last >= day.toordinal()).only_enforce_if(var)
                        elif c == course.id:
                            late = day.toordinal() >= last + after.min_days
                            self.model.add(late).only_enforce_if(var)
                continue
            self._order_by_district(course.id, after.course, after.min_days, top)

    def _order_by_district(self, course_id: str, earlier: str, min_days: int, top: int) -> None:
        data = self.data
        by_district: dict[tuple[str, str], list[tuple[date, Any]]] = defaultdict(list)
        for (officer, _venue, day), var in self.attends.items():
            person = data.officer_by_id[officer]
            by_district[person.district, self.course_of_officer(person)].append((day, var))
        for district in data.district_sizes:
            heads = by_district.get((district, earlier), [])
            size = sum(
                1
                for o in data.officers
                if o.district == district and self.course_of_officer(o) == earlier
            )
            members = by_district.get((district, course_id), [])
            if size == 0 or not members:
                continue
            ready = self.model.new_int_var(0, top, f"ready[{district}]")
            for day, var in heads:
                self.model.add(ready >= day.toordinal()).only_enforce_if(var)
            all_trained = self.model.new_bool_var(f"all_trained[{district}]")
            self.model.add(sum(var for _d, var in heads) >= size).only_enforce_if(all_trained)
            for day, var in members:
                self.model.add(day.toordinal() >= ready + min_days).only_enforce_if(var)
                self.model.add_implication(var, all_trained)

    def rules(self) -> list[Callable[[], None]]:
        """The rule groups, in the specification's order."""
        return [
            self.counts,
            self.fixed,
            self.region_per_day,
            self.seats,
            self.officer_once,
            self.district_share,
            self.trainer_count,
            self.trainer_per_day,
            self.trainer_per_week,
            self.trainer_consecutive,
            self.trainer_max_sessions,
            self.travel,
            self.ngo_count,
            self.ngo_per_day,
            self.ngo_per_week,
            self.budget,
            self.course_order,
        ]

    def _by(self, variables: dict, *positions: int) -> dict[tuple, list]:
        """The variables grouped by the key parts at ``positions``."""
        groups: dict[tuple, list] = defaultdict(list)
        for key, var in variables.items():
            groups[tuple(key[p] for p in positions)].append(var)
        return groups

    def _region_sessions(self, region_id: str) -> list:
        venues = {v.id for v in self.data.region_by_id[region_id].venues}
        return [var for (venue, _day), var in self.session.items() if venue in venues]

    # ----- rules ---------------------------------------------------------------------------
    def counts(self) -> None:
        """Each region runs between its min and max sessions; at most max_total in all."""
        for region in self.data.regions:
            for course in self.data.courses if self.data.staged else []:
                bounds = self.data.session_bounds(region.id, course.id)
                total = sum(self._course_sessions(course.id, region.id))
                self.model.add(total >= bounds.min)
                self.model.add(total <= bounds.max)
            if self.data.staged:
                continue
            bounds = self.data.session_bounds(region.id)
            total = sum(self._region_sessions(region.id))
            self.model.add(total >= bounds.min)
            self.model.add(total <= bounds.max)
        for course in self.data.courses if self.data.staged else []:
            if course.max_total is not None:
                self.model.add(sum(self._course_sessions(course.id)) <= course.max_total)
        max_total = self.data.constraints.sessions.max_total
        if max_total is not None:
            self.model.add(sum(self.session.values()) <= max_total)

    def fixed(self) -> None:
        """Each fixed entry picks a distinct session of its region on its date (at its venue,
        with its trainers, where it names them)."""
        picks: dict[tuple[str, date], list] = defaultdict(list)
        for index, entry in enumerate(self.data.constraints.sessions.fixed):
            venues = [v.id for v in self.data.region_by_id[entry.region].venues]
            if entry.venue is not None:
                venues = [v for v in venues if v == entry.venue]
            choices = []
            for venue in venues:
                if (venue, entry.date) not in self.session:
                    continue
                named = [(t, venue, entry.date) for t in entry.trainers or []]
                if any(key not in self.teaches for key in named):
                    continue
                pick = self.model.new_bool_var(f"fixed[{index},{venue}]")
                self.model.add_implication(pick, self.session[venue, entry.date])
                if self.data.staged:
                    course = entry.course or self.data.default_course
                    self.model.add_implication(pick, self.of_course[venue, entry.date, course])
                for key in named:
                    self.model.add_implication(pick, self.teaches[key])
                picks[venue, entry.date].append(pick)
                choices.append(pick)
            if choices:
                self.model.add_exactly_one(choices)
            else:  # no session can stand for this entry: the data admit no plan
                self.model.add_bool_or([])
        for same_session in picks.values():
            self.model.add_at_most_one(same_session)

    def region_per_day(self) -> None:
        """At most max_per_region_per_day sessions a day in a region."""
        cap = self.data.constraints.sessions.max_per_region_per_day
        by_region_day: dict[tuple[str, date], list] = defaultdict(list)
        for (venue, day), var in self.session.items():
            by_region_day[self.data.region_of_venue[venue], day].append(var)
        for sessions in by_region_day.values():
            if len(sessions) > cap:
                self.model.add(sum(sessions) <= cap)

    def seats(self) -> None:
        """A session has between officers.min and min(officers.max, capacity) officers; an
        officer attends only a session that takes place."""
        seated = self._by(self.attends, 1, 2)
        for (venue, day), session in self.session.items():
            officers = seated.get((venue, day), [])
            if self.data.staged:
                ranges = [
                    (self.data.seat_range(venue, c.id), self.of_course[venue, day, c.id])
                    for c in self.data.courses
                ]
                self.model.add(sum(officers) >= sum(low * var for (low, _h), var in ranges))
                self.model.add(sum(officers) <= sum(high * var for (_l, high), var in ranges))
            else:
                low, high = self.data.seat_range(venue)
                self.model.add(sum(officers) >= low * session)
                self.model.add(sum(officers) <= high * session)
            for var in officers:
                self.model.add_implication(var, session)

    def officer_once(self) -> None:
        """An officer attends at most one session."""
        for sessions in self._by(self.attends, 0).values():
            self.model.add_at_most_one(sessions)

    def district_share(self) -> None:
        """On any day, a district's officers attending number at most its daily cap."""
        district_of = {o.id: o.district for o in self.data.officers}
        by_district_day: dict[tuple[str, date], list] = defaultdict(list)
        for (officer, _venue, day), var in self.attends.items():
            by_district_day[district_of[officer], day].append(var)
        for (district, _day), officers in by_district_day.items():
            cap = self.data.district_day_cap(district)
            if len(officers) > cap:
                self.model.add(sum(officers) <= cap)

    def trainer_count(self) -> None:
        """Exactly trainers.per_session distinct trainers a session."""
        per_session = self.data.constraints.trainers.per_session
        teaching = self._by(self.teaches, 1, 2)
        for key, session in self.session.items():
            needed = per_session * session
            if self.data.staged:
                needed = sum(
                    c.trainers_per_session * self.of_course[(*key, c.id)] for c in self.data.courses
                )
            self.model.add(sum(teaching.get(key, [])) == needed)

    def _trainer_days(self) -> dict[str, dict[date, Any]]:
        """Per trainer and day, the number of sessions taught (0 or 1 by trainer_per_day)."""
        days: dict[str, dict[date, list]] = defaultdict(lambda: defaultdict(list))
        for (trainer, _venue, day), var in self.teaches.items():
            days[trainer][day].append(var)
        return {t: {d: sum(vs) for d, vs in by_day.items()} for t, by_day in days.items()}

    def trainer_per_day(self) -> None:
        """A trainer teaches at most one session a day."""
        for sessions in self._by(self.teaches, 0, 2).values():
            self.model.add_at_most_one(sessions)

    def trainer_per_week(self) -> None:
        """At most trainers.max_per_week sessions a trainer per ISO week."""
        cap = self.data.constraints.trainers.max_per_week
        for by_day in self._trainer_days().values():
            weeks: dict[tuple[int, int], list] = defaultdict(list)
            for day, taught in by_day.items():
                weeks[day.isocalendar()[:2]].append(taught)
            for taught in weeks.values():
                if len(taught) > cap:
                    self.model.add(sum(taught) <= cap)

    def trainer_consecutive(self) -> None:
        """At most max_consecutive_days sessions on consecutive calendar days: no run of
        max_consecutive_days + 1 calendar days with a session on each."""
        run = self.data.constraints.trainers.max_consecutive_days + 1
        for by_day in self._trainer_days().values():
            for first in by_day:
                window = [first + timedelta(days=k) for k in range(run)]
                if all(day in by_day for day in window):
                    self.model.add(sum(by_day[day] for day in window) <= run - 1)

    def trainer_max_sessions(self) -> None:
        """A trainer's max_sessions over the whole window."""
        for trainer in self.data.trainers:
            mine = [var for (t, _v, _d), var in self.teaches.items() if t == trainer.id]
            if trainer.max_sessions is not None and len(mine) > trainer.max_sessions:
                self.model.add(sum(mine) <= trainer.max_sessions)

    def travel_days(self, venue_a: str, venue_b: str) -> int:
        """Travel days needed between sessions at two venues (0 within same_evening_km)."""
        rules = self.data.constraints.trainers.travel
        km = self.data.venue_road_km(venue_a, venue_b)
        return 0 if km <= rules.same_evening_km else math.ceil(km / rules.km_per_day)

    def travel(self) -> None:
        """Sessions of a trainer on days d1 < d2 in two regions are at least 1 + travel days
        apart: a session forbids the sessions in other regions too soon after it."""
        region_of = self.data.region_of_venue
        gaps = {
            (a, b): self.travel_days(a, b)
            for a in region_of
            for b in region_of
            if region_of[a] != region_of[b]
        }
        longest = max(gaps.values(), default=0)
        on_day: dict[tuple[str, date], list[tuple[str, Any]]] = defaultdict(list)
        for (trainer, venue, day), var in self.teaches.items():
            on_day[trainer, day].append((venue, var))
        for (trainer, venue, day), var in self.teaches.items():
            too_soon = [
                other
                for ahead in range(1, longest + 1)
                for other_venue, other in on_day.get((trainer, day + timedelta(days=ahead)), [])
                if region_of[other_venue] != region_of[venue]
                and ahead < 1 + gaps[venue, other_venue]
            ]
            if too_soon:
                self.model.add_bool_and([~other for other in too_soon]).only_enforce_if(var)

    def ngo_count(self) -> None:
        """Exactly ngos.per_session distinct NGOs of the session's region."""
        per_session = self.data.constraints.ngos.per_session
        hosting = self._by(self.hosts, 1, 2)
        for key, session in self.session.items():
            self.model.add(sum(hosting.get(key, [])) == per_session * session)

    def ngo_per_day(self) -> None:
        """An NGO takes part in at most one session a day."""
        for sessions in self._by(self.hosts, 0, 2).values():
            self.model.add_at_most_one(sessions)

    def ngo_per_week(self) -> None:
        """At most ngos.max_per_week sessions an NGO per ISO week."""
        cap = self.data.constraints.ngos.max_per_week
        weeks: dict[tuple[str, tuple[int, int]], list] = defaultdict(list)
        for (ngo, _venue, day), var in self.hosts.items():
            weeks[ngo, day.isocalendar()[:2]].append(var)
        for sessions in weeks.values():
            if len(sessions) > cap:
                self.model.add(sum(sessions) <= cap)

    def budget(self) -> None:
        """cost_eur <= budget_eur, every item rounded up to the cent."""
        budget = self.data.constraints.budget_eur
        if budget is not None:
            self.model.add(self.cost_cents(round_up=True) <= math.floor(budget * 100 + 1e-6))

    # ----- objectives ----------------------------------------------------------------------
    def cost_cents(self, round_up: bool = False) -> Any:
        """cost_eur in cents: trainer assignments, venue hire, catering for everyone present
        (officers, trainers, one person per NGO) and the officers' travel."""
        data, rules = self.data, self.data.constraints
        person = data.person_cost_cents(round_up)
        officer = person + data.officer_travel_cents(round_up)
        staff = rules.trainers.per_session + rules.ngos.per_session
        prices: dict[tuple[str, str], int] = {}
        terms = []
        for (trainer, venue, _day), var in self.teaches.items():
            if (trainer, venue) not in prices:
                prices[trainer, venue] = data.assignment_cost_cents(trainer, venue, round_up)
            terms.append(prices[trainer, venue] * var)
        for (venue, day), var in self.session.items():
            terms.append((data.venue_cost_cents(venue, round_up) + person * staff) * var)
            for course in data.courses if data.staged else []:
                extra = course.trainers_per_session - rules.trainers.per_session
                if extra and person:  # catering of a course's own number of trainers
                    terms.append(person * extra * self.of_course[venue, day, course.id])
        return sum(terms) + officer * sum(self.attends.values())

    def objective(self, name: str) -> tuple[Any, bool, int]:
        """An objective level: its expression, whether it is maximised, its scale (cents)."""
        if name == "officers_trained":
            return sum(self.attends.values()), True, 1
        if name == "cost_eur":
            return self.cost_cents(), False, 100
        if name == "max_trainer_sessions":
            load = self.model.new_int_var(0, len(self.days), "max_trainer_sessions")
            for trainer in self.data.trainers:
                mine = [var for (t, _v, _d), var in self.teaches.items() if t == trainer.id]
                self.model.add(load >= sum(mine))
            return load, False, 1
        if name == "ngo_spread":
            return self.ngo_spread(), False, 1
        raise ValueError(f"the plain model does not know objective {name!r}")

    def ngo_spread(self) -> Any:
        """Over regions, the most minus the fewest sessions of two of its NGOs that could take
        part in one (an NGO with a variable at all)."""
        days = len(self.days)
        spread = self.model.new_int_var(0, days, "ngo_spread")
        for region in self.data.regions:
            counts = []
            for ngo in region.ngos:
                mine = [var for (n, _v, _d), var in self.hosts.items() if n == ngo.id]
                if mine:
                    counts.append(sum(mine))
            if len(counts) < 2:
                continue
            most = self.model.new_int_var(0, days, f"ngo_most[{region.id}]")
            fewest = self.model.new_int_var(0, days, f"ngo_fewest[{region.id}]")
            for count in counts:
                self.model.add(most >= count)
                self.model.add(fewest <= count)
            self.model.add(spread >= most - fewest)
        return spread

    def variables(self) -> list:
        """Every decision variable (for hints)."""
        return [
            *self.session.values(),
            *self.attends.values(),
            *self.teaches.values(),
            *self.hosts.values(),
            *self.of_course.values(),
        ]


# ----- search ------------------------------------------------------------------------------
def solution_watcher() -> Any:
    """A CP-SAT solution callback that counts the solutions of the current solve and emits
    ``first_plan`` at the first solution of the run (every solution is a complete plan)."""
    from ortools.sat.python import cp_model

    class Watcher(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.first_seen = False
            self.solutions = 0

        def on_solution_callback(self) -> None:
            self.solutions += 1
            if not self.first_seen:
                self.first_seen = True
                emit("first_plan")

    return Watcher()


def solve_level(
    plain: PlainModel, watcher: Any, seconds: float, share: float, options: dict
) -> Any:
    """One CP-SAT solve of up to ``seconds``, stopped at ``share`` of them once it has a
    solution (a level never ends without a plan while time is left). Returns the status
    and the solver."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = options["workers"]
    solver.parameters.random_seed = options["seed"]
    watcher.solutions = 0
    soft_deadline = time.monotonic() + share * seconds
    done = threading.Event()

    def stop_when_due() -> None:
        while not done.wait(0.1):
            if time.monotonic() >= soft_deadline and watcher.solutions > 0:
                solver.stop_search()
                return

    stopper = threading.Thread(target=stop_when_due, daemon=True)
    stopper.start()
    try:
        status = solver.solve(plain.model, watcher)
    finally:
        done.set()
        stopper.join()
    return status, solver


def solve_lexicographically(
    plain: PlainModel, time_limit: float, workers: int, seed: int
) -> tuple[str, dict[Any, int] | None, list[dict[str, Any]]]:
    """Optimise the objectives of ``constraints.yaml`` in order, each level held at its best
    value for the next ones and the next one hinted with the solution found. Every level
    may use the time left; one that is not the last stops at 60 % of it once it has a plan.

    Returns:
        ``(status, values, levels)``: status ``optimal`` (every level proven), ``feasible``,
        ``infeasible`` or ``unknown`` (no plan in time); the variables' values of the last
        solution (None without one); one dict per level reached (name, value, bound, proven).
    """
    from ortools.sat.python import cp_model

    deadline = time.monotonic() + time_limit
    names = plain.data.constraints.objective_names
    tolerances = plain.data.constraints.tolerances
    variables = plain.variables()
    values: dict[Any, int] | None = None
    levels: list[dict[str, Any]] = []
    watcher = solution_watcher()
    options = {"workers": workers, "seed": seed}
    proven_so_far = True
    for index, name in enumerate(names):
        expr, maximise, scale = plain.objective(name)
        if maximise:
            plain.model.maximize(expr)
        else:
            plain.model.minimize(expr)
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            break
        share = 1.0 if index == len(names) - 1 else LEVEL_SHARE
        status, solver = solve_level(plain, watcher, remaining, share, options)
        if status == cp_model.INFEASIBLE and values is None:
            return "infeasible", None, levels
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        value = round(solver.objective_value)
        raw = solver.best_objective_bound
        bound = (math.floor(raw + 1e-6) if maximise else math.ceil(raw - 1e-6)) / scale
        proven_so_far = proven_so_far and status == cp_model.OPTIMAL
        levels.append(
            {"name": name, "value": value / scale, "bound": bound, "proven": proven_so_far}
        )
        emit("level", **levels[-1])
        values = {var: solver.value(var) for var in variables}
        # a tolerance (spec 6.1) lets later levels worsen this one by that much, rounded down
        tolerance = tolerances.get(name)
        slack = 0
        if tolerance is not None:
            slack = math.floor(tolerance.allowance(Fraction(value, scale)) * scale)
        plain.model.add(expr >= value - slack if maximise else expr <= value + slack)
        plain.model.clear_hints()
        for var, found in values.items():
            plain.model.add_hint(var, found)
    if values is None:
        return "unknown", None, levels
    proven = len(levels) == len(names) and all(level["proven"] for level in levels)
    return ("optimal" if proven else "feasible"), values, levels


def build_plan(plain: PlainModel, values: dict[Any, int], status: str, levels: list) -> Any:
    """The solution as a ``plan.json`` plan: sessions numbered per region by date, metrics
    recomputed from the plan, every objective of the data reported with the plan's metric as
    its value (a level the search did not reach with no bound, not proven)."""
    from trafficplan.plan import ObjectiveResult, Plan, PlanInputs, PlanSession
    from trafficplan.plan.metrics import plan_metrics

    data = plain.data

    def chosen(variables: dict, venue: str, day: date) -> list[str]:
        return sorted(
            key[0] for key, var in variables.items() if key[1:] == (venue, day) and values[var]
        )

    open_sessions = sorted(
        (day, data.region_of_venue[venue], venue)
        for (venue, day), var in plain.session.items()
        if values[var]
    )
    attending: dict[tuple[str, date], list[str]] = defaultdict(list)
    for (officer, venue, day), var in plain.attends.items():
        if values[var]:
            attending[venue, day].append(officer)
    numbers: dict[str, int] = defaultdict(int)
    sessions = []
    several = len(data.courses) > 1
    for day, region, venue in open_sessions:
        course = (
            next((c.id for c in data.courses if values[plain.of_course[venue, day, c.id]]), None)
            if data.staged
            else None
        )
        prefix = f"{region}-{course}" if several else region
        numbers[prefix] += 1
        sessions.append(
            PlanSession(
                id=f"{prefix}-{numbers[prefix]:02d}",
                region=region,
                course=course,
                venue=venue,
                date=day,
                trainers=chosen(plain.teaches, venue, day),
                ngos=chosen(plain.hosts, venue, day),
                officers=sorted(attending[venue, day]),
            )
        )
    plan = Plan(status="feasible", inputs=PlanInputs(sha256=dict(data.digests)), sessions=sessions)
    metrics = plan_metrics(data, plan)
    reached = {level["name"]: level for level in levels}
    # each level's value is the plan's metric: a level stopped early may leave the largest
    # trainer load's variable above the largest load of the plan
    objectives = [
        ObjectiveResult(
            name=name,
            value=float(metrics[name]),
            bound=reached[name]["bound"] if name in reached else None,
            proven=name in reached and reached[name]["proven"],
        )
        for name in data.constraints.objective_names
    ]
    trained = {officer for session in sessions for officer in session.officers}
    return plan.model_copy(
        update={
            "status": status,
            "objectives": objectives,
            "metrics": metrics,
            "unassigned_officers": sorted(o.id for o in data.officers if o.id not in trained),
        }
    )


def run(folder: Path, out: Path, time_limit: float, workers: int, seed: int) -> int:
    """Load, build, solve, write the plan; returns the exit code."""
    import ortools.sat.python.cp_model  # noqa: F401  (imported here, not while building)

    from trafficplan.inputs import load_data
    from trafficplan.plan import write_plan

    data = load_data(folder)
    building = time.monotonic()
    plain = PlainModel(data)
    built = time.monotonic() - building
    proto = plain.model.proto
    emit(
        "built",
        build_seconds=round(built, 3),
        variables=len(proto.variables),
        constraints=len(proto.constraints),
    )
    status, values, levels = solve_lexicographically(
        plain, max(0.0, time_limit - built), workers, seed
    )
    if values is None:
        emit("done", status=status, objectives=levels)
        return EXIT_INFEASIBLE if status == "infeasible" else EXIT_NO_PLAN
    plan = build_plan(plain, values, status, levels)
    write_plan(plan, out)
    emit(
        "done",
        status=status,
        objectives=[o.model_dump() for o in plan.objectives],
        metrics=plan.metrics,
        plan=str(out),
    )
    return EXIT_PLAN


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, required=True, help="data folder")
    parser.add_argument("--out", type=Path, default=Path("plan.json"), help="plan to write")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds, build included")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers")
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
    parser.add_argument(
        "--memory-gb", type=float, default=None, help="cap the address space (RLIMIT_AS)"
    )
    args = parser.parse_args(argv)
    if args.memory_gb is not None:
        cap = int(args.memory_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        return run(args.data, args.out, args.time_limit, args.workers, args.seed)
    except MemoryError:
        emit("done", status="out of memory", objectives=[])
        return EXIT_OUT_OF_MEMORY


if __name__ == "__main__":
    sys.exit(main())
