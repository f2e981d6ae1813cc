"""Reserves for a seat freed the day before (spec 7.4, ``export``'s ``reserves.csv``).

Each reserve, swapped in for any one rostered officer of its session (leaving their own later
session if they have one; the officer who cancels goes unassigned), keeps the plan valid; an
officer not listed while fewer than five are breaks a rule for some officer who cancels.
"""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from datafactory import ALPHA, BETA, crowded, crowded_plan, tiny_session, write_data
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.diagnostics.reserves import Reserve, reserves
from trafficplan.exports.tables import RESERVES_HEADER
from trafficplan.inputs import load_data
from trafficplan.inputs.attendance import Attendance, parse_attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, write_plan
from trafficplan.plan.held import plan_as_held

runner = CliRunner()


def setup(tmp_path: Path) -> tuple[ProblemData, Plan]:
    """The crowded instance with ALP-0011 and ALP-0012 left out (alpha-01 seats ALP 1-10)."""
    data = load_data(write_data(tmp_path / "data", crowded()))
    sessions = crowded_plan()
    sessions[0] = tiny_session("alpha-01", 2, "t01", ALPHA[:10])
    plan = Plan(status="feasible", sessions=sessions, unassigned_officers=ALPHA[10:12])
    assert check_plan(data, plan).valid
    return data, plan


def swapped(plan: Plan, session_id: str, cancels: str, reserve: str) -> Plan:
    """The plan with ``reserve`` in the seat of ``cancels`` in ``session_id``."""
    sessions = []
    for session in plan.sessions:
        officers = [o for o in session.officers if o != reserve]
        if session.id == session_id:
            officers = [reserve if o == cancels else o for o in session.officers]
        sessions.append(session.model_copy(update={"officers": officers}))
    return plan.model_copy(update={"sessions": sessions})


def assert_reserves_hold(
    data: ProblemData, plan: Plan, attendance: Attendance | None = None
) -> None:
    """Every reserve fits every freed seat; every officer not listed misfits some seat."""
    found = reserves(data, plan, attendance)
    as_held = plan_as_held(plan, attendance)
    by_session: dict[str, list[Reserve]] = {}
    for reserve in found:
        by_session.setdefault(reserve.session_id, []).append(reserve)
    for session in as_held.sessions:
        listed = by_session.get(session.id, [])
        assert [r.rank for r in listed] == list(range(1, len(listed) + 1))
        for reserve in listed:
            for cancels in session.officers:
                report = check_plan(
                    data, swapped(as_held, session.id, cancels, reserve.officer.id), attendance
                )
                assert report.valid, (session.id, cancels, reserve, report.violations)
        if not listed or len(listed) == 5:
            continue
        names = {r.officer.id for r in listed}
        trained_by_then = {
            o for other in as_held.sessions if other.date <= session.date for o in other.officers
        }
        for officer in data.officers_by_region[session.region]:
            if officer.id in names or officer.id in trained_by_then:
                continue  # listed, or trained by then (in this session or an earlier one)
            verdicts = [
                check_plan(
                    data, swapped(as_held, session.id, cancels, officer.id), attendance
                ).valid
                for cancels in session.officers
            ]
            assert not all(verdicts), (session.id, officer.id)


def test_unassigned_first_then_latest_session(tmp_path: Path) -> None:
    data, plan = setup(tmp_path)
    found = reserves(data, plan)
    alpha_01 = [(r.rank, r.officer.id, r.now) for r in found if r.session_id == "alpha-01"]
    # the two without a session; alpha-02 (4 June) has its officers.min of 8 and can spare
    # none of them
    assert alpha_01 == [(1, "ALP-0011", None), (2, "ALP-0012", None)]
    # later sessions: no one later to take, ALP-0011/12 only (ALP-0001 is away on 4 June)
    assert [r.officer.id for r in found if r.session_id == "alpha-02"] == ["ALP-0011", "ALP-0012"]
    # beta: everyone seated; beta-01's reserves come from beta-02 (5 June), but beta-02 keeps
    # its officers.min of 8 only with 10, so one may leave it: all of them are candidates
    beta_01 = [r for r in found if r.session_id == "beta-01"]
    assert {r.now for r in beta_01} == {"beta-02"} and len(beta_01) == 5
    assert not [r for r in found if r.session_id == "beta-02"]


def test_every_reserve_keeps_the_plan_valid_and_none_is_missing(tmp_path: Path) -> None:
    data, plan = setup(tmp_path)
    assert_reserves_hold(data, plan)


