"""``trafficplan tradeoff X Y``: the efficient frontier between two objectives; a table, a
terminal chart, ``--json`` and ``--out-dir``."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from trafficplan.cli import common
from trafficplan.cli.app import app

if TYPE_CHECKING:
    from trafficplan.scenarios.tradeoff import TradeoffPoint, TradeoffResult

CHART_WIDTH = 48
CHART_HEIGHT = 12


@app.command()
@common.error_boundary
def tradeoff(
    x: Annotated[
        str,
        typer.Argument(
            metavar="X",
            help="The objective to make as good as possible for each value of Y "
            "(officers_trained, cost_eur, max_trainer_sessions, travel_km, trainer_spread, "
            "min_district_share, ngo_spread).",
            show_default=False,
        ),
    ],
    y: Annotated[
        str,
        typer.Argument(
            metavar="Y",
            help="The objective to step from its best value to its value at X's optimum.",
            show_default=False,
        ),
    ],
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            metavar="S",
            help="Distance between two values of Y (default 1; needed for cost_eur, "
            "travel_km and min_district_share).",
        ),
    ] = None,
    set_: common.SetOption = None,
    drop: common.DropOption = None,
    data: common.DataOption = common.DEFAULT_DATA,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=1.0,
            help="Seconds for the whole frontier, shared out over its solves.",
        ),
    ] = 300.0,
    seed: common.SeedOption = 0,
    workers: common.SweepWorkersOption = None,
    jobs: common.JobsOption = None,
    scheduler: common.SchedulerOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            metavar="DIR",
            help="Write DIR/points.csv (one row per efficient point) and each point's plan "
            "(plan-<Y value>.json).",
        ),
    ] = None,
    as_json: common.JsonOption = False,
) -> None:
    """The efficient frontier between two objectives: for each value of Y from its best to its
    value at X's optimum, the best X (and the best Y with that X). The objectives listed
    before both X and Y in constraints.yaml keep their optimum (within their tolerances)."""
    from trafficplan.inputs import build_data, read_raw
    from trafficplan.scenarios.edits import apply_scenario
    from trafficplan.scenarios.runs import SweepSettings
    from trafficplan.scenarios.tradeoff import make_axes, run_tradeoff

    axes = make_axes(x, y, step)
    common.sweep_outputs(jobs, scheduler, out_dir)
    raw = read_raw(data)
    common.note_attendance_ignored(data, "tradeoff")
    # the data, with the base edits, must be valid before anything is solved
    build_data(apply_scenario(raw, list(set_ or []), list(drop or [])).raw)

    title = f"tradeoff {axes.x} against {axes.y}"
    with (
        common.sweep_runner(scheduler, jobs) as (runner, _, slots),
        common.sweep_progress(title, 2, f"{title}: the two ends") as bar,
    ):
        result = run_tradeoff(
            raw,
            axes,
            runner,
            SweepSettings(tuple(set_ or []), tuple(drop or []), time_limit, seed, workers),
            slots=slots,
            on_point=lambda point: bar.solved(_solve_label(point), point.status),
            on_phase=lambda count: bar.expect(2 + count),
        )
    if out_dir is not None:
        from trafficplan.scenarios.tradeoff import write_frontier

        write_frontier(result, out_dir)
    common.finish_sweep(
        lambda: result.to_json(plan_files=out_dir is not None),
        lambda console: _render(console, result),
        out_dir,
        as_json,
        "Interrupted: the frontier shows the solves that finished." if result.interrupted else None,
    )


def _solve_label(point: TradeoffPoint) -> str:
    if point.limit is None:
        return "best Y" if point.role == "Y first" else "best X"
    return f"limit {point.limit}"


def _render(console: Console, result: TradeoffResult) -> None:
    from trafficplan.plan.levels import given_notes
    from trafficplan.scenarios.tradeoff import value_shown

    if any(getattr(item, "tolerance", None) is not None for item in result.held):
        held = ", ".join(
            _held_text(item) + ("" if getattr(item, "tolerance", None) else " at its optimum")
            for item in result.held
        )
        line = f"Held before {result.x} and {result.y}: {held}."
    else:
        line = f"Held at their optimum: {', '.join(_held_text(i) for i in result.held) or 'none'}."
    console.print(line, markup=False, soft_wrap=True)
    points = result.points
    if not points:
        console.print("[bold yellow]No point of the frontier was found.[/]")
    else:
        console.print(_table(result))
        for note in given_notes(p.plan.objectives for p in points if p.plan is not None):
            console.print(f"Note: {note}.", markup=False, soft_wrap=True)
        console.print(_chart(result))
        best_y, best_x = points[0], points[-1]
        console.print(
            f"{len(points)} efficient point(s): from the best {result.y} "
            f"({value_shown(result.y, best_y.y_value or 0)}, with {result.x} "
            f"{value_shown(result.x, best_y.x_value or 0)}) to the best {result.x} "
            f"({value_shown(result.x, best_x.x_value or 0)}, with {result.y} "
            f"{value_shown(result.y, best_x.y_value or 0)}).",
            markup=False,
            soft_wrap=True,
        )
    unproven = [p for p in points if not p.proven]
    if unproven:
        console.print(
            f"{len(unproven)} point(s) not proven (see gap): more --time-limit might move them.",
            markup=False,
        )
    for point in result.short:
        short = result.held_short(point)
        assert short is not None
        name, value, best = short
        console.print(
            f"{_solve_label(point)}: left out: its plan has {name} {value} where other solves "
            f"reached {best} (not solved to the end in time; more --time-limit might help).",
            markup=False,
            soft_wrap=True,
        )
    for point in result.unsolved:
        reason = point.reasons[0] if point.reasons else ""
        console.print(
            f"{_solve_label(point)}: {point.status}" + (f": {reason}" if reason else ""),
            markup=False,
            soft_wrap=True,
        )


def _held_text(item: object) -> str:
    name = getattr(item, "name", str(item))
    tolerance = getattr(item, "tolerance", None)
    return name if tolerance is None else f"{name} within {tolerance} of its optimum"


def _table(result: TradeoffResult) -> Table:
    from trafficplan.plan.levels import gap_cell
    from trafficplan.scenarios.tradeoff import value_shown

    table = Table(title=f"tradeoff: {result.x} against {result.y}", title_justify="left")
    table.add_column(result.y, justify="right", no_wrap=True)
    table.add_column(result.x, justify="right", no_wrap=True)
    for column in ("proven", "gap", "sessions", "trainers used"):
        table.add_column(column, justify="right", no_wrap=True)
    for point in result.points:
        gap = point.gap
        table.add_row(
            value_shown(result.y, point.y_value or 0),
            value_shown(result.x, point.x_value or 0),
            "yes" if point.proven else "[yellow]no[/]",
            gap_cell(gap),
            f"{point.sessions:,}",
            f"{point.trainers_used:,}",
        )
    return table


def _chart(result: TradeoffResult) -> Text:
    """The frontier as a step chart in text: Y across (its best on the left), X up."""
    from trafficplan.scenarios.tradeoff import value_shown

    points = result.points
    ys = [p.y_value or 0.0 for p in points]
    xs = [p.x_value or 0.0 for p in points]
    y_low, y_high = min(ys), max(ys)
    x_low, x_high = min(xs), max(xs)
    y_left, y_right = (y_high, y_low) if result.axes.y_maximised else (y_low, y_high)

    def column(value: float) -> int:
        if y_high == y_low:
            return 0
        return round((value - y_left) / (y_right - y_left) * (CHART_WIDTH - 1))

    def row(value: float) -> int:  # 0 is the top line: the largest X
        if x_high == x_low:
            return CHART_HEIGHT - 1
        return round((x_high - value) / (x_high - x_low) * (CHART_HEIGHT - 1))

    grid = [[" "] * CHART_WIDTH for _ in range(CHART_HEIGHT)]
    cells = [(row(x), column(y)) for x, y in zip(xs, ys, strict=True)]
    # a step: along at a point's X to the next point's Y, then up or down to its X
    for (r0, c0), (r1, c1) in itertools.pairwise(cells):
        for c in range(min(c0, c1) + 1, max(c0, c1)):
            grid[r0][c] = "─"
        for r in range(min(r0, r1) + 1, max(r0, r1)):
            grid[r][c1] = "│"
        if r0 != r1:
            grid[r0][c1] = "┐" if r1 > r0 else "┘"
    for r, c in cells:
        grid[r][c] = "●"
    top, bottom = value_shown(result.x, x_high), value_shown(result.x, x_low)
    margin = max(len(top), len(bottom))
    chart = Text()
    chart.append(f"{result.x} (up) against {result.y} (across)\n", style="italic")
    for index, line in enumerate(grid):
        label = top if index == 0 else bottom if index == CHART_HEIGHT - 1 else ""
        chart.append(f"{label:>{margin}} ┤")
        for char in line:
            chart.append(char, style="bold cyan" if char == "●" else "cyan")
        chart.append("\n")
    chart.append(" " * margin + " └" + "─" * CHART_WIDTH + "\n")
    left, right = value_shown(result.y, y_left), value_shown(result.y, y_right)
    gap = max(1, CHART_WIDTH - len(left) - len(right))
    chart.append(" " * (margin + 2) + left + " " * gap + right)
    return chart
