"""The master with officer counts per region (``solver/estimate.py``), used when the regions
cannot all reach their officer bounds at once (``max_total`` too small for them, a budget).

Its counts are upper bounds (a relaxation of the officer rules), so when it proves a level
and the officers are seated up to its counts, the full model cannot do better: on small
generated programmes where both prove optimality they must agree on every level, and every
plan must pass the independent checker.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from trafficplan.checker import check_plan
from trafficplan.datagen import generate_programme
from trafficplan.inputs import load_data, read_raw
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import PlanSession
from trafficplan.scenarios.edits import apply_scenario, write_scenario_data
from trafficplan.solver import ProgressEvent, SolveOptions, solve
from trafficplan.solver.aggregate import Aggregate
from trafficplan.solver.bounds import counting_bound
from trafficplan.solver.full import solve_full
from trafficplan.solver.instance import Instance
from trafficplan.solver.seating import seat_by_flow

by_estimate = importlib.import_module("trafficplan.solver.by_estimate")
decomposed = importlib.import_module("trafficplan.solver.decomposed")
SHIPPED_DATA = Path(__file__).resolve().parent.parent / "data"


def programme(folder: Path, seed: int, edit: dict[str, Any]) -> ProblemData:
    """A small generated programme (3 regions, 2 trainers, 40 officers a region, three
    weeks) with ``edit`` merged into its constraints."""
    generate_programme(folder, "thin", seed=seed, regions=3, officers_per_region=40, trainers=2)
    path = folder / "constraints.yaml"
    constraints = yaml.safe_load(path.read_text(encoding="utf-8"))
    constraints["window"]["end"] = "2008-08-05"
    constraints["sessions"]["per_region"] = {"min": 1, "max": 3}
    constraints["sessions"]["officers"] = {"min": 5, "max": 15}
    constraints["officers"]["max_district_share_per_day"] = 0.5
    for key, value in edit.items():
        section, _, name = key.partition(".")
        if name:
            constraints[section][name] = value
        else:
            constraints[section] = value
    path.write_text(yaml.safe_dump(constraints), encoding="utf-8")
    return load_data(folder)


def full_model_result(data: ProblemData) -> Any:
    started = time.monotonic()
    return solve_full(
        Instance(data), SolveOptions(time_limit=60, workers=2), 2, started, started + 60
    )


def spy_estimate(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record each call of the estimate path."""
    calls: list[bool] = []
    original = decomposed.solve_by_estimate

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(decomposed, "solve_by_estimate", spy)
    return calls


# (seed, constraint edits): sessions too few for every region's bound, or a budget
CASES = [
    (21, {"sessions.max_total": 4}),
    (22, {"sessions.max_total": 5}),
    (23, {"budget_eur": 1000}),
    (24, {"budget_eur": 1300, "sessions.max_total": 6}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "edit"), CASES)
def test_estimate_path_agrees_with_the_full_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, edit: dict[str, Any]
) -> None:
    data = programme(tmp_path, seed, edit)
    calls = spy_estimate(monkeypatch)
    estimated = solve(data, SolveOptions(time_limit=30, workers=2))
    assert calls, "the regions' bounds fit: this case does not test the estimate path"
    full = full_model_result(data)
    for result in (estimated, full):
        assert result.plan is not None
        assert check_plan(data, result.plan).valid
    estimated_levels = {o.name: o for o in estimated.plan.objectives}
    full_levels = {o.name: o for o in full.plan.objectives}
    # the estimate's officer bound is a relaxation's: never below the full optimum
    if full_levels["officers_trained"].proven:
        bound = estimated_levels["officers_trained"].bound
        assert bound is not None and bound >= full_levels["officers_trained"].value
    if estimated.status == full.status == "optimal":
        assert [o.value for o in estimated.plan.objectives] == [
            o.value for o in full.plan.objectives
        ]


def test_a_looser_budget_never_trains_fewer_officers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained = []
    for budget in (1000, 1300, 1700, None):
        data = programme(tmp_path / f"b{budget}", 31, {"budget_eur": budget})
        result = solve(data, SolveOptions(time_limit=20, workers=2))
        assert result.plan is not None
        assert check_plan(data, result.plan).valid
        officers = result.plan.objectives[0]
        assert officers.name == "officers_trained" and officers.proven
        if budget is not None:
            assert result.plan.metrics["cost_eur"] <= budget
        trained.append(officers.value)
    assert trained == sorted(trained)
    assert trained[0] < trained[-1], "the tightest budget should bind"


