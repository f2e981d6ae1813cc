"""What the report shows, as plain data computed once from the data, the plan and its check.

Every figure and table of the report (HTML and PNG alike) is drawn from a
:class:`ReportContent`; nothing here knows about plotly or HTML. Numbers are recomputed from
the plan itself (officers trained, seats, cost, travel), not copied from the plan's metrics.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from trafficplan import i18n
from trafficplan.i18n import gettext as _
from trafficplan.i18n.data import district_names
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.calendar import iso_week
from trafficplan.inputs.dates import DateRange
from trafficplan.inputs.loading import DATA_FILES
from trafficplan.inputs.models import WEEKDAY_NAMES
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.levels import LevelClaim, level_claims, recomputed_values, same
from trafficplan.plan.metrics import cost_breakdown_cents, plan_metrics, trained_by_course
from trafficplan.report.tradeoff import TradeoffView
from trafficplan.report.words import (
    ObjectiveWords,
    aims_in_words,
    cost_in_words,
    objectives_in_words,
    order_in_words,
    rules_in_words,
    violation_words,
)

Week = tuple[int, int]
"""An ISO (year, week)."""


def share(part: float, whole: float) -> float | None:
    """``part / whole``, or None when ``whole`` is 0 (a share of nothing)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class DigestRow:
    """One input file: its sha256 in the plan file and in the data folder read now."""

    file: str
    plan_sha256: str | None
    data_sha256: str | None

    @property
    def matches(self) -> bool | None:
        """True/False when both digests are known, None when the plan does not record one."""
        if self.plan_sha256 is None or self.data_sha256 is None:
            return None
        return self.plan_sha256 == self.data_sha256


@dataclass(frozen=True)
class RegionRow:
    """One region: officers trained of its total, its sessions, seats and cost."""

    id: str
    name: str
    lat: float
    lon: float
    officers_total: int
    officers_trained: int
    sessions: int
    seats_used: int
    seats_offered: int
    cost_eur: float

    @property
    def trained_share(self) -> float | None:
        """Officers trained / officers of the region (None for a region without officers)."""
        return share(self.officers_trained, self.officers_total)

    @property
    def seat_use(self) -> float | None:
        """Seats used / seats offered by its sessions (None without sessions)."""
        return share(self.seats_used, self.seats_offered)


@dataclass(frozen=True)
class DistrictRow:
    """One district: officers trained of its officers."""

    region_id: str
    region_name: str
    district: str
    size: int
    trained: int
    name: str = ""
    """The district as documents in the report's language name it (its id unless the data
    give it a name in that language)."""

    @property
    def trained_share(self) -> float | None:
        """Officers trained / district size (None for an empty district)."""
        return share(self.trained, self.size)


@dataclass(frozen=True)
class SessionRow:
    """One session of the plan with its seats and cost."""

    id: str
    date: date
    region_id: str
    region_name: str
    venue_id: str
    venue_name: str
    venue_address: str | None
    trainers: tuple[str, ...]
    trainer_names: tuple[str, ...]
    ngos: tuple[str, ...]
    ngo_names: tuple[str, ...]
    officers: int
    seats_max: int
    cost_eur: float
    course: str | None = None
    """The session's course, in a programme in stages (spec 7.1)."""

    @property
    def weekday(self) -> str:
        """The weekday in short, as ``Mon`` (``Пн`` in Ukrainian)."""
        return i18n.weekday_abbreviation(self.date)

    @property
    def seat_use(self) -> float | None:
        """Officers / seats the session may have."""
        return share(self.officers, self.seats_max)


