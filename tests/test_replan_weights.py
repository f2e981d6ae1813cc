"""The weight of a change as people feel it (spec 6.7): same-day room change < new date in the
same week < a later week < cancelling; officers moved only when their date or session changes.

Hand-made plans of the tiny instance (two weeks, 1-12 June 2009) are re-planned after a venue
closes; each weight is tested in both directions: the lighter change is chosen when it is
possible, the next one when it is not.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from datafactory import tiny, write_data
from trafficplan.checker import check_plan
from trafficplan.inputs import load_data
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.weights import cancel_weight, move_weight, weeks_apart, window_weeks
from trafficplan.solver import SolveOptions
from trafficplan.solver.replan import replan

SINCE = date(2009, 6, 2)
OPTIONS = SolveOptions(time_limit=20, seed=0, workers=1)


def june(day: int) -> date:
    return date(2009, 6, day)


# ----- the definition --------------------------------------------------------------------------
def test_move_weights_grow_with_what_they_disturb() -> None:
    assert move_weight("hall", june(3), "hall", june(3)) == 0
    assert move_weight("hall", june(3), "annex", june(3)) == 1
    assert move_weight("hall", june(3), "hall", june(5)) == 2  # same ISO week
    assert move_weight("hall", june(3), "annex", june(1)) == 2
    assert move_weight("hall", june(5), "hall", june(8)) == 3  # next week, though 3 days on
    assert move_weight("hall", june(3), "hall", june(17)) == 4
    assert weeks_apart(june(1), june(7)) == 0 and weeks_apart(june(7), june(8)) == 1
    # the tiny window (two ISO weeks): a cancellation outweighs any move inside it
    weeks = window_weeks(june(1), june(12))
    assert weeks == 2 and cancel_weight(weeks) == 5
    assert cancel_weight(weeks) > move_weight("hall", june(1), "annex", june(12))


# ----- the model chooses the lightest change ---------------------------------------------------
def alpha_session(day: int) -> PlanSession:
    return PlanSession(
        id="alpha-01",
        region="alpha",
        venue="alpha-hall",
        date=june(day),
        trainers=["t01"],
        ngos=["alpha-ngo"],
        officers=[f"ALP-{i:04d}" for i in range(1, 21)],
    )


BETA = PlanSession(
    id="beta-01",
    region="beta",
    venue="beta-hall",
    date=june(1),
    trainers=["t02"],
    ngos=["beta-ngo"],
    officers=[f"BET-{i:04d}" for i in range(1, 21)],
)


def replanned(
    tmp_path: Path, hall_closed: list[str], annex_closed: list[str] | None, optional: bool = False
) -> Plan:
    """alpha-01 (hall, Wednesday 3 June) re-planned from 2 June with the hall closed on
    ``hall_closed`` and, when ``annex_closed`` is not None, an annex closed on those days
    (alpha may hold no session when ``optional``)."""
    dicts: dict[str, Any] = tiny()
    alpha = next(r for r in dicts["regions"]["regions"] if r["id"] == "alpha")
    if optional:
        alpha["sessions"] = {"min": 0, "max": 1}
    alpha["venues"][0]["unavailable"] = hall_closed
    if annex_closed is not None:
        alpha["venues"].append(
            {"id": "alpha-annex", "name": "Annex", "capacity": 20, "unavailable": annex_closed}
        )
    data = load_data(write_data(tmp_path / "data", dicts))
    old = Plan(status="feasible", sessions=[BETA, alpha_session(3)])
    result = replan(data, old, SINCE, OPTIONS)
    assert result.status == "optimal", result.reasons
    assert result.plan is not None
    assert check_plan(data, result.plan).valid
    return result.plan


def alpha_of(plan: Plan) -> PlanSession:
    return next(s for s in plan.sessions if s.id == "alpha-01")


def levels(plan: Plan) -> dict[str, float | None]:
    return {level.name: level.value for level in plan.replan_objectives}


@pytest.mark.parametrize(("annex_closed", "room_swap"), [([], True), (["2009-06-03"], False)])
def test_a_same_day_room_change_is_preferred_to_a_new_date(
    tmp_path: Path, annex_closed: list[str], room_swap: bool
) -> None:
    plan = replanned(tmp_path, ["2009-06-03"], annex_closed)
    alpha = alpha_of(plan)
    if room_swap:
        assert (alpha.venue, alpha.date) == ("alpha-annex", june(3))
        assert levels(plan)["change_weight"] == 1
    else:  # the annex is closed that day too: another day of the same week
        assert alpha.date != june(3) and weeks_apart(alpha.date, june(3)) == 0
        assert levels(plan)["change_weight"] == 2
    # the officers keep their session; they count as moved only when its date changes
    assert sorted(alpha.officers) == sorted(alpha_session(3).officers)
    assert levels(plan)["officers_moved"] == (0 if room_swap else 20)
    assert levels(plan)["officers_dropped"] == 0


@pytest.mark.parametrize(
    ("hall_closed", "same_week"),
    [(["2009-06-03"], True), (["2009-06-02..2009-06-05"], False)],
)
def test_a_date_in_the_same_week_is_preferred_to_a_later_one(
    tmp_path: Path, hall_closed: list[str], same_week: bool
) -> None:
    plan = replanned(tmp_path, hall_closed, None)
    alpha = alpha_of(plan)
    assert alpha.venue == "alpha-hall"
    if same_week:
        assert weeks_apart(alpha.date, june(3)) == 0
        assert levels(plan)["change_weight"] == 2
    else:  # the whole rest of the week is closed: the next week, not cancelled
        assert weeks_apart(alpha.date, june(3)) == 1
        assert levels(plan)["change_weight"] == 3
    assert levels(plan)["officers_dropped"] == 0


def test_a_session_that_cannot_stay_in_the_window_is_cancelled_with_its_weight(
    tmp_path: Path,
) -> None:
    plan = replanned(tmp_path, ["2009-06-02..2009-06-12"], None, optional=True)
    assert all(s.id != "alpha-01" for s in plan.sessions)
    assert levels(plan)["change_weight"] == cancel_weight(2)
    assert levels(plan)["officers_dropped"] == 20
    assert levels(plan)["officers_moved"] == 0
