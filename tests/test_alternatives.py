"""``explain --session`` (spec 7.4): the alternatives of one session, judged with the rest of
the plan fixed, compared with ``check`` on the whole edited plan.

The brute force: every trainer, every NGO and every venue of the data, every day from three
days before the window to three after it, each applied to the session (officers who cannot
follow a new date or venue leave it) and checked by ``check_plan``. A change is listed as an
alternative exactly when the checker passes the edited plan, and a forbidden one names
exactly the rules the checker finds broken.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import SHIPPED_DATA
from datafactory import ALPHA, BETA, crowded, crowded_plan, tiny_session, write_data
from test_solver_properties import instances
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.diagnostics.alternatives import (
    KINDS,
    AlternativeBreaksRulesError,
    Change,
    PlanNotValidError,
    SessionEdits,
    apply_alternative,
    parse_request,
    session_alternatives,
)
from trafficplan.errors import UsageError
from trafficplan.inputs import load_data
from trafficplan.inputs.attendance import parse_attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession, write_plan
from trafficplan.plan.levels import level_claims
from trafficplan.plan.metrics import plan_metrics, total_cost_cents
from trafficplan.solver import SolveOptions, solve


def load(tmp_path: Path, dicts: dict[str, Any]) -> ProblemData:
    return load_data(write_data(tmp_path / "data", dicts))


def every_change(data: ProblemData, session: PlanSession) -> Iterator[Change]:
    """Every change of the four kinds to any id of the data and any day near the window."""
    for position in range(len(session.trainers)):
        for trainer in data.trainers:
            if trainer.id != session.trainers[position]:
                people = list(session.trainers)
                people[position] = trainer.id
                yield Change("trainer", people=tuple(people))
    for position in range(len(session.ngos)):
        for ngo in data.ngo_by_id:
            if ngo != session.ngos[position]:
                people = list(session.ngos)
                people[position] = ngo
                yield Change("ngo", people=tuple(people))
    for venue in data.venue_by_id:
        if venue != session.venue:
            yield Change("venue", venue=venue)
    window = data.constraints.window
    day = window.start - timedelta(days=3)
    while day <= window.end + timedelta(days=3):
        if day != session.date:
            for venue in data.venue_by_id:
                yield Change("date", day=day, venue=None if venue == session.venue else venue)
        day += timedelta(days=1)


def brute_force(
    data: ProblemData, plan: Plan, session_id: str, attendance: Any = None
) -> dict[str, set[str]]:
    """Per change text, the rules ``check_plan`` finds broken on the whole edited plan."""
    edits = SessionEdits(data, plan, session_id, attendance)
    verdicts = {}
    for change in every_change(data, edits.session):
        if change.day is not None and change.day < edits.first_day:
            continue  # never offered: the past cannot change (it may well pass check)
        edited, _moved = edits.edited(change)
        sessions = [edited if s.id == session_id else s for s in plan.sessions]
        report = check_plan(data, plan.model_copy(update={"sessions": sessions}), attendance)
        verdicts[change.text(session_id)] = {v.rule for v in report.violations}
    return verdicts


def assert_same_as_check(
    data: ProblemData, plan: Plan, session_id: str, attendance: Any = None
) -> None:
    answer = session_alternatives(data, plan, session_id, attendance)
    listed = {j.change.text(session_id): j for j in answer.judged}
    verdicts = brute_force(data, plan, session_id, attendance)
    assert set(listed) <= set(verdicts)
    for text, broken in verdicts.items():
        judged = listed.get(text)
        if judged is None:
            # outside the changes considered: another region's venue or NGO, a day off
            assert broken, f"{text} keeps every rule but is not listed"
            continue
        assert judged.allowed == (not broken), (text, broken, judged.violations)
        assert {v.rule for v in judged.violations} == broken, text


def crowded_setup(tmp_path: Path, change: Any = None) -> tuple[ProblemData, Plan]:
    dicts = crowded()
    sessions = crowded_plan()
    if change is not None:
        sessions = change(dicts, sessions) or sessions
    data = load(tmp_path, dicts)
    plan = Plan(status="feasible", sessions=sessions)
    report = check_plan(data, plan)
    assert report.valid, [v.message for v in report.violations]
    return data, plan


# ----- every alternative passes check, and none that passes is missing --------------------------
@pytest.mark.parametrize("session_id", ["alpha-01", "alpha-02", "beta-01", "beta-02"])
def test_alternatives_are_exactly_the_changes_check_accepts(
    tmp_path: Path, session_id: str
) -> None:
    data, plan = crowded_setup(tmp_path)
    assert_same_as_check(data, plan, session_id)


def test_with_a_budget_the_dearer_changes_are_forbidden_by_it(tmp_path: Path) -> None:
    data = load(tmp_path / "free", crowded())
    cost = plan_metrics(data, Plan(status="feasible", sessions=crowded_plan()))["cost_eur"]

    def budget(d: dict, _s: list) -> None:
        d["constraints"]["budget_eur"] = cost + 20

    data, plan = crowded_setup(tmp_path, budget)
    answer = session_alternatives(data, plan, "alpha-02")
    only_budget = [j for j in answer.judged if {v.rule for v in j.violations} == {"budget"}]
    # the room that costs 30 EUR more, on the same day or another
    assert only_budget
    assert {j.session.venue for j in only_budget} == {"alpha-room"}
    assert (only_budget[0].message or "").startswith("the plan costs")
    assert all(j.cost_delta_eur <= 20 for j in answer.judged if j.allowed)
    for session_id in ("alpha-01", "alpha-02", "beta-01"):
        assert_same_as_check(data, plan, session_id)


def test_two_trainers_a_session_each_is_replaced_in_turn(tmp_path: Path) -> None:
    def two(d: dict, sessions: list[PlanSession]) -> list[PlanSession]:
        d["constraints"]["trainers"].update({"per_session": 2, "max_per_week": 3})
        pairs = [["t01", "t03"], ["t01", "t03"], ["t02", "t04"], ["t02", "t01"]]
        return [s.model_copy(update={"trainers": p}) for s, p in zip(sessions, pairs, strict=True)]

    data, plan = crowded_setup(tmp_path, two)
    answer = session_alternatives(data, plan, "beta-01")
    values = {tuple(j.change.people) for j in answer.judged if j.kind == "trainer"}
    # each of the two replaced by every trainer not in the session
    assert values == {("t01", "t04"), ("t03", "t04"), ("t02", "t01"), ("t02", "t03")}
    for session_id in ("alpha-02", "beta-01", "beta-02"):
        assert_same_as_check(data, plan, session_id)


def test_in_a_replanned_plan_no_date_before_frozen_before(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    plan = plan.model_copy(update={"frozen_before": date(2009, 6, 4)})
    answer = session_alternatives(data, plan, "beta-02")
    assert answer.first_day == date(2009, 6, 4)
    assert all(j.session.date >= date(2009, 6, 4) for j in answer.judged)
    with pytest.raises(UsageError, match="before 2009-06-04"):
        session_alternatives(data, plan, "beta-01")


def test_a_held_session_cannot_change_and_later_dates_only(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    rows = "\n".join(f"alpha-01,{o},present" for o in ALPHA[:12])
    attendance = parse_attendance("session_id,officer_id,status\n" + rows + "\n", data)
    with pytest.raises(UsageError, match="held"):
        session_alternatives(data, plan, "alpha-01", attendance)
    answer = session_alternatives(data, plan, "beta-02", attendance)
    assert answer.first_day == date(2009, 6, 3)
    assert_same_as_check(data, plan, "beta-02", attendance)


# ----- what each alternative says -----------------------------------------------------------------
def test_officers_who_cannot_follow_a_new_date_are_moved_out(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    edits = SessionEdits(data, plan, "alpha-01")
    edited, moved = edits.edited(Change("date", day=date(2009, 6, 4)))
    # ALP-0001 is away; alpha-02 that day already has 4 of each district and a district
    # sends 8: of the 5 north and 6 south left, the highest ids go
    assert moved == {
        "ALP-0001": "on leave on 2009-06-04",
        "ALP-0011": "over district alpha-north's share on 2009-06-04 (at most 8, 4 in other "
        "sessions)",
        "ALP-0010": "over district alpha-south's share on 2009-06-04 (at most 8, 4 in other "
        "sessions)",
        "ALP-0012": "over district alpha-south's share on 2009-06-04 (at most 8, 4 in other "
        "sessions)",
    }
    assert edited.officers == [o for o in ALPHA[:12] if o not in moved]
    assert edits.judge(Change("date", day=date(2009, 6, 4))).allowed is False  # fixed


def test_officers_beyond_a_smaller_rooms_seats_are_moved_out(tmp_path: Path) -> None:
    def small_room(d: dict, sessions: list[PlanSession]) -> list[PlanSession]:
        d["regions"]["regions"][0]["venues"][1]["capacity"] = 8
        rosters = [ALPHA[:10], ALPHA[10:]]
        return [
            s.model_copy(update={"officers": rosters[i]}) if i < 2 else s
            for i, s in enumerate(sessions)
        ]

    data, plan = crowded_setup(tmp_path, small_room)
    judged = SessionEdits(data, plan, "alpha-02").judge(Change("venue", venue="alpha-room"))
    assert judged.moved == {
        "ALP-0019": "beyond the 8 seats of alpha-room",
        "ALP-0020": "beyond the 8 seats of alpha-room",
    }
    assert judged.allowed and len(judged.session.officers) == 8
    assert_same_as_check(data, plan, "alpha-02")


def test_cost_and_weight_are_the_plans_own_figures(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    answer = session_alternatives(data, plan, "alpha-02")
    before = total_cost_cents(data, plan.sessions)
    weights = {}
    for judged in answer.judged:
        sessions = [judged.session if s.id == "alpha-02" else s for s in plan.sessions]
        assert judged.cost_delta_cents == total_cost_cents(data, sessions) - before
        weights[judged.change.text("alpha-02")] = judged.change_weight
    assert weights["alpha-02:trainer=t01"] == 0
    assert weights["alpha-02:venue=alpha-room"] == 1
    assert weights["alpha-02:date=2009-06-05"] == 2  # the same ISO week
    assert weights["alpha-02:date=2009-06-08@alpha-room"] == 3  # one week on


def test_forbidden_names_the_rule_with_its_numbers(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    answer = session_alternatives(data, plan, "alpha-02")
    forbidden = {j.change.text("alpha-02"): j for j in answer.judged if not j.allowed}
    assert forbidden["alpha-02:trainer=t04"].rule == "trainer_region"
    assert forbidden["alpha-02:trainer=t04"].message == (
        "trainer t04 may not teach in alpha (session alpha-02); allowed: beta"
    )
    assert forbidden["alpha-02:date=2009-06-03@alpha-room"].rule == "venue_unavailable"
    assert forbidden["alpha-02:date=2009-06-10"].rule == "trainer_unavailable"
    per_week = forbidden["alpha-02:ngo=alpha-ngo"]
    assert per_week.rule == "ngo_per_week"
    assert "2 sessions in week 2009-W23" in (per_week.message or "")


def test_order_keeps_officers_first_then_cost(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    answer = session_alternatives(data, plan, "alpha-02")
    dates = answer.alternatives("date")
    keys = [(len(j.moved), j.cost_delta_cents, j.change_weight) for j in dates]
    assert keys == sorted(keys)
    assert dates[0].change.text("alpha-02") == "alpha-02:date=2009-06-03"


def test_unknown_session_and_invalid_plan(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    with pytest.raises(UsageError, match=r"no session 'alpha-9'.*alpha-01"):
        session_alternatives(data, plan, "alpha-9")
    broken = plan.model_copy(
        update={"sessions": [*plan.sessions, tiny_session("beta-03", 3, "t02", BETA[:1])]}
    )
    with pytest.raises(PlanNotValidError) as raised:
        session_alternatives(data, broken, "alpha-01")
    assert raised.value.exit_code == 1


# ----- applying one ------------------------------------------------------------------------------
def test_every_alternative_applied_passes_check_with_true_claims(tmp_path: Path) -> None:
    def claims(d: dict, sessions: list) -> None:
        d["constraints"]["objective"] = [
            "officers_trained",
            {"cost_eur": {"within": "5%"}},
            "max_trainer_sessions",
        ]

    data, plan = crowded_setup(tmp_path, claims)
    metrics = plan_metrics(data, plan)
    plan = Plan.model_validate(
        {
            **plan.model_dump(),
            "status": "optimal",
            "metrics": metrics,
            "objectives": [
                {"name": "officers_trained", "value": 40, "bound": 40, "proven": True},
                {
                    "name": "cost_eur",
                    "value": metrics["cost_eur"],
                    "bound": 0.0,
                    "proven": False,
                    "tolerance": "5%",
                    "best": metrics["cost_eur"],
                    "given": 0.0,
                },
                {"name": "max_trainer_sessions", "value": 1, "bound": 1, "proven": True},
            ],
        }
    )
    for session_id in ("alpha-02", "beta-01", "beta-02"):
        answer = session_alternatives(data, plan, session_id)
        for judged in answer.judged:
            if not judged.allowed:
                continue
            applied = apply_alternative(data, plan, judged.change.text(session_id))
            report = check_plan(data, applied.plan)
            assert report.valid
            assert not [w for w in report.warnings if w.rule == "metrics"]
            assert applied.plan.metrics["cost_eur"] == pytest.approx(
                metrics["cost_eur"] + judged.cost_delta_eur
            )
            recomputed = plan_metrics(data, applied.plan)
            for claim in level_claims(applied.plan.objectives):
                assert claim.problems(recomputed[claim.name]) == [], claim
            if judged.moved:
                assert set(judged.moved) <= set(applied.plan.unassigned_officers)
                assert applied.plan.objectives[0].proven is False
                assert applied.plan.objectives[1].bound is None
            else:
                assert applied.plan.objectives[0] == plan.objectives[0]


def test_apply_refuses_what_breaks_a_rule_and_says_which(tmp_path: Path) -> None:
    data, plan = crowded_setup(tmp_path)
    with pytest.raises(AlternativeBreaksRulesError) as raised:
        apply_alternative(data, plan, "alpha-02:trainer=t04")
    assert raised.value.exit_code == 1
    assert raised.value.lines()[1].startswith("trainer_region: trainer t04 may not teach")
    for text, message in [
        ("alpha-02", "expected SESSION:KIND=VALUE"),
        ("alpha-02:coach=t01", "unknown KIND 'coach'"),
        ("alpha-02:trainer=", "no VALUE"),
        ("alpha-02:date=2009-06-31", "2009-06-31"),
        ("alpha-02:trainer=t9", "unknown trainer 't9'"),
        ("alpha-02:venue=alpha-hal", "did you mean alpha-hall"),
        ("alpha-07:trainer=t01", "no session 'alpha-07'"),
        ("alpha-02:trainer=t03", "nothing changes"),
        ("alpha-02:date=2009-06-04@alpha-hall", "nothing changes"),
    ]:
        with pytest.raises(UsageError, match=message):
            apply_alternative(data, plan, text)


def test_parse_request() -> None:
    assert parse_request("lviv-03:trainer=t05,t02").change == Change("trainer", ("t05", "t02"))
    request = parse_request("lviv-03:date=2008-09-17@lviv-hall")
    assert request.change == Change("date", day=date(2008, 9, 17), venue="lviv-hall")
    assert request.text == "lviv-03:date=2008-09-17@lviv-hall"
    assert parse_request("lviv-03:venue=lviv-room").change.venue == "lviv-room"


# ----- the command ------------------------------------------------------------------------------
runner = CliRunner()


def run_explain(tmp_path: Path, plan: Plan, *args: str) -> Any:
    plan_path = tmp_path / "plan.json"
    write_plan(plan, plan_path)
    folder = tmp_path / "data"
    return runner.invoke(app, ["explain", "--data", str(folder), "--plan", str(plan_path), *args])


def test_cli_tables_for_people(tmp_path: Path) -> None:
    _data, plan = crowded_setup(tmp_path)
    result = run_explain(tmp_path, plan, "--session", "alpha-02")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Session alpha-02 (alpha): 2009-06-04 Thu at alpha-hall" in out
    assert "Other trainers (2)" in out
    assert "Trainers it cannot have (1)" in out
    assert "trainer_region" in out and "may not teach in alpha" in out
    assert "Other dates" in out and "alpha-02:date=2009-06-03" in out
    assert "Other venues the same day (1)" in out
    assert "NGOs it cannot have (1)" in out and "ngo_per_week" in out
    assert "--apply-alternative alpha-02:trainer=t01" in out


def test_cli_json_and_all(tmp_path: Path) -> None:
    _data, plan = crowded_setup(tmp_path)
    result = run_explain(tmp_path, plan, "--session", "alpha-02", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["session"] == "alpha-02"
    first = document["alternatives"][0]
    assert first == {
        "kind": "trainer",
        "value": ["t01"],
        "cost_delta_eur": -180.74,
        "change_weight": 0,
        "officers_moved": [],
        "why_moved": {},
        "apply": "alpha-02:trainer=t01",
    }
    kinds = {a["kind"] for a in document["alternatives"]}
    assert kinds == {"trainer", "date", "venue"}
    forbidden = {
        f"{f['kind']}={','.join(f['value']) if isinstance(f['value'], list) else f['value']}": f
        for f in document["forbidden"]
    }
    assert forbidden["trainer=t04"]["rule"] == "trainer_region"
    assert forbidden["trainer=t04"]["message"].startswith("trainer t04 may not teach in alpha")
    assert document["counts"]["date"] == {"alternatives": 5, "forbidden": 13}
    shown = [f for f in document["forbidden"] if f["kind"] == "date"]
    assert len(shown) == 10 and document["limit"] == 10
    every = json.loads(
        run_explain(tmp_path, plan, "--session", "alpha-02", "--json", "--all").stdout
    )
    assert len([f for f in every["forbidden"] if f["kind"] == "date"]) == 13
    assert every["limit"] is None


def test_cli_errors_a_user_can_cause(tmp_path: Path) -> None:
    _data, plan = crowded_setup(tmp_path)
    result = run_explain(tmp_path, plan, "--session", "alpha-9")
    assert result.exit_code == 2
    assert "has no session 'alpha-9'" in result.stderr and "Traceback" not in result.output
    broken = plan.model_copy(
        update={"sessions": [*plan.sessions, tiny_session("beta-03", 3, "t02", BETA[:1])]}
    )
    result = run_explain(tmp_path, broken, "--session", "alpha-01")
    assert result.exit_code == 1
    assert "the plan breaks" in result.stderr and "seats:" in result.stderr
    unknown = plan.model_copy(
        update={"sessions": [*plan.sessions[:3], tiny_session("gamma-01", 5, "t02", [])]}
    )
    result = run_explain(tmp_path, unknown, "--session", "alpha-01")
    assert result.exit_code == 3
    assert "unknown region 'gamma'" in result.stderr


# ----- on solved plans --------------------------------------------------------------------------
@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(instances(), st.integers(0, 20))
def test_random_solved_plans_list_exactly_what_check_accepts(
    dicts: dict[str, Any], pick: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = load_data(write_data(Path(tmp) / "data", dicts))
        result = solve(data, SolveOptions(time_limit=10, seed=0, workers=1))
    assume(result.plan is not None and result.plan.sessions)
    assert result.plan is not None
    session = result.plan.sessions[pick % len(result.plan.sessions)]
    assert_same_as_check(data, result.plan, session.id)


@pytest.mark.slow
def test_on_the_shipped_plan_every_alternative_passes_check() -> None:
    if not (SHIPPED_DATA / "regions.yaml").exists():
        pytest.skip("the shipped data folder is not there")
    data = load_data(SHIPPED_DATA)
    plan = solve(data, SolveOptions(time_limit=60, seed=0, workers=2)).plan
    assert plan is not None
    answer = session_alternatives(data, plan, "lviv-03")
    judged = [j for kind in KINDS for j in answer.alternatives(kind)]
    assert judged, "the shipped lviv-03 has alternatives"
    for one in judged:
        applied = apply_alternative(data, plan, one.change.text("lviv-03"))
        report = check_plan(data, applied.plan)
        assert report.valid, one.change.text("lviv-03")
        assert not [w for w in report.warnings if w.rule == "metrics"]
    for one in answer.judged:
        if not one.allowed:
            sessions = [one.session if s.id == "lviv-03" else s for s in plan.sessions]
            report = check_plan(data, plan.model_copy(update={"sessions": sessions}))
            assert {v.rule for v in report.violations} == {v.rule for v in one.violations}
