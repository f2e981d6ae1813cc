"""``trafficplan capacity``: one solve per value of a key; table, chart, and the threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trafficplan.cli.app import app
from trafficplan.cli.common import (
    DEFAULT_DATA,
    DataOption,
    JsonOption,
    SeedOption,
    error_boundary,
    print_json,
    stderr_console,
    stdout_console,
)
from trafficplan.errors import ExitCode

if TYPE_CHECKING:
    from trafficplan.scenarios.capacity import PointResult, SweepResult

BAR_WIDTH = 40
EIGHTHS = " ▏▎▍▌▋▊▉"


@app.command()
@error_boundary
def capacity(
    vary: Annotated[
        str,
        typer.Option(
            "--vary",
            metavar="KEY=A..B[:STEP]",
            help="The key to vary and its values, A and B included: integers (step 1), "
            "decimals, or dates (step 1d; e.g. window.end=2008-09-15..2008-10-31:7d).",
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            metavar="officers_trained=all|N",
            help="What a value must reach: every officer trained, or at least N.",
        ),
    ] = "officers_trained=all",
    data: DataOption = DEFAULT_DATA,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", min=0.1, help="Seconds for each value's solve."),
    ] = 60.0,
    seed: SeedOption = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Search workers of each solve (default: CPU cores / jobs, at least 1).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="Values solved at the same time, each in its own process (default: CPU "
            "cores / 2, at least 1, so that each solve keeps two workers).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Solve one scenario per value of a key; print each value's objectives, a chart of
    officers trained, and the smallest value that reaches the target."""
    from trafficplan.inputs import build_data, read_raw
    from trafficplan.scenarios.capacity import parse_target, parse_vary, run_sweep
    from trafficplan.scenarios.runs import parallel_jobs

    sweep = parse_vary(vary)
    goal = parse_target(target)
    raw = read_raw(data)
    build_data(raw)  # the baseline must be valid before any value is tried

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        transient=True,
    )
    with progress:
        task = progress.add_task(f"capacity {sweep.key}", total=len(sweep.values))

        def on_done(point: PointResult) -> None:
            progress.advance(task)
            progress.update(
                task, description=f"capacity {sweep.key} ({point.value}: {point.status})"
            )

        result = run_sweep(
            raw,
            sweep,
            goal,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            jobs=jobs or parallel_jobs(),
            on_done=on_done,
        )
    if as_json:
        print_json(result.to_json())
    else:
        _render(stdout_console(), result)
    if result.interrupted:
        stderr_console().print("Interrupted: values not solved are marked 'not run'.")
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def _render(console: Console, result: SweepResult) -> None:
    console.print(_table(result))
    costs = _cost_table(result)
    if costs is not None:
        console.print(costs)
    console.print(_chart(result))
    answer = result.smallest_reaching
    if answer is None:
        console.print(f"[bold yellow]No value of {result.sweep.key} reaches {result.target}.[/]")
    else:
        console.print(
            f"[bold green]The smallest value of {result.sweep.key} that reaches "
            f"{result.target} is {answer.value}[/] "
            f"({answer.metrics['officers_trained'] if answer.metrics else 0:,} officers trained)."
        )
    unproven = result.unproven_below
    if unproven:
        listed = ", ".join(p.value for p in unproven)
        console.print(
            f"Not proven below it: {listed} missed the target without proof (status "
            "feasible or unknown); more --time-limit might move the answer down."
        )
    # one line per distinct reason, naming every value it applies to
    values_by_reason: dict[tuple[str, str], list[str]] = {}
    for point in result.points:
        if point.status in ("invalid", "infeasible", "error") and point.reasons:
            values_by_reason.setdefault((point.status, point.reasons[0]), []).append(point.value)
    for (status, reason), values in values_by_reason.items():
        console.print(f"{', '.join(values)}: {status}: {reason}", markup=False)


def _table(result: SweepResult) -> Table:
    """One row per value; ``load`` is max_trainer_sessions (the busiest trainer's sessions)."""
    table = Table(title=f"capacity: {result.sweep.key}", title_justify="left")
    table.add_column("value", no_wrap=True)
    for column in ("trained", "sessions", "cost EUR", "load", "status", "secs"):
        table.add_column(column, justify="left" if column == "status" else "right", no_wrap=True)
    for point in result.points:
        metrics = point.metrics
        reached = result.target.reached(metrics)
        trained = (
            f"{metrics['officers_trained']:,}/{metrics['officers_total']:,}" if metrics else "-"
        )
        table.add_row(
            point.value,
            f"[green]{trained}[/]" if reached else trained,
            f"{metrics['sessions']:,}" if metrics else "-",
            f"{metrics['cost_eur']:,.2f}" if metrics else "-",
            f"{metrics['max_trainer_sessions']:,}" if metrics else "-",
            point.status,
            f"{point.seconds:.1f}",
        )
    return table


def _cost_table(result: SweepResult) -> Table | None:
    """One row per value: its plan's cost by component (EUR), the components that cost
    something at some value only; None when no value has a plan."""
    from trafficplan.inputs.problem import COST_COMPONENT_LABELS, COST_COMPONENTS

    parts = {
        point.value: point.metrics.get("cost_components") or {}
        for point in result.points
        if point.metrics
    }
    shown = [name for name in COST_COMPONENTS if any(p.get(name) for p in parts.values())]
    if not parts or not shown:
        return None
    table = Table(title="cost by component (EUR)", title_justify="left")
    table.add_column("value", no_wrap=True)
    for name in shown:
        table.add_column(COST_COMPONENT_LABELS[name].lower(), justify="right")
    for point in result.points:
        own = parts.get(point.value)
        cells = [f"{own.get(name, 0.0):,.2f}" if own is not None else "-" for name in shown]
        table.add_row(point.value, *cells)
    return table


def _chart(result: SweepResult) -> Table:
    """A horizontal bar per value: officers trained, scaled to the most officers of any value."""
    scale = max(
        (p.metrics["officers_total"] for p in result.points if p.metrics),
        default=0,
    )
    chart = Table(
        title="officers trained", title_justify="left", show_header=False, box=None, padding=(0, 1)
    )
    chart.add_column(justify="right")
    chart.add_column(no_wrap=True)
    chart.add_column(justify="right")
    for point in result.points:
        if point.metrics is None or scale == 0:
            chart.add_row(point.value, "", point.status)
            continue
        trained = point.metrics["officers_trained"]
        bar = _bar(trained / scale, BAR_WIDTH)
        colour = "green" if result.target.reached(point.metrics) else "cyan"
        chart.add_row(point.value, f"[{colour}]{bar}[/]", f"{trained:,}")
    return chart


def _bar(fraction: float, width: int) -> str:
    """A bar of ``fraction`` x ``width`` cells, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")
