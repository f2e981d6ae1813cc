"""``trafficplan solve``: exit codes, the plan file, the JSON document, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import trafficplan.solver
from datafactory import tiny, write_data
from processes import kill_tree
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.datagen import generate_programme
from trafficplan.errors import ExitCode
from trafficplan.inputs import load_data
from trafficplan.plan import read_plan
from trafficplan.solver import SolveResult

runner = CliRunner()


def run(*args: str) -> object:
    """Invoke the CLI in-process."""
    return runner.invoke(app, list(args))


def test_solve_writes_a_valid_plan_and_prints_the_schedule(
    tiny_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plans" / "plan.json"
    result = runner.invoke(
        app, ["solve", "--data", str(tiny_folder), "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    plan = read_plan(out)
    assert plan.status == "optimal"
    assert check_plan(load_data(tiny_folder), plan).valid
    # atomic write: the plan and nothing else (no temp file left behind)
    assert [p.name for p in out.parent.iterdir()] == ["plan.json"]
    assert "40/40 officers trained in 2 sessions" in result.stdout
    assert f"Plan written to {out}" in " ".join(result.stdout.split())
    for name in ("alpha", "beta", "t01", "t02", "officers_trained", "cost_eur"):
        assert name in result.stdout


def test_solve_default_out_is_plan_json_in_the_working_folder(
    tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["solve", "--data", str(tiny_folder), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert read_plan(tmp_path / "plan.json").status == "optimal"


def test_solve_json_document(tiny_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["solve", "--data", str(tiny_folder), "--out", str(out), "--json", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= {
        "status",
        "plan_file",
        "interrupted",
        "objectives",
        "metrics",
        "build_seconds",
        "first_plan_seconds",
        "wall_seconds",
    }
    assert doc["status"] == "optimal"
    assert doc["plan_file"] == str(out)
    assert doc["interrupted"] is False
    assert [o["name"] for o in doc["objectives"]] == [
        "officers_trained",
        "cost_eur",
        "max_trainer_sessions",
    ]
    assert doc["objectives"][0] == {
        "name": "officers_trained",
        "value": 40,
        "bound": 40,
        "proven": True,
    }
    assert doc["metrics"]["officers_trained"] == 40
    assert doc["metrics"]["cost_eur"] == pytest.approx(220.0)
    assert doc["wall_seconds"] >= doc["build_seconds"] >= 0
    # each level proven optimal, with when its proof was in hand
    assert set(doc["proven_seconds"]) == {o["name"] for o in doc["objectives"]}
    assert all(0 < s <= doc["wall_seconds"] for s in doc["proven_seconds"].values())
    # the document is the plan's own figures
    assert read_plan(out).metrics == doc["metrics"]


def test_solve_same_seed_same_plan_file(tiny_folder: Path, tmp_path: Path) -> None:
    texts = []
    for name in ("a.json", "b.json"):
        result = run("solve", "--data", str(tiny_folder), "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        texts.append((tmp_path / name).read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


def _weekend_fixed(tmp_path: Path) -> Path:
    data = tiny()
    data["constraints"]["sessions"]["fixed"] = [{"region": "alpha", "date": "2009-06-06"}]
    return write_data(tmp_path / "data", data)


def test_solve_infeasible_exit_4_with_the_reason(tmp_path: Path) -> None:
    folder = _weekend_fixed(tmp_path)
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(out)])
    assert result.exit_code == ExitCode.INFEASIBLE == 4
    assert "Error: the data admit no plan" in result.stderr
    # the counting pre-check names the fixed session, its date and why the day cannot work
    assert "fixed session 0 (alpha, 2009-06-06) falls on a Saturday" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_solve_infeasible_json(tmp_path: Path) -> None:
    folder = _weekend_fixed(tmp_path)
    result = runner.invoke(
        app, ["solve", "--data", str(folder), "--out", str(tmp_path / "p.json"), "--json"]
    )
    assert result.exit_code == 4
    doc = json.loads(result.stdout)
    assert doc["status"] == "infeasible"
    assert any("2009-06-06" in reason for reason in doc["reasons"])


def test_solve_bad_data_exit_3_names_file_and_place(tmp_path: Path) -> None:
    data = tiny()
    data["constraints"]["sessions"]["officers"] = {"min": 10, "max": 20, "maxx": 3}
    folder = write_data(tmp_path / "data", data)
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(out)])
    assert result.exit_code == ExitCode.INVALID_INPUT == 3
    assert "constraints.yaml" in result.stderr and "maxx" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_solve_missing_data_folder_exit_3(tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 3
    assert result.stderr.startswith("Error:")


def test_solve_bad_option_is_a_usage_error(tiny_folder: Path) -> None:
    result = runner.invoke(app, ["solve", "--data", str(tiny_folder), "--workers", "0"])
    assert result.exit_code == 2


def _no_plan(*_args: object, **_kwargs: object) -> SolveResult:
    return SolveResult(
        status="unknown", plan=None, reasons=["no plan was found within the time limit"]
    )


def test_solve_no_plan_in_time_exit_5(
    tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search itself is replaced: no data small enough for a test reliably runs out of
    # time, and the CLI's job here is only the mapping of "unknown" to exit 5.
    monkeypatch.setattr(trafficplan.solver, "solve", _no_plan)
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["solve", "--data", str(tiny_folder), "--out", str(out)])
    assert result.exit_code == ExitCode.NO_PLAN == 5
    assert "Error: no plan was found within the time limit" in result.stderr
    assert not out.exists()
    result = runner.invoke(app, ["solve", "--data", str(tiny_folder), "--out", str(out), "--json"])
    assert result.exit_code == 5
    assert json.loads(result.stdout)["status"] == "unknown"


def test_solve_interrupted_result_writes_the_plan_and_exits_130(
    tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_solve = trafficplan.solver.solve

    def interrupted(*args: object, **kwargs: object) -> SolveResult:
        result = real_solve(*args, **kwargs)  # type: ignore[arg-type]
        result.interrupted = True
        return result

    monkeypatch.setattr(trafficplan.solver, "solve", interrupted)
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["solve", "--data", str(tiny_folder), "--out", str(out)])
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert "Interrupted" in result.stderr
    assert check_plan(load_data(tiny_folder), read_plan(out)).valid


@pytest.mark.slow
@pytest.mark.parametrize("delay", [3.0, 8.0])
def test_ctrl_c_writes_a_valid_plan_or_none(tmp_path: Path, delay: float) -> None:
    # A real SIGINT to a real process on the national programme: early (while the model and
    # the relaxation are built) and later (while CP-SAT proves the levels, which ends at
    # about 12 s on two cores; a faster machine may finish first).
    folder = tmp_path / "national"
    generate_programme(folder, "national")
    out = tmp_path / "plan.json"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trafficplan",
            "solve",
            "--data",
            str(folder),
            "--out",
            str(out),
            "--workers",
            "2",
            "--time-limit",
            "300",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    try:
        stdout, stderr = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        kill_tree(child)
        pytest.fail("solve did not stop within 120 s of Ctrl-C")
    assert b"Traceback" not in stderr, stderr.decode()
    assert child.returncode in (130, 5) or (delay > 3 and child.returncode == 0), stderr.decode()
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".plan.json")]
    assert leftovers == []
    if child.returncode == 0:  # proven before the signal came
        assert check_plan(load_data(folder), read_plan(out)).valid
    elif child.returncode == 130:
        plan = read_plan(out)
        assert plan.status == "feasible"
        report = check_plan(load_data(folder), plan)
        assert report.valid, [v.message for v in report.violations[:5]]
        assert json.loads(stdout)["interrupted"] is True
    else:
        assert not out.exists()


def test_solve_relax_writes_a_relaxed_plan_that_lists_what_gave(tmp_path: Path) -> None:
    # t01 is the only trainer allowed in alpha and is away the whole window: no plan keeps
    # every rule; the relaxation gives up t01's leave (or alpha's session) and says so.
    data = tiny()
    data["trainers"]["trainers"][0]["unavailable"] = ["2009-06-01..2009-06-12"]
    data["trainers"]["trainers"][1]["regions"] = ["beta"]
    folder = write_data(tmp_path / "data", data)
    out = tmp_path / "plan.json"
    plain = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(out)])
    assert plain.exit_code == 4
    assert not out.exists()
    result = runner.invoke(
        app, ["solve", "--data", str(folder), "--out", str(out), "--relax", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["status"] == "relaxed"
    gave = {(r["rule"], r["subject"]) for r in doc["relaxations"]}
    assert gave in ({("trainer_unavailable", "t01")}, {("counts", "alpha")})
    plan = read_plan(out)
    assert plan.status == "relaxed"
    report = check_plan(load_data(folder), plan)
    # exactly the rules that gave are broken, nothing else
    assert {v.rule for v in report.violations} == {rule for rule, _ in gave}
