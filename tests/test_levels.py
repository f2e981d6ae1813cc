"""What a plan says about each objective level (``trafficplan.plan.levels``): the words and
cells derived from a level's fields, their verification, and the terminal's objectives
table. Figures are chosen by hand (a cost level of EUR 58,681.86 whose proven best is
EUR 56,248.38, within 5 %), not taken from the shipped data."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from trafficplan.cli.render import objective_notes, objectives_table
from trafficplan.plan import ObjectiveResult, Plan
from trafficplan.plan.levels import (
    aims_sentence,
    claim_of,
    given_notes,
    level_claims,
    percent,
    quantity,
)

OFFICERS = {"name": "officers_trained", "value": 1800, "bound": 1800, "proven": True}
COST = {
    "name": "cost_eur",
    "value": 58681.86,
    "bound": 56248.38,
    "proven": True,
    "tolerance": "5%",
    "best": 56248.38,
    "given": 2433.48,
}
LOAD = {"name": "max_trainer_sessions", "value": 12, "bound": 12, "proven": True}


def claims(*levels: dict[str, Any]) -> dict[str, Any]:
    return {claim.name: claim for claim in level_claims(levels)}


def test_a_tolerant_level_names_its_allowance_its_proven_best_and_what_it_gave() -> None:
    cost = claims(OFFICERS, COST, LOAD)["cost_eur"]
    assert cost.allowance == 2812.41  # 5 % of 56,248.38 = 2,812.419, rounded down
    assert cost.proof() == (
        "at most 5 % (EUR 2,812.41) above the proven cheapest plan (EUR 56,248.38); "
        "EUR 2,433.48 given for an even trainer load"
    )
    assert cost.proven and cost.proven_cell == "best: yes" and cost.gap_cell == "0.00%"
    assert cost.brief() == "58,681.86 (proven best 56,248.38 + 2,433.48 given)"
    assert cost.problems(58681.86) == []


def test_the_allowance_goes_to_every_later_level_by_name() -> None:
    spread = {"name": "ngo_spread", "value": 0, "bound": 0, "proven": True}
    cost = claims(OFFICERS, COST, LOAD, spread)["cost_eur"]
    assert cost.proof().endswith(
        "EUR 2,433.48 given for an even trainer load and an even share of sessions among "
        "each region's NGOs"
    )


def test_a_tolerant_level_that_gave_nothing_says_so() -> None:
    cost = claims(OFFICERS, {**COST, "value": 56248.38, "given": 0.0}, LOAD)["cost_eur"]
    assert cost.proof().endswith("; nothing of it given: the plan is at that best")


def test_a_maximised_level_with_an_absolute_tolerance_is_below_its_best() -> None:
    officers = {**OFFICERS, "value": 1790, "tolerance": "20", "best": 1800, "given": 10}
    claim = claims(officers, {**COST, "tolerance": None, "best": None, "given": None})[
        "officers_trained"
    ]
    assert claim.proof() == (
        "at most 20 officers below the proven most officers a plan trains (1,800 officers); "
        "10 officers given for a lower cost"
    )
    assert claim.brief() == "1,790 (proven best 1,800 - 10 given)"


def test_a_strict_proven_level_says_no_plan_does_better() -> None:
    found = claims(OFFICERS, LOAD)
    assert found["officers_trained"].proof() == "no plan trains more (proven)"
    assert found["max_trainer_sessions"].proof() == (
        "no plan asks less of its busiest trainer (proven)"
    )
    assert found["officers_trained"].brief() == "1,800 (proven)"
    assert aims_sentence(list(found.values())) == "Every aim was proven the best possible."


def test_a_value_at_its_bound_is_proven_whatever_the_flag() -> None:
    claim = claims({**OFFICERS, "value": 1736, "bound": 1736, "proven": False})["officers_trained"]
    assert claim.proven and claim.kind == "proven"
    assert claim.proof() == "no plan trains more (proven: it meets its bound)"
    assert "not proven" not in claim.proof() and claim.gap_cell == "0.00%"


def test_an_open_level_says_how_far_from_its_bound() -> None:
    claim = claims({"name": "cost_eur", "value": 57100.0, "bound": 56420.0, "proven": False})[
        "cost_eur"
    ]
    assert claim.proof() == (
        "within 1.2 % (EUR 680.00) of the bound EUR 56,420.00, not proven the best possible"
    )
    assert claim.proven_cell == "no" and claim.gap_cell == "1.19%"
    assert claim.brief() == "57,100.00 (within 1.2 % of bound 56,420.00)"
    assert aims_sentence([claim]) == (
        "Not every aim was proven the best possible in the time given: the cost."
    )


def test_a_tiny_gap_never_reads_zero() -> None:
    claim = claims({"name": "cost_eur", "value": 56420.02, "bound": 56420.0, "proven": False})[
        "cost_eur"
    ]
    assert "within less than 0.01 % (EUR 0.02)" in claim.proof()
    assert claim.gap_cell == "<0.01%"
    assert percent(0.0004) == "0.04 %" and percent(0) == "0 %"


def test_no_bound_and_no_value() -> None:
    found = claims(
        {"name": "travel_km", "value": 1234.5, "bound": None, "proven": False},
        {"name": "ngo_spread", "value": None, "bound": None, "proven": False},
    )
    assert found["travel_km"].proof() == "not proven the best possible (no bound known)"
    assert found["travel_km"].brief() == "1,234.5 (no bound)"
    assert found["ngo_spread"].brief() == "-"


def test_units_per_objective() -> None:
    assert quantity("cost_eur", 2812.41) == "EUR 2,812.41"
    assert quantity("officers_trained", 1) == "1 officer"
    assert quantity("max_trainer_sessions", 12) == "12 sessions"
    assert quantity("travel_km", 34269) == "34,269.0 km"
    assert quantity("min_district_share", 0.85) == "0.8500"


@pytest.mark.parametrize(
    ("change", "recomputed", "problem"),
    [
        ({}, 58000.0, "the plan records EUR 58,681.86, its sessions give EUR 58,000.00"),
        ({"given": 100.0}, None, "it records EUR 100.00 given, but its value and best are"),
        (
            {"value": 59681.86, "given": 3433.48},
            None,
            "EUR 3,433.48 given, more than its allowance (5%: EUR 2,812.41)",
        ),
        (
            {"bound": 57000.0},
            None,
            "its best EUR 56,248.38 is better than its bound EUR 57,000.00",
        ),
        ({"bound": 56000.0}, None, "recorded as proven, but its best EUR 56,248.38 is not its"),
    ],
)
def test_claims_not_borne_out_are_named(
    change: dict[str, Any], recomputed: float | None, problem: str
) -> None:
    claim = claims({**COST, **change})["cost_eur"]
    found = claim.problems(recomputed)
    assert any(problem in line for line in found), found


def test_sweep_notes_give_the_range_of_what_was_given() -> None:
    runs = [[OFFICERS, COST, LOAD], [OFFICERS, {**COST, "value": 56248.38, "given": 0.0}, LOAD]]
    assert given_notes(runs) == [
        "cost_eur (within 5%): each plan's cost_eur may be up to 5% above that plan's own "
        "best; EUR 0.00 to EUR 2,433.48 given for an even trainer load"
    ]
    assert given_notes([[OFFICERS, LOAD]]) == []
    assert claim_of([OFFICERS], "cost_eur") is None


def plan_with(*levels: dict[str, Any]) -> Plan:
    return Plan(
        status="optimal",
        objectives=[ObjectiveResult.model_validate(level) for level in levels],
        sessions=[],
    )


def rendered(plan: Plan) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(objectives_table(plan))
    return console.export_text()


def test_the_terminal_table_shows_a_tolerant_levels_allowance_best_and_given() -> None:
    text = rendered(plan_with(OFFICERS, COST, LOAD))
    cost = next(line for line in text.splitlines() if "cost_eur" in line)
    cells = [cell.strip() for cell in cost.split("│")[1:-1]]
    assert cells == [
        "2",
        "cost_eur",
        "58,681.86",
        "56,248.38",
        "0.00%",
        "best: yes",
        "5% = 2,812.41",
        "56,248.38",
        "2,433.48",
    ]
    assert objective_notes(plan_with(OFFICERS, COST, LOAD)) == [
        "cost_eur: at most 5 % (EUR 2,812.41) above the proven cheapest plan (EUR 56,248.38); "
        "EUR 2,433.48 given for an even trainer load."
    ]


def test_the_terminal_table_of_a_strict_plan_has_no_tolerance_columns() -> None:
    text = rendered(plan_with(OFFICERS, LOAD))
    assert "tolerance" not in text and "given" not in text
    officers = next(line for line in text.splitlines() if "officers_trained" in line)
    assert [c.strip() for c in officers.split("│")[1:-1]][4:] == ["0.00%", "yes"]
    assert objective_notes(plan_with(OFFICERS, LOAD)) == []
    open_level = {"name": "cost_eur", "value": 57100.0, "bound": 56420.0, "proven": False}
    text = rendered(plan_with(OFFICERS, open_level))
    cost = next(line for line in text.splitlines() if "cost_eur" in line)
    assert [c.strip() for c in cost.split("│")[1:-1]][4:] == ["1.19%", "no"]


def test_tradeoff_says_a_held_level_with_a_tolerance_and_what_its_points_gave() -> None:
    from decimal import Decimal

    from trafficplan.cli.tradeoff import _render
    from trafficplan.inputs.models import ObjectiveItem, Tolerance
    from trafficplan.scenarios.tradeoff import Axes, TradeoffPoint, TradeoffResult

    travel = {"name": "travel_km", "value": 30000.0, "bound": 30000.0, "proven": True}
    load = {**LOAD, "proven": False}  # at its bound: proven, whatever the flag
    point = TradeoffPoint(
        index=0,
        role="Y first",
        limit=None,
        status="feasible",
        plan=plan_with(OFFICERS, COST, travel, load),
        x_value=12,
        y_value=30000.0,
    )
    result = TradeoffResult(
        axes=Axes(x="max_trainer_sessions", y="travel_km", step=Decimal(1)),
        held=[
            ObjectiveItem(name="officers_trained"),
            ObjectiveItem(name="cost_eur", tolerance=Tolerance(amount=Decimal(5), percent=True)),
        ],
        solves=[point],
    )
    assert point.proven and point.gap == 0.0
    console = Console(record=True, width=200, color_system=None)
    _render(console, result)
    text = console.export_text()
    assert (
        "Held before max_trainer_sessions and travel_km: officers_trained at its optimum, "
        "cost_eur within 5% of its optimum." in text
    )
    assert (
        "Note: cost_eur (within 5%): each plan's cost_eur may be up to 5% above that plan's own "
        "best; EUR 2,433.48 given for less trainer travel and an even trainer load." in text
    )
    assert "not proven" not in text
