"""``capacity --scheduler``: sweeps on a real Dask cluster (a scheduler and two one-thread
workers, separate processes on 127.0.0.1), compared with the local process pool; a point that
fails twice, a worker killed mid-sweep, Ctrl-C, and a scheduler that is not there."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SHIPPED_DATA
from daskcluster import Cluster, cluster_env, free_port, local_cluster
from datafactory import tiny, write_data
from trafficplan.cli import app
from trafficplan.inputs import read_raw
from trafficplan.scenarios.cluster import CONNECT_SECONDS, connect
from trafficplan.scenarios.runs import ScenarioTask

runner = CliRunner()
SOLVED = ("optimal", "feasible", "unknown", "infeasible")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two workers, shared by the tests of this module that kill nothing."""
    with local_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


def comparable(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each point without its seconds (the only thing that may differ between runs)."""
    return [{k: v for k, v in p.items() if k != "seconds"} for p in document["points"]]


def capacity_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["capacity", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_grid_on_the_cluster_gives_the_local_results(cluster: Cluster, tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", tiny())
    grid = (
        "--data",
        str(folder),
        "--vary",
        "sessions.officers.max=16..20:2",
        "--vary",
        "officers.max_district_share_per_day=0.5..0.6:0.1",
        "--set",
        "trainers.max_per_week=2",
        "--time-limit",
        "20",
        "--seed",
        "3",
        "--workers",
        "2",
        "--target",
        "officers_trained=24",
    )
    local = capacity_json(*grid, "--jobs", "1")
    remote = capacity_json(*grid, "--scheduler", cluster.address, "--out-dir", str(tmp_path / "o"))
    assert len(remote["points"]) == 6
    assert all(p["status"] == "optimal" for p in remote["points"]), remote["points"]
    assert comparable(remote) == comparable(local)
    assert remote["smallest_reaching"] == local["smallest_reaching"]
    assert remote["smallest_reaching"] == {
        "sessions.officers.max": "16",
        "officers.max_district_share_per_day": "0.6",
    }
    assert (tmp_path / "o" / "points.csv").is_file()
    assert (tmp_path / "o" / "plan-16_0.6.json").is_file()


@pytest.mark.slow
def test_a_frontier_on_the_cluster_gives_the_local_points(cluster: Cluster, tmp_path: Path) -> None:
    # tradeoff's solves go through the same runner: two cheap-and-dear trainers, four sessions
    data = tiny()
    data["constraints"]["sessions"]["per_region"] = {"min": 2, "max": 2}
    data["constraints"]["sessions"]["max_total"] = 4
    data["trainers"]["trainers"][0]["day_rate_eur"] = 50
    data["trainers"]["trainers"][1]["day_rate_eur"] = 300
    folder = write_data(tmp_path / "data", data)
    args = (
        "tradeoff",
        "max_trainer_sessions",
        "cost_eur",
        "--step",
        "150",
        "--data",
        str(folder),
        "--time-limit",
        "60",
        "--workers",
        "2",
        "--json",
    )
    local = runner.invoke(app, [*args, "--jobs", "1"])
    assert local.exit_code == 0, local.output
    out = tmp_path / "o"
    remote = runner.invoke(app, [*args, "--scheduler", cluster.address, "--out-dir", str(out)])
    assert remote.exit_code == 0, remote.output
    here, there = json.loads(local.stdout), json.loads(remote.stdout)
    assert [p["status"] for p in there["solves"]] == ["optimal"] * 4  # ends, 412.44, 562.44
    strip = ("plan", "seconds")
    assert [{k: v for k, v in p.items() if k not in strip} for p in there["points"]] == [
        {k: v for k, v in p.items() if k not in strip} for p in here["points"]
    ]
    assert [(p["cost_eur"], p["max_trainer_sessions"]) for p in there["points"]] == [
        (262.44, 4),
        (481.22, 3),
        (700.0, 2),
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "plan-262.44.json",
        "plan-481.22.json",
        "plan-700.00.json",
        "points.csv",
    ]


def test_a_point_that_fails_twice_is_failed_and_the_sweep_goes_on(
    cluster: Cluster, tiny_folder: Path
) -> None:
    raw = read_raw(tiny_folder)
    broken = ScenarioTask(0, None, (), (), 10.0, 0, 1)  # type: ignore[arg-type]
    fine = ScenarioTask(1, raw, ("sessions.officers.max=18",), (), 10.0, 0, 1)
    seen: list[int] = []
    with connect(cluster.address) as on_cluster:
        assert on_cluster.workers == 2
        outcomes, interrupted = on_cluster.run([broken, fine], lambda o: seen.append(o.index))
    assert not interrupted
    assert sorted(seen) == [0, 1]
    assert outcomes[0].status == "failed"
    assert outcomes[0].reasons[0].startswith("failed twice on the cluster; last: AttributeError")
    assert outcomes[1].status == "optimal"
    assert outcomes[1].metrics is not None and outcomes[1].metrics["officers_trained"] == 36


def test_an_unreachable_scheduler_is_a_usage_error_within_10_s(tiny_folder: Path) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = runner.invoke(
        app,
        [
            "capacity",
            "--data",
            str(tiny_folder),
            "--vary",
            "sessions.officers.max=18..20",
            "--scheduler",
            address,
        ],
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert elapsed < 10, elapsed
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: --scheduler {address}: no Dask scheduler could be reached")
    assert f"within {CONNECT_SECONDS:g} s" in lines[0]
    assert "Traceback" not in result.output


def test_a_malformed_address_and_jobs_with_a_scheduler_are_usage_errors(
    tiny_folder: Path,
) -> None:
    base = ["capacity", "--data", str(tiny_folder), "--vary", "sessions.officers.max=18..20"]
    malformed = runner.invoke(app, [*base, "--scheduler", "no-port-here"])
    assert malformed.exit_code == 2
    assert "--scheduler no-port-here" in malformed.stderr
    jobs = runner.invoke(app, [*base, "--scheduler", "tcp://127.0.0.1:1", "--jobs", "2"])
    assert jobs.exit_code == 2
    assert "--jobs is for local processes" in jobs.stderr


def start_sweep(
    address: str, out: Path, values: str, time_limit: int, *edits: str
) -> subprocess.Popen[bytes]:
    """``capacity --scheduler`` on the shipped data, in a child process (as a user runs it)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trafficplan",
            "capacity",
            "--data",
            str(SHIPPED_DATA),
            "--vary",
            f"sessions.officers.max={values}",
            *edits,
            "--scheduler",
            address,
            "--workers",
            "1",
            "--time-limit",
            str(time_limit),
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cluster_env(),
        cwd=out,
    )


