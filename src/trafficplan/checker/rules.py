"""One function per hard rule of the spec (section 2), named ``check_<rule id>``.

Each takes the :class:`~trafficplan.checker.view.PlanView` and returns the rule's violations.
They share nothing with the solver: only the data's lookups, the working-day calendar, ISO
weeks and the distance function. Where a violation involves several sessions, it names the
latest of them and its day (so it lies in the frozen past exactly when that day does).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from trafficplan.checker.metrics import exact_cost_eur, plan_cost_eur
from trafficplan.checker.report import Violation
from trafficplan.checker.view import PlanView, by_day, distinct, session_ids
from trafficplan.inputs.calendar import iso_week
from trafficplan.inputs.dates import DateRange, in_date_set
from trafficplan.inputs.models import FixedSession
from trafficplan.plan import PlanSession
from trafficplan.rulebook import RULE_IDS as SPEC_RULE_IDS
from trafficplan.rulebook import RULES, checks

RuleCheck = Callable[[PlanView], list[Violation]]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _range_text(low: int, high: int) -> str:
    return f"exactly {low}" if low == high else f"{low} to {high}"


def _at(
    rule: str, session: PlanSession, who: str | None, message: str, subject: str | None = None
) -> Violation:
    """A violation of ``rule`` that names ``session`` and its day (of several sessions, pass
    the latest)."""
    return Violation(rule, session.id, who, session.date, message, subject=subject)


# ----- 1. calendar -------------------------------------------------------------------------
@checks("calendar")
def check_calendar(view: PlanView) -> list[Violation]:
    """Every session is on a working day of the window."""
    violations = []
    for session in view.sessions:
        reason = view.data.calendar.why_not_working(session.date)
        if reason is not None:
            message = f"session {session.id} ({session.region}) on {session.date} is {reason}"
            violations.append(_at("calendar", session, None, message))
    return violations


# ----- 2. counts ---------------------------------------------------------------------------
@checks("counts")
def check_counts(view: PlanView) -> list[Violation]:
    """Each region runs between its min and max sessions (of each course, in a programme in
    stages); each course at most its ``max_total``; the total is at most max_total."""
    data = view.data
    courses: list[str | None] = [c.id for c in data.courses] if data.staged else [None]
    violations = []
    for region in data.regions:
        for course in courses:
            count = sum(
                1
                for s in view.sessions_of_region[region.id]
                if course is None or view.course_of(s) == course
            )
            bounds = data.session_bounds(region.id, course)
            if not bounds.min <= count <= bounds.max:
                of_course = f" of course {course}" if course else ""
                message = (
                    f"region {region.id} runs {_plural(count, 'session')}{of_course}; "
                    f"it must run {_range_text(bounds.min, bounds.max)}"
                )
                violations.append(
                    Violation("counts", None, region.id, None, message, subject=region.id)
                )
    if data.staged:
        totals = Counter(view.course_of(s) for s in view.sessions)
        for spec in data.courses:
            if spec.max_total is not None and totals[spec.id] > spec.max_total:
                message = (
                    f"the plan has {_plural(totals[spec.id], 'session')} of course "
                    f"{spec.id}; courses.{spec.id}.max_total allows {spec.max_total}"
                )
                violations.append(
                    Violation("counts", None, None, None, message, subject=f"max_total:{spec.id}")
                )
    max_total = data.constraints.sessions.max_total
    if max_total is not None and len(view.sessions) > max_total:
        message = (
            f"the plan has {_plural(len(view.sessions), 'session')}; "
            f"sessions.max_total allows {max_total}"
            + (" (all courses together)" if data.staged else "")
        )
        violations.append(Violation("counts", None, None, None, message))
    return violations


# ----- 3. fixed ----------------------------------------------------------------------------
def _fits_fixed(entry: FixedSession, session: PlanSession, first_course: str = "") -> bool:
    if session.region != entry.region or session.date != entry.date:
        return False
    if (session.course or first_course) != (entry.course or first_course):
        return False
    if entry.venue is not None and session.venue != entry.venue:
        return False
    if entry.ngos is not None and not set(entry.ngos) <= set(session.ngos):
        return False
    return entry.trainers is None or set(entry.trainers) <= set(session.trainers)


def _match_fixed(candidates: list[list[int]]) -> list[int | None]:
    """A maximum matching of fixed entries to distinct sessions (augmenting paths)."""
    owner: dict[int, int] = {}

    def augment(entry: int, seen: set[int]) -> bool:
        for session in candidates[entry]:
            if session in seen:
                continue
            seen.add(session)
            if session not in owner or augment(owner[session], seen):
                owner[session] = entry
                return True
        return False

    for entry in range(len(candidates)):
        augment(entry, set())
    matched: list[int | None] = [None] * len(candidates)
    for session, entry in owner.items():
        matched[entry] = session
    return matched


def _describe_fixed(index: int, entry: FixedSession) -> str:
    text = f"fixed session {index} ({entry.region} on {entry.date}"
    if entry.venue is not None:
        text += f" at {entry.venue}"
    if entry.trainers:
        text += f" with {', '.join(entry.trainers)}"
    if entry.ngos:
        text += f" with NGO {', '.join(entry.ngos)}"
    return text + ")"


@checks("fixed")
def check_fixed(view: PlanView) -> list[Violation]:
    """Every fixed entry is matched by a distinct session in that region on that date (at
    that venue, with those trainers, where the entry names them)."""
    entries = view.data.constraints.sessions.fixed
    candidates = [
        [
            i
            for i, session in enumerate(view.sessions)
            if _fits_fixed(entry, session, view.data.default_course)
        ]
        for entry in entries
    ]
    violations = []
    for index, (entry, matched) in enumerate(zip(entries, _match_fixed(candidates), strict=True)):
        if matched is not None:
            continue
        same_day = [s for s in view.sessions if s.region == entry.region and s.date == entry.date]
        if not same_day:
            reason = f"{entry.region} has no session that day"
        elif not candidates[index]:
            reason = (
                f"{entry.region}'s sessions that day ({session_ids(same_day)}) "
                "are of another course, at another venue or lack a named trainer or NGO"
                if view.data.staged
                else "are at another venue or lack a named trainer or NGO"
            )
        else:
            reason = "every session that fits already stands for another fixed entry"
        violations.append(
            Violation(
                "fixed",
                same_day[-1].id if same_day else None,
                entry.venue,
                entry.date,
                f"{_describe_fixed(index, entry)} has no matching session: {reason}",
                subject=str(index),
            )
        )
    return violations


# ----- 4. venues and regions per day -------------------------------------------------------
@checks("venue_clash")
def check_venue_clash(view: PlanView) -> list[Violation]:
    """A venue hosts at most one session a day."""
    groups: dict[tuple[str, date], list[PlanSession]] = defaultdict(list)
    for session in view.sessions:
        groups[(session.venue, session.date)].append(session)
    violations = []
    for (venue, day), sessions in groups.items():
        if len(sessions) > 1:
            message = (
                f"venue {venue} hosts {len(sessions)} sessions on {day}: {session_ids(sessions)}"
            )
            violations.append(_at("venue_clash", sessions[-1], venue, message))
    return violations


@checks("venue_unavailable")
def check_venue_unavailable(view: PlanView) -> list[Violation]:
    """A session's venue belongs to its region and is available on its day."""
    violations = []
    for session in view.sessions:
        venue = view.data.venue_by_id[session.venue]
        venue_region = view.data.region_of_venue[venue.id]
        if venue_region != session.region:
            message = (
                f"session {session.id} of {session.region} is at venue {venue.id}, "
                f"which belongs to {venue_region}"
            )
        elif not view.data.available(venue.unavailable, session.date):
            message = f"venue {venue.id} is unavailable on {session.date} (session {session.id})"
        else:
            continue
        violations.append(_at("venue_unavailable", session, session.venue, message))
    return violations


