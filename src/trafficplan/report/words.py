"""The plan's objectives and the rules it keeps, in words a ministry or a donor reads.

Ids (``cost_eur``, ``trainer_per_week``) stay in the report's technical appendix; here every
sentence carries the data's own numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from trafficplan.inputs.models import WEEKDAY_NAMES
from trafficplan.inputs.problem import COST_COMPONENT_LABELS, COST_COMPONENTS, ProblemData
from trafficplan.plan import ObjectiveResult, Plan
from trafficplan.plan.levels import (
    LevelClaim,
    aims_sentence,
    all_proven,
    level_claims,
    quantity,
    same,
)

ObjectiveWords = tuple[str, str]
"""(what the objective asks, what the plan achieves)."""


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def _eur(value: float) -> str:
    return f"EUR {value:,.2f}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


_ASKS = {
    "officers_trained": "Train as many officers as possible",
    "cost_eur": "Spend as little as possible",
    "max_trainer_sessions": "Spread the sessions over the trainers",
    "travel_km": "Keep the trainers' travel short",
    "trainer_spread": "Give every trainer about the same number of sessions",
    "min_district_share": "Leave no district behind: train as large a share as possible of "
    "the least-trained district",
    "ngo_spread": "Share the sessions evenly among each region's partner NGOs",
}


def _achieves(name: str, value: float, officers_total: int) -> str:
    if name == "officers_trained":
        return f"{value:,.0f} of {officers_total:,} officers trained"
    if name == "cost_eur":
        return f"the plan costs {_eur(value)}"
    if name == "max_trainer_sessions":
        return f"the busiest trainer leads {_plural(int(value), 'session')}"
    if name == "travel_km":
        return f"the trainers travel {quantity(name, value)} by road"
    if name == "trainer_spread":
        return f"the busiest and the least busy trainer differ by {_plural(int(value), 'session')}"
    if name == "min_district_share":
        return f"every district has at least {100 * value:.2f} % of its officers trained"
    if name == "ngo_spread":
        if not value:
            return "every partner NGO of a region takes part in as many sessions as the others"
        return f"two NGOs of the same region differ by at most {_plural(int(value), 'session')}"
    return f"{name} {quantity(name, value)}"


def _proof(claim: LevelClaim, value: float) -> str:
    """What was proven about ``value`` (the plan's own figure): the level's claim, which
    holds only when the plan file's value is this figure."""
    if claim.value is not None and not same(claim.name, claim.value, value):
        return (
            f"the plan file records {quantity(claim.name, claim.value)} for this aim, so what "
            "it proves is not about these sessions"
        )
    return claim.proof()


def objectives_in_words(
    data: ProblemData, levels: Sequence[ObjectiveResult], recomputed: dict[str, float]
) -> list[ObjectiveWords]:
    """The objectives in their order, each as (what it asks, what this plan achieves and
    what was proven about it, :mod:`trafficplan.plan.levels`).

    ``levels`` are the plan file's objective levels (value, bound, proof); without them the
    order of ``constraints.yaml`` and the values ``recomputed`` from the plan are used.
    """
    officers_total = len(data.officers)
    names = [level.name for level in levels] or list(data.constraints.objective_names)
    claims = {claim.name: claim for claim in level_claims(levels)}
    result: list[ObjectiveWords] = []
    for position, name in enumerate(names):
        ask = _ASKS.get(name, name)
        if position:
            ask = "Then " + ask[0].lower() + ask[1:]
        value = recomputed.get(name)
        if value is None:
            continue
        achieved = _achieves(name, value, officers_total)
        claim = claims.get(name)
        if claim is not None:
            achieved += f": {_proof(claim, value)}"
        result.append((ask, achieved[0].upper() + achieved[1:] + "."))
    return result


def order_in_words(levels: Sequence[ObjectiveResult]) -> str:
    """How the aims rank, in one sentence: each counts once those before it are met as well
    as they can be (or within their allowance); when the first aim is the officers trained,
    held at its best, no saving can cost an officer their training."""
    claims = level_claims(levels)
    sentence = "Each aim counts only once the ones before it are met as well as they can be"
    if any(claim.tolerant for claim in claims[:-1]):
        sentence += " (or within the allowance an aim gives the ones after it)"
    first = claims[0] if claims else None
    if first is not None and first.name == "officers_trained" and first.tolerance is None:
        sentence += ": no saving can cost a single officer their training"
    return sentence + "."


def aims_in_words(plan: Plan) -> str:
    """What was proven over all the plan's aims, in one or two sentences (no ids): every aim
    the best possible, with any allowance a level gave the later ones; a re-plan's changes
    not proven the fewest are said so."""
    claims = level_claims(plan.objectives)
    sentence = aims_sentence(claims)
    changes = level_claims(plan.replan_objectives)
    if changes and not all_proven(changes) and all_proven(claims):
        sentence += (
            " The changes this re-plan made to the earlier plan were not proven the fewest "
            "possible in the time given."
        )
    return sentence


def _weekdays(names: Sequence[str]) -> str:
    ordered = [n for n in WEEKDAY_NAMES if n in names]
    indexes = [WEEKDAY_NAMES.index(n) for n in ordered]
    if len(ordered) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{ordered[0].capitalize()}-{ordered[-1].capitalize()}"
    return ", ".join(n.capitalize() for n in ordered)


def rules_in_words(data: ProblemData) -> list[str]:
    """Every hard rule with the data's numbers, one sentence each (spec section 2)."""
    rules = data.constraints
    window, calendar, sessions = rules.window, rules.calendar, rules.sessions
    trainers, travel = rules.trainers, rules.trainers.travel
    lines: list[str] = []

    when = (
        f"Sessions take place on working days from {_day(window.start)} to {_day(window.end)} "
        f"({len(data.working_days)} days): {_weekdays(calendar.weekdays)}"
    )
    if calendar.holidays:
        when += f", except public holidays ({calendar.holidays})"
    if calendar.closed:
        when += " and the days the programme is closed"
    lines.append(when + ".")
    if sessions.start_time is not None and sessions.end_time is not None:
        lines.append(
            f"Each session runs from {sessions.start_time:%H:%M} to {sessions.end_time:%H:%M} "
            "(Kyiv time)."
        )

    ranges = {(data.session_bounds(r.id).min, data.session_bounds(r.id).max) for r in data.regions}
    if len(ranges) == 1:
        low, high = ranges.pop()
        each = f"{low}" if low == high else f"between {low} and {high}"
        count = f"Each region holds {each} sessions"
    else:
        count = "Each region holds the sessions its range allows"
    if sessions.max_total is not None:
        count += f", {sessions.max_total} at most in all"
    lines.append(count + ".")
    for entry in sessions.fixed:
        region = data.region_by_id[entry.region].name
        where = f" at {data.venue_by_id[entry.venue].name}" if entry.venue else ""
        who = (
            " led by " + ", ".join(data.trainer_by_id[t].name for t in entry.trainers)
            if entry.trainers
            else ""
        )
        lines.append(f"A session is fixed in {region} on {_day(entry.date)}{where}{who}.")
    lines.append(
        f"A session has {sessions.officers.min} to {sessions.officers.max} officers, never more "
        f"than its venue seats; a venue hosts one session a day, and a region at most "
        f"{_plural(sessions.max_per_region_per_day, 'session')} a day; no venue is used on a "
        "day it is unavailable."
    )
    share = float(rules.officers.max_district_share_per_day * 100)
    lines.append(
        "An officer attends at most one session, in their own region, never while on leave; "
        f"on any day at most {share:g} % of a district's officers attend (at least one)."
    )
    capped = any(t.max_sessions is not None for t in data.trainers)
    lines.append(
        f"Each session is led by {_plural(trainers.per_session, 'trainer')} with "
        f"{_plural(rules.ngos.per_session, 'partner NGO')} of its region. A trainer teaches "
        "only in the regions allowed to them, never while on leave, at most one session a day, "
        f"{trainers.max_per_week} a week and {trainers.max_consecutive_days} days in a row"
        + (", and within their own cap of sessions" if capped else "")
        + "."
    )
    lines.append(
        f"Between sessions in regions more than {travel.same_evening_km:g} road km apart a "
        f"trainer has a travel day for every {travel.km_per_day:g} km (road km = great-circle "
        f"km x {travel.road_factor:g})."
    )
    lines.append(
        f"An NGO takes part in at most one session a day and {rules.ngos.max_per_week} a week, "
        "never while unavailable."
    )
    if rules.budget_eur is not None:
        lines.append(f"The whole plan costs at most {_eur(rules.budget_eur)}.")
    return lines


def cost_in_words(data: ProblemData) -> str:
    """What the cost counts, with the data's rates (the components that can cost anything)."""
    rules = data.constraints
    parts = {
        "trainer_fees": "each trainer's day rate for each session",
        "trainer_travel": (
            "the trainer's road trip from home and back at "
            f"EUR {rules.trainers.travel.eur_per_km:,.2f} a km"
        ),
        "per_diem": "a per diem for each session day",
        "hotel": (
            f"a hotel night for a session more than {rules.trainers.travel.same_evening_km:g} "
            "road km from home"
        ),
        "venue_hire": "the venue's day rate",
        "catering": (
            f"catering and materials at EUR {rules.sessions.per_person_eur:,.2f} for each "
            "officer, trainer and NGO present"
        ),
        "officer_travel": (f"EUR {rules.officers.travel_eur:,.2f} travel for each officer trained"),
    }
    used = {
        "trainer_fees": True,
        "trainer_travel": rules.trainers.travel.eur_per_km > 0,
        "per_diem": any(t.per_diem_eur for t in data.trainers),
        "hotel": any(t.hotel_eur for t in data.trainers),
        "venue_hire": any(v.day_rate_eur for v in data.venue_by_id.values()),
        "catering": rules.sessions.per_person_eur > 0,
        "officer_travel": rules.officers.travel_eur > 0,
    }
    counted = [parts[name] for name in COST_COMPONENTS if used[name]]
    return f"The cost counts {'; '.join(counted)}."


def component_label(name: str) -> str:
    """A cost component in words."""
    return COST_COMPONENT_LABELS.get(name, name)
