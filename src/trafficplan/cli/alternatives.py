"""``trafficplan explain --session ID --plan PLAN``: what else one session could be.

Not a command of its own: ``explain`` calls :func:`explain_session`. Tables for people, one
JSON document with ``--json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from trafficplan.cli import common

if TYPE_CHECKING:
    from trafficplan.diagnostics.alternatives import Judged, Kind, SessionAlternatives

TITLES = {
    "trainer": ("Other trainers", "Trainers it cannot have"),
    "date": ("Other dates", "Dates it cannot move to"),
    "venue": ("Other venues the same day", "Venues it cannot move to"),
    "ngo": ("Other NGOs", "NGOs it cannot have"),
}
SHOWN_MOVED = 4


def explain_session(
    folder: Path, plan_path: Path, session_id: str, as_json: bool, show_all: bool
) -> None:
    """Print the alternatives of one session of the plan (``--json``: one document)."""
    from trafficplan.diagnostics.alternatives import SHOWN_PER_KIND, session_alternatives

    plan, data, attendance = common.read_plan_inputs(plan_path, folder, None)
    answer = session_alternatives(data, plan, session_id, attendance, str(plan_path))
    limit = None if show_all else SHOWN_PER_KIND
    if as_json:
        common.print_json(answer.to_json(limit))
        return
    _render(answer, limit, plan_path)


def _render(answer: SessionAlternatives, limit: int | None, plan_path: Path) -> None:
    from trafficplan.diagnostics.alternatives import KINDS

    console = common.stdout_console()
    session = answer.session
    console.print(
        Text.assemble(
            ("Session ", "bold"),
            (session.id, "bold"),
            f" ({session.region}): {session.date} {session.date:%a} at {session.venue}, "
            f"trainer(s) {', '.join(session.trainers)}, NGO(s) {', '.join(session.ngos) or '-'}, "
            f"{len(session.officers)} officers. The rest of the plan stays as it is; dates from "
            f"{answer.first_day} on.",
        ),
        soft_wrap=True,
    )
    cut = False
    first_apply = None
    for kind in KINDS:
        allowed = answer.alternatives(kind)
        forbidden = answer.forbidden(kind)
        if allowed:
            shown = allowed[:limit]
            cut |= len(shown) < len(allowed)
            first_apply = first_apply or shown[0].change.text(session.id)
            console.print(_alternatives_table(kind, shown, len(allowed), session.id))
        if forbidden:
            shown = forbidden[:limit]
            cut |= len(shown) < len(forbidden)
            console.print(_forbidden_table(kind, shown, len(forbidden)))
        if not allowed and not forbidden:
            console.print(Text(f"{TITLES[kind][0]}: none to consider."))
    if cut:
        console.print(Text("--all lists every one."))
    if first_apply is not None:
        console.print(
            Text(
                f"To publish one: trafficplan replan {plan_path} --apply-alternative "
                f"{first_apply} --out NEW.json (or whatif --plan {plan_path} "
                "--apply-alternative ... to compare first)."
            ),
            soft_wrap=True,
        )
    else:
        console.print(Text("Nothing else is possible for this session with the rest fixed."))


def _value_cells(judged: Judged) -> list[Text]:
    change = judged.change
    if change.kind in ("date", "venue"):
        day = judged.session.date
        return [Text(f"{day} {day:%a}"), Text(judged.session.venue)]
    return [Text(", ".join(change.people))]


def _value_headers(kind: Kind) -> list[str]:
    if kind in ("date", "venue"):
        return ["date", "venue"]
    return ["trainers" if kind == "trainer" else "NGOs"]


def _title(text: str, shown: int, total: int) -> str:
    return f"{text} ({total})" if shown == total else f"{text} ({shown} of {total})"


def _alternatives_table(kind: Kind, shown: list[Judged], total: int, session_id: str) -> Table:
    table = Table(title=_title(TITLES[kind][0], len(shown), total), title_justify="left")
    for header in _value_headers(kind):
        table.add_column(header, no_wrap=True)
    table.add_column("cost EUR", justify="right", no_wrap=True)
    table.add_column("weight", justify="right")
    table.add_column("officers moved")
    table.add_column("--apply-alternative", no_wrap=True)
    for judged in shown:
        moved = judged.officers_moved
        who = "-"
        if moved:
            listed = ", ".join(moved[:SHOWN_MOVED])
            more = f" +{len(moved) - SHOWN_MOVED}" if len(moved) > SHOWN_MOVED else ""
            who = f"{len(moved)}: {listed}{more}"
        table.add_row(
            *_value_cells(judged),
            f"{judged.cost_delta_eur:+,.2f}",
            str(judged.change_weight),
            Text(who),
            Text(judged.change.text(session_id)),
        )
    return table


def _forbidden_table(kind: Kind, shown: list[Judged], total: int) -> Table:
    table = Table(title=_title(TITLES[kind][1], len(shown), total), title_justify="left")
    for header in _value_headers(kind):
        table.add_column(header, no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("why", overflow="fold")
    for judged in shown:
        others = len({v.rule for v in judged.violations}) - 1
        also = f" (and {others} more rule{'s' if others > 1 else ''})" if others > 0 else ""
        table.add_row(
            *_value_cells(judged),
            Text(judged.rule or ""),
            Text((judged.message or "") + also),
        )
    return table
