"""``trafficplan whatif``: option checks, known deltas on the tiny instance, sessions that moved.

With ``sessions.officers.max`` at 15 only 15 of each region's 20 officers fit in its one
session, so the baseline trains 30; ``--set sessions.officers.max=20`` trains all 40.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datafactory import tiny, write_data
from trafficplan.cli import app
from trafficplan.inputs import load_data
from trafficplan.plan import Plan, PlanSession, read_plan
from trafficplan.plan.changes import match_sessions
from trafficplan.scenarios.comparison import change_counts, moved_sessions

runner = CliRunner()


@pytest.fixture
def seats15(tmp_path: Path) -> Path:
    """The tiny instance with at most 15 officers a session: 30 of 40 officers can be trained."""
    data = tiny()
    data["constraints"]["sessions"]["officers"]["max"] = 15
    return write_data(tmp_path / "data", data)


def whatif(folder: Path, *args: str):
    return runner.invoke(
        app, ["whatif", "--data", str(folder), "--time-limit", "20", "--workers", "2", *args]
    )


# ----- options and keys, refused before anything is solved ---------------------------------------
def test_needs_a_change(seats15: Path) -> None:
    result = whatif(seats15)
    assert result.exit_code == 2
    assert "at least one --set KEY=VALUE or --drop KEY" in result.stderr


def test_malformed_assignment_exits_2(seats15: Path) -> None:
    result = whatif(seats15, "--set", "sessions.officers.max")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: --set 'sessions.officers.max': expected KEY=VALUE, e.g. sessions.officers.max=30"
    )


def test_unknown_key_exits_3_with_suggestion(seats15: Path) -> None:
    result = whatif(seats15, "--set", "sessions.oficers.max=20")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "Error: constraints.yaml: sessions.oficers: unknown key 'oficers'; did you mean 'officers'?"
    )


def test_invalid_scenario_data_exits_3_with_file_and_place(seats15: Path) -> None:
    result = whatif(seats15, "--set", "trainers.t02.unavailable=[2009-06-05..2009-06-01]")
    assert result.exit_code == 3
    assert "trainers.yaml: trainers.t02.unavailable" in result.stderr
    assert "ends before it starts" in result.stderr


def test_invalid_baseline_exits_3(tmp_path: Path) -> None:
    data = tiny()
    data["constraints"]["sessions"]["officers"]["max"] = "many"
    folder = write_data(tmp_path / "data", data)
    result = whatif(folder, "--set", "sessions.officers.max=20")
    assert result.exit_code == 3
    assert "constraints.yaml: sessions.officers.max" in result.stderr


# ----- solving both sides ------------------------------------------------------------------------
def test_more_seats_train_everyone(seats15: Path) -> None:
    result = whatif(seats15, "--set", "sessions.officers.max=20", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["baseline"]["metrics"]["officers_trained"] == 30
    assert document["scenario"]["metrics"]["officers_trained"] == 40
    assert document["delta"]["officers_trained"] == 10
    assert document["delta"]["trained_by_region"] == {"alpha": 5, "beta": 5}
    assert document["delta"]["sessions"] == 0
    assert document["changes"]["changes"] == [
        {
            "action": "set",
            "file": "constraints.yaml",
            "key": "sessions.officers.max",
            "old": 15,
            "new": 20,
        }
    ]
    # each region's one session now seats 20 instead of 15 (its day and NGO are free choices
    # of equal cost, so they may change too)
    assert sorted(m["session"] for m in document["moved"]) == ["alpha-01", "beta-01"]
    assert all("officers" in m["changed"] for m in document["moved"])
    assert all(
        m["before"]["officers"] == 15 and m["after"]["officers"] == 20 for m in document["moved"]
    )


def test_four_workers_solve_both_sides_at_once_with_the_same_answer(seats15: Path) -> None:
    # four workers: two processes with two workers each; fewer: one solve after the other
    args = ["whatif", "--data", str(seats15), "--time-limit", "20", "--json"]
    result = runner.invoke(app, [*args, "--workers", "4", "--set", "sessions.officers.max=20"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["baseline"]["metrics"]["officers_trained"] == 30
    assert document["scenario"]["metrics"]["officers_trained"] == 40
    assert document["delta"]["officers_trained"] == 10


def test_table_output(seats15: Path) -> None:
    result = whatif(seats15, "--set", "sessions.officers.max=20")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "constraints.yaml: sessions.officers.max: 15 -> 20" in out
    assert "│ officers trained" in out and "30 of 40" in out and "40 of 40" in out and "+10" in out
    assert "15 → 20" in out


def test_a_trainer_fewer_and_on_leave(seats15: Path) -> None:
    # without t02, t01 teaches both sessions; t01's leave in the first week pushes both into
    # the second week, on two different days
    result = whatif(
        seats15,
        "--drop",
        "trainers.t02",
        "--set",
        "trainers.t01.unavailable=[2009-06-01..2009-06-05]",
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    scenario = document["scenario"]
    assert scenario["status"] == "optimal"
    assert scenario["metrics"]["max_trainer_sessions"] == 2
    assert document["delta"]["max_trainer_sessions"] == 1
    afters = [m["after"] for m in document["moved"]]
    assert all(a["trainers"] == ["t01"] for a in afters)
    assert all(date.fromisoformat(a["date"]) >= date(2009, 6, 8) for a in afters)
    assert len({a["date"] for a in afters}) == 2


def test_a_side_without_plan_is_shown_with_its_reasons(seats15: Path) -> None:
    # a session needs 21 officers but a region has only 20: no plan, and exit 0 all the same
    result = whatif(seats15, "--set", "sessions.officers={min: 21, max: 25}", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["scenario"]["status"] == "infeasible"
    assert document["scenario"]["metrics"] is None
    assert document["scenario"]["reasons"]
    assert document["delta"]["officers_trained"] is None
    assert document["moved"] == []

    table = whatif(seats15, "--set", "sessions.officers={min: 21, max: 25}")
    assert table.exit_code == 0
    assert "Scenario has no plan (infeasible):" in table.stdout


def test_a_scenario_the_pre_checks_reject_is_not_solved(seats15: Path) -> None:
    # two sessions cost at least 100 + 120 EUR (day rates, trainers at home): a 150 EUR budget
    # is proven impossible by the pre-checks, without a search that could only fail
    result = whatif(seats15, "--set", "budget_eur=150", "--json")
    assert result.exit_code == 0, result.output
    scenario = json.loads(result.stdout)["scenario"]
    assert scenario["status"] == "infeasible"
    [reason] = scenario["reasons"]
    assert reason.startswith("budget: budget_eur 150.00 EUR is below")


def test_out_dir_writes_both_plans_and_the_scenario_data(seats15: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = whatif(seats15, "--set", "sessions.officers.max=20", "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    baseline = read_plan(out / "baseline-plan.json")
    scenario = read_plan(out / "scenario-plan.json")
    assert baseline.metrics["officers_trained"] == 30
    assert scenario.metrics["officers_trained"] == 40
    assert (scenario.model_extra or {})["scenario"]["changes"][0]["new"] == 20
    # the written scenario data are what the scenario plan was made from
    check = runner.invoke(
        app,
        ["check", str(out / "scenario-plan.json"), "--data", str(out / "scenario-data"), "--json"],
    )
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["valid"] is True
    assert report["warnings"] == []  # no digest mismatch, no metric that differs


# ----- matching sessions of two plans (no solver) ------------------------------------------------
def plan_of(*sessions: tuple[str, str, str, str]) -> Plan:
    return Plan(
        status="feasible",
        sessions=[
            PlanSession(
                id=sid,
                region=region,
                venue=f"{region}-hall",
                date=date.fromisoformat(day),
                trainers=[trainer],
                ngos=[f"{region}-ngo"],
                officers=["X"] * 10,
            )
            for sid, region, day, trainer in sessions
        ],
    )


def test_sessions_are_matched_by_id_first() -> None:
    before = plan_of(("a1", "alpha", "2009-06-02", "t01"), ("a2", "alpha", "2009-06-09", "t01"))
    after = plan_of(("a2", "alpha", "2009-06-03", "t01"), ("a1", "alpha", "2009-06-02", "t02"))
    changes = moved_sessions(before, after)
    assert [(c.session_id, c.kind, c.changed) for c in changes] == [
        ("a1", "changed", ("trainers",)),
        ("a2", "changed", ("date",)),
    ]


def test_sessions_without_shared_ids_are_matched_by_region_and_order() -> None:
    before = plan_of(
        ("old-1", "alpha", "2009-06-02", "t01"),
        ("old-2", "alpha", "2009-06-09", "t01"),
        ("old-3", "beta", "2009-06-03", "t02"),
    )
    after = plan_of(
        ("new-2", "alpha", "2009-06-10", "t01"),
        ("new-1", "alpha", "2009-06-02", "t01"),
    )
    pairs = [(a and a.id, b and b.id) for a, b in match_sessions(before, after)]
    assert pairs == [("old-1", "new-1"), ("old-2", "new-2"), ("old-3", None)]
    changes = moved_sessions(before, after)
    assert [(c.session_id, c.kind) for c in changes] == [
        ("old-2 -> new-2", "changed"),
        ("old-3", "removed"),
    ]
    assert change_counts(changes) == {"added": 0, "removed": 1, "changed": 1}


def test_added_session_and_unchanged_plans() -> None:
    before = plan_of(("a1", "alpha", "2009-06-02", "t01"))
    after = plan_of(("a1", "alpha", "2009-06-02", "t01"), ("b1", "beta", "2009-06-04", "t02"))
    assert [(c.session_id, c.kind) for c in moved_sessions(before, after)] == [("b1", "added")]
    assert moved_sessions(before, before) == []


# ----- against the published plan --------------------------------------------------------------
def test_whatif_against_the_published_plan_changes_only_what_it_must(tmp_path: Path) -> None:
    from trafficplan.plan import write_plan
    from trafficplan.solver import SolveOptions, solve

    dicts = tiny()
    dicts["constraints"]["sessions"]["per_region"] = {"min": 2, "max": 2}
    dicts["constraints"]["sessions"]["max_total"] = 4
    folder = write_data(tmp_path / "data", dicts)
    published = solve(load_data(folder), SolveOptions(time_limit=30, workers=2)).plan
    assert published is not None
    plan_file = tmp_path / "plan.json"
    write_plan(published, plan_file)
    target = max(published.sessions, key=lambda s: (s.date, s.id))
    leave = f"trainers.{target.trainers[0]}.unavailable=[{target.date}]"

    result = CliRunner().invoke(
        app,
        ["whatif", "--data", str(folder), "--plan", str(plan_file), "--set", leave, "--json"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["baseline"]["status"] == published.status
    assert document["baseline"]["metrics"] == published.metrics
    # only the session whose trainer is away changes, and it keeps its id
    assert [m["session"] for m in document["moved"]] == [target.id]
    assert document["moved"][0]["kind"] == "changed"
    assert set(document["moved"][0]) >= {"kind", "changed", "before", "after"}

    human = CliRunner().invoke(
        app, ["whatif", "--data", str(folder), "--plan", str(plan_file), "--set", leave]
    )
    assert human.exit_code == 0, human.output
    assert "Published plan and scenario" in human.stdout
    assert "Sessions that changed (1)" in human.stdout


def test_whatif_since_needs_plan(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", tiny())
    result = CliRunner().invoke(
        app, ["whatif", "--data", str(folder), "--since", "2009-06-02", "--set", "budget_eur=1"]
    )
    assert result.exit_code == 2
    assert "--since goes with --plan" in result.output


# ----- cost components -------------------------------------------------------------------------
def test_a_dearer_lunch_shows_in_the_catering_row(tmp_path: Path) -> None:
    # Every officer trained either way: 40 officers, 2 trainers and 2 NGOs are 44 people, so
    # 12.50 -> 20 EUR a person adds 44 x 7.50 = 330 EUR of catering and nothing else.
    data = tiny()
    data["constraints"]["sessions"]["per_person_eur"] = 12.5
    data["regions"]["regions"][0]["venues"][0]["day_rate_eur"] = 150
    folder = write_data(tmp_path / "data", data)
    result = whatif(folder, "--set", "sessions.per_person_eur=20", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    delta = document["delta"]
    assert delta["cost_eur"] == pytest.approx(330)
    assert delta["cost_components"]["catering"] == pytest.approx(330)
    assert delta["cost_components"]["venue_hire"] == 0
    baseline = document["baseline"]["metrics"]["cost_components"]
    assert baseline["catering"] == 550 and baseline["venue_hire"] == 150

    table = whatif(folder, "--set", "sessions.per_person_eur=20")
    assert table.exit_code == 0, table.output
    lines = {line.split("│")[1].strip(): line for line in table.stdout.splitlines() if "│" in line}
    assert (
        "550.00" in lines["catering and materials"] and "+330.00" in lines["catering and materials"]
    )
    assert "150.00" in lines["venue hire"]
    assert "hotel nights" not in lines  # nothing of it on either side
