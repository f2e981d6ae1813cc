"""``trafficplan capacity``: ranges, targets, and the threshold found on the tiny instance.

On the tiny instance each region has 20 officers and one session, so every officer is trained
exactly when a session may seat 20: varying ``sessions.officers.max`` over 14..22 reaches
``officers_trained=all`` first at 20, and ``officers_trained=34`` first at 17 (2 x 17).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datafactory import tiny, write_data
from trafficplan.cli import app
from trafficplan.errors import UsageError
from trafficplan.scenarios.capacity import (
    MAX_VALUES,
    PointResult,
    Sweep,
    SweepResult,
    Target,
    make_grid,
    parse_target,
    parse_vary,
)
from trafficplan.scenarios.runs import parallel_jobs

runner = CliRunner()


# ----- ranges ------------------------------------------------------------------------------------
def test_integer_range_includes_both_ends() -> None:
    sweep = parse_vary("sessions.officers.max=14..22")
    assert sweep.key == "sessions.officers.max"
    assert sweep.kind == "int"
    assert sweep.values == tuple(range(14, 23))


def test_step_that_misses_the_end_still_ends_at_b() -> None:
    assert parse_vary("trainers.max_per_week=1..6:2").values == (1, 3, 5, 6)


def test_decimal_range_is_exact() -> None:
    sweep = parse_vary("officers.max_district_share_per_day=0.30..0.40:0.05")
    assert sweep.kind == "decimal"
    assert sweep.values == (Decimal("0.30"), Decimal("0.35"), Decimal("0.40"))
    assert sweep.assignment(sweep.values[1]) == "officers.max_district_share_per_day=0.35"


def test_integers_with_a_decimal_step() -> None:
    assert parse_vary("budget_eur=1..2:0.5").values == (Decimal(1), Decimal("1.5"), Decimal(2))


def test_date_range_by_weeks() -> None:
    sweep = parse_vary("window.end=2008-09-15..2008-10-31:7d")
    assert sweep.kind == "date"
    assert sweep.values[:2] == (date(2008, 9, 15), date(2008, 9, 22))
    assert sweep.values[-2:] == (date(2008, 10, 27), date(2008, 10, 31))
    assert len(sweep.values) == 8
    assert sweep.assignment(sweep.values[0]) == "window.end=2008-09-15"
    assert parse_vary("window.end=2008-09-15..2008-10-31:1w").values == sweep.values


def test_date_range_defaults_to_one_day() -> None:
    assert len(parse_vary("window.end=2009-06-10..2009-06-12").values) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sessions.officers.max", "expected KEY=A..B[:STEP]"),
        ("sessions.officers.max=20", "expected a range A..B[:STEP]"),
        ("sessions.officers.max=22..14", "the range ends (14) before it starts (22)"),
        ("sessions.officers.max=14..22:0", "STEP must be greater than 0"),
        ("sessions.officers.max=14..22:-1", "STEP must be greater than 0"),
        ("window.end=2008-09-15..30", "A and B mix a date and a number"),
        ("window.end=2008-09-15..2008-10-31:0d", "STEP must be greater than 0"),
        ("window.end=2008-09-15..2008-10-31:7x", "a date STEP is days or weeks"),
        ("window.end=2008-10-31..2008-09-15", "ends (2008-09-15) before it starts"),
        ("window.end=2008-02-30..2008-03-31", "not a real date"),
        ("sessions.officers.max=a..b", "must be numbers or YYYY-MM-DD dates"),
        ("sessions.officers.max=1..1000", f"at most {MAX_VALUES}"),
        ("a..b=1..2", "a KEY is dot-separated names"),
    ],
)
def test_bad_ranges_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as excinfo:
        parse_vary(text)
    assert message in str(excinfo.value)


def test_targets() -> None:
    assert parse_target("officers_trained=all") == Target(None)
    assert parse_target("officers_trained=1500") == Target(1500)
    for bad in ("cost_eur=100", "officers_trained=lots", "officers_trained"):
        with pytest.raises(UsageError):
            parse_target(bad)
    assert Target(None).reached({"officers_trained": 40, "officers_total": 40})
    assert not Target(None).reached({"officers_trained": 39, "officers_total": 40})
    assert Target(30).reached({"officers_trained": 30, "officers_total": 40})
    assert not Target(30).reached(None)


def test_smallest_reaching_and_unproven_values_below_it() -> None:
    def point(index: int, trained: int, status: str) -> PointResult:
        metrics = {"officers_trained": trained, "officers_total": 40}
        return PointResult(index, (index,), (str(10 + index),), status, metrics=metrics)

    grid = make_grid([Sweep("k", "int", (10, 11, 12, 13))])
    result = SweepResult(
        grid,
        Target(None),
        [
            point(0, 30, "optimal"),
            point(1, 38, "feasible"),
            point(2, 40, "feasible"),
            point(3, 40, "optimal"),
        ],
    )
    assert result.smallest_reaching is not None
    assert result.smallest_reaching.values == ("12",)
    assert [p.label for p in result.unproven_below] == ["11"]
    assert result.warnings() == []


# ----- the command -------------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data", tiny())


def capacity(folder: Path, *args: str):
    return runner.invoke(
        app, ["capacity", "--data", str(folder), "--time-limit", "20", "--json", *args]
    )


def trained_by_value(document: dict) -> dict[str, int | None]:
    (key,) = document["keys"]
    return {
        p["values"][key]: p["metrics"]["officers_trained"] if p["metrics"] else None
        for p in document["points"]
    }


def test_finds_the_seat_threshold_in_one_process(folder: Path) -> None:
    result = capacity(folder, "--vary", "sessions.officers.max=14..22", "--jobs", "1")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["keys"] == ["sessions.officers.max"]
    assert document["smallest_reaching"] == {"sessions.officers.max": "20"}
    assert document["smallest_combinations"] == [{"sessions.officers.max": "20"}]
    assert document["warnings"] == []
    assert trained_by_value(document) == {str(v): 2 * min(v, 20) for v in range(14, 23)}
    assert all(p["status"] == "optimal" for p in document["points"])
    assert document["unproven_below"] == []


@pytest.mark.slow
def test_parallel_processes_give_the_same_answer(folder: Path) -> None:
    args = ("--vary", "sessions.officers.max=14..22:2", "--target", "officers_trained=34")
    alone = json.loads(capacity(folder, *args, "--jobs", "1").stdout)
    result = capacity(folder, *args, "--jobs", "2")
    assert result.exit_code == 0, result.output
    together = json.loads(result.stdout)
    assert together["smallest_reaching"] == alone["smallest_reaching"]
    assert together["smallest_reaching"] == {"sessions.officers.max": "18"}
    assert trained_by_value(together) == trained_by_value(alone)
    assert list(trained_by_value(together)) == ["14", "16", "18", "20", "22"]


def test_no_value_reaches_the_target(folder: Path) -> None:
    result = capacity(folder, "--vary", "sessions.officers.max=14..16", "--jobs", "1")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["smallest_reaching"] is None

    table = runner.invoke(
        app,
        [
            "capacity",
            "--data",
            str(folder),
            "--vary",
            "sessions.officers.max=14..16",
            "--jobs",
            "1",
        ],
    )
    assert table.exit_code == 0
    assert "No value of sessions.officers.max reaches officers_trained=all." in table.stdout


def test_table_chart_and_answer(folder: Path) -> None:
    result = runner.invoke(
        app,
        [
            "capacity",
            "--data",
            str(folder),
            "--vary",
            "sessions.officers.max=18..20",
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "36/40" in out and "38/40" in out and "40/40" in out
    # the chart: the longest bar is the full width, for 40 officers
    assert "█" * 40 in out
    assert (
        "The smallest value of sessions.officers.max that reaches officers_trained=all is 20"
        in " ".join(out.split())
    )


def test_values_that_make_the_data_invalid_are_rows_not_failures(folder: Path) -> None:
    # officers.min is 10: a max below it is invalid data, shown as such
    result = capacity(folder, "--vary", "sessions.officers.max=9..10", "--jobs", "1")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    first, second = document["points"]
    assert first["status"] == "invalid"
    assert first["reasons"] == [
        "constraints.yaml: sessions.officers: min (10) is greater than max (9)"
    ]
    assert second["status"] == "optimal"


def test_every_value_invalid_exits_3(folder: Path) -> None:
    result = capacity(folder, "--vary", "sessions.officers.max=5..6", "--jobs", "1")
    assert result.exit_code == 3
    assert "min (10) is greater than max (5)" in result.stderr


def test_window_end_sweep_names_the_earliest_date(tmp_path: Path) -> None:
    # one trainer left, on leave until 8 June, teaching one session a day: the two regions'
    # sessions need two working days from 9 June on, so the window must end on 10 June
    data = tiny()
    data["trainers"]["trainers"] = data["trainers"]["trainers"][:1]
    data["trainers"]["trainers"][0]["unavailable"] = ["2009-06-01..2009-06-08"]
    data["constraints"]["window"]["end"] = "2009-06-30"
    folder = write_data(tmp_path / "data", data)
    result = capacity(folder, "--vary", "window.end=2009-06-08..2009-06-12", "--jobs", "1")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    statuses = {p["values"]["window.end"]: p["status"] for p in document["points"]}
    assert statuses["2009-06-08"] == "infeasible"
    assert statuses["2009-06-09"] == "infeasible"
    assert document["smallest_reaching"] == {"window.end": "2009-06-10"}

    table = runner.invoke(
        app,
        ["capacity", "--data", str(folder), "--vary", "window.end=2009-06-07..2009-06-10"],
    )
    assert table.exit_code == 0, table.output
    # the pre-checks prove it: until 8 June the trainer has no working day at all (one line
    # for the two dates), on 9 June just one
    out = " ".join(table.stdout.split())
    assert "2009-06-07, 2009-06-08: infeasible: trainer_count:" in out
    assert "can give at most 0 in the window" in out
    assert "2009-06-09: infeasible: trainer_count:" in out


def test_unknown_key_exits_3_and_bad_range_exits_2(folder: Path) -> None:
    unknown = capacity(folder, "--vary", "sessions.oficers.max=14..22")
    assert unknown.exit_code == 3
    assert "did you mean 'officers'?" in unknown.stderr
    bad = capacity(folder, "--vary", "sessions.officers.max=22..14")
    assert bad.exit_code == 2
    assert bad.stderr.count("Error:") == 1
    target = capacity(folder, "--vary", "sessions.officers.max=14..22", "--target", "all")
    assert target.exit_code == 2


def test_parallel_jobs_keep_two_workers_each() -> None:
    assert [parallel_jobs(cores) for cores in (1, 2, 3, 4, 8)] == [1, 1, 1, 2, 4]


@pytest.mark.slow
def test_ctrl_c_stops_the_sweep_and_shows_what_was_solved(tmp_path: Path) -> None:
    # A real SIGINT to a real process: the solve runs in a child process, which the parent
    # stops through an event; the first value keeps its best (here: no) plan, the rest are
    # not run. Every value is a whole year of datafactory.wide(): its solve (about 7 s,
    # building included) takes longer than the delay.
    from datafactory import WIDE_END, wide, write_data
    from processes import kill_tree, wait_for_a_child

    folder = write_data(tmp_path / "data", wide())
    year_end = date.fromisoformat(WIDE_END)
    last = date.fromordinal(year_end.toordinal() + 2).isoformat()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trafficplan",
            "capacity",
            "--data",
            str(folder),
            "--vary",
            f"window.end={WIDE_END}..{last}",
            "--jobs",
            "1",
            "--time-limit",
            "120",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
    )
    # interrupt once the first value's solver process runs, while it imports, loads and builds
    wait_for_a_child(child)
    time.sleep(2)
    child.send_signal(signal.SIGINT)
    try:
        stdout, stderr = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        kill_tree(child)
        pytest.fail("capacity did not stop within 60 s of Ctrl-C")
    assert b"Traceback" not in stderr, stderr.decode()
    assert child.returncode == 130, stderr.decode()
    document = json.loads(stdout)
    assert document["interrupted"] is True
    points = document["points"]
    # values solved before Ctrl-C keep their result; the one running then is marked
    # interrupted; the later ones were not run
    running = [i for i, p in enumerate(points) if p["interrupted"]]
    assert len(running) == 1
    index = running[0]
    assert points[index]["seconds"] < 60
    assert all(p["status"] not in ("not run",) for p in points[:index])
    assert [p["status"] for p in points[index + 1 :]] == ["not run"] * (len(points) - index - 1)


# ----- grids -------------------------------------------------------------------------------------
def test_a_grid_is_every_combination_first_key_slowest() -> None:
    grid = make_grid([parse_vary("a.b=1..2"), parse_vary("window.end=2009-06-10..2009-06-12:2d")])
    assert grid.keys == ["a.b", "window.end"]
    assert len(grid) == 4
    assert [grid.texts(c) for c in grid.coordinates()] == [
        ("1", "2009-06-10"),
        ("1", "2009-06-12"),
        ("2", "2009-06-10"),
        ("2", "2009-06-12"),
    ]
    assert grid.assignments((1, 0)) == ("a.b=2", "window.end=2009-06-10")


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["a.b=1..2", "a.b=3..4"], "--vary a.b: the key is varied twice"),
        (["a.b=1..40", "c.d=1..40"], "40 x 40 = 1600 points is too many"),
        ([], "give at least one"),
    ],
)
def test_bad_grids_are_usage_errors(texts: list[str], message: str) -> None:
    with pytest.raises(UsageError) as excinfo:
        make_grid([parse_vary(t) for t in texts])
    assert message in str(excinfo.value)


def grid_result(trained: dict[tuple[int, int], tuple[int, str]]) -> SweepResult:
    """A 3 x 3 grid over keys x and y (values 1..3), 40 officers, trained as given."""
    grid = make_grid([parse_vary("x.k=1..3"), parse_vary("y.k=1..3")])
    points = []
    for index, coords in enumerate(grid.coordinates()):
        count, status = trained.get(coords, (0, "optimal"))
        metrics = {"officers_trained": count, "officers_total": 40}
        points.append(PointResult(index, coords, grid.texts(coords), status, metrics=metrics))
    return SweepResult(grid, Target(None), points)


def test_smallest_combinations_are_those_no_reaching_point_undercuts_in_every_key() -> None:
    # reaching: (1,3) (2,2) (2,3) (3,1) (3,2) (3,3); the smallest: (1,3) (2,2) (3,1)
    reach = {c: (40, "optimal") for c in [(0, 2), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)]}
    result = grid_result({**reach, (1, 0): (39, "feasible"), (0, 1): (38, "feasible")})
    assert [p.values for p in result.smallest_combinations] == [("1", "3"), ("2", "2"), ("3", "1")]
    assert result.smallest_reaching is not None
    assert result.smallest_reaching.values == ("1", "3")
    # (2,1) and (1,2) missed without proof and no reaching point is below both of them
    assert [p.label for p in result.unproven_below] == ["(1, 2)", "(2, 1)"]
    assert result.at_first_value == [("x.k", "1"), ("y.k", "1")]
    assert result.to_json()["smallest_combinations"] == [
        {"x.k": "1", "y.k": "3"},
        {"x.k": "2", "y.k": "2"},
        {"x.k": "3", "y.k": "1"},
    ]


def test_the_answer_at_a_ranges_first_value_is_flagged(folder: Path) -> None:
    result = capacity(folder, "--vary", "sessions.officers.max=20..22", "--jobs", "1")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["smallest_reaching"] == {"sessions.officers.max": "20"}
    assert document["warnings"] == [
        "20 is the first value of sessions.officers.max tried: the true threshold may lie "
        "below it (start the range lower to find it)"
    ]
    table = runner.invoke(
        app,
        ["capacity", "--data", str(folder), "--vary", "sessions.officers.max=20..21"],
    )
    assert table.exit_code == 0, table.output
    out = " ".join(table.stdout.split())
    assert (
        "The smallest value of sessions.officers.max that reaches officers_trained=all is 20" in out
    )
    assert "Note: 20 is the first value of sessions.officers.max tried" in out


def test_a_two_key_grid_with_base_edits_writes_points_plans_and_heatmap(
    folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    args = [
        "capacity",
        "--data",
        str(folder),
        "--vary",
        "sessions.officers.max=17..19:2",
        "--vary",
        "officers.max_district_share_per_day=0.5..0.9:0.2",
        "--set",
        "sessions.officers.min=12",
        "--drop",
        "trainers.t02",
        "--target",
        "officers_trained=34",
        "--time-limit",
        "20",
        "--jobs",
        "1",
        "--out-dir",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Officers trained by sessions.officers.max (rows) and" in text
    assert "The smallest combinations that reach officers_trained=34" in text
    assert "sessions.officers.max=17, officers.max_district_share_per_day=0.9 (34 officers" in text

    document = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert document["keys"] == ["sessions.officers.max", "officers.max_district_share_per_day"]
    assert document["base_edits"] == {"set": ["sessions.officers.min=12"], "drop": ["trainers.t02"]}
    assert len(document["points"]) == 6
    first = document["points"][0]
    assert set(first) >= {"values", "status", "objectives", "metrics", "seconds"}
    assert first["values"] == {
        "sessions.officers.max": "17",
        "officers.max_district_share_per_day": "0.5",
    }
    # half of a 10-officer district is 5 a day, 10 a region: below officers.min 12
    assert first["status"] == "infeasible" and first["metrics"] is None
    assert document["smallest_reaching"] == {
        "sessions.officers.max": "17",
        "officers.max_district_share_per_day": "0.9",
    }
    assert document["warnings"] == [
        "17 is the first value of sessions.officers.max tried: the true threshold may lie "
        "below it (start the range lower to find it)"
    ]

    lines = (out / "points.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "sessions.officers.max,officers.max_district_share_per_day,status,officers_trained,"
        "cost_eur,max_trainer_sessions,seconds,officers_trained_proven,cost_eur_proven,"
        "max_trainer_sessions_proven"
    )
    rows = [line.split(",") for line in lines[1:]]
    assert [row[:3] for row in rows] == [
        ["17", "0.5", "infeasible"],
        ["17", "0.7", "optimal"],
        ["17", "0.9", "optimal"],
        ["19", "0.5", "infeasible"],
        ["19", "0.7", "optimal"],
        ["19", "0.9", "optimal"],
    ]
    assert rows[0][3:6] == ["", "", ""] and rows[0][7:] == ["", "", ""]
    assert rows[2][3] == "34" and rows[2][7:] == ["true", "true", "true"]
    assert float(rows[2][6]) >= 0

    heatmap = (out / "heatmap.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert heatmap[0] == "sessions.officers.max \\ officers.max_district_share_per_day,0.5,0.7,0.9"
    assert heatmap[1:] == ["17,infeasible,28,34", "19,infeasible,28,36"]

    plans = sorted(p.name for p in out.glob("plan-*.json"))
    assert plans == [f"plan-{m}_{s}.json" for m in (17, 19) for s in ("0.7", "0.9")]
    plan = json.loads((out / "plan-17_0.9.json").read_text())
    assert plan["edits"] == [
        {"option": "set", "text": "sessions.officers.min=12"},
        {"option": "set", "text": "sessions.officers.max=17"},
        {"option": "set", "text": "officers.max_district_share_per_day=0.9"},
        {"option": "drop", "text": "trainers.t02"},
    ]
    # each plan checks cleanly against the base folder: its recorded edits are applied
    check = runner.invoke(app, ["check", str(out / "plan-17_0.9.json"), "--data", str(folder)])
    assert check.exit_code == 0, check.output


def test_a_key_both_varied_and_set_is_a_usage_error(folder: Path) -> None:
    result = capacity(
        folder, "--vary", "sessions.officers.max=18..20", "--set", "sessions.officers.max=19"
    )
    assert result.exit_code == 2
    assert "--set sessions.officers.max: the key is also varied with --vary" in result.stderr
    assert capacity(folder).exit_code == 2


def test_cost_components_per_value(tmp_path: Path) -> None:
    # 40 officers trained at every value: officers' travel is 0, 40 x 1 and 40 x 2 EUR
    data = tiny()
    data["constraints"]["sessions"]["per_person_eur"] = 10
    folder = write_data(tmp_path / "data", data)
    result = runner.invoke(
        app,
        ["capacity", "--data", str(folder), "--vary", "officers.travel_eur=0..2", "--jobs", "1"],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "cost by component (EUR)" in out and "officers' travel" in out
    rows = {
        line.split("│")[1].strip(): line
        for line in out.split("cost by component")[1].splitlines()
        if "│" in line
    }
    assert "80.00" in rows["2"] and "440.00" in rows["2"]  # travel, catering 44 x 10
    assert "hotel nights" not in out  # no value has any

    document = json.loads(
        capacity(folder, "--vary", "officers.travel_eur=0..2", "--jobs", "1").stdout
    )
    travel = [p["metrics"]["cost_components"]["officer_travel"] for p in document["points"]]
    assert travel == [0, 40, 80]
