"""``trafficplan validate``: load and check a data folder, print a summary and what cannot work."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.diagnostics.prechecks import ERROR, WARNING, Finding, diagnose
from trafficplan.errors import InputError
from trafficplan.inputs import ProblemData, load_data
from trafficplan.inputs.attendance import (
    Attendance,
    attendance_by_region,
    read_attendance,
    read_plan_attendance,
)
from trafficplan.inputs.dates import in_date_set
from trafficplan.plan import Plan, read_plan

_WEEKDAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@app.command()
@common.error_boundary
def validate(
    data: common.DataOption = common.DEFAULT_DATA,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            metavar="PLAN",
            help="With attendance (attendance.csv or .xlsx): also check its session ids against "
            "this plan and count the substitutes (officers present who were not on the roster).",
        ),
    ] = None,
    attendance_path: common.AttendanceOption = None,
    as_json: common.JsonOption = False,
) -> None:
    """Load and check the data folder: summary of regions, trainers, working days and seats,
    the sign-in sheets of held sessions (attendance.csv or attendance.xlsx, or --attendance
    FILE) if any, and the findings that show data which cannot work.

    Exits 0 when the folder loads (even when findings say no plan can exist), 3 when it is
    invalid (one line per defect).
    """
    common.attendance_input(attendance_path)
    try:
        problem = load_data(data)
        published = read_plan(plan) if plan is not None else None
        if published is not None:
            attendance = read_plan_attendance(data, problem, published, given=attendance_path)
        else:
            attendance = read_attendance(data, problem, attendance_path)
    except InputError as exc:
        if as_json:
            common.print_json(
                {"valid": False, "data": str(data), "errors": [asdict(p) for p in exc.problems]}
            )
        raise
    document = validation_summary(problem, diagnose(problem))
    document["attendance"] = (
        attendance_summary(attendance, problem, published) if attendance is not None else None
    )
    document["attendance_file"] = attendance.source if attendance is not None else None
    if as_json:
        common.print_json(document)
    else:
        render_summary(document)


def validation_summary(problem: ProblemData, findings: list[Finding]) -> dict[str, Any]:
    """The summary of a loaded data folder as one JSON-ready document (``validate --json``).

    Args:
        problem: the loaded data.
        findings: what :func:`trafficplan.diagnostics.diagnose` found in it.
    """
    rules = problem.constraints
    working = problem.working_days
    regions: list[dict[str, Any]] = []
    best_seats: dict[str, int] = {}
    for region in problem.regions:
        bounds = problem.session_bounds(region.id)
        usable = [min(rules.sessions.officers.max, v.capacity) for v in region.venues]
        best_seats[region.id] = max(
            (seats for seats in usable if seats >= rules.sessions.officers.min), default=0
        )
        regions.append(
            {
                "id": region.id,
                "name": region.name,
                "districts": len(region.districts),
                "officers": len(problem.officers_by_region[region.id]),
                "venues": [{"id": v.id, "capacity": v.capacity} for v in region.venues],
                "ngos": len(region.ngos),
                "sessions": {"min": bounds.min, "max": bounds.max},
                "best_session_seats": best_seats[region.id],
            }
        )
    trainers = [
        {
            "id": trainer.id,
            "name": trainer.name,
            "home": trainer.home.city,
            "regions": trainer.regions,
            "leave_working_days": sum(1 for d in working if in_date_set(d, trainer.unavailable)),
            "unavailable": [str(r) for r in trainer.unavailable],
            "max_sessions": trainer.max_sessions,
            "day_rate_eur": trainer.day_rate_eur,
        }
        for trainer in problem.trainers
    ]
    # Most seats any plan can offer: every region at its maximum with its best venue, then
    # the max_total best of those sessions.
    session_seats = sorted(
        (
            best_seats[r.id]
            for r in problem.regions
            for _ in range(problem.session_bounds(r.id).max)
        ),
        reverse=True,
    )
    if rules.sessions.max_total is not None:
        session_seats = session_seats[: rules.sessions.max_total]
    errors = [f for f in findings if f.severity == ERROR]
    return {
        "valid": True,
        "can_work": not errors,
        "data": str(problem.folder),
        "inputs": {"sha256": dict(problem.digests)},
        "regions": regions,
        "officers": len(problem.officers),
        "ngos": sum(r["ngos"] for r in regions),
        "trainers": trainers,
        "calendar": {
            "window": {"start": rules.window.start, "end": rules.window.end},
            "weekdays": list(rules.calendar.weekdays),
            "holidays": rules.calendar.holidays,
            "working_days": len(working),
            "first_working_day": working[0] if working else None,
            "last_working_day": working[-1] if working else None,
            "public_holidays": [
                {"date": day, "weekday": f"{day:%a}", "name": name}
                for day, name in problem.calendar.public_holidays.items()
            ],
            "closed": [str(r) for r in rules.calendar.closed],
            "open": [str(r) for r in rules.calendar.open],
        },
        "sessions": {
            "min_total": sum(r["sessions"]["min"] for r in regions),
            "max_by_regions": sum(r["sessions"]["max"] for r in regions),
            "max_total": rules.sessions.max_total,
            "officers_per_session": {
                "min": rules.sessions.officers.min,
                "max": rules.sessions.officers.max,
            },
            "fixed": len(rules.sessions.fixed),
        },
        "seats": {
            "sessions": len(session_seats),
            "seats": sum(session_seats),
            "officers": len(problem.officers),
        },
        "findings": [f.to_dict() for f in findings],
        "errors": len(errors),
        "warnings": sum(1 for f in findings if f.severity == WARNING),
    }


def _range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def _weekdays(names: list[str]) -> str:
    ordered = [name for name in _WEEKDAY_ORDER if name in names]
    indexes = [_WEEKDAY_ORDER.index(name) for name in ordered]
    if len(ordered) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{ordered[0].title()}-{ordered[-1].title()}"
    return ", ".join(name.title() for name in ordered) or "none"


def attendance_summary(
    attendance: Attendance, problem: ProblemData, plan: Plan | None
) -> dict[str, dict[str, int | None]]:
    """Per region of the officers: held sessions, officers present, absent, and (with a
    plan) substitutes."""
    summary: dict[str, dict[str, int | None]] = {
        region: {**counts, "substitutes": None}
        for region, counts in attendance_by_region(attendance, problem).items()
    }
    if plan is not None:
        rostered = {s.id: set(s.officers) for s in plan.sessions}
        for region in summary:
            summary[region]["substitutes"] = 0
        for row in attendance.rows:
            if row.status == "present" and row.officer_id not in rostered.get(row.session_id, ()):
                region = problem.officer_by_id[row.officer_id].region
                summary[region]["substitutes"] = (summary[region]["substitutes"] or 0) + 1
    return summary


def render_summary(document: dict[str, Any]) -> None:
    """Print the summary of :func:`validation_summary` as rich tables and lines."""
    console = common.stdout_console()
    console.soft_wrap = True  # one line per finding: the terminal wraps, greps still match
    console.print(f"[bold]Data folder[/] {escape(document['data'])}")

    regions = Table(title="Regions", title_justify="left")
    for column in ("region", "districts", "officers", "venues (seats)", "NGOs", "sessions"):
        regions.add_column(
            column, justify="left" if column in ("region", "venues (seats)") else "right"
        )
    for region in document["regions"]:
        bounds = region["sessions"]
        regions.add_row(
            escape(region["id"]),
            str(region["districts"]),
            f"{region['officers']:,}",
            escape("\n".join(f"{v['id']} ({v['capacity']})" for v in region["venues"]) or "-"),
            str(region["ngos"]),
            _range(bounds["min"], bounds["max"]),
        )
    sessions = document["sessions"]
    regions.add_section()
    regions.add_row(
        _count(len(document["regions"]), "region"),
        str(sum(r["districts"] for r in document["regions"])),
        f"{document['officers']:,}",
        _count(sum(len(r["venues"]) for r in document["regions"]), "venue"),
        str(document["ngos"]),
        _range(sessions["min_total"], sessions["max_by_regions"]),
    )
    console.print(regions)

    trainers = Table(title="Trainers", title_justify="left")
    for column in ("trainer", "name", "home", "regions", "days off", "max", "EUR/day"):
        trainers.add_column(
            column,
            justify="right" if column in ("days off", "max", "EUR/day") else "left",
        )
    for trainer in document["trainers"]:
        allowed = trainer["regions"]
        trainers.add_row(
            escape(trainer["id"]),
            escape(trainer["name"]),
            escape(trainer["home"]),
            "all" if allowed is None else escape(", ".join(allowed) or "none"),
            str(trainer["leave_working_days"]),
            "-" if trainer["max_sessions"] is None else str(trainer["max_sessions"]),
            f"{trainer['day_rate_eur']:,.2f}",
        )
    console.print(trainers)

    calendar = document["calendar"]
    window = calendar["window"]
    days = f"{calendar['working_days']} working days ({_weekdays(calendar['weekdays'])})"
    if calendar["working_days"]:
        days += f", first {calendar['first_working_day']}, last {calendar['last_working_day']}"
    console.print(f"[bold]Window[/] {window['start']}..{window['end']}: {days}")
    holidays = calendar["public_holidays"]
    if calendar["holidays"] is None:
        console.print("[bold]Public holidays[/]: none (calendar.holidays is null)")
    else:
        listed = "; ".join(f"{h['date']} {h['weekday']} {escape(h['name'])}" for h in holidays)
        console.print(
            f"[bold]Public holidays[/] ({calendar['holidays']}) in the window: {listed or 'none'}"
        )
    for key in ("closed", "open"):
        if calendar[key]:
            console.print(f"[bold]calendar.{key}[/]: {', '.join(calendar[key])}")

    seats = document["seats"]
    limit = sessions["max_total"]
    capped = f", max_total {limit}" if limit is not None else ""
    officers_per_session = sessions["officers_per_session"]
    colour = "green" if seats["seats"] >= seats["officers"] else "yellow"
    console.print(
        f"[bold]Seats[/] [{colour}]{seats['seats']:,}[/] in at most {seats['sessions']} sessions "
        f"({officers_per_session['min']}-{officers_per_session['max']} officers a session"
        f"{capped}) for {seats['officers']:,} officers"
        + (f"; {_count(sessions['fixed'], 'fixed session')}" if sessions["fixed"] else "")
    )

    _render_attendance(document.get("attendance"), document.get("attendance_file"))
    findings = document["findings"]
    errors = [f for f in findings if f["severity"] == ERROR]
    warnings = [f for f in findings if f["severity"] == WARNING]
    if errors:
        console.print("[bold red]Cannot work[/] (no plan can exist while these stand):")
        for finding in errors:
            console.print(f"  [red]✗ {finding['rule']}[/]: {escape(finding['message'])}")
    if warnings:
        console.print("[bold yellow]Warnings[/]:")
        for finding in warnings:
            console.print(f"  [yellow]! {finding['rule']}[/]: {escape(finding['message'])}")
    if errors:
        console.print(
            f"[bold red]The data are valid but cannot work[/]: {len(errors)} "
            f"{'error' if len(errors) == 1 else 'errors'}, "
            f"{len(warnings)} {'warning' if len(warnings) == 1 else 'warnings'}."
        )
    else:
        tail = (
            f" with {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
        )
        console.print(f"[bold green]The data are valid[/]{tail}.")


def _render_attendance(
    summary: dict[str, dict[str, int | None]] | None, source: str | None
) -> None:
    if summary is None:
        return
    table = Table(title=escape(f"Attendance ({source or 'attendance.csv'})"), title_justify="left")
    for column in ("region", "held sessions", "present", "absent", "substitutes"):
        table.add_column(column, justify="left" if column == "region" else "right")
    for region, counts in summary.items():
        subs = counts["substitutes"]
        table.add_row(
            escape(region),
            str(counts["held_sessions"]),
            str(counts["present"]),
            str(counts["absent"]),
            "-" if subs is None else str(subs),
        )
    common.stdout_console().print(table)