def test_a_full_later_session_gives_no_reserve(tmp_path: Path) -> None:
    data, plan = setup(tmp_path)
    sessions = list(plan.sessions)
    sessions[3] = sessions[3].model_copy(update={"officers": BETA[10:18]})  # officers.min
    plan = plan.model_copy(
        update={"sessions": sessions, "unassigned_officers": [*ALPHA[10:12], *BETA[18:]]}
    )
    found = [r for r in reserves(data, plan) if r.session_id == "beta-01"]
    assert [r.officer.id for r in found] == ["BET-0019", "BET-0020"]
    assert_reserves_hold(data, plan)


def test_district_share_and_leave_keep_officers_out(tmp_path: Path) -> None:
    dicts = crowded()
    dicts["constraints"]["officers"]["max_district_share_per_day"] = 0.5  # 5 of 10 a day
    data = load_data(write_data(tmp_path / "data", dicts))
    sessions = crowded_plan()
    sessions[0] = tiny_session("alpha-01", 2, "t01", ALPHA[:10])  # 5 north, 5 south
    sessions[1] = tiny_session("alpha-02", 4, "t03", ALPHA[12:], ngo="alpha-ngo2")
    sessions[2] = tiny_session("beta-01", 3, "t02", BETA[:10])
    sessions[3] = tiny_session("beta-02", 5, "t04", BETA[10:], ngo="beta-ngo2")
    plan = Plan(status="feasible", sessions=sessions)
    assert check_plan(data, plan).valid
    found = reserves(data, plan)
    # alpha-01 has its 5 of each district on 2 June: no one more may come, whoever cancels
    assert not [r for r in found if r.session_id == "alpha-01"]
    assert_reserves_hold(data, plan)


def test_held_sessions_have_none_and_no_shows_are_reserves(tmp_path: Path) -> None:
    data, plan = setup(tmp_path)
    rows = [f"alpha-01,{o},present" for o in ALPHA[1:10]] + ["alpha-01,ALP-0001,absent"]
    attendance = parse_attendance("session_id,officer_id,status\n" + "\n".join(rows) + "\n", data)
    found = reserves(data, plan, attendance)
    assert not [r for r in found if r.session_id == "alpha-01"]
    alpha_02 = [r.officer.id for r in found if r.session_id == "alpha-02"]
    # ALP-0001 did not come on 2 June, but is away on 4 June
    assert alpha_02 == ["ALP-0011", "ALP-0012"]
    assert_reserves_hold(data, plan, attendance)
    # a re-planned plan frozen before 5 June: only beta-02 is still to come, and every officer
    # of beta was trained on 3 June
    frozen = plan.model_copy(update={"frozen_before": plan.sessions[3].date})
    assert reserves(data, frozen) == []


def test_export_writes_reserves_csv(tmp_path: Path) -> None:
    data, plan = setup(tmp_path)
    write_plan(plan, tmp_path / "plan.json")
    result = runner.invoke(
        app,
        [
            "export",
            str(tmp_path / "plan.json"),
            "--data",
            str(tmp_path / "data"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "out" / "reserves.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == RESERVES_HEADER
    assert rows[1] == ["alpha-01", "1", "ALP-0011", "Офіцер ALP 11", "alpha-north", ""]
    assert [row[5] for row in rows if row[0] == "beta-01"] == ["beta-02"] * 5
    assert len(rows) - 1 == len(reserves(data, plan))


def _two_stage_plan(tmp_path: Path) -> tuple[ProblemData, Plan]:
    from datafactory import two_stage
    from trafficplan.solver import SolveOptions, solve

    raw = two_stage("district", min_days=3)
    # two inspectors of each region left without a seat, so that meetings have reserves
    for course in raw["constraints"]["courses"]:
        if course["id"] == "meeting":
            course["officers"] = {"min": 1, "max": 18}
    data = load_data(write_data(tmp_path / "data", raw))
    result = solve(data, SolveOptions(time_limit=30, workers=1))
    assert result.plan is not None, result.reasons
    return data, result.plan


def test_a_reserve_takes_the_sessions_course(tmp_path: Path) -> None:
    data, plan = _two_stage_plan(tmp_path)
    course_of = {s.id: s.course for s in plan.sessions}
    found = reserves(data, plan)
    assert any(course_of[r.session_id] == "meeting" for r in found)
    for reserve in found:
        assert course_of[reserve.session_id] in data.officer_courses(reserve.officer)


def test_a_reserve_waits_for_the_heads_of_their_district(tmp_path: Path) -> None:
    data, plan = _two_stage_plan(tmp_path)
    meetings = [s for s in plan.sessions if s.course == "meeting" and s.region == "alpha"]
    first = min(meetings, key=lambda s: s.date)
    assert any(r.session_id == first.id for r in reserves(data, plan))
    # the alpha heads trained the day of alpha's first meeting: nobody waits long enough
    late = plan.model_copy(deep=True)
    for session in late.sessions:
        if session.course == "heads" and session.region == "alpha":
            session.date = first.date
    assert not [r for r in reserves(data, late) if r.session_id == first.id]
