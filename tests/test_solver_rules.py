"""The planner, rule by rule: the tiny instance changed so that exactly one rule binds.

The tiny instance (``datafactory.tiny``): regions alpha and beta 60 km apart (78 road km), 20
officers each in two districts of 10, one 20-seat venue and two NGOs each, trainers t01 (home
alpha, 100 EUR a day) and t02 (home beta, 120 EUR a day), 2009-06-01 (Mon) .. 2009-06-12 (Fri)
without holidays, one session a region, 10-20 officers a session. Unchanged, its optimum
trains all 40 officers with t01 in alpha and t02 in beta (t01 in beta would cost
100 + 2 x 78 x 0.20 = 131.20 EUR > 120 EUR).

Every plan the solver returns is also checked by the independent checker.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from datafactory import SPEC_RULE_IDS, write_data
from trafficplan.checker import check_plan
from trafficplan.checker.rules import RULE_IDS
from trafficplan.inputs import load_data
from trafficplan.inputs.calendar import iso_week
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.solver import SolveOptions, SolveResult, explain_infeasibility, solve
from trafficplan.solver.rules import HARD_RULES


def whole_window() -> list[str]:
    """The tiny window as a date set (a new list each time: YAML aliases are refused)."""
    return ["2009-06-01..2009-06-12"]


def solve_dicts(
    tmp_path: Path, dicts: dict[str, Any], seed: int = 0
) -> tuple[ProblemData, SolveResult]:
    """Write, load and solve; any plan returned must pass the checker."""
    data = load_data(write_data(tmp_path / f"data-{seed}", dicts))
    result = solve(data, SolveOptions(time_limit=30, seed=seed, workers=1))
    if result.plan is not None:
        report = check_plan(data, result.plan)
        assert report.valid, [v.message for v in report.violations]
    return data, result


def conflict_rules(data: ProblemData) -> set[str]:
    """The rules of the (minimal) conflict ``explain`` finds in data that admit no plan."""
    explanation = explain_infeasibility(data, SolveOptions(time_limit=30, seed=0, workers=1))
    assert not explanation.feasible
    return {item.rule for item in explanation.items}


def solved_plan(tmp_path: Path, dicts: dict[str, Any]) -> tuple[ProblemData, Plan]:
    """Solve data that admit a plan; the plan must be proven optimal."""
    data, result = solve_dicts(tmp_path, dicts)
    assert result.status == "optimal", result.reasons
    assert result.plan is not None
    return data, result.plan


def sessions_of(plan: Plan, region: str) -> list[PlanSession]:
    """A region's sessions in date order."""
    return sorted((s for s in plan.sessions if s.region == region), key=lambda s: s.date)


def only(plan: Plan, region: str) -> PlanSession:
    """The one session of a region."""
    sessions = sessions_of(plan, region)
    assert len(sessions) == 1
    return sessions[0]


def region(dicts: dict[str, Any], region_id: str) -> dict[str, Any]:
    """A region's dict in the tiny instance."""
    return next(r for r in dicts["regions"]["regions"] if r["id"] == region_id)


def trainer(dicts: dict[str, Any], trainer_id: str) -> dict[str, Any]:
    """A trainer's dict in the tiny instance."""
    return next(t for t in dicts["trainers"]["trainers"] if t["id"] == trainer_id)


def officer(dicts: dict[str, Any], officer_id: str) -> dict[str, Any]:
    """An officer's row in the tiny instance."""
    return next(o for o in dicts["officers"] if o["id"] == officer_id)


def add_annex(dicts: dict[str, Any], region_id: str = "alpha") -> None:
    """A second 20-seat venue in the region, at its centre."""
    region(dicts, region_id)["venues"].append(
        {"id": f"{region_id}-annex", "name": "Annex", "capacity": 20}
    )


def d(text: str) -> date:
    """A date from ISO text."""
    return date.fromisoformat(text)


# ----- the rule list -----------------------------------------------------------------------
def test_hard_rules_are_the_spec_rules_in_spec_order() -> None:
    assert [rule for rule, _ in HARD_RULES] == list(SPEC_RULE_IDS)
    # the checker uses the same ids in the same order
    assert list(RULE_IDS) == list(SPEC_RULE_IDS)


