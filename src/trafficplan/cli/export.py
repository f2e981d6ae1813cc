"""``trafficplan export PLAN --out DIR``: rosters, schedule, officers without a session, costs
and trainer calendars; with ``--xlsx`` the programme workbook, with ``--pdf`` sign-in sheets
and certificates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.errors import PlanViolationsError

if TYPE_CHECKING:
    from trafficplan.checker.report import Violation
    from trafficplan.exports import ExportFile

SHOWN_VIOLATIONS = 5


class PlanBreaksRulesError(PlanViolationsError):
    """The plan to export breaks hard rules and ``--force`` was not given."""

    def lines(self) -> list[str]:
        """The count, the first few violations, and how to export anyway."""
        count = len(self.violations)
        lines = [f"{self.source}: the plan breaks the rules ({count} violation(s)); not exported"]
        lines += [describe_violation(v) for v in self.violations[:SHOWN_VIOLATIONS]]
        if count > SHOWN_VIOLATIONS:
            lines.append(f"... and {count - SHOWN_VIOLATIONS} more (see `trafficplan check`)")
        lines.append("use --force to export anyway")
        return lines


def describe_violation(violation: Violation) -> str:
    """One line for a checker violation or warning: rule id, then session, who and date."""
    where = [
        f"session {violation.session}" if violation.session else "",
        str(violation.who) if violation.who else "",
        str(violation.date) if violation.date else "",
    ]
    context = ", ".join(part for part in where if part)
    if context:
        return f"{violation.rule}: {context}: {violation.message}"
    return f"{violation.rule}: {violation.message}"


def _content(file: ExportFile) -> str:
    if file.kind == "workbook":
        return f"{file.sheets} sheets"
    if file.kind == "sign_in":
        pages = f"{file.pages} page{'s' if file.pages != 1 else ''}"
        return f"{file.rows} officer{'s' if file.rows != 1 else ''}, {pages}"
    if file.kind == "certificates":
        return f"{file.rows} certificate{'s' if file.rows != 1 else ''}"
    if file.kind == "calendar":
        events = f"{file.events} event{'s' if file.events != 1 else ''}"
        return f"{events}, {file.cancelled} cancelled" if file.cancelled else events
    return f"{file.rows} row{'s' if file.rows != 1 else ''}"


@app.command()
@common.error_boundary
def export(
    plan_path: common.PlanArgument,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder to write rosters/, schedule.csv, unassigned.csv, costs.csv, "
            "summary.csv, reserves.csv and calendars/ into (created if needed).",
        ),
    ],
    xlsx: Annotated[
        bool,
        typer.Option(
            "--xlsx",
            help="Also write programme.xlsx: the schedule, a roster sheet per region with an "
            "attendance column to fill in, the officers left out, costs and the summary.",
        ),
    ] = False,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf",
            help="Also write sign-in/<session>.pdf (an A4 sign-in sheet per session) and, "
            "for held sessions, certificates/<region>.pdf (a certificate per officer present).",
        ),
    ] = False,
    data_dir: common.DataOption = common.DEFAULT_DATA,
    attendance_path: common.AttendanceOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Export even a plan that breaks hard rules.")
    ] = False,
    as_json: common.JsonOption = False,
    lang: common.LanguageOption = common.Language.en,
) -> None:
    """Write rosters per region, the schedule, the officers without a session, the cost by
    region and component, and trainer calendars of a plan.

    The tables are CSV for spreadsheets (UTF-8 with BOM, CRLF, formula-safe); calendars are
    iCalendar files whose events keep their UIDs across re-exports. --xlsx adds the same
    tables as one workbook, which a region fills in and sends back as attendance; --pdf adds
    printable sign-in sheets and certificates of attendance.
    """
    from trafficplan.checker import check_plan
    from trafficplan.exports import build_export, write_export

    common.output_folder(out, "--out")
    if xlsx:
        from trafficplan.exports.workbook import WORKBOOK_FILE

        common.output_file(out / WORKBOOK_FILE, "--out", "")
    if pdf:
        from trafficplan.exports.bundle import CERTIFICATES_DIR, SIGN_IN_DIR

        common.output_folder(out / SIGN_IN_DIR, "--out")
        common.output_folder(out / CERTIFICATES_DIR, "--out")
    plan, data, attendance = common.read_plan_inputs(plan_path, data_dir, attendance_path)

    # what happened in held sessions is a warning of rule attendance, never a refusal
    report = check_plan(data, plan, attendance)
    violations = list(report.violations)
    if violations and not force:
        raise PlanBreaksRulesError(str(plan_path), violations)

    warnings = [describe_violation(warning) for warning in report.warnings]
    if violations:
        warnings.insert(0, f"exported a plan that breaks {len(violations)} rule(s) (--force)")

    export_files = build_export(
        data, plan, out, attendance=attendance, xlsx=xlsx, pdf=pdf, language=lang.value
    )
    written = write_export(export_files, out)
    foreign = [str(path) for path in export_files.foreign_calendars]
    if foreign:
        warnings.append(
            f"left alone {len(foreign)} calendar file(s) of no trainer in the data: "
            + ", ".join(foreign)
        )

    if as_json:
        common.print_json(
            {
                "plan": str(plan_path),
                "out": str(out),
                "forced": bool(violations),
                "violations": len(violations),
                "files": [
                    {
                        "path": str(item.file.path),
                        "kind": item.file.kind,
                        "subject": item.file.subject,
                        "rows": item.file.rows,
                        "events": item.file.events,
                        "cancelled": item.file.cancelled,
                        "sheets": item.file.sheets,
                        "pages": item.file.pages,
                        "status": item.status,
                    }
                    for item in written
                ],
                "warnings": warnings,
            }
        )
        return

    errors = common.stderr_console()
    for warning in warnings:
        errors.print(f"[yellow]Warning:[/] {escape(warning)}", soft_wrap=True, emoji=False)
    table = Table(title=escape(f"Export of {plan_path} to {out}"), title_justify="left")
    table.add_column("file")
    table.add_column("content", justify="right")
    table.add_column("status")
    for item in written:
        table.add_row(escape(str(item.file.path)), _content(item.file), item.status)
    console = common.stdout_console()
    console.print(table)
    changed = sum(1 for item in written if item.status != "unchanged")
    console.print(
        escape(f"{changed} file(s) written, {len(written) - changed} unchanged, in {out}"),
        soft_wrap=True,
    )
