"""What every command shares: options, consoles, the error boundary, JSON output, and the live
status line of a search that Ctrl-C stops."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from trafficplan.errors import ExitCode, TrafficplanError, UsageError

if TYPE_CHECKING:
    from trafficplan.inputs.attendance import Attendance
    from trafficplan.inputs.problem import ProblemData
    from trafficplan.plan import Plan
    from trafficplan.scenarios.runs import PointRunner
    from trafficplan.solver import ProgressEvent, SolveOptions

P = ParamSpec("P")
R = TypeVar("R")

PlanArgument = Annotated[
    Path,
    typer.Argument(metavar="PLAN", help="The plan file (plan.json), also a hand-edited one."),
]
"""The plan a command reads (``check``, ``export``, ``report``)."""

DataOption = Annotated[
    Path,
    typer.Option("--data", help="Data folder with the four input files.", show_default=True),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout instead of tables.")
]
TimeLimitOption = Annotated[
    float,
    typer.Option(
        "--time-limit", min=0.1, help="Seconds for the whole search, over all objective levels."
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed of the search.")]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="Parallel search workers (default: CPU cores).")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Change one value (repeatable). KEY is a dotted path such as "
        "sessions.officers.max or trainers.t02.unavailable; VALUE is read as YAML.",
    ),
]
DropOption = Annotated[
    list[str] | None,
    typer.Option(
        "--drop",
        metavar="KEY",
        help="Remove a list item or an optional key (repeatable), e.g. trainers.t02.",
    ),
]
ApplyAlternativeOption = Annotated[
    str | None,
    typer.Option(
        "--apply-alternative",
        metavar="SESSION:KIND=VALUE",
        help="Make one alternative of explain --session the published plan first: "
        "lviv-03:trainer=t05, lviv-03:ngo=ID, lviv-03:venue=ID, lviv-03:date=2008-09-17 "
        "or lviv-03:date=2008-09-17@VENUE.",
    ),
]
SweepWorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Search workers of each solve, with or without --scheduler (default: this "
        "machine's CPU cores / jobs, at least 1).",
    ),
]
"""``--workers`` of a sweep (capacity, tradeoff): the search workers of each of its solves."""
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        min=1,
        help="Solves run at the same time, each in its own process (default: CPU cores / 2, "
        "at least 1, so that each solve keeps two workers). Not with --scheduler.",
    ),
]
"""``--jobs`` of a sweep run on this machine."""
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run the points on the workers of a running Dask scheduler "
        "(tcp://host:8786) instead of local processes.",
    ),
]


class Language(StrEnum):
    """The languages of ``--lang``: what leaves the office (the terminal stays English)."""

    en = "en"
    uk = "uk"


LanguageOption = Annotated[
    Language,
    typer.Option(
        "--lang",
        help="Language of the files written: en (English) or uk (Ukrainian). Ids, file names, "
        "ISO dates and status values are the same in both.",
        case_sensitive=False,
    ),
]
ReportLanguageOption = Annotated[
    Language,
    typer.Option(
        "--lang",
        help="Language of the report: en (English) or uk (Ukrainian), its headings, sentences, "
        "tables, charts, dates and numbers. Ids, file names and the terminal stay as they are.",
        case_sensitive=False,
    ),
]
AttendanceOption = Annotated[
    Path | None,
    typer.Option(
        "--attendance",
        metavar="FILE",
        help="The sign-in sheets of held sessions: the workbook of export --xlsx with its "
        "attendance column filled in (.xlsx), or an attendance CSV (.csv). Default: "
        "attendance.xlsx or attendance.csv in the data folder.",
    ),
]
"""The sign-in sheets a command reads instead of the data folder's (``check``, ``export``,
``report``, ``replan``, ``validate``)."""

DEFAULT_DATA = Path("data")


class WholeCellsConsole(Console):
    """A console that never cuts a table's cell: how every table of the CLI is printed.

    A table that fits the console's width prints as rich lays it out. One that does not:
    redirected (not a terminal: a file, a pipe, a test), it prints at its natural width, every
    cell whole on one line, so a grep finds every number and id. On a terminal, its columns
    that cannot wrap (no_wrap, or no space in any cell: a number, a date, an id) keep their
    full width, and the columns of words share the rest, each at least as wide as its longest
    word; when even that is wider than the terminal, the table is stacked: one block per row,
    a line per column (``header  value``).
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if len(objects) != 1 or not isinstance(objects[0], Table) or "width" in kwargs:
            super().print(*objects, **kwargs)
            return
        table = objects[0]
        width = self._whole_width(table)
        if width is None:
            self._print_stacked(table)
            return
        # rich clamps a print's width to the console's, so widen the console for this table
        detected = self._width
        self.width = width
        try:
            super().print(table, **kwargs)
        finally:
            self._width = detected

    def _whole_width(self, table: Table) -> int | None:
        """The width to print ``table`` at (fixing the widths of its word columns where they
        must wrap), or None when it cannot fit the terminal without cutting a cell."""
        # the measures rich lays tables out with (each column's narrowest and natural width,
        # padding included, and the width of the borders)
        unlimited = self.options.update_width(10_000)
        measures = [table._measure_column(self, unlimited, column) for column in table.columns]
        borders = table._extra_width
        natural = sum(m.maximum for m in measures) + borders
        if natural <= self.width:
            return self.width
        if not self.is_terminal:
            return natural
        wraps = [
            column.width is None and not column.no_wrap and m.minimum < m.maximum
            for column, m in zip(table.columns, measures, strict=True)
        ]
        fixed = sum(m.maximum for m, wrap in zip(measures, wraps, strict=True) if not wrap)
        floor = sum(m.minimum for m, wrap in zip(measures, wraps, strict=True) if wrap)
        if fixed + floor + borders > self.width:
            return None
        spare = self.width - borders - fixed - floor
        slack = sum(m.maximum - m.minimum for m, wrap in zip(measures, wraps, strict=True) if wrap)
        for column, m, wrap in zip(table.columns, measures, wraps, strict=True):
            if not wrap:
                column.no_wrap = True  # nothing to wrap at: never shrink it
                continue
            share = (m.maximum - m.minimum) * spare // slack
            column.width = m.minimum + share - table._get_padding_width(column._index)
        return self.width

    def _print_stacked(self, table: Table) -> None:
        """``table`` as one block per row, a line per column: its header, then its cell."""
        if table.title:
            super().print(table.title, style="table.title")
        headers = [column.header for column in table.columns]
        rows = zip(*(list(column.cells) for column in table.columns), strict=True)
        for row in rows:
            block = Table.grid(padding=(0, 2))
            block.add_column(style="bold", no_wrap=True)
            block.add_column(overflow="fold")
            for header, cell in zip(headers, row, strict=True):
                block.add_row(header, cell)
            super().print(block)
            super().print()


