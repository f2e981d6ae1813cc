"""``capacity --scheduler``: sweeps on a real Dask cluster (a scheduler and two one-thread
workers, separate processes on 127.0.0.1), compared with the local process pool; a point that
fails twice, a worker killed mid-sweep, Ctrl-C, and a scheduler that is not there."""

from __future__ import annotations

import csv
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SHIPPED_DATA
from daskcluster import Cluster, cluster_env, free_port, local_cluster
from datafactory import WIDE_END, WIDE_START, slow_wide, tiny, write_data
from processes import kill_tree
from trafficplan.cli import app
from trafficplan.inputs import read_raw
from trafficplan.scenarios.cluster import CONNECT_SECONDS, connect
from trafficplan.scenarios.runs import ScenarioTask

runner = CliRunner()
SOLVED = ("optimal", "feasible", "unknown", "infeasible")
POINT_KEY = re.compile(r"trafficplan-point-[0-9a-f]+-(?P<index>\d+)-\d+")
"""The key of a point's task on the cluster: sweep, point index, attempt (``ClusterRunner``)."""


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
    address: str, cwd: Path, vary: str, time_limit: int, *args: str, data: Path = SHIPPED_DATA
) -> subprocess.Popen[bytes]:
    """``capacity --vary VARY --scheduler ADDRESS`` in a child process (as a user runs it), on
    the shipped data unless ``data`` says otherwise; ``args`` go at the end."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "trafficplan",
            "capacity",
            "--data",
            str(data),
            "--vary",
            vary,
            "--scheduler",
            address,
            "--workers",
            "1",
            "--time-limit",
            str(time_limit),
            "--json",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cluster_env(),
        cwd=cwd,
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


@pytest.mark.slow
def test_a_worker_killed_mid_sweep_costs_only_its_points(tmp_path: Path) -> None:
    # Shipped-data points take a few seconds each, so a worker is killed while it solves one;
    # that point is resubmitted to the other worker and every point reports.
    with local_cluster(tmp_path / "cluster") as running:
        child = start_sweep(running.address, tmp_path, "sessions.officers.max=24..26", 5)
        try:
            victim = wait_until_running(running.address, child, 60)
            time.sleep(1)
            running.workers[victim].send_signal(signal.SIGKILL)
            stdout, stderr = child.communicate(timeout=240)
        finally:
            if child.poll() is None:
                kill_tree(child)
        assert child.returncode == 0, stderr.decode() + running.log_tail()
        assert running.workers[victim].wait(timeout=10) == -signal.SIGKILL
    document = json.loads(stdout)
    statuses = [p["status"] for p in document["points"]]
    assert len(statuses) == 3
    assert all(status in SOLVED for status in statuses), (statuses, document["points"])
    assert b"Traceback" not in stderr


def point_keys(address: str) -> tuple[set[str], set[str]]:
    """The keys of the sweep points being solved now, and of every point whose result has
    reached a worker's memory (from the scheduler's transition log: the client may have
    fetched and released the result since), both read at the same moment."""
    from distributed import Client

    def snapshot(dask_scheduler: Any) -> tuple[list[str], list[str]]:
        tasks = dask_scheduler.tasks.values()
        running = [str(task.key) for task in tasks if task.state == "processing"]
        done = [str(step.key) for step in dask_scheduler.transition_log if step.finish == "memory"]
        return running, done

    with Client(address, timeout=10) as client:
        running, done = client.run_on_scheduler(snapshot)
    return (
        {key for key in running if POINT_KEY.fullmatch(key)},
        {key for key in done if POINT_KEY.fullmatch(key)},
    )


def busy_threads(address: str) -> dict[str, int]:
    """How many tasks each worker is executing now (a cancelled task's thread included, until
    the function returns), by worker address."""
    from distributed import Client

    def executing(dask_worker: Any) -> int:
        return len(dask_worker.active_threads)

    with Client(address, timeout=10) as client:
        return dict(client.run(executing))


def wait_for_first_point(
    address: str, child: subprocess.Popen[bytes], earlier: set[str], seconds: float
) -> None:
    """Wait until the sweep's point 0 has finished on the cluster while its point 1 is still
    being solved (within ``seconds``); ``earlier``: finished keys of other sweeps."""
    deadline = time.monotonic() + seconds
    while True:
        assert child.poll() is None, child.communicate()
        running, finished = point_keys(address)
        done = {int(m["index"]) for m in map(POINT_KEY.fullmatch, finished - earlier) if m}
        assert 1 not in done, f"point 1 finished before Ctrl-C: {finished - earlier}"
        if done == {0}:
            assert [int(m["index"]) for m in map(POINT_KEY.fullmatch, running) if m] == [1]
            return
        assert time.monotonic() < deadline, f"point 0 not done within {seconds} s: {running}"
        time.sleep(0.2)


@pytest.mark.slow
def test_ctrl_c_abandons_running_points_and_keeps_finished_ones(
    cluster: Cluster, tmp_path: Path
) -> None:
    # Two points, one on each worker, quick or slow by construction (datafactory.slow_wide): the
    # window cut to its first day is a small model, proven optimal in about a second; the
    # whole year is a model that takes seconds to build and minutes to search. Ctrl-C comes
    # once the first point is done, while the second is still being solved.
    folder = write_data(tmp_path / "data", slow_wide())
    out = tmp_path / "sweep"
    days = (date.fromisoformat(WIDE_END) - date.fromisoformat(WIDE_START)).days
    running, earlier = point_keys(cluster.address)  # earlier: other tests' sweeps
    assert not running
    child = start_sweep(
        cluster.address,
        tmp_path,
        f"window.end={WIDE_START}..{WIDE_END}:{days}d",
        300,
        "--out-dir",
        str(out),
        data=folder,
    )
    try:
        wait_for_first_point(cluster.address, child, earlier, 120)
        child.send_signal(signal.SIGINT)
        # the client does not wait for the running point; what it still does (stop and cancel
        # it, write the files, disconnect) takes seconds, more on a busy machine
        stdout, stderr = child.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail("capacity did not exit within 90 s of Ctrl-C")
    finally:
        if child.poll() is None:
            kill_tree(child)
    assert child.returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr
    assert b"Interrupted: points not finished are marked 'not run'." in stderr
    document = json.loads(stdout)
    assert document["interrupted"] is True
    finished_point, abandoned = document["points"]
    assert finished_point["values"] == {"window.end": WIDE_START}
    assert finished_point["status"] == "optimal", finished_point
    assert finished_point["metrics"]["officers_trained"] == 120  # 12 regions, one session each
    assert finished_point["interrupted"] is False
    assert abandoned["values"] == {"window.end": WIDE_END}
    assert abandoned["status"] == "not run"
    assert abandoned["reasons"] == ["interrupted before it finished"]
    assert abandoned["metrics"] is None
    # --out-dir: the finished point's row and plan; the abandoned point's row, no plan
    with (out / "points.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["window.end"], r["status"]) for r in rows] == [
        (WIDE_START, "optimal"),
        (WIDE_END, "not run"),
    ]
    assert rows[0]["officers_trained"] == "120"
    assert rows[0]["officers_trained_proven"] == "true"
    assert rows[1]["officers_trained"] == rows[1]["officers_trained_proven"] == ""
    assert sorted(p.name for p in out.glob("plan-*.json")) == [f"plan-{WIDE_START}.json"]
    # the cluster is unharmed: both workers still connected, and the abandoned search was
    # told to stop, so its worker is free again long before its 300 s time limit (building
    # the year's model, which nothing interrupts, takes its seconds first)
    assert all(process.poll() is None for process in cluster.workers.values())
    deadline = time.monotonic() + 120
    while any(busy_threads(cluster.address).values()) or any(processing(cluster.address).values()):
        assert time.monotonic() < deadline, (busy_threads(cluster.address), cluster.log_tail())
        time.sleep(0.5)
    assert sorted(processing(cluster.address)) == sorted(cluster.workers)