def test_unchanged_tiny_instance_is_solved_as_worked_out_by_hand(
    tmp_path: Path, tiny_data: dict
) -> None:
    data, plan = solved_plan(tmp_path, tiny_data)
    assert plan.metrics["officers_trained"] == 40
    assert plan.unassigned_officers == []
    assert only(plan, "alpha").trainers == ["t01"]
    assert only(plan, "beta").trainers == ["t02"]
    assert plan.metrics["cost_eur"] == pytest.approx(220.0)
    assert [o.name for o in plan.objectives] == [
        "officers_trained",
        "cost_eur",
        "max_trainer_sessions",
    ]
    assert all(o.proven for o in plan.objectives)
    assert plan.inputs is not None and plan.inputs.sha256 == data.digests


# ----- calendar ----------------------------------------------------------------------------
def test_calendar_sessions_land_on_the_only_working_day(tmp_path: Path, tiny_data: dict) -> None:
    # Weekdays 1-5 and 9-12 June are closed, Monday 8 June is the observed Pentecost holiday;
    # Saturday 6 June is `open`: the only working day, so both sessions take place on it.
    tiny_data["constraints"]["calendar"] = {
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": "UA",
        "closed": ["2009-06-01..2009-06-05", "2009-06-09..2009-06-12"],
        "open": ["2009-06-06"],
    }
    _, plan = solved_plan(tmp_path, tiny_data)
    assert [s.date for s in plan.sessions] == [d("2009-06-06"), d("2009-06-06")]


def test_calendar_closed_wins_over_open(tmp_path: Path, tiny_data: dict) -> None:
    # 6 June both open and closed: closed wins, so no working day is left at all.
    tiny_data["constraints"]["calendar"] = {
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": None,
        "closed": [*whole_window(), "2009-06-06"],
        "open": ["2009-06-06"],
    }
    _, result = solve_dicts(tmp_path, tiny_data)
    assert result.status == "infeasible"
    assert result.plan is None and result.reasons


# ----- counts ------------------------------------------------------------------------------
def test_counts_region_override_sets_that_regions_sessions(tmp_path: Path, tiny_data: dict) -> None:
    # alpha must hold exactly 2 sessions (its own override), beta keeps the default 1.
    region(tiny_data, "alpha")["sessions"] = {"min": 2, "max": 2}
    tiny_data["constraints"]["sessions"]["max_total"] = 3
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 5, "max": 20}
    _, plan = solved_plan(tmp_path, tiny_data)
    assert len(sessions_of(plan, "alpha")) == 2
    assert len(sessions_of(plan, "beta")) == 1
    assert plan.metrics["officers_trained"] == 40


def test_counts_max_total_caps_the_officers_trained(tmp_path: Path, tiny_data: dict) -> None:
    # Up to 3 sessions a region but 2 in all, 10 seats a session: 2 x 10 officers trained.
    tiny_data["constraints"]["sessions"]["per_region"] = {"min": 0, "max": 3}
    tiny_data["constraints"]["sessions"]["max_total"] = 2
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 5, "max": 10}
    _, plan = solved_plan(tmp_path, tiny_data)
    assert len(plan.sessions) == 2
    assert plan.metrics["officers_trained"] == 20
    assert plan.objectives[0].bound == 20


def test_counts_min_forces_sessions_beyond_what_officers_need(
    tmp_path: Path, tiny_data: dict
) -> None:
    # 20 seats would train beta in one session, but its min is 2: two sessions of >= 10.
    region(tiny_data, "beta")["sessions"] = {"min": 2, "max": 2}
    tiny_data["constraints"]["sessions"]["max_total"] = 3
    _, plan = solved_plan(tmp_path, tiny_data)
    beta = sessions_of(plan, "beta")
    assert len(beta) == 2
    assert sorted(len(s.officers) for s in beta) == [10, 10]