def test_more_sessions_allowed_never_train_fewer_officers(tmp_path: Path) -> None:
    trained = []
    for total in (3, 5, 7, None):
        data = programme(tmp_path / f"t{total}", 32, {"sessions.max_total": total})
        result = solve(data, SolveOptions(time_limit=20, workers=2))
        assert result.plan is not None and check_plan(data, result.plan).valid
        assert result.plan.objectives[0].proven
        trained.append(result.plan.objectives[0].value)
    assert trained == sorted(trained)
    assert trained[0] < trained[-1]


def test_seating_stops_at_the_masters_count(tmp_path: Path) -> None:
    data = programme(tmp_path, 33, {})
    inst = Instance(data)
    region = inst.region_ids[0]
    venue = data.region_by_id[region].venues[0].id
    days = inst.days[:2]
    sessions = [
        PlanSession(
            id=f"S{i}", region=region, venue=venue, date=day, trainers=[], ngos=[], officers=[]
        )
        for i, day in enumerate(days)
    ]
    free = seat_by_flow(inst, region, [s.model_copy() for s in sessions])
    assert free is not None and free > 12
    capped = seat_by_flow(inst, region, sessions, at_most=12)
    assert capped == 12 == sum(len(s.officers) for s in sessions)
    # each session still holds officers.min at least
    assert all(len(s.officers) >= 5 for s in sessions)
    assert seat_by_flow(inst, region, sessions, at_most=9) is None


def test_a_search_cut_short_keeps_the_early_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the deterministic search stopped before its first plan (Ctrl-C, the time limit): the
    # early plan of the short parallel search is the answer, complete and valid, nothing
    # claimed proven
    from trafficplan.solver.search import LexOutcome

    data = programme(tmp_path, 21, {"sessions.max_total": 4})

    def cut_short(*args: Any, **kwargs: Any) -> LexOutcome:
        return LexOutcome(interrupted=True)

    monkeypatch.setattr(by_estimate, "optimise_lexicographically", cut_short)
    monkeypatch.setattr(by_estimate, "officers_by_counts", lambda *args, **kwargs: None)
    result = solve(data, SolveOptions(time_limit=20, workers=2))
    assert result.plan is not None and result.interrupted
    assert check_plan(data, result.plan).valid
    assert result.plan.metrics["officers_trained"] > 0
    assert not any(o.proven for o in result.plan.objectives)
    assert result.first_plan_seconds is not None


def test_officers_proven_before_the_later_levels(tmp_path: Path) -> None:
    data = programme(tmp_path, 22, {"sessions.max_total": 5})
    result = solve(data, SolveOptions(time_limit=30, workers=2))
    assert result.plan is not None and result.status == "optimal"
    seconds = result.proven_seconds
    assert set(seconds) == {"officers_trained", "cost_eur", "max_trainer_sessions"}
    assert seconds["officers_trained"] <= seconds["cost_eur"] <= result.wall_seconds + 1e-3


def test_same_seed_same_plan(tmp_path: Path) -> None:
    # the early plan's parallel search is not reproducible, but it never hints the search
    # whose plan is returned: with every level proven, the same data give the same plan
    data = programme(tmp_path, 24, {"budget_eur": 1300, "sessions.max_total": 6})
    first, second = (solve(data, SolveOptions(time_limit=30, workers=2)) for _ in range(2))
    assert first.plan is not None and second.plan is not None
    assert first.status == second.status == "optimal"
    assert first.plan.sessions == second.plan.sessions


def test_a_seating_cut_keeps_the_plans_it_seats(tmp_path: Path) -> None:
    # the cut after a short seating bounds a region's count on exactly those sessions by
    # what they seat, and by no less: the master keeps that plan with that count, and
    # cannot count more on those sessions
    from ortools.sat.python import cp_model

    from trafficplan.solver.estimate import add_officer_estimate, add_seating_cut
    from trafficplan.solver.extract import extract_sessions
    from trafficplan.solver.model import PlanModel
    from trafficplan.solver.rules import add_constraints

    data = programme(tmp_path, 25, {"sessions.max_total": 5})
    inst = Instance(data)

    def master_model() -> PlanModel:
        master = PlanModel(inst, with_officers=False)
        add_officer_estimate(master, {r: 10_000 for r in inst.region_ids})
        add_constraints(master)
        return master

    master = master_model()
    master.model.maximize(master.officers_trained())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(master.model) == cp_model.OPTIMAL
    sessions = extract_sessions(master, solver.value)
    region = sessions[0].region
    own = [s for s in sessions if s.region == region]
    seated = seat_by_flow(inst, region, own)
    assert seated is not None
    taken = {(s.venue, inst.day_index[s.date]) for s in own}

    for count, expected in ((seated, cp_model.OPTIMAL), (seated + 1, cp_model.INFEASIBLE)):
        master = master_model()
        add_seating_cut(master, region, taken, seated)
        for key, var in master.held_at.items():
            if data.region_of_venue[key[0]] == region:
                master.model.add(var == int(key in taken))
        master.model.add(master.region_officers[region] == count)
        assert solver.solve(master.model) == expected


