"""Rules that span sessions hold across ``--since``: the frozen past counts in each of them.

Each case re-plans a hand-made plan of the tiny instance from 2 June 2009 (Tuesday), with the
session of 1 June frozen, in both directions: data where what the frozen session already uses
forces the rest to change (binding), and data where it does not (clean: nothing changes). Every
re-planned plan must pass the independent checker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from datafactory import ALPHA, BETA, tiny, tiny_session, write_data
from trafficplan.checker import check_plan
from trafficplan.inputs import load_data
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.changes import plan_changes
from trafficplan.solver import SolveOptions
from trafficplan.solver.replan import replan

SINCE = date(2009, 6, 2)
OPTIONS = SolveOptions(time_limit=20, seed=0, workers=1)


session = tiny_session


def region(dicts: dict[str, Any], region_id: str) -> dict[str, Any]:
    return next(r for r in dicts["regions"]["regions"] if r["id"] == region_id)


def only_t01(dicts: dict[str, Any]) -> dict[str, Any]:
    dicts["trainers"]["trainers"] = dicts["trainers"]["trainers"][:1]
    return dicts["trainers"]["trainers"][0]


def replanned(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], sessions: list[PlanSession]
) -> tuple[Plan, Plan]:
    """(old plan, re-planned plan) of the changed tiny instance, checked."""
    dicts = tiny()
    change(dicts)
    data = load_data(write_data(tmp_path / "data", dicts))
    old = Plan(status="feasible", sessions=sessions)
    result = replan(data, old, SINCE, OPTIONS)
    assert result.plan is not None, result.reasons
    new = result.plan
    report = check_plan(data, new)
    assert report.valid, [v.message for v in report.violations]
    frozen = [s for s in old.sessions if s.date < SINCE]
    assert [s for s in new.sessions if s.date < SINCE] == frozen
    return old, new


def by_id(plan: Plan, session_id: str) -> PlanSession | None:
    return next((s for s in plan.sessions if s.id == session_id), None)


def unchanged(old: Plan, new: Plan) -> bool:
    return plan_changes(old, new).changes == []


# ----- budget: the frozen sessions' cost is spent -----------------------------------------------
def budget(limit: float) -> Callable[[dict[str, Any]], None]:
    def change(dicts: dict[str, Any]) -> None:
        dicts["constraints"]["budget_eur"] = limit

    return change


TWO = [session("alpha-01", 1, "t01", ALPHA), session("beta-01", 2, "t01", BETA)]
"""t01 in alpha (100.00 EUR) on Monday, then in beta (131.20 EUR) on Tuesday."""


@pytest.mark.parametrize(("limit", "binds"), [(225.0, True), (240.0, False)])
def test_budget_counts_the_frozen_cost(tmp_path: Path, limit: float, binds: bool) -> None:
    _old, new = replanned(tmp_path, budget(limit), TWO)
    beta = by_id(new, "beta-01")
    assert beta is not None
    # 100 frozen + 131.20 > 225: t01 must give beta to t02 (120); within 240 nothing changes
    assert beta.trainers == (["t02"] if binds else ["t01"])
    assert new.metrics["cost_eur"] <= limit


# ----- trainers: week, consecutive days, max sessions, travel -----------------------------------
@pytest.mark.parametrize(("cap", "binds"), [(1, True), (2, False)])
def test_trainer_per_week_counts_the_frozen_session(tmp_path: Path, cap: int, binds: bool) -> None:
    def change(dicts: dict[str, Any]) -> None:
        only_t01(dicts)
        dicts["constraints"]["trainers"]["max_per_week"] = cap

    old, new = replanned(tmp_path, change, TWO)
    beta = by_id(new, "beta-01")
    assert beta is not None
    if binds:
        assert beta.date >= date(2009, 6, 8)  # the next ISO week
    else:
        assert unchanged(old, new)


@pytest.mark.parametrize(("cap", "binds"), [(1, True), (2, False)])
def test_trainer_consecutive_counts_the_frozen_day(tmp_path: Path, cap: int, binds: bool) -> None:
    def change(dicts: dict[str, Any]) -> None:
        only_t01(dicts)
        dicts["constraints"]["trainers"]["max_consecutive_days"] = cap

    old, new = replanned(tmp_path, change, TWO)
    beta = by_id(new, "beta-01")
    assert beta is not None
    assert (beta.date != date(2009, 6, 2)) == binds
    assert unchanged(old, new) != binds


@pytest.mark.parametrize(("cap", "binds"), [(1, True), (2, False)])
def test_trainer_max_sessions_counts_the_frozen_session(
    tmp_path: Path, cap: int, binds: bool
) -> None:
    def change(dicts: dict[str, Any]) -> None:
        dicts["trainers"]["trainers"][0]["max_sessions"] = cap

    _old, new = replanned(tmp_path, change, TWO)
    beta = by_id(new, "beta-01")
    assert beta is not None
    assert beta.trainers == (["t02"] if binds else ["t01"])
    assert beta.date == date(2009, 6, 2)


@pytest.mark.parametrize(("day", "binds"), [(3, True), (4, False)])
def test_travel_from_a_frozen_session(tmp_path: Path, day: int, binds: bool) -> None:
    def change(dicts: dict[str, Any]) -> None:
        only_t01(dicts)
        # beta ~930 road km from alpha: two travel days, so beta no earlier than 4 June
        region(dicts, "beta")["centre"] = {"city": "Far City", "lat": 50.0, "lon": 40.0}

    sessions = [session("alpha-01", 1, "t01", ALPHA), session("beta-01", day, "t01", BETA)]
    old, new = replanned(tmp_path, change, sessions)
    beta = by_id(new, "beta-01")
    assert beta is not None
    assert beta.date >= date(2009, 6, 4)
    assert unchanged(old, new) != binds


# ----- NGOs, counts, officers ------------------------------------------------------------------
def two_alpha_sessions(dicts: dict[str, Any]) -> None:
    alpha = region(dicts, "alpha")
    alpha["ngos"] = alpha["ngos"][:1]
    alpha["sessions"] = {"min": 2, "max": 2}
    dicts["constraints"]["sessions"]["max_total"] = 3


ALPHA_TWICE = [
    session("alpha-01", 1, "t01", ALPHA[:10]),
    session("alpha-02", 2, "t01", ALPHA[10:]),
    session("beta-01", 3, "t02", BETA),
]


@pytest.mark.parametrize(("cap", "binds"), [(1, True), (2, False)])
def test_ngo_per_week_counts_the_frozen_session(tmp_path: Path, cap: int, binds: bool) -> None:
    def change(dicts: dict[str, Any]) -> None:
        two_alpha_sessions(dicts)
        dicts["constraints"]["ngos"]["max_per_week"] = cap

    old, new = replanned(tmp_path, change, ALPHA_TWICE)
    second = by_id(new, "alpha-02")
    assert second is not None
    assert (second.date >= date(2009, 6, 8)) == binds
    assert unchanged(old, new) != binds


@pytest.mark.parametrize(("most", "binds"), [(1, True), (2, False)])
def test_counts_count_the_frozen_session(tmp_path: Path, most: int, binds: bool) -> None:
    def change(dicts: dict[str, Any]) -> None:
        two_alpha_sessions(dicts)
        region(dicts, "alpha")["sessions"] = {"min": 1, "max": most}

    old, new = replanned(tmp_path, change, ALPHA_TWICE)
    # alpha's frozen session already is its one allowed session: alpha-02 is cancelled
    assert (by_id(new, "alpha-02") is None) == binds
    assert unchanged(old, new) != binds


@pytest.mark.parametrize("binds", [True, False])
def test_officers_of_frozen_sessions_are_not_seated_again(tmp_path: Path, binds: bool) -> None:
    second = ALPHA[:10] if binds else ALPHA[10:]  # a hand edit seated the same officers twice
    sessions = [
        session("alpha-01", 1, "t01", ALPHA[:10]),
        session("alpha-02", 3, "t01", second),
        session("beta-01", 2, "t02", BETA),
    ]
    old, new = replanned(tmp_path, two_alpha_sessions, sessions)
    again = by_id(new, "alpha-02")
    assert again is not None
    assert set(again.officers).isdisjoint(ALPHA[:10])
    assert new.metrics["officers_trained"] == 40
    assert unchanged(old, new) != binds