@dataclass(frozen=True)
class TrainerRow:
    """One trainer: contacts, sessions, and what they cost by component."""

    id: str
    name: str
    home_city: str
    lat: float
    lon: float
    sessions: int
    max_sessions: int | None
    fee_eur: float
    travel_km: float
    travel_eur: float
    regions: tuple[str, ...]
    per_diem_eur: float = 0.0
    hotel_nights: int = 0
    hotel_eur: float = 0.0
    email: str | None = None
    phone: str | None = None

    @property
    def total_eur(self) -> float:
        """Fee, travel, per diems and hotel nights."""
        return self.fee_eur + self.travel_eur + self.per_diem_eur + self.hotel_eur

    @property
    def contact(self) -> str:
        """Phone and e-mail, as given."""
        return ", ".join(c for c in (self.phone, self.email) if c)


@dataclass(frozen=True)
class NgoRow:
    """One partner NGO: its sessions and the officers met there."""

    id: str
    name: str
    region_id: str
    region_name: str
    contact: str | None
    sessions: int
    officers: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class TravelLeg:
    """Travel days a trainer needs between two sessions in different regions (rule travel)."""

    trainer_id: str
    from_session: str
    to_session: str
    from_region: str
    to_region: str
    road_km: float
    travel_days: int
    first_day: date
    last_day: date
    gap_days: int

    @property
    def enough_time(self) -> bool:
        """Whether the sessions are far enough apart: ``d2 - d1 >= 1 + travel_days``."""
        return self.gap_days >= 1 + self.travel_days


@dataclass(frozen=True)
class TrainerSession:
    """A session as it appears on one trainer's timeline."""

    trainer_id: str
    session_id: str
    date: date
    region_id: str
    venue_name: str
    officers: int
    course: str | None = None


@dataclass(frozen=True)
class CourseRow:
    """One course of a programme in stages: its sessions and members trained."""

    id: str
    title: str
    sessions: int
    officers_trained: int
    officers_total: int


@dataclass(frozen=True)
class ClosedDay:
    """A listed weekday of the window that is not worked, and why."""

    date: date
    reason: str


@dataclass(frozen=True)
class WeekColumn:
    """One ISO week of the report's calendar."""

    week: Week
    monday: date
    closed_days: tuple[ClosedDay, ...]

    @property
    def label(self) -> str:
        """Short column label, as ``W29 14 Jul``."""
        if i18n.current_language() == i18n.SOURCE_LANGUAGE:
            day = f"{self.monday.day} {self.monday.strftime('%b')}"
        else:
            from babel.dates import format_date

            day = format_date(self.monday, "d MMM", locale=i18n.current_language())
        return _("W{week} {day}").format(week=f"{self.week[1]:02d}", day=day)


@dataclass(frozen=True)
class ObjectiveRow:
    """One objective level from the plan file (its claim, :mod:`trafficplan.plan.levels`),
    with the value recomputed from the plan."""

    claim: LevelClaim
    recomputed: float | None

    @property
    def name(self) -> str:
        """The objective's id."""
        return self.claim.name

    @property
    def proven(self) -> bool:
        """Whether the level's best (with a tolerance, its own best) is proven."""
        return self.claim.proven

    @property
    def recomputed_cell(self) -> str:
        """The figure recomputed from the plan, as the objective is reported."""
        return self.claim.cell(self.recomputed)

    @property
    def agrees(self) -> bool:
        """Whether the plan file's value is the recomputed figure."""
        return self.recomputed is None or same(self.claim.name, self.claim.value, self.recomputed)


@dataclass(frozen=True)
class ViolationRow:
    """One broken rule as the checker reports it."""

    rule: str
    session: str | None
    who: str | None
    date: str | None
    message: str


