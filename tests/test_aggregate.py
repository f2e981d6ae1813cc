"""The assignment relaxation (``solver/aggregate.py``): its bounds never exceed the optimum
of the whole problem, and when the master realises its counts every level is proven."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from datafactory import tiny, write_data
from trafficplan.checker import check_plan
from trafficplan.inputs import load_data
from trafficplan.solver import SolveOptions, solve
from trafficplan.solver.aggregate import Aggregate
from trafficplan.solver.instance import Instance

OPTIONS = SolveOptions(time_limit=30, seed=0, workers=1)


def dearer(d: dict[str, Any]) -> None:
    d["trainers"]["trainers"][1]["day_rate_eur"] = 140


def away_first_week(d: dict[str, Any]) -> None:
    d["trainers"]["trainers"][0]["unavailable"] = ["2009-06-01..2009-06-05"]


def two_a_region_one_a_week(d: dict[str, Any]) -> None:
    d["constraints"]["sessions"].update(max_total=4, per_region={"min": 2, "max": 2})
    d["constraints"]["trainers"]["max_per_week"] = 1
    d["constraints"]["sessions"]["officers"] = {"min": 10, "max": 10}


def pairs_of_trainers(d: dict[str, Any]) -> None:
    third = dict(d["trainers"]["trainers"][0], id="t03", name="Third", day_rate_eur=90)
    third["home"] = {"city": "Far", "lat": 48.0, "lon": 25.0}
    d["trainers"]["trainers"].append(third)
    d["constraints"]["trainers"]["per_session"] = 2


def priced(d: dict[str, Any]) -> None:
    d["regions"]["regions"][0]["venues"][0]["day_rate_eur"] = 150
    d["constraints"]["sessions"]["per_person_eur"] = 12.5
    d["constraints"]["officers"]["travel_eur"] = 8
    d["trainers"]["trainers"][0].update(per_diem_eur=20, hotel_eur=40)


VARIANTS: list[Callable[[dict[str, Any]], None]] = [
    dearer,
    away_first_week,
    two_a_region_one_a_week,
    pairs_of_trainers,
    priced,
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.__name__)
@pytest.mark.parametrize(
    "objective",
    [
        ["officers_trained", "cost_eur", "max_trainer_sessions"],
        ["officers_trained", "max_trainer_sessions", "cost_eur"],
        ["officers_trained", "travel_km", "trainer_spread"],
    ],
    ids=["cost-first", "load-first", "travel-first"],
)
def test_the_relaxation_bounds_the_optimum(
    tmp_path: Path, variant: Callable[[dict[str, Any]], None], objective: list[str]
) -> None:
    dicts = tiny()
    variant(dicts)
    dicts["constraints"]["objective"] = objective
    data = load_data(write_data(tmp_path / "data", dicts))
    result = solve(data, OPTIONS)
    assert result.plan is not None and result.status == "optimal", result.reasons
    assert check_plan(data, result.plan).valid
    inst = Instance(data)
    officers = int(result.plan.metrics["officers_trained"])
    seats = {
        r: max(data.seat_range(v.id)[1] for v in data.region_by_id[r].venues)
        for r in inst.region_ids
    }
    trained = {
        r: sum(1 for o in data.officers_by_region[r] if o.id not in result.plan.unassigned_officers)
        for r in inst.region_ids
    }
    floor = {r: math.ceil(trained[r] / seats[r]) for r in inst.region_ids}
    relaxation = Aggregate(inst, floor, officers)
    first = objective[1]
    bound = relaxation.lower_bound(first, 0, 10.0)
    assert bound is not None
    # the relaxation's bound on the first officer-free level never exceeds the optimum
    assert bound <= result.plan.metrics[first] + 1e-9
    # nor does any level's own bound exceed the plan's value
    for name in objective[1:]:
        own = relaxation.lower_bound(name, 0, 10.0)
        assert own is not None and own <= result.plan.metrics[name] + 1e-9
    # with the first level held at most a plan's value on it (at least its optimum), the next
    # level's bound still never exceeds its optimum (the large instances' later bounds)
    relaxation.hold_at_most(first, Fraction(str(result.plan.metrics[first])))
    second = objective[2]
    held = relaxation.lower_bound(second, 0, 10.0)
    assert held is not None and held <= result.plan.metrics[second] + 1e-9
