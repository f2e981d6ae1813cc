"""The report's trade-off section (``report PLAN --tradeoff DIR``): the frontier a
``tradeoff --out-dir DIR`` wrote, this plan placed on it, and a sentence in words."""

from __future__ import annotations

from dataclasses import dataclass

from trafficplan.inputs.models import MAXIMISED_OBJECTIVES
from trafficplan.scenarios.tradeoff import Frontier, FrontierRow, value_text

BEST = {
    "officers_trained": "the most officers trained",
    "cost_eur": "the lowest cost",
    "max_trainer_sessions": "the lightest load on the busiest trainer",
    "travel_km": "the least trainer travel",
    "trainer_spread": "the most even load over the trainers",
    "min_district_share": "the fairest share over the districts",
    "ngo_spread": "the most even load over each region's NGOs",
}
"""Each objective's best, as a sentence names it."""


def state(name: str, value: float) -> str:
    """What a plan reaches on an objective, in words."""
    phrases = {
        "officers_trained": "{} officers trained",
        "cost_eur": "a cost of {}",
        "max_trainer_sessions": "at most {} sessions for any trainer",
        "travel_km": "{} of trainer travel",
        "trainer_spread": "a spread of {} sessions between the trainers",
        "min_district_share": "at least {} of every district's officers trained",
        "ngo_spread": "a spread of {} sessions between the NGOs of a region",
    }
    return phrases.get(name, name + " {}").format(amount(name, value))


AXIS_LABELS = {
    "officers_trained": "Officers trained",
    "cost_eur": "Cost (EUR)",
    "max_trainer_sessions": "Sessions of the busiest trainer",
    "travel_km": "Trainers' travel (km)",
    "trainer_spread": "Trainer spread (sessions)",
    "min_district_share": "Smallest district share trained",
    "ngo_spread": "NGO spread (sessions)",
}


def amount(name: str, value: float) -> str:
    """An objective's value in words: EUR, km, a percentage, or a count."""
    if name == "cost_eur":
        return f"EUR {value:,.2f}"
    if name == "travel_km":
        return f"{value:,.1f} km"
    if name == "min_district_share":
        return f"{100 * value:.2f} %"
    return f"{value:,.0f}"


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
        return AXIS_LABELS.get(self.x, self.x)

    @property
    def y_label(self) -> str:
        """Y as an axis title."""
        return AXIS_LABELS.get(self.y, self.y)


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


def _words(frontier: Frontier, chosen: int | None, plan_x: float, plan_y: float) -> str:
    x, y = frontier.x, frontier.y
    rows = frontier.rows

    def both(y_value: float, x_value: float) -> str:
        return f"{state(y, y_value)} and {state(x, x_value)}"

    if not rows:
        return (
            f"The frontier between {BEST[y]} and {BEST[x]} has no point: its solves found no plan."
        )
    first, last = rows[0], rows[-1]
    if len(rows) == 1:
        opening = (
            f"{BEST[y].capitalize()} and {BEST[x]} do not compete here: one plan has both, "
            f"{both(first.y, first.x)}."
        )
    else:
        opening = (
            f"Between {BEST[y]} and {BEST[x]}, {len(rows)} plans are efficient (none can do "
            f"better on one without doing worse on the other): from {both(first.y, first.x)}, "
            f"to {both(last.y, last.x)}."
        )
    mine = both(plan_y, plan_x)
    if chosen is not None:
        if len(rows) == 1:
            return f"{opening} This plan is that plan."
        place = (
            f"This plan is number {chosen + 1} of the {len(rows)}, counted from {BEST[y]}: {mine}"
        )
        if not rows[chosen].proven:
            place += " (not proven optimal in the time given)"
        if chosen + 1 < len(rows):
            after = rows[chosen + 1]
            place += f". The next one has {both(after.y, after.x)}"
        return f"{opening} {place}."
    better = [
        row
        for row in rows
        if _at_least_as_good(x, row.x, plan_x) and _at_least_as_good(y, row.y, plan_y)
    ]
    if better:
        row = better[-1]
        return (
            f"{opening} This plan, with {mine}, is not on the frontier: the frontier's plan "
            f"with {both(row.y, row.x)} is at least as good on both."
        )
    return (
        f"{opening} This plan, with {mine}, is not on the frontier, and no plan of the frontier "
        "is as good on both: it was made from other data or with other aims held first."
    )
