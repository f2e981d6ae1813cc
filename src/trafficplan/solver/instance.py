"""The solver's view of the data: indexes and numbers the CP-SAT model is built from.

Plain Python (no OR-Tools): days as indexes into the working days, officers grouped into
interchangeable classes, venues grouped into sites, costs in cents, travel gaps in days, and
the frozen past of a re-plan (what sessions before ``since`` already use).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.calendar import iso_week
from trafficplan.inputs.dates import DateRange, in_date_set
from trafficplan.inputs.geo import road_km
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.held import session_as_held
from trafficplan.plan.metrics import total_cost_cents


@dataclass(frozen=True)
class OfficerClass:
    """Officers of one district with the same unavailability: interchangeable for the model."""

    index: int
    region: str
    district: str
    officer_ids: tuple[str, ...]
    unavailable: tuple[DateRange, ...]
    course: str = ""

    @property
    def size(self) -> int:
        """How many officers the class holds."""
        return len(self.officer_ids)


@dataclass(frozen=True)
class Site:
    """Venues of one region at the same location: the same for travel and trainer cost."""

    index: int
    region: str
    venue_ids: tuple[str, ...]
    point: tuple[float, float]


@dataclass
class FrozenPast:
    """What the sessions before ``since`` already use, as constants for every rule.

    Empty (``since`` None) for a plain solve. A re-plan freezes the sessions of the published
    plan dated before ``since``; every rule that spans sessions counts what they use (sessions
    per region, officers trained, trainer days, weeks and trips, NGO weeks, cost), so each
    hard rule is written once, in ``solver/rules.py``, for both.
    """

    since: date | None = None
    sessions: tuple[PlanSession, ...] = ()

    @classmethod
    def of_plan(cls, plan: Plan, since: date, attendance: Attendance | None = None) -> FrozenPast:
        """The sessions of ``plan`` dated before ``since``; a held session (one with rows in
        ``attendance``) as it happened: its officers are those present, substitutes
        included, and it is marked ``held``."""
        sessions = [
            session_as_held(session, attendance)
            for session in plan.sessions
            if session.date < since
        ]
        return cls(since, tuple(sessions))

    @cached_property
    def sessions_of_region(self) -> Counter[str]:
        """Frozen sessions per region."""
        return Counter(s.region for s in self.sessions)

    @cached_property
    def officers(self) -> frozenset[str]:
        """Officers seated in a frozen session (trained already)."""
        return frozenset(o for s in self.sessions for o in s.officers)

    def _sessions_of(self, listed: str) -> dict[str, list[PlanSession]]:
        result: dict[str, list[PlanSession]] = defaultdict(list)
        for session in sorted(self.sessions, key=lambda s: (s.date, s.id)):
            for who in dict.fromkeys(getattr(session, listed)):
                result[who].append(session)
        return dict(result)

    @cached_property
    def trainer_sessions(self) -> dict[str, list[PlanSession]]:
        """Each trainer's frozen sessions, in date order."""
        return self._sessions_of("trainers")

    @cached_property
    def ngo_sessions(self) -> dict[str, list[PlanSession]]:
        """Each NGO's frozen sessions, in date order."""
        return self._sessions_of("ngos")

    def per_week(self, sessions: list[PlanSession]) -> Counter[tuple[int, int]]:
        """How many of the sessions fall in each ISO week."""
        return Counter(iso_week(s.date) for s in sessions)