# ----- fixed -------------------------------------------------------------------------------
def test_fixed_entry_sets_date_venue_and_trainer(tmp_path: Path, tiny_data: dict) -> None:
    # Without the entry alpha would meet in its hall with the cheaper t01 on any day.
    add_annex(tiny_data)
    tiny_data["constraints"]["sessions"]["fixed"] = [
        {"region": "alpha", "date": "2009-06-10", "venue": "alpha-annex", "trainers": ["t02"]}
    ]
    _, plan = solved_plan(tmp_path, tiny_data)
    session = only(plan, "alpha")
    assert (session.date, session.venue, session.trainers) == (
        d("2009-06-10"),
        "alpha-annex",
        ["t02"],
    )
    # t02 is busy in alpha on the 10th, so cost-first t01 takes beta on another day or t02
    # does beta on another day: either way the total cost is the cheapest compatible one.
    beta = only(plan, "beta")
    assert beta.trainers == ["t02"] and beta.date != d("2009-06-10")


def test_fixed_on_a_weekend_is_infeasible_with_the_reason(tmp_path: Path, tiny_data: dict) -> None:
    tiny_data["constraints"]["sessions"]["fixed"] = [{"region": "alpha", "date": "2009-06-06"}]
    _, result = solve_dicts(tmp_path, tiny_data)
    assert result.status == "infeasible"
    assert any("2009-06-06" in reason for reason in result.reasons), result.reasons


# ----- venues and regions ------------------------------------------------------------------
def test_venue_unavailable_moves_the_session_to_the_free_day(
    tmp_path: Path, tiny_data: dict
) -> None:
    region(tiny_data, "alpha")["venues"][0]["unavailable"] = ["2009-06-01..2009-06-11"]
    _, plan = solved_plan(tmp_path, tiny_data)
    assert only(plan, "alpha").date == d("2009-06-12")


def _two_alpha_sessions_in_one_day(tiny_data: dict) -> None:
    """alpha needs two 10-officer sessions, beta none, and the window is one Monday."""
    tiny_data["constraints"]["window"] = {"start": "2009-06-01", "end": "2009-06-01"}
    region(tiny_data, "alpha")["sessions"] = {"min": 2, "max": 2}
    region(tiny_data, "beta")["sessions"] = {"min": 0, "max": 0}
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 10, "max": 10}
    tiny_data["constraints"]["sessions"]["max_per_region_per_day"] = 2


def test_venue_clash_one_venue_cannot_host_two_sessions_a_day(
    tmp_path: Path, tiny_data: dict
) -> None:
    # Two sessions a day are allowed in alpha, but its one hall can host only one of them.
    _two_alpha_sessions_in_one_day(tiny_data)
    _, result = solve_dicts(tmp_path, tiny_data)
    assert result.status == "infeasible"


def test_venue_clash_a_second_venue_takes_the_second_session(
    tmp_path: Path, tiny_data: dict
) -> None:
    _two_alpha_sessions_in_one_day(tiny_data)
    add_annex(tiny_data)
    _, plan = solved_plan(tmp_path, tiny_data)
    alpha = sessions_of(plan, "alpha")
    assert sorted(s.venue for s in alpha) == ["alpha-annex", "alpha-hall"]
    assert {s.date for s in alpha} == {d("2009-06-01")}
    # ngo_per_day: the two same-day sessions have different NGOs
    assert sorted(n for s in alpha for n in s.ngos) == ["alpha-ngo", "alpha-ngo2"]


def test_region_per_day_keeps_two_venues_apart_in_time(tmp_path: Path, tiny_data: dict) -> None:
    # Two venues, but one session a day in a region: a one-day window admits no plan, a
    # two-day window puts one session on each day.
    _two_alpha_sessions_in_one_day(tiny_data)
    add_annex(tiny_data)
    tiny_data["constraints"]["sessions"]["max_per_region_per_day"] = 1
    data, result = solve_dicts(tmp_path, tiny_data)
    assert result.status == "infeasible"
    assert "region_per_day" in conflict_rules(data)
    tiny_data["constraints"]["window"]["end"] = "2009-06-02"
    _, plan = solved_plan(tmp_path / "two-days", tiny_data)
    assert sorted(s.date for s in plan.sessions) == [d("2009-06-01"), d("2009-06-02")]