@dataclass
class ReportContent:
    """Everything the report shows, computed once."""

    plan_source: str
    status: str
    window_start: date
    window_end: date
    working_days: int
    officers_total: int
    officers_trained: int
    cost_eur: float
    trainers_total: int
    digests: list[DigestRow]
    regions: list[RegionRow]
    districts: list[DistrictRow]
    sessions: list[SessionRow]
    trainers: list[TrainerRow]
    trainer_sessions: list[TrainerSession]
    travel: list[TravelLeg]
    leave: dict[str, list[DateRange]]
    weekly_load: dict[tuple[str, Week], int]
    max_per_week: int
    weeks: list[WeekColumn]
    non_working: dict[date, str]
    calendar_cells: dict[tuple[str, Week], tuple[int, int]]
    objectives: list[ObjectiveRow]
    eur_per_km: float
    road_factor: float
    valid: bool
    violations: list[ViolationRow]
    warnings: list[ViolationRow] = field(default_factory=list)
    frozen_before: date | None = None
    title: str = "Training plan"
    organisation: str | None = None
    donor: str | None = None
    session_times: str | None = None
    ngos: list[NgoRow] = field(default_factory=list)
    region_costs: dict[str, dict[str, float]] = field(default_factory=dict)
    objective_words: list[ObjectiveWords] = field(default_factory=list)
    aims_words: str = ""
    order_words: str = ""
    rule_words: list[str] = field(default_factory=list)
    cost_words: str = ""
    attendance: list[AttendanceRow] = field(default_factory=list)
    attendance_by_region: dict[str, AttendanceTotal] = field(default_factory=dict)
    attendance_total: AttendanceTotal | None = None
    tradeoff: TradeoffView | None = None
    generated: datetime | None = None
    """When the report was made (the technical appendix says so, with the version)."""
    version: str = ""
    """The trafficplan version that made the report."""
    courses: list[CourseRow] = field(default_factory=list)
    """Per course, in a programme in stages; empty otherwise (the report as before)."""

    @property
    def trainers_used(self) -> int:
        """Trainers with at least one session."""
        return sum(1 for t in self.trainers if t.sessions)

    @property
    def digests_differ(self) -> list[str]:
        """Files whose digest in the plan differs from the data folder's."""
        return [row.file for row in self.digests if row.matches is False]

    @property
    def max_trainer_sessions(self) -> int:
        """The largest number of sessions of any one trainer."""
        return max((t.sessions for t in self.trainers), default=0)

    @property
    def cost_components(self) -> dict[str, float]:
        """The cost by component over all regions (EUR), every component."""
        return {
            name: sum(parts.get(name, 0.0) for parts in self.region_costs.values())
            for name in COST_COMPONENTS
        }

    @property
    def cost_components_used(self) -> list[str]:
        """The components that cost anything in this plan, in the usual order."""
        return [name for name, amount in self.cost_components.items() if amount]


def assignment_cost(
    data: ProblemData, trainer_id: str, venue_id: str
) -> tuple[dict[str, float], float]:
    """What one trainer costs at one session, and the round-trip road km.

    Returns:
        ``(parts, km)``: the day rate, road trip, per diem and hotel (``trainer_fees``,
        ``trainer_travel``, ``per_diem``, ``hotel``) in EUR, adding up to the assignment's
        cost to the cent as ``cost_eur`` counts it; and 2 x the home-venue road km.
    """
    parts = data.assignment_parts_cents(trainer_id, venue_id)
    round_trip_km = 2 * data.home_road_km(trainer_id, venue_id)
    return {name: cents / 100 for name, cents in parts.items()}, round_trip_km


def travel_days_between(data: ProblemData, venue_a: str, venue_b: str) -> tuple[float, int]:
    """Road km and travel days between two venues (spec rule ``travel``).

    Returns:
        ``(road km, 0 if km <= same_evening_km else ceil(km / km_per_day))``.
    """
    rules = data.constraints.trainers.travel
    km = data.venue_road_km(venue_a, venue_b)
    days = 0 if km <= rules.same_evening_km else math.ceil(km / rules.km_per_day)
    return km, days


def _sessions_by_trainer(plan: Plan) -> dict[str, list[PlanSession]]:
    by_trainer: dict[str, list[PlanSession]] = defaultdict(list)
    for session in plan.sessions:
        for trainer_id in dict.fromkeys(session.trainers):
            by_trainer[trainer_id].append(session)
    for sessions in by_trainer.values():
        sessions.sort(key=lambda s: (s.date, s.id))
    return by_trainer