@checks("region_per_day")
def check_region_per_day(view: PlanView) -> list[Violation]:
    """A region has at most ``max_per_region_per_day`` sessions a day."""
    limit = view.data.constraints.sessions.max_per_region_per_day
    violations = []
    for region, sessions in view.sessions_of_region.items():
        for day, that_day in by_day(sessions).items():
            if len(that_day) > limit:
                message = (
                    f"region {region} has {len(that_day)} sessions on {day} "
                    f"({session_ids(that_day)}); at most {limit} a day"
                )
                violations.append(_at("region_per_day", that_day[-1], region, message))
    return violations


# ----- 5. seats ----------------------------------------------------------------------------
@checks("seats")
def check_seats(view: PlanView) -> list[Violation]:
    """A session has between ``officers.min`` and ``min(officers.max, capacity)`` officers."""
    violations = []
    staged = view.data.staged
    for session in view.sessions:
        course = view.course_of(session) if staged else None
        low, high = view.data.seat_range(session.venue, course)
        count = len(distinct(session.officers))
        if low <= count <= high:
            continue
        capacity = view.data.venue_by_id[session.venue].capacity
        too_many_for_venue = count > high and high == capacity
        why = f" (venue {session.venue} seats {capacity})" if too_many_for_venue else ""
        message = (
            f"session {session.id} has {_plural(count, 'officer')}; "
            f"it must have {_range_text(low, high)}{why}"
            + (f" (course {course})" if course else "")
        )
        violations.append(_at("seats", session, session.venue, message))
    return violations


