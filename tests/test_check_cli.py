"""``trafficplan check PLAN``: exit codes 0 / 1 / 3, the printed lines and the ``--json`` shape.

The tiny instance (see ``datafactory.tiny``): alpha and beta, 20 officers each, one 20-seat
hall and two NGOs each, trainers t01 (home alpha) and t02 (home beta), 1-12 June 2009.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datafactory import tiny, tiny_session, write_data
from trafficplan.cli import app
from trafficplan.inputs import load_data
from trafficplan.plan import Plan, write_plan

runner = CliRunner()


def officer_ids(code: str) -> list[str]:
    return [f"{code}-{n:04d}" for n in range(1, 21)]


def valid_plan(digests: dict[str, str] | None = None) -> Plan:
    """Both regions on Monday 1 June with their own trainer, NGO and all 20 officers."""
    return Plan(
        status="optimal",
        inputs={"sha256": digests or {}},
        metrics={
            "officers_trained": 40,
            "officers_total": 40,
            "sessions": 2,
            "cost_eur": 220.0,
            "max_trainer_sessions": 1,
        },
        sessions=[
            tiny_session("alpha-01", 1, "t01", officer_ids("ALP")),
            tiny_session("beta-01", 1, "t02", officer_ids("BET")),
        ],
    )


def broken_plan() -> Plan:
    """t01 also teaches beta on 1 June (trainer_per_day) and beta has an alpha NGO."""
    plan = valid_plan()
    beta = plan.sessions[1].model_copy(update={"trainers": ["t01"], "ngos": ["alpha-ngo2"]})
    return plan.model_copy(update={"sessions": [plan.sessions[0], beta]})


def run(*args: str) -> Any:
    return runner.invoke(app, ["check", *args])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data", tiny())


def write(plan: Plan, path: Path) -> Path:
    write_plan(plan, path)
    return path


def test_valid_plan_exits_0(folder: Path, tmp_path: Path) -> None:
    plan = write(valid_plan(load_data(folder).digests), tmp_path / "plan.json")
    result = run(str(plan), "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "Valid: the plan keeps every rule (25 checked)." in result.stdout
    assert "cost_eur" in result.stdout
    assert "Warnings" not in result.stdout
    assert result.stderr == ""


def test_broken_plan_exits_1_with_one_line_per_violation(folder: Path, tmp_path: Path) -> None:
    plan = write(broken_plan(), tmp_path / "plan.json")
    result = run(str(plan), "--data", str(folder))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    per_day = [line for line in lines if line.startswith("trainer_per_day ")]
    assert len(per_day) == 1
    assert per_day[0].split()[:4] == ["trainer_per_day", "beta-01", "t01", "2009-06-01"]
    assert per_day[0].endswith("trainer t01 teaches 2 sessions on 2009-06-01: alpha-01, beta-01")
    region = [line for line in lines if line.startswith("ngo_region ")]
    assert region[0].split()[:4] == ["ngo_region", "beta-01", "alpha-ngo2", "2009-06-01"]
    assert "Per rule" in result.stdout
    assert "Invalid: 2 violations of 2 of the 25 rules." in result.stdout
    # The plan still claims the metrics of the valid plan: t01 now teaches twice, in beta.
    assert "Warnings (2)" in result.stdout
    assert "metrics: the plan's metrics.cost_eur is 220.00, but its sessions give 231.22" in lines
    assert "metrics: the plan's metrics.max_trainer_sessions is 1, but its sessions give 2" in lines


def test_json_of_a_valid_plan(folder: Path, tmp_path: Path) -> None:
    plan = write(valid_plan(), tmp_path / "plan.json")
    result = run(str(plan), "--data", str(folder), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["valid"] is True
    assert document["violations"] == []
    assert document["warnings"] == []
    assert document["metrics"] == {
        "officers_trained": 40,
        "officers_total": 40,
        "sessions": 2,
        "cost_eur": 220.0,
        "max_trainer_sessions": 1,
        "travel_km": 0.0,
        "trainer_spread": 0,
        "min_district_share": 1.0,
        "ngo_spread": 1,
    }


def test_json_of_a_broken_plan_exits_1(folder: Path, tmp_path: Path) -> None:
    plan = write(broken_plan(), tmp_path / "plan.json")
    result = run(str(plan), "--data", str(folder), "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert [v["rule"] for v in document["violations"]] == ["trainer_per_day", "ngo_region"]
    for item in document["violations"] + document["warnings"]:
        assert set(item) == {"rule", "session", "who", "date", "message", "subject"}
    assert document["violations"][0]["date"] == "2009-06-01"
    assert document["counts_by_rule"] == {"trainer_per_day": 1, "ngo_region": 1}


def test_changed_data_is_a_warning_naming_the_file(folder: Path, tmp_path: Path) -> None:
    digests = dict(load_data(folder).digests)
    plan = write(valid_plan(digests), tmp_path / "plan.json")
    officers = folder / "officers.csv"
    officers.write_text(officers.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run(str(plan), "--data", str(folder), "--json")
    assert result.exit_code == 0, result.output
    [warning] = json.loads(result.stdout)["warnings"]
    assert warning["rule"] == "inputs"
    assert "officers.csv" in warning["message"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "plan file not found"),
        ("{not json", "invalid JSON"),
        ('{"format": "trafficplan-plan/1"}', "status"),
        ('{"format": "other/1", "status": "optimal", "sessions": []}', "format must be"),
        ("[1, 2]", "expected a JSON object"),
    ],
    ids=["missing", "bad-json", "missing-keys", "wrong-format", "not-an-object"],
)
def test_malformed_plan_file_exits_3(
    folder: Path, tmp_path: Path, content: str | None, expected: str
) -> None:
    plan = tmp_path / "plan.json"
    if content is not None:
        plan.write_text(content, encoding="utf-8")
    result = run(str(plan), "--data", str(folder))
    assert result.exit_code == 3
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and expected in line
    assert "Traceback" not in result.output


def test_plan_naming_unknown_ids_exits_3(folder: Path, tmp_path: Path) -> None:
    plan = valid_plan()
    stranger = plan.sessions[0].model_copy(update={"trainers": ["t99"]})
    path = write(
        plan.model_copy(update={"sessions": [stranger, plan.sessions[1]]}), tmp_path / "p.json"
    )
    result = run(str(path), "--data", str(folder))
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert "unknown trainer 't99'" in line


def test_missing_data_folder_exits_3(tmp_path: Path) -> None:
    plan = write(valid_plan(), tmp_path / "plan.json")
    result = run(str(plan), "--data", str(tmp_path / "nowhere"))
    assert result.exit_code == 3
    assert "data folder not found" in result.stderr


def test_frozen_past_violations_are_warnings(folder: Path, tmp_path: Path) -> None:
    plan = broken_plan().model_copy(update={"frozen_before": date(2009, 6, 2)})
    path = write(plan, tmp_path / "plan.json")
    result = run(str(path), "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "trainer_per_day: trainer t01 teaches 2 sessions on 2009-06-01" in result.stdout
    assert "(frozen past, before 2009-06-02)" in result.stdout


def test_plan_path_with_markup_brackets_is_printed_verbatim(folder: Path, tmp_path: Path) -> None:
    plan = write(broken_plan(), tmp_path / "[bold]plan[/].json")
    result = run(str(plan), "--data", str(folder))
    assert result.exit_code == 1, result.output
    assert "[bold]plan[/].json" in result.stdout


def test_help_names_the_exit_codes() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    assert "--data" in result.stdout and "--json" in result.stdout
    assert "PLAN" in result.stdout


def test_cost_components_recomputed_next_to_the_plans_claims(tmp_path: Path) -> None:
    # catering 10 EUR a person: 2 x (20 officers + 1 trainer + 1 NGO) = 440 EUR
    data = tiny()
    data["constraints"]["sessions"]["per_person_eur"] = 10
    folder = write_data(tmp_path / "data", data)
    plan = valid_plan()
    plan.metrics["cost_eur"] = 660.0
    plan.metrics["cost_components"] = {"trainer_fees": 220.0, "catering": 400.0}
    path = write(plan, tmp_path / "plan.json")

    result = run(str(path), "--data", str(folder))
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "440.00" in rows["catering"] and "400.00" in rows["catering"]
    assert rows["venue_hire"].split("│")[2].strip() == "0.00"
    assert (
        "metrics: the plan's metrics.cost_components.catering is 400.00, but its sessions "
        "give 440.00" in " ".join(result.stdout.split())
    )

    document = json.loads(run(str(path), "--data", str(folder), "--json").stdout)
    assert document["cost_components"]["catering"] == 440.0
    assert document["regions"]["alpha"]["costs"]["catering"] == 220.0


def plan_with_levels(folder: Path, cost_level: dict[str, Any]) -> Plan:
    """The valid plan with objective levels: officers and load at their proven best, and the
    given cost level; its cost is what the plan's sessions cost."""
    from trafficplan.plan import ObjectiveResult
    from trafficplan.plan.metrics import plan_metrics

    data = load_data(folder)
    plan = valid_plan(data.digests)
    metrics = plan_metrics(data, plan)
    cost = metrics["cost_eur"]
    levels = [
        {"name": "officers_trained", "value": 40, "bound": 40, "proven": True},
        {"name": "cost_eur", "value": cost, "bound": cost - 5, "proven": True, **cost_level},
        {"name": "max_trainer_sessions", "value": 1, "bound": 1, "proven": True},
    ]
    return plan.model_copy(
        update={
            "metrics": metrics,
            "objectives": [ObjectiveResult.model_validate(level) for level in levels],
        }
    )


