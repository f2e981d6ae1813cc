"""``trafficplan explain``: why the data admit no plan, why an officer is not in a plan, or what
else a session of a plan could be."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from trafficplan.diagnostics.officer import OfficerExplanation
    from trafficplan.diagnostics.prechecks import Finding


@app.command()
@common.error_boundary
def explain(
    data: common.DataOption = common.DEFAULT_DATA,
    officer: Annotated[
        str | None,
        typer.Option(
            "--officer", metavar="ID", help="Explain why this officer is (not) in --plan."
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan", metavar="PLAN", help="The plan file --officer or --session is looked up in."
        ),
    ] = None,
    session: Annotated[
        str | None,
        typer.Option(
            "--session",
            metavar="ID",
            help="With --plan: every other trainer, date, venue and NGO this session could "
            "have with the rest of the plan fixed, and the rule that forbids each other one.",
        ),
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="With --session: list every alternative, not the top 10."),
    ] = False,
    time_limit: common.TimeLimitOption = 60.0,
    seed: common.SeedOption = 0,
    workers: common.WorkersOption = None,  # type: ignore[assignment]
    as_json: common.JsonOption = False,
) -> None:
    """Explain why the data admit no plan: the pre-check findings, then the rules and data
    items that conflict and how much each must give (exit 0: the explanation is the answer).
    With --officer ID --plan PLAN: why that officer is or is not in the plan. With --session
    ID --plan PLAN: what else that session could be (trainer, date, venue, NGO), with the
    cost, the change weight and the officers who would move, and what forbids the rest."""
    if session is not None:
        from trafficplan.cli.alternatives import explain_session

        if officer is not None:
            raise UsageError("--officer and --session are separate questions: give one")
        if plan is None:
            raise UsageError("--session and --plan go together: explain --session ID --plan PLAN")
        explain_session(data, plan, session, as_json, show_all)
        return
    if show_all:
        raise UsageError("--all goes with --session: explain --session ID --plan PLAN --all")
    if officer is not None or plan is not None:
        if officer is None:
            raise UsageError(
                "--plan goes with --officer ID or --session ID: explain --officer ID --plan "
                "PLAN, or explain --session ID --plan PLAN"
            )
        if plan is None:
            raise UsageError("--officer and --plan go together: explain --officer ID --plan PLAN")
        _explain_officer(data, officer, plan, as_json)
        return
    _explain_data(data, time_limit, seed, workers, as_json)


# ----- the data ----------------------------------------------------------------------------------
def _explain_data(
    folder: Path, time_limit: float, seed: int, workers: int | None, as_json: bool
) -> None:
    from trafficplan.inputs import load_data
    from trafficplan.planning import explain_no_plan
    from trafficplan.solver import SolveOptions

    problem = load_data(folder)
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    # Ctrl-C stops the search; what the pre-checks found is still shown
    with common.live_search(options, "running the pre-checks…") as status:
        outcome = explain_no_plan(problem, options, on_stage=status.show)
    findings, explanation = outcome.findings, outcome.explanation
    if outcome.interrupted:
        if as_json:
            common.print_json({"findings": [f.to_dict() for f in findings], "interrupted": True})
        else:
            _print_findings(common.stdout_console(), findings)
        common.stderr_console().print("Interrupted before the search for a conflict finished.")
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    undecided = not outcome.decided
    if as_json:
        document = {"findings": [f.to_dict() for f in findings], **explanation.to_json()}
        document["decided"] = not undecided
        common.print_json(document)
        if undecided:
            raise typer.Exit(int(ExitCode.NO_PLAN))
        return
    console = common.stdout_console()
    _print_findings(console, findings)
    if explanation.feasible:
        console.print("[bold green]The data admit a plan[/]: nothing to explain.")
        return
    if undecided:
        raise common.fail(
            [
                "no plan was found and no conflict was isolated within the time limit; the "
                "data may admit a plan that takes longer to find: try a larger --time-limit"
            ],
            ExitCode.NO_PLAN,
        )
    if not explanation.items:
        console.print("[bold red]The data admit no plan[/]: the pre-check errors above say why.")
        return
    smallest = " (none of them can be left out)" if explanation.proven_minimal else ""
    console.print(
        f"[bold red]The data admit no plan.[/] These rules and data items conflict{smallest}:"
    )
    table = Table(show_lines=False)
    for column in ("rule", "what conflicts", "must give", "data items"):
        table.add_column(column, overflow="fold", no_wrap=column == "rule")
    for item in explanation.items:
        table.add_row(item.rule, item.message, item.give or "", ", ".join(item.subjects))
    console.print(table)
    console.print(
        "Relax one of these (for instance with trafficplan whatif --set KEY=VALUE) to get a plan."
    )


def _print_findings(console: Console, findings: list[Finding]) -> None:
    if not findings:
        return
    console.print("[bold]Pre-checks[/]")
    for finding in findings:
        colour = "red" if finding.severity == "error" else "yellow"
        console.print(
            f"  [{colour}]{finding.severity}[/] [bold]{finding.rule}[/]: ", end="", soft_wrap=True
        )
        console.print(finding.message, markup=False, soft_wrap=True)


# ----- one officer -------------------------------------------------------------------------------
def _explain_officer(folder: Path, officer_id: str, plan_path: Path, as_json: bool) -> None:
    from trafficplan.diagnostics.officer import explain_officer

    plan, problem = common.read_plan_and_data(plan_path, folder)
    explanation = explain_officer(plan, problem, officer_id)
    if as_json:
        common.print_json(explanation.to_json())
        return
    console = common.stdout_console()
    for line in explanation.summary():
        console.print(line, markup=False, soft_wrap=True)
    if explanation.checks:
        console.print(_checks_table(explanation))


def _checks_table(explanation: OfficerExplanation) -> Table:
    table = Table(
        title=f"Sessions of region {explanation.officer.region} "
        f"(district {explanation.officer.district})",
        title_justify="left",
    )
    for column in ("session", "date", "leave", "district", "seats", "verdict"):
        table.add_column(column, no_wrap=column != "verdict")
    for check in explanation.checks:
        verdict = ", ".join(check.blockers)
        table.add_row(
            check.session_id,
            check.day.isoformat(),
            "[red]on leave[/]" if check.on_leave else "free",
            _used(check.district_attending, check.district_cap),
            _used(check.seats_taken, check.seats_cap),
            f"[red]{verdict}[/]" if verdict else "[green]had room[/]",
        )
    return table


def _used(used: int, cap: int) -> str:
    text = f"{used}/{cap}"
    return f"[red]{text}[/]" if used >= cap else text
