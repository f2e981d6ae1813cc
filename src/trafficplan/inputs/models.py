"""Pydantic models of the four input files, exactly as the spec writes them.

Every model forbids unknown keys (a typo must never be silently ignored) and is strict about
types. Cross-file checks (references, duplicates) live in :mod:`trafficplan.inputs.loading`.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from trafficplan.inputs.dates import DateRange, parse_date_item, parse_iso_date
from trafficplan.inputs.names import DistrictItem, LocalLongText, LocalName

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _date_set(value: object) -> tuple[DateRange, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ValueError("expected a list of dates or 'YYYY-MM-DD..YYYY-MM-DD' ranges")
    ranges = []
    for index, item in enumerate(value):
        try:
            ranges.append(parse_date_item(item))
        except ValueError as exc:
            raise ValueError(f"item {index}: {exc}") from None
    return tuple(ranges)


def _iso_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a date YYYY-MM-DD")
    return parse_iso_date(value)


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("expected a number")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ValueError("expected a number") from None


def _clock_time(value: object) -> time:
    """A time of day written as a quoted ``"HH:MM"``."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 10:00 as the base-60 number 600
        hours, minutes = divmod(value, 60)
        written = f"{hours}:{minutes:02d}" if 0 <= value < 24 * 60 else str(value)
        raise ValueError(
            f"got the number {value}, not a time: YAML reads an unquoted {written} as a "
            f'number; quote the time ("{written}")'
        )
    if not isinstance(value, str):
        raise ValueError('expected a time "HH:MM" in quotes')
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value.strip())
    if match is None:
        raise ValueError(f"{value[:40]!r} is not a time of the form HH:MM (00:00 to 23:59)")
    return time(int(match.group(1)), int(match.group(2)))


def _phone(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f"got the number {value}, not text: YAML reads an unquoted phone number as a "
            'number; write it in quotes ("+380 44 000 00 00")'
        )
    return value


def _email(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
        raise ValueError(f"{value[:60]!r} is not an e-mail address (name@example.org)")
    return value


DateSet = Annotated[tuple[DateRange, ...], BeforeValidator(_date_set)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=64)]
Ident = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", min_length=1, max_length=64)
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]
"""Free text shown to people: addresses, contacts, the programme's title."""
Email = Annotated[
    str, BeforeValidator(_email), StringConstraints(max_length=200, strip_whitespace=True)
]
Phone = Annotated[
    str,
    BeforeValidator(_phone),
    StringConstraints(min_length=1, max_length=60, strip_whitespace=True),
]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
NonNegInt = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(ge=1)]
NonNegFloat = Annotated[float, Field(ge=0)]


