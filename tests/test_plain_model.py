"""The benchmark's plain time-indexed model (``bench/plain_model.py``): its plans keep every
rule, as the independent checker sees them, and it reports what it found."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from datafactory import tiny, write_data
from trafficplan.checker import check_plan
from trafficplan.inputs import load_data
from trafficplan.plan import read_plan

REPO = Path(__file__).resolve().parents[1]
PLAIN_MODEL = REPO / "bench" / "plain_model.py"


def _plain_model() -> ModuleType:
    spec = importlib.util.spec_from_file_location("plain_model", PLAIN_MODEL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _binding() -> dict:
    """The tiny instance where several rules bind at once: at most half a district a day
    (5 of its 10 officers), so a session seats at most 10 officers; up to 2 sessions a
    region but 3 in all; a fixed session in alpha on Tuesday 2 June with trainer t02; one
    alpha officer away that whole week."""
    data = tiny()
    rules = data["constraints"]
    rules["officers"]["max_district_share_per_day"] = 0.5
    rules["sessions"]["per_region"] = {"min": 1, "max": 2}
    rules["sessions"]["max_total"] = 3
    rules["sessions"]["fixed"] = [{"region": "alpha", "date": "2009-06-02", "trainers": ["t02"]}]
    data["officers"][0]["unavailable"] = "2009-06-01..2009-06-05"
    return data


def test_plain_plan_keeps_every_rule_and_trains_what_the_rules_allow(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", _binding())
    out = tmp_path / "plan.json"
    assert _plain_model().run(folder, out, time_limit=30, workers=1, seed=0) == 0
    data, plan = load_data(folder), read_plan(out)
    report = check_plan(data, plan)
    assert report.valid, [v.message for v in report.violations]
    assert not report.warnings  # claimed metrics, digests and unassigned list agree too
    assert plan.status == "optimal"
    # three sessions of at most 10 officers (5 from each district a day)
    assert plan.metrics["officers_trained"] == 30 and len(plan.sessions) == 3
    first = plan.objectives[0]
    assert (first.name, first.value, first.proven) == ("officers_trained", 30.0, True)
    fixed = [s for s in plan.sessions if s.region == "alpha" and str(s.date) == "2009-06-02"]
    assert len(fixed) == 1 and fixed[0].trainers == ["t02"]


def test_plain_model_spreads_each_regions_sessions_over_its_ngos(tmp_path: Path) -> None:
    # three sessions a region, one NGO each, two NGOs a region: the best spread is 1 (2 and 1)
    data = tiny()
    rules = data["constraints"]
    rules["sessions"]["per_region"] = {"min": 3, "max": 3}
    rules["sessions"]["max_total"] = 6
    rules["sessions"]["officers"]["min"] = 5
    rules["objective"] = ["officers_trained", "ngo_spread"]
    folder = write_data(tmp_path / "data", data)
    out = tmp_path / "plan.json"
    assert _plain_model().run(folder, out, time_limit=30, workers=1, seed=0) == 0
    plan = read_plan(out)
    report = check_plan(load_data(folder), plan)
    assert report.valid and not report.warnings  # the claimed spread is the plan's own
    spread = plan.objectives[-1]
    assert (spread.name, spread.value, spread.proven) == ("ngo_spread", 1.0, True)


def test_plain_model_says_when_the_data_admit_no_plan(tmp_path: Path) -> None:
    data = tiny()
    # a fixed session on a Saturday: no session can stand for it
    data["constraints"]["sessions"]["fixed"] = [{"region": "alpha", "date": "2009-06-06"}]
    folder = write_data(tmp_path / "data", data)
    out = tmp_path / "plan.json"
    assert _plain_model().run(folder, out, time_limit=10, workers=1, seed=0) == 4
    assert not out.exists()


@pytest.mark.slow
def test_plain_model_command_streams_events_and_writes_a_plan_check_accepts(
    tmp_path: Path,
) -> None:
    folder = write_data(tmp_path / "data", tiny())
    out = tmp_path / "plan.json"
    done = subprocess.run(
        [sys.executable, str(PLAIN_MODEL), "--data", str(folder), "--out", str(out),
         "--time-limit", "20", "--workers", "1", "--memory-gb", "8"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["event"] for e in events] == [
        "built",
        "first_plan",
        "level",
        "level",
        "level",
        "done",
    ]
    assert [e["name"] for e in events if e["event"] == "level"] == [
        "officers_trained",
        "cost_eur",
        "max_trainer_sessions",
    ]
    assert events[-1]["status"] == "optimal" and events[-1]["plan"] == str(out)
    checked = subprocess.run(
        [sys.executable, "-m", "trafficplan", "check", str(out), "--data", str(folder)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout
