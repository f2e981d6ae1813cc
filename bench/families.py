"""The instance families of the hard-data benchmark (``bench/hard.py``), written on the fly.

- ``scarce``: ``trafficplan.datagen`` preset ``scarce`` with the seeds of :data:`SCARCE_SEEDS`
  (byte-identical files for the same seed; write one yourself with ``python -m
  trafficplan.datagen programme --preset scarce --seed N --out DIR``).
- ``budget``: the shipped ``data/`` with 4-6 sessions a region allowed and ``budget_eur``
  :data:`BUDGET_CUTS` below the cost of that data's unconstrained optimum, which the
  planner computes first (``trafficplan solve`` with the same time limit and no budget);
  that plan with officers taken off until it fits each budget shows that a plan exists
  (:func:`trimmed_plan`).
- ``national``: preset ``national`` (27 regions, ~9,000 officers, a year).
- ``double-national``: preset ``double-national`` (the 27 regions over two years, ~18,000
  officers, 702 sessions, 80 trainers).
- ``quadruple-national``: preset ``quadruple-national`` (the 27 regions over four years,
  35,964 officers, 1,404 sessions, 160 trainers).
- ``shipped``: the repository's ``data/`` as it is.
- ``two-stage``: ``examples/2008-two-stage/`` (spec 7.1: the heads' courses, then the
  meetings, by district).
- ``two-stage-national``: preset ``two-stage-national`` (``national`` with a heads' course
  before the meetings, by district).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAMILIES = (
    "scarce",
    "budget",
    "national",
    "double-national",
    "quadruple-national",
    "shipped",
    "two-stage",
    "two-stage-national",
)
NATIONAL_FAMILIES = ("national", "double-national", "quadruple-national", "two-stage-national")
SCARCE_SEEDS = (1, 2, 6, 14, 27)
"""Seeds of the ``scarce`` family, chosen to cover what the family varies: 5, 4, 5, 3 and 3
trainers, ``trainers.max_consecutive_days`` 2 (seeds 1, 2) and 1 (seeds 6, 14, 27), 18-22 %
of the officers on leave. Each admits a plan: the planner found one for each with a 300 s
time limit, which the checker accepts."""
BUDGET_CUTS = (0.05, 0.10, 0.15, 0.20)
BUDGET_SESSIONS = (4, 6)


@dataclass(frozen=True)
class Instance:
    """One data folder of a family, with a line saying what is special about it."""

    name: str
    family: str
    folder: Path
    note: str


def describe(folder: Path) -> str:
    """The facts of a data folder the families vary, in one line."""
    from trafficplan.inputs import load_data

    data = load_data(folder)
    rules = data.constraints
    leave = sum(1 for o in data.officers if o.unavailable) / max(1, len(data.officers))
    ranges = [data.session_bounds(r.id) for r in data.regions]
    budget = "" if rules.budget_eur is None else f", budget {rules.budget_eur:,.2f} EUR"
    return (
        f"{len(data.regions)} regions, {len(data.officers):,} officers ({100 * leave:.0f} % "
        f"with leave), {len(data.trainers)} trainers, {rules.trainers.max_per_week}/week, "
        f"{rules.trainers.max_consecutive_days} consecutive, sessions "
        f"{sum(b.min for b in ranges)}-{sum(b.max for b in ranges)} "
        f"(max_total {rules.sessions.max_total}){budget}"
    )


def scarce(workdir: Path) -> list[Instance]:
    """The scarce-trainer family, one folder per seed."""
    from trafficplan.datagen import generate_programme

    instances = []
    for seed in SCARCE_SEEDS:
        folder = workdir / f"scarce-{seed}"
        generate_programme(folder, "scarce", seed)
        instances.append(Instance(f"scarce-{seed}", "scarce", folder, describe(folder)))
    return instances


def unconstrained_plan(
    folder: Path, time_limit: float, workers: int, seed: int
) -> tuple[dict, Path]:
    """The planner's plan of a data folder: its cost_eur level (``{"value", "bound",
    "proven"}``) and the plan file (``unconstrained-plan.json`` in the folder).

    Raises:
        RuntimeError: the planner found no plan.
    """
    plan = folder / "unconstrained-plan.json"
    command = [
        sys.executable, "-m", "trafficplan", "solve", "--data", str(folder), "--out", str(plan),
        "--json", "--workers", str(workers), "--seed", str(seed), "--time-limit", str(time_limit),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        levels = {o["name"]: o for o in json.loads(done.stdout)["objectives"]}
        return levels["cost_eur"], plan
    except (json.JSONDecodeError, KeyError) as exc:
        raise RuntimeError(f"no unconstrained plan for {folder}: {done.stderr[-500:]}") from exc


def trimmed_plan(folder: Path, unconstrained: Path) -> tuple[int, bool] | None:
    """A plan within the budget of ``folder``: the unconstrained plan with officers taken off
    its fullest sessions (never below ``officers.min``) until its cost, every item rounded up,
    fits. Returns the officers it trains and the checker's verdict on it, or None if taking
    officers off is not enough. It shows that the budget admits a plan, and how many officers
    a plan found by hand would train."""
    from trafficplan.checker import check_plan
    from trafficplan.inputs import load_data
    from trafficplan.plan import read_plan
    from trafficplan.plan.metrics import total_cost_cents

    data = load_data(folder)
    plan = read_plan(unconstrained)
    assert data.constraints.budget_eur is not None
    budget = int(data.constraints.budget_eur * 100 + 1e-6)
    fewest = data.constraints.sessions.officers.min
    sessions = [session.model_copy(deep=True) for session in plan.sessions]
    while total_cost_cents(data, sessions, round_up=True) > budget:
        fullest = max(sessions, key=lambda session: len(session.officers))
        if len(fullest.officers) <= fewest:
            return None
        fullest.officers.pop()
    trimmed = plan.model_copy(update={"sessions": sessions})
    return sum(len(s.officers) for s in sessions), check_plan(data, trimmed).valid


def budget(workdir: Path, time_limit: float, workers: int, seed: int) -> list[Instance]:
    """The budget-bound family: the shipped data, 4-6 sessions a region, budgets below the
    unconstrained optimum's cost."""
    from trafficplan.inputs import read_raw
    from trafficplan.scenarios.edits import apply_scenario, write_scenario_data

    low, high = BUDGET_SESSIONS
    sessions = [f"sessions.per_region.min={low}", f"sessions.per_region.max={high}"]
    raw = read_raw(REPO / "data")
    base = workdir / "budget-none"
    base.mkdir(parents=True, exist_ok=True)
    write_scenario_data(apply_scenario(raw, sessions, []), base)
    reference, plan = unconstrained_plan(base, time_limit, workers, seed)
    proof = "proven optimum" if reference["proven"] else "best found, not proven"
    instances = []
    for cut in BUDGET_CUTS:
        name = f"budget-{round(100 * cut)}"
        folder = workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        limit = round(reference["value"] * (1 - cut), 2)
        write_scenario_data(apply_scenario(raw, [*sessions, f"budget_eur={limit}"], []), folder)
        trimmed = trimmed_plan(folder, plan)
        by_hand = (
            "taking officers off does not fit it"
            if trimmed is None
            else f"that plan with officers taken off trains {trimmed[0]:,} "
            f"({'valid' if trimmed[1] else 'NOT valid'})"
        )
        note = (
            f"{describe(folder)}: {100 * cut:.0f} % below {reference['value']:,.2f} EUR "
            f"({proof} without a budget); {by_hand}"
        )
        instances.append(Instance(name, "budget", folder, note))
    return instances


