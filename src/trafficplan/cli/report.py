"""``trafficplan report PLAN --html FILE [--png DIR]``: an offline HTML report and PNG charts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.errors import UsageError

if TYPE_CHECKING:
    from trafficplan.inputs.problem import ProblemData
    from trafficplan.plan import Plan
    from trafficplan.report.tradeoff import TradeoffView
    from trafficplan.scenarios.tradeoff import Frontier


def _size(byte_count: int) -> str:
    if byte_count >= 1_000_000:
        return f"{byte_count / 1_000_000:.1f} MB"
    return f"{byte_count / 1000:.0f} kB"


def _tradeoff_json(view: TradeoffView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "x": view.x,
        "y": view.y,
        "points": len(view.points),
        "on_frontier": view.chosen is not None,
        "point": None if view.chosen is None else view.chosen + 1,
        "words": view.words,
    }


def _english_tradeoff(
    view: TradeoffView | None, frontier: Frontier | None, data: ProblemData, plan: Plan
) -> TradeoffView | None:
    """The trade-off as the terminal says it: in English whatever the report's language
    (outside ``use_language`` every message is English)."""
    if view is None or frontier is None:
        return view
    from trafficplan.plan.metrics import plan_metrics
    from trafficplan.report.tradeoff import tradeoff_view

    return tradeoff_view(frontier, plan_metrics(data, plan))


@app.command()
@common.error_boundary
def report(
    plan_path: common.PlanArgument,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            help="Write the report as one self-contained HTML file that opens offline.",
        ),
    ] = None,
    png: Annotated[
        Path | None,
        typer.Option(
            "--png",
            metavar="DIR",
            help="Also write the charts as PNG files into this folder (needs Chrome/Chromium).",
        ),
    ] = None,
    tradeoff_dir: Annotated[
        Path | None,
        typer.Option(
            "--tradeoff",
            metavar="DIR",
            help="Add the frontier that `trafficplan tradeoff --out-dir DIR` wrote, with this "
            "plan marked on it.",
        ),
    ] = None,
    data_dir: common.DataOption = common.DEFAULT_DATA,
    attendance_path: common.AttendanceOption = None,
    as_json: common.JsonOption = False,
    lang: common.ReportLanguageOption = common.Language.en,
) -> None:
    """Make a report of a plan to send: summary, calendar, trainers, map, officers, NGOs,
    costs by component, the trade-off (with --tradeoff), and a technical appendix with ids
    and digests.

    The HTML file holds everything it needs, plotly.js included; it loads nothing from the web.
    A plan that breaks rules is still reported, with the broken rules in red. --lang uk writes
    the report (and the PNG charts) in Ukrainian; this summary stays English.
    """
    from trafficplan.inputs.attendance import read_plan_attendance
    from trafficplan.report import build_report, require_browser, write_html, write_pngs

    if html is None and png is None:
        raise UsageError("nothing to write: give --html FILE and/or --png DIR")
    if html is not None:
        common.output_file(html, "--html", "report.html")
    if png is not None:
        common.output_folder(png, "--png")
    common.attendance_input(attendance_path)
    frontier = None
    if tradeoff_dir is not None:
        from trafficplan.scenarios.tradeoff import read_frontier

        frontier = read_frontier(tradeoff_dir)
    plan, data = common.read_plan_and_data(plan_path, data_dir)
    if png is not None:
        # Refuse before writing anything rather than leave an HTML file and then fail.
        require_browser()

    attendance = read_plan_attendance(data_dir, data, plan, given=attendance_path)
    result = build_report(data, plan, plan_path.name, attendance, frontier, language=lang.value)
    content = result.content
    html_bytes = write_html(result, html) if html is not None else None
    pngs = write_pngs(result, png) if png is not None else []

    if as_json:
        common.print_json(
            {
                "html": str(html) if html is not None else None,
                "html_bytes": html_bytes,
                "png": [str(path) for path in pngs],
                "valid": content.valid,
                "violations": len(content.violations),
                "warnings": len(content.warnings),
                "sessions": len(content.sessions),
                "officers_trained": content.officers_trained,
                "officers_total": content.officers_total,
                "cost_eur": round(content.cost_eur, 2),
                "tradeoff": _tradeoff_json(
                    _english_tradeoff(content.tradeoff, frontier, data, plan)
                ),
            }
        )
    else:
        out = common.stdout_console()
        summary = (
            f"{len(content.sessions)} sessions, {content.officers_trained:,} of "
            f"{content.officers_total:,} officers trained, cost EUR {content.cost_eur:,.2f}"
        )
        if html is not None and html_bytes is not None:
            out.print(f"Wrote {escape(str(html))} ({_size(html_bytes)}): {summary}", soft_wrap=True)
        for path in pngs:
            out.print(f"Wrote {escape(str(path))}", soft_wrap=True)
    err = common.stderr_console()
    if content.violations:
        err.print(
            f"[yellow]Warning:[/] the plan breaks {len(content.violations)} rule(s); "
            "the report lists them in red (see also `trafficplan check`)",
            soft_wrap=True,
        )
    if content.digests_differ:
        err.print(
            "[yellow]Warning:[/] the plan was made from other data: "
            + escape(", ".join(content.digests_differ))
            + " differ(s)",
            soft_wrap=True,
        )