# ----- 6. officers -------------------------------------------------------------------------
@checks("officer_once")
def check_officer_once(view: PlanView) -> list[Violation]:
    """An officer attends at most one session (and is listed once in it)."""
    violations = []
    for session in view.sessions:
        for officer, times in Counter(session.officers).items():
            if times > 1:
                message = f"officer {officer} is listed {times} times in session {session.id}"
                violations.append(_at("officer_once", session, officer, message))
    for officer, attended in view.sessions_of_officer.items():
        # in a programme in stages, once per course
        by_course: dict[str, list[PlanSession]] = defaultdict(list)
        for session in attended:
            by_course[view.course_of(session) if view.data.staged else ""].append(session)
        for sessions in by_course.values():
            if len(sessions) <= 1:
                continue
            message = f"officer {officer} attends {len(sessions)} sessions: " + ", ".join(
                f"{s.id} on {s.date}" for s in sessions
            )
            violations.append(_at("officer_once", sessions[-1], officer, message))
    return violations


@checks("officer_region")
def check_officer_region(view: PlanView) -> list[Violation]:
    """An officer attends sessions of their own region only."""
    violations = []
    for session, officer in view.attendances():
        course = view.course_of(session)
        if view.data.staged and course not in view.data.officer_courses(officer):
            roles = ", ".join(view.data.course_of(course).roles)
            message = (
                f"officer {officer.id} (role {officer.role}) attends session "
                f"{session.id} of course {course}, which is for {roles}"
            )
            violations.append(_at("officer_region", session, officer.id, message))
        if officer.region != session.region:
            message = (
                f"officer {officer.id} of {officer.region} attends session {session.id} "
                f"in {session.region}"
            )
            violations.append(_at("officer_region", session, officer.id, message))
    return violations


@checks("officer_unavailable")
def check_officer_unavailable(view: PlanView) -> list[Violation]:
    """An officer attends no session on a day they are unavailable."""
    violations = []
    for session, officer in view.attendances():
        if not view.data.available(officer.unavailable, session.date):
            message = (
                f"officer {officer.id} is unavailable on {session.date} (session {session.id})"
            )
            violations.append(_at("officer_unavailable", session, officer.id, message))
    return violations


