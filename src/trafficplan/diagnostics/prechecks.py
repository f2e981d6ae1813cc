"""Pre-checks of data that cannot work, in plain Python (no solver).

:func:`diagnose` looks at a loaded :class:`~trafficplan.inputs.ProblemData` for reasons why no
plan can exist (severity ``error``) and for data that is legal but suspicious (``warning``).
Every check is a counting argument that is sound on its own: an ``error`` is only reported
when the numbers prove that the rule named by its id cannot be met, so a clean ``diagnose``
says nothing about feasibility but an error is always real. Messages speak the user's terms
and carry the numbers behind them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Literal

from trafficplan.inputs.calendar import weekly_bound
from trafficplan.inputs.dates import DateRange, in_date_set
from trafficplan.inputs.models import FixedSession, Region, Trainer, Venue
from trafficplan.inputs.problem import ProblemData, district_day_cap

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Finding:
    """One diagnosis: the rule id it concerns, how bad it is, and a one-line message.

    ``severity`` is ``error`` when no plan can exist while this stands, ``warning`` when the
    data is legal but probably not what was meant. ``subject`` names the data item (a region,
    venue or trainer id, or a key path such as ``sessions.fixed.0``) when there is one.
    """

    rule: str
    severity: Severity
    message: str
    subject: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The finding as a JSON-ready dict."""
        return asdict(self)


def diagnose(data: ProblemData) -> list[Finding]:
    """Find data that cannot work (errors) or looks wrong (warnings), errors first.

    Args:
        data: a validated data folder.

    Returns:
        The findings, every ``error`` before every ``warning``, each group in check order.
    """
    facts = _Facts(data)
    findings: list[Finding] = []
    checks = _STAGED_CHECKS if data.staged else _CHECKS
    for check in checks:
        findings.extend(check(facts))
    return [f for f in findings if f.severity == ERROR] + [
        f for f in findings if f.severity == WARNING
    ]


def _free_days(days: Iterable[date], unavailable: tuple[DateRange, ...]) -> list[date]:
    return [day for day in days if not in_date_set(day, unavailable)]


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _eur(amount: float) -> str:
    return f"{amount:,.2f} EUR"


class _Facts:
    """The numbers every check needs, computed once."""

    def __init__(self, data: ProblemData):
        self.data = data
        self.rules = data.constraints
        self.officers_min = data.constraints.sessions.officers.min
        self.officers_max = data.constraints.sessions.officers.max
        self.per_day = data.constraints.sessions.max_per_region_per_day
        self.trainers_per_session = data.constraints.trainers.per_session
        self.ngos_per_session = data.constraints.ngos.per_session
        self.share = data.constraints.officers.max_district_share_per_day

    @cached_property
    def working_days(self) -> tuple[date, ...]:
        return self.data.working_days

    @cached_property
    def fixed_by_region(self) -> dict[str, list[tuple[int, FixedSession]]]:
        result: dict[str, list[tuple[int, FixedSession]]] = defaultdict(list)
        for index, entry in enumerate(self.rules.sessions.fixed):
            result[entry.region].append((index, entry))
        return result

    def required(self, region: Region) -> int:
        """Sessions the region must run: its minimum, or its fixed sessions if more."""
        return max(self.data.session_bounds(region.id).min, len(self.fixed_by_region[region.id]))

    @cached_property
    def needing(self) -> list[tuple[Region, int]]:
        """The regions that must run sessions, each with how many (:meth:`required`)."""
        required = ((region, self.required(region)) for region in self.data.regions)
        return [(region, count) for region, count in required if count]

    @property
    def required_total(self) -> int:
        """Sessions the regions must run in all."""
        return sum(count for _, count in self.needing)

    def usable_venues(self, region: Region) -> list[Venue]:
        """Venues of the region that seat at least ``officers.min``."""
        return [v for v in region.venues if v.capacity >= self.officers_min]

    def best_seats(self, region: Region) -> int:
        """The most officers one session in the region may have (0 without a usable venue)."""
        return max(
            (min(self.officers_max, v.capacity) for v in self.usable_venues(region)), default=0
        )

    def allowed_trainers(self, region: Region) -> list[Trainer]:
        """Trainers whose ``regions`` list allows the region."""
        return [t for t in self.data.trainers if self.data.trainer_may_teach(t.id, region.id)]

    def region_day_cap(self, region: Region) -> int:
        """Officers of the region who may attend on one day under ``district_share``."""
        return sum(self.data.district_day_cap(d) for d in region.districts)

    @cached_property
    def officers_never_free(self) -> dict[str, int]:
        """Per region, officers unavailable on every working day of the window."""
        counts: Counter[str] = Counter()
        for officer in self.data.officers if self.working_days else []:
            if officer.unavailable and not any(
                not in_date_set(day, officer.unavailable) for day in self.working_days
            ):
                counts[officer.region] += 1
        return {r.id: counts.get(r.id, 0) for r in self.data.regions}

    @cached_property
    def trainer_capacity(self) -> dict[str, int]:
        """Per trainer, an upper bound on the sessions they can lead in the window
        (:func:`trainer_capacity`)."""
        return trainer_capacity(self.data)

    def ngo_capacity(self, region: Region) -> tuple[int, int]:
        """NGO-days the region's NGOs can give: (by free working days, also by max_per_week)."""
        by_days = by_week = 0
        for ngo in region.ngos:
            free = _free_days(self.working_days, ngo.unavailable)
            by_days += len(free)
            by_week += weekly_bound(free, self.rules.ngos.max_per_week)
        return by_days, by_week