def national(workdir: Path, preset: str = "national") -> list[Instance]:
    """The generated national programme (or one of :data:`NATIONAL_FAMILIES`)."""
    from trafficplan.datagen import generate_programme

    folder = workdir / preset
    generate_programme(folder, preset)
    return [Instance(preset, preset, folder, describe(folder))]


def shipped() -> list[Instance]:
    """The repository's data folder."""
    folder = REPO / "data"
    return [Instance("shipped", "shipped", folder, describe(folder))]


def prepare(
    families: list[str], workdir: Path, time_limit: float, workers: int, seed: int
) -> list[Instance]:
    """The instances of the chosen families, in that order (generated ones in ``workdir``)."""
    instances: list[Instance] = []
    for family in families:
        if family == "scarce":
            instances += scarce(workdir)
        elif family == "budget":
            instances += budget(workdir, time_limit, workers, seed)
        elif family in NATIONAL_FAMILIES:
            instances += national(workdir, family)
        elif family == "shipped":
            instances += shipped()
        elif family == "two-stage":
            folder = REPO / "examples" / "2008-two-stage"
            instances.append(Instance("two-stage", "two-stage", folder, describe(folder)))
        else:
            raise ValueError(f"unknown family {family!r} (known: {', '.join(FAMILIES)})")
    return instances
