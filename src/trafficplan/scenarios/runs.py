"""Solve several scenarios of one data folder, each in its own process or on a cluster.

Used by ``whatif`` (baseline and scenario side by side) and ``capacity`` (one scenario per
point). A task carries plain, picklable data (the parsed files and the edits), so each process
builds and validates its own :class:`~trafficplan.inputs.ProblemData`. Results are keyed by the
task's index, so they never depend on which process finished first.

Where tasks run is a :class:`PointRunner`: :class:`LocalPool` (processes on this machine; Ctrl-C
stops every running search, each keeping its best plan, and skips the tasks not yet started) or
:class:`~trafficplan.scenarios.cluster.ClusterRunner` (the workers of a Dask distributed
scheduler). :func:`point_runner` picks one from the command line's ``--scheduler``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from trafficplan.errors import TrafficplanError
from trafficplan.inputs.loading import RawData, build_data
from trafficplan.scenarios.edits import apply_scenario

if TYPE_CHECKING:  # importing the solver package loads OR-Tools; tasks import it when they run
    from trafficplan.solver.api import SolveResult


MIN_WORKERS_PER_SOLVE = 2
"""Search workers a solve should have before solves share the cores. Measured on 2 cores
(2008 data, sessions.officers.max 22..24, where not everyone can be trained): with one
worker each of two parallel solves found no plan in 30 s; with two workers, one solve after
the other, each found a plan (1,584 to 1,726 officers)."""


def parallel_jobs(cores: int | None = None) -> int:
    """How many solves may run at once so that each keeps :data:`MIN_WORKERS_PER_SOLVE`."""
    return max(1, (cores or os.cpu_count() or 1) // MIN_WORKERS_PER_SOLVE)


@dataclass(frozen=True)
class SweepSettings:
    """What every solve of a sweep shares: the base edits (``--set``, ``--drop``) and the
    search settings. ``workers`` is each solve's number of search workers (None: this
    machine's cores shared among the solves that run at once)."""

    sets: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()
    time_limit: float = 60.0
    seed: int = 0
    workers: int | None = None

    def task(
        self,
        index: int,
        raw: RawData,
        edits: tuple[str, ...],
        seconds: float,
        workers: int,
        limits: tuple[tuple[str, float], ...] = (),
    ) -> ScenarioTask:
        """One solve: the base edits followed by ``edits``, for ``seconds``."""
        return ScenarioTask(
            index, raw, (*self.sets, *edits), self.drops, seconds, self.seed, workers, limits
        )


@dataclass(frozen=True)
class ScenarioTask:
    """One scenario to solve: the parsed files, the edits, the search settings, and limits
    on objectives (``tradeoff``'s epsilon constraints, see ``SolveOptions.limits``)."""

    index: int
    raw: RawData
    sets: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()
    time_limit: float = 60.0
    seed: int = 0
    workers: int | None = None
    limits: tuple[tuple[str, float], ...] = ()


@dataclass
class TaskOutcome:
    """How one task ended.

    ``status`` is the solver's status, or ``invalid`` (the edits make the data invalid;
    ``reasons`` holds the problems), ``not run`` (interrupted before it finished) or ``failed``
    (the process died; on a cluster, the task failed twice). ``result`` is the solver's result
    when it ran; ``metrics`` those of its plan, recomputed against the scenario's own data.
    """

    index: int
    status: str
    reasons: list[str] = field(default_factory=list)
    result: SolveResult | None = None
    metrics: dict[str, Any] | None = None
    seconds: float = 0.0

    @property
    def interrupted(self) -> bool:
        """The search was stopped by Ctrl-C (its best plan so far is kept)."""
        return self.result is not None and self.result.interrupted


def solve_task(task: ScenarioTask, stop: Any = None) -> TaskOutcome:
    """Build the task's scenario and solve it (unless a pre-check proves it has no plan).

    Args:
        task: the scenario and the search settings.
        stop: an event (threading or multiprocessing) that, once set, stops the search and
            keeps the best plan found.
    """
    from trafficplan.plan.metrics import plan_metrics
    from trafficplan.planning import plan_or_explain
    from trafficplan.solver import SolveOptions

    started = time.monotonic()
    try:
        data = build_data(apply_scenario(task.raw, list(task.sets), list(task.drops)).raw)
    except TrafficplanError as exc:
        return TaskOutcome(task.index, "invalid", exc.lines())
    if stop is not None and stop.is_set():
        return TaskOutcome(task.index, "not run", ["interrupted before it started"])
    options = SolveOptions(
        time_limit=task.time_limit, seed=task.seed, workers=task.workers, limits=dict(task.limits)
    )
    relay = _relay_stop(stop, options.stop) if stop is not None else None
    try:
        # a scenario the pre-checks reject is not searched: the search could only fail, and
        # might need the whole time limit to say so
        outcome = plan_or_explain(data, options, explain=False)
        # before the relay has noticed the end: that takes up to its 0.2 s poll
        seconds = time.monotonic() - started
    finally:
        options.stop.set()
        if relay is not None:
            relay.join()
    plan = outcome.plan
    return TaskOutcome(
        task.index,
        outcome.status,
        outcome.reasons,
        outcome.result,
        plan_metrics(data, plan) if plan is not None else None,
        seconds=seconds,
    )


def _relay_stop(source: Any, target: threading.Event) -> threading.Thread:
    """Set ``target`` as soon as ``source`` is set (until ``target`` is set otherwise)."""

    def relay() -> None:
        while not target.is_set():
            if source.wait(0.2):
                target.set()

    thread = threading.Thread(target=relay, name="stop-relay", daemon=True)
    thread.start()
    return thread


_worker_stop: Any = None