# ----- seats and officers ------------------------------------------------------------------
def test_seats_officers_max_below_region_size(tmp_path: Path, tiny_data: dict) -> None:
    # 15 seats a session, one session a region: 15 of 20 officers per region are trained.
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 10, "max": 15}
    _, plan = solved_plan(tmp_path, tiny_data)
    assert [len(s.officers) for s in plan.sessions] == [15, 15]
    assert plan.metrics["officers_trained"] == 30
    assert len(plan.unassigned_officers) == 10


def test_seats_venue_capacity_caps_the_session(tmp_path: Path, tiny_data: dict) -> None:
    region(tiny_data, "alpha")["venues"][0]["capacity"] = 12
    _, plan = solved_plan(tmp_path, tiny_data)
    assert len(only(plan, "alpha").officers) == 12
    assert len(only(plan, "beta").officers) == 20


def test_seats_minimum_above_the_officers_available_is_infeasible(
    tmp_path: Path, tiny_data: dict
) -> None:
    # A session needs 21 officers; alpha has 20 (and 25 seats).
    region(tiny_data, "alpha")["venues"][0]["capacity"] = 25
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 21, "max": 25}
    data, result = solve_dicts(tmp_path, tiny_data)
    assert result.status == "infeasible"
    assert conflict_rules(data) == {"seats", "counts"}  # alpha must hold a session


def test_officer_once_and_officer_region(tmp_path: Path, tiny_data: dict) -> None:
    # alpha holds two sessions of at least 10 with 20 officers: exactly 10 + 10 distinct
    # officers. beta holds none, and its officers may not fill alpha's free seats.
    region(tiny_data, "alpha")["sessions"] = {"min": 2, "max": 2}
    region(tiny_data, "beta")["sessions"] = {"min": 0, "max": 0}
    _, plan = solved_plan(tmp_path, tiny_data)
    alpha = sessions_of(plan, "alpha")
    assert [len(s.officers) for s in alpha] == [10, 10]
    everyone = [o for s in alpha for o in s.officers]
    assert len(set(everyone)) == 20 and all(o.startswith("ALP-") for o in everyone)
    assert plan.unassigned_officers == [f"BET-{i:04d}" for i in range(1, 21)]


def test_officer_unavailable_session_on_the_officers_only_free_day(
    tmp_path: Path, tiny_data: dict
) -> None:
    # ALP-0001 is on leave on every working day but Friday 5 June; training all 20 alpha
    # officers in alpha's one session puts it on that day.
    officer(tiny_data, "ALP-0001")["unavailable"] = "2009-06-01..2009-06-04;2009-06-08..2009-06-12"
    _, plan = solved_plan(tmp_path, tiny_data)
    session = only(plan, "alpha")
    assert session.date == d("2009-06-05")
    assert "ALP-0001" in session.officers


def test_officer_unavailable_officer_left_out_when_the_day_is_taken(
    tmp_path: Path, tiny_data: dict
) -> None:
    # The hall is closed on the officer's one free day: the officer is unassigned.
    officer(tiny_data, "ALP-0001")["unavailable"] = "2009-06-01..2009-06-04;2009-06-08..2009-06-12"
    region(tiny_data, "alpha")["venues"][0]["unavailable"] = ["2009-06-05"]
    _, plan = solved_plan(tmp_path, tiny_data)
    assert only(plan, "alpha").date != d("2009-06-05")
    assert plan.unassigned_officers == ["ALP-0001"]
    assert plan.metrics["officers_trained"] == 39


def test_district_share_half_of_each_district(tmp_path: Path, tiny_data: dict) -> None:
    # Share 0.5 of districts of 10: at most floor(0.5 x 10) = 5 a district a day, so one
    # session a region trains exactly 5 + 5.
    tiny_data["constraints"]["officers"]["max_district_share_per_day"] = 0.5
    data, plan = solved_plan(tmp_path, tiny_data)
    for session in plan.sessions:
        districts = Counter(data.officer_by_id[o].district for o in session.officers)
        assert sorted(districts.values()) == [5, 5]
    assert plan.metrics["officers_trained"] == 20


