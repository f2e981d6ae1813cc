"""Rich renderings of a plan for the terminal: schedule, week calendar, objectives, loads."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from rich.table import Table

from trafficplan.inputs.calendar import iso_week
from trafficplan.inputs.problem import COST_COMPONENT_LABELS, COST_COMPONENTS, ProblemData
from trafficplan.plan import Plan
from trafficplan.plan.levels import level_claims
from trafficplan.plan.metrics import assignment_cost_eur


def objectives_table(plan: Plan) -> Table:
    """Each objective level: value, bound, gap, proven; and where a level has a tolerance,
    the tolerance with its allowance, its own best and what it gave to later levels (spec
    6.1). Every cell comes from the level's claim (:mod:`trafficplan.plan.levels`): a
    tolerant level's ``proven`` reads ``best: yes`` (its best is what was proven) and its gap
    is its best's."""
    claims = level_claims(plan.objectives)
    tolerant = any(claim.tolerance is not None for claim in claims)
    table = Table(title="Objectives (lexicographic, first wins)", title_justify="left")
    columns = ["level", "objective", "value", "bound", "gap", "proven"]
    if tolerant:
        columns += ["tolerance", "best", "given"]
    numeric = {"value", "bound", "gap", "best", "given"}
    for column in columns:
        table.add_column(column, justify="right" if column in numeric else "left")
    for claim in claims:
        row = [
            str(claim.position),
            claim.name,
            claim.cell(claim.value),
            claim.cell(claim.bound),
            claim.gap_cell,
            f"[green]{claim.proven_cell}[/]" if claim.proven else "[yellow]no[/]",
        ]
        if tolerant:
            allowance = claim.allowance
            row += [
                claim.tolerance_cell
                if allowance is None
                else f"{claim.tolerance} = {claim.cell(allowance)}",
                claim.best_cell,
                claim.given_cell,
            ]
        table.add_row(*row)
    return table


def objective_notes(plan: Plan) -> list[str]:
    """One line per level that is not simply proven at its best: what its tolerance allowed
    and gave, or how far from its bound it is."""
    return [
        f"{claim.name}: {claim.proof()}."
        for claim in level_claims(plan.objectives)
        if claim.kind != "proven"
    ]


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
