"""``--apply-alternative SESSION:KIND=VALUE`` of ``replan`` and ``whatif --plan`` (spec 7.4):
the alternative chosen becomes the published plan, with its change list."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datafactory import crowded, crowded_plan, write_data
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.inputs import load_data
from trafficplan.plan import Plan, read_plan, write_plan

runner = CliRunner()


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """The crowded instance's data folder and its hand-made plan, as ``plan.json``."""
    write_data(tmp_path / "data", crowded())
    path = tmp_path / "plan.json"
    write_plan(Plan(status="feasible", sessions=crowded_plan()), path)
    return path


def run(published: Path, *args: str) -> Any:
    return runner.invoke(app, [*args[:1], *args[1:], "--data", str(published.parent / "data")])


def test_replan_applies_it_as_it_is_with_its_change_list(published: Path) -> None:
    out = published.parent / "new.json"
    result = run(
        published,
        "replan",
        str(published),
        "--apply-alternative",
        "alpha-02:date=2009-06-05",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "Alternative applied: alpha-02:date=2009-06-05: cost +0.00 EUR, change weight 2" in (
        result.stdout
    )
    assert "Nothing solved." in result.stdout
    data = load_data(published.parent / "data")
    new = read_plan(out)
    assert check_plan(data, new).valid
    moved = {s.id: s for s in new.sessions}["alpha-02"]
    assert moved.date.isoformat() == "2009-06-05" and moved.officers == crowded_plan()[1].officers
    rows = list(
        csv.DictReader((published.parent / "new.changes.csv").read_text("utf-8-sig").splitlines())
    )
    assert [(r["session_id"], r["what"], r["new_date"], r["weight"]) for r in rows] == [
        ("alpha-02", "date", "2009-06-05", "2")
    ]


def test_replan_json_names_the_alternative(published: Path) -> None:
    out = published.parent / "new.json"
    result = run(
        published,
        "replan",
        str(published),
        "--apply-alternative",
        "alpha-02:trainer=t01",
        "--out",
        str(out),
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["alternative"]["apply"] == "alpha-02:trainer=t01"
    assert document["alternative"]["cost_delta_eur"] == -180.74
    assert document["counts"]["swaps"] == 1
    assert document["changes"][0]["trainers_in"] == ["t01"]


def test_since_freezes_what_is_before_it(published: Path) -> None:
    out = published.parent / "new.json"
    result = run(
        published,
        "replan",
        str(published),
        "--apply-alternative",
        "alpha-02:date=2009-06-03",
        "--since",
        "2009-06-04",
        "--out",
        str(out),
    )
    assert result.exit_code == 2
    assert "2009-06-03 is before 2009-06-04" in result.stderr
    result = run(
        published,
        "replan",
        str(published),
        "--apply-alternative",
        "beta-02:date=2009-06-08",
        "--since",
        "2009-06-04",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    frozen = read_plan(out).frozen_before
    assert frozen is not None and frozen.isoformat() == "2009-06-04"


@pytest.mark.parametrize(
    ("alternative", "code", "message"),
    [
        ("alpha-02:trainer=t04", 1, "trainer_region: trainer t04 may not teach in alpha"),
        ("alpha-02:ngo=alpha-ngo", 1, "ngo_per_week"),
        ("alpha-02:coach=t01", 2, "unknown KIND 'coach'"),
        ("alpha-02-trainer-t01", 2, "expected SESSION:KIND=VALUE"),
        ("alpha-9:trainer=t01", 2, "no session 'alpha-9'"),
        ("alpha-02:trainer=t99", 2, "unknown trainer 't99'"),
        ("alpha-02:date=2009-02-30", 2, "2009-02-30"),
    ],
)
def test_replan_errors_a_user_can_cause(
    published: Path, alternative: str, code: int, message: str
) -> None:
    out = published.parent / "new.json"
    result = run(
        published, "replan", str(published), "--apply-alternative", alternative, "--out", str(out)
    )
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_replan_still_needs_since_otherwise(published: Path) -> None:
    result = run(published, "replan", str(published), "--out", str(published.parent / "n.json"))
    assert result.exit_code == 2
    assert "replan needs --since DATE" in result.stderr


def test_whatif_compares_the_published_plan_with_the_alternative(published: Path) -> None:
    result = run(
        published,
        "whatif",
        "--plan",
        str(published),
        "--apply-alternative",
        "alpha-02:trainer=t01",
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["alternative"]["apply"] == "alpha-02:trainer=t01"
    assert document["delta"]["cost_eur"] == -180.74
    assert [(m["session"], m["changed"]) for m in document["moved"]] == [("alpha-02", ["trainers"])]
    human = run(
        published, "whatif", "--plan", str(published), "--apply-alternative", "alpha-02:trainer=t01"
    )
    assert human.exit_code == 0, human.output
    assert "Alternative applied first: alpha-02:trainer=t01: cost -180.74 EUR" in human.stdout


def test_whatif_needs_plan_for_it(published: Path) -> None:
    result = run(published, "whatif", "--apply-alternative", "alpha-02:trainer=t01")
    assert result.exit_code == 2
    assert "--apply-alternative goes with --plan" in result.stderr


@pytest.mark.slow
def test_replan_with_edits_starts_from_the_alternative(published: Path) -> None:
    out = published.parent / "new.json"
    result = run(
        published,
        "replan",
        str(published),
        "--apply-alternative",
        "alpha-02:trainer=t01",
        "--since",
        "2009-06-01",
        "--set",
        "sessions.per_person_eur=6",
        "--out",
        str(out),
        "--workers",
        "1",
        "--time-limit",
        "20",
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["alternative"]["apply"] == "alpha-02:trainer=t01"
    new = {s.id: s for s in read_plan(out).sessions}
    assert new["alpha-02"].trainers == ["t01"]  # nothing in the edit asks to undo it
