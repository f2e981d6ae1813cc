"""``trafficplan explain``: why an officer is not in a plan (hand-made plans, no solver), and why
the data admit no plan (solver).

Officers of the tiny instance: ALP-0001..ALP-0020 in alpha, odd numbers in alpha-north and even
numbers in alpha-south (10 each); BET-* likewise in beta.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datafactory import tiny, write_data
from trafficplan.cli import app
from trafficplan.diagnostics.officer import explain_officer
from trafficplan.errors import InputError
from trafficplan.inputs import load_data
from trafficplan.plan import Plan, PlanSession, write_plan

runner = CliRunner()

NORTH = [f"ALP-{n:04d}" for n in range(1, 21, 2)]
SOUTH = [f"ALP-{n:04d}" for n in range(2, 21, 2)]


def session(sid: str, region: str, day: str, officers: list[str]) -> PlanSession:
    return PlanSession(
        id=sid,
        region=region,
        venue=f"{region}-hall",
        date=date.fromisoformat(day),
        trainers=["t01" if region == "alpha" else "t02"],
        ngos=[f"{region}-ngo"],
        officers=officers,
    )


def make_plan(*sessions: PlanSession) -> Plan:
    return Plan(status="feasible", sessions=list(sessions))


def folder_with(tmp_path: Path, change: Any = None) -> Path:
    data = tiny()
    if change is not None:
        change(data)
    return write_data(tmp_path / "data", data)


def run_officer(folder: Path, plan: Plan, officer: str, *extra: str):
    plan_path = folder.parent / "plan.json"
    write_plan(plan, plan_path)
    return runner.invoke(
        app,
        ["explain", "--data", str(folder), "--officer", officer, "--plan", str(plan_path), *extra],
    )


# ----- the library -------------------------------------------------------------------------------
def test_assigned_officer_says_where_and_when(tmp_path: Path) -> None:
    data = load_data(folder_with(tmp_path))
    plan = make_plan(session("alpha-01", "alpha", "2009-06-02", NORTH + SOUTH))
    result = explain_officer(plan, data, "ALP-0004")
    assert result.assigned
    assert result.summary() == [
        "Officer ALP-0004 (Офіцер ALP 4, alpha/alpha-south) attends session alpha-01 on "
        "2009-06-02 at venue alpha-hall."
    ]


def test_on_leave_on_every_session_day(tmp_path: Path) -> None:
    def leave(data: dict) -> None:
        data["officers"][0]["unavailable"] = "2009-06-01..2009-06-05;2009-06-09"

    data = load_data(folder_with(tmp_path, leave))
    plan = make_plan(
        session("alpha-01", "alpha", "2009-06-02", NORTH[1:6] + SOUTH[:5]),
        session("alpha-02", "alpha", "2009-06-09", NORTH[6:] + SOUTH[5:]),
    )
    result = explain_officer(plan, data, "ALP-0001")
    assert not result.assigned
    assert [c.on_leave for c in result.checks] == [True, True]
    assert all(c.reasons == ["officer_unavailable: on leave that day"] for c in result.checks)
    assert "closed to them (on leave on 2)" in result.summary()[0]


def test_district_share_used_up(tmp_path: Path) -> None:
    def share(data: dict) -> None:
        data["constraints"]["officers"]["max_district_share_per_day"] = 0.5

    data = load_data(folder_with(tmp_path, share))
    # five of alpha-north's ten officers attend: floor(0.5 x 10) = 5, the district's daily cap
    plan = make_plan(session("alpha-01", "alpha", "2009-06-02", NORTH[:5] + SOUTH[:5]))
    result = explain_officer(plan, data, NORTH[7])
    [check] = result.checks
    assert (check.district_attending, check.district_cap) == (5, 5)
    assert check.reasons == [
        "district_share: 5 of 5 allowed from the district already attend that day"
    ]
    assert not check.full


def test_full_session(tmp_path: Path) -> None:
    def seats(data: dict) -> None:
        data["constraints"]["sessions"]["officers"]["max"] = 15

    data = load_data(folder_with(tmp_path, seats))
    plan = make_plan(session("alpha-01", "alpha", "2009-06-02", NORTH + SOUTH[:5]))
    result = explain_officer(plan, data, SOUTH[9])
    [check] = result.checks
    assert check.reasons == ["seats: full (15 of 15 seats taken)"]
    assert "full on 1" in result.summary()[0]


def test_nothing_kept_the_officer_out(tmp_path: Path) -> None:
    data = load_data(folder_with(tmp_path))
    plan = make_plan(session("alpha-01", "alpha", "2009-06-02", NORTH[:5] + SOUTH[:5]))
    result = explain_officer(plan, data, SOUTH[9])
    assert [c.session_id for c in result.open_sessions] == ["alpha-01"]
    assert "nothing kept them out of alpha-01 (2009-06-02)" in result.summary()[0]


def test_no_session_in_the_region(tmp_path: Path) -> None:
    data = load_data(folder_with(tmp_path))
    plan = make_plan(session("alpha-01", "alpha", "2009-06-02", NORTH[:5] + SOUTH[:5]))
    result = explain_officer(plan, data, "BET-0001")
    assert result.checks == []
    assert result.reason.startswith("the plan has no session in region beta; ")
    # beta may run one session (0 of 1) and the plan one more (1 of 2): only its cost is said
    assert result.reason.endswith(
        "one more session for them costs at least EUR 120.00 (the cheapest venue and trainer, "
        "catering for them and the NGO, this officer; EUR 120.00 with 10 new officers, "
        "sessions.officers.min)"
    )
    assert result.new_session is not None and result.new_session.blockers == []
    assert result.limits == ()


def test_unknown_officer_names_close_ids(tmp_path: Path) -> None:
    data = load_data(folder_with(tmp_path))
    with pytest.raises(InputError) as excinfo:
        explain_officer(make_plan(), data, "ALP-001")
    [line] = excinfo.value.lines()
    assert line.startswith("officers.csv: no officer with id 'ALP-001'; did you mean")


# ----- the command -------------------------------------------------------------------------------
def test_cli_combines_reasons_per_session_day(tmp_path: Path) -> None:
    def setup(data: dict) -> None:
        data["constraints"]["officers"]["max_district_share_per_day"] = 0.5
        data["constraints"]["sessions"]["officers"]["max"] = 10
        data["officers"][2]["unavailable"] = "2009-06-09"  # ALP-0003, north

    folder = folder_with(tmp_path, setup)
    plan = make_plan(
        # 2 June: north's share (5) used up and the session full (10 of 10)
        session("alpha-01", "alpha", "2009-06-02", NORTH[3:8] + SOUTH[:5]),
        # 9 June: ALP-0003 on leave; one free seat
        session("alpha-02", "alpha", "2009-06-09", NORTH[8:] + SOUTH[5:]),
    )
    result = run_officer(folder, plan, "ALP-0003")
    assert result.exit_code == 0, result.output
    assert "each of the 2 session(s) of region alpha was closed to them" in result.stdout
    assert "(district share on 1; full on 1; on leave on 1)" in result.stdout
    assert "│ free     │ 5/5      │ 10/10 │ district share, full │" in result.stdout
    assert "│ on leave │ 2/5      │ 7/10  │ on leave             │" in result.stdout

    as_json = run_officer(folder, plan, "ALP-0003", "--json")
    document = json.loads(as_json.stdout)
    assert document["assigned"] is False
    assert [c["blockers"] for c in document["checks"]] == [["district share", "full"], ["on leave"]]
    assert [c["reasons"] for c in document["checks"]] == [
        [
            "district_share: 5 of 5 allowed from the district already attend that day",
            "seats: full (10 of 10 seats taken)",
        ],
        ["officer_unavailable: on leave that day"],
    ]


def test_cli_assigned_officer(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    plan = make_plan(session("alpha-01", "alpha", "2009-06-02", NORTH + SOUTH))
    result = run_officer(folder, plan, "ALP-0020")
    assert result.exit_code == 0
    assert "attends session alpha-01 on 2009-06-02" in result.stdout


def test_cli_unknown_officer_exits_3(tmp_path: Path) -> None:
    result = run_officer(folder_with(tmp_path), make_plan(), "NOPE-1")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: officers.csv: no officer with id 'NOPE-1'")


def test_cli_plan_with_unknown_ids_exits_3(tmp_path: Path) -> None:
    plan = make_plan(session("gamma-01", "gamma", "2009-06-02", ["ALP-0001"]))
    result = run_officer(folder_with(tmp_path), plan, "ALP-0001")
    assert result.exit_code == 3
    assert "unknown region 'gamma'" in result.stderr


def test_cli_missing_plan_file_exits_3(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    result = runner.invoke(
        app,
        ["explain", "--data", str(folder), "--officer", "ALP-0001", "--plan", "missing.json"],
    )
    assert result.exit_code == 3
    assert "plan file not found" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--officer", "ALP-0001"], "--officer and --plan go together"),
        (["--plan", "plan.json"], "--plan goes with --officer ID or --session ID"),
        (["--session", "alpha-01"], "--session and --plan go together"),
        (["--session", "alpha-01", "--officer", "ALP-0001"], "separate questions"),
        (["--all"], "--all goes with --session"),
    ],
    ids=["no plan", "no officer", "session without plan", "both", "all alone"],
)
def test_cli_officer_and_plan_go_together(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["explain", "--data", str(folder_with(tmp_path)), *args])
    assert result.exit_code == 2
    assert message in result.stderr


# ----- why the data admit no plan (solver) -------------------------------------------------------
def explain_data(folder: Path, *extra: str):
    return runner.invoke(
        app, ["explain", "--data", str(folder), "--time-limit", "20", "--workers", "2", *extra]
    )


def test_data_that_admit_a_plan(tmp_path: Path) -> None:
    result = explain_data(folder_with(tmp_path))
    assert result.exit_code == 0, result.output
    assert "The data admit a plan: nothing to explain." in result.stdout
    document = json.loads(explain_data(folder_with(tmp_path), "--json").stdout)
    assert document["feasible"] is True
    assert document["conflict"] == []


def test_conflicting_rules_are_named_with_what_must_give(tmp_path: Path) -> None:
    # t02 is away the whole window and t01 teaches one session a week: the window's single
    # week cannot hold both regions' sessions
    def squeeze(data: dict) -> None:
        data["constraints"]["window"]["end"] = "2009-06-05"
        data["constraints"]["trainers"]["max_per_week"] = 1
        data["trainers"]["trainers"][1]["unavailable"] = ["2009-06-01..2009-06-12"]

    folder = folder_with(tmp_path, squeeze)
    result = explain_data(folder, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["feasible"] is False
    # the cheap pre-check already sees it
    assert [f["rule"] for f in document["findings"] if f["severity"] == "error"] == [
        "trainer_count"
    ]
    conflict = {(item["rule"], item["subjects"][0]) for item in document["conflict"]}
    assert ("trainer_unavailable", "t02") in conflict
    assert ("trainer_per_week", "t01") in conflict
    assert all(item["give"] for item in document["conflict"])

    table = explain_data(folder)
    assert table.exit_code == 0
    out = table.stdout
    assert out.index("Pre-checks") < out.index("The data admit no plan.")
    assert "trainer_per_week" in out and "trainer_unavailable" in out


def test_no_conflict_isolated_in_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the search can stop before it isolates anything: then a pre-check error still answers
    # the question (exit 0), and without one the answer is "undecided" (exit 5)
    import trafficplan.solver as solver

    monkeypatch.setattr(
        solver, "explain_infeasibility", lambda data, options: solver.Explanation(feasible=False)
    )
    undecided = explain_data(folder_with(tmp_path / "a"))
    assert undecided.exit_code == 5
    assert "no conflict was isolated within the time limit" in undecided.stderr
    assert (
        json.loads(explain_data(folder_with(tmp_path / "a"), "--json").stdout)["decided"] is False
    )

    def no_trainer_days(data: dict) -> None:
        data["constraints"]["trainers"]["max_per_week"] = 0

    prechecked = explain_data(folder_with(tmp_path / "b", no_trainer_days))
    assert prechecked.exit_code == 0, prechecked.output
    assert "error trainer_count" in prechecked.stdout
    assert "the pre-check errors above say why" in " ".join(prechecked.stdout.split())
