"""Why an officer has no session, in the language of an export (``unassigned.csv``, the
workbook's ``Unassigned`` sheet).

In English the reason is the sentence ``explain --officer`` prints
(:attr:`~trafficplan.diagnostics.officer.OfficerExplanation.reason`), unchanged. In another
language it is composed here from the same explanation's parts and figures (the sessions
checked, what closed each, the limits with their numbers), each part a marked message, so a
translator sees whole clauses with their numbers as placeholders and their plural forms.
Rule ids and data keys (``budget_eur``, ``sessions.officers.min``) stay as they are: they name
what to change in the data files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from trafficplan.diagnostics.officer import Limit, NewSession, OfficerExplanation
from trafficplan.i18n import (
    SOURCE_LANGUAGE,
    current_language,
    format_eur,
    format_number,
    ngettext,
    pgettext,
)
from trafficplan.i18n import gettext as _


def unassigned_reason(explanation: OfficerExplanation) -> str:
    """Why the officer of ``explanation`` has no session, in the current language (empty
    for an officer who has one)."""
    if current_language() == SOURCE_LANGUAGE or explanation.attends:
        return explanation.reason
    officer = explanation.officer
    parts: list[str] = []
    if not explanation.checks:
        if explanation.open_from:
            parts.append(
                _("the plan has no session in region {region} on or after {date}").format(
                    region=officer.region, date=explanation.open_from.isoformat()
                )
            )
        else:
            parts.append(
                _("the plan has no session in region {region}").format(region=officer.region)
            )
    elif explanation.open_sessions:
        budget = [limit for limit in explanation.limits if limit.kind == "budget"]
        if not budget:
            free = ", ".join(
                f"{c.session_id} ({c.day.isoformat()})" for c in explanation.open_sessions
            )
            return _(
                "nothing kept them out of {sessions}: a free seat, the district's share not "
                "used up, no leave. The plan could take the officer there (it is not optimal "
                "for officers_trained, or it was edited)"
            ).format(sessions=free)
        parts.append(limit_text(budget[0], explanation))
    else:
        counts = Counter(b for check in explanation.checks for b in check.blockers)
        tally = "; ".join(
            _("{what}: {count}").format(what=_blocker(what), count=n) for what, n in counts.items()
        )
        count = len(explanation.checks)
        closed = ngettext(
            "the {count} session of region {region} was closed to them",
            "each of the {count} sessions of region {region} was closed to them",
            count,
        ).format(count=count, region=officer.region)
        parts.append(f"{closed} ({tally})")
        parts.extend(
            limit_text(limit, explanation)
            for limit in explanation.limits
            if limit.kind in ("seats", "budget")
        )
    if explanation.new_session is not None:
        parts.append(new_session_text(explanation.new_session, explanation))
    else:
        parts.extend(
            limit_text(limit, explanation) for limit in explanation.limits if limit.kind == "days"
        )
    return "; ".join(parts)


def _blocker(what: str) -> str:
    words = {
        "on leave": pgettext("closed by", "on leave"),
        "district share": pgettext("closed by", "district share"),
        "full": pgettext("closed by", "full"),
    }
    return words.get(what, what)


def _left(figures: dict[str, object]) -> str:
    left = float(figures.get("left_eur") or 0)  # type: ignore[arg-type]
    budget = float(figures.get("budget_eur") or 0)  # type: ignore[arg-type]
    if left < 0:
        return _("the plan is already {amount} over budget_eur {budget}").format(
            amount=format_eur(-left), budget=format_number(budget, 2)
        )
    return _("{amount} is left under budget_eur {budget}").format(
        amount=format_eur(left), budget=format_number(budget, 2)
    )


_COUNTED_LIMITS: dict[str, Callable[[dict[str, Any]], str]] = {
    "region_max": lambda figures: ngettext(
        "counts: region {region} runs {sessions} of its max {max} session ({key})",
        "counts: region {region} runs {sessions} of its max {max} sessions ({key})",
        figures["max"],
    ),
    "max_total": lambda figures: ngettext(
        "counts: the plan runs {sessions} of sessions.max_total {max_total} session",
        "counts: the plan runs {sessions} of sessions.max_total {max_total} sessions",
        figures["max_total"],
    ),
    "trainers": lambda figures: ngettext(
        "trainers: the {trainers} trainer who may teach in region {region} leads {given} "
        "of at most {capacity} sessions in the window",
        "trainers: the {trainers} trainers who may teach in region {region} lead {given} "
        "of at most {capacity} sessions in the window",
        figures["trainers"],
    ),
}
"""The limits that count sessions or trainers: each kind's sentence in the plural form of
its count, with the limit's figures as placeholders."""


def limit_text(limit: Limit, explanation: OfficerExplanation) -> str:
    """One limit of an officer's explanation, in words, with its figures."""
    figures = limit.figures
    if limit.kind == "days":
        if explanation.new_session is None:
            return _("officer_unavailable: on leave on every working day the plan could still use")
        return _(
            "leave or the district's daily share closed every session of region {region} to them"
        ).format(region=explanation.officer.region)
    if limit.kind == "seats":
        taken = {check.session_id: check.seats_taken for check in explanation.checks}
        words = [
            _("{session} ({taken} of {seats} seats: {keys})").format(
                session=item["session"],
                taken=taken.get(item["session"], item["seats"]),
                seats=item["seats"],
                keys=", ".join(item["keys"]),
            )
            for item in figures["sessions"]
        ]
        return _("seats: one more seat in {sessions} would take them").format(
            sessions=", ".join(words)
        )
    if limit.kind == "budget" and figures.get("path") == "seat":
        return _(
            "budget: a seat in {sessions} costs {amount} more, but {left} ({short} short)"
        ).format(
            sessions=", ".join(figures["sessions"]),
            amount=format_eur(figures["cost_eur"]),
            left=_left(figures),
            short=format_eur(figures["short_eur"]),
        )
    if limit.kind == "budget":
        return _("budget: one more session costs at least {amount}, but {left}").format(
            amount=format_eur(figures["cost_eur"]), left=_left(figures)
        )
    counted = _COUNTED_LIMITS.get(limit.kind)
    if counted is not None:
        return counted(figures).format(**figures)
    return limit.text


def new_session_text(session: NewSession, explanation: OfficerExplanation) -> str:
    """One more session for the officer, in words: its cost, and what rules it out."""
    if session.least_cents is None:
        said = _(
            "one more session for them: region {region} has no venue, trainers and NGOs "
            "enough for one"
        ).format(region=session.region)
    else:
        with_new = ngettext(
            "{amount} with {count} new officer",
            "{amount} with {count} new officers",
            session.officers_min,
        ).format(amount=format_eur((session.filled_cents or 0) / 100), count=session.officers_min)
        said = _(
            "one more session for them costs at least {amount} (the cheapest venue and "
            "trainer, catering for them and the NGO, this officer; {filled}, "
            "sessions.officers.min)"
        ).format(amount=format_eur(session.least_cents / 100), filled=with_new)
    if not session.blockers:
        return said
    why = "; ".join(
        _("budget: more than the {amount} left").format(
            amount=format_eur(blocker.figures["left_eur"])
        )
        if blocker.kind == "budget"
        else limit_text(blocker, explanation)
        for blocker in session.blockers
    )
    return _("{said} and is not allowed: {why}").format(said=said, why=why)