def stdout_console() -> Console:
    """Console for human output on stdout (tables printed whole: :class:`WholeCellsConsole`)."""
    return WholeCellsConsole(highlight=False)


def stderr_console() -> Console:
    """Console for errors, warnings and progress on stderr."""
    return WholeCellsConsole(stderr=True, highlight=False)


def output_file(path: Path, option: str, example: str = "plan.json") -> Path:
    """Check, before any work, that a file can be written at ``path`` (spec 7.6).

    Whatever the command writes there goes through a temp file in the same folder and a
    rename (``atomic.py``), so the test is the same: the folder must exist or be creatable,
    and a file must be creatable in it; ``path`` itself must not be a folder.

    Args:
        path: the file the command will write.
        option: the option that named it (``--out``), for the message.
        example: a file name to suggest when ``path`` is a folder ("": none, for a file
            whose name the command derives).

    Raises:
        UsageError: one line naming the path and what is wrong (exit 2).
    """
    if path.is_dir():
        hint = f"; give a file name such as {path / example}" if example else ""
        raise UsageError(f"{option} {path}: is a folder{hint}")
    _creatable(path.parent, option, path)
    return path


def output_folder(path: Path, option: str) -> Path:
    """Check, before any work, that files can be written into the folder ``path``, which is
    created if needed (spec 7.6).

    Raises:
        UsageError: one line naming the path and what is wrong (exit 2).
    """
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path}: is a file, not a folder")
    _creatable(path, option, path)
    return path


def _creatable(folder: Path, option: str, named: Path) -> None:
    """Raise a UsageError unless files can be written into ``folder`` (created if missing):
    the nearest folder that exists must be a folder, and a probe file or folder made and
    removed there (what the writers will do; the access bits alone mislead, e.g. for root
    or on read-only mounts)."""
    import tempfile

    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{option} {named}: {existing} is a file, not a folder")
    try:
        if existing == folder:
            handle, probe = tempfile.mkstemp(prefix=".trafficplan-probe-", dir=existing)
            os.close(handle)
            os.unlink(probe)
        else:
            os.rmdir(tempfile.mkdtemp(prefix=".trafficplan-probe-", dir=existing))
    except OSError as exc:
        what = "file" if existing == folder else "folder"
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            f"{option} {named}: cannot be written: no {what} can be created in {existing} "
            f"({reason})"
        ) from None