def travel_legs(data: ProblemData, plan: Plan) -> list[TravelLeg]:
    """Travel between each trainer's consecutive sessions in different regions.

    Legs that need no travel day (at most ``same_evening_km``) are included with 0 days, so
    the timeline can show every move; the travel days, when there are any, are drawn on the
    days right after the earlier session.
    """
    legs: list[TravelLeg] = []
    for trainer_id, sessions in sorted(_sessions_by_trainer(plan).items()):
        for earlier, later in pairwise(sessions):
            if earlier.region == later.region:
                continue
            km, days = travel_days_between(data, earlier.venue, later.venue)
            first = earlier.date + timedelta(days=1)
            legs.append(
                TravelLeg(
                    trainer_id=trainer_id,
                    from_session=earlier.id,
                    to_session=later.id,
                    from_region=earlier.region,
                    to_region=later.region,
                    road_km=km,
                    travel_days=days,
                    first_day=first,
                    last_day=first + timedelta(days=max(days, 1) - 1),
                    gap_days=(later.date - earlier.date).days,
                )
            )
    return legs


def week_columns(data: ProblemData, plan: Plan) -> list[WeekColumn]:
    """Every ISO week from the window's (or an earlier session's) first to its last day."""
    window = data.constraints.window
    session_days = [s.date for s in plan.sessions]
    first = min([window.start, *session_days])
    last = max([window.end, *session_days])
    calendar = data.calendar
    listed = set(data.constraints.calendar.weekdays)
    closed: dict[Week, list[ClosedDay]] = defaultdict(list)
    holiday_names = _holiday_names(data)
    day = window.start
    while day <= window.end:
        if WEEKDAY_NAMES[day.weekday()] in listed and not calendar.is_working_day(day):
            reason = holiday_names.get(day) or _("closed (calendar.closed)")
            closed[iso_week(day)].append(ClosedDay(day, reason))
        day += timedelta(days=1)
    columns: list[WeekColumn] = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        week = iso_week(monday)
        columns.append(WeekColumn(week, monday, tuple(closed.get(week, ()))))
        monday += timedelta(days=7)
    return columns


def _holiday_names(data: ProblemData) -> dict[date, str]:
    """The window's public holidays named in the report's language where the holiday
    calendar knows it (the English names, as the checker reads them, otherwise)."""
    names = data.calendar.public_holidays
    language = i18n.current_language()
    country = data.constraints.calendar.holidays
    if language == i18n.SOURCE_LANGUAGE or not names or country is None:
        return names
    import holidays

    window = data.constraints.window
    years = range(window.start.year, window.end.year + 1)
    table = holidays.country_holidays(country, years=years, observed=True)
    if language not in table.supported_languages:
        return names
    table = holidays.country_holidays(country, years=years, observed=True, language=language)
    return {day: str(table.get(day) or name) for day, name in names.items()}


def non_working_days(data: ProblemData) -> dict[date, str]:
    """Days of the window that are not worked: ``"holiday"`` when the day is a listed
    weekday (a public holiday or a closed date), else ``"weekend"``."""
    window = data.constraints.window
    listed = set(data.constraints.calendar.weekdays)
    result: dict[date, str] = {}
    day = window.start
    while day <= window.end:
        if not data.calendar.is_working_day(day):
            listed_day = WEEKDAY_NAMES[day.weekday()] in listed
            result[day] = "holiday" if listed_day else "weekend"
        day += timedelta(days=1)
    return result


def _clip(ranges: tuple[DateRange, ...], start: date, end: date) -> list[DateRange]:
    clipped = []
    for r in ranges:
        lo, hi = max(r.start, start), min(r.end, end)
        if lo <= hi:
            clipped.append(DateRange(lo, hi))
    return clipped