def _init_worker(stop: Any) -> None:
    """Pool process start-up: Ctrl-C is the parent's to handle; it tells us through ``stop``.

    The process leaves the terminal's process group, so Ctrl-C never reaches it: a SIGINT
    arriving inside the solver's native code would kill the process instead of stopping the
    search and keeping its best plan.
    """
    global _worker_stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    _worker_stop = stop


def _solve_in_worker(task: ScenarioTask) -> TaskOutcome:
    return solve_task(task, _worker_stop)


OnDone = Callable[[TaskOutcome], None]
"""Called in the calling process with each task's outcome as soon as it is known."""


class PointRunner(Protocol):
    """Where scenario tasks run. ``run`` returns the outcomes by task index (tasks not finished
    when Ctrl-C came are missing) and whether the run was interrupted."""

    def run(
        self, tasks: list[ScenarioTask], on_done: OnDone | None = None
    ) -> tuple[dict[int, TaskOutcome], bool]:
        """Solve every task; Ctrl-C returns what finished, with ``True``."""
        ...


@dataclass(frozen=True)
class _OpenPool:
    """A process pool kept open over several runs, and the event that stops its searches."""

    executor: ProcessPoolExecutor
    stop: Any


@dataclass(frozen=True)
class LocalPool:
    """Processes on this machine, ``jobs`` at a time (see :func:`solve_tasks`).

    Each run starts its own processes, unless the pool is :meth:`kept` open: then the runs
    inside share the processes (a command that solves in rounds starts them once).
    """

    jobs: int
    _open: list[_OpenPool] = field(default_factory=list, compare=False, repr=False)

    def run(
        self, tasks: list[ScenarioTask], on_done: OnDone | None = None
    ) -> tuple[dict[int, TaskOutcome], bool]:
        """Solve the tasks in the local process pool."""
        return solve_tasks(tasks, self.jobs, on_done, self._open[-1] if self._open else None)

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Keep ``jobs`` processes open for the runs inside the block."""
        context = multiprocessing.get_context("spawn")
        stop = context.Event()
        with ProcessPoolExecutor(
            max_workers=max(1, self.jobs),
            mp_context=context,
            initializer=_init_worker,
            initargs=(stop,),
        ) as executor:
            self._open.append(_OpenPool(executor, stop))
            try:
                yield
            finally:
                self._open.pop()


@contextmanager
def point_runner(scheduler: str | None, jobs: int) -> Iterator[PointRunner]:
    """The runner of a command's ``--scheduler``: the cluster's workers when an address is
    given (the connection closed on leaving), else the local pool with ``jobs`` processes.

    Raises:
        UsageError: the scheduler cannot be reached (see
            :func:`~trafficplan.scenarios.cluster.connect`).
    """
    if scheduler is None:
        yield LocalPool(jobs)
        return
    from trafficplan.scenarios.cluster import connect

    with connect(scheduler) as cluster:
        yield cluster


def solve_tasks(
    tasks: list[ScenarioTask],
    jobs: int,
    on_done: OnDone | None = None,
    pool: _OpenPool | None = None,
) -> tuple[dict[int, TaskOutcome], bool]:
    """Solve the tasks ``jobs`` at a time, each in a separate process.

    Even one job runs in a child process: the child is outside the terminal's process group,
    so Ctrl-C reaches only this process, which stops the searches through an event and
    collects their best plans. ``pool``: processes kept open (:meth:`LocalPool.kept`) to use
    instead of starting new ones.

    Returns:
        The outcomes by task index (tasks skipped after Ctrl-C are missing), and whether the
        run was interrupted.
    """
    outcomes: dict[int, TaskOutcome] = {}
    if not tasks:
        return outcomes, False
    if pool is not None:
        return outcomes, _solve_in(pool.executor, pool.stop, tasks, outcomes, on_done)
    jobs = max(1, min(jobs, len(tasks)))
    # spawn: a fresh interpreter per process, never a fork of a process holding solver threads
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(stop,)
    ) as executor:
        interrupted = _solve_in(executor, stop, tasks, outcomes, on_done)
    return outcomes, interrupted


def _solve_in(
    executor: ProcessPoolExecutor,
    stop: Any,
    tasks: list[ScenarioTask],
    outcomes: dict[int, TaskOutcome],
    on_done: OnDone | None,
) -> bool:
    """Solve the tasks in ``executor``'s processes; True when Ctrl-C interrupted them."""
    futures: dict[Future[TaskOutcome], ScenarioTask] = {
        executor.submit(_solve_in_worker, task): task for task in tasks
    }
    try:
        for future in as_completed(futures):
            _collect(future, futures[future], outcomes, on_done)
    except KeyboardInterrupt:
        stop.set()
        for future in futures:
            future.cancel()
        for future, task in futures.items():
            if task.index not in outcomes and not future.cancelled():
                _collect(future, task, outcomes, on_done)
        return True
    return False


def _collect(
    future: Future[TaskOutcome],
    task: ScenarioTask,
    outcomes: dict[int, TaskOutcome],
    on_done: OnDone | None,
) -> None:
    try:
        outcome = future.result()
    except CancelledError:
        return
    except Exception as exc:  # a crashed worker process must not lose the other tasks
        outcome = TaskOutcome(task.index, "failed", [f"{type(exc).__name__}: {exc}"])
    record_outcome(outcome, outcomes, on_done)


def record_outcome(
    outcome: TaskOutcome,
    outcomes: dict[int, TaskOutcome],
    on_done: OnDone | None,
) -> None:
    """Keep an outcome by its task's index and tell ``on_done``."""
    outcomes[outcome.index] = outcome
    if on_done is not None:
        on_done(outcome)
