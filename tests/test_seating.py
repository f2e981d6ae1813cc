"""Seating officers on a master's sessions: the max-flow seating against the CP-SAT seating.

Once the sessions are fixed, seating is a flow problem; the flow must seat exactly as many
officers per region as the CP-SAT model of the region does (both are exact), fail where it
fails (a session below its minimum), and give plans that keep every rule.
"""

from __future__ import annotations

import importlib
import shutil
import time
from pathlib import Path

import pytest
import yaml

from conftest import SHIPPED_DATA
from trafficplan.checker import check_plan
from trafficplan.datagen import generate_programme
from trafficplan.inputs import load_data
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession
from trafficplan.solver import SolveOptions, solve
from trafficplan.solver.instance import Instance

seating = importlib.import_module("trafficplan.solver.seating")


def _empty(sessions: list[PlanSession]) -> list[PlanSession]:
    return [s.model_copy(update={"officers": []}) for s in sessions]


def _both_ways(data: ProblemData, sessions: list[PlanSession]) -> dict[str, tuple]:
    """Per region: (CP-SAT seating, flow seating) officers seated, None where it failed."""
    inst = Instance(data)
    options = SolveOptions(workers=1)
    seated = {}
    for region_id in inst.region_ids:
        own = [s for s in sessions if s.region == region_id]
        if own:
            by_model = seating.seat_by_model(inst, region_id, _empty(own), options, 30.0)
            by_flow = seating.seat_by_flow(inst, region_id, _empty(own))
            seated[region_id] = (by_model, by_flow)
    return seated


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Plan]:
    """A small programme and its solved plan: four sessions a region in three days, so two
    share a day (the district's daily share is then shared by them)."""
    folder = tmp_path_factory.mktemp("small")
    generate_programme(
        folder, "thin", seed=6, regions=2, officers_per_region=60, trainers=4, leave_share=0.5
    )
    constraints = yaml.safe_load((folder / "constraints.yaml").read_text(encoding="utf-8"))
    constraints["sessions"]["per_region"] = {"min": 4, "max": 4}
    constraints["sessions"]["max_total"] = None
    constraints["sessions"]["max_per_region_per_day"] = 2
    constraints["sessions"]["officers"] = {"min": 5, "max": 20}
    constraints["sessions"]["fixed"] = []
    constraints["window"]["end"] = "2008-07-18"
    (folder / "constraints.yaml").write_text(yaml.safe_dump(constraints), encoding="utf-8")
    result = solve(load_data(folder), SolveOptions(time_limit=30, workers=1))
    assert result.plan is not None
    days = [(s.region, s.date) for s in result.plan.sessions]
    assert len(set(days)) < len(days)
    return folder, result.plan


# (officers per region, share with leave, officers.min, officers.max, district daily share)
VARIANTS = [
    (60, 0.5, 5, 20, 0.34),  # the small programme's officer rules: some officers not seated
    (120, 0.7, 10, 13, 0.2),  # more officers than seats
    (40, 1.0, 15, 25, 0.1),  # a small daily share: some sessions cannot reach their minimum
    (20, 0.3, 1, 11, 0.6),  # every officer seated
    (80, 1.0, 5, 8, 0.05),  # the district caps bind
]


def _variant(
    target: Path, folder: Path, variant: tuple[int, float, int, int, float]
) -> ProblemData:
    """The small programme's regions, trainers and sessions' rules with other officers and
    officer rules."""
    officers, leave, low, high, share = variant
    generate_programme(
        target, "thin", seed=officers, regions=2, officers_per_region=officers, trainers=3,
        leave_share=leave,
    )  # fmt: skip
    for name in ("regions.yaml", "trainers.yaml"):
        shutil.copy(folder / name, target / name)
    constraints = yaml.safe_load((folder / "constraints.yaml").read_text(encoding="utf-8"))
    constraints["sessions"]["officers"] = {"min": low, "max": high}
    constraints["officers"]["max_district_share_per_day"] = share
    (target / "constraints.yaml").write_text(yaml.safe_dump(constraints), encoding="utf-8")
    return load_data(target)


@pytest.mark.parametrize("variant", VARIANTS)
def test_flow_seats_as_many_officers_as_the_model(
    tmp_path: Path, small: tuple[Path, Plan], variant: tuple[int, float, int, int, float]
) -> None:
    folder, plan = small
    data = _variant(tmp_path, folder, variant)

    seated = _both_ways(data, plan.sessions)
    assert seated
    for region_id, (by_model, by_flow) in seated.items():
        assert by_flow == by_model, region_id

    sessions = _empty(plan.sessions)
    placed = seating.place_officers(
        Instance(data), sessions, SolveOptions(), time.monotonic() + 30, sessions_keep_rules=True
    )
    if any(by_model is None for by_model, _ in seated.values()):
        assert placed is None
        return
    assert placed == {region_id: by_flow for region_id, (_, by_flow) in seated.items()}
    report = check_plan(data, plan.model_copy(update={"sessions": sessions}))
    assert report.valid, [v.message for v in report.violations[:5]]


def test_variants_cover_full_partial_and_failed_seating(
    tmp_path: Path, small: tuple[Path, Plan]
) -> None:
    """The variants above exercise every outcome: all officers seated, some, none possible."""
    folder, plan = small
    outcomes = set()
    for number, variant in enumerate(VARIANTS):
        data = _variant(tmp_path / str(number), folder, variant)
        inst = Instance(data)
        for region_id in inst.region_ids:
            own = [s for s in plan.sessions if s.region == region_id]
            seated = seating.seat_by_flow(inst, region_id, _empty(own))
            everyone = len(data.officers_by_region[region_id])
            outcomes.add("failed" if seated is None else "all" if seated == everyone else "some")
    assert outcomes == {"failed", "all", "some"}


@pytest.mark.slow
def test_flow_seating_of_the_shipped_plan_matches_the_model() -> None:
    data = load_data(SHIPPED_DATA)
    result = solve(data, SolveOptions(time_limit=120, seed=0, workers=2))
    assert result.plan is not None
    assert result.status == "optimal"
    seated = _both_ways(data, result.plan.sessions)
    assert seated == {region_id: (150, 150) for region_id in Instance(data).region_ids}
    report = check_plan(data, result.plan)
    assert report.valid, [v.message for v in report.violations[:5]]