@checks("district_share")
def check_district_share(view: PlanView) -> list[Violation]:
    """On any day, a district's officers attending sessions stay within its daily cap."""
    share = view.data.constraints.officers.max_district_share_per_day
    sizes = view.data.district_sizes
    violations = []
    for day, sessions in by_day(view.sessions).items():
        attending: dict[str, set[str]] = defaultdict(set)
        sessions_of_district: dict[str, list[PlanSession]] = defaultdict(list)
        for session, officer in view.attendances(sessions):
            attending[officer.district].add(officer.id)
            seen = sessions_of_district[officer.district]
            if not seen or seen[-1] is not session:
                seen.append(session)
        for district, officers in sorted(attending.items()):
            size = sizes.get(district, 0)
            cap = view.data.district_day_cap(district)
            if len(officers) > cap:
                involved = sessions_of_district[district]
                message = (
                    f"{len(officers)} officers of district {district} attend on {day} "
                    f"({session_ids(involved)}); at most {cap} of its {size} may "
                    f"(share {share})"
                )
                violations.append(_at("district_share", involved[-1], district, message))
    return violations


# ----- 7. trainers -------------------------------------------------------------------------
def _exact_count(
    rule: str, noun: str, wanted: int, sessions: list[PlanSession], listed: str
) -> list[Violation]:
    """Sessions whose ``listed`` ids (trainers or NGOs) are not exactly ``wanted`` distinct
    ones, each listed once."""
    violations = []
    for session in sessions:
        ids: list[str] = getattr(session, listed)
        unique = distinct(ids)
        repeated = [i for i in unique if ids.count(i) > 1]
        if len(unique) != wanted:
            named = f" ({', '.join(unique)})" if unique else ""
            message = (
                f"session {session.id} has {_plural(len(unique), noun)}{named}; "
                f"it needs exactly {wanted}"
            )
        elif repeated:
            message = f"session {session.id} lists {noun} {repeated[0]} more than once"
        else:
            continue
        violations.append(_at(rule, session, None, message))
    return violations


@checks("trainer_count")
def check_trainer_count(view: PlanView) -> list[Violation]:
    """A session has exactly ``trainers.per_session`` distinct trainers, each listed once."""
    data = view.data
    if not data.staged:
        wanted = data.constraints.trainers.per_session
        return _exact_count("trainer_count", "trainer", wanted, view.sessions, "trainers")
    violations = []
    for course in data.courses:
        sessions = [s for s in view.sessions if view.course_of(s) == course.id]
        wanted = course.trainers_per_session
        violations += _exact_count("trainer_count", "trainer", wanted, sessions, "trainers")
    return violations


@checks("trainer_region")
def check_trainer_region(view: PlanView) -> list[Violation]:
    """A trainer teaches only in the regions their ``regions`` list allows."""
    violations = []
    for trainer_id, sessions in view.sessions_of_trainer.items():
        allowed = view.data.trainer_by_id[trainer_id].regions
        for session in sessions:
            if not view.data.trainer_may_teach(trainer_id, session.region):
                message = (
                    f"trainer {trainer_id} may not teach in {session.region} "
                    f"(session {session.id}); allowed: {', '.join(allowed or [])}"
                )
                violations.append(_at("trainer_region", session, trainer_id, message))
    return violations


def _on_leave(
    rule: str,
    noun: str,
    sessions_of: dict[str, list[PlanSession]],
    unavailable_of: Callable[[str], tuple[DateRange, ...]],
) -> list[Violation]:
    """Sessions a person (trainer or NGO) attends on a day of their unavailability."""
    violations = []
    for who, sessions in sessions_of.items():
        unavailable = unavailable_of(who)
        for session in sessions:
            if in_date_set(session.date, unavailable):
                message = f"{noun} {who} is unavailable on {session.date} (session {session.id})"
                violations.append(_at(rule, session, who, message))
    return violations


@checks("trainer_unavailable")
def check_trainer_unavailable(view: PlanView) -> list[Violation]:
    """A trainer teaches no session on a day they are unavailable."""
    trainers = view.data.trainer_by_id
    return _on_leave(
        "trainer_unavailable",
        "trainer",
        view.sessions_of_trainer,
        lambda trainer_id: trainers[trainer_id].unavailable,
    )