def test_district_share_exact_decimal_floor(tmp_path: Path, tiny_data: dict) -> None:
    # 0.35 x 20 = 7 exactly (a binary float would give 6.999...): with both alpha districts
    # of 20 officers, the one session takes 7 + 7.
    tiny_data["officers"] = [o for o in tiny_data["officers"] if o["region"] == "alpha"]
    for i in range(20, 40):
        tiny_data["officers"].append(
            {
                "id": f"ALP-{i + 1:04d}",
                "name": f"Officer {i + 1}",
                "region": "alpha",
                "district": ["alpha-north", "alpha-south"][i % 2],
                "unavailable": "",
            }
        )
    region(tiny_data, "alpha")["venues"][0]["capacity"] = 30
    region(tiny_data, "beta")["sessions"] = {"min": 0, "max": 0}
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 10, "max": 30}
    tiny_data["constraints"]["officers"]["max_district_share_per_day"] = 0.35
    _, plan = solved_plan(tmp_path, tiny_data)
    assert len(only(plan, "alpha").officers) == 14


# ----- trainers ----------------------------------------------------------------------------
def test_trainer_count_two_trainers_a_session(tmp_path: Path, tiny_data: dict) -> None:
    # Both trainers at every session, and they cannot be in two places: two different days.
    tiny_data["constraints"]["trainers"]["per_session"] = 2
    _, plan = solved_plan(tmp_path, tiny_data)
    assert [s.trainers for s in plan.sessions] == [["t01", "t02"], ["t01", "t02"]]
    assert plan.sessions[0].date != plan.sessions[1].date


def test_trainer_unavailable_other_trainer_teaches_both(tmp_path: Path, tiny_data: dict) -> None:
    # t01 on leave all window: t02 teaches both, beta at 120 and alpha at 120 + 31.20 EUR.
    trainer(tiny_data, "t01")["unavailable"] = whole_window()
    data, plan = solved_plan(tmp_path, tiny_data)
    assert [s.trainers for s in plan.sessions] == [["t02"], ["t02"]]
    expected = 240 + 2 * data.home_road_km("t02", "alpha-hall") * 0.2
    assert plan.metrics["cost_eur"] == pytest.approx(expected, abs=0.01)
    assert plan.metrics["max_trainer_sessions"] == 2


def test_trainer_region_keeps_the_cheap_trainer_out(tmp_path: Path, tiny_data: dict) -> None:
    # t01 may teach only in beta. Alpha must have t02; then t02 in beta too (120 EUR) is
    # cheaper than t01 there (131.20 EUR).
    trainer(tiny_data, "t01")["regions"] = ["beta"]
    _, plan = solved_plan(tmp_path, tiny_data)
    assert only(plan, "alpha").trainers == ["t02"]
    assert only(plan, "beta").trainers == ["t02"]


def test_trainer_per_day_one_trainer_two_days(tmp_path: Path, tiny_data: dict) -> None:
    # Only t01 is free, and the window is two days: one session each day.
    trainer(tiny_data, "t02")["unavailable"] = whole_window()
    tiny_data["constraints"]["window"] = {"start": "2009-06-01", "end": "2009-06-02"}
    _, plan = solved_plan(tmp_path, tiny_data)
    assert sorted(s.date for s in plan.sessions) == [d("2009-06-01"), d("2009-06-02")]
    tiny_data["constraints"]["window"]["end"] = "2009-06-01"
    data, result = solve_dicts(tmp_path / "one-day", tiny_data)
    assert result.status == "infeasible"
    # trainer_per_day cannot give (it is what a trainer is); t02's leave or a session can
    assert conflict_rules(data) & {"trainer_unavailable", "counts"}


