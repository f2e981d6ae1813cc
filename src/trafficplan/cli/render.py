"""Rich renderings of a plan for the terminal: schedule, week calendar, objectives, loads."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from rich.table import Table

from trafficplan.inputs.calendar import iso_week
from trafficplan.inputs.problem import COST_COMPONENT_LABELS, COST_COMPONENTS, ProblemData
from trafficplan.plan import Plan
from trafficplan.plan.metrics import assignment_cost_eur


def _fmt(value: float | None, name: str) -> str:
    if value is None:
        return "-"
    if name == "cost_eur":
        return f"{value:,.2f}"
    if name == "travel_km":
        return f"{value:,.1f}"
    if name == "min_district_share":
        return f"{value:.4f}"
    return f"{value:,.0f}"


def objectives_table(plan: Plan) -> Table:
    """Each objective level: value, bound, gap, proven; and where a level has a tolerance,
    its own best and what it gave to later levels (spec 6.1)."""
    tolerant = any(o.tolerance is not None for o in plan.objectives)
    table = Table(title="Objectives (lexicographic, first wins)", title_justify="left")
    columns = ["level", "objective", "value", "bound", "gap", "proven"]
    if tolerant:
        columns += ["tolerance", "best", "given"]
    numeric = {"value", "bound", "gap", "best", "given"}
    for column in columns:
        table.add_column(column, justify="right" if column in numeric else "left")
    for index, objective in enumerate(plan.objectives, start=1):
        gap = objective.gap
        row = [
            str(index),
            objective.name,
            _fmt(objective.value, objective.name),
            _fmt(objective.bound, objective.name),
            "-" if gap is None else f"{gap:.2%}",
            "[green]yes[/]" if objective.proven else "[yellow]no[/]",
        ]
        if tolerant:
            row += [
                objective.tolerance or "-",
                _fmt(objective.best, objective.name) if objective.tolerance else "-",
                _fmt(objective.given, objective.name) if objective.tolerance else "-",
            ]
        table.add_row(*row)
    return table


def cost_table(plan: Plan) -> Table:
    """``cost_eur`` by component (spec 6.6): EUR and share of the total, and the total."""
    table = Table(title="Cost by component", title_justify="left")
    for column in ("component", "EUR", "share"):
        table.add_column(column, justify="left" if column == "component" else "right")
    parts = plan.metrics.get("cost_components") or {}
    total = plan.metrics.get("cost_eur") or 0.0
    for name in COST_COMPONENTS:
        amount = parts.get(name, 0.0)
        share = f"{amount / total:.1%}" if total else "-"
        table.add_row(COST_COMPONENT_LABELS[name], f"{amount:,.2f}", share)
    table.add_row("[bold]total[/]", f"[bold]{total:,.2f}[/]", "100.0%" if total else "-")
    return table


def region_schedule_table(data: ProblemData, plan: Plan, region_id: str) -> Table:
    """One region's sessions: date, venue, trainers, NGOs, officers."""
    region = data.region_by_id[region_id]
    sessions = sorted((s for s in plan.sessions if s.region == region_id), key=lambda s: s.date)
    total = len(data.officers_by_region[region_id])
    trained = sum(len(s.officers) for s in sessions)
    table = Table(
        title=f"{region.name}: {len(sessions)} sessions, {trained}/{total} officers",
        title_justify="left",
    )
    for column in ("session", "date", "venue", "trainers", "NGOs", "officers"):
        table.add_column(column, justify="right" if column == "officers" else "left")
    for session in sessions:
        table.add_row(
            session.id,
            f"{session.date:%a %Y-%m-%d}",
            data.venue_by_id[session.venue].name
            if session.venue in data.venue_by_id
            else session.venue,
            ", ".join(session.trainers),
            ", ".join(session.ngos),
            str(len(session.officers)),
        )
    return table


def week_calendar_table(data: ProblemData, plan: Plan) -> Table:
    """Week by week (ISO weeks), the regions with sessions on each weekday."""
    by_week: dict[tuple[int, int], dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for session in plan.sessions:
        by_week[iso_week(session.date)][session.date.weekday()].append(session.region)
    window = data.constraints.window
    weekdays = sorted({s.date.weekday() for s in plan.sessions} | {0, 1, 2, 3, 4})
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    table = Table(title="Week by week", title_justify="left")
    table.add_column("week")
    for weekday in weekdays:
        table.add_column(names[weekday])
    holidays = data.calendar.public_holidays
    monday = window.start - timedelta(days=window.start.weekday())
    while monday <= window.end:
        week = iso_week(monday)
        cells = []
        for weekday in weekdays:
            day = monday + timedelta(days=weekday)
            regions = by_week.get(week, {}).get(weekday, [])
            if regions:
                cells.append("\n".join(sorted(regions)))
            elif day in holidays:
                cells.append("[dim]holiday[/]")
            elif not window.start <= day <= window.end:
                cells.append("[dim]·[/]")
            else:
                cells.append("")
        table.add_row(f"{monday:%d %b}", *cells)
        monday += timedelta(days=7)
    return table


def trainer_load_table(data: ProblemData, plan: Plan) -> Table:
    """Per trainer: sessions, regions, days, cost."""
    loads: Counter[str] = Counter()
    regions: dict[str, set[str]] = defaultdict(set)
    cost: dict[str, float] = defaultdict(float)
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    for session in plan.sessions:
        for trainer_id in session.trainers:
            loads[trainer_id] += 1
            regions[trainer_id].add(session.region)
            if trainer_id in data.trainer_by_id and session.venue in data.venue_by_id:
                cost[trainer_id] += assignment_cost_eur(data, trainer_id, session.venue)
            first[trainer_id] = min(first.get(trainer_id, session.date), session.date)
            last[trainer_id] = max(last.get(trainer_id, session.date), session.date)
    table = Table(title="Trainer loads", title_justify="left")
    for column in ("trainer", "name", "home", "sessions", "regions", "first", "last", "cost EUR"):
        table.add_column(column, justify="right" if column in ("sessions", "cost EUR") else "left")
    for trainer in data.trainers:
        table.add_row(
            trainer.id,
            trainer.name,
            trainer.home.city,
            str(loads.get(trainer.id, 0)),
            ", ".join(sorted(regions.get(trainer.id, ()))),
            str(first.get(trainer.id, "-")),
            str(last.get(trainer.id, "-")),
            f"{cost.get(trainer.id, 0):,.2f}",
        )
    return table