class Strict(BaseModel):
    """Base of every input model: unknown keys are errors, types are strict, numbers finite."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Point(Strict):
    """A place given by latitude and longitude in degrees."""

    lat: Latitude
    lon: Longitude


class City(Strict):
    """A named city with its coordinates (a region centre or a trainer's home)."""

    city: LocalName
    lat: Latitude
    lon: Longitude


class MinMax(Strict):
    """An inclusive range of counts."""

    min: NonNegInt
    max: NonNegInt

    @model_validator(mode="after")
    def _ordered(self) -> MinMax:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Venue(Strict):
    """A place where a region's sessions can take place."""

    id: Ident
    name: LocalName
    address: LocalLongText | None = None
    capacity: PositiveInt
    unavailable: DateSet = ()
    location: Point | None = None
    day_rate_eur: NonNegFloat = 0


class Ngo(Strict):
    """A local anti-trafficking NGO that co-facilitates a region's sessions."""

    id: Ident
    name: LocalName
    unavailable: DateSet = ()
    contact: LocalLongText | None = None


class Region(Strict):
    """A region (oblast) with its districts, venues and NGOs."""

    id: Slug
    name: LocalName
    centre: City
    districts: Annotated[list[DistrictItem], Field(min_length=1)]
    sessions: MinMax | None = None
    venues: list[Venue] = []
    ngos: list[Ngo] = []
    contact: LocalLongText | None = None


class RegionsFile(Strict):
    """``regions.yaml``."""

    regions: Annotated[list[Region], Field(min_length=1)]


class Trainer(Strict):
    """A trainer who leads sessions."""

    id: Ident
    name: LocalName
    home: City
    regions: list[Slug] | None = None
    unavailable: DateSet = ()
    max_sessions: NonNegInt | None = None
    day_rate_eur: NonNegFloat
    per_diem_eur: NonNegFloat = 0
    hotel_eur: NonNegFloat = 0
    email: Email | None = None
    phone: Phone | None = None


class TrainersFile(Strict):
    """``trainers.yaml``."""

    trainers: Annotated[list[Trainer], Field(min_length=1)]


class Window(Strict):
    """The programme's date window, both ends included."""

    start: IsoDate
    end: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class CalendarRules(Strict):
    """Which days of the window are working days."""

    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    ]
    holidays: str | None = "UA"
    closed: DateSet = ()
    open: DateSet = ()

    @field_validator("weekdays")
    @classmethod
    def _unique_weekdays(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a weekday is listed twice")
        return value

    @field_validator("holidays", mode="before")
    @classmethod
    def _not_yaml_boolean(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted NO (Norway) as false, and yes/on/off as booleans too.
        if isinstance(value, bool):
            spelled = "true" if value else "false"
            raise ValueError(
                f"got {spelled}, not a country code: YAML reads unquoted NO, no, off, yes and "
                f'on as true/false; quote the code (holidays: "NO") or write null for no '
                f"public holidays"
            )
        return value

    @field_validator("holidays")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        import holidays

        try:
            # loads the one country's calendar (which the plan's calendar needs anyway), not
            # every country's as listing the supported ones would
            holidays.country_holidays(value.upper())
        except NotImplementedError:
            raise ValueError(
                f"'{value[:20]}' is not a country code the holidays package knows "
                "(ISO 3166-1 alpha-2, e.g. UA), or null"
            ) from None
        return value.upper()


class FixedSession(Strict):
    """A session that must take place."""

    region: Slug
    date: IsoDate
    course: Slug | None = None
    venue: Ident | None = None
    trainers: list[Ident] | None = None
    ngos: list[Ident] | None = None


class SessionRules(Strict):
    """How many sessions, of what size, and which are fixed."""

    max_total: NonNegInt | None = 72
    per_region: MinMax = MinMax(min=6, max=6)
    officers: MinMax = MinMax(min=15, max=25)
    max_per_region_per_day: PositiveInt = 1
    fixed: list[FixedSession] = []
    per_person_eur: NonNegFloat = 0
    start_time: ClockTime | None = None
    end_time: ClockTime | None = None

    @field_validator("officers")
    @classmethod
    def _positive_officers(cls, value: MinMax) -> MinMax:
        if value.max < 1:
            raise ValueError("max must be at least 1")
        return value

    @model_validator(mode="after")
    def _times_in_order(self) -> SessionRules:
        start, end = self.start_time, self.end_time
        if (start is None) != (end is None):
            raise ValueError("give both start_time and end_time, or neither (all-day sessions)")
        if start is not None and end is not None and end <= start:
            raise ValueError(f"end_time {end:%H:%M} is not after start_time {start:%H:%M}")
        return self


class TravelRules(Strict):
    """Road distances, travel days and travel cost."""

    road_factor: Annotated[float, Field(gt=0)] = 1.3
    same_evening_km: NonNegFloat = 250
    km_per_day: Annotated[float, Field(gt=0)] = 500
    eur_per_km: NonNegFloat = 0.20


class TrainerRules(Strict):
    """Trainer workload and travel rules."""

    per_session: PositiveInt = 1
    max_per_week: NonNegInt = 3
    max_consecutive_days: PositiveInt = 2
    travel: TravelRules = TravelRules()


class NgoRules(Strict):
    """NGO participation rules."""

    per_session: NonNegInt = 1
    max_per_week: NonNegInt = 2


class OfficerRules(Strict):
    """Officer attendance rules, and what an officer's travel costs."""

    max_district_share_per_day: Annotated[Decimal, BeforeValidator(_decimal), Field(gt=0, le=1)] = (
        Decimal("0.34")
    )
    travel_eur: NonNegFloat = 0


class Programme(Strict):
    """What the programme is called, who runs it and who pays for it (shown in reports)."""

    title: LocalLongText | None = None
    organisation: LocalLongText | None = None
    donor: LocalLongText | None = None


ObjectiveName = Literal[
    "officers_trained",
    "cost_eur",
    "max_trainer_sessions",
    "travel_km",
    "trainer_spread",
    "min_district_share",
    "ngo_spread",
]
OBJECTIVE_NAMES: tuple[str, ...] = ObjectiveName.__args__  # type: ignore[attr-defined]
MAXIMISED_OBJECTIVES = frozenset({"officers_trained", "min_district_share"})
OBJECTIVE_UNITS = {
    "officers_trained": "officers",
    "cost_eur": "EUR",
    "max_trainer_sessions": "sessions",
    "travel_km": "km",
    "trainer_spread": "sessions",
    "min_district_share": "share (0-1)",
    "ngo_spread": "sessions",
}
"""What an absolute tolerance (``{within: 500}``) of each objective is counted in."""


class Tolerance(BaseModel):
    """How much later levels may worsen an objective level (spec 6.1): a share of its best
    value (``5%``) or an absolute amount in the objective's unit (``500``)."""

    model_config = ConfigDict(frozen=True)

    amount: Decimal
    percent: bool

    def allowance(self, best: Fraction) -> Fraction:
        """How far later levels may move a level whose best value is ``best`` (its unit),
        exactly: callers round it in the direction that keeps the promise."""
        amount = Fraction(self.amount)
        return amount / 100 * abs(best) if self.percent else amount

    def __str__(self) -> str:
        return f"{self.amount.normalize():f}%" if self.percent else f"{self.amount.normalize():f}"


class ObjectiveItem(BaseModel):
    """One ``objective`` item: a name, and its tolerance if it was written with one."""

    model_config = ConfigDict(frozen=True)

    name: ObjectiveName
    tolerance: Tolerance | None = None


def _objective_form(name: str) -> str:
    unit = OBJECTIVE_UNITS.get(name, "its unit")
    return f"write it as '{name}: {{within: 5%}}' (a share) or '{name}: {{within: N}}' ({unit})"


def unknown_objective_hint(value: str, quoted: bool = True) -> str:
    """How a message about the unknown objective ``value`` ends: the closest names, if any
    (``; did you mean 'cost_eur'?``, each name quoted with ``quoted``), then every objective."""
    import difflib

    close = difflib.get_close_matches(value, OBJECTIVE_NAMES, n=2, cutoff=0.5)
    names = [repr(c) for c in close] if quoted else close
    hint = f"; did you mean {' or '.join(names)}?" if close else ""
    return f"{hint} (objectives: {', '.join(OBJECTIVE_NAMES)})"


def _objective_name(value: str) -> str:
    if value in OBJECTIVE_NAMES:
        return value
    raise ValueError(f"unknown objective {value[:40]!r}{unknown_objective_hint(value)}")


def _tolerance(name: str, value: object) -> Tolerance:
    if not isinstance(value, dict) or set(value) != {"within"}:
        raise ValueError(
            f"the tolerance of {name} must be a mapping {{within: ...}}; " + _objective_form(name)
        )
    raw = value["within"]
    percent = isinstance(raw, str) and raw.strip().endswith("%")
    text = raw.strip().removesuffix("%").strip() if isinstance(raw, str) else raw
    try:
        if isinstance(text, bool) or not isinstance(text, int | float | str):
            raise ArithmeticError
        amount = Decimal(str(text))
        if not amount.is_finite():
            raise ArithmeticError
    except ArithmeticError:
        raise ValueError(
            f"within {str(raw)[:40]!r} of {name} is not a number or a percentage; "
            + _objective_form(name)
        ) from None
    shown = f"{raw}" if isinstance(raw, str) else f"{amount}"
    if amount < 0:
        raise ValueError(f"within {shown} of {name} is negative; " + _objective_form(name))
    if percent and amount > 100:
        raise ValueError(f"within {shown} of {name} is above 100%; " + _objective_form(name))
    return Tolerance(amount=amount, percent=percent)


def _objective_item(value: object) -> ObjectiveItem:
    """Parse ``name`` or ``{name: {within: X}}``."""
    if isinstance(value, ObjectiveItem):
        return value
    if isinstance(value, str):
        return ObjectiveItem(name=_objective_name(value))
    if isinstance(value, dict) and len(value) == 1:
        name, tolerance = next(iter(value.items()))
        if not isinstance(name, str):
            raise ValueError(f"expected an objective name, got {name!r}")
        checked = _objective_name(name)
        return ObjectiveItem(name=checked, tolerance=_tolerance(checked, tolerance))
    raise ValueError(
        "expected an objective name, or a name with a tolerance such as 'cost_eur: {within: 5%}'"
    )


DEFAULT_COURSE = "meeting"
"""The id of the one course of a programme that lists no ``courses`` (spec 7.1)."""
DEFAULT_ROLE = "inspector"
"""The role of an officer whose ``role`` cell is empty or absent (spec 7.1)."""


class CourseAfter(Strict):
    """``after``: a course's sessions come at least ``min_days`` after another course's."""

    course: Slug
    min_days: NonNegInt
    by: Literal["region", "district"] = "region"


class Course(Strict):
    """One course of a programme in stages; unset keys fall back on ``sessions`` and
    ``trainers`` (:meth:`ProblemData.courses`)."""

    id: Slug
    title: LocalLongText | None = None
    roles: Annotated[list[Slug], Field(min_length=1)]
    per_region: MinMax | None = None
    officers: MinMax | None = None
    trainers_per_session: PositiveInt | None = None
    max_total: NonNegInt | None = None
    after: CourseAfter | None = None

    @field_validator("officers")
    @classmethod
    def _positive_officers(cls, value: MinMax | None) -> MinMax | None:
        if value is not None and value.max < 1:
            raise ValueError("max must be at least 1")
        return value


class ConstraintsFile(Strict):
    """``constraints.yaml``."""

    window: Window
    programme: Programme = Programme()
    calendar: CalendarRules = CalendarRules()
    sessions: SessionRules = SessionRules()
    trainers: TrainerRules = TrainerRules()
    ngos: NgoRules = NgoRules()
    officers: OfficerRules = OfficerRules()
    objective: list[Annotated[ObjectiveItem, BeforeValidator(_objective_item)]] = [
        ObjectiveItem(name="officers_trained"),
        ObjectiveItem(name="cost_eur"),
        ObjectiveItem(name="max_trainer_sessions"),
    ]
    budget_eur: NonNegFloat | None = None
    courses: Annotated[list[Course], Field(min_length=1)] | None = None

    @property
    def objective_names(self) -> list[str]:
        """The objectives' names, in order."""
        return [item.name for item in self.objective]

    @property
    def tolerances(self) -> dict[str, Tolerance]:
        """The tolerance of each objective written with one."""
        return {item.name: item.tolerance for item in self.objective if item.tolerance}


class Officer(Strict):
    """One row of ``officers.csv``."""

    id: Name
    name: Name
    region: str
    district: str
    unavailable: tuple[DateRange, ...] = ()
    line: int = 0
    role: str = DEFAULT_ROLE
