"""Solve scenario tasks on an existing Dask distributed cluster (``--scheduler ADDRESS``).

The user starts the scheduler and its workers (``dask scheduler``, ``dask worker``) on machines
where trafficplan is installed; this module only connects a client to the scheduler and uses it
as a ``concurrent.futures``-style executor, as :class:`~trafficplan.scenarios.runs.LocalPool`
uses a process pool:

- a task is plain data: the parsed files are scattered to the workers once per sweep (not once
  per point), and each point is the function :func:`solve_remote` with its edits and settings;
  a worker solves it exactly as a local process would (:func:`~.runs.solve_task`), so for
  points where no level stops at its time limit the results do not depend on where a point ran;
- a point whose task fails (its worker was lost, or it raised) is resubmitted once; a point
  that fails twice is reported ``failed`` and the sweep goes on;
- Ctrl-C sets a cluster-wide event that stops the running searches, cancels every point not
  finished and returns the finished ones, so the workers are free again at once;
- a scheduler that cannot be reached within :data:`CONNECT_SECONDS` is a usage error.

``distributed`` is imported only here, and only when a command is given ``--scheduler``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from types import TracebackType
from typing import TYPE_CHECKING, Any

from trafficplan.errors import UsageError
from trafficplan.inputs.loading import RawData
from trafficplan.scenarios.runs import OnDone, ScenarioTask, TaskOutcome, record_outcome, solve_task

if TYPE_CHECKING:
    from distributed import Client, Future

CONNECT_SECONDS = 8.0
"""How long to try to reach the scheduler: with the start-up of the command, the user has the
answer within 10 s."""

ATTEMPTS = 2
"""A point is submitted at most this often: once, and once more after a failure."""

STOP_POLL_SECONDS = 0.5
"""How often a running search asks the scheduler whether Ctrl-C was pressed."""

REASON_CHARS = 300


def connect(address: str) -> ClusterRunner:
    """Connect to the Dask scheduler at ``address`` (``tcp://host:port`` or ``host:port``).

    Raises:
        UsageError: ``distributed`` is not installed, the address is malformed, or no
            scheduler answers there within :data:`CONNECT_SECONDS` (one line naming it).
    """
    try:
        from distributed import Client
        from distributed.comm import connect as open_comm
    except ImportError:  # pragma: no cover - a declared dependency
        raise UsageError(
            "--scheduler needs the Python package 'distributed' (pip install distributed)"
        ) from None

    async def probe() -> None:
        comm = await open_comm(address, timeout=CONNECT_SECONDS)
        await comm.close()

    # A client that fails to connect spends twice its timeout closing itself when it is
    # collected, and prints a traceback doing so; a bare connection fails cleanly.
    try:
        asyncio.run(probe())
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(
            f"--scheduler {address}: no Dask scheduler could be reached there within "
            f"{CONNECT_SECONDS:g} s ({reason[:120]})"
        ) from None
    return ClusterRunner(client, address)


class ClusterRunner:
    """The workers of a Dask scheduler, as a :class:`~trafficplan.scenarios.runs.PointRunner`.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, client: Client, address: str):
        self._client = client
        self.address = address

    def __enter__(self) -> ClusterRunner:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster itself keeps running)."""
        self._client.close(timeout=5)

    @property
    def workers(self) -> int:
        """How many workers the scheduler has now."""
        return len(self._client.scheduler_info(n_workers=-1).get("workers", {}))

    def run(
        self, tasks: list[ScenarioTask], on_done: OnDone | None = None
    ) -> tuple[dict[int, TaskOutcome], bool]:
        """Solve every task on the cluster's workers.

        Waits for a first worker when the scheduler has none. Ctrl-C stops the running
        searches, cancels the points not finished and returns the finished ones.

        Returns:
            The outcomes by task index (missing: not finished when Ctrl-C came), and whether
            the run was interrupted.
        """
        from distributed import as_completed

        outcomes: dict[int, TaskOutcome] = {}
        if not tasks:
            return outcomes, False
        sweep = uuid.uuid4().hex[:12]
        stop_name = f"trafficplan-stop-{sweep}"
        attempts: dict[int, int] = {}
        running: dict[Future, ScenarioTask] = {}
        shared: dict[int, Future] = {}  # id of a task's files -> their copy on the workers

        def submit(task: ScenarioTask) -> Future:
            files = shared.get(id(task.raw))
            if files is None or files.status != "finished":
                # every worker gets the files, so losing one worker loses no copy
                files = self._client.scatter(task.raw, broadcast=True, hash=False)
                shared[id(task.raw)] = files
            attempt = attempts[task.index] = attempts.get(task.index, 0) + 1
            future = self._client.submit(
                solve_remote,
                files,
                task.index,
                task.sets,
                task.drops,
                task.time_limit,
                task.seed,
                task.workers,
                stop_name,
                task.limits,
                key=f"trafficplan-point-{sweep}-{task.index}-{attempt}",
                pure=False,
                retries=0,
            )
            running[future] = task
            return future

        try:
            self._client.wait_for_workers(1)
            queue = as_completed([submit(task) for task in tasks], loop=self._client.loop)
            for future in queue:
                # popped only once its outcome is in: Ctrl-C while the result is fetched must
                # leave it to _abandon
                task = running[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # a lost worker, or the task raised
                    del running[future]
                    failure: BaseException = exc
                    if attempts[task.index] < ATTEMPTS:
                        try:
                            queue.add(submit(task))
                            continue
                        except Exception as again:  # the scheduler is gone too
                            failure = again
                    reason = _failure(failure, attempts[task.index])
                    outcome = TaskOutcome(task.index, "failed", [reason])
                record_outcome(outcome, outcomes, on_done)
                running.pop(future, None)
        except KeyboardInterrupt:
            self._abandon(running, stop_name, outcomes, on_done)
            return outcomes, True
        return outcomes, False

    def _abandon(
        self,
        running: dict[Future, ScenarioTask],
        stop_name: str,
        outcomes: dict[int, TaskOutcome],
        on_done: OnDone | None,
    ) -> None:
        """Keep the points that finished but were not collected yet; stop and cancel the rest."""
        from distributed import Event

        try:
            Event(stop_name, client=self._client).set()
            for future, task in running.items():
                if future.status == "finished" and task.index not in outcomes:
                    record_outcome(future.result(timeout=5), outcomes, on_done)
            self._client.cancel(list(running), force=True)
        except Exception:  # the scheduler may be gone too: the points are abandoned anyway
            pass


def _failure(exc: BaseException, attempts: int) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > REASON_CHARS:
        text = text[: REASON_CHARS - 3] + "..."
    times = "twice" if attempts == 2 else "once" if attempts == 1 else f"{attempts} times"
    return f"failed {times} on the cluster; last: {type(exc).__name__}: {text}"


def solve_remote(
    raw: RawData,
    index: int,
    sets: tuple[str, ...],
    drops: tuple[str, ...],
    time_limit: float,
    seed: int,
    workers: int | None,
    stop_name: str,
    limits: tuple[tuple[str, float], ...] = (),
) -> TaskOutcome:
    """One point, on a worker: :func:`~.runs.solve_task` with a stop that Ctrl-C on the client
    sets (the event ``stop_name`` on the scheduler)."""
    task = ScenarioTask(
        index, raw, tuple(sets), tuple(drops), time_limit, seed, workers, tuple(limits)
    )
    return solve_task(task, _ClusterStop(stop_name))


class _ClusterStop:
    """The scheduler's event ``name``, as the stop that :func:`~.runs.solve_task` polls.

    Created in the task's thread, where the worker's client is found; polled from the search's
    relay thread. A scheduler that cannot be asked counts as no stop: the search then ends at
    its time limit.
    """

    def __init__(self, name: str):
        from distributed import Event

        self._event: Any = Event(name)
        self._event.client  # noqa: B018 - binds the worker's client while in the task's thread

    def is_set(self) -> bool:
        try:
            return bool(self._event.is_set())
        except Exception:
            return False

    def wait(self, timeout: float) -> bool:
        timeout = max(timeout, STOP_POLL_SECONDS)
        try:
            return bool(self._event.wait(timeout))
        except Exception:
            time.sleep(timeout)
            return False
