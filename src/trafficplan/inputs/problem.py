"""``ProblemData``: the validated contents of a data folder, with lookups every stage needs.

Built only by :func:`trafficplan.inputs.load_data` (or ``build_data`` for scenarios); after
that, inner code trusts it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from functools import cached_property
from pathlib import Path

from trafficplan.i18n import N_
from trafficplan.inputs.calendar import WorkCalendar
from trafficplan.inputs.dates import DateRange, in_date_set
from trafficplan.inputs.geo import road_km
from trafficplan.inputs.models import (
    DEFAULT_COURSE,
    DEFAULT_ROLE,
    ConstraintsFile,
    CourseAfter,
    MinMax,
    Ngo,
    Officer,
    Region,
    Trainer,
    Venue,
)

COST_COMPONENTS = (
    "trainer_fees",
    "trainer_travel",
    "per_diem",
    "hotel",
    "venue_hire",
    "catering",
    "officer_travel",
)
"""The parts of ``cost_eur`` (spec 6.6), in the order every output lists them: trainers' day
rates, their road trips, per diems, hotel nights away; venues' day rates; catering and
materials per person present; officers' travel reimbursements."""
COST_COMPONENT_LABELS = {
    "trainer_fees": N_("Trainer fees"),
    "trainer_travel": N_("Trainer travel"),
    "per_diem": N_("Per diems"),
    "hotel": N_("Hotel nights"),
    "venue_hire": N_("Venue hire"),
    "catering": N_("Catering and materials"),
    "officer_travel": N_("Officers' travel"),
}
"""Each cost component in words, for tables and charts."""


def cents(eur: float, round_up: bool = False) -> int:
    """An amount in whole cents: to the nearest cent, or up with ``round_up``."""
    amount = eur * 100
    return math.ceil(amount - 1e-9) if round_up else round(amount)


@dataclass(frozen=True)
class CourseSpec:
    """One course with every key resolved (spec 7.1): its own values where it has them,
    else the programme's ``sessions`` and ``trainers`` keys.

    Attributes:
        per_region: the course's own ``per_region``; None: each region's ``sessions``, else
            ``sessions.per_region`` (:meth:`ProblemData.session_bounds`).
    """

    id: str
    title: str | None
    roles: tuple[str, ...]
    per_region: MinMax | None
    officers: MinMax
    trainers_per_session: int
    max_total: int | None
    after: CourseAfter | None


