"""The report's trade-off section (``report PLAN --tradeoff DIR``): the frontier a
``tradeoff --out-dir DIR`` wrote, this plan placed on it, and a sentence in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trafficplan import i18n
from trafficplan.i18n import N_, ngettext
from trafficplan.i18n import gettext as _
from trafficplan.inputs.models import MAXIMISED_OBJECTIVES
from trafficplan.scenarios.tradeoff import Frontier, FrontierRow, value_text

BEST = {
    "officers_trained": N_("the most officers trained"),
    "cost_eur": N_("the lowest cost"),
    "max_trainer_sessions": N_("the lightest load on the busiest trainer"),
    "travel_km": N_("the least trainer travel"),
    "trainer_spread": N_("the most even load over the trainers"),
    "min_district_share": N_("the fairest share over the districts"),
    "ngo_spread": N_("the most even load over each region's NGOs"),
}
"""Each objective's best, as a sentence names it."""


def _best(name: str) -> str:
    return _(BEST[name]) if name in BEST else name


_STATES: dict[str, Callable[[int], str]] = {
    "officers_trained": lambda count: ngettext("{} officers trained", "{} officers trained", count),
    "cost_eur": lambda count: _("a cost of {}"),
    "max_trainer_sessions": lambda count: ngettext(
        "at most {} sessions for any trainer", "at most {} sessions for any trainer", count
    ),
    "travel_km": lambda count: _("{} of trainer travel"),
    "trainer_spread": lambda count: ngettext(
        "a spread of {} sessions between the trainers",
        "a spread of {} sessions between the trainers",
        count,
    ),
    "min_district_share": lambda count: _("at least {} of every district's officers trained"),
    "ngo_spread": lambda count: ngettext(
        "a spread of {} sessions between the NGOs of a region",
        "a spread of {} sessions between the NGOs of a region",
        count,
    ),
}
"""What a plan reaches on each objective, as a phrase for the value's count (its plural
form) with ``{}`` where :func:`amount` writes the value."""


def state(name: str, value: float) -> str:
    """What a plan reaches on an objective, in words."""
    phrase = _STATES.get(name)
    template = name + " {}" if phrase is None else phrase(int(value))
    return template.format(amount(name, value))


AXIS_LABELS = {
    "officers_trained": N_("Officers trained"),
    "cost_eur": N_("Cost (EUR)"),
    "max_trainer_sessions": N_("Sessions of the busiest trainer"),
    "travel_km": N_("Trainers' travel (km)"),
    "trainer_spread": N_("Trainer spread (sessions)"),
    "min_district_share": N_("Smallest district share trained"),
    "ngo_spread": N_("NGO spread (sessions)"),
}


def amount(name: str, value: float) -> str:
    """An objective's value in words: EUR, km, a percentage, or a count."""
    if name == "cost_eur":
        return i18n.format_eur(value)
    if name == "travel_km":
        return _("{distance} km").format(distance=i18n.format_number(value, 1))
    if name == "min_district_share":
        return i18n.format_percent(value, 2)
    return i18n.format_number(value)


def _same(name: str, a: float, b: float) -> bool:
    return value_text(name, a) == value_text(name, b)


def _at_least_as_good(name: str, a: float, b: float) -> bool:
    if _same(name, a, b):
        return True
    return a > b if name in MAXIMISED_OBJECTIVES else a < b


@dataclass(frozen=True)
class TradeoffView:
    """The frontier as the report shows it, with this plan's place.

    ``chosen`` is the index of the frontier point whose X and Y are this plan's (None when
    the plan is not on the frontier); ``plan_x``/``plan_y`` are the plan's own values.
    """

    x: str
    y: str
    points: list[FrontierRow]
    chosen: int | None
    plan_x: float
    plan_y: float
    words: str

    @property
    def x_label(self) -> str:
        """X as an axis title."""
        return _(AXIS_LABELS[self.x]) if self.x in AXIS_LABELS else self.x

    @property
    def y_label(self) -> str:
        """Y as an axis title."""
        return _(AXIS_LABELS[self.y]) if self.y in AXIS_LABELS else self.y


def tradeoff_view(frontier: Frontier, metrics: dict[str, float]) -> TradeoffView:
    """Place a plan (its ``metrics``) on a frontier and say in words where it stands."""
    x, y = frontier.x, frontier.y
    plan_x, plan_y = float(metrics[x]), float(metrics[y])
    points = list(frontier.rows)
    chosen = next(
        (
            index
            for index, row in enumerate(points)
            if _same(x, row.x, plan_x) and _same(y, row.y, plan_y)
        ),
        None,
    )
    return TradeoffView(
        x, y, points, chosen, plan_x, plan_y, _words(frontier, chosen, plan_x, plan_y)
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _words(frontier: Frontier, chosen: int | None, plan_x: float, plan_y: float) -> str:
    x, y = frontier.x, frontier.y
    rows = frontier.rows
    best_x, best_y = _best(x), _best(y)

    def both(y_value: float, x_value: float) -> str:
        return _("{y} and {x}").format(y=state(y, y_value), x=state(x, x_value))

    if not rows:
        return _(
            "The frontier between {best_y} and {best_x} has no point: its solves found no plan."
        ).format(best_y=best_y, best_x=best_x)
    first, last = rows[0], rows[-1]
    if len(rows) == 1:
        opening = _capital(
            _("{best_y} and {best_x} do not compete here: one plan has both, {both}.").format(
                best_y=best_y, best_x=best_x, both=both(first.y, first.x)
            )
        )
    else:
        opening = ngettext(
            "Between {best_y} and {best_x}, {count} plans are efficient (none can do better on "
            "one without doing worse on the other): from {first}, to {last}.",
            "Between {best_y} and {best_x}, {count} plans are efficient (none can do better on "
            "one without doing worse on the other): from {first}, to {last}.",
            len(rows),
        ).format(
            best_y=best_y,
            best_x=best_x,
            count=len(rows),
            first=both(first.y, first.x),
            last=both(last.y, last.x),
        )
    mine = both(plan_y, plan_x)
    if chosen is not None:
        if len(rows) == 1:
            return _("{opening} This plan is that plan.").format(opening=opening)
        place = _("This plan is number {number} of the {count}, counted from {best_y}: {mine}")
        place = place.format(number=chosen + 1, count=len(rows), best_y=best_y, mine=mine)
        if not rows[chosen].proven:
            place += _(" (not proven optimal in the time given)")
        if chosen + 1 < len(rows):
            after = rows[chosen + 1]
            place += _(". The next one has {both}").format(both=both(after.y, after.x))
        return f"{opening} {place}."
    better = [
        row
        for row in rows
        if _at_least_as_good(x, row.x, plan_x) and _at_least_as_good(y, row.y, plan_y)
    ]
    if better:
        row = better[-1]
        return _(
            "{opening} This plan, with {mine}, is not on the frontier: the frontier's plan "
            "with {both} is at least as good on both."
        ).format(opening=opening, mine=mine, both=both(row.y, row.x))
    return _(
        "{opening} This plan, with {mine}, is not on the frontier, and no plan of the frontier "
        "is as good on both: it was made from other data or with other aims held first."
    ).format(opening=opening, mine=mine)