def _once_a_day(
    rule: str, noun: str, verb: str, sessions_of: dict[str, list[PlanSession]]
) -> list[Violation]:
    """Violations of "at most one session a day" for each person of ``sessions_of``."""
    violations = []
    for who, sessions in sessions_of.items():
        for day, that_day in by_day(sessions).items():
            if len(that_day) > 1:
                message = (
                    f"{noun} {who} {verb} {len(that_day)} sessions on {day}: "
                    f"{session_ids(that_day)}"
                )
                violations.append(_at(rule, that_day[-1], who, message))
    return violations


def _weekly_cap(
    rule: str, noun: str, verb: str, sessions_of: dict[str, list[PlanSession]], limit: int
) -> list[Violation]:
    """Violations of "at most ``limit`` sessions per ISO week" for each person."""
    violations = []
    for who, sessions in sessions_of.items():
        weeks: dict[tuple[int, int], list[PlanSession]] = defaultdict(list)
        for session in sessions:
            weeks[iso_week(session.date)].append(session)
        for (year, week), that_week in weeks.items():
            if len(that_week) > limit:
                message = (
                    f"{noun} {who} {verb} {len(that_week)} sessions in week "
                    f"{year}-W{week:02d} ({session_ids(that_week)}); at most {limit}"
                )
                violations.append(_at(rule, that_week[-1], who, message))
    return violations


@checks("trainer_per_day")
def check_trainer_per_day(view: PlanView) -> list[Violation]:
    """A trainer teaches at most one session a day."""
    return _once_a_day("trainer_per_day", "trainer", "teaches", view.sessions_of_trainer)


@checks("trainer_per_week")
def check_trainer_per_week(view: PlanView) -> list[Violation]:
    """A trainer teaches at most ``trainers.max_per_week`` sessions per ISO week (Mon-Sun)."""
    limit = view.data.constraints.trainers.max_per_week
    return _weekly_cap("trainer_per_week", "trainer", "teaches", view.sessions_of_trainer, limit)


@checks("trainer_consecutive")
def check_trainer_consecutive(view: PlanView) -> list[Violation]:
    """A trainer teaches on at most ``max_consecutive_days`` consecutive calendar days."""
    limit = view.data.constraints.trainers.max_consecutive_days
    violations = []
    for trainer_id, sessions in view.sessions_of_trainer.items():
        days = sorted({s.date for s in sessions})
        runs: list[list[date]] = []
        for day in days:
            if runs and runs[-1][-1] + timedelta(days=1) == day:
                runs[-1].append(day)
            else:
                runs.append([day])
        for run in runs:
            if len(run) > limit:
                last = [s for s in sessions if s.date == run[-1]][-1]
                message = (
                    f"trainer {trainer_id} teaches on {len(run)} consecutive days "
                    f"{run[0]}..{run[-1]}; at most {limit}"
                )
                violations.append(_at("trainer_consecutive", last, trainer_id, message))
    return violations


@checks("trainer_max_sessions")
def check_trainer_max_sessions(view: PlanView) -> list[Violation]:
    """A trainer teaches at most their ``max_sessions`` over the whole window."""
    violations = []
    for trainer_id, sessions in view.sessions_of_trainer.items():
        cap = view.data.trainer_by_id[trainer_id].max_sessions
        if cap is not None and len(sessions) > cap:
            message = (
                f"trainer {trainer_id} teaches {len(sessions)} sessions; max_sessions is {cap}"
            )
            violations.append(_at("trainer_max_sessions", sessions[-1], trainer_id, message))
    return violations


# ----- 8. travel ---------------------------------------------------------------------------
def travel_days(road_km: float, same_evening_km: float, km_per_day: float) -> int:
    """Days of travel needed between two sessions this many road km apart."""
    if road_km <= same_evening_km:
        return 0
    return math.ceil(road_km / km_per_day)


def _km_text(road_km: float, same_evening_km: float) -> str:
    # Near the same-evening threshold a rounded figure would seem to contradict the verdict.
    if abs(road_km - same_evening_km) < 1:
        return f"{road_km:,.1f}"
    return f"{road_km:,.0f}"