def _runs(days: list[date]) -> list[int]:
    """Lengths of the runs of consecutive calendar days in a sorted list of days."""
    lengths: list[int] = []
    previous: date | None = None
    for day in days:
        if previous is not None and day - previous == timedelta(days=1):
            lengths[-1] += 1
        else:
            lengths.append(1)
        previous = day
    return lengths


def trainer_capacity(data: ProblemData) -> dict[str, int]:
    """Per trainer, an upper bound on the sessions they can lead in the window.

    The least of: free working days, ``max_sessions``, ``max_per_week`` in each ISO week,
    and ``max_consecutive_days`` in each run of consecutive free calendar days. A trainer
    who leads this many sessions in a valid plan can lead no other.
    """
    rules = data.constraints.trainers
    result = {}
    for trainer in data.trainers:
        free = _free_days(data.working_days, trainer.unavailable)
        weekly = weekly_bound(free, rules.max_per_week)
        in_runs = sum(length - length // (rules.max_consecutive_days + 1) for length in _runs(free))
        bound = min(len(free), weekly, in_runs)
        if trainer.max_sessions is not None:
            bound = min(bound, trainer.max_sessions)
        result[trainer.id] = bound
    return result


# ----- checks, in the order they are reported ---------------------------------------------------
def check_total_sessions(facts: _Facts) -> list[Finding]:
    """``counts``: the regions' minimum (and fixed) sessions fit under ``max_total``."""
    max_total = facts.rules.sessions.max_total
    if max_total is None:
        return []
    needed = facts.required_total
    if needed <= max_total:
        return []
    return [
        Finding(
            "counts",
            ERROR,
            f"the regions need at least {needed} sessions in all (their minimum and fixed "
            f"sessions) but sessions.max_total is {max_total}",
            "sessions.max_total",
        )
    ]


def check_region_officers(facts: _Facts) -> list[Finding]:
    """``seats``/``officer_unavailable``/``district_share``: a region has enough officers."""
    findings = []
    minimum = facts.officers_min
    for region in facts.data.regions:
        officers = len(facts.data.officers_by_region[region.id])
        never_free = facts.officers_never_free[region.id]
        required = facts.required(region)
        needed = required * minimum
        if required and officers < needed:
            findings.append(
                Finding(
                    "seats",
                    ERROR,
                    f"region {region.id} needs at least {_plural(required, 'session')} of at "
                    f"least {minimum} officers ({needed} officers) but has only "
                    f"{_plural(officers, 'officer')}",
                    region.id,
                )
            )
        elif required and officers - never_free < needed:
            findings.append(
                Finding(
                    "officer_unavailable",
                    ERROR,
                    f"region {region.id} needs at least {needed} officers "
                    f"({_plural(required, 'session')} x {minimum}) but only "
                    f"{officers - never_free} of its {officers} officers are free on some "
                    f"working day",
                    region.id,
                )
            )
        elif never_free:
            findings.append(
                Finding(
                    "officer_unavailable",
                    WARNING,
                    f"{_plural(never_free, 'officer')} of region {region.id} "
                    f"{'is' if never_free == 1 else 'are'} unavailable on every working day "
                    f"of the window and cannot be trained",
                    region.id,
                )
            )
        day_cap = facts.region_day_cap(region)
        if required and officers >= needed and day_cap < minimum:
            findings.append(
                Finding(
                    "district_share",
                    ERROR,
                    f"at most {day_cap} officers of region {region.id} may attend on any one "
                    f"day (officers.max_district_share_per_day {facts.share} of each "
                    f"district), fewer than officers.min {minimum}",
                    region.id,
                )
            )
        seats = facts.data.session_bounds(region.id).max * facts.best_seats(region)
        if officers > seats and facts.best_seats(region) > 0:
            bounds = facts.data.session_bounds(region.id)
            findings.append(
                Finding(
                    "seats",
                    WARNING,
                    f"region {region.id} has {officers} officers but at most "
                    f"{_plural(bounds.max, 'session')} x {facts.best_seats(region)} seats = "
                    f"{seats} seats: {officers - seats} cannot be trained",
                    region.id,
                )
            )
    return findings


def check_venues(facts: _Facts) -> list[Finding]:
    """``counts``/``seats``: a region that needs sessions has a venue that seats a session."""
    findings = []
    minimum = facts.officers_min
    for region in facts.data.regions:
        required = facts.required(region)
        usable = facts.usable_venues(region)
        if required and not region.venues:
            findings.append(
                Finding(
                    "counts",
                    ERROR,
                    f"region {region.id} needs at least {_plural(required, 'session')} but "
                    f"has no venue",
                    region.id,
                )
            )
        elif required and not usable:
            largest = max(region.venues, key=lambda v: v.capacity)
            findings.append(
                Finding(
                    "seats",
                    ERROR,
                    f"no venue of region {region.id} seats officers.min {minimum} officers "
                    f"(largest: {largest.id}, {_plural(largest.capacity, 'seat')})",
                    region.id,
                )
            )
        else:
            findings.extend(
                Finding(
                    "seats",
                    WARNING,
                    f"venue {venue.id} (region {region.id}) has "
                    f"{_plural(venue.capacity, 'seat')}, fewer than officers.min {minimum}: "
                    f"no session can take place there",
                    venue.id,
                )
                for venue in region.venues
                if venue.capacity < minimum
            )
    return findings


def check_region_days(facts: _Facts) -> list[Finding]:
    """``calendar``/``venue_unavailable``: the window has days enough for a region's sessions."""
    findings: list[Finding] = []
    working = len(facts.working_days)
    if not working:
        return findings  # check_window reports the empty window once
    for region, required in facts.needing:
        if working * facts.per_day < required:
            findings.append(
                Finding(
                    "calendar",
                    ERROR,
                    f"region {region.id} needs {_plural(required, 'session')} but the window "
                    f"has {_plural(working, 'working day')} and at most {facts.per_day} a day "
                    f"in a region (sessions.max_per_region_per_day)",
                    region.id,
                )
            )
            continue
        usable = facts.usable_venues(region)
        if not usable:
            continue  # reported by check_venues
        venue_days = sum(
            min(
                facts.per_day,
                sum(1 for venue in usable if not in_date_set(day, venue.unavailable)),
            )
            for day in facts.working_days
        )
        if venue_days < required:
            findings.append(
                Finding(
                    "venue_unavailable",
                    ERROR,
                    f"region {region.id} needs {_plural(required, 'session')} but its venues "
                    f"can host only {venue_days} on the working days they are free (one "
                    f"session a venue a day, at most {facts.per_day} a day in a region)",
                    region.id,
                )
            )
    return findings


def check_ngos(facts: _Facts) -> list[Finding]:
    """``ngo_count``/``ngo_unavailable``/``ngo_per_week``: a region's NGOs can cover it."""
    findings = []
    per_session = facts.ngos_per_session
    if per_session == 0:
        return []
    for region, required in facts.needing:
        if len(region.ngos) < per_session:
            has = "none" if not region.ngos else f"only {len(region.ngos)}"
            findings.append(
                Finding(
                    "ngo_count",
                    ERROR,
                    f"region {region.id} needs {_plural(per_session, 'NGO')} a session "
                    f"(ngos.per_session) but has {has}",
                    region.id,
                )
            )
            continue
        needed = required * per_session
        by_days, by_week = facts.ngo_capacity(region)
        if by_week < needed and facts.working_days:
            rule = "ngo_unavailable" if by_days < needed else "ngo_per_week"
            findings.append(
                Finding(
                    rule,
                    ERROR,
                    f"region {region.id} needs {_plural(needed, 'NGO-day')} "
                    f"({_plural(required, 'session')} x {per_session}) but its "
                    f"{_plural(len(region.ngos), 'NGO')} can give at most {by_week} (free "
                    f"working days, at most {facts.rules.ngos.max_per_week} a week each)",
                    region.id,
                )
            )
    return findings


def check_region_trainers(facts: _Facts) -> list[Finding]:
    """``trainer_count``: enough trainers may teach in a region, with days enough."""
    findings = []
    per_session = facts.trainers_per_session
    for region, required in facts.needing:
        allowed = facts.allowed_trainers(region)
        if len(allowed) < per_session:
            who = "no trainer" if not allowed else f"only {_plural(len(allowed), 'trainer')}"
            findings.append(
                Finding(
                    "trainer_count",
                    ERROR,
                    f"region {region.id} needs {_plural(per_session, 'trainer')} a session "
                    f"(trainers.per_session) but {who} may teach there (trainers' regions)",
                    region.id,
                )
            )
            continue
        needed = required * per_session
        capacity = sum(facts.trainer_capacity[t.id] for t in allowed)
        if capacity < needed and facts.working_days:
            findings.append(
                Finding(
                    "trainer_count",
                    ERROR,
                    f"region {region.id} needs {_plural(needed, 'trainer-day')} but the "
                    f"{_plural(len(allowed), 'trainer')} who may teach there can give at most "
                    f"{capacity} in the window",
                    region.id,
                )
            )
    return findings


def check_trainer_capacity(facts: _Facts) -> list[Finding]:
    """``trainer_count``: all trainers together can give the trainer-days the sessions need."""
    needing = [region for region, _ in facts.needing]
    needed = facts.required_total * facts.trainers_per_session
    if not needed or not facts.working_days:
        return []
    useful = [
        t
        for t in facts.data.trainers
        if any(facts.data.trainer_may_teach(t.id, r.id) for r in needing)
    ]
    capacity = sum(facts.trainer_capacity[t.id] for t in useful)
    if capacity >= needed:
        return []
    rules = facts.rules.trainers
    return [
        Finding(
            "trainer_count",
            ERROR,
            f"the required sessions need at least {_plural(needed, 'trainer-day')} but the "
            f"{_plural(len(useful), 'trainer')} can give at most {capacity} in the window "
            f"(free working days, max_sessions, {rules.max_per_week} a week, "
            f"{_plural(rules.max_consecutive_days, 'day')} in a row)",
            "trainers",
        )
    ]


def check_trainers(facts: _Facts) -> list[Finding]:
    """Warnings about trainers who can lead no session at all."""
    findings = []
    for trainer in facts.data.trainers:
        if trainer.regions == []:
            findings.append(
                Finding(
                    "trainer_region",
                    WARNING,
                    f"trainer {trainer.id} may teach in no region (regions: [])",
                    trainer.id,
                )
            )
        if facts.working_days and not _free_days(facts.working_days, trainer.unavailable):
            findings.append(
                Finding(
                    "trainer_unavailable",
                    WARNING,
                    f"trainer {trainer.id} is unavailable on every working day of the window",
                    trainer.id,
                )
            )
        if trainer.max_sessions == 0:
            findings.append(
                Finding(
                    "trainer_max_sessions",
                    WARNING,
                    f"trainer {trainer.id} has max_sessions 0 and can lead no session",
                    trainer.id,
                )
            )
    return findings


def check_fixed(facts: _Facts) -> list[Finding]:
    """``fixed`` and the rules a fixed session must meet on its own day."""
    findings: list[Finding] = []
    for index, entry in enumerate(facts.rules.sessions.fixed):
        findings.extend(_check_one_fixed(facts, index, entry))
    findings.extend(_check_fixed_together(facts))
    return findings


def _check_one_fixed(facts: _Facts, index: int, entry: FixedSession) -> list[Finding]:
    data = facts.data
    region = data.region_by_id[entry.region]
    day = entry.date
    subject = f"sessions.fixed.{index}"
    label = f"fixed session {index} ({region.id}, {day})"
    findings = []

    def add(rule: str, message: str) -> None:
        findings.append(Finding(rule, ERROR, f"{label} {message}", subject))

    why = data.calendar.why_not_working(day)
    if why is not None:
        add("calendar", f"is {why}" if why.startswith("outside") else f"falls on {why}")

    if entry.venue is not None:
        venue = data.venue_by_id[entry.venue]
        if in_date_set(day, venue.unavailable):
            add("venue_unavailable", f"is at venue {venue.id}, which is unavailable that day")
        if venue.capacity < facts.officers_min:
            add(
                "seats",
                f"is at venue {venue.id}, which has {_plural(venue.capacity, 'seat')}, "
                f"fewer than officers.min {facts.officers_min}",
            )
    elif facts.usable_venues(region) and not any(
        not in_date_set(day, v.unavailable) for v in facts.usable_venues(region)
    ):
        add(
            "venue_unavailable",
            f"has no venue: every venue of region {region.id} that seats officers.min is "
            f"unavailable that day",
        )

    named = entry.trainers or []
    per_session = facts.trainers_per_session
    if len(named) > per_session:
        add(
            "trainer_count",
            f"names {_plural(len(named), 'trainer')} but a session has exactly {per_session} "
            f"(trainers.per_session)",
        )
    for trainer_id in named:
        trainer = data.trainer_by_id[trainer_id]
        if not data.trainer_may_teach(trainer_id, region.id):
            add("trainer_region", f"names trainer {trainer_id}, who may not teach in {region.id}")
        if in_date_set(day, trainer.unavailable):
            add("trainer_unavailable", f"names trainer {trainer_id}, who is unavailable that day")
    still_needed = per_session - len(named)
    if still_needed > 0:
        free = [
            t
            for t in facts.allowed_trainers(region)
            if t.id not in named and not in_date_set(day, t.unavailable)
        ]
        if len(free) < still_needed:
            wanted = _plural(still_needed, "more trainer" if named else "trainer")
            have = "no trainer" if not free else f"only {_plural(len(free), 'trainer')}"
            add(
                "trainer_unavailable",
                f"needs {wanted} but {have} who may teach in {region.id} "
                f"{'is' if len(free) <= 1 else 'are'} free that day",
            )

    if facts.ngos_per_session:
        free_ngos = [n for n in region.ngos if not in_date_set(day, n.unavailable)]
        if len(free_ngos) < facts.ngos_per_session:
            have = "none" if not free_ngos else f"only {len(free_ngos)}"
            add(
                "ngo_unavailable",
                f"needs {_plural(facts.ngos_per_session, 'NGO')} but {have} of region "
                f"{region.id}'s NGOs {'is' if len(free_ngos) <= 1 else 'are'} free that day",
            )

    free_by_district: Counter[str] = Counter(
        o.district
        for o in data.officers_by_region[region.id]
        if not in_date_set(day, o.unavailable)
    )
    free_officers = sum(free_by_district.values())
    allowed = sum(min(n, data.district_day_cap(d)) for d, n in free_by_district.items())
    if free_officers < facts.officers_min:
        add(
            "officer_unavailable",
            f"needs at least {facts.officers_min} officers but only {free_officers} of region "
            f"{region.id} are free that day",
        )
    elif allowed < facts.officers_min:
        add(
            "district_share",
            f"needs at least {facts.officers_min} officers but the district share allows only "
            f"{allowed} of region {region.id} that day",
        )
    return findings


def _check_fixed_together(facts: _Facts) -> list[Finding]:
    """Fixed sessions that clash with each other or with a region's session range."""
    findings = []
    fixed = facts.rules.sessions.fixed
    per_region_day = Counter((e.region, e.date) for e in fixed)
    for (region_id, day), count in sorted(per_region_day.items()):
        if count > facts.per_day:
            findings.append(
                Finding(
                    "region_per_day",
                    ERROR,
                    f"region {region_id} has {count} fixed sessions on {day} but at most "
                    f"{facts.per_day} a day (sessions.max_per_region_per_day)",
                    region_id,
                )
            )
    per_venue_day = Counter((e.venue, e.date) for e in fixed if e.venue is not None)
    for (venue_id, day), count in sorted(per_venue_day.items()):
        if count > 1:
            findings.append(
                Finding(
                    "venue_clash",
                    ERROR,
                    f"venue {venue_id} has {count} fixed sessions on {day} but hosts at most "
                    f"one a day",
                    venue_id,
                )
            )
    per_trainer_day = Counter((t, e.date) for e in fixed for t in e.trainers or [])
    for (trainer_id, day), count in sorted(per_trainer_day.items()):
        if count > 1:
            findings.append(
                Finding(
                    "trainer_per_day",
                    ERROR,
                    f"trainer {trainer_id} is named in {count} fixed sessions on {day} but "
                    f"leads at most one a day",
                    trainer_id,
                )
            )
    for region in facts.data.regions:
        count = len(facts.fixed_by_region[region.id])
        bounds = facts.data.session_bounds(region.id)
        if count > bounds.max:
            findings.append(
                Finding(
                    "counts",
                    ERROR,
                    f"region {region.id} has {count} fixed sessions but at most "
                    f"{_plural(bounds.max, 'session')} (its sessions.max)",
                    region.id,
                )
            )
    return findings


def check_budget(facts: _Facts) -> list[Finding]:
    """``budget``: ``budget_eur`` covers the cheapest possible cost of the required sessions.

    Each required session at its least: the cheapest trainers allowed there (day rate, trip,
    per diem, hotel), the cheapest venue's hire, catering for ``officers.min`` officers, the
    trainers and the NGOs, and those officers' travel.
    """
    budget = facts.rules.budget_eur
    if budget is None:
        return []
    data = facts.data
    rules = facts.rules
    people = rules.sessions.officers.min + facts.trainers_per_session + rules.ngos.per_session
    per_session_extra = (
        people * rules.sessions.per_person_eur
        + rules.sessions.officers.min * rules.officers.travel_eur
    )
    cheapest = 0.0
    sessions = 0
    extras = bool(per_session_extra)
    for region in data.regions:
        required = facts.required(region)
        venues = facts.usable_venues(region) or region.venues
        allowed = facts.allowed_trainers(region)
        if not required or not venues or len(allowed) < facts.trainers_per_session:
            continue  # nothing needed here, or reported as an error of its own
        per_trainer = sorted(
            min(sum(data.assignment_parts_eur(t.id, v.id).values()) for v in venues)
            for t in allowed
        )
        hire = min(v.day_rate_eur for v in venues)
        extras = extras or bool(hire) or any(t.per_diem_eur or t.hotel_eur for t in allowed)
        cheapest += required * (
            sum(per_trainer[: facts.trainers_per_session]) + hire + per_session_extra
        )
        sessions += required
    # Half a cent of slack: the bound is a sum of rounded figures on the solver's side.
    if not sessions or budget >= cheapest - 0.005:
        return []
    how = (
        f"each with the cheapest trainer who may teach there, the cheapest venue and "
        f"{rules.sessions.officers.min} officers: every cost at its least"
        if extras
        else "each with the cheapest trainer who may teach there: day rate plus travel from home"
    )
    return [
        Finding(
            "budget",
            ERROR,
            f"budget_eur {_eur(budget)} is below the cheapest possible cost of the "
            f"{_plural(sessions, 'required session')}, {_eur(cheapest)} ({how})",
            "budget_eur",
        )
    ]


def check_window(facts: _Facts) -> list[Finding]:
    """``calendar``: the window has at least one working day (an error if sessions are due)."""
    if facts.working_days:
        return []
    window = facts.rules.window
    needed = facts.required_total
    return [
        Finding(
            "calendar",
            ERROR if needed else WARNING,
            f"the window {window.start}..{window.end} has no working day"
            + (f" but {_plural(needed, 'session')} are required" if needed else ""),
            "window",
        )
    ]


_CHECKS: tuple[Callable[[_Facts], list[Finding]], ...] = (
    check_window,
    check_total_sessions,
    check_region_officers,
    check_venues,
    check_region_days,
    check_ngos,
    check_region_trainers,
    check_trainer_capacity,
    check_fixed,
    check_budget,
    check_trainers,
)


def check_course_seats(facts: _Facts) -> list[Finding]:
    """``counts``/``seats`` of a programme in stages: per course, its minimum sessions fit
    under its ``max_total``; per region and course, enough members for the minimum sessions,
    and a warning where its sessions cannot seat them all."""
    data = facts.data
    findings = []
    for course in data.courses:
        required = {r.id: data.session_bounds(r.id, course.id).min for r in data.regions}
        if course.max_total is not None and sum(required.values()) > course.max_total:
            findings.append(
                Finding(
                    "counts",
                    ERROR,
                    f"the regions need at least {sum(required.values())} sessions of course "
                    f"{course.id} in all but courses.{course.id}.max_total is {course.max_total}",
                    f"courses.{course.id}.max_total",
                )
            )
        for region in data.regions:
            members = [o for o in data.course_members(course.id) if o.region == region.id]
            low, high = course.officers.min, course.officers.max
            needed = required[region.id] * low
            if needed and len(members) < needed:
                findings.append(
                    Finding(
                        "seats",
                        ERROR,
                        f"region {region.id} needs at least "
                        f"{_plural(required[region.id], 'session')} of course {course.id} of at "
                        f"least {low} officers ({needed}) but has only "
                        f"{_plural(len(members), 'officer')} of that course",
                        region.id,
                    )
                )
            best = max(
                (min(high, v.capacity) for v in region.venues if v.capacity >= low), default=0
            )
            most = data.session_bounds(region.id, course.id).max
            if best and len(members) > most * best:
                findings.append(
                    Finding(
                        "seats",
                        WARNING,
                        f"region {region.id} has {len(members)} officers of course {course.id} "
                        f"but at most {_plural(most, 'session')} x {best} seats = "
                        f"{most * best} seats: {len(members) - most * best} cannot be trained",
                        region.id,
                    )
                )
    needed = sum(data.session_bounds(r.id, c.id).min for r in data.regions for c in data.courses)
    max_total = facts.rules.sessions.max_total
    if max_total is not None and needed > max_total:
        findings.append(
            Finding(
                "counts",
                ERROR,
                f"the courses need at least {needed} sessions in all but sessions.max_total "
                f"is {max_total} (all courses together)",
                "sessions.max_total",
            )
        )
    return findings


def check_course_order(facts: _Facts) -> list[Finding]:
    """``course_order``: per region, the earlier course can finish in time: its minimum
    sessions, one a day on the first days a venue is free, leave ``min_days`` before the
    later course's fixed sessions and room for its minimum sessions before the window ends."""
    data = facts.data
    findings = []
    for course in data.courses:
        after = course.after
        if after is None:
            continue
        for region in data.regions:
            days = sorted(
                d
                for d in facts.working_days
                if any(not in_date_set(d, v.unavailable) for v in region.venues)
            )
            first_need = max(1, data.session_bounds(region.id, after.course).min)
            later_need = data.session_bounds(region.id, course.id).min
            if len(days) < first_need:
                continue  # the venues' and window's own checks report this
            per_day = facts.per_day
            finish = days[(first_need - 1) // per_day] if after.by == "region" else days[0]
            ready = finish + timedelta(days=after.min_days)
            fixed = [
                e
                for e in facts.rules.sessions.fixed
                if e.region == region.id and (e.course or data.default_course) == course.id
            ]
            early = [e for e in fixed if e.date < ready]
            room = sum(1 for d in days if d >= ready) * per_day
            if early:
                short = (ready - early[0].date).days
                findings.append(
                    Finding(
                        "course_order",
                        ERROR,
                        f"region {region.id}: course {after.course} cannot finish in time for "
                        f"the fixed {course.id} session on {early[0].date}: its sessions end "
                        f"on {finish} at the earliest, {after.min_days} days before is "
                        f"{ready}; the order would have to give {short} day(s)",
                        course.id,
                    )
                )
            elif later_need > room:
                latest = days[-min(len(days), -(-later_need // per_day))]
                give = (ready - latest).days
                findings.append(
                    Finding(
                        "course_order",
                        ERROR,
                        f"region {region.id}: course {after.course} ends on {finish} at the "
                        f"earliest, and the {_plural(later_need, 'session')} of course "
                        f"{course.id} it must precede by {after.min_days} days do not fit in "
                        f"the {_plural(room, 'session day')} left from {ready}; the order "
                        f"would have to give {give} day(s)",
                        course.id,
                    )
                )
    return findings


_STAGED_CHECKS: tuple[Callable[[_Facts], list[Finding]], ...] = (
    check_window,
    check_course_seats,
    check_course_order,
    check_venues,
    check_region_days,
    check_ngos,
    check_fixed,
    check_trainers,
)
"""The pre-checks of a programme in stages: those that count sessions per course, and the
others that hold whatever a session's course (the per-session trainer and budget estimates
assume one course and are left out)."""

__all__ = ["ERROR", "WARNING", "Finding", "Severity", "diagnose", "district_day_cap"]
