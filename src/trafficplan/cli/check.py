"""``trafficplan check PLAN``: verify any plan against the data, independently of the solver."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.errors import ExitCode

if TYPE_CHECKING:
    # imported where used: every command's module is loaded to build the command list
    from trafficplan.checker import CheckReport, Violation
    from trafficplan.inputs.problem import ProblemData
    from trafficplan.plan import Plan


@app.command()
@common.error_boundary
def check(
    plan: common.PlanArgument,
    data: common.DataOption = common.DEFAULT_DATA,
    attendance_path: common.AttendanceOption = None,
    as_json: common.JsonOption = False,
) -> None:
    """Check a plan against every rule of the data; list each broken rule.

    Exit 0: valid. 1: rules broken. 3: unreadable plan or data, or ids unknown to the data.
    """
    from trafficplan.checker import check_plan

    loaded, problem_data, attendance = common.read_plan_inputs(plan, data, attendance_path)
    report = check_plan(problem_data, loaded, attendance)
    claims = objective_claims(problem_data, loaded)
    if as_json:
        common.print_json({**report.to_json(), "objective_claims": claims})
    else:
        render_report(common.stdout_console(), report, plan, claims)
    if not report.valid:
        raise typer.Exit(int(ExitCode.VIOLATIONS))


def objective_claims(data: ProblemData, plan: Plan) -> list[dict[str, Any]]:
    """The plan's objective levels, each with what it claims (in words), the figure its
    sessions give (:func:`~trafficplan.plan.metrics.plan_metrics`) and where the claim is
    not borne out (``problems``)."""
    from trafficplan.plan.levels import level_claims, recomputed_values
    from trafficplan.plan.metrics import plan_metrics

    claims = level_claims(plan.objectives)
    recomputed = recomputed_values(plan_metrics(data, plan), (c.name for c in claims))
    return [claim.to_json(recomputed.get(claim.name)) for claim in claims]


def render_claims(console: Console, claims: list[dict[str, Any]]) -> None:
    """Print each objective level's claim and whether the plan's sessions bear it out."""
    from trafficplan.plan.levels import quantity

    if not claims:
        console.print("The plan records no objective levels.")
        return
    console.print(Text("Objectives claimed by the plan", style="bold"))
    for index, claim in enumerate(claims, start=1):
        name, value = claim["name"], claim["value"]
        shown = "-" if value is None else quantity(name, value)
        recomputed = claim.get("recomputed")
        sessions = "" if recomputed is None else f" (its sessions: {quantity(name, recomputed)})"
        console.print(
            f"  {index}. {name} {shown}{sessions}: {claim['claim']}.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    problems = [problem for claim in claims for problem in claim["problems"]]
    for problem in problems:
        console.print(
            Text.assemble(("Claim not borne out: ", "bold yellow"), problem), soft_wrap=True
        )
    if not problems:
        console.print("Every objective claim agrees with the plan's sessions.")


def _violation_lines(violations: list[Violation]) -> list[str]:
    """One line per violation: rule, session, who, day, message, in aligned columns."""
    rows = [
        (
            v.rule,
            v.session or "-",
            v.who or "-",
            v.date.isoformat() if v.date else "-",
            v.message,
        )
        for v in violations
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]])
        for row in rows
    ]


def _show_metric(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name == "min_district_share" and not float(value).is_integer():
        return f"{value:.4f}"
    if name == "cost_eur" or not float(value).is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _metrics_table(report: CheckReport) -> Table:
    """Each metric recomputed from the plan's rosters, as held (with attendance: held sessions
    with who came) and as the plan claims it; under ``cost_eur``, one row per component."""
    held = report.as_held
    table = Table(title="Metrics", title_justify="left")
    table.add_column("metric")
    table.add_column("recomputed", justify="right")
    if held is not None:
        table.add_column("as held", justify="right")
    table.add_column("claimed by the plan", justify="right")
    claimed_parts = report.claimed_metrics.get("cost_components")
    claimed_parts = claimed_parts if isinstance(claimed_parts, dict) else {}
    held_metrics: dict[str, Any] = held["metrics"] if held is not None else {}
    held_parts: dict[str, Any] = held["cost_components"] if held is not None else {}

    def row(label: str, name: str, value: Any, as_held: Any, claimed: Any) -> None:
        cells = [label, _show_metric(name, value)]
        if held is not None:
            cells.append(_show_metric(name, as_held))
        table.add_row(*cells, _show_metric(name, claimed))

    for name, value in report.metrics.items():
        row(name, name, value, held_metrics.get(name), report.claimed_metrics.get(name))
        if name != "cost_eur":
            continue
        for part, amount in report.cost_components.items():
            row(f"  {part}", name, amount, held_parts.get(part), claimed_parts.get(part))
    return table


def _what_happened(held: dict[str, Any]) -> Text:
    """One paragraph: the sessions held, who came, who did not, and the plan as held."""
    substitutes = held["substitutes"]
    came = f"{held['officers_attended']:,} officer(s) attended"
    if substitutes:
        came += f" ({substitutes:,} substitute(s))"
    return Text.assemble(
        ("Attendance: ", "bold"),
        f"{held['held_sessions']:,} session(s) held; {came}, {held['no_shows']:,} no-show(s) "
        "not trained. As held (held sessions with who came, later sessions as planned): "
        f"{held['officers_trained']:,} of {held['officers_total']:,} officers trained or "
        f"rostered, the plan costs {held['cost_eur']:,.2f} EUR (the cost of who came). "
        "`trafficplan replan` seats the no-shows again.",
    )


def render_report(
    console: Console,
    report: CheckReport,
    plan_path: Path,
    claims: list[dict[str, Any]] | None = None,
) -> None:
    """Print the report: one line per violation, counts per rule, metrics, the objective
    claims (when given, :func:`objective_claims`), warnings."""
    from trafficplan.checker import RULE_IDS as ALL_RULES

    # course_order is checked only in a programme in stages
    RULE_IDS = report.rules_checked or ALL_RULES
    if report.violations:
        heading = Text.assemble(
            ("Broken rules", "bold"), f" in {plan_path} (rule, session, who, day, message):"
        )
        console.print(heading, soft_wrap=True)
        for line in _violation_lines(report.violations):
            console.print(line, markup=False, soft_wrap=True, emoji=False, highlight=False)
        console.print()

    broken = report.counts_by_rule()
    warned = Counter(w.rule for w in report.warnings)
    if broken or warned:
        counts = Table(title="Per rule", title_justify="left")
        counts.add_column("rule")
        counts.add_column("violations", justify="right")
        counts.add_column("warnings", justify="right")
        extra_rules = sorted(set(warned) - set(RULE_IDS))
        for rule in (*RULE_IDS, *extra_rules):
            if broken.get(rule) or warned.get(rule):
                counts.add_row(rule, str(broken.get(rule, 0)), str(warned.get(rule, 0)))
        console.print(counts)

    console.print(_metrics_table(report))
    if report.as_held is not None:
        console.print(_what_happened(report.as_held["metrics"]))
    if claims is not None:
        render_claims(console, claims)

    if report.warnings:
        console.print(f"[bold yellow]Warnings ({len(report.warnings)})[/]")
        for warning in report.warnings:
            console.print(str(warning), markup=False, soft_wrap=True, emoji=False)

    if report.valid:
        console.print(f"[bold green]Valid:[/] the plan keeps every rule ({len(RULE_IDS)} checked).")
    else:
        console.print(
            f"[bold red]Invalid:[/] {len(report.violations)} violations of "
            f"{len(broken)} of the {len(RULE_IDS)} rules."
        )