@dataclass
class ProblemData:
    """A validated data folder: the four files plus derived lookups."""

    regions: list[Region]
    trainers: list[Trainer]
    officers: list[Officer]
    constraints: ConstraintsFile
    folder: Path | None = None
    digests: dict[str, str] = field(default_factory=dict)

    # ----- lookups -------------------------------------------------------------------------
    @cached_property
    def region_by_id(self) -> dict[str, Region]:
        """Regions by id."""
        return {r.id: r for r in self.regions}

    @cached_property
    def trainer_by_id(self) -> dict[str, Trainer]:
        """Trainers by id."""
        return {t.id: t for t in self.trainers}

    @cached_property
    def officer_by_id(self) -> dict[str, Officer]:
        """Officers by id."""
        return {o.id: o for o in self.officers}

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        """Venues by id (venue ids are unique in ``regions.yaml``)."""
        return {v.id: v for r in self.regions for v in r.venues}

    @cached_property
    def ngo_by_id(self) -> dict[str, Ngo]:
        """NGOs by id (NGO ids are unique in ``regions.yaml``)."""
        return {n.id: n for r in self.regions for n in r.ngos}

    @cached_property
    def region_of_venue(self) -> dict[str, str]:
        """The region id of every venue id."""
        return {v.id: r.id for r in self.regions for v in r.venues}

    @cached_property
    def region_of_ngo(self) -> dict[str, str]:
        """The region id of every NGO id."""
        return {n.id: r.id for r in self.regions for n in r.ngos}

    @cached_property
    def region_of_district(self) -> dict[str, str]:
        """The region id of every district id."""
        return {d: r.id for r in self.regions for d in r.districts}

    @cached_property
    def officers_by_region(self) -> dict[str, list[Officer]]:
        """Officers of each region (every region present, possibly empty)."""
        result: dict[str, list[Officer]] = {r.id: [] for r in self.regions}
        for officer in self.officers:
            result[officer.region].append(officer)
        return result

    @cached_property
    def district_sizes(self) -> dict[str, int]:
        """Officers per district id, as counted in ``officers.csv``."""
        sizes = Counter(o.district for o in self.officers)
        return {d: sizes.get(d, 0) for r in self.regions for d in r.districts}

    # ----- courses (spec 7.1) ----------------------------------------------------------------
    @cached_property
    def courses(self) -> list[CourseSpec]:
        """The programme's courses in file order; without ``courses``, the one course
        ``meeting`` of every role-less officer, whose keys are the ``sessions`` keys."""
        sessions = self.constraints.sessions
        per_session = self.constraints.trainers.per_session
        declared = self.constraints.courses
        if declared is None:
            return [
                CourseSpec(
                    DEFAULT_COURSE, None, (DEFAULT_ROLE,), None, sessions.officers,
                    per_session, None, None,
                )
            ]  # fmt: skip
        return [
            CourseSpec(
                id=course.id,
                title=course.title,
                roles=tuple(course.roles),
                per_region=course.per_region,
                officers=course.officers or sessions.officers,
                trainers_per_session=course.trainers_per_session or per_session,
                max_total=course.max_total,
                after=course.after,
            )
            for course in declared
        ]

    @property
    def staged(self) -> bool:
        """Whether the data list ``courses`` (a programme in stages; spec 7.1). Without them
        every output is exactly as before courses existed."""
        return self.constraints.courses is not None

    @cached_property
    def course_by_id(self) -> dict[str, CourseSpec]:
        """Courses by id."""
        return {c.id: c for c in self.courses}

    @property
    def default_course(self) -> str:
        """The course a session or fixed entry that names none belongs to: the first."""
        return self.courses[0].id

    def course_of(self, course_id: str | None) -> CourseSpec:
        """The course of that id, the first for None."""
        return self.course_by_id[course_id or self.default_course]

    @cached_property
    def courses_of_role(self) -> dict[str, tuple[str, ...]]:
        """The courses (ids, in file order) each role attends."""
        result: dict[str, list[str]] = {}
        for course in self.courses:
            for role in course.roles:
                result.setdefault(role, []).append(course.id)
        return {role: tuple(ids) for role, ids in result.items()}

    def officer_courses(self, officer: Officer) -> tuple[str, ...]:
        """The courses an officer belongs to (those listing their role)."""
        return self.courses_of_role.get(officer.role, ())

    def course_members(self, course_id: str) -> list[Officer]:
        """The officers who belong to a course, in file order."""
        return [o for o in self.officers if course_id in self.officer_courses(o)]

    @cached_property
    def district_course_sizes(self) -> dict[tuple[str, str], int]:
        """Officers of each (district, course) who belong to the course."""
        sizes: Counter[tuple[str, str]] = Counter()
        for officer in self.officers:
            for course_id in self.officer_courses(officer):
                sizes[(officer.district, course_id)] += 1
        return dict(sizes)

    # ----- rules' derived numbers ----------------------------------------------------------
    @cached_property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar of the window."""
        return WorkCalendar(self.constraints)

    @property
    def working_days(self) -> tuple[date, ...]:
        """Working days of the window, in order."""
        return self.calendar.working_days

    def session_bounds(self, region_id: str, course_id: str | None = None) -> MinMax:
        """The region's sessions of a course (None: the first): the course's own
        ``per_region``, else the region's own ``sessions`` range, else
        ``constraints.sessions.per_region``."""
        own = self.course_of(course_id).per_region
        if own is not None:
            return own
        region = self.region_by_id[region_id]
        return region.sessions or self.constraints.sessions.per_region

    def district_day_cap(self, district_id: str) -> int:
        """Officers of a district who may attend sessions on one day (rule ``district_share``):
        ``max(1, floor(officers.max_district_share_per_day x district size))``, exactly in
        decimal; 0 for a district without officers (see :func:`district_day_cap`)."""
        share = self.constraints.officers.max_district_share_per_day
        return district_day_cap(share, self.district_sizes.get(district_id, 0))

    def seat_range(self, venue_id: str, course_id: str | None = None) -> tuple[int, int]:
        """Officers a session of a course (None: the first) at this venue may have:
        ``(officers.min, min(officers.max, capacity))`` with the course's ``officers``."""
        rule = self.course_of(course_id).officers
        return rule.min, min(rule.max, self.venue_by_id[venue_id].capacity)

    def venue_point(self, venue_id: str) -> tuple[float, float]:
        """A venue's (lat, lon): its ``location``, else its region's centre."""
        venue = self.venue_by_id[venue_id]
        if venue.location is not None:
            return (venue.location.lat, venue.location.lon)
        centre = self.region_by_id[self.region_of_venue[venue_id]].centre
        return (centre.lat, centre.lon)

    def venue_road_km(self, venue_a: str, venue_b: str) -> float:
        """Road km between two venues."""
        factor = self.constraints.trainers.travel.road_factor
        return road_km(self.venue_point(venue_a), self.venue_point(venue_b), factor)

    def home_road_km(self, trainer_id: str, venue_id: str) -> float:
        """Road km from a trainer's home to a venue."""
        home = self.trainer_by_id[trainer_id].home
        factor = self.constraints.trainers.travel.road_factor
        return road_km((home.lat, home.lon), self.venue_point(venue_id), factor)

    def stays_overnight(self, trainer_id: str, venue_id: str) -> bool:
        """Whether a session at the venue is a night away for the trainer: the venue is
        farther than ``travel.same_evening_km`` road km from home (``hotel_eur`` is paid)."""
        return self.home_road_km(trainer_id, venue_id) > (
            self.constraints.trainers.travel.same_evening_km
        )

    def assignment_parts_eur(self, trainer_id: str, venue_id: str) -> dict[str, float]:
        """What one trainer costs for one session, exactly, by cost component: the day rate
        (``trainer_fees``), the road trip home-venue-home (``trainer_travel``), the per diem
        and, for a night away, the hotel (spec sections 3 and 6.6)."""
        trainer = self.trainer_by_id[trainer_id]
        eur_per_km = self.constraints.trainers.travel.eur_per_km
        overnight = self.stays_overnight(trainer_id, venue_id)
        return {
            "trainer_fees": trainer.day_rate_eur,
            "trainer_travel": 2 * self.home_road_km(trainer_id, venue_id) * eur_per_km,
            "per_diem": trainer.per_diem_eur,
            "hotel": trainer.hotel_eur if overnight else 0.0,
        }

    def assignment_cost_cents(self, trainer_id: str, venue_id: str, round_up: bool = False) -> int:
        """What one trainer costs for one session, in whole cents: day rate, road trip
        home-venue-home, per diem and (a night away) hotel, summed and then rounded to the
        nearest cent, or up with ``round_up`` (the budget rule must hold for the exact cost).

        A plan's ``cost_eur`` sums these cents with the other items of
        :meth:`session_cost_cents`, so the solver's cost level and the plan's metric agree to
        the cent.
        """
        return cents(sum(self.assignment_parts_eur(trainer_id, venue_id).values()), round_up)

    def assignment_parts_cents(self, trainer_id: str, venue_id: str) -> dict[str, int]:
        """:meth:`assignment_cost_cents` split by component: each part to the cent, the
        road trip taking what rounding leaves, so the parts add up to the item exactly."""
        parts = self.assignment_parts_eur(trainer_id, venue_id)
        result = {name: cents(value) for name, value in parts.items() if name != "trainer_travel"}
        total = self.assignment_cost_cents(trainer_id, venue_id)
        result["trainer_travel"] = total - sum(result.values())
        return {name: result[name] for name in parts}

    def venue_cost_cents(self, venue_id: str, round_up: bool = False) -> int:
        """A venue's ``day_rate_eur`` in whole cents (one session there)."""
        return cents(self.venue_by_id[venue_id].day_rate_eur, round_up)

    def person_cost_cents(self, round_up: bool = False) -> int:
        """``sessions.per_person_eur`` in whole cents: catering and materials for one person
        present at a session (an officer, a trainer, one person per NGO)."""
        return cents(self.constraints.sessions.per_person_eur, round_up)

    def officer_travel_cents(self, round_up: bool = False) -> int:
        """``officers.travel_eur`` in whole cents: the flat reimbursement per officer trained."""
        return cents(self.constraints.officers.travel_eur, round_up)

    @property
    def budget_cents(self) -> int | None:
        """``budget_eur`` in whole cents, rounded down (what the ``budget`` rule lets the
        cost items, each rounded up, add up to); None without a budget."""
        budget = self.constraints.budget_eur
        return None if budget is None else math.floor(budget * 100 + 1e-6)

    def travel_tenths(self, trainer_id: str, venue_id: str) -> int:
        """One assignment's trip home-venue-home, in tenths of a road km (objective
        ``travel_km`` adds these up, each trip to 0.1 km as ``cost_eur`` adds cents)."""
        return round(2 * self.home_road_km(trainer_id, venue_id) * 10)

    def _session_days(self, region_id: str) -> set[date]:
        """Working days on which some venue of the region is available."""
        venues = self.region_by_id[region_id].venues
        return {
            day
            for day in self.working_days
            if any(self.available(venue.unavailable, day) for venue in venues)
        }

    @cached_property
    def eligible_trainers(self) -> tuple[str, ...]:
        """Trainers who could teach at least one session of the window: allowed in a region
        with a venue free on a working day they are free (objective ``trainer_spread``)."""
        days = {r.id: self._session_days(r.id) for r in self.regions}
        return tuple(
            t.id
            for t in self.trainers
            if any(
                self.trainer_may_teach(t.id, region_id)
                and any(self.available(t.unavailable, day) for day in region_days)
                for region_id, region_days in days.items()
            )
        )

    @cached_property
    def eligible_ngos(self) -> dict[str, tuple[str, ...]]:
        """Per region, its NGOs that could take part in at least one session of the window
        (objective ``ngo_spread``)."""
        result = {}
        for region in self.regions:
            days = self._session_days(region.id)
            result[region.id] = tuple(
                ngo.id
                for ngo in region.ngos
                if any(self.available(ngo.unavailable, day) for day in days)
            )
        return result

    def trainer_may_teach(self, trainer_id: str, region_id: str) -> bool:
        """Whether the trainer's ``regions`` list allows the region (default: all)."""
        allowed = self.trainer_by_id[trainer_id].regions
        return allowed is None or region_id in allowed

    @staticmethod
    def available(unavailable: tuple[DateRange, ...], day: date) -> bool:
        """Whether a person or venue with this ``unavailable`` date set is free on ``day``."""
        return not in_date_set(day, unavailable)


def district_day_cap(share: Decimal, size: int) -> int:
    """Officers of a district of ``size`` who may attend on one day under a daily ``share``
    (rule ``district_share``).

    ``max(1, floor(share x size))`` computed exactly in decimal (0.58 x 50 is 29, where binary
    floating point gives 28.999...); 0 for an empty district.
    """
    if size <= 0:
        return 0
    return max(1, int((share * size).to_integral_value(rounding=ROUND_FLOOR)))
