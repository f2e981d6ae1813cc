"""The decomposed search (region bounds, master, seating) against the full model.

Both are exact when they prove optimality, so on small generated programmes where both
prove it, every objective level must have the same value; and a plan of either keeps every
rule. This guards the decomposition's claims of proof (its bounds come from relaxations).
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pytest
import yaml

from trafficplan.checker import check_plan
from trafficplan.datagen import generate_programme
from trafficplan.inputs import load_data
from trafficplan.solver import SolveOptions, solve
from trafficplan.solver.instance import Instance
from trafficplan.solver.master import trainer_candidates

full_model = importlib.import_module("trafficplan.solver.full").solve_full

CASES = [
    # (seed, regions, officers per region, trainers, per-region min/max, share, window end)
    (11, 2, 30, 2, (2, 3), 0.34, "2008-08-08"),
    (12, 3, 20, 2, (1, 2), 0.5, "2008-07-31"),
    (13, 2, 45, 3, (2, 3), 0.2, "2008-08-08"),
    (14, 1, 50, 1, (2, 4), 0.34, "2008-08-15"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "regions", "officers", "trainers", "sessions", "share", "end"), CASES
)
def test_decomposed_and_full_model_agree(
    tmp_path: Path,
    seed: int,
    regions: int,
    officers: int,
    trainers: int,
    sessions: tuple[int, int],
    share: float,
    end: str,
) -> None:
    generate_programme(
        tmp_path,
        "thin",
        seed=seed,
        regions=regions,
        officers_per_region=officers,
        trainers=trainers,
    )
    constraints = yaml.safe_load((tmp_path / "constraints.yaml").read_text(encoding="utf-8"))
    constraints["sessions"]["per_region"] = {"min": sessions[0], "max": sessions[1]}
    constraints["sessions"]["max_total"] = None
    constraints["officers"]["max_district_share_per_day"] = share
    constraints["window"]["end"] = end
    (tmp_path / "constraints.yaml").write_text(yaml.safe_dump(constraints), encoding="utf-8")
    data = load_data(tmp_path)

    decomposed = solve(data, SolveOptions(time_limit=30, workers=2))
    started = time.monotonic()
    full = full_model(
        Instance(data), SolveOptions(time_limit=60, workers=2), 2, started, started + 60
    )

    assert decomposed.status == full.status or "feasible" in (decomposed.status, full.status)
    if decomposed.plan is None or full.plan is None:
        assert decomposed.status == full.status == "infeasible"
        return
    for result in (decomposed, full):
        assert result.plan is not None
        assert check_plan(data, result.plan).valid
    if decomposed.status == full.status == "optimal":
        assert [o.value for o in decomposed.plan.objectives] == [
            o.value for o in full.plan.objectives
        ]


SHIPPED = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.slow
def test_a_large_instance_proves_only_what_the_exact_search_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The master of a large instance sees only each site's cheapest trainers (forced here on
    the shipped data: four of the six per site). Its levels, settled by the assignment
    relaxation's counts (which know every trainer), may claim a proof only of the value the
    exact search proves, and its bounds are the whole problem's."""
    data = load_data(SHIPPED)
    exact = solve(data, SolveOptions(time_limit=60, workers=2))
    monkeypatch.setattr("trafficplan.solver.master.MAX_TRAINER_VARIABLES", 1)
    assert trainer_candidates(Instance(data)) is not None
    large = solve(data, SolveOptions(time_limit=60, workers=2))

    assert exact.status == "optimal" and exact.plan is not None
    assert large.plan is not None and check_plan(data, large.plan).valid
    found = {o.name: o for o in exact.plan.objectives}
    for result in large.plan.objectives:
        if result.proven:
            assert result.value == found[result.name].value, result.name
            assert result.bound == found[result.name].bound, result.name
    assert large.status == "optimal"