def processing(address: str) -> dict[str, list[str]]:
    """The keys each worker is running now, by worker name."""
    from distributed import Client

    with Client(address, timeout=10) as client:
        names = {a: w["name"] for a, w in client.scheduler_info(n_workers=-1)["workers"].items()}
        return {names[a]: list(keys) for a, keys in client.processing().items() if a in names}


def wait_until_running(address: str, child: subprocess.Popen[bytes], seconds: float) -> str:
    """The name of a worker running a point, once one is (within ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()
        busy = [name for name, keys in processing(address).items() if keys]
        if busy:
            return busy[0]
        time.sleep(0.3)
    pytest.fail(f"no point started within {seconds} s")


def wait_for_busy_workers(
    address: str, child: subprocess.Popen[bytes], count: int, seconds: float
) -> None:
    """Wait until exactly ``count`` workers are running a point (within ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()
        if sum(1 for keys in processing(address).values() if keys) == count:
            return
        time.sleep(0.3)
    pytest.fail(f"not {count} busy workers within {seconds} s: {processing(address)}")


@pytest.mark.slow
def test_a_worker_killed_mid_sweep_costs_only_its_points(tmp_path: Path) -> None:
    # Shipped-data points take a few seconds each, so a worker is killed while it solves one;
    # that point is resubmitted to the other worker and every point reports.
    with local_cluster(tmp_path / "cluster") as running:
        child = start_sweep(running.address, tmp_path, "24..26", 5)
        try:
            victim = wait_until_running(running.address, child, 60)
            time.sleep(1)
            running.workers[victim].send_signal(signal.SIGKILL)
            stdout, stderr = child.communicate(timeout=240)
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
        assert child.returncode == 0, stderr.decode() + running.log_tail()
        assert running.workers[victim].wait(timeout=10) == -signal.SIGKILL
    document = json.loads(stdout)
    statuses = [p["status"] for p in document["points"]]
    assert len(statuses) == 3
    assert all(status in SOLVED for status in statuses), (statuses, document["points"])
    assert b"Traceback" not in stderr


@pytest.mark.slow
@pytest.mark.skip(
    reason="timing: since the solver proves the 24-seat point in seconds, both points can end "
    "before the interrupt lands; needs a sweep point that is slow by construction (issue 14)"
)
def test_ctrl_c_abandons_running_points_and_keeps_finished_ones(
    cluster: Cluster, tmp_path: Path
) -> None:
    # two points, one on each worker: without t06 and with one session a week per trainer,
    # 25 seats are proven optimal in seconds, while 24 (not everyone can be trained) takes
    # several seconds more (about 10 s alone on 2 cores): Ctrl-C as soon as 25 is done
    edits = ("--drop", "trainers.t06", "--set", "trainers.max_per_week=1")
    child = start_sweep(cluster.address, tmp_path, "24..25", 120, *edits)
    try:
        wait_for_busy_workers(cluster.address, child, 2, 60)
        wait_for_busy_workers(cluster.address, child, 1, 90)  # 25 seats is done
        child.send_signal(signal.SIGINT)
        started = time.monotonic()
        stdout, stderr = child.communicate(timeout=60)
        stopped = time.monotonic() - started
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, stderr.decode()
    assert stopped < 20, stopped
    assert b"Traceback" not in stderr
    document = json.loads(stdout)
    assert document["interrupted"] is True
    abandoned, finished = document["points"]
    assert abandoned["values"] == {"sessions.officers.max": "24"}
    assert abandoned["status"] == "not run"
    assert finished["status"] == "optimal", finished
    assert finished["metrics"]["officers_trained"] == 1800
    # the running search was told to stop: the workers are free again soon after
    deadline = time.monotonic() + 15
    while any(processing(cluster.address).values()):
        assert time.monotonic() < deadline, processing(cluster.address)
        time.sleep(0.5)
