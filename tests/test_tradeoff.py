"""``trafficplan tradeoff X Y``: the efficient frontier between two objectives, its files, its
place in the report, and what is refused.

The instance is the tiny one with two sessions in each region and a cheap and a dear trainer
(t01 at EUR 50 a day, t02 at EUR 300): the cheapest plan has t01 teach all four sessions; each
session handed to t02 costs EUR 218.78 more (his day rate less t01's, and t01's trip to Beta
City saved). So cost_eur against max_trainer_sessions is (4, 262.44), (3, 481.22), (2, 700.00).

Most frontiers here are solved in this process (a runner that calls the point solver
directly): starting solver processes takes seconds on a busy machine, the solves a fraction of
one. The command itself runs once with its own processes.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from datafactory import tiny, wide, write_data
from processes import kill_tree, wait_for_a_child
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.errors import InputError, UsageError
from trafficplan.inputs import build_data, read_raw
from trafficplan.inputs.models import ObjectiveItem, Tolerance
from trafficplan.plan import read_plan
from trafficplan.scenarios.edits import apply_scenario, load_data_for_plan
from trafficplan.scenarios.runs import OnDone, ScenarioTask, SweepSettings, TaskOutcome, solve_task
from trafficplan.scenarios.tradeoff import (
    MAX_POINTS,
    Axes,
    TradeoffPoint,
    TradeoffResult,
    held_levels,
    make_axes,
    objective_edit,
    read_frontier,
    run_tradeoff,
    write_frontier,
    y_limits,
)

runner = CliRunner()
HEADER = "max_trainer_sessions,cost_eur,proven,gap,sessions,trainers_used,plan"
FRONTIER = [(2, 700.0), (3, 481.22), (4, 262.44)]
"""(max_trainer_sessions, cost_eur) of the efficient plans, from the lightest load."""


def two_trainers() -> dict[str, Any]:
    data = tiny()
    data["constraints"]["sessions"]["per_region"] = {"min": 2, "max": 2}
    data["constraints"]["sessions"]["max_total"] = 4
    data["trainers"]["trainers"][0]["day_rate_eur"] = 50
    data["trainers"]["trainers"][1]["day_rate_eur"] = 300
    return data


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_data(tmp_path_factory.mktemp("tradeoff") / "data", two_trainers())


class InProcess:
    """A point runner that solves each task here, one after the other."""

    def __init__(self) -> None:
        self.tasks: list[ScenarioTask] = []

    def run(
        self, tasks: list[ScenarioTask], on_done: OnDone | None = None
    ) -> tuple[dict[int, TaskOutcome], bool]:
        outcomes = {}
        for task in tasks:
            self.tasks.append(task)
            outcome = solve_task(task)
            outcomes[task.index] = outcome
            if on_done is not None:
                on_done(outcome)
        return outcomes, False


def frontier(folder: Path, x: str, y: str, step: str | None = None, **edits: Any) -> TradeoffResult:
    return run_tradeoff(
        read_raw(folder),
        make_axes(x, y, step),
        InProcess(),
        SweepSettings(
            tuple(edits.get("sets") or ()), tuple(edits.get("drops") or ()), 60, seed=0, workers=2
        ),
        slots=1,
    )


def pairs(result: TradeoffResult) -> list[tuple[float | None, float | None]]:
    return [(p.y_value, p.x_value) for p in result.points]


# ----- the frontier ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cost_by_load(folder: Path) -> TradeoffResult:
    return frontier(folder, "cost_eur", "max_trainer_sessions")


def test_the_frontier_is_monotone_efficient_and_proven(cost_by_load: TradeoffResult) -> None:
    result = cost_by_load
    assert result.held == [ObjectiveItem(name="officers_trained")]
    assert pairs(result) == FRONTIER
    # the ends, then the one limit between them (max_trainer_sessions <= 3)
    assert [(p.role, p.limit) for p in result.solves] == [
        ("Y first", None),
        ("X first", None),
        ("limit", Decimal(3)),
    ]
    points = result.points
    for before, after in itertools.pairwise(points):
        assert after.y_value is not None and before.y_value is not None
        assert after.x_value is not None and before.x_value is not None
        assert after.y_value > before.y_value  # Y worse (more sessions) ...
        assert after.x_value < before.x_value  # ... for a better X (less cost)
    for point in points:
        others = [q for q in points if q is not point]
        assert not any(
            (q.x_value or 0) <= (point.x_value or 0) and (q.y_value or 0) <= (point.y_value or 0)
            for q in others
        )
        assert point.proven and point.gap == 0
        assert point.sessions == 4
        assert point.metrics is not None and point.metrics["officers_trained"] == 40
    assert [p.trainers_used for p in points] == [2, 2, 1]


def test_every_plan_is_valid_and_records_how_to_rebuild_its_data(
    folder: Path, cost_by_load: TradeoffResult, tmp_path: Path
) -> None:
    written = write_frontier(cost_by_load, tmp_path / "out")
    names = sorted(path.name for path in written)
    assert names == ["plan-2.json", "plan-3.json", "plan-4.json", "points.csv"]
    y_first = "objective=[officers_trained, max_trainer_sessions, cost_eur]"
    x_first = "objective=[officers_trained, cost_eur, max_trainer_sessions]"
    for name, edit in (
        ("plan-2.json", y_first),
        ("plan-3.json", x_first),
        ("plan-4.json", x_first),
    ):
        plan = read_plan(tmp_path / "out" / name)
        assert [e.text for e in plan.edits] == [edit]
        data = load_data_for_plan(folder, plan)
        report = check_plan(data, plan)
        assert report.valid, report
        assert plan.metrics["max_trainer_sessions"] == int(name[5])


def test_points_csv_has_the_exact_header_and_plain_numbers(
    cost_by_load: TradeoffResult, tmp_path: Path
) -> None:
    write_frontier(cost_by_load, tmp_path)
    text = (tmp_path / "points.csv").read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == HEADER
    assert lines[1:] == [
        "2,700.00,true,0,4,2,plan-2.json",
        "3,481.22,true,0,4,2,plan-3.json",
        "4,262.44,true,0,4,1,plan-4.json",
    ]
    back = read_frontier(tmp_path)
    assert (back.x, back.y) == ("cost_eur", "max_trainer_sessions")
    assert [(r.y, r.x) for r in back.rows] == FRONTIER


def test_swapping_x_and_y_finds_the_same_points(folder: Path) -> None:
    # Y = cost_eur steps by EUR 100 from 262.44: the limits 362.44 and 462.44 reach the
    # cheapest plan again, 562.44 and 662.44 the middle one; each point is kept once
    result = frontier(folder, "max_trainer_sessions", "cost_eur", "100")
    assert [p.limit for p in result.solves[2:]] == [
        Decimal("362.44"),
        Decimal("462.44"),
        Decimal("562.44"),
        Decimal("662.44"),
    ]
    assert [(p.x_value, p.y_value) for p in result.points] == list(reversed(FRONTIER))
    document = result.to_json()
    assert [(p["max_trainer_sessions"], p["cost_eur"]) for p in document["points"]] == list(
        reversed(FRONTIER)
    )
    assert document["points"][0] == {
        "cost_eur": 262.44,
        "max_trainer_sessions": 4,
        "proven": True,
        "gap": 0.0,
        "sessions": 4,
        "trainers_used": 1,
        "plan": None,
        "status": "optimal",
    }


def test_a_maximised_y_steps_down_from_its_best(tmp_path: Path) -> None:
    # officers cost EUR 8 each: the cheapest plan trains 10 a session (20), the most 40
    data = tiny()
    data["constraints"]["officers"]["travel_eur"] = 8
    folder = write_data(tmp_path / "data", data)
    result = frontier(folder, "cost_eur", "officers_trained", "5")
    assert result.held == []  # officers_trained comes first: nothing is listed before it
    assert [p.limit for p in result.solves[2:]] == [Decimal(35), Decimal(30), Decimal(25)]
    trained = [p.y_value for p in result.points]
    costs = [p.x_value for p in result.points]
    assert trained == [40, 35, 30, 25, 20]
    assert costs == sorted(costs, reverse=True)
    assert costs[0] is not None and costs[-1] is not None
    assert costs[0] - costs[-1] == pytest.approx(20 * 8)


def test_levels_listed_before_both_are_held_with_their_tolerance() -> None:
    objective = [
        ObjectiveItem(name="officers_trained"),
        ObjectiveItem(name="cost_eur", tolerance=Tolerance(amount=Decimal(5), percent=True)),
        ObjectiveItem(name="max_trainer_sessions"),
    ]
    assert held_levels(objective, "max_trainer_sessions", "travel_km") == objective[:2]
    assert held_levels(objective, "travel_km", "cost_eur") == objective[:1]
    assert held_levels(objective, "travel_km", "ngo_spread") == objective
    assert held_levels(objective, "officers_trained", "travel_km") == []
    edit = objective_edit(objective[:2], "max_trainer_sessions", "travel_km")
    assert edit == (
        "objective=[officers_trained, {cost_eur: {within: 5%}}, max_trainer_sessions, travel_km]"
    )


def test_the_objective_edit_is_data_the_checker_reads(tiny_folder: Path) -> None:
    objective = [
        ObjectiveItem(name="officers_trained"),
        ObjectiveItem(name="cost_eur", tolerance=Tolerance(amount=Decimal(500), percent=False)),
    ]
    edit = objective_edit(objective, "trainer_spread", "travel_km")
    data = build_data(apply_scenario(read_raw(tiny_folder), [edit], []).raw)
    assert data.constraints.objective_names == [
        "officers_trained",
        "cost_eur",
        "trainer_spread",
        "travel_km",
    ]
    assert str(data.constraints.tolerances["cost_eur"]) == "500"


def test_limits_run_from_the_best_value_to_the_other_end() -> None:
    assert y_limits(Axes("cost_eur", "max_trainer_sessions", Decimal(1)), 2, 6) == [3, 4, 5]
    assert y_limits(Axes("cost_eur", "max_trainer_sessions", Decimal(2)), 2, 6) == [4]
    assert y_limits(Axes("max_trainer_sessions", "cost_eur", Decimal(250)), 100.5, 700) == [
        Decimal("350.50"),
        Decimal("600.50"),
    ]
    maximised = Axes("cost_eur", "min_district_share", Decimal("0.1"))
    assert y_limits(maximised, 0.9, 0.55) == [
        Decimal("0.8000"),
        Decimal("0.7000"),
        Decimal("0.6000"),
    ]
    assert y_limits(Axes("cost_eur", "max_trainer_sessions", Decimal(1)), 3, 3) == []
    with pytest.raises(UsageError, match=r"give a --step of at least 5"):
        y_limits(Axes("max_trainer_sessions", "travel_km", Decimal(1)), 0, 1000)
    assert MAX_POINTS == 200


def test_only_efficient_points_are_kept_once_preferring_proven_ones() -> None:
    def point(index: int, load: float, cost: float, status: str = "optimal") -> TradeoffPoint:
        return TradeoffPoint(index, "limit", None, status, x_value=cost, y_value=load)

    result = TradeoffResult(
        Axes("cost_eur", "max_trainer_sessions", Decimal(1)),
        [],
        [
            point(0, 2, 700.0),
            point(1, 5, 100.0),
            point(2, 3, 500.004, "feasible"),  # the same point as 3, to the cent
            point(3, 3, 500.0),
            point(4, 4, 500.0),  # dominated by 3: same cost, more sessions
            point(5, 4, 650.0),  # dominated by 3
            TradeoffPoint(6, "limit", None, "unknown"),  # no plan
        ],
    )
    assert [p.index for p in result.points] == [0, 3, 1]
    assert [p.index for p in result.unsolved] == [6]


def test_a_plan_short_on_a_held_level_is_left_out() -> None:
    # a solve that ran out of time with one officer less is cheaper, but not comparable
    def point(index: int, trained: int, cost: float, load: int, status: str) -> TradeoffPoint:
        metrics = {"officers_trained": trained, "cost_eur": cost, "max_trainer_sessions": load}
        return TradeoffPoint(index, "limit", None, status, [], metrics, None, 0.0, cost, load)

    held = [ObjectiveItem(name="officers_trained")]
    axes = Axes("cost_eur", "max_trainer_sessions", Decimal(1))
    solves = [
        point(0, 1800, 58681.86, 12, "optimal"),
        point(1, 1799, 56228.38, 36, "feasible"),
        point(2, 1800, 56288.38, 32, "optimal"),
    ]
    result = TradeoffResult(axes, held, solves)
    assert [p.index for p in result.points] == [0, 2]
    assert [p.index for p in result.short] == [1]
    assert result.held_short(solves[1]) == ("officers_trained", Decimal(1799), Decimal(1800))
    assert result.to_json()["solves"][1]["held_short"] == {
        "objective": "officers_trained",
        "value": 1799.0,
        "best": 1800.0,
    }
    # within a held level's tolerance, a plan keeps it
    tolerant = [
        ObjectiveItem(
            name="officers_trained", tolerance=Tolerance(amount=Decimal(1), percent=False)
        )
    ]
    assert [p.index for p in TradeoffResult(axes, tolerant, solves).points] == [0, 2, 1]


# ----- the command -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def command_run(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    out = tmp_path_factory.mktemp("frontier") / "out"
    result = runner.invoke(
        app,
        [
            "tradeoff",
            "cost_eur",
            "max_trainer_sessions",
            "--data",
            str(folder),
            "--time-limit",
            "60",
            "--workers",
            "2",
            "--jobs",
            "1",
            "--out-dir",
            str(out),
            "--json",
        ],
    )
    return result, out


def test_the_command_writes_json_points_and_plans(command_run: tuple[Any, Path]) -> None:
    result, out = command_run
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["x"], document["y"]) == ("cost_eur", "max_trainer_sessions")
    assert document["held"] == ["officers_trained"]
    assert [(p["max_trainer_sessions"], p["cost_eur"]) for p in document["points"]] == FRONTIER
    assert [p["plan"] for p in document["points"]] == ["plan-2.json", "plan-3.json", "plan-4.json"]
    assert all(p["proven"] and p["status"] == "optimal" for p in document["points"])
    assert document["interrupted"] is False
    with (out / "points.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert ",".join(rows[0]) == HEADER
    assert len(rows) == 4
    for row in rows[1:]:
        assert (out / row[-1]).is_file()


def test_the_table_and_the_chart(cost_by_load: TradeoffResult) -> None:
    from trafficplan.cli.tradeoff import _render

    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    _render(console, cost_by_load)
    text = console.export_text()
    assert "Held at their optimum: officers_trained." in text
    assert "┃ max_trainer_sessions ┃ cost_eur ┃ proven ┃   gap ┃ sessions ┃ trainers used ┃" in text
    for load, cost in FRONTIER:
        assert f"│ {load:>20} │ {cost:>8.2f} │" in text
    chart = text[text.index("cost_eur (up) against max_trainer_sessions (across)") :]
    lines = chart.splitlines()
    assert lines[1].startswith("700.00 ┤●")
    assert lines[12].startswith("262.44 ┤") and lines[12].rstrip().endswith("●")
    assert sum(line.count("●") for line in lines) == 3
    assert "3 efficient point(s): from the best max_trainer_sessions (2, with cost_eur 700.00)" in (
        " ".join(text.split())
    )


def test_report_marks_the_plan_on_the_frontier(
    folder: Path, command_run: tuple[Any, Path], tmp_path: Path
) -> None:
    _, out = command_run
    html = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "report",
            str(out / "plan-3.json"),
            "--data",
            str(folder),
            "--tradeoff",
            str(out),
            "--html",
            str(html),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["valid"] is True
    view = document["tradeoff"]
    assert (view["x"], view["y"], view["points"], view["point"]) == (
        "cost_eur",
        "max_trainer_sessions",
        3,
        2,
    )
    assert (
        "This plan is number 2 of the 3, counted from the lightest load on the busiest "
        in (view["words"])
    )
    assert "at most 3 sessions for any trainer and a cost of EUR 481.22" in view["words"]
    page = html.read_text(encoding="utf-8")
    assert page.index('id="attendance"' if 'id="attendance"' in page else 'id="costs"') < (
        page.index('id="tradeoff"')
    )
    assert page.index('id="tradeoff"') < page.index('id="appendix"')
    assert 'id="figure-tradeoff"' in page
    assert "this plan" in page
    assert '<tr class="chosen">' in page


def test_report_says_when_a_plan_is_off_the_frontier(
    folder: Path, command_run: tuple[Any, Path], tmp_path: Path
) -> None:
    # a plan of the data as they are (officers, then cost, then load): the cheapest plan
    # is on the frontier; the same plan with a dearer day rate for t01 is not
    _, out = command_run
    plan = read_plan(out / "plan-4.json")
    from trafficplan.report.tradeoff import tradeoff_view

    frontier_read = read_frontier(out)
    on = tradeoff_view(frontier_read, {"cost_eur": 262.44, "max_trainer_sessions": 4})
    assert on.chosen == 2
    off = tradeoff_view(frontier_read, {"cost_eur": 600.0, "max_trainer_sessions": 3})
    assert off.chosen is None
    assert "is not on the frontier: the frontier's plan with at most 3 sessions for any " in (
        off.words
    )
    assert plan.metrics["cost_eur"] == 262.44


def test_a_folder_without_points_is_an_input_error(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found; write it with trafficplan tradeoff"):
        read_frontier(tmp_path)
    (tmp_path / "points.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected the header <Y>,<X>,proven"):
        read_frontier(tmp_path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cost_euro", "travel_km"], "X 'cost_euro' is not an objective; did you mean cost_eur"),
        (["cost_eur", "max_trainer_sesions"], "did you mean max_trainer_sessions"),
        (["cost_eur", "cost_eur"], "X and Y are both cost_eur"),
        (["max_trainer_sessions", "cost_eur"], "--step is needed: cost_eur is not a whole number"),
        (["cost_eur", "travel_km"], "--step is needed: travel_km"),
        (["cost_eur", "min_district_share"], "--step is needed: min_district_share"),
        (["cost_eur", "max_trainer_sessions", "--step", "0.5"], "give a whole step"),
        (["cost_eur", "max_trainer_sessions", "--step", "-1"], "expected a number greater than 0"),
        (["cost_eur", "ngo_spread", "--jobs", "1", "--scheduler", "x:1"], "--jobs is for local"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(folder: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["tradeoff", *args, "--data", str(folder)])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_invalid_edits_exit_3(folder: Path) -> None:
    result = runner.invoke(
        app,
        ["tradeoff", "cost_eur", "max_trainer_sessions", "--data", str(folder), "--set", "nope=1"],
    )
    assert result.exit_code == 3, result.output


def test_scheduler_goes_through_the_cluster_connection(folder: Path) -> None:
    # the same connection as capacity's (whose tests time an unreachable scheduler): a
    # malformed address is refused at once, in one line that names it
    args = ["cost_eur", "max_trainer_sessions", "--data", str(folder)]
    result = runner.invoke(app, ["tradeoff", *args, "--scheduler", "no-port-here"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --scheduler no-port-here: no Dask")


# ----- Ctrl-C ------------------------------------------------------------------------------------
class InterruptedAfterTheEnds(InProcess):
    """Solves the two ends, then behaves as if Ctrl-C came while the limits were solved: the
    first limit finished, the others did not."""

    def run(
        self, tasks: list[ScenarioTask], on_done: OnDone | None = None
    ) -> tuple[dict[int, TaskOutcome], bool]:
        if tasks[0].index == 0:
            return super().run(tasks, on_done)
        outcomes, _ = super().run(tasks[:1], on_done)
        return outcomes, True


def test_ctrl_c_keeps_the_finished_points_and_exits_130(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    import trafficplan.scenarios.runs as runs

    @contextmanager
    def fake_runner(scheduler: str | None, jobs: int):  # type: ignore[no-untyped-def]
        yield InterruptedAfterTheEnds()

    monkeypatch.setattr(runs, "point_runner", fake_runner)
    result = runner.invoke(
        app,
        [
            "tradeoff",
            "max_trainer_sessions",
            "cost_eur",
            "--step",
            "100",
            "--data",
            str(folder),
            "--json",
        ],
    )
    assert result.exit_code == 130, result.output
    assert "Interrupted: the frontier shows the solves that finished." in result.stderr
    document = json.loads(result.stdout)
    assert document["interrupted"] is True
    assert [s["status"] for s in document["solves"]] == [
        "optimal",
        "optimal",
        "optimal",
        "not run",
        "not run",
        "not run",
    ]
    assert [(p["max_trainer_sessions"], p["cost_eur"]) for p in document["points"]] == [
        (4, 262.44),
        (2, 700.0),
    ]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_real_ctrl_c_stops_the_running_solves(tmp_path: Path) -> None:
    # A whole year of datafactory.wide(): each end's solve (about 7 s, building included)
    # takes longer than the delay before the interrupt.
    folder = write_data(tmp_path / "data", wide())
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trafficplan",
            "tradeoff",
            "cost_eur",
            "max_trainer_sessions",
            "--data",
            str(folder),
            "--jobs",
            "1",
            "--time-limit",
            "300",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
    )
    # interrupt once a solver process runs, while it builds (before CP-SAT's presolve)
    wait_for_a_child(child)
    time.sleep(2)
    child.send_signal(signal.SIGINT)
    try:
        stdout, stderr = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        kill_tree(child)
        pytest.fail("tradeoff did not stop within 60 s of Ctrl-C")
    assert b"Traceback" not in stderr, stderr.decode()
    assert child.returncode == 130, stderr.decode()
    document = json.loads(stdout)
    assert document["interrupted"] is True
    assert len(document["solves"]) == 2  # the two ends; no limit was tried
    assert all(s["seconds"] < 60 for s in document["solves"])
