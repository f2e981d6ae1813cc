"""``trafficplan solve``: build, solve, print and write the plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.diagnostics.limits import training_limits
from trafficplan.errors import ExitCode
from trafficplan.inputs import load_data
from trafficplan.plan import write_plan

if TYPE_CHECKING:
    from trafficplan.planning import PlanOutcome


@app.command()
@common.error_boundary
def solve(
    data: common.DataOption = common.DEFAULT_DATA,
    out: Annotated[Path, typer.Option("--out", help="Where to write the plan (JSON).")] = Path(
        "plan.json"
    ),
    time_limit: common.TimeLimitOption = 60.0,
    seed: common.SeedOption = 0,
    workers: common.WorkersOption = None,  # type: ignore[assignment]
    relax: Annotated[
        bool,
        typer.Option(
            "--relax",
            help="If the data admit no plan, write the best partial plan of a relaxation "
            "(status 'relaxed') and list what gave.",
        ),
    ] = False,
    as_json: common.JsonOption = False,
) -> None:
    """Solve the programme: a plan that keeps every rule, trains as many officers as possible
    at the lowest cost; prints the schedule and objectives and writes the plan."""
    common.output_file(out, "--out")
    try:
        from trafficplan.planning import plan_or_explain
        from trafficplan.solver import SolveOptions
    except KeyboardInterrupt:
        # Ctrl-C while the solver loads, before the search could install its own handler
        raise common.fail(["interrupted before any plan was found"], ExitCode.NO_PLAN) from None

    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    # Ctrl-C while the data load stops the search before it starts (exit 5, no plan), instead
    # of ending the command from wherever it happened to be
    with common.live_search(options, "loading the data…") as status:
        problem = load_data(data)
        common.note_attendance_ignored(data, "solve")
        status.show("building the model…")
        before_search = common.seconds_since_process_start()
        outcome = plan_or_explain(problem, options, relax=relax, on_stage=status.show)

    result = outcome.result
    if result is None or result.plan is None:
        if outcome.status == "infeasible":
            _no_plan(outcome, as_json)
        if as_json:
            common.print_json({"status": "unknown", "reasons": outcome.reasons})
        raise common.fail(outcome.reasons, ExitCode.NO_PLAN)

    plan = result.plan
    write_plan(plan, out)
    limits = training_limits(plan, problem)
    if as_json:
        common.print_json(
            {
                "status": plan.status,
                "plan_file": str(out),
                "interrupted": result.interrupted,
                "objectives": [o.to_dict() for o in plan.objectives],
                "metrics": plan.metrics,
                # from the process start (spec 6.5): what a user waits for
                "build_seconds": round(before_search + result.build_seconds, 3),
                "first_plan_seconds": None
                if result.first_plan_seconds is None
                else round(before_search + result.first_plan_seconds, 3),
                "wall_seconds": round(before_search + result.wall_seconds, 3),
                "proven_seconds": {
                    name: round(before_search + seconds, 3)
                    for name, seconds in result.proven_seconds.items()
                },
                "relaxations": [r.model_dump() for r in plan.relaxations],
                "training_limits": None if limits is None else limits.to_json(),
            }
        )
    else:
        render_solution(problem, plan, result, out)
        if limits is not None:
            common.stdout_console().print(limits.line(), markup=False, soft_wrap=True)
    if result.interrupted:
        common.stderr_console().print(
            f"Interrupted: the best plan found so far was written to {out}."
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def _no_plan(outcome: PlanOutcome, as_json: bool) -> NoReturn:
    """Say why the data admit no plan (pre-checks, else a conflict found by explain); exit 4."""
    document: dict[str, Any] = {"status": "infeasible"}
    if outcome.explanation is not None:
        document.update(outcome.explanation.to_json())
    if as_json:
        common.print_json({**document, "reasons": outcome.reasons})
    hint = "`trafficplan explain` for details, `trafficplan solve --relax` for a partial plan"
    raise common.fail(["the data admit no plan:", *outcome.reasons, hint], ExitCode.INFEASIBLE)


def render_solution(problem, plan, result, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Print the schedule per region, the week calendar, objectives and trainer loads."""
    from trafficplan.cli.render import (
        cost_table,
        objective_notes,
        objectives_table,
        region_schedule_table,
        trainer_load_table,
        week_calendar_table,
    )

    console = common.stdout_console()
    for region in problem.regions:
        console.print(region_schedule_table(problem, plan, region.id))
    console.print(week_calendar_table(problem, plan))
    console.print(trainer_load_table(problem, plan))
    console.print(cost_table(plan))
    console.print(objectives_table(plan))
    for note in objective_notes(plan):
        console.print(note, markup=False, highlight=False)
    metrics = plan.metrics
    if plan.relaxations:
        console.print("[bold yellow]Relaxed plan: the data admit no plan; what gave:[/]")
        for item in plan.relaxations:
            console.print(f"  - {item.message}: {item.give}")
    first = "-" if result.first_plan_seconds is None else f"{result.first_plan_seconds:.1f}s"
    console.print(
        f"[bold]{plan.status}[/]: {metrics['officers_trained']}/{metrics['officers_total']} "
        f"officers trained in {metrics['sessions']} sessions, cost {metrics['cost_eur']:,.2f} EUR, "
        f"max trainer load {metrics['max_trainer_sessions']}. "
        f"Model built in {result.build_seconds:.1f}s, first plan at {first}, "
        f"solved in {result.wall_seconds:.1f}s. Plan written to {out}."
    )
