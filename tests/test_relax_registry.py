"""The rule registry: a rule item the solver gives up is exactly what the checker finds broken.

For every rule item the solver can relax (``PlanModel.guards``), the tiny instance is changed so
that no plan keeps that item, and ``solve_relaxed`` may give up only that item. The relaxed plan
must list it (rule and subject), and the independent checker must find broken exactly that rule
on exactly that subject: the solver's guards and the checker's violations name rule items the
same way (``trafficplan.rulebook``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datafactory import SPEC_RULE_IDS, tiny, two_stage, write_data
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.inputs import load_data
from trafficplan.plan import read_plan
from trafficplan.rulebook import RELAXABLE, RULES, complete_registry, describe_item
from trafficplan.solver import SolveOptions, solve_relaxed
from trafficplan.solver.instance import Instance
from trafficplan.solver.model import PlanModel
from trafficplan.solver.rules import add_constraints

Change = Callable[[dict[str, Any]], None]


def _region(dicts: dict[str, Any], region_id: str) -> dict[str, Any]:
    return next(r for r in dicts["regions"]["regions"] if r["id"] == region_id)


def _only_t01(dicts: dict[str, Any]) -> dict[str, Any]:
    dicts["trainers"]["trainers"] = dicts["trainers"]["trainers"][:1]
    return dicts["trainers"]["trainers"][0]


def _window(dicts: dict[str, Any], start: str, end: str) -> None:
    dicts["constraints"]["window"] = {"start": start, "end": end}


def _counts_region(dicts: dict[str, Any]) -> None:
    _region(dicts, "alpha")["venues"][0]["unavailable"] = ["2009-06-01..2009-06-12"]


def _counts_total(dicts: dict[str, Any]) -> None:
    dicts["constraints"]["sessions"]["max_total"] = 1


def _fixed(dicts: dict[str, Any]) -> None:
    dicts["constraints"]["sessions"]["fixed"] = [
        {"region": "alpha", "date": "2009-06-01"},
        {"region": "alpha", "date": "2009-06-02"},
    ]


def _venue_unavailable(dicts: dict[str, Any]) -> None:
    _region(dicts, "alpha")["venues"][0]["unavailable"] = ["2009-06-01..2009-06-12"]


def _region_per_day(dicts: dict[str, Any]) -> None:
    _window(dicts, "2009-06-01", "2009-06-01")
    _region(dicts, "alpha")["venues"].append({"id": "alpha-annex", "name": "Annex", "capacity": 20})
    _region(dicts, "alpha")["sessions"] = {"min": 2, "max": 2}
    dicts["constraints"]["sessions"]["max_total"] = 3
    third = copy.deepcopy(dicts["trainers"]["trainers"][0])
    third.update(id="t03", name="Iryna Bondar")
    dicts["trainers"]["trainers"].append(third)


def _seats(dicts: dict[str, Any]) -> None:
    dicts["officers"] = [o for o in dicts["officers"] if o["region"] != "alpha"][:20] + [
        o for o in dicts["officers"] if o["region"] == "alpha"
    ][:5]


def _trainer_unavailable(dicts: dict[str, Any]) -> None:
    _only_t01(dicts)["unavailable"] = ["2009-06-01..2009-06-12"]


def _trainer_per_week(dicts: dict[str, Any]) -> None:
    _only_t01(dicts)
    _window(dicts, "2009-06-01", "2009-06-05")
    dicts["constraints"]["trainers"]["max_per_week"] = 1


def _trainer_consecutive(dicts: dict[str, Any]) -> None:
    _only_t01(dicts)
    _window(dicts, "2009-06-01", "2009-06-02")
    dicts["constraints"]["trainers"]["max_consecutive_days"] = 1


def _trainer_max_sessions(dicts: dict[str, Any]) -> None:
    _only_t01(dicts)["max_sessions"] = 1


def _travel(dicts: dict[str, Any]) -> None:
    _only_t01(dicts)
    _window(dicts, "2009-06-01", "2009-06-02")
    # beta ~930 road km away: two travel days between its session and alpha's
    _region(dicts, "beta")["centre"] = {"city": "Far City", "lat": 50.0, "lon": 40.0}


def _ngo_count(dicts: dict[str, Any]) -> None:
    for ngo in _region(dicts, "alpha")["ngos"]:
        ngo["unavailable"] = ["2009-06-01..2009-06-12"]
    dicts["constraints"]["ngos"]["per_session"] = 1


def _ngo_unavailable(dicts: dict[str, Any]) -> None:
    alpha = _region(dicts, "alpha")
    alpha["ngos"] = alpha["ngos"][:1]
    alpha["ngos"][0]["unavailable"] = ["2009-06-01..2009-06-12"]


def _ngo_per_week(dicts: dict[str, Any]) -> None:
    _window(dicts, "2009-06-01", "2009-06-05")
    alpha = _region(dicts, "alpha")
    alpha["ngos"] = alpha["ngos"][:1]
    alpha["sessions"] = {"min": 2, "max": 2}
    dicts["constraints"]["sessions"]["max_total"] = 3
    dicts["constraints"]["ngos"]["max_per_week"] = 1


def _budget(dicts: dict[str, Any]) -> None:
    dicts["constraints"]["budget_eur"] = 150.0


def _course_order(dicts: dict[str, Any]) -> None:
    dicts.update(two_stage("region", min_days=12))  # 12 days after 1 June is past the window


CASES: list[tuple[str, set[tuple[str, str]], Change]] = [
    ("counts", {("counts", "alpha")}, _counts_region),
    ("counts", {("counts", "max_total")}, _counts_total),
    ("fixed", {("fixed", "1")}, _fixed),
    ("venue_unavailable", {("venue_unavailable", "alpha-hall")}, _venue_unavailable),
    ("region_per_day", {("region_per_day", "alpha")}, _region_per_day),
    ("seats", {("seats", "alpha")}, _seats),
    ("trainer_unavailable", {("trainer_unavailable", "t01")}, _trainer_unavailable),
    ("trainer_per_week", {("trainer_per_week", "t01")}, _trainer_per_week),
    ("trainer_consecutive", {("trainer_consecutive", "t01")}, _trainer_consecutive),
    ("trainer_max_sessions", {("trainer_max_sessions", "t01")}, _trainer_max_sessions),
    ("travel", {("travel", "t01")}, _travel),
    ("ngo_count", {("ngo_count", "alpha")}, _ngo_count),
    ("ngo_unavailable", {("ngo_unavailable", "alpha-ngo")}, _ngo_unavailable),
    ("ngo_per_week", {("ngo_per_week", "alpha-ngo")}, _ngo_per_week),
    ("budget", {("budget", "budget_eur")}, _budget),
    ("course_order", {("course_order", "meeting")}, _course_order),
]
"""(rule, the items allowed to give, how the tiny instance is changed so that one must)."""


def test_every_relaxable_rule_has_a_case_and_only_those_are_guarded(tmp_path: Path) -> None:
    assert {rule for rule, _allowed, _change in CASES} == RELAXABLE
    for _rule, _allowed, change in CASES:
        dicts = tiny()
        change(dicts)
        data = load_data(write_data(tmp_path / str(len(list(tmp_path.iterdir()))), dicts))
        for with_officers in (False, True):
            pm = PlanModel(Instance(data), explain=True, with_officers=with_officers)
            add_constraints(pm)
            assert {rule for rule, _subject in pm.guards} <= RELAXABLE


def test_the_registry_has_every_spec_rule_with_its_model_and_check() -> None:
    registry = complete_registry()
    assert tuple(registry) == SPEC_RULE_IDS
    for rule in registry.values():
        assert rule.model is not None and rule.model.__name__ == rule.id
        assert rule.check is not None and rule.check.__name__ == f"check_{rule.id}"


@pytest.mark.parametrize(
    ("rule", "allowed", "change"), CASES, ids=[f"{c[0]}-{sorted(c[1])[0][1]}" for c in CASES]
)
def test_a_relaxed_item_is_exactly_what_the_checker_finds_broken(
    tmp_path: Path, rule: str, allowed: set[tuple[str, str]], change: Change
) -> None:
    dicts = tiny()
    change(dicts)
    data = load_data(write_data(tmp_path / "data", dicts))
    result = solve_relaxed(data, SolveOptions(time_limit=20, seed=0, workers=1), allowed=allowed)
    assert result.status == "relaxed", result.reasons
    assert result.plan is not None
    given = {(r.rule, r.subject) for r in result.plan.relaxations}
    assert given and given <= allowed
    assert rule in {r for r, _ in given}
    report = check_plan(data, result.plan)
    assert {(v.rule, v.subject) for v in report.violations} == given
    for item in result.plan.relaxations:
        assert item.message == describe_item(data, item.rule, item.subject)
        assert RULES[item.rule].subject  # every item names a subject of its rule's kind


def test_solve_relax_lists_exactly_the_rules_check_finds_broken(tmp_path: Path) -> None:
    dicts = tiny()
    _seats(dicts)
    _trainer_max_sessions(dicts)
    folder = write_data(tmp_path / "data", dicts)
    out = tmp_path / "relaxed.json"
    runner = CliRunner()
    result = runner.invoke(
        app, ["solve", "--data", str(folder), "--out", str(out), "--relax", "--time-limit", "20"]
    )
    assert result.exit_code == 0, result.output
    plan = read_plan(out)
    assert plan.status == "relaxed"
    checked = runner.invoke(app, ["check", str(out), "--data", str(folder), "--json"])
    assert checked.exit_code == 1

    broken = {(v["rule"], v["subject"]) for v in json.loads(checked.stdout)["violations"]}
    assert broken
    assert {(r.rule, r.subject) for r in plan.relaxations} == broken
    assert f"{plan.relaxations[0].message}: " in result.output