def test_check_shows_each_objective_claim_and_verifies_it(folder: Path, tmp_path: Path) -> None:
    plan = plan_with_levels(folder, {"tolerance": "10%"})
    cost = plan.metrics["cost_eur"]
    best = round(cost - 5, 2)
    plan.objectives[1].best = best
    plan.objectives[1].given = 5.0
    path = write(plan, tmp_path / "plan.json")
    result = run(str(path), "--data", str(folder))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Objectives claimed by the plan" in out
    assert (
        "1. officers_trained 40 officers (its sessions: 40 officers): no plan trains more (proven)."
        in out
    )
    allowance = int(best * 10) / 100  # 10 % of the best, down to the cent
    assert (
        f"2. cost_eur EUR {cost:,.2f} (its sessions: EUR {cost:,.2f}): at most 10 % "
        f"(EUR {allowance:,.2f}) above the proven cheapest plan (EUR {best:,.2f}); EUR 5.00 "
        "given for an even trainer load." in out
    )
    assert "Every objective claim agrees with the plan's sessions." in out
    assert "Claim not borne out" not in out
    document = json.loads(run(str(path), "--data", str(folder), "--json").stdout)
    claimed = {c["name"]: c for c in document["objective_claims"]}
    assert claimed["cost_eur"]["given"] == 5.0 and claimed["cost_eur"]["allowance"] == allowance
    assert claimed["cost_eur"]["recomputed"] == cost and claimed["cost_eur"]["problems"] == []


def test_check_names_a_claim_its_plan_does_not_bear_out(folder: Path, tmp_path: Path) -> None:
    # proven, strict, yet its bound is EUR 5 below its value; and the value is not the cost
    plan = plan_with_levels(folder, {})
    cost = plan.metrics["cost_eur"]
    plan.objectives[1].value = cost + 1
    path = write(plan, tmp_path / "plan.json")
    result = run(str(path), "--data", str(folder))
    assert result.exit_code == 0, result.output  # the rules hold; the claims do not
    out = result.stdout
    assert (
        f"Claim not borne out: cost_eur: the plan records EUR {cost + 1:,.2f}, its sessions give "
        f"EUR {cost:,.2f}" in out
    )
    assert (
        f"Claim not borne out: cost_eur: recorded as proven, but its value EUR {cost + 1:,.2f} "
        f"is not its bound EUR {cost - 5:,.2f}" in out
    )
    assert "Every objective claim agrees" not in out
    document = json.loads(run(str(path), "--data", str(folder), "--json").stdout)
    problems = {c["name"]: c["problems"] for c in document["objective_claims"]}
    assert len(problems["cost_eur"]) == 2 and problems["officers_trained"] == []