def ngo_participation(data: ProblemData, plan: Plan) -> list[NgoRow]:
    """Every NGO of the data in file order: its sessions, the officers of those sessions,
    and its first and last session day."""
    own: dict[str, list[PlanSession]] = defaultdict(list)
    for session in sorted(plan.sessions, key=lambda s: (s.date, s.id)):
        for ngo_id in dict.fromkeys(session.ngos):
            own[ngo_id].append(session)
    rows = []
    for region in data.regions:
        for ngo in region.ngos:
            sessions = own.get(ngo.id, [])
            rows.append(
                NgoRow(
                    id=ngo.id,
                    name=ngo.name,
                    region_id=region.id,
                    region_name=region.name,
                    contact=ngo.contact,
                    sessions=len(sessions),
                    officers=sum(len(set(s.officers)) for s in sessions),
                    first=sessions[0].date if sessions else None,
                    last=sessions[-1].date if sessions else None,
                )
            )
    return rows


def _violation_rows(items: Any) -> list[ViolationRow]:
    rows = []
    for item in items or ():
        day = getattr(item, "date", None)
        rows.append(
            ViolationRow(
                rule=str(item.rule),
                session=getattr(item, "session", None),
                who=getattr(item, "who", None),
                date=day.isoformat() if isinstance(day, date) else day,
                message=violation_words(str(item.rule), str(item.message)),
            )
        )
    return rows


def course_rows(data: ProblemData, plan: Plan, trained: dict[str, int]) -> list[CourseRow]:
    """Per course of a programme in stages, its sessions and members trained; none without
    ``courses``."""
    if not data.staged:
        return []
    return [
        CourseRow(
            id=course.id,
            title=course.title or course.id,
            sessions=sum(
                1 for s in plan.sessions if (s.course or data.default_course) == course.id
            ),
            officers_trained=trained.get(course.id, 0),
            officers_total=len(data.course_members(course.id)),
        )
        for course in data.courses
    ]