# budgets on the small programme: the relaxation's officer bound against the full model's
BUDGET_CASES = [(23, 1000), (25, 800), (27, 1100)]


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "budget"), BUDGET_CASES)
def test_the_relaxations_officer_bound_is_never_below_the_optimum(
    tmp_path: Path, seed: int, budget: int
) -> None:
    data = programme(tmp_path, seed, {"budget_eur": budget})
    inst = Instance(data)
    bounds = {r: counting_bound(inst, r) for r in inst.region_ids}
    aggregate = Aggregate(inst, {}, 0)
    aggregate.add_officers(bounds)
    found = aggregate.most_officers(seed=0, seconds=10)
    full = full_model_result(data)
    assert full.plan is not None
    officers = full.plan.objectives[0]
    assert officers.name == "officers_trained" and officers.proven
    assert found is not None
    bound, proven = found
    assert proven and bound >= officers.value


def shipped_with_budget(folder: Path, budget: float) -> ProblemData:
    """The shipped data with 4-6 sessions a region and ``budget_eur`` (the budget family)."""
    raw = read_raw(SHIPPED_DATA)
    edits = ["sessions.per_region.min=4", "sessions.per_region.max=6", f"budget_eur={budget}"]
    write_scenario_data(apply_scenario(raw, edits, []), folder)
    return load_data(folder)


def scarce_trainers(folder: Path, seed: int) -> ProblemData:
    """A generated scarce-trainer programme of 2008 size (the benchmark's family)."""
    generate_programme(folder, "scarce", seed=seed)
    return load_data(folder)


@pytest.mark.slow
@pytest.mark.parametrize(
    "make",
    [
        # about 10 % below what the unconstrained plan costs: the budget decides the officers
        lambda folder: shipped_with_budget(folder, 52_813.67),
        # 4 trainers, 2 sessions a week each: 72 sessions in all decide them
        lambda folder: scarce_trainers(folder, 2),
    ],
    ids=["budget", "scarce-trainers"],
)
def test_the_officers_and_later_levels_are_settled_by_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Any
) -> None:
    data = make(tmp_path)
    settled: list[bool] = []
    original = by_estimate.officers_by_counts

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        settled.append(found is not None and found[2])
        return found

    monkeypatch.setattr(by_estimate, "officers_by_counts", spy)
    events: list[ProgressEvent] = []
    result = solve(data, SolveOptions(time_limit=60, workers=2, progress=events.append))
    assert settled == [True]
    assert result.status == "optimal" and result.plan is not None
    assert all(level.proven for level in result.plan.objectives)
    assert set(result.proven_seconds) == {o.name for o in result.plan.objectives}
    budget = data.constraints.budget_eur
    assert budget is None or result.plan.metrics["cost_eur"] <= budget
    assert check_plan(data, result.plan).valid
    # the officer bound is the relaxation's: a plan reaches it, so no plan trains more
    officers = result.plan.objectives[0]
    assert officers.value == officers.bound
    # the levels reported in their order, officers first, at the proven bound
    assert [e.level_index for e in events] == list(range(len(result.plan.objectives)))
    assert events[0].value == events[0].bound == officers.value


def test_the_counts_keep_the_budget_as_the_rule_does(tmp_path: Path) -> None:
    # a budget that pays for no session at all: no counts keep it
    data = programme(tmp_path, 23, {"budget_eur": 1})
    inst = Instance(data)
    aggregate = Aggregate(inst, {}, 0)
    aggregate.add_officers({r: counting_bound(inst, r) for r in inst.region_ids})
    assert aggregate.most_officers(seed=0, seconds=5) is None