@dataclass
class Instance:
    """Everything the model needs, precomputed once from :class:`ProblemData`.

    With a non-empty ``frozen`` past, the model covers only the working days from
    ``frozen.since`` on; the frozen sessions enter every rule as constants.

    ``given_up`` names rule items (``(rule, subject)`` as :mod:`trafficplan.rulebook` names
    them) that every model of this instance leaves out, as if the data did not have them:
    the best plan once a relaxation has chosen what gives (``solve --relax``).
    """

    data: ProblemData
    frozen: FrozenPast = field(default_factory=FrozenPast)
    given_up: frozenset[tuple[str, str]] = frozenset()
    days: tuple[date, ...] = field(init=False)
    # one figure per (trainer, site, rounded up): the model asks for it once a day
    _assignment_cents: dict[tuple[str, int, bool], int] = field(
        init=False, default_factory=dict, repr=False
    )
    # per officer class, the day indexes of its leave: asked once per class and day
    _class_away: dict[int, frozenset[int]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        since = self.frozen.since
        self.days = tuple(d for d in self.data.working_days if since is None or d >= since)

    # ----- days ---------------------------------------------------------------------------------
    @cached_property
    def day_index(self) -> dict[date, int]:
        """Index of each working day in :attr:`days`."""
        return {d: i for i, d in enumerate(self.days)}

    @cached_property
    def weeks(self) -> dict[tuple[int, int], list[int]]:
        """Working-day indexes of each ISO week."""
        result: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, d in enumerate(self.days):
            result[iso_week(d)].append(i)
        return dict(result)

    def ordinal(self, day_index: int) -> int:
        """Calendar ordinal of a working day (for calendar-day differences)."""
        return self.days[day_index].toordinal()

    @cached_property
    def consecutive_runs(self) -> list[list[int]]:
        """Maximal runs of working days on consecutive calendar days."""
        runs: list[list[int]] = []
        for i in range(len(self.days)):
            if runs and self.ordinal(i) == self.ordinal(runs[-1][-1]) + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        return runs

    # ----- regions, venues, sites ---------------------------------------------------------------
    @property
    def region_ids(self) -> list[str]:
        """Region ids in file order."""
        return [r.id for r in self.data.regions]

    def session_range(self, region_id: str, course_id: str | None = None) -> tuple[int, int]:
        """(min, max) sessions of a region (of a course; None: the first); min 0 when its
        ``counts`` item is given up."""
        bounds = self.data.session_bounds(region_id, course_id)
        low = 0 if ("counts", region_id) in self.given_up else bounds.min
        return low, bounds.max

    def most_seats(self, region_id: str, course_id: str | None = None) -> int:
        """The most officers one session of the region (of a course; None: the first) may
        have (its largest venue's seats within ``officers.max``); 0 for a region without
        venues."""
        venues = self.data.region_by_id[region_id].venues
        return max((self.data.seat_range(v.id, course_id)[1] for v in venues), default=0)

    @cached_property
    def course_sizes(self) -> Counter[tuple[str, str]]:
        """The members of each (region, course)."""
        data = self.data
        return Counter((o.region, c) for o in data.officers for c in data.officer_courses(o))

    def member_sessions(self, region_id: str, course_id: str) -> tuple[int, int | None]:
        """What training every member of a region's course implies of its sessions: at least
        enough for their seats, at most as many as they fill to the course's minimum (each
        attends one; None without a minimum)."""
        size = self.course_sizes[(region_id, course_id)]
        seats = self.most_seats(region_id, course_id)
        least = math.ceil(size / seats) if size and seats else 0
        low = self.data.course_of(course_id).officers.min
        return least, size // low if low > 0 else None

    def venue_days(self, venue_id: str) -> list[int]:
        """Working-day indexes on which the venue is available."""
        venue = self.data.venue_by_id[venue_id]
        return [i for i, d in enumerate(self.days) if not in_date_set(d, venue.unavailable)]

    @cached_property
    def sites(self) -> list[Site]:
        """Venues grouped by region and location."""
        sites: list[Site] = []
        for region in self.data.regions:
            groups: dict[tuple[float, float], list[str]] = {}
            for venue in region.venues:
                # exactly equal points only: every venue of a site then costs the same
                groups.setdefault(self.data.venue_point(venue.id), []).append(venue.id)
            for point, venue_ids in groups.items():
                sites.append(Site(len(sites), region.id, tuple(venue_ids), point))
        return sites

    @cached_property
    def site_of_venue(self) -> dict[str, int]:
        """Site index of every venue."""
        return {v: s.index for s in self.sites for v in s.venue_ids}

    @cached_property
    def sites_of_region(self) -> dict[str, list[int]]:
        """Site indexes of each region."""
        result: dict[str, list[int]] = {r: [] for r in self.region_ids}
        for site in self.sites:
            result[site.region].append(site.index)
        return result

    # ----- officers -----------------------------------------------------------------------------
    @cached_property
    def officer_classes(self) -> list[OfficerClass]:
        """Officers grouped by (region, district, course, unavailability), ids sorted; an
        officer of two courses is in a class of each."""
        groups: dict[tuple[str, str, str, tuple[DateRange, ...]], list[str]] = defaultdict(list)
        for officer in self.data.officers:
            leave = tuple(sorted(officer.unavailable))
            for course_id in self.data.officer_courses(officer):
                groups[(officer.region, officer.district, course_id, leave)].append(officer.id)
        classes: list[OfficerClass] = []
        for (region, district, course, unavailable), ids in sorted(groups.items()):
            classes.append(
                OfficerClass(
                    len(classes), region, district, tuple(sorted(ids)), unavailable, course
                )
            )
        return classes

    def class_available(self, officer_class: OfficerClass, day_index: int) -> bool:
        """Whether the class's officers are free on a working day."""
        if not officer_class.unavailable:
            return True
        away = self._class_away.get(officer_class.index)
        if away is None:
            away = frozenset(
                i for i, day in enumerate(self.days) if in_date_set(day, officer_class.unavailable)
            )
            self._class_away[officer_class.index] = away
        return day_index not in away

    # ----- trainers -----------------------------------------------------------------------------
    def trainer_days(self, trainer_id: str) -> list[int]:
        """Working-day indexes on which the trainer is available."""
        trainer = self.data.trainer_by_id[trainer_id]
        return [i for i, d in enumerate(self.days) if not in_date_set(d, trainer.unavailable)]

    def cost_cents(self, trainer_id: str, site_index: int, ceil: bool = False) -> int:
        """Cost of one assignment of the trainer at the site, in cents (day rate, trip, per
        diem, hotel: one item of objective cost_eur), exactly as the plan's metric counts it;
        rounded up with ``ceil`` (rule budget). Venues of a site share a point, so the same
        distance and the same night away."""
        key = (trainer_id, site_index, ceil)
        if key not in self._assignment_cents:
            venue_id = self.sites[site_index].venue_ids[0]
            self._assignment_cents[key] = self.data.assignment_cost_cents(
                trainer_id, venue_id, round_up=ceil
            )
        return self._assignment_cents[key]

    def travel_tenths(self, trainer_id: str, site_index: int) -> int:
        """One assignment's trip home-venue-home at the site, in tenths of a km."""
        return self.data.travel_tenths(trainer_id, self.sites[site_index].venue_ids[0])

    def venue_cents(self, venue_id: str, ceil: bool = False) -> int:
        """A session's venue hire in cents; rounded up with ``ceil`` (rule budget)."""
        return self.data.venue_cost_cents(venue_id, round_up=ceil)

    def person_cents(self, ceil: bool = False) -> int:
        """Catering for one person present at a session, in cents."""
        return self.data.person_cost_cents(round_up=ceil)

    def officer_cents(self, ceil: bool = False) -> int:
        """What one more officer trained adds, in cents: catering and the travel
        reimbursement."""
        return self.person_cents(ceil) + self.data.officer_travel_cents(round_up=ceil)

    @cached_property
    def frozen_cost_cents(self) -> tuple[int, int]:
        """The frozen sessions' cost in cents, every component and item as the plan's metric
        counts it: (to the cent, each item rounded up)."""
        sessions = self.frozen.sessions
        return (
            total_cost_cents(self.data, sessions),
            total_cost_cents(self.data, sessions, round_up=True),
        )

    def frozen_trained(self) -> int:
        """Officers of the data trained in frozen sessions (in a programme in stages, each
        course an officer was trained in counts)."""
        if self.data.staged:
            return sum(len(ids) for ids in self.frozen_of_course.values())
        return sum(1 for o in self.frozen.officers if o in self.data.officer_by_id)

    def course_of_session(self, session: PlanSession) -> str:
        """A session's course: its own, else the first course."""
        return session.course or self.data.default_course

    @cached_property
    def frozen_of_course(self) -> dict[str, set[str]]:
        """Per course, the officers of the data trained in its frozen sessions."""
        result: dict[str, set[str]] = defaultdict(set)
        for session in self.frozen.sessions:
            known = (o for o in session.officers if o in self.data.officer_by_id)
            result[self.course_of_session(session)].update(known)
        return dict(result)

    def officers_left(self, officer_class: OfficerClass) -> int:
        """Officers of the class not yet trained in its course by the frozen past."""
        if self.data.staged:
            trained: Collection[str] = self.frozen_of_course.get(officer_class.course, ())
        else:
            trained = self.frozen.officers
        return sum(1 for o in officer_class.officer_ids if o not in trained)

    def frozen_sessions_of(self, region_id: str, course_id: str) -> int:
        """Frozen sessions of a course in a region."""
        return sum(
            1
            for s in self.frozen.sessions
            if s.region == region_id and self.course_of_session(s) == course_id
        )

    def travel_gap(self, site_a: int, site_b: int) -> int:
        """Least calendar-day difference between sessions of one trainer at two sites (rule travel).

        1 within a region; across regions ``1 + travel_days`` where travel_days is 0 up to
        ``same_evening_km`` and ``ceil(road km / km_per_day)`` beyond.
        """
        a, b = self.sites[site_a], self.sites[site_b]
        if a.region == b.region:
            return 1
        travel = self.data.constraints.trainers.travel
        km = road_km(a.point, b.point, travel.road_factor)
        if km <= travel.same_evening_km:
            return 1
        return 1 + math.ceil(km / travel.km_per_day)

    # ----- NGOs ---------------------------------------------------------------------------------
    def ngo_days(self, ngo_id: str) -> list[int]:
        """Working-day indexes on which the NGO is available."""
        ngo = self.data.ngo_by_id[ngo_id]
        return [i for i, d in enumerate(self.days) if not in_date_set(d, ngo.unavailable)]