def _one_trainer_four_sessions(tiny_data: dict) -> None:
    """Only t01, two 10-officer sessions in each region."""
    trainer(tiny_data, "t02")["unavailable"] = whole_window()
    tiny_data["constraints"]["sessions"]["per_region"] = {"min": 2, "max": 2}
    tiny_data["constraints"]["sessions"]["max_total"] = 4
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 10, "max": 10}


def test_trainer_per_week_pushes_the_fourth_session_into_the_next_week(
    tmp_path: Path, tiny_data: dict
) -> None:
    # Four sessions for t01, at most 3 a week: the window's one day of the second week
    # (Monday 8 June) must hold exactly one of them.
    _one_trainer_four_sessions(tiny_data)
    tiny_data["constraints"]["window"] = {"start": "2009-06-01", "end": "2009-06-08"}
    _, plan = solved_plan(tmp_path, tiny_data)
    weeks = Counter(iso_week(s.date) for s in plan.sessions)
    assert sorted(weeks.values()) == [1, 3]
    assert sum(1 for s in plan.sessions if s.date == d("2009-06-08")) == 1


def test_trainer_consecutive_at_most_two_days_in_a_row(tmp_path: Path, tiny_data: dict) -> None:
    # Three sessions for t01 in Mon-Thu with at most 2 consecutive days: Mon-Tue-Wed and
    # Tue-Wed-Thu are out, so the days are Mon, Tue, Thu or Mon, Wed, Thu.
    trainer(tiny_data, "t02")["unavailable"] = whole_window()
    region(tiny_data, "alpha")["sessions"] = {"min": 2, "max": 2}
    tiny_data["constraints"]["sessions"]["max_total"] = 3
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 10, "max": 10}
    tiny_data["constraints"]["window"] = {"start": "2009-06-01", "end": "2009-06-04"}
    _, plan = solved_plan(tmp_path, tiny_data)
    days = sorted(s.date.day for s in plan.sessions)
    assert days in ([1, 2, 4], [1, 3, 4])
    # three days in a row only: no plan
    tiny_data["constraints"]["window"]["end"] = "2009-06-03"
    data, result = solve_dicts(tmp_path / "three-days", tiny_data)
    assert result.status == "infeasible"
    assert "trainer_consecutive" in conflict_rules(data)
    # ... unless three consecutive days are allowed
    tiny_data["constraints"]["trainers"]["max_consecutive_days"] = 3
    _, plan = solved_plan(tmp_path / "allowed", tiny_data)
    assert sorted(s.date.day for s in plan.sessions) == [1, 2, 3]


def test_trainer_max_sessions_splits_the_work(tmp_path: Path, tiny_data: dict) -> None:
    # t02 costs 300 EUR a day: cost-first, t01 teaches both (231.20 EUR). Capped at one
    # session, t01 keeps alpha (the cheaper split) and t02 takes beta.
    trainer(tiny_data, "t02")["day_rate_eur"] = 300
    _, plan = solved_plan(tmp_path, tiny_data)
    assert [s.trainers for s in plan.sessions] == [["t01"], ["t01"]]
    trainer(tiny_data, "t01")["max_sessions"] = 1
    _, plan = solved_plan(tmp_path / "capped", tiny_data)
    assert only(plan, "alpha").trainers == ["t01"]
    assert only(plan, "beta").trainers == ["t02"]
    assert plan.metrics["cost_eur"] == pytest.approx(400.0)