@checks("travel")
def check_travel(view: PlanView) -> list[Violation]:
    """For every pair of a trainer's sessions on days d1 < d2 in different regions (not only
    successive ones): ``d2 - d1 >= 1 + travel days`` between the two venues."""
    travel = view.data.constraints.trainers.travel
    distances: dict[tuple[str, str], float] = {}
    violations = []
    for trainer_id, sessions in view.sessions_of_trainer.items():
        for later_index, later in enumerate(sessions):
            for earlier in sessions[:later_index]:
                if earlier.date >= later.date or earlier.region == later.region:
                    continue
                key = (earlier.venue, later.venue)
                if key not in distances:
                    distances[key] = view.data.venue_road_km(earlier.venue, later.venue)
                km = distances[key]
                needed = travel_days(km, travel.same_evening_km, travel.km_per_day)
                if (later.date - earlier.date).days >= 1 + needed:
                    continue
                message = (
                    f"trainer {trainer_id} teaches in {earlier.region} on {earlier.date} "
                    f"and {later.region} on {later.date}; "
                    f"{_km_text(km, travel.same_evening_km)} road km need "
                    f"{_plural(needed, 'travel day')}"
                )
                violations.append(_at("travel", later, trainer_id, message))
    return violations


# ----- 9. NGOs -----------------------------------------------------------------------------
@checks("ngo_count")
def check_ngo_count(view: PlanView) -> list[Violation]:
    """A session has exactly ``ngos.per_session`` distinct NGOs, each listed once."""
    wanted = view.data.constraints.ngos.per_session
    return _exact_count("ngo_count", "NGO", wanted, view.sessions, "ngos")


@checks("ngo_region")
def check_ngo_region(view: PlanView) -> list[Violation]:
    """A session's NGOs belong to the session's region."""
    violations = []
    for ngo_id, sessions in view.sessions_of_ngo.items():
        ngo_region = view.data.region_of_ngo[ngo_id]
        for session in sessions:
            if ngo_region != session.region:
                message = (
                    f"NGO {ngo_id} of {ngo_region} is in session {session.id} in {session.region}"
                )
                violations.append(_at("ngo_region", session, ngo_id, message))
    return violations


@checks("ngo_unavailable")
def check_ngo_unavailable(view: PlanView) -> list[Violation]:
    """An NGO takes part in no session on a day it is unavailable."""
    ngos = view.data.ngo_by_id
    return _on_leave(
        "ngo_unavailable", "NGO", view.sessions_of_ngo, lambda ngo_id: ngos[ngo_id].unavailable
    )


@checks("ngo_per_day")
def check_ngo_per_day(view: PlanView) -> list[Violation]:
    """An NGO takes part in at most one session a day."""
    return _once_a_day("ngo_per_day", "NGO", "is in", view.sessions_of_ngo)


@checks("ngo_per_week")
def check_ngo_per_week(view: PlanView) -> list[Violation]:
    """An NGO takes part in at most ``ngos.max_per_week`` sessions per ISO week (Mon-Sun)."""
    limit = view.data.constraints.ngos.max_per_week
    return _weekly_cap("ngo_per_week", "NGO", "is in", view.sessions_of_ngo, limit)


# ----- 10. budget --------------------------------------------------------------------------
BUDGET_SLACK_EUR = 1e-6
"""Float noise below a millionth of a euro is not an overrun."""


@checks("budget")
def check_budget(view: PlanView) -> list[Violation]:
    """The plan's cost is at most ``budget_eur`` when one is set.

    The rule holds for the exact, unrounded cost (spec 6.6). The message gives the plan's
    ``cost_eur`` (each item to the cent, the figure every output shows) and, only where the
    rounding decides (``cost_eur`` within the budget, the exact cost above it), the exact cost
    too.
    """
    budget = view.data.constraints.budget_eur
    if budget is None:
        return []
    exact = exact_cost_eur(view)
    if exact <= budget + BUDGET_SLACK_EUR:
        return []
    cost = plan_cost_eur(view)
    if cost > budget:
        message = (
            f"the plan costs {cost:,.2f} EUR; budget_eur is {budget:,.2f} "
            f"({cost - budget:,.2f} over)"
        )
    else:
        message = (
            f"the plan costs {cost:,.2f} EUR to the cent but {exact:,.4f} EUR unrounded; "
            f"budget_eur is {budget:,.2f} and holds for the unrounded cost "
            f"({exact - budget:,.4f} over)"
        )
    return [Violation("budget", None, None, None, message)]


