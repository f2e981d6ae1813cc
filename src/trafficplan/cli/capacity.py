"""``trafficplan capacity``: one solve per point of a grid; table, chart or heatmap, and the
smallest values that reach the target."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.errors import UsageError

if TYPE_CHECKING:
    from trafficplan.scenarios.capacity import PointResult, SweepResult

BAR_WIDTH = 40
EIGHTHS = " ▏▎▍▌▋▊▉"
HEAT = ("on grey30", "on dark_red", "on dark_orange3", "on yellow4", "on chartreuse4")
"""Cell backgrounds of the heatmap, from the fewest officers trained to the most."""
REACHED = "bold white on green4"


@app.command()
@common.error_boundary
def capacity(
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            metavar="KEY=A..B[:STEP]",
            help="A key to vary and its values, A and B included: integers (step 1), "
            "decimals, or dates (step 1d; e.g. window.end=2008-09-15..2008-10-31:7d). "
            "Repeat for a grid of every combination.",
        ),
    ] = None,
    target: Annotated[
        str,
        typer.Option(
            "--target",
            metavar="officers_trained=all|N",
            help="What a point must reach: every officer trained, or at least N.",
        ),
    ] = "officers_trained=all",
    set_: common.SetOption = None,
    drop: common.DropOption = None,
    data: common.DataOption = common.DEFAULT_DATA,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", min=0.1, help="Seconds for each point's solve."),
    ] = 60.0,
    seed: common.SeedOption = 0,
    workers: common.SweepWorkersOption = None,
    jobs: common.JobsOption = None,
    scheduler: common.SchedulerOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            metavar="DIR",
            help="Write DIR/points.csv (one row per point), one plan per point "
            "(plan-<values>.json) and, for two keys, heatmap.csv.",
        ),
    ] = None,
    as_json: common.JsonOption = False,
) -> None:
    """Solve one scenario per point (every combination of the --vary values, with the --set
    and --drop edits applied to each); print each point's objectives, a chart (one key) or a
    heatmap (two keys) of officers trained, and the smallest values that reach the target."""
    from trafficplan.inputs import build_data, read_raw
    from trafficplan.scenarios.capacity import make_grid, parse_target, parse_vary, run_grid
    from trafficplan.scenarios.runs import SweepSettings

    if not vary:
        raise UsageError("capacity needs at least one --vary KEY=A..B[:STEP]")
    common.sweep_outputs(jobs, scheduler, out_dir)
    grid = make_grid([parse_vary(text) for text in vary])
    goal = parse_target(target)
    raw = read_raw(data)
    common.note_attendance_ignored(data, "capacity")
    build_data(raw)  # the data folder must be valid before any point is tried

    title = f"capacity {', '.join(grid.keys)}"
    with (
        common.sweep_runner(scheduler, jobs) as (runner, local_jobs, _),
        common.sweep_progress(title, len(grid)) as bar,
    ):
        result = run_grid(
            raw,
            grid,
            goal,
            runner,
            SweepSettings(tuple(set_ or []), tuple(drop or []), time_limit, seed, workers),
            jobs=local_jobs,
            on_done=lambda point: bar.solved(point.label, point.status),
        )
    if out_dir is not None:
        from trafficplan.scenarios.sweepfiles import write_sweep

        write_sweep(result, out_dir)
    common.finish_sweep(
        result.to_json,
        lambda console: _render(console, result),
        out_dir,
        as_json,
        "Interrupted: points not finished are marked 'not run'." if result.interrupted else None,
    )


def _render(console: Console, result: SweepResult) -> None:
    from trafficplan.plan.levels import given_notes

    console.print(_table(result))
    for note in given_notes(p.objectives for p in result.points if p.metrics):
        console.print(f"Note: {note}.", markup=False, soft_wrap=True)
    costs = _cost_table(result)
    if costs is not None:
        console.print(costs)
    if len(result.keys) == 1:
        console.print(_chart(result))
    elif len(result.keys) == 2:
        # the heading outside the table: inside, it would wrap to the table's narrow width
        rows_key, columns_key = result.keys
        console.print(
            f"[italic]Officers trained by {rows_key} (rows) and {columns_key} (columns)[/]"
        )
        console.print(_heatmap(result))
        console.print(f"Green: reaches {result.target}; *: a smallest combination.")
    _answer(console, result)
    for line in result.warnings():
        console.print(f"[yellow]Note:[/] {line}.")
    unproven = result.unproven_below
    if unproven:
        listed = ", ".join(p.label for p in unproven)
        console.print(
            f"Not proven below it: {listed} missed the target without proof (status "
            "feasible or unknown); more --time-limit might move the answer down."
        )
    # one line per distinct reason, naming every point it applies to
    points_by_reason: dict[tuple[str, str], list[str]] = {}
    for point in result.points:
        if point.status in ("invalid", "infeasible", "failed") and point.reasons:
            points_by_reason.setdefault((point.status, point.reasons[0]), []).append(point.label)
    for (status, reason), labels in points_by_reason.items():
        console.print(f"{', '.join(labels)}: {status}: {reason}", markup=False)


def _answer(console: Console, result: SweepResult) -> None:
    keys = result.keys
    smallest = result.smallest_combinations
    if len(keys) == 1:
        answer = result.smallest_reaching
        if answer is None:
            console.print(f"[bold yellow]No value of {keys[0]} reaches {result.target}.[/]")
            return
        console.print(
            f"[bold green]The smallest value of {keys[0]} that reaches "
            f"{result.target} is {answer.values[0]}[/] ({_trained(answer)} officers trained)."
        )
        return
    if not smallest:
        console.print(
            f"[bold yellow]No combination of {', '.join(keys)} reaches {result.target}.[/]"
        )
        return
    console.print(
        f"[bold green]The smallest combinations that reach {result.target}[/] "
        "(no other point that reaches it is smaller or equal in every key):"
    )
    for point in smallest:
        values = ", ".join(f"{key}={value}" for key, value in zip(keys, point.values, strict=True))
        console.print(f"  {values} ({_trained(point)} officers trained)", markup=False)


def _trained(point: PointResult) -> str:
    return f"{point.metrics['officers_trained']:,}" if point.metrics else "0"


def _table(result: SweepResult) -> Table:
    """One row per point; ``load`` is max_trainer_sessions (the busiest trainer's sessions)."""
    table = Table(title=f"capacity: {', '.join(result.keys)}", title_justify="left")
    if len(result.keys) == 1:
        table.add_column("value", no_wrap=True)
    else:
        for key in result.keys:
            # one line per segment, folded only if a segment is still too long: the values
            # below are short, and the metrics should keep their width
            table.add_column(_stacked(key), overflow="fold")
    for column in ("trained", "sessions", "cost EUR", "load", "status", "secs"):
        table.add_column(column, justify="left" if column == "status" else "right", no_wrap=True)
    for point in result.points:
        metrics = point.metrics
        reached = result.target.reached(metrics)
        trained = (
            f"{metrics['officers_trained']:,}/{metrics['officers_total']:,}" if metrics else "-"
        )
        table.add_row(
            *point.values,
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
        point.label: point.metrics.get("cost_components") or {}
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
        own = parts.get(point.label)
        cells = [f"{own.get(name, 0.0):,.2f}" if own is not None else "-" for name in shown]
        table.add_row(point.label, *cells)
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
            chart.add_row(point.values[0], "", point.status)
            continue
        trained = point.metrics["officers_trained"]
        bar = _bar(trained / scale, BAR_WIDTH)
        colour = "green" if result.target.reached(point.metrics) else "cyan"
        chart.add_row(point.values[0], f"[{colour}]{bar}[/]", f"{trained:,}")
    return chart


def _bar(fraction: float, width: int) -> str:
    """A bar of ``fraction`` x ``width`` cells, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def _stacked(key: str) -> str:
    """A dotted key as a column header, one segment a line."""
    return key.replace(".", ".\n")


def _heatmap(result: SweepResult) -> Table:
    """Officers trained for two keys: rows are the first key's values, columns the second's.

    A cell's shade is the share of officers trained; a cell that reaches the target is green,
    and ``*`` marks the smallest combinations. A point without a plan shows its status.
    """
    rows_sweep, columns_sweep = result.grid.sweeps
    smallest = {p.coords for p in result.smallest_combinations}
    by_coords = {p.coords: p for p in result.points}
    heatmap = Table(padding=(0, 1))
    heatmap.add_column(_stacked(rows_sweep.key), overflow="fold")
    for value in columns_sweep.values:
        heatmap.add_column(columns_sweep.text(value), justify="right", no_wrap=True)
    for i, value in enumerate(rows_sweep.values):
        cells: list[Text | str] = [rows_sweep.text(value)]
        for j in range(len(columns_sweep.values)):
            point = by_coords[(i, j)]
            cells.append(_heat_cell(result, point, point.coords in smallest))
        heatmap.add_row(*cells)
    return heatmap


def _heat_cell(result: SweepResult, point: PointResult, smallest: bool) -> Text:
    metrics = point.metrics
    if metrics is None:
        return Text(point.status, style="dim")
    trained = metrics["officers_trained"]
    text = f"{trained:,}" + ("*" if smallest else " ")
    if result.reaches(point):
        return Text(text, style=REACHED)
    total = metrics["officers_total"] or 1
    shade = HEAT[min(len(HEAT) - 1, int(len(HEAT) * trained / total))]
    return Text(text, style=f"white {shade}")