@pytest.mark.parametrize(
    ("beta_lon", "road_days", "gap"),
    [
        # ~300 km great circle = ~390 road km: 1 travel day, the second session 2 days later
        (34.19, 1, 2),
        # ~720 km great circle = ~936 road km: 2 travel days, 3 days later
        (40.05, 2, 3),
    ],
)
def test_travel_pushes_the_second_session_exactly_the_travel_days_later(
    tmp_path: Path, tiny_data: dict, beta_lon: float, road_days: int, gap: int
) -> None:
    # Only t01 (home alpha) is free; alpha's session is fixed on Monday 1 June and the
    # window ends on the first day t01 can reach beta: beta's session lands exactly there.
    trainer(tiny_data, "t02")["unavailable"] = whole_window()
    region(tiny_data, "beta")["centre"]["lon"] = beta_lon
    tiny_data["constraints"]["sessions"]["fixed"] = [{"region": "alpha", "date": "2009-06-01"}]
    last = d("2009-06-01") + timedelta(days=gap)
    tiny_data["constraints"]["window"] = {"start": "2009-06-01", "end": last.isoformat()}
    data, plan = solved_plan(tmp_path, tiny_data)
    km = data.venue_road_km("alpha-hall", "beta-hall")
    assert km > 250 and -(-km // 500) == road_days
    assert only(plan, "beta").date == last
    # one day less and t01 cannot get there
    tiny_data["constraints"]["window"]["end"] = (last - timedelta(days=1)).isoformat()
    data, result = solve_dicts(tmp_path / "short", tiny_data)
    assert result.status == "infeasible"
    assert "travel" in conflict_rules(data)


def test_travel_same_evening_distance_allows_the_next_day(tmp_path: Path, tiny_data: dict) -> None:
    # 78 road km is within same_evening_km: t01 alone does alpha and beta on Mon and Tue.
    trainer(tiny_data, "t02")["unavailable"] = whole_window()
    tiny_data["constraints"]["window"] = {"start": "2009-06-01", "end": "2009-06-02"}
    _, plan = solved_plan(tmp_path, tiny_data)
    assert sorted(s.date.day for s in plan.sessions) == [1, 2]


# ----- NGOs --------------------------------------------------------------------------------
def test_ngo_count_two_ngos_a_session(tmp_path: Path, tiny_data: dict) -> None:
    tiny_data["constraints"]["ngos"]["per_session"] = 2
    _, plan = solved_plan(tmp_path, tiny_data)
    assert only(plan, "alpha").ngos == ["alpha-ngo", "alpha-ngo2"]
    assert only(plan, "beta").ngos == ["beta-ngo", "beta-ngo2"]


def test_ngo_unavailable_the_other_ngo_comes(tmp_path: Path, tiny_data: dict) -> None:
    region(tiny_data, "alpha")["ngos"][0]["unavailable"] = whole_window()
    _, plan = solved_plan(tmp_path, tiny_data)
    assert only(plan, "alpha").ngos == ["alpha-ngo2"]


def test_ngo_unavailable_everywhere_is_infeasible(tmp_path: Path, tiny_data: dict) -> None:
    for ngo in region(tiny_data, "alpha")["ngos"]:
        ngo["unavailable"] = whole_window()
    data, result = solve_dicts(tmp_path, tiny_data)
    assert result.status == "infeasible"
    assert "ngo_unavailable" in conflict_rules(data)


def test_ngo_per_week_pushes_the_third_session_into_the_next_week(
    tmp_path: Path, tiny_data: dict
) -> None:
    # alpha's only available NGO works at most twice a week; alpha needs three sessions,
    # so Monday 8 June (the second week's one day) holds one of them.
    region(tiny_data, "alpha")["ngos"][1]["unavailable"] = whole_window()
    region(tiny_data, "alpha")["sessions"] = {"min": 3, "max": 3}
    tiny_data["constraints"]["sessions"]["max_total"] = 4
    tiny_data["constraints"]["sessions"]["officers"] = {"min": 5, "max": 7}
    tiny_data["constraints"]["window"] = {"start": "2009-06-01", "end": "2009-06-08"}
    _, plan = solved_plan(tmp_path, tiny_data)
    alpha = sessions_of(plan, "alpha")
    assert [s.ngos for s in alpha] == [["alpha-ngo"]] * 3
    assert alpha[-1].date == d("2009-06-08")
    assert sum(1 for s in alpha if s.date < d("2009-06-08")) == 2


# ----- budget and objectives ---------------------------------------------------------------
def _dear_t02_load_first(tiny_data: dict) -> None:
    """t02 costs 200 EUR a day; max_trainer_sessions ranks before cost_eur."""
    trainer(tiny_data, "t02")["day_rate_eur"] = 200
    tiny_data["constraints"]["objective"] = [
        "officers_trained",
        "max_trainer_sessions",
        "cost_eur",
    ]


def test_objective_order_cost_first_loads_the_cheap_trainer(
    tmp_path: Path, tiny_data: dict
) -> None:
    # Cost first: t01 teaches both (100 + 131.20 EUR) and carries 2 sessions.
    trainer(tiny_data, "t02")["day_rate_eur"] = 200
    _, plan = solved_plan(tmp_path, tiny_data)
    assert [s.trainers for s in plan.sessions] == [["t01"], ["t01"]]
    assert plan.metrics["cost_eur"] == pytest.approx(231.2, abs=0.05)
    assert plan.metrics["max_trainer_sessions"] == 2


def test_objective_order_load_first_shares_the_work(tmp_path: Path, tiny_data: dict) -> None:
    # Load first: one session each (t02 in its home beta, 200 EUR), cost 300 EUR.
    _dear_t02_load_first(tiny_data)
    _, plan = solved_plan(tmp_path, tiny_data)
    assert [o.name for o in plan.objectives] == [
        "officers_trained",
        "max_trainer_sessions",
        "cost_eur",
    ]
    assert plan.metrics["max_trainer_sessions"] == 1
    assert plan.metrics["cost_eur"] == pytest.approx(300.0)


def test_budget_forbids_the_expensive_trainer(tmp_path: Path, tiny_data: dict) -> None:
    # Load-first would use t02 (300 EUR in all); a 250 EUR budget leaves only t01 for both.
    _dear_t02_load_first(tiny_data)
    tiny_data["constraints"]["budget_eur"] = 250
    _, plan = solved_plan(tmp_path, tiny_data)
    assert [s.trainers for s in plan.sessions] == [["t01"], ["t01"]]
    assert plan.metrics["cost_eur"] <= 250
    assert plan.metrics["max_trainer_sessions"] == 2


def test_budget_below_any_plan_is_infeasible(tmp_path: Path, tiny_data: dict) -> None:
    tiny_data["constraints"]["budget_eur"] = 219.99  # the cheapest plan costs 220 EUR
    data, result = solve_dicts(tmp_path, tiny_data)
    assert result.status == "infeasible"
    assert "budget" in conflict_rules(data)
    tiny_data["constraints"]["budget_eur"] = 220
    _, plan = solved_plan(tmp_path / "enough", tiny_data)
    assert plan.metrics["cost_eur"] == pytest.approx(220.0)


# ----- named officers from interchangeable classes -----------------------------------------
def _random_officer_instance(seed: int) -> dict[str, Any]:
    """Many leave patterns and a binding district share, several sessions a region."""
    from datafactory import tiny

    rng = random.Random(seed)
    dicts = tiny()
    dicts["constraints"]["sessions"]["per_region"] = {"min": 1, "max": 3}
    dicts["constraints"]["sessions"]["max_total"] = 6
    dicts["constraints"]["sessions"]["officers"] = {"min": 3, "max": rng.randint(6, 12)}
    dicts["constraints"]["officers"]["max_district_share_per_day"] = rng.choice([0.2, 0.3, 0.45])
    first = d("2009-06-01")
    for row in dicts["officers"]:
        if rng.random() < 0.6:
            start = first + timedelta(days=rng.randint(0, 11))
            end = start + timedelta(days=rng.randint(0, 6))
            row["unavailable"] = f"{start.isoformat()}..{end.isoformat()}"
    return dicts


@pytest.mark.parametrize("seed", range(8))
def test_named_officers_keep_leave_and_district_share(tmp_path: Path, seed: int) -> None:
    # The model counts interchangeable officers; extraction names them. The checker, which
    # knows nothing of classes, must accept the named plan (solve_dicts asserts it).
    data, result = solve_dicts(tmp_path, _random_officer_instance(seed), seed=seed)
    assert result.plan is not None, result.reasons
    report = check_plan(data, result.plan)
    rules = {v.rule for v in report.violations}
    assert "officer_unavailable" not in rules and "district_share" not in rules
    assert report.metrics["officers_trained"] == result.plan.metrics["officers_trained"]