# ----- 7.1 course_order ---------------------------------------------------------------------
@checks("course_order")
def check_course_order(view: PlanView) -> list[Violation]:
    """A course with ``after`` comes at least ``min_days`` calendar days after the earlier
    course: by region, after the region's last session of it; by district, an officer
    attends only once every officer of the earlier course from their district attended, at
    least ``min_days`` after the latest of those sessions."""
    violations = []
    for course in view.data.courses:
        if course.after is None:
            continue
        for session in view.sessions:
            if view.course_of(session) != course.id:
                continue
            if course.after.by == "region":
                violations += _order_in_region(view, course.id, session)
            else:
                violations += _order_in_district(view, course.id, session)
    return violations


def _gap(days: int) -> str:
    """``2 days after``, ``1 day before``, ``on the day of``."""
    if days == 0:
        return "on the day of"
    word = "after" if days > 0 else "before"
    return f"{_plural(abs(days), 'day')} {word}"


def _order_in_region(view: PlanView, course_id: str, session: PlanSession) -> list[Violation]:
    after = view.data.course_by_id[course_id].after
    assert after is not None
    earlier = [
        s
        for s in view.sessions_of_region.get(session.region, [])
        if view.course_of(s) == after.course and (session.date - s.date).days < after.min_days
    ]
    if not earlier:
        return []
    last = earlier[-1]
    gap = (session.date - last.date).days
    message = (
        f"session {session.id} of course {course_id} on {session.date} is {_gap(gap)} "
        f"session {last.id} of course {after.course} on {last.date} in "
        f"{session.region}; it must be at least {after.min_days} after"
    )
    return [_at("course_order", session, session.region, message, course_id)]


def _order_in_district(view: PlanView, course_id: str, session: PlanSession) -> list[Violation]:
    data = view.data
    after = data.course_by_id[course_id].after
    assert after is not None
    violations = []
    for officer_id in distinct(session.officers):
        officer = data.officer_by_id.get(officer_id)
        if officer is None:
            continue
        first = [
            o
            for o in data.course_members(after.course)
            if o.district == officer.district and o.id != officer_id
        ]
        if not first:
            continue  # a district without officers of the earlier course is unconstrained
        attended = {
            o.id: [
                s
                for s in view.sessions_of_officer.get(o.id, [])
                if view.course_of(s) == after.course
            ]
            for o in first
        }
        untrained = [o for o, sessions in attended.items() if not sessions]
        if untrained:
            message = (
                f"officer {officer_id} of district {officer.district} attends session "
                f"{session.id} of course {course_id}, but {untrained[0]} of course "
                f"{after.course} from that district is not trained"
                + (f" (and {len(untrained) - 1} more)" if len(untrained) > 1 else "")
            )
        else:
            latest = max((sessions[0] for sessions in attended.values()), key=lambda s: s.date)
            gap = (session.date - latest.date).days
            if gap >= after.min_days:
                continue
            message = (
                f"officer {officer_id} of district {officer.district} attends session "
                f"{session.id} of course {course_id} on {session.date}, {_gap(gap)} "
                f"session {latest.id} of course {after.course} on {latest.date}; it must be at "
                f"least {after.min_days} after"
            )
        violations.append(_at("course_order", session, officer_id, message, course_id))
    return violations


RULE_CHECKS: tuple[tuple[str, RuleCheck], ...] = tuple(
    (rule.id, rule.check) for rule in RULES.values() if rule.check is not None
)
"""Every rule of the spec, in the spec's order, with the function that checks it."""

RULE_IDS: tuple[str, ...] = tuple(rule for rule, _ in RULE_CHECKS)
if RULE_IDS != SPEC_RULE_IDS:
    raise RuntimeError(f"rules without a check: {set(SPEC_RULE_IDS) - set(RULE_IDS)}")
