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

from trafficplan.inputs.calendar import WorkCalendar
from trafficplan.inputs.dates import DateRange, in_date_set
from trafficplan.inputs.geo import road_km
from trafficplan.inputs.models import (
    ConstraintsFile,
    MinMax,
    Ngo,
    Officer,
    Region,
    Trainer,
    Venue,
)


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

    # ----- rules' derived numbers ----------------------------------------------------------
    @cached_property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar of the window."""
        return WorkCalendar(self.constraints)

    @property
    def working_days(self) -> tuple[date, ...]:
        """Working days of the window, in order."""
        return self.calendar.working_days

    def session_bounds(self, region_id: str) -> MinMax:
        """The region's own ``sessions`` range, else ``constraints.sessions.per_region``."""
        region = self.region_by_id[region_id]
        return region.sessions or self.constraints.sessions.per_region

    def district_day_cap(self, district_id: str) -> int:
        """Officers of a district who may attend sessions on one day (rule ``district_share``):
        ``max(1, floor(officers.max_district_share_per_day x district size))``, exactly in
        decimal; 0 for a district without officers (see :func:`district_day_cap`)."""
        share = self.constraints.officers.max_district_share_per_day
        return district_day_cap(share, self.district_sizes.get(district_id, 0))

    def seat_range(self, venue_id: str) -> tuple[int, int]:
        """Officers a session at this venue may have: ``(officers.min, min(max, capacity))``."""
        rule = self.constraints.sessions.officers
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

    def assignment_cost_cents(self, trainer_id: str, venue_id: str, round_up: bool = False) -> int:
        """What one trainer costs for one session, in whole cents: the day rate plus the road
        trip home-venue-home (``cost_eur``, spec section 3), rounded to the nearest cent, or up
        with ``round_up`` (the budget rule must hold for the exact cost).

        A plan's ``cost_eur`` is the sum of these cents, so the solver's cost level and the
        plan's metric agree to the cent.
        """
        trainer = self.trainer_by_id[trainer_id]
        eur_per_km = self.constraints.trainers.travel.eur_per_km
        cents = (
            trainer.day_rate_eur + 2 * self.home_road_km(trainer_id, venue_id) * eur_per_km
        ) * 100
        return math.ceil(cents - 1e-9) if round_up else round(cents)

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
