"""``trafficplan whatif``: solve the baseline and a scenario, show them side by side."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from trafficplan.diagnostics.alternatives import Applied
    from trafficplan.inputs import RawData
    from trafficplan.inputs.problem import ProblemData
    from trafficplan.plan import Plan
    from trafficplan.scenarios.comparison import Outcome, SessionChange
    from trafficplan.scenarios.edits import Scenario
    from trafficplan.solver.api import SolveOptions

OutDirOption = Annotated[
    Path | None,
    typer.Option(
        "--out-dir",
        help="Also write baseline-plan.json, scenario-plan.json and the scenario's data "
        "folder (scenario-data/) here.",
    ),
]


@app.command()
@common.error_boundary
def whatif(
    set_: common.SetOption = None,
    drop: common.DropOption = None,
    data: common.DataOption = common.DEFAULT_DATA,
    time_limit: common.TimeLimitOption = 60.0,
    seed: common.SeedOption = 0,
    workers: common.WorkersOption = None,  # type: ignore[assignment]
    out_dir: OutDirOption = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            metavar="PLAN",
            help="Compare with this published plan, re-planned with minimal change under the "
            "scenario, instead of with a fresh solve of the data.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="With --plan: the first day that may change (default: the day after the last "
            "held session in attendance.csv, else the window's start).",
        ),
    ] = None,
    apply_alternative: common.ApplyAlternativeOption = None,
    as_json: common.JsonOption = False,
) -> None:
    """Solve the data as they are and with the changes, and show both side by side with the
    differences and the sessions that moved (exit 0 even when a side has no plan). With
    --plan, the scenario re-plans the published plan with as little change as possible, and
    the sessions shown are those that must change. With --plan and --apply-alternative
    SESSION:KIND=VALUE (as explain --session lists them), the alternative is applied to the
    published plan first: alone, the scenario is that plan; with --set/--drop, that plan
    re-planned."""
    from trafficplan.inputs import build_data, read_raw
    from trafficplan.scenarios.comparison import metric_delta, moved_sessions
    from trafficplan.scenarios.edits import build_scenario
    from trafficplan.scenarios.runs import parallel_jobs

    sets, drops = list(set_ or []), list(drop or [])
    if apply_alternative is not None and plan is None:
        raise UsageError(
            "--apply-alternative goes with --plan: whatif --plan PLAN --apply-alternative "
            "SESSION:KIND=VALUE"
        )
    if not sets and not drops and apply_alternative is None:
        raise UsageError("whatif needs at least one --set KEY=VALUE or --drop KEY")
    if since is not None and plan is None:
        raise UsageError("--since goes with --plan: whatif --plan PLAN --since DATE ...")
    if out_dir is not None:
        common.output_folder(out_dir, "--out-dir")
    raw = read_raw(data)
    if plan is None:
        common.note_attendance_ignored(data, "whatif without --plan")
    total_workers = workers or os.cpu_count() or 1
    if plan is not None:
        options = _options(time_limit, seed, total_workers)
        baseline, outcome, scenario, interrupted, applied = _against_plan(
            raw, plan, since, sets, drops, options, apply_alternative
        )
        delta = metric_delta(baseline, outcome)
        moved = _changes_from(baseline, outcome)
        written = _write_outputs(out_dir, baseline.plan, outcome.plan, scenario) if out_dir else []
        _report(
            as_json,
            scenario,
            baseline,
            outcome,
            delta,
            moved,
            written,
            interrupted,
            "published",
            applied,
        )
        return
    baseline_data = build_data(raw)
    scenario_data, scenario = build_scenario(raw, sets, drops)

    # both at once only when each keeps enough workers (measured: see MIN_WORKERS_PER_SOLVE)
    if parallel_jobs(total_workers) >= 2:
        baseline, outcome, interrupted = _solve_side_by_side(
            raw, sets, drops, (baseline_data, scenario_data), time_limit, seed, total_workers // 2
        )
    else:
        baseline, outcome, interrupted = _solve_one_after_the_other(
            baseline_data, scenario_data, time_limit, seed, total_workers
        )
    delta = metric_delta(baseline, outcome)
    moved = (
        moved_sessions(baseline.plan, outcome.plan)
        if baseline.plan is not None and outcome.plan is not None
        else []
    )
    written = _write_outputs(out_dir, baseline.plan, outcome.plan, scenario) if out_dir else []
    _report(as_json, scenario, baseline, outcome, delta, moved, written, interrupted)


def _report(
    as_json: bool,
    scenario: Scenario,
    baseline: Outcome,
    outcome: Outcome,
    delta: dict[str, Any],
    moved: list[SessionChange],
    written: list[Path],
    interrupted: bool,
    first: str = "baseline",
    applied: Applied | None = None,
) -> None:
    """Print the comparison (or its JSON); ``first`` names the side compared with, and
    ``applied`` is the alternative applied to it first (``--apply-alternative``)."""
    from trafficplan.scenarios.comparison import moved_json

    if as_json:
        document: dict[str, Any] = {
            "changes": scenario.to_json(),
            "baseline": baseline.to_json(),
            "scenario": outcome.to_json(),
            "delta": delta,
            "moved": [moved_json(change) for change in moved],
            "written": [str(path) for path in written],
        }
        if applied is not None:
            document["alternative"] = applied.to_json()
        common.print_json(document)
    else:
        console = common.stdout_console()
        if applied is not None:
            console.print(f"Alternative applied first: {applied.summary()}", markup=False)
        _render(console, scenario, baseline, outcome, delta, moved, first)
        for path in written:
            console.print(f"Wrote {path}")
    if interrupted:
        common.stderr_console().print(
            "Interrupted: the comparison above uses the best plans found."
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))


# ----- against a published plan -----------------------------------------------------------------
def _options(time_limit: float, seed: int, workers: int) -> SolveOptions:
    from trafficplan.solver.api import SolveOptions

    return SolveOptions(time_limit=time_limit, seed=seed, workers=workers)


def _against_plan(
    raw: RawData,
    plan_path: Path,
    since_text: str | None,
    sets: list[str],
    drops: list[str],
    options: SolveOptions,
    alternative: str | None = None,
) -> tuple[Outcome, Outcome, Scenario, bool, Applied | None]:
    """The published plan (baseline) and the scenario re-planned from it with minimal change.

    The scenario's edits come on top of the edits the plan was made with; ``since`` defaults
    to the day after the last held session (``attendance.csv``), else the first day of the
    window, so every session not held may change, but only as much as the scenario requires.
    With ``alternative`` (``--apply-alternative``) the re-plan starts from the published plan
    with that alternative applied; without edits, that plan is the scenario (nothing solved).
    """
    from trafficplan.cli.replan import parse_since, require_days_to_replan
    from trafficplan.diagnostics.alternatives import apply_alternative, parse_request
    from trafficplan.inputs.attendance import read_attendance, read_plan_attendance
    from trafficplan.scenarios.comparison import Outcome, outcome_of, plan_outcome
    from trafficplan.scenarios.edits import build_scenario
    from trafficplan.solver.replan import replan

    if alternative is not None:
        parse_request(alternative)  # a malformed argument is a usage error before any work
    published, published_data = common.read_plan_and_data(plan_path, raw.folder)
    applied = None
    start = published
    if alternative is not None:
        sheets = read_plan_attendance(raw.folder, published_data, published)
        applied = apply_alternative(published_data, published, alternative, sheets, str(plan_path))
        start = applied.plan
    recorded_sets = [e.text for e in published.edits if e.option == "set"]
    recorded_drops = [e.text for e in published.edits if e.option == "drop"]
    scenario_data, scenario = build_scenario(
        raw, [*recorded_sets, *sets], [*recorded_drops, *drops]
    )
    baseline = plan_outcome(published, published_data)
    if applied is not None and not sets and not drops:
        return baseline, plan_outcome(applied.plan, published_data), scenario, False, applied
    attendance = read_attendance(raw.folder, published_data)
    held = [s.date for s in published.sessions if attendance and s.id in attendance.held]
    if since_text is not None:
        first_day = parse_since(since_text)
    elif held:
        first_day = max(held) + timedelta(days=1)
    else:
        first_day = scenario_data.constraints.window.start
    require_days_to_replan(first_day, scenario_data.constraints.window.end)
    attendance = read_plan_attendance(raw.folder, published_data, published, first_day)
    with common.live_search(options, label="scenario"):
        result = replan(scenario_data, start, first_day, options, attendance)
    if result.plan is None:
        outcome = Outcome(status=result.status, reasons=list(result.reasons))
    else:
        outcome = outcome_of(result, scenario_data)
    return baseline, outcome, scenario, result.interrupted, applied


def _changes_from(baseline: Outcome, outcome: Outcome) -> list[SessionChange]:
    """The sessions of the published plan that the re-plan changes (paired by id: a re-plan
    keeps every surviving session's id and officers' seats)."""
    from trafficplan.plan.changes import diff_plans

    if baseline.plan is None or outcome.plan is None:
        return []
    return sorted(diff_plans(baseline.plan, outcome.plan), key=lambda change: change.region)


# ----- solving -----------------------------------------------------------------------------------
def _solve_side_by_side(
    raw: RawData,
    sets: list[str],
    drops: list[str],
    datas: tuple[ProblemData, ProblemData],
    time_limit: float,
    seed: int,
    workers_each: int,
) -> tuple[Outcome, Outcome, bool]:
    """Both solves at once, in two processes with half the workers each and the whole time."""
    from trafficplan.scenarios.comparison import Outcome, outcome_of
    from trafficplan.scenarios.runs import ScenarioTask, solve_tasks

    tasks = [
        ScenarioTask(0, raw, (), (), time_limit, seed, workers_each),
        ScenarioTask(1, raw, tuple(sets), tuple(drops), time_limit, seed, workers_each),
    ]
    with common.stderr_console().status(
        f"solving the baseline and the scenario in parallel ({workers_each} worker(s) each, "
        f"up to {time_limit:g} s)…"
    ):
        outcomes, interrupted = solve_tasks(tasks, jobs=2)
    sides = []
    for index, data in enumerate(datas):
        task_outcome = outcomes.get(index)
        if task_outcome is None:
            sides.append(Outcome(status="not run", reasons=["interrupted before it started"]))
        elif task_outcome.result is None:
            sides.append(Outcome(status=task_outcome.status, reasons=task_outcome.reasons))
        else:
            side = outcome_of(task_outcome.result, data)
            side.reasons = task_outcome.reasons
            sides.append(side)
    return sides[0], sides[1], interrupted


def _solve_one_after_the_other(
    baseline_data: ProblemData,
    scenario_data: ProblemData,
    time_limit: float,
    seed: int,
    workers: int,
) -> tuple[Outcome, Outcome, bool]:
    """The baseline in half the time, then the scenario in whatever time is left.

    The scenario is not seeded with the baseline plan: a hint makes the solver skip its
    decomposed search, which measured slower (trainers.max_per_week=2 on the 2008 data: no
    plan in 38 s with the hint, proven optimal in 7 s without), and for national-sized data
    it would build the full model.
    """
    from trafficplan.scenarios.comparison import Outcome
    from trafficplan.solver import SolveOptions

    started = time.monotonic()
    baseline, stopped = _solve_side(
        "baseline", baseline_data, SolveOptions(time_limit / 2, seed, workers)
    )
    if stopped:
        skipped = Outcome(status="not run", reasons=["interrupted before it started"])
        return baseline, skipped, True
    remaining = max(time_limit - (time.monotonic() - started), time_limit / 2)
    scenario, stopped = _solve_side(
        "scenario", scenario_data, SolveOptions(remaining, seed, workers)
    )
    return baseline, scenario, stopped


def _solve_side(label: str, data: ProblemData, options: SolveOptions) -> tuple[Outcome, bool]:
    """One side's outcome, and whether Ctrl-C stopped it; data a pre-check rejects are not
    solved.

    A live status line on stderr shows the search (elapsed, level, best value, bound); Ctrl-C
    asks it to stop, and the solver then returns the best plan it has.
    """
    from trafficplan.planning import plan_or_explain
    from trafficplan.scenarios.comparison import Outcome, outcome_of

    with common.live_search(options, label=label) as status:
        planned = plan_or_explain(data, options, explain=False, on_stage=status.show)
    if planned.result is None:
        return Outcome(status=planned.status, reasons=planned.reasons), False
    outcome = outcome_of(planned.result, data)
    outcome.reasons = planned.reasons
    return outcome, planned.interrupted


def _write_outputs(
    out_dir: Path, baseline: Plan | None, scenario_plan: Plan | None, scenario: Scenario
) -> list[Path]:
    from trafficplan.plan import Plan, write_plan
    from trafficplan.scenarios.edits import write_scenario_data

    written = []
    if baseline is not None:
        write_plan(baseline, out_dir / "baseline-plan.json")
        written.append(out_dir / "baseline-plan.json")
    data_dir = out_dir / "scenario-data"
    write_scenario_data(scenario, data_dir)
    written.append(data_dir)
    if scenario_plan is not None:
        document = scenario_plan.model_dump(mode="json")
        document["scenario"] = scenario.to_json()
        write_plan(Plan.model_validate(document), out_dir / "scenario-plan.json")
        written.append(out_dir / "scenario-plan.json")
    return written


# ----- rendering ---------------------------------------------------------------------------------
def _render(
    console: Console,
    scenario: Scenario,
    baseline: Outcome,
    outcome: Outcome,
    delta: dict[str, Any],
    moved: list[SessionChange],
    first: str = "baseline",
) -> None:
    console.print("[bold]Scenario[/]")
    for line in scenario.lines():
        console.print(f"  {line}", markup=False)
    console.print(_comparison_table(baseline, outcome, delta, first))
    for name, side in ((first.capitalize(), baseline), ("Scenario", outcome)):
        if side.training_limits is not None:
            console.print(f"{name}: {side.training_limits.line()}", markup=False, soft_wrap=True)
        if not side.has_plan:
            console.print(f"[bold yellow]{name} has no plan[/] ({side.status}):")
            for reason in side.reasons or ["no plan found within the time limit"]:
                console.print(f"  - {reason}", markup=False)
    if baseline.has_plan and outcome.has_plan:
        if moved:
            console.print(_moved_table(moved))
        else:
            console.print("No session moved.")


def _comparison_table(
    baseline: Outcome, scenario: Outcome, delta: dict[str, Any], first: str = "baseline"
) -> Table:
    title = (
        "Baseline and scenario"
        if first == "baseline"
        else f"{first.capitalize()} plan and scenario"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column(first, justify="right")
    table.add_column("scenario", justify="right")
    table.add_column("change", justify="right")
    table.add_row("status", baseline.status, scenario.status, "")

    def metric(side: Outcome, name: str) -> str:
        if side.metrics is None:
            return "-"
        value = side.metrics[name]
        return f"{value:,.2f}" if name == "cost_eur" else f"{value:,}"

    def trained(side: Outcome) -> str:
        if side.metrics is None:
            return "-"
        return f"{side.metrics['officers_trained']:,} of {side.metrics['officers_total']:,}"

    table.add_row(
        "officers trained", trained(baseline), trained(scenario), _signed(delta["officers_trained"])
    )
    for region, change in delta["trained_by_region"].items():
        table.add_row(
            f"  {region}",
            _region_cell(baseline, region),
            _region_cell(scenario, region),
            _signed(change),
        )
    for label, name in (
        ("sessions", "sessions"),
        ("cost EUR", "cost_eur"),
        ("max trainer sessions", "max_trainer_sessions"),
    ):
        table.add_row(
            label, metric(baseline, name), metric(scenario, name), _signed(delta[name], name)
        )
        if name == "cost_eur":
            from trafficplan.inputs.problem import COST_COMPONENT_LABELS

            for part, change in delta["cost_components"].items():
                shown = [baseline.cost_component(part), scenario.cost_component(part)]
                if not any(shown):
                    continue  # nothing of it on either side
                table.add_row(
                    f"  {COST_COMPONENT_LABELS[part].lower()}",
                    *("-" if v is None else f"{v:,.2f}" for v in shown),
                    _signed(change, "cost_eur"),
                )
    names = [o.name for o in baseline.objectives] or [o.name for o in scenario.objectives]
    for name in dict.fromkeys(names + [o.name for o in scenario.objectives]):
        table.add_row(
            f"objective {name}",
            _objective_cell(baseline, name),
            _objective_cell(scenario, name),
            "",
        )
    table.add_row("seconds", f"{baseline.seconds:.1f}", f"{scenario.seconds:.1f}", "")
    return table


def _region_cell(side: Outcome, region: str) -> str:
    if side.trained_by_region is None:
        return "-"
    if region not in side.officers_by_region:
        return "(no region)"
    return f"{side.trained_by_region.get(region, 0):,} of {side.officers_by_region[region]:,}"


def _objective_cell(side: Outcome, name: str) -> str:
    """The level's value with what was proven (:meth:`LevelClaim.brief`)."""
    from trafficplan.plan.levels import claim_of

    claim = claim_of(side.objectives, name)
    return "-" if claim is None else claim.brief()


def _signed(value: Any, name: str = "") -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    text = f"{value:+,.2f}" if name == "cost_eur" else f"{value:+,}"
    return text


def _moved_table(moved: list[SessionChange]) -> Table:
    table = Table(title=f"Sessions that changed ({len(moved)})", title_justify="left")
    table.add_column("session", no_wrap=True)
    table.add_column("change", no_wrap=True)
    table.add_column("what", overflow="fold")
    for change in moved:
        table.add_row(change.session_id, change.kind, _what_changed(change))
    return table


def _what_changed(change: SessionChange) -> str:
    """The changed fields as ``date a → b; trainers x → y``, or the whole added/removed one."""
    from trafficplan.plan.changes import SESSION_FIELDS

    if change.kind != "changed":
        session = change.after if change.kind == "added" else change.before
        return "; ".join(f"{name} {_field(session, name)}" for name in SESSION_FIELDS)
    return "; ".join(
        f"{name} {_field(change.before, name)} → {_field(change.after, name)}"
        for name in SESSION_FIELDS
        if name in change.changed
    )


def _field(session: Any, name: str) -> str:
    if session is None:
        return ""
    value = getattr(session, name)
    if name == "officers":
        return str(len(value))
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)