def build_content(data: ProblemData, plan: Plan, check: Any, plan_source: str) -> ReportContent:
    """Compute everything the report shows.

    Args:
        data: the data folder the plan is checked against.
        plan: a plan whose ids are all known to ``data`` (see ``require_known_ids``).
        check: the checker's report on this plan (``valid``, ``violations``, optional
            ``warnings``).
        plan_source: how to name the plan in the report (its file name).
    """
    rules = data.constraints
    window = rules.window

    trained: set[str] = set()
    for session in plan.sessions:
        trained.update(session.officers)
    by_course = trained_by_course(data, plan.sessions) if data.staged else {}
    trained_by_region = Counter(data.officer_by_id[o].region for o in trained)
    trained_by_district = Counter(data.officer_by_id[o].district for o in trained)

    session_rows: list[SessionRow] = []

    def course_of(session: PlanSession) -> str | None:
        return (session.course or data.default_course) if data.staged else None

    trainer_parts: dict[str, Counter[str]] = defaultdict(Counter)
    trainer_travel_km: dict[str, float] = defaultdict(float)
    trainer_count: Counter[str] = Counter()
    trainer_nights: Counter[str] = Counter()
    trainer_regions: dict[str, set[str]] = defaultdict(set)
    trainer_sessions: list[TrainerSession] = []
    weekly_load: Counter[tuple[str, Week]] = Counter()
    calendar_cells: dict[tuple[str, Week], tuple[int, int]] = {}
    for session in sorted(plan.sessions, key=lambda s: (s.date, s.region, s.id)):
        officers = len(set(session.officers))
        venue = data.venue_by_id[session.venue]
        for trainer_id in dict.fromkeys(session.trainers):
            parts, km = assignment_cost(data, trainer_id, session.venue)
            trainer_parts[trainer_id].update(parts)
            trainer_nights[trainer_id] += data.stays_overnight(trainer_id, session.venue)
            trainer_travel_km[trainer_id] += km
            trainer_count[trainer_id] += 1
            trainer_regions[trainer_id].add(session.region)
            weekly_load[(trainer_id, iso_week(session.date))] += 1
            trainer_sessions.append(
                TrainerSession(
                    trainer_id,
                    session.id,
                    session.date,
                    session.region,
                    venue.name,
                    officers,
                    course_of(session),
                )
            )
        cell = (session.region, iso_week(session.date))
        count, people = calendar_cells.get(cell, (0, 0))
        calendar_cells[cell] = (count + 1, people + officers)
        own_cost = cost_breakdown_cents(data, [session])[session.region]
        session_rows.append(
            SessionRow(
                id=session.id,
                date=session.date,
                region_id=session.region,
                region_name=data.region_by_id[session.region].name,
                venue_id=session.venue,
                venue_name=venue.name,
                venue_address=venue.address,
                trainers=tuple(session.trainers),
                trainer_names=tuple(data.trainer_by_id[t].name for t in session.trainers),
                ngos=tuple(session.ngos),
                ngo_names=tuple(data.ngo_by_id[n].name for n in session.ngos),
                officers=officers,
                seats_max=data.seat_range(session.venue, course_of(session))[1],
                cost_eur=sum(own_cost.values()) / 100,
                course=course_of(session),
            )
        )
    breakdown = cost_breakdown_cents(data, plan.sessions)
    region_costs = {
        region: {name: cents / 100 for name, cents in parts.items()}
        for region, parts in breakdown.items()
    }

    region_rows = []
    district_rows = []
    shown_districts = district_names(data)
    for region in data.regions:
        own = [row for row in session_rows if row.region_id == region.id]
        region_rows.append(
            RegionRow(
                id=region.id,
                name=region.name,
                lat=region.centre.lat,
                lon=region.centre.lon,
                officers_total=len(data.officers_by_region[region.id]),
                officers_trained=trained_by_region.get(region.id, 0),
                sessions=len(own),
                seats_used=sum(row.officers for row in own),
                seats_offered=sum(row.seats_max for row in own),
                cost_eur=sum(breakdown.get(region.id, {}).values()) / 100,
            )
        )
        for district in region.districts:
            district_rows.append(
                DistrictRow(
                    region_id=region.id,
                    region_name=region.name,
                    district=district,
                    size=data.district_sizes.get(district, 0),
                    trained=trained_by_district.get(district, 0),
                    name=shown_districts.get(str(district), str(district)),
                )
            )

    trainer_rows = [
        TrainerRow(
            id=t.id,
            name=t.name,
            home_city=t.home.city,
            lat=t.home.lat,
            lon=t.home.lon,
            sessions=trainer_count.get(t.id, 0),
            max_sessions=t.max_sessions,
            fee_eur=trainer_parts[t.id]["trainer_fees"],
            travel_km=trainer_travel_km.get(t.id, 0.0),
            travel_eur=trainer_parts[t.id]["trainer_travel"],
            regions=tuple(sorted(trainer_regions.get(t.id, ()))),
            per_diem_eur=trainer_parts[t.id]["per_diem"],
            hotel_nights=trainer_nights.get(t.id, 0),
            hotel_eur=trainer_parts[t.id]["hotel"],
            email=t.email,
            phone=t.phone,
        )
        for t in data.trainers
    ]
    cost_total = sum(sum(parts.values()) for parts in breakdown.values()) / 100
    claims = level_claims(plan.objectives)
    names = [claim.name for claim in claims] or list(rules.objective_names)
    recomputed = recomputed_values(plan_metrics(data, plan), names)
    objectives = [ObjectiveRow(claim, recomputed.get(claim.name)) for claim in claims]

    digests = [
        DigestRow(name, plan.inputs.sha256.get(name), data.digests.get(name))
        for name in (*DATA_FILES, *sorted(set(plan.inputs.sha256) - set(DATA_FILES)))
    ]

    ngo_rows = ngo_participation(data, plan)
    programme = rules.programme
    times = rules.sessions
    return ReportContent(
        title=programme.title or _("Training plan"),
        organisation=programme.organisation,
        donor=programme.donor,
        session_times=(
            f"{times.start_time:%H:%M}–{times.end_time:%H:%M}"
            if times.start_time is not None and times.end_time is not None
            else None
        ),
        ngos=ngo_rows,
        region_costs=region_costs,
        objective_words=objectives_in_words(data, plan.objectives, recomputed),
        aims_words=aims_in_words(plan),
        order_words=order_in_words(plan.objectives),
        rule_words=rules_in_words(data),
        cost_words=cost_in_words(data),
        plan_source=plan_source,
        status=plan.status,
        window_start=window.start,
        window_end=window.end,
        working_days=len(data.working_days),
        officers_total=(
            sum(len(data.course_members(c.id)) for c in data.courses)
            if data.staged
            else len(data.officers)
        ),
        officers_trained=sum(by_course.values()) if data.staged else len(trained),
        courses=course_rows(data, plan, by_course),
        cost_eur=cost_total,
        trainers_total=len(data.trainers),
        digests=digests,
        regions=region_rows,
        districts=district_rows,
        sessions=session_rows,
        trainers=trainer_rows,
        trainer_sessions=trainer_sessions,
        travel=travel_legs(data, plan),
        leave={t.id: _clip(t.unavailable, window.start, window.end) for t in data.trainers},
        weekly_load=dict(weekly_load),
        max_per_week=rules.trainers.max_per_week,
        weeks=week_columns(data, plan),
        non_working=non_working_days(data),
        calendar_cells=calendar_cells,
        objectives=objectives,
        eur_per_km=rules.trainers.travel.eur_per_km,
        road_factor=rules.trainers.travel.road_factor,
        valid=bool(check.valid),
        violations=_violation_rows(check.violations),
        warnings=_violation_rows(getattr(check, "warnings", ())),
        frozen_before=plan.frozen_before,
    )


