"""Property: on random small data (every cost component included) the planner returns a plan
the checker accepts, or says that there is none (infeasible) or that it found none in time
(unknown); never a plan that breaks a rule, and every level's value is the plan's metric. A
re-plan of that plan from a random day, through the same rule functions with the days before
it frozen, is accepted by the checker too, its levels again the plan's metrics.

Each example solves (and re-plans) with CP-SAT: the test is marked slow and bounded (25
examples, at most 10 s a search)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from datafactory import write_data
from trafficplan.checker import check_plan
from trafficplan.inputs import load_data
from trafficplan.plan.changes import plan_changes
from trafficplan.plan.weights import window_weeks
from trafficplan.solver import SolveOptions, solve
from trafficplan.solver.replan import replan

FIRST_DAY = date(2009, 6, 1)  # a Monday; June 2009 has no holiday before the 7th

CENTRES = [(50.0, 30.0), (50.0, 30.84), (49.2, 33.5)]


def _date_range(draw: Any, window_days: int) -> str:
    start = draw(st.integers(0, window_days - 1))
    length = draw(st.integers(0, 4))
    first = FIRST_DAY + timedelta(days=start)
    last = first + timedelta(days=length)
    return f"{first.isoformat()}..{last.isoformat()}"


@st.composite
def instances(draw: Any) -> dict[str, Any]:
    """A random small data folder (as the dicts of ``datafactory.write_data``)."""
    region_count = draw(st.integers(1, 3))
    window_days = draw(st.integers(5, 15))
    regions = []
    officers = []
    for r in range(region_count):
        rid = f"r{r}"
        lat, lon = CENTRES[r]
        districts = [f"{rid}-d{k}" for k in range(draw(st.integers(1, 2)))]
        venues = [
            {
                "id": f"{rid}-v{v}",
                "name": f"Venue {v}",
                "capacity": draw(st.integers(5, 20)),
                "unavailable": [_date_range(draw, window_days)] if draw(st.booleans()) else [],
                "day_rate_eur": draw(st.sampled_from([0, 0, 40, 75.5])),
            }
            for v in range(draw(st.integers(1, 2)))
        ]
        low = draw(st.integers(0, 2))
        regions.append(
            {
                "id": rid,
                "name": f"Region {r}",
                "centre": {"city": f"City {r}", "lat": lat, "lon": lon},
                "districts": districts,
                "sessions": {"min": low, "max": low + draw(st.integers(0, 2))},
                "venues": venues,
                "ngos": [
                    {
                        "id": f"{rid}-n{n}",
                        "name": f"NGO {n}",
                        "unavailable": [_date_range(draw, window_days)]
                        if draw(st.booleans())
                        else [],
                    }
                    for n in range(draw(st.integers(1, 2)))
                ],
            }
        )
        for i in range(draw(st.integers(5, 30))):
            leave = _date_range(draw, window_days) if draw(st.integers(0, 3)) == 0 else ""
            officers.append(
                {
                    "id": f"R{r}-{i:04d}",
                    "name": f"Officer {r}-{i}",
                    "region": rid,
                    "district": districts[i % len(districts)],
                    "unavailable": leave,
                }
            )
    region_ids = [r["id"] for r in regions]
    trainers = []
    for t in range(draw(st.integers(1, 3))):
        lat, lon = CENTRES[draw(st.integers(0, 2))]
        entry: dict[str, Any] = {
            "id": f"t{t}",
            "name": f"Trainer {t}",
            "home": {"city": "Home", "lat": lat, "lon": lon},
            "day_rate_eur": draw(st.integers(50, 200)),
            "per_diem_eur": draw(st.sampled_from([0, 15, 25.5])),
            "hotel_eur": draw(st.sampled_from([0, 0, 45])),
        }
        if draw(st.booleans()):
            entry["regions"] = draw(st.lists(st.sampled_from(region_ids), min_size=1, unique=True))
        if draw(st.booleans()):
            entry["unavailable"] = [_date_range(draw, window_days)]
        if draw(st.booleans()):
            entry["max_sessions"] = draw(st.integers(1, 4))
        trainers.append(entry)
    seat_low = draw(st.integers(1, 8))
    constraints = {
        "window": {
            "start": FIRST_DAY.isoformat(),
            "end": (FIRST_DAY + timedelta(days=window_days - 1)).isoformat(),
        },
        "calendar": {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "holidays": None},
        "sessions": {
            "max_total": draw(st.integers(1, 8)),
            "per_region": {"min": 0, "max": 2},
            "officers": {"min": seat_low, "max": seat_low + draw(st.integers(0, 15))},
            "max_per_region_per_day": draw(st.integers(1, 2)),
            "fixed": [],
            "per_person_eur": draw(st.sampled_from([0, 0, 7.5, 12.345])),
        },
        "trainers": {
            "per_session": 1,
            "max_per_week": draw(st.integers(1, 3)),
            "max_consecutive_days": draw(st.integers(1, 3)),
            "travel": {
                "road_factor": 1.3,
                "same_evening_km": 100,
                "km_per_day": 150,
                "eur_per_km": 0.2,
            },
        },
        "ngos": {"per_session": 1, "max_per_week": draw(st.integers(1, 2))},
        "officers": {
            "max_district_share_per_day": draw(st.sampled_from([0.2, 0.34, 0.5, 1.0])),
            "travel_eur": draw(st.sampled_from([0, 0, 5, 8.25])),
        },
        "objective": draw(
            st.sampled_from(
                [
                    ["officers_trained", "cost_eur", "max_trainer_sessions"],
                    ["officers_trained", "max_trainer_sessions", "cost_eur"],
                    ["cost_eur", "officers_trained"],
                ]
            )
        ),
        "budget_eur": draw(st.sampled_from([None, None, 300, 1000])),
    }
    return {
        "regions": {"regions": regions},
        "trainers": {"trainers": trainers},
        "officers": officers,
        "constraints": constraints,
    }


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 3), st.integers(0, 14))
def test_random_instances_get_a_valid_plan_or_an_honest_no(
    dicts: dict[str, Any], seed: int, since_offset: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = load_data(write_data(Path(tmp) / "data", dicts))
        result = solve(data, SolveOptions(time_limit=10, seed=seed, workers=1))
    event(result.status)
    assert result.status in ("optimal", "feasible", "infeasible", "unknown")
    if result.plan is None:
        assert result.status in ("infeasible", "unknown")
        assert result.reasons
        return
    assert result.status in ("optimal", "feasible")
    report = check_plan(data, result.plan)
    assert report.valid, [(v.rule, v.message) for v in report.violations]
    # the plan's claims are the checker's figures
    assert report.metrics["officers_trained"] == result.plan.metrics["officers_trained"]
    assert sorted(result.plan.unassigned_officers) == sorted(
        o.id for o in data.officers if not any(o.id in s.officers for s in result.plan.sessions)
    )
    for level in result.plan.objectives:
        if level.proven:
            assert level.bound == level.value
        # the level optimised is the plan's own figure, to the cent
        assert level.value == result.plan.metrics[level.name]

    since = FIRST_DAY + timedelta(days=since_offset)
    window = (data.constraints.window.start, data.constraints.window.end)
    again = replan(data, result.plan, since, SolveOptions(time_limit=10, seed=seed, workers=1))
    event(f"replan {again.status}")
    if again.plan is not None:
        replanned = check_plan(data, again.plan)
        assert replanned.valid, [(v.rule, v.message) for v in replanned.violations]
        frozen = [s for s in result.plan.sessions if s.date < since]
        assert [s for s in again.plan.sessions if s.date < since] == frozen
        for level in again.plan.objectives:
            # the frozen past counts in every cost component of the level, as in the metric
            assert level.value == again.plan.metrics[level.name]
        # the figures reported are the change list's, counted on the plan
        counts = plan_changes(result.plan, again.plan, window_weeks(*window)).counts()
        for level in again.plan.replan_objectives:
            assert level.value == counts[level.name], level.name
        if result.status == "optimal" and again.status == "optimal":
            # nothing changed in the data: the published plan is the re-plan's optimum
            assert all(level.value == 0 for level in again.plan.replan_objectives)
