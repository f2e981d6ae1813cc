"""``trafficplan.planning``: plan, or say why not, on the tiny instance."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import trafficplan.solver as solver
from datafactory import tiny, write_data
from trafficplan.checker import check_plan
from trafficplan.inputs import load_data
from trafficplan.inputs.problem import ProblemData
from trafficplan.planning import (
    INTERRUPTED,
    NO_PLAN_IN_TIME,
    explain_no_plan,
    plan_or_explain,
    precheck_lines,
)
from trafficplan.solver import Explanation, ExplanationItem, SolveOptions, SolveResult


def problem(tmp_path: Path, change: Callable[[dict[str, Any]], None] | None = None) -> ProblemData:
    data = tiny()
    if change is not None:
        change(data)
    return load_data(write_data(tmp_path / "data", data))


def options(time_limit: float = 10.0) -> SolveOptions:
    return SolveOptions(time_limit=time_limit, workers=1)


def weekend_fixed(data: dict[str, Any]) -> None:
    # a fixed session on a Saturday: the pre-checks prove at once that no plan exists
    data["constraints"]["sessions"]["fixed"] = [{"region": "alpha", "date": "2009-06-06"}]


def alpha_blocked(data: dict[str, Any]) -> None:
    # t01, the only trainer of alpha, is away in the first week and alpha's only venue in the
    # second: no counting pre-check sees it, the search proves it
    data["trainers"]["trainers"][1]["regions"] = ["beta"]
    data["trainers"]["trainers"][0]["unavailable"] = ["2009-06-01..2009-06-05"]
    data["regions"]["regions"][0]["venues"][0]["unavailable"] = ["2009-06-08..2009-06-12"]


def no_search(*_args: object, **_kwargs: object) -> Any:
    raise AssertionError("the pre-checks already answer: nothing may be searched")


def test_data_that_admit_a_plan_give_it_without_reasons(tmp_path: Path) -> None:
    data = problem(tmp_path)
    stages: list[str] = []
    outcome = plan_or_explain(data, options(), relax=True, on_stage=stages.append)
    assert outcome.status == "optimal"
    assert outcome.plan is not None
    assert check_plan(data, outcome.plan).valid
    assert not outcome.prechecked
    assert precheck_lines(outcome.findings) == []
    assert outcome.reasons == []
    assert outcome.explanation is None
    assert stages == []  # no relaxation, no explanation


def test_a_pre_check_error_is_the_reason_and_nothing_is_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = problem(tmp_path, weekend_fixed)
    for name in ("solve", "solve_relaxed", "explain_infeasibility"):
        monkeypatch.setattr(solver, name, no_search)
    outcome = plan_or_explain(data, options())
    assert outcome.status == "infeasible"
    assert outcome.result is None and outcome.plan is None
    assert outcome.prechecked
    assert outcome.explanation is None
    [reason] = outcome.reasons
    # one wording everywhere: the rule id, then the pre-check's message
    assert reason.startswith("calendar: fixed session 0 (alpha, 2009-06-06) falls on a Saturday")
    assert outcome.reasons == precheck_lines(outcome.findings)


def test_without_explain_the_solvers_reasons_stay(tmp_path: Path) -> None:
    outcome = plan_or_explain(problem(tmp_path, alpha_blocked), options(), explain=False)
    assert outcome.status == "infeasible"
    assert outcome.result is not None and outcome.plan is None
    assert not outcome.prechecked
    assert outcome.explanation is None
    assert outcome.reasons == outcome.result.reasons
    assert any("trafficplan explain" in reason for reason in outcome.reasons)


def test_relax_gives_a_relaxed_plan_that_lists_what_gave(tmp_path: Path) -> None:
    data = problem(tmp_path, alpha_blocked)
    stages: list[str] = []
    outcome = plan_or_explain(data, options(), relax=True, on_stage=stages.append)
    assert outcome.status == "relaxed"
    plan = outcome.plan
    assert plan is not None and plan.status == "relaxed"
    gave = {(r.rule, r.subject) for r in plan.relaxations}
    assert gave and gave <= {
        ("trainer_unavailable", "t01"),
        ("venue_unavailable", "alpha-hall"),
        ("counts", "alpha"),
    }
    # exactly the rules that gave are broken, nothing else
    assert {v.rule for v in check_plan(data, plan).violations} == {rule for rule, _ in gave}
    assert outcome.reasons == [f"{r.message}: {r.give}" for r in plan.relaxations]
    assert outcome.explanation is None
    assert len(stages) == 1 and "partial plan" in stages[0]


def test_explain_names_the_conflicting_rule_items(tmp_path: Path) -> None:
    stages: list[str] = []
    outcome = plan_or_explain(
        problem(tmp_path, alpha_blocked), options(time_limit=2.0), on_stage=stages.append
    )
    assert outcome.status == "infeasible"
    assert outcome.plan is None
    explanation = outcome.explanation
    assert explanation is not None and not explanation.feasible
    conflict = {(item.rule, item.subjects[0]) for item in explanation.items}
    assert {("trainer_unavailable", "t01"), ("venue_unavailable", "alpha-hall")} <= conflict
    assert outcome.reasons[0] == "these rules and data items conflict:"
    assert len(outcome.reasons) == 1 + len(explanation.items)
    assert any(
        line.startswith("venue_unavailable: venue alpha-hall is unavailable")
        for line in outcome.reasons
    )
    # the explanation replaces the solver's pointer to `trafficplan explain`
    assert not any("trafficplan explain" in line for line in outcome.reasons)
    # a 2 s solve still gives the conflict search 5 s
    assert stages == ["looking for conflicting rules (up to 5 s)…"]


def test_explain_gets_bounded_time_and_no_progress_callback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[SolveOptions] = []

    def fake_explain(data: ProblemData, options: SolveOptions) -> Explanation:
        seen.append(options)
        return Explanation(feasible=False)

    monkeypatch.setattr(solver, "explain_infeasibility", fake_explain)
    data = problem(tmp_path, alpha_blocked)
    run = SolveOptions(time_limit=120.0, workers=1, progress=lambda event: None)
    outcome = plan_or_explain(data, run)
    assert seen[0].time_limit == 30.0
    assert seen[0].progress is None
    assert seen[0].stop is run.stop  # Ctrl-C still reaches the conflict search
    assert outcome.reasons == [
        "no rule or data item alone was found to blame within the time limit"
    ]
    plan_or_explain(data, run, explain_seconds=3.0)
    assert seen[1].time_limit == 3.0


@pytest.mark.parametrize("stopped", [False, True], ids=["time limit", "interrupted"])
def test_no_plan_in_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stopped: bool) -> None:
    monkeypatch.setattr(
        solver, "solve", lambda data, options: SolveResult(status="unknown", plan=None)
    )
    run = options()
    if stopped:
        run.stop.set()
    outcome = plan_or_explain(problem(tmp_path), run)
    assert outcome.status == "unknown"
    assert outcome.plan is None and outcome.explanation is None
    assert outcome.reasons == [INTERRUPTED if stopped else NO_PLAN_IN_TIME]


def test_explain_no_plan_on_data_that_admit_a_plan(tmp_path: Path) -> None:
    outcome = explain_no_plan(problem(tmp_path), options(time_limit=5.0))
    assert outcome.explanation.feasible
    assert outcome.decided and not outcome.prechecked and not outcome.interrupted


def test_explain_no_plan_after_a_pre_check_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the pre-check already proves it: the conflict search gets less time, and a conflict it
    # could not shrink is dropped (the pre-check's reason is the answer)
    seen: list[float] = []
    unshrunk = [ExplanationItem("fixed", "fixed session alpha on 2009-06-06", subjects=["0"])]

    def fake_explain(data: ProblemData, options: SolveOptions) -> Explanation:
        seen.append(options.time_limit)
        return Explanation(feasible=False, items=unshrunk, proven_minimal=False)

    monkeypatch.setattr(solver, "explain_infeasibility", fake_explain)
    stages: list[str] = []
    outcome = explain_no_plan(
        problem(tmp_path, weekend_fixed), options(time_limit=60.0), on_stage=stages.append
    )
    assert seen == [15.0]
    assert stages == ["looking for conflicting rules (up to 15 s)…"]
    assert outcome.prechecked and outcome.decided
    assert outcome.explanation.items == []
    assert [f.rule for f in outcome.findings if f.severity == "error"] == ["calendar"]


def test_explain_no_plan_undecided_without_pre_check_or_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float] = []

    def fake_explain(data: ProblemData, options: SolveOptions) -> Explanation:
        seen.append(options.time_limit)
        return Explanation(feasible=False)

    monkeypatch.setattr(solver, "explain_infeasibility", fake_explain)
    outcome = explain_no_plan(problem(tmp_path, alpha_blocked), options(time_limit=60.0))
    assert seen == [60.0]
    assert not outcome.decided


def test_explain_no_plan_finds_the_conflict(tmp_path: Path) -> None:
    outcome = explain_no_plan(problem(tmp_path, alpha_blocked), options(time_limit=5.0))
    conflict = {(item.rule, item.subjects[0]) for item in outcome.explanation.items}
    assert {("trainer_unavailable", "t01"), ("venue_unavailable", "alpha-hall")} <= conflict
    assert outcome.decided and not outcome.prechecked