@dataclass(frozen=True)
class AttendanceRow:
    """Held sessions of one region in one ISO week: officers planned, present and absent."""

    region: str
    week: Week
    sessions: int
    planned: int
    attended: int
    no_shows: int


def attendance_rows(plan: Plan, attendance: Attendance) -> list[AttendanceRow]:
    """Planned versus attended per region and ISO week, over the plan's held sessions.

    Planned: the officers the session was for (its roster and the officers its sign-in sheet
    marks absent, less substitutes who were not on its roster); attended: those present
    (substitutes included); no-shows: those marked absent.
    """
    tally: dict[tuple[str, Week], list[int]] = {}
    for session in plan.sessions:
        if session.id not in attendance.held:
            continue
        present = set(attendance.present(session.id))
        absent = set(attendance.absent(session.id))
        planned = (set(session.officers) | absent) - (present - set(session.officers))
        counts = tally.setdefault((session.region, iso_week(session.date)), [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += len(planned)
        counts[2] += len(present)
        counts[3] += len(absent)
    return [
        AttendanceRow(region, week, *counts) for (region, week), counts in sorted(tally.items())
    ]


@dataclass(frozen=True)
class AttendanceTotal:
    """Held sessions summed over weeks (of one region, or of every region)."""

    sessions: int
    planned: int
    attended: int
    no_shows: int

    @property
    def no_show_rate(self) -> float | None:
        """The share of officers planned who did not come (None when none were planned)."""
        return share(self.no_shows, self.planned)


def attendance_totals(
    rows: list[AttendanceRow],
) -> tuple[dict[str, AttendanceTotal], AttendanceTotal]:
    """The rows summed per region (in the rows' order) and over every region."""
    sums: dict[str, list[int]] = {}
    for row in rows:
        counts = sums.setdefault(row.region, [0, 0, 0, 0])
        for index, value in enumerate((row.sessions, row.planned, row.attended, row.no_shows)):
            counts[index] += value
    per_region = {region: AttendanceTotal(*counts) for region, counts in sums.items()}
    overall = [
        sum(getattr(t, name) for t in per_region.values())
        for name in ("sessions", "planned", "attended", "no_shows")
    ]
    return per_region, AttendanceTotal(*overall)
