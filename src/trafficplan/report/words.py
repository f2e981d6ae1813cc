"""The plan's objectives and the rules it keeps, in words a ministry or a donor reads.

Ids (``cost_eur``, ``trainer_per_week``) stay in the report's technical appendix; here every
sentence carries the data's own numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from trafficplan import i18n
from trafficplan.i18n import N_, ngettext
from trafficplan.i18n import gettext as _
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
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return f"{value:%a} {value.day} {value:%b %Y}"
    return i18n.day_month_year(value)


def _eur(value: float) -> str:
    return i18n.format_eur(value)


def _count(value: float) -> str:
    return i18n.format_number(value)


_ASKS = {
    "officers_trained": N_("Train as many officers as possible"),
    "cost_eur": N_("Spend as little as possible"),
    "max_trainer_sessions": N_("Spread the sessions over the trainers"),
    "travel_km": N_("Keep the trainers' travel short"),
    "trainer_spread": N_("Give every trainer about the same number of sessions"),
    "min_district_share": N_(
        "Leave no district behind: train as large a share as possible of the least-trained district"
    ),
    "ngo_spread": N_("Share the sessions evenly among each region's partner NGOs"),
}

_THEN_ASKS = {
    "officers_trained": N_("Then train as many officers as possible"),
    "cost_eur": N_("Then spend as little as possible"),
    "max_trainer_sessions": N_("Then spread the sessions over the trainers"),
    "travel_km": N_("Then keep the trainers' travel short"),
    "trainer_spread": N_("Then give every trainer about the same number of sessions"),
    "min_district_share": N_(
        "Then leave no district behind: train as large a share as possible of "
        "the least-trained district"
    ),
    "ngo_spread": N_("Then share the sessions evenly among each region's partner NGOs"),
}
"""An aim after the first, as the list of aims says it (a whole sentence each, so that a
language can say "then" its own way)."""


_ACHIEVES: dict[str, Callable[[int, int], str]] = {
    "officers_trained": lambda count, total: ngettext(
        "{count} of {total} officers trained", "{count} of {total} officers trained", total
    ),
    "cost_eur": lambda count, total: _("the plan costs {amount}"),
    "max_trainer_sessions": lambda count, total: ngettext(
        "the busiest trainer leads {count} session",
        "the busiest trainer leads {count} sessions",
        count,
    ),
    "travel_km": lambda count, total: _("the trainers travel {distance} by road"),
    "trainer_spread": lambda count, total: ngettext(
        "the busiest and the least busy trainer differ by {count} session",
        "the busiest and the least busy trainer differ by {count} sessions",
        count,
    ),
    "min_district_share": lambda count, total: _(
        "every district has at least {share} of its officers trained"
    ),
    "ngo_spread": lambda count, total: (
        ngettext(
            "two NGOs of the same region differ by at most {count} session",
            "two NGOs of the same region differ by at most {count} sessions",
            count,
        )
        if count
        else _("every partner NGO of a region takes part in as many sessions as the others")
    ),
}
"""What the plan achieves on each objective, as a sentence for the value's count and the
officers in all (their plural forms), with the placeholders :func:`_achieves` fills."""


def _achieves(name: str, value: float, officers_total: int) -> str:
    sentence = _ACHIEVES.get(name)
    if sentence is None:
        return f"{name} {quantity(name, value)}"
    # every objective's figures, each sentence takes the ones it names
    return sentence(int(value), officers_total).format(
        count=_count(int(value)),
        total=_count(officers_total),
        amount=_eur(value),
        distance=quantity(name, value),
        share=i18n.format_percent(value, 2),
    )


def _proof(claim: LevelClaim, value: float) -> str:
    """What was proven about ``value`` (the plan's own figure): the level's claim, which
    holds only when the plan file's value is this figure."""
    if claim.value is not None and not same(claim.name, claim.value, value):
        return _(
            "the plan file records {amount} for this aim, so what it proves is not about "
            "these sessions"
        ).format(amount=quantity(claim.name, claim.value))
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
        ask = _(_THEN_ASKS[name] if position else _ASKS[name]) if name in _ASKS else name
        value = recomputed.get(name)
        if value is None:
            continue
        achieved = _achieves(name, value, officers_total)
        claim = claims.get(name)
        if claim is not None:
            achieved = _("{achieved}: {proof}").format(
                achieved=achieved, proof=_proof(claim, value)
            )
        result.append((ask, achieved[0].upper() + achieved[1:] + "."))
    return result


def order_in_words(levels: Sequence[ObjectiveResult]) -> str:
    """How the aims rank, in one sentence: each counts once those before it are met as well
    as they can be (or within their allowance); when the first aim is the officers trained,
    held at its best, no saving can cost an officer their training."""
    claims = level_claims(levels)
    tolerant = any(claim.tolerant for claim in claims[:-1])
    first = claims[0] if claims else None
    no_saving = first is not None and first.name == "officers_trained" and first.tolerance is None
    # whole sentences, so that each language builds them its own way
    if tolerant and no_saving:
        return _(
            "Each aim counts only once the ones before it are met as well as they can be (or "
            "within the allowance an aim gives the ones after it): no saving can cost a single "
            "officer their training."
        )
    if tolerant:
        return _(
            "Each aim counts only once the ones before it are met as well as they can be (or "
            "within the allowance an aim gives the ones after it)."
        )
    if no_saving:
        return _(
            "Each aim counts only once the ones before it are met as well as they can be: no "
            "saving can cost a single officer their training."
        )
    return _("Each aim counts only once the ones before it are met as well as they can be.")


def aims_in_words(plan: Plan) -> str:
    """What was proven over all the plan's aims, in one or two sentences (no ids): every aim
    the best possible, with any allowance a level gave the later ones; a re-plan's changes
    not proven the fewest are said so."""
    claims = level_claims(plan.objectives)
    sentence = aims_sentence(claims)
    changes = level_claims(plan.replan_objectives)
    if changes and not all_proven(changes) and all_proven(claims):
        sentence += " " + _(
            "The changes this re-plan made to the earlier plan were not proven the fewest "
            "possible in the time given."
        )
    return sentence


def _weekday(name: str) -> str:
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return name.capitalize()
    from babel.dates import get_day_names

    return str(
        get_day_names("abbreviated", locale=i18n.current_language())[WEEKDAY_NAMES.index(name)]
    )


def _weekdays(names: Sequence[str]) -> str:
    ordered = [n for n in WEEKDAY_NAMES if n in names]
    indexes = [WEEKDAY_NAMES.index(n) for n in ordered]
    if len(ordered) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        dash = "-" if i18n.current_language() == i18n.SOURCE_LANGUAGE else "–"
        return f"{_weekday(ordered[0])}{dash}{_weekday(ordered[-1])}"
    return ", ".join(_weekday(n) for n in ordered)


def rules_in_words(data: ProblemData) -> list[str]:
    """Every hard rule with the data's numbers, one sentence each (spec section 2)."""
    rules = data.constraints
    window, calendar, sessions = rules.window, rules.calendar, rules.sessions
    trainers, travel = rules.trainers, rules.trainers.travel
    lines: list[str] = []

    days = len(data.working_days)
    when = ngettext(
        "Sessions take place on working days from {start} to {end} ({count} days): {weekdays}",
        "Sessions take place on working days from {start} to {end} ({count} days): {weekdays}",
        days,
    ).format(
        start=_day(window.start),
        end=_day(window.end),
        count=days,
        weekdays=_weekdays(calendar.weekdays),
    )
    if calendar.holidays:
        when += _(", except public holidays ({country})").format(country=calendar.holidays)
    if calendar.closed:
        when += _(" and the days the programme is closed")
    lines.append(when + ".")
    if sessions.start_time is not None and sessions.end_time is not None:
        lines.append(
            _("Each session runs from {start} to {end} (Kyiv time).").format(
                start=f"{sessions.start_time:%H:%M}", end=f"{sessions.end_time:%H:%M}"
            )
        )

    ranges = {(data.session_bounds(r.id).min, data.session_bounds(r.id).max) for r in data.regions}
    if len(ranges) == 1:
        low, high = ranges.pop()
        if low == high:
            count = ngettext(
                "Each region holds {count} sessions", "Each region holds {count} sessions", high
            ).format(count=high)
        else:
            count = ngettext(
                "Each region holds between {low} and {high} sessions",
                "Each region holds between {low} and {high} sessions",
                high,
            ).format(low=low, high=high)
    else:
        count = _("Each region holds the sessions its range allows")
    if sessions.max_total is not None:
        count += _(", {count} at most in all").format(count=sessions.max_total)
    lines.append(count + ".")
    for entry in sessions.fixed:
        region = data.region_by_id[entry.region].name
        names = ", ".join(data.trainer_by_id[t].name for t in entry.trainers or ())
        venue = data.venue_by_id[entry.venue].name if entry.venue else ""
        if entry.venue and entry.trainers:
            fixed = _("A session is fixed in {region} on {day} at {venue} led by {trainers}.")
        elif entry.venue:
            fixed = _("A session is fixed in {region} on {day} at {venue}.")
        elif entry.trainers:
            fixed = _("A session is fixed in {region} on {day} led by {trainers}.")
        else:
            fixed = _("A session is fixed in {region} on {day}.")
        lines.append(fixed.format(region=region, day=_day(entry.date), venue=venue, trainers=names))
    per_day = sessions.max_per_region_per_day
    lines.append(
        ngettext(
            "A session has {low} to {high} officers, never more than its venue seats; a venue "
            "hosts one session a day, and a region at most {count} session a day; no venue is "
            "used on a day it is unavailable.",
            "A session has {low} to {high} officers, never more than its venue seats; a venue "
            "hosts one session a day, and a region at most {count} sessions a day; no venue is "
            "used on a day it is unavailable.",
            per_day,
        ).format(low=sessions.officers.min, high=sessions.officers.max, count=_count(per_day))
    )
    share = float(rules.officers.max_district_share_per_day * 100)
    share_text = (
        f"{share:g}"
        if i18n.current_language() == i18n.SOURCE_LANGUAGE
        else (i18n.format_number(share, 0 if share == int(share) else 1))
    )
    lines.append(
        _(
            "An officer attends at most one session, in their own region, never while on leave; "
            "on any day at most {share} % of a district's officers attend (at least one)."
        ).format(share=share_text)
    )
    capped = any(t.max_sessions is not None for t in data.trainers)
    led = ngettext(
        "Each session is led by {count} trainer",
        "Each session is led by {count} trainers",
        trainers.per_session,
    ).format(count=_count(trainers.per_session))
    with_ngos = ngettext(
        "with {count} partner NGO of its region.",
        "with {count} partner NGOs of its region.",
        rules.ngos.per_session,
    ).format(count=_count(rules.ngos.per_session))
    teaches = (
        _(
            "A trainer teaches only in the regions allowed to them, never while on leave, at "
            "most one session a day, {week} a week and {days} days in a row, and within their "
            "own cap of sessions."
        )
        if capped
        else _(
            "A trainer teaches only in the regions allowed to them, never while on leave, at "
            "most one session a day, {week} a week and {days} days in a row."
        )
    ).format(week=trainers.max_per_week, days=trainers.max_consecutive_days)
    lines.append(f"{led} {with_ngos} {teaches}")
    lines.append(
        _(
            "Between sessions in regions more than {same_evening} road km apart a trainer has a "
            "travel day for every {per_day} km (road km = great-circle km x {factor})."
        ).format(
            same_evening=_number(travel.same_evening_km),
            per_day=_number(travel.km_per_day),
            factor=_number(travel.road_factor),
        )
    )
    lines.append(
        _(
            "An NGO takes part in at most one session a day and {week} a week, never while "
            "unavailable."
        ).format(week=rules.ngos.max_per_week)
    )
    if rules.budget_eur is not None:
        lines.append(
            _("The whole plan costs at most {amount}.").format(amount=_eur(rules.budget_eur))
        )
    return lines


def _number(value: float) -> str:
    """A rate from the data as written (``300``, ``1.25``): in English with ``:g``, as the
    report always wrote it; by the locale elsewhere (``1,25``)."""
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return f"{value:g}"
    text = f"{value:g}"
    digits = len(text.split(".")[1]) if "." in text else 0
    return i18n.format_number(value, digits)


def cost_in_words(data: ProblemData) -> str:
    """What the cost counts, with the data's rates (the components that can cost anything)."""
    rules = data.constraints
    parts = {
        "trainer_fees": _("each trainer's day rate for each session"),
        "trainer_travel": _("the trainer's road trip from home and back at {amount} a km").format(
            amount=_eur(rules.trainers.travel.eur_per_km)
        ),
        "per_diem": _("a per diem for each session day"),
        "hotel": _("a hotel night for a session more than {distance} road km from home").format(
            distance=_number(rules.trainers.travel.same_evening_km)
        ),
        "venue_hire": _("the venue's day rate"),
        "catering": _(
            "catering and materials at {amount} for each officer, trainer and NGO present"
        ).format(amount=_eur(rules.sessions.per_person_eur)),
        "officer_travel": _("{amount} travel for each officer trained").format(
            amount=_eur(rules.officers.travel_eur)
        ),
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
    return _("The cost counts {parts}.").format(parts="; ".join(counted))


def component_label(name: str) -> str:
    """A cost component in words, in the current language."""
    label = COST_COMPONENT_LABELS.get(name)
    return name if label is None else _(label)


RULE_WORDS = {
    "calendar": N_("The session is not on a working day of the window."),
    "counts": N_(
        "A region holds more or fewer sessions than allowed, or the plan more than in all."
    ),
    "fixed": N_("A fixed session has no matching session in the plan."),
    "venue_clash": N_("A venue hosts more than one session a day."),
    "venue_unavailable": N_(
        "The venue does not belong to the session's region or is unavailable that day."
    ),
    "region_per_day": N_("A region holds more sessions a day than allowed."),
    "seats": N_("The session has too few or too many officers for its bounds or its venue."),
    "officer_once": N_("An officer is listed more than once or attends more than one session."),
    "officer_region": N_("An officer attends a session outside their own region."),
    "officer_unavailable": N_("An officer attends on a day they are on leave."),
    "district_share": N_("Too large a share of a district's officers attends on one day."),
    "trainer_count": N_("The session has not the number of trainers it needs."),
    "trainer_region": N_("A trainer teaches in a region not allowed to them."),
    "trainer_unavailable": N_("A trainer teaches on a day they are unavailable."),
    "trainer_per_day": N_("A trainer teaches more than one session a day."),
    "trainer_per_week": N_("A trainer teaches more sessions a week than allowed."),
    "trainer_consecutive": N_("A trainer teaches on more days in a row than allowed."),
    "trainer_max_sessions": N_("A trainer teaches more sessions than their own cap."),
    "travel": N_("A trainer has too little time to travel between two sessions."),
    "ngo_count": N_("The session has not the number of NGOs it needs."),
    "ngo_region": N_("An NGO takes part in a session outside its region."),
    "ngo_unavailable": N_("An NGO takes part on a day it is unavailable."),
    "ngo_per_day": N_("An NGO takes part in more than one session a day."),
    "ngo_per_week": N_("An NGO takes part in more sessions a week than allowed."),
    "budget": N_("The plan costs more than the budget."),
    "metrics": N_("A figure recorded in the plan file differs from what its sessions give."),
    "inputs": N_(
        "The plan file does not record the digest of every data file, or a digest differs."
    ),
    "attendance": N_("The sign-in sheets of a session do not agree with the plan."),
}
"""What a broken rule (or a warning of the checker) means, for a report in a language other
than English: the checker's own messages are English (``check`` prints them), so such a
report says what the rule asks, next to the session, who and date the checker names."""


def violation_words(rule: str, message: str) -> str:
    """A checker's message as the report shows it: as it is in English; in another language
    what the rule means (:data:`RULE_WORDS`), the checker's message only for a rule unknown."""
    if i18n.current_language() == i18n.SOURCE_LANGUAGE or rule not in RULE_WORDS:
        return message
    return _(RULE_WORDS[rule])
