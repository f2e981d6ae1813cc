"""``trafficplan replan``: re-plan after the data changed, changing as little as possible."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from trafficplan.cli import common
from trafficplan.cli.app import app
from trafficplan.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from trafficplan.diagnostics.alternatives import Applied
    from trafficplan.plan import Plan
    from trafficplan.plan.changes import ChangeList
    from trafficplan.solver.api import SolveResult

CHANGES_SUFFIX = ".changes.csv"
"""The change list goes beside the new plan: ``NEW.json`` -> ``NEW.changes.csv``."""


@dataclass(frozen=True)
class Replanned:
    """What a re-plan produced and where it was written, for rendering."""

    plan: Plan
    changes: ChangeList
    result: SolveResult | None
    """None when nothing was solved (``--apply-alternative`` alone)."""
    out: Path
    changes_path: Path
    since: date
    alternative: Applied | None = None


def parse_since(text: str) -> date:
    """The ``--since`` date (ISO ``YYYY-MM-DD``).

    Raises:
        UsageError: not an ISO date, or a day that does not exist (exit 2).
    """
    from trafficplan.inputs.dates import parse_iso_date

    try:
        return parse_iso_date(text)
    except ValueError as exc:
        raise UsageError(f"--since: {exc}") from None


def changes_path_for(out: Path) -> Path:
    """Where the change list of a re-plan written to ``out`` goes (spec 7.6): beside it,
    ``NEW.json`` becoming ``NEW.changes.csv``, so two re-plans in one folder keep both."""
    if out.suffix.lower() == ".json":
        return out.with_suffix(CHANGES_SUFFIX)
    return out.with_name(out.name + CHANGES_SUFFIX)


def require_days_to_replan(since: date, window_end: date) -> None:
    """Refuse a ``--since`` after the window: no session could change.

    Raises:
        UsageError: naming the window's last day (exit 2).
    """
    if since > window_end:
        raise UsageError(
            f"--since {since}: nothing to re-plan: the window ends on {window_end}, "
            "so every session is before that day and stays as it was"
        )


@app.command()
@common.error_boundary
def replan(
    plan_file: Annotated[
        Path, typer.Argument(metavar="PLAN", help="The published plan (JSON) to re-plan.")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Where to write the new plan (JSON); its change list goes beside it "
            "(NEW.json: NEW.changes.csv).",
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="First day that may change (YYYY-MM-DD); sessions before it stay as they were. "
            "Required, except with --apply-alternative alone.",
        ),
    ] = None,
    data: common.DataOption = common.DEFAULT_DATA,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Change one value of the data (repeatable), e.g. "
            "'trainers.t02.unavailable=[2008-08-04..2008-08-15]'; VALUE is read as YAML.",
        ),
    ] = None,
    drop: Annotated[
        list[str] | None,
        typer.Option(
            "--drop",
            metavar="KEY",
            help="Remove an item of the data (repeatable), e.g. trainers.t02.",
        ),
    ] = None,
    save_data: Annotated[
        Path | None,
        typer.Option(
            "--save-data",
            metavar="DIR",
            help="Also write the edited data folder (the --set/--drop edits applied) to DIR.",
        ),
    ] = None,
    apply_alternative: common.ApplyAlternativeOption = None,
    attendance_path: common.AttendanceOption = None,
    time_limit: common.TimeLimitOption = 60.0,
    seed: common.SeedOption = 0,
    workers: common.WorkersOption = None,  # type: ignore[assignment]
    as_json: common.JsonOption = False,
) -> None:
    """Re-plan after the data changed: sessions before --since stay exactly as they were; the
    rest keeps every rule, trains as many officers as before if it can, and moves as few
    sessions, officers, trainers and NGOs as possible. Prints the change list and who must be
    told, writes the new plan and its change list beside it (NEW.json: NEW.changes.csv).

    With --apply-alternative SESSION:KIND=VALUE (as explain --session lists them) the
    alternative becomes the published plan: alone, it is applied as it is (no solve, checked
    by the checker); with --set/--drop and --since, the rest is then re-planned from it."""
    from trafficplan.atomic import write_bytes_atomic
    from trafficplan.diagnostics.officer import explain_unassigned
    from trafficplan.exports.bundle import UNASSIGNED_FILE
    from trafficplan.exports.cells import csv_bytes
    from trafficplan.exports.tables import UNASSIGNED_HEADER, unassigned_row
    from trafficplan.inputs import build_data, read_raw
    from trafficplan.inputs.attendance import attendance_metrics, read_plan_attendance
    from trafficplan.plan import read_plan, write_plan
    from trafficplan.plan.changes import plan_changes
    from trafficplan.plan.weights import window_weeks
    from trafficplan.scenarios.edits import (
        apply_scenario,
        build_scenario,
        plan_edits,
        write_scenario_data,
    )
    from trafficplan.solver.api import SolveOptions
    from trafficplan.solver.replan import replan as run_replan
    from trafficplan.solver.room import room_for_no_shows

    sets, drops = list(set_ or []), list(drop or [])
    if apply_alternative is not None and not sets and not drops:
        if save_data is not None:
            raise UsageError("--save-data goes with --set/--drop: nothing is edited here")
        _apply_only(plan_file, data, apply_alternative, since, out, as_json)
        return
    if since is None:
        raise UsageError(
            "replan needs --since DATE, the first day that may change (YYYY-MM-DD); "
            "only --apply-alternative alone goes without it"
        )
    first_day = parse_since(since)
    common.output_file(out, "--out")
    changes_path = common.output_file(changes_path_for(out), "the change list of --out", "")
    if save_data is not None:
        common.output_folder(save_data, "--save-data")
    common.attendance_input(attendance_path)
    old = read_plan(plan_file)
    raw = read_raw(data)
    if sets or drops:
        problem, scenario = build_scenario(raw, sets, drops)
    else:
        problem, scenario = build_data(raw), apply_scenario(raw, [], [])

    require_days_to_replan(first_day, problem.constraints.window.end)
    attendance = read_plan_attendance(data, problem, old, first_day, given=attendance_path)
    unassigned_path = out.parent / UNASSIGNED_FILE
    if attendance is not None:
        common.output_file(unassigned_path, "the unassigned.csv beside --out", "")
    start = old
    applied = None
    if apply_alternative is not None:
        applied = _alternative_of(plan_file, data, old, apply_alternative, first_day)
        start = applied.plan
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    with common.live_search(options):
        result = run_replan(problem, start, first_day, options, attendance)

    if result.plan is None:
        status = "infeasible" if result.status == "infeasible" else "unknown"
        if as_json:
            common.print_json({"status": status, "reasons": result.reasons})
        if status == "infeasible":
            raise common.fail(["no re-plan is possible:", *result.reasons], ExitCode.INFEASIBLE)
        raise common.fail(
            result.reasons or ["no plan found within the time limit"], ExitCode.NO_PLAN
        )

    plan = result.plan
    if sets or drops:
        # the plan says which edits it was made with, and of which folder
        inputs = plan.inputs.model_copy(update={"base_sha256": dict(raw.digests)})
        plan = plan.model_copy(update={"inputs": inputs, "edits": plan_edits(sets, drops)})
    no_shows: frozenset[str] = frozenset()
    if attendance is not None:
        no_shows = frozenset(attendance.no_shows)
        metrics = {**plan.metrics, **attendance_metrics(attendance)}
        plan = plan.model_copy(update={"metrics": metrics})
    window = problem.constraints.window
    changes = plan_changes(old, plan, window_weeks(window.start, window.end), no_shows)
    # every officer without a session, explained in one pass over the plan
    unassigned = explain_unassigned(plan, problem)
    unseated = {e.officer.id: e.summary()[0] for e in unassigned if e.officer.id in no_shows}
    unseated = dict(sorted(unseated.items()))
    if save_data is not None:
        write_scenario_data(scenario, save_data)
    write_plan(plan, out)
    write_bytes_atomic(changes_path, changes.csv())
    if attendance is not None:
        rows = [unassigned_row(explanation) for explanation in unassigned]
        write_bytes_atomic(unassigned_path, csv_bytes(UNASSIGNED_HEADER, rows))
    done = Replanned(plan, changes, result, out, changes_path, first_day, applied)
    rooms = room_for_no_shows(plan, problem, set(unseated)) if unseated else []
    seats_now = problem.constraints.sessions.officers.max
    if as_json:
        document = _json_document(done)
        document["no_shows_unseated"] = [{"officer": o, "reason": r} for o, r in unseated.items()]
        document["room_for_no_shows"] = [asdict(room) for room in rooms]
        common.print_json(document)
    else:
        _render(done)
        for reason in unseated.values():
            common.stdout_console().print(Text(f"No-show not seated again: {reason}"))
        for room in rooms:
            common.stdout_console().print(Text(room.sentence(seats_now)))
    if result.interrupted:
        common.stderr_console().print(
            f"Interrupted: the best plan found so far was written to {out}."
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))


# ----- --apply-alternative ----------------------------------------------------------------------
def _alternative_of(
    plan_file: Path, folder: Path, plan: Plan, text: str, since: date | None
) -> Applied:
    """The plan with the alternative ``text`` applied, against the data the plan was made
    from; with ``since``, nothing before that day may change (the new plan's
    ``frozen_before``)."""
    from trafficplan.diagnostics.alternatives import apply_alternative, parse_request
    from trafficplan.inputs.attendance import read_plan_attendance
    from trafficplan.plan import require_known_ids
    from trafficplan.scenarios.edits import load_data_for_plan

    parse_request(text)  # a malformed argument is a usage error before anything is read
    problem = load_data_for_plan(folder, plan)
    require_known_ids(plan, problem, str(plan_file))
    attendance = read_plan_attendance(folder, problem, plan)
    if since is not None:
        frozen = max(since, plan.frozen_before) if plan.frozen_before else since
        plan = plan.model_copy(update={"frozen_before": frozen})
    return apply_alternative(problem, plan, text, attendance, str(plan_file))


def _apply_only(
    plan_file: Path, folder: Path, text: str, since_text: str | None, out: Path, as_json: bool
) -> None:
    """``replan PLAN --apply-alternative ... --out NEW``: the alternative applied as it is,
    written with its change list; nothing is solved."""
    from trafficplan.atomic import write_bytes_atomic
    from trafficplan.diagnostics.alternatives import first_changeable_day
    from trafficplan.plan import read_plan, write_plan
    from trafficplan.plan.changes import plan_changes
    from trafficplan.plan.weights import window_weeks
    from trafficplan.scenarios.edits import load_data_for_plan

    since = parse_since(since_text) if since_text is not None else None
    common.output_file(out, "--out")
    changes_path = common.output_file(changes_path_for(out), "the change list of --out", "")
    old = read_plan(plan_file)
    applied = _alternative_of(plan_file, folder, old, text, since)
    problem = load_data_for_plan(folder, old)
    window = problem.constraints.window
    changes = plan_changes(old, applied.plan, window_weeks(window.start, window.end))
    write_plan(applied.plan, out)
    write_bytes_atomic(changes_path, changes.csv())
    first_day = first_changeable_day(problem, applied.plan, None)
    done = Replanned(applied.plan, changes, None, out, changes_path, first_day, applied)
    if as_json:
        common.print_json(_json_document(done))
    else:
        _render(done)


def _json_document(done: Replanned) -> dict[str, object]:
    plan, changes, result = done.plan, done.changes, done.result
    out, changes_path = done.out, done.changes_path
    frozen = plan.frozen_before
    document: dict[str, object] = {
        "status": plan.status,
        "plan_file": str(out),
        "changes_file": str(changes_path),
        "frozen_before": frozen.isoformat() if frozen is not None else None,
        "interrupted": result is not None and result.interrupted,
        "objectives": [o.to_dict() for o in plan.objectives],
        "replan_objectives": [o.to_dict() for o in plan.replan_objectives],
        "metrics": plan.metrics,
        **changes.to_json(),
        "wall_seconds": round(result.wall_seconds, 3) if result is not None else 0.0,
    }
    if done.alternative is not None:
        document["alternative"] = done.alternative.to_json()
    return document


def _listed(items: list[str], limit: int = 6) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" … (+{len(items) - limit})"


def _render(done: Replanned) -> None:
    plan, changes, result = done.plan, done.changes, done.result
    out, changes_path, since = done.out, done.changes_path, done.since
    from trafficplan.plan.changes import REPLAN_KINDS

    console = common.stdout_console()
    if done.alternative is not None:
        console.print(Text(f"Alternative applied: {done.alternative.summary()}"))
    if not changes.changes:
        console.print(f"Nothing changes: every session from {since} on stays as it was.")
    else:
        table = Table(title=f"Changes from {since} on", title_justify="left")
        headers = ("session", "change", "date", "venue", "trainers", "NGOs", "officers", "weight")
        for header in headers:
            table.add_column(header, no_wrap=header in ("session", "date"))
        for change in changes.changes:
            before, after = change.before, change.after

            def show(old: object, new: object) -> str:
                if old is None:
                    return str(new)
                if new is None:
                    return str(old)
                return str(new) if old == new else f"{old} -> {new}"

            def swap(out_ids: list[str], in_ids: list[str]) -> str:
                parts = [f"-{i}" for i in out_ids] + [f"+{i}" for i in in_ids]
                return " ".join(parts)

            officers = (
                str(len((after or before).officers))  # type: ignore[union-attr]
                if change.kind != "changed"
                else swap(
                    [str(len(change.officers_out))] if change.officers_out else [],
                    [str(len(change.officers_in))] if change.officers_in else [],
                )
            )
            table.add_row(
                Text(change.session.id),
                Text(", ".join(change.changed) or REPLAN_KINDS[change.kind]),
                Text(show(before and before.date, after and after.date)),
                Text(show(before and before.venue, after and after.venue)),
                Text(
                    swap(change.trainers_out, change.trainers_in)
                    if change.kind == "changed"
                    else ", ".join(change.session.trainers)
                ),
                Text(
                    swap(change.ngos_out, change.ngos_in)
                    if change.kind == "changed"
                    else ", ".join(change.session.ngos)
                ),
                Text(officers),
                Text(str(changes.weight(change))),
            )
        console.print(table)
        notify = changes.to_notify()
        who = Table(title="Who must be told", title_justify="left")
        who.add_column("kind")
        who.add_column("count", justify="right")
        who.add_column("ids")
        for kind, ids in notify.items():
            if ids:
                who.add_row(kind, str(len(ids)), Text(_listed(ids)))
        console.print(who)
    counts = changes.counts()
    metrics = plan.metrics
    console.print(
        f"[bold]{plan.status}[/]: {metrics['officers_trained']}/{metrics['officers_total']} "
        f"officers trained in {metrics['sessions']} sessions, cost {metrics['cost_eur']:,.2f} EUR; "
        f"{counts['moved']} session(s) moved, {counts['added']} added, "
        f"{counts['cancelled']} cancelled, {counts['changed_otherwise']} with other changes "
        f"(weight {counts['change_weight']}); {counts['officers_moved']} officer(s) moved, "
        f"{counts['officers_dropped']} dropped, {counts['reseated']} no-show(s) seated again. "
        + (f"Solved in {result.wall_seconds:.1f}s." if result is not None else "Nothing solved.")
    )
    console.print(
        Text(f"New plan written to {out}; change list written to {changes_path}."), soft_wrap=True
    )
