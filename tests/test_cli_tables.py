"""Tables a person can read: at 80 columns, on a terminal or redirected, no number, date or id
is cut (no ``…``), and numbers carry thousands separators."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from conftest import SHIPPED_DATA
from trafficplan.cli import app
from trafficplan.cli.common import WholeCellsConsole
from trafficplan.plan import read_plan

runner = CliRunner()
NARROW = {"COLUMNS": "80"}


def _numbers_table() -> Table:
    table = Table(title="Costs")
    for header in ("region", "venue", "sessions", "officers", "cost EUR", "first", "last"):
        table.add_column(header, justify="right" if header in ("sessions", "cost EUR") else "left")
    table.add_row(
        "khmelnytskyi", "Regional police directorate, training hall", "6", "1,800",
        "58,681.86", "2008-07-16", "2008-10-31",
    )  # fmt: skip
    return table


def _render(console: Console, table: Table) -> str:
    with console.capture() as captured:
        console.print(table)
    return captured.get()


# ----- the console, on a terminal and redirected -------------------------------------------------
def test_a_plain_console_cuts_numbers_and_ours_does_not() -> None:
    plain = _render(Console(force_terminal=True, width=80, color_system=None), _numbers_table())
    assert "…" in plain  # what the CLI printed before: `58,68…`, `2008-0…`
    ours = _render(
        WholeCellsConsole(force_terminal=True, width=80, color_system=None), _numbers_table()
    )
    assert "…" not in ours
    for cell in ("khmelnytskyi", "1,800", "58,681.86", "2008-07-16", "2008-10-31"):
        assert cell in ours


def test_on_a_terminal_the_words_wrap_and_the_numbers_stay_whole() -> None:
    ours = _render(
        WholeCellsConsole(force_terminal=True, width=100, color_system=None), _numbers_table()
    )
    assert "…" not in ours
    assert all(len(line) <= 100 for line in ours.splitlines())
    assert "│ Regional police directorate, training hall │" not in ours
    assert "│ 2008-07-16 │ 2008-10-31 │" in ours


def test_a_table_too_wide_for_the_terminal_is_stacked_not_cut() -> None:
    text = _render(
        WholeCellsConsole(force_terminal=True, width=40, color_system=None), _numbers_table()
    )
    assert "…" not in text
    assert all(len(line) <= 40 for line in text.splitlines())
    assert re.search(r"^cost EUR +58,681\.86", text, re.MULTILINE)
    assert re.search(r"^first +2008-07-16", text, re.MULTILINE)
    assert text.startswith("Costs\n")


def test_redirected_a_table_keeps_every_row_on_one_line() -> None:
    text = _render(WholeCellsConsole(width=60, color_system=None), _numbers_table())
    assert "…" not in text
    row = next(line for line in text.splitlines() if "khmelnytskyi" in line)
    for cell in ("Regional police directorate, training hall", "58,681.86", "2008-10-31"):
        assert cell in row


def test_a_table_that_fits_is_left_as_rich_lays_it_out() -> None:
    table = Table()
    table.add_column("a")
    table.add_row("1,800")
    ours = _render(WholeCellsConsole(force_terminal=True, width=80, color_system=None), table)
    assert ours == _render(Console(force_terminal=True, width=80, color_system=None), table)


def test_tradeoff_values_for_people_have_thousands_separators() -> None:
    from trafficplan.scenarios.tradeoff import value_shown, value_text

    assert value_shown("cost_eur", 58681.857) == "58,681.86"
    assert value_shown("travel_km", 34269.04) == "34,269.0"
    assert value_shown("officers_trained", 1800) == "1,800"
    assert value_text("cost_eur", 58681.857) == "58681.86"  # files keep plain numbers


# ----- every command's tables at 80 columns -------------------------------------------------------
@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The shipped data solved once at 80 columns: the plan file and what solve printed."""
    if not (SHIPPED_DATA / "regions.yaml").exists():
        pytest.skip("the shipped data folder is not there")
    plan = tmp_path_factory.mktemp("tables") / "plan.json"
    args = ["solve", "--data", str(SHIPPED_DATA), "--out", str(plan), "--workers", "2"]
    result = runner.invoke(app, args, env=NARROW)
    assert result.exit_code == 0, result.output
    return plan, result.stdout


def _whole(text: str) -> None:
    # rich marks a cut cell with "…" right after its last character kept (`58,68…`); the
    # CLI's own "… (+4)" after a list of ids, spaced, is not a cut
    assert not re.search(r"\S…", text), text


@pytest.mark.slow
def test_solve_prints_every_session_date_and_cost_whole(shipped: tuple[Path, str]) -> None:
    plan_file, stdout = shipped
    _whole(stdout)
    plan = read_plan(plan_file)
    for session in plan.sessions:
        assert re.search(rf"{session.id} +│ {session.date:%a %Y-%m-%d}", stdout), session.id
    assert f"{plan.metrics['cost_eur']:,.2f}" in stdout
    assert f"{plan.metrics['officers_trained']:,}" in stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["check", "PLAN"],
        ["validate"],
        ["explain", "--officer", "KHA-0003", "--plan", "PLAN"],
        ["export", "PLAN", "--out", "OUT"],
    ],
    ids=["check", "validate", "explain", "export"],
)
def test_plan_commands_print_whole_cells_at_80_columns(
    shipped: tuple[Path, str], tmp_path: Path, command: list[str]
) -> None:
    plan_file, _ = shipped
    args = [a.replace("PLAN", str(plan_file)).replace("OUT", str(tmp_path)) for a in command]
    result = runner.invoke(app, [*args, "--data", str(SHIPPED_DATA)], env=NARROW)
    assert result.exit_code == 0, result.output
    _whole(result.stdout)
    if command[0] == "check":
        cost = read_plan(plan_file).metrics["cost_eur"]
        assert re.search(rf"│ cost_eur +│ +{re.escape(f'{cost:,.2f}')} │", result.stdout)
    if command[0] == "export":
        assert re.search(r"│ rosters/khmelnytskyi\.csv +│ +\d+ rows │ new", result.stdout)


def test_replan_change_table_keeps_its_words_at_80_columns(tmp_path: Path) -> None:
    from datafactory import tiny, write_data

    data = tiny()
    data["constraints"]["sessions"]["per_region"] = {"min": 2, "max": 2}
    data["constraints"]["sessions"]["max_total"] = 4
    folder = write_data(tmp_path / "data", data)
    plan_file = tmp_path / "plan.json"
    solved = runner.invoke(
        app, ["solve", "--data", str(folder), "--out", str(plan_file), "--workers", "2", "--json"]
    )
    assert solved.exit_code == 0, solved.output
    old = read_plan(plan_file)
    target = max(old.sessions, key=lambda s: (s.date, s.id))
    leave = f"trainers.{target.trainers[0]}.unavailable=[{target.date}]"
    args = ["replan", str(plan_file), "--since", "2009-06-01", "--out", str(tmp_path / "n.json")]
    result = runner.invoke(app, [*args, "--data", str(folder), "--set", leave], env=NARROW)
    assert result.exit_code == 0, result.output
    _whole(result.stdout)
    document = json.loads(
        runner.invoke(app, [*args, "--data", str(folder), "--set", leave, "--json"]).stdout
    )
    (change,) = document["changes"]
    row = next(line for line in result.stdout.splitlines() if line.startswith(f"│ {target.id}"))
    # the change kinds, whole (once cut to `of… tr… +…`), and the dates before and after
    assert f"│ {', '.join(change['what'])} │" in row
    assert f"{change['old_date']} -> {change['new_date']}" in row or change["old_date"] in row