def print_json(document: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(lines: list[str], code: ExitCode) -> typer.Exit:
    """Print ``Error:`` lines on stderr and return the ``typer.Exit`` to raise."""
    console = stderr_console()
    for line in lines:
        # The message is plain text (it may quote file names holding "[...]"), never markup.
        console.print("Error:", style="bold red", end=" ", markup=False, emoji=False)
        console.print(line, markup=False, soft_wrap=True, emoji=False)
    return typer.Exit(int(code))


def error_boundary(func: Callable[P, R]) -> Callable[P, R]:
    """Turn user-caused errors into one-line messages and the documented exit codes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TrafficplanError as exc:
            raise fail(exc.lines(), exc.exit_code) from None
        except KeyboardInterrupt:
            stderr_console().print("Interrupted.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    return wrapper


class SearchStatus:
    """The text of a search's live status line; its methods may be called from any thread
    (the solver reports progress from its own)."""

    def __init__(self, text: str, label: str = "") -> None:
        self._label = label
        self.line = Text()
        self.show(text)

    def show(self, text: str) -> None:
        """Show ``text``, e.g. the stage the work is in."""
        self.line.plain = f"{self._label}: {text}" if self._label else text

    def progress(self, event: ProgressEvent) -> None:
        """Show a solver progress event: elapsed time, level, best value and bound."""
        unit = " EUR" if event.level == "cost_eur" else ""
        self.show(
            f"{event.elapsed:6.1f}s  level {event.level_index + 1}/{event.levels} "
            f"{event.level}: best {_number(event.value)}{unit} bound {_number(event.bound)}{unit}"
        )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def seconds_since_process_start() -> float:
    """Seconds since this process started (its creation time as the system records it)."""
    import psutil

    return max(0.0, time.time() - psutil.Process().create_time())


@contextmanager
def live_search(
    options: SolveOptions, text: str = "building the model…", *, label: str = ""
) -> Iterator[SearchStatus]:
    """Run a search with a live status line on stderr, stopped by Ctrl-C.

    Inside the block, ``options.progress`` updates the line (elapsed, level, best value,
    bound) and Ctrl-C sets ``options.stop``: the search stops and the solver returns the best
    plan it has. On exit the line disappears and the previous SIGINT handler is back.

    Args:
        options: the search's options.
        text: the line until the first progress event.
        label: put before every line (``baseline: …``) when several searches run in turn.
    """
    status = SearchStatus(text, label)
    options.progress = status.progress
    previous = signal.signal(signal.SIGINT, lambda *_: options.stop.set())
    try:
        with Live(
            Spinner("dots", status.line),
            console=stderr_console(),
            transient=True,
            refresh_per_second=8,
            redirect_stdout=False,
        ):
            yield status
    finally:
        signal.signal(signal.SIGINT, previous)


def attendance_input(path: Path | None) -> Path | None:
    """Check, before any work, that ``--attendance FILE`` names a ``.xlsx`` or ``.csv`` file.

    Raises:
        UsageError: another kind of file (exit 2).
    """
    if path is not None and path.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(
            f"--attendance {path}: give the workbook sent back (.xlsx) or an attendance CSV (.csv)"
        )
    return path


def read_plan_and_data(plan_path: Path, folder: Path) -> tuple[Plan, ProblemData]:
    """The plan file and the data it was made from: ``folder`` with the plan's recorded edits
    applied.

    Raises:
        PlanFileError: the plan is unreadable, or names ids the data do not know (exit 3).
        InputError: the folder is invalid, or a recorded edit no longer applies to it.
    """
    from trafficplan.plan import read_plan, require_known_ids
    from trafficplan.scenarios.edits import load_data_for_plan

    plan = read_plan(plan_path)
    data = load_data_for_plan(folder, plan)
    require_known_ids(plan, data, str(plan_path))
    return plan, data


def read_plan_inputs(
    plan_path: Path, folder: Path, attendance_path: Path | None
) -> tuple[Plan, ProblemData, Attendance | None]:
    """The plan file, the data it was made from (:func:`read_plan_and_data`) and the sign-in
    sheets of its held sessions: ``--attendance FILE``, else the folder's, or None when there
    are none.

    Raises:
        UsageError: ``--attendance`` names neither a ``.xlsx`` nor a ``.csv`` file (exit 2).
        PlanFileError: the plan is unreadable, or names ids the data do not know (exit 3).
        InputError: the folder or the sign-in sheets are invalid.
    """
    from trafficplan.inputs.attendance import read_plan_attendance

    attendance_input(attendance_path)
    plan, data = read_plan_and_data(plan_path, folder)
    return plan, data, read_plan_attendance(folder, data, plan, given=attendance_path)


def note_attendance_ignored(folder: Path, command: str) -> None:
    """Say on stderr, in one line, that the folder's attendance file plays no part in this
    command."""
    from trafficplan.inputs.attendance import ATTENDANCE_FILES

    for name in ATTENDANCE_FILES:
        if (Path(folder) / name).is_file():
            stderr_console().print(
                f"Note: {command} ignores {name} (it records sessions held; "
                "`trafficplan replan` and `check` use it).",
                highlight=False,
            )


class SweepBar:
    """The progress bar of one sweep: how many of its solves are done, and the status of the
    last one."""

    def __init__(self, progress: Progress, title: str, description: str, total: int) -> None:
        self._progress = progress
        self._title = title
        self._task = progress.add_task(description, total=total)

    def expect(self, total: int) -> None:
        """The sweep now has ``total`` solves in all."""
        self._progress.update(self._task, total=total)

    def solved(self, label: str, status: str) -> None:
        """One more solve finished: count it, and show its label and status."""
        self._progress.advance(self._task)
        self._progress.update(self._task, description=f"{self._title} ({label}: {status})")


@contextmanager
def sweep_progress(title: str, total: int, description: str | None = None) -> Iterator[SweepBar]:
    """The progress bar of a sweep of solves (``capacity``, ``tradeoff``) on stderr: a
    description (``description``, else ``title``, until a solve finishes; then ``title`` with
    that solve), the bar, done of ``total``, elapsed; gone when the sweep ends."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    ) as progress:
        yield SweepBar(progress, title, description or title, total)


def sweep_outputs(jobs: int | None, scheduler: str | None, out_dir: Path | None) -> None:
    """Check, before any work, where a sweep (``capacity``, ``tradeoff``) runs and writes:
    ``--jobs`` counts local processes, which a scheduler does not use, and files must be
    writable into ``--out-dir``.

    Raises:
        UsageError: ``--jobs`` with ``--scheduler``, or an ``--out-dir`` that cannot be
            written (exit 2).
    """
    if scheduler is not None and jobs is not None:
        raise UsageError("--jobs is for local processes; with --scheduler the workers decide")
    if out_dir is not None:
        output_folder(out_dir, "--out-dir")


@contextmanager
def sweep_runner(scheduler: str | None, jobs: int | None) -> Iterator[tuple[PointRunner, int, int]]:
    """Run a sweep's solves on the workers of the Dask scheduler at ``scheduler``, else in
    ``jobs`` local processes (default :func:`~trafficplan.scenarios.runs.parallel_jobs`).

    Yields:
        The runner, the number of local processes and how many solves may run at once
        (:func:`sweep_slots`).
    """
    from trafficplan.scenarios.runs import parallel_jobs, point_runner

    local_jobs = jobs or parallel_jobs()
    with point_runner(scheduler, local_jobs) as runner:
        yield runner, local_jobs, sweep_slots(runner, scheduler, local_jobs)


def sweep_slots(runner: PointRunner, scheduler: str | None, local_jobs: int) -> int:
    """How many solves of a sweep may run at once: a cluster's workers (at least one) when
    a scheduler runs them, else the local processes. Says on stderr when the scheduler has
    no workers yet (not an error: the solves wait until one joins)."""
    from trafficplan.scenarios.cluster import ClusterRunner

    if scheduler is None or not isinstance(runner, ClusterRunner):
        return local_jobs
    if runner.workers == 0:
        stderr_console().print(
            f"The scheduler at {scheduler} has no workers yet: the solves wait until one joins.",
            markup=False,
        )
    return max(1, runner.workers)


def finish_sweep(
    document: Callable[[], Any],
    render: Callable[[Console], None],
    out_dir: Path | None,
    as_json: bool,
    interrupted: str | None,
) -> None:
    """A sweep's output once its files are written: the JSON ``document()`` or the human
    ``render`` and where the files went; then, if it was ``interrupted`` (that line, on
    stderr), exit with the interrupted code."""
    if as_json:
        print_json(document())
    else:
        render(stdout_console())
        if out_dir is not None:
            stdout_console().print(
                f"Points and plans written to {out_dir}.", markup=False, soft_wrap=True
            )
    if interrupted is not None:
        stderr_console().print(interrupted)
        raise typer.Exit(int(ExitCode.INTERRUPTED))
