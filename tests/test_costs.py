"""What a programme pays (spec 6.6): every cost component, worked out by hand on the tiny
instance, and the same figures from the plan's metrics, the independent checker, the solver's
cost level (value and bound), the budget rule, a re-plan's frozen past and a relaxed plan.

The tiny instance with costs (``priced``): regions alpha and beta, 78.05 road km apart;
t01 (home alpha, 100 EUR a day, per diem 20, hotel 40) and t02 (home beta, 120 EUR, per diem
25, hotel 45); a night away beyond 60 road km; Alpha Hall hired at 150 EUR a day, Beta Hall at
90.50; catering and materials 12.50 EUR a person; officers' travel 8 EUR each.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from datafactory import ALPHA, BETA, tiny, tiny_session, write_data
from trafficplan.checker import check_plan
from trafficplan.diagnostics.prechecks import diagnose
from trafficplan.inputs import load_data
from trafficplan.inputs.geo import great_circle_km
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan import Plan
from trafficplan.plan.metrics import cost_breakdown_cents, plan_metrics, total_cost_cents
from trafficplan.solver import SolveOptions, SolveResult, solve, solve_relaxed
from trafficplan.solver.replan import replan

ROAD_KM = great_circle_km(50.0, 30.0, 50.0, 30.84) * 1.3  # alpha to beta, 78.05 km
TRIP_EUR = 2 * ROAD_KM * 0.20  # home-venue-home at 0.20 EUR a km: 31.22
OPTIONS = SolveOptions(time_limit=30, seed=0, workers=1)


def priced(same_evening_km: float = 60) -> dict[str, Any]:
    """The tiny instance with every cost component set (see the module docstring)."""
    dicts = tiny()
    alpha, beta = dicts["regions"]["regions"]
    alpha["venues"][0]["day_rate_eur"] = 150
    beta["venues"][0]["day_rate_eur"] = 90.5
    t01, t02 = dicts["trainers"]["trainers"]
    t01.update(per_diem_eur=20, hotel_eur=40)
    t02.update(per_diem_eur=25, hotel_eur=45)
    dicts["constraints"]["trainers"]["travel"]["same_evening_km"] = same_evening_km
    dicts["constraints"]["sessions"]["per_person_eur"] = 12.5
    dicts["constraints"]["officers"]["travel_eur"] = 8
    return dicts


def load(tmp_path: Path, dicts: dict[str, Any], name: str = "data") -> ProblemData:
    return load_data(write_data(tmp_path / name, dicts))


session = tiny_session


def far_plan() -> Plan:
    """Each trainer away from home: t02 leads alpha (Tue 2 June, 15 officers), t01 leads
    beta (Thu 4 June, all 20): two round trips of 78.05 km, two nights away."""
    return Plan(
        status="feasible",
        sessions=[session("alpha-01", 2, "t02", ALPHA[:15]), session("beta-01", 4, "t01", BETA)],
        unassigned_officers=ALPHA[15:],
    )


# Worked by hand for far_plan() on priced():
#   trainer_fees   120 (t02) + 100 (t01)                               = 220.00
#   trainer_travel 2 x 31.22                                           =  62.44
#   per_diem       25 + 20                                             =  45.00
#   hotel          45 + 40 (78.05 km > 60 km: both nights away)        =  85.00
#   venue_hire     150 + 90.50                                         = 240.50
#   catering       12.50 x ((15 + 1 + 1) + (20 + 1 + 1)) = 12.50 x 39 = 487.50
#   officer_travel 8 x 35 officers trained                             = 280.00
FAR_PLAN = {
    "trainer_fees": 220.0,
    "trainer_travel": 62.44,
    "per_diem": 45.0,
    "hotel": 85.0,
    "venue_hire": 240.5,
    "catering": 487.5,
    "officer_travel": 280.0,
}
FAR_TOTAL = 1420.44


def test_trip_is_as_the_docstring_says() -> None:
    assert round(ROAD_KM, 2) == 78.05 and round(TRIP_EUR, 2) == 31.22


def test_every_component_of_the_plan_metric_by_hand(tmp_path: Path) -> None:
    data = load(tmp_path, priced())
    metrics = plan_metrics(data, far_plan())
    assert list(metrics["cost_components"]) == list(COST_COMPONENTS)
    assert metrics["cost_components"] == pytest.approx(FAR_PLAN, abs=0.005)
    assert metrics["cost_eur"] == pytest.approx(FAR_TOTAL, abs=0.005)
    by_region = cost_breakdown_cents(data, far_plan().sessions)
    # alpha: t02 120 + 31.22 + 25 + 45, hall 150, 17 people 212.50, 15 officers 120
    assert by_region["alpha"] == {
        "trainer_fees": 12000,
        "trainer_travel": 3122,
        "per_diem": 2500,
        "hotel": 4500,
        "venue_hire": 15000,
        "catering": 21250,
        "officer_travel": 12000,
    }
    assert sum(by_region["beta"].values()) == 10000 + 3122 + 2000 + 4000 + 9050 + 27500 + 16000


def test_the_hotel_is_paid_only_beyond_same_evening_km(tmp_path: Path) -> None:
    # 78.05 km is within the default 250 km: home the same evening, no hotel night
    data = load(tmp_path, priced(same_evening_km=250))
    components = plan_metrics(data, far_plan())["cost_components"]
    assert components["hotel"] == 0
    assert components["per_diem"] == 45.0  # a per diem on every session day all the same
    assert not data.stays_overnight("t02", "alpha-hall")
    assert not data.stays_overnight("t01", "alpha-hall")  # at home


def test_data_without_cost_keys_cost_day_rates_and_trips_only(tiny_folder: Path) -> None:
    metrics = plan_metrics(load_data(tiny_folder), far_plan())
    assert metrics["cost_eur"] == pytest.approx(220 + 2 * round(TRIP_EUR, 2))
    assert {k for k, v in metrics["cost_components"].items() if v} == {
        "trainer_fees",
        "trainer_travel",
    }


def test_the_checker_recomputes_every_component(tmp_path: Path) -> None:
    data = load(tmp_path, priced())
    report = check_plan(data, far_plan())
    assert report.valid, report.violations
    assert report.cost_components == pytest.approx(FAR_PLAN, abs=0.005)
    assert report.metrics["cost_eur"] == pytest.approx(FAR_TOTAL, abs=0.005)
    assert report.region_costs["beta"]["catering"] == 275.0  # 12.50 x (20 + 1 + 1)
    assert report.region_costs["beta"]["officer_travel"] == 160.0
    assert report.to_json()["cost_components"]["venue_hire"] == 240.5


def test_the_checker_flags_a_claimed_component_that_differs(tmp_path: Path) -> None:
    data = load(tmp_path, priced())
    plan = far_plan()
    plan.metrics = plan_metrics(data, plan)
    assert not [w for w in check_plan(data, plan).warnings if w.rule == "metrics"]
    plan.metrics["cost_components"]["catering"] = 100.0
    messages = [w.message for w in check_plan(data, plan).warnings if w.rule == "metrics"]
    assert messages == [
        "the plan's metrics.cost_components.catering is 100.00, but its sessions give 487.50"
    ]


def test_budget_holds_for_the_exact_cost(tmp_path: Path) -> None:
    exact = 220 + 2 * TRIP_EUR + 45 + 85 + 240.5 + 487.5 + 280
    dicts = priced()
    dicts["constraints"]["budget_eur"] = exact
    assert check_plan(load(tmp_path, dicts), far_plan()).valid
    dicts["constraints"]["budget_eur"] = 1420.43
    report = check_plan(load(tmp_path, dicts, "poorer"), far_plan())
    assert [v.rule for v in report.violations] == ["budget"]
    assert "the plan costs 1,420.44 EUR; budget_eur is 1,420.43" in report.violations[0].message


def test_the_budget_message_gives_the_plans_cost_eur_not_the_unrounded_sum(
    tmp_path: Path,
) -> None:
    # 39 people at 12.501 EUR: 12.50 each to the cent, so the unrounded cost is 0.039 more;
    # every output says cost_eur (each item to the cent), and so does the budget rule
    dicts = priced()
    dicts["constraints"]["sessions"]["per_person_eur"] = 12.501
    dicts["constraints"]["budget_eur"] = 1000
    report = check_plan(load(tmp_path, dicts), far_plan())
    cost = report.metrics["cost_eur"]
    [violation] = report.violations
    assert violation.message == (
        f"the plan costs {cost:,.2f} EUR; budget_eur is 1,000.00 ({cost - 1000:,.2f} over)"
    )
    exact = 220 + 2 * TRIP_EUR + 45 + 85 + 240.5 + 39 * 12.501 + 280
    assert f"{exact:,.2f}" != f"{cost:,.2f}"  # the figure the message used to give

    # where the rounding decides (cost_eur within the budget, the unrounded cost above it),
    # the message says so with both figures; the rule holds for the unrounded cost
    dicts["constraints"]["budget_eur"] = cost
    [violation] = check_plan(load(tmp_path, dicts, "at-cost"), far_plan()).violations
    assert violation.message == (
        f"the plan costs {cost:,.2f} EUR to the cent but {exact:,.4f} EUR unrounded; "
        f"budget_eur is {cost:,.2f} and holds for the unrounded cost "
        f"({exact - cost:,.4f} over)"
    )
    dicts["constraints"]["budget_eur"] = exact
    assert check_plan(load(tmp_path, dicts, "exact"), far_plan()).valid


def test_items_rounded_up_are_what_the_budget_adds(tmp_path: Path) -> None:
    dicts = priced()
    dicts["constraints"]["sessions"]["per_person_eur"] = 12.501  # 1251 cents when rounded up
    data = load(tmp_path, dicts)
    sessions = far_plan().sessions
    exact_up = total_cost_cents(data, sessions, round_up=True)
    to_the_cent = total_cost_cents(data, sessions)
    # 39 people: 12.50 each to the cent, 12.51 rounded up; a trip is 31.2199941 EUR, so
    # t02's item 221.2199941 is 221.22 either way
    assert exact_up - to_the_cent == 39


# ----- the solver ---------------------------------------------------------------------------
def solved(tmp_path: Path, dicts: dict[str, Any], name: str = "data") -> tuple[Plan, Any]:
    data = load(tmp_path, dicts, name)
    result = solve(data, OPTIONS)
    assert result.plan is not None, result.reasons
    report = check_plan(data, result.plan)
    assert report.valid, [v.message for v in report.violations]
    assert_levels_are_the_metric(result)
    return result.plan, report


def assert_levels_are_the_metric(result: SolveResult) -> None:
    """The cost level's value is the plan's metric to the cent, and so is its bound when
    proven."""
    assert result.plan is not None
    level = next(o for o in result.plan.objectives if o.name == "cost_eur")
    assert level.value == pytest.approx(result.plan.metrics["cost_eur"], abs=0.001)
    if level.proven:
        assert level.bound == pytest.approx(level.value, abs=0.001)


def test_the_optimum_by_hand(tmp_path: Path) -> None:
    # alpha: t01 at home 100 + 20 = 120 (t02 would cost 120 + 31.22 + 25 + 45 = 221.22);
    # beta: t02 at home 120 + 25 = 145 (t01: 100 + 31.22 + 20 + 40 = 191.22);
    # halls 150 + 90.50; 40 officers trained, so 44 people at 12.50 = 550 and 40 x 8 = 320.
    plan, report = solved(tmp_path, priced())
    assert plan.status == "optimal"
    assert {s.region: s.trainers for s in plan.sessions} == {"alpha": ["t01"], "beta": ["t02"]}
    assert plan.metrics["officers_trained"] == 40
    assert plan.metrics["cost_components"] == pytest.approx(
        {
            "trainer_fees": 220.0,
            "trainer_travel": 0.0,
            "per_diem": 45.0,
            "hotel": 0.0,
            "venue_hire": 240.5,
            "catering": 550.0,
            "officer_travel": 320.0,
        }
    )
    assert plan.metrics["cost_eur"] == pytest.approx(1375.5)
    assert report.metrics["cost_eur"] == pytest.approx(1375.5)


def test_the_cheaper_venue_is_hired(tmp_path: Path) -> None:
    dicts = priced()
    alpha = dicts["regions"]["regions"][0]
    alpha["venues"].append(
        {"id": "alpha-annex", "name": "Annex", "capacity": 20, "day_rate_eur": 60}
    )
    plan, _ = solved(tmp_path, dicts)
    assert next(s.venue for s in plan.sessions if s.region == "alpha") == "alpha-annex"
    assert plan.metrics["cost_eur"] == pytest.approx(1375.5 - 90)


def test_a_budget_that_cannot_pay_every_officer_trains_fewer(tmp_path: Path) -> None:
    # Without officers the cheapest plan costs 120 + 145 + 240.50 + 4 people x 12.50 = 555.50;
    # each officer adds 12.50 + 8 = 20.50: 1,000 EUR pay for 21 (986.00), not 22 (1,006.50).
    dicts = priced()
    dicts["constraints"]["budget_eur"] = 1000
    plan, report = solved(tmp_path, dicts)
    assert plan.metrics["officers_trained"] == 21
    assert plan.metrics["cost_eur"] == pytest.approx(986.0)
    assert [len(s.officers) >= 10 for s in plan.sessions] == [True, True]
    assert report.valid


def test_a_budget_one_cent_short_of_everyone_drops_one_officer(tmp_path: Path) -> None:
    dicts = priced()
    dicts["constraints"]["budget_eur"] = 1375.49
    plan, _ = solved(tmp_path, dicts)
    assert plan.metrics["officers_trained"] == 39
    assert plan.metrics["cost_eur"] == pytest.approx(1355.0)
    dicts["constraints"]["budget_eur"] = 1375.5
    plan, _ = solved(tmp_path, dicts, "enough")
    assert plan.metrics["officers_trained"] == 40


def test_the_precheck_counts_every_component(tmp_path: Path) -> None:
    # Each required session at its least: alpha 120 + 150, beta 145 + 90.50; 10 officers,
    # a trainer and an NGO at 12.50 each (150) and 10 x 8 travel (80): 965.50 in all.
    dicts = priced()
    dicts["constraints"]["budget_eur"] = 900
    findings = diagnose(load(tmp_path, dicts))
    assert [(f.rule, f.message) for f in findings] == [
        (
            "budget",
            "budget_eur 900.00 EUR is below the cheapest possible cost of the 2 required "
            "sessions, 965.50 EUR (each with the cheapest trainer who may teach there, the "
            "cheapest venue and 10 officers: every cost at its least)",
        )
    ]
    dicts["constraints"]["budget_eur"] = 965.5
    assert diagnose(load(tmp_path, dicts, "enough")) == []


def test_a_replan_counts_the_frozen_past_in_every_component(tmp_path: Path) -> None:
    # beta-01 on 1 June is frozen: t02 at home 120 + 25, the hall 90.50, 22 people x 12.50,
    # 20 officers x 8 = 670.50; alpha-01 from 2 June as published: t01 at home 120, the hall
    # 150, 22 x 12.50, 20 x 8 = 705.00; the re-planned plan costs 1,375.50 over both.
    data = load(tmp_path, priced())
    old = Plan(
        status="feasible",
        sessions=[session("beta-01", 1, "t02", BETA), session("alpha-01", 3, "t01", ALPHA)],
    )
    result = replan(data, old, date(2009, 6, 2), OPTIONS)
    assert result.plan is not None, result.reasons
    assert check_plan(data, result.plan).valid
    assert [s.trainers for s in result.plan.sessions] == [["t02"], ["t01"]]
    assert result.plan.metrics["cost_eur"] == pytest.approx(670.5 + 705.0)
    assert_levels_are_the_metric(result)


def test_a_relaxed_plan_reports_its_own_cost(tmp_path: Path) -> None:
    # alpha has no NGO: its session goes ahead without one (ngo_count gives). Officer-free
    # model first, officers seated after: its cost level must still be the plan's metric.
    # alpha: t01 120, hall 150, 21 people x 12.50, 20 x 8; beta: 670.50 (see above).
    dicts = priced()
    dicts["regions"]["regions"][0]["ngos"] = []
    data = load(tmp_path, dicts)
    result = solve_relaxed(data, OPTIONS)
    assert result.status == "relaxed" and result.plan is not None, result.reasons
    assert [r.rule for r in result.plan.relaxations] == ["ngo_count"]
    assert result.plan.metrics["officers_trained"] == 40
    assert result.plan.metrics["cost_eur"] == pytest.approx(120 + 150 + 262.5 + 160 + 670.5)
    assert_levels_are_the_metric(result)


def test_trainers_differing_only_in_per_diem_are_not_interchangeable(tmp_path: Path) -> None:
    # Same home and day rate: only the per diem tells them apart, and the cheaper one (t02,
    # listed second) must lead both sessions: 2 x (100 + 10) + the trip to beta, 31.22.
    dicts = tiny()
    t01, t02 = dicts["trainers"]["trainers"]
    t02.update(home=dict(t01["home"]), day_rate_eur=100)
    t01["per_diem_eur"] = 30
    t02["per_diem_eur"] = 10
    plan, _ = solved(tmp_path, dicts)
    assert [s.trainers for s in plan.sessions] == [["t02"], ["t02"]]
    assert plan.metrics["cost_eur"] == pytest.approx(220 + 31.22)
