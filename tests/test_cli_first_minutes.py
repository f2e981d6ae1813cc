"""What a new user meets in the first minutes: each mistake answered with what to do, in words
the CLI prints (one line, the documented exit code, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from trafficplan.cli import app

runner = CliRunner()


def _error(args: list[str], code: int) -> str:
    """Run a command expected to fail; its one stderr line."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny data folder and its plan, solved once for the module."""
    from datafactory import tiny, write_data

    root = tmp_path_factory.mktemp("first")
    folder = write_data(root / "data", tiny())
    plan = root / "plan.json"
    result = runner.invoke(
        app, ["solve", "--data", str(folder), "--out", str(plan), "--workers", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    return folder, plan


# ----- the data folder ---------------------------------------------------------------------------
def test_outside_a_data_folder_the_error_says_to_pass_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = _error(["validate"], 3)
    assert line.startswith(f"Error: data: data folder not found in {tmp_path}")
    assert "pass --data DIR" in line


def test_a_folder_without_the_data_files_says_to_pass_data(tmp_path: Path) -> None:
    line = _error(["solve", "--data", str(tmp_path)], 3)
    assert "not a data folder (no regions.yaml, trainers.yaml, officers.csv or " in line
    assert "pass --data DIR" in line


def test_a_folder_where_a_data_file_belongs_says_so(tmp_path: Path, tiny_folder: Path) -> None:
    (tiny_folder / "trainers.yaml").unlink()
    (tiny_folder / "trainers.yaml").mkdir()
    line = _error(["validate", "--data", str(tiny_folder)], 3)
    assert line == f"Error: trainers.yaml: is a folder in {tiny_folder}, not a file"
    assert "missing" not in line


def test_a_folder_named_attendance_csv_is_not_ignored(tiny_folder: Path) -> None:
    (tiny_folder / "attendance.csv").mkdir()
    line = _error(["validate", "--data", str(tiny_folder)], 3)
    assert line == f"Error: attendance.csv: is a folder in {tiny_folder}, not a file"


def test_a_tab_in_yaml_says_indent_with_spaces(tiny_folder: Path) -> None:
    path = tiny_folder / "constraints.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    nested = next(i for i, line in enumerate(lines) if line.startswith("  "))
    lines[nested] = "\t" + lines[nested].lstrip()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = _error(["validate", "--data", str(tiny_folder)], 3)
    assert line.startswith(f"Error: constraints.yaml: line {nested + 1}: YAML syntax error:")
    assert "a tab character: indent with spaces" in line


# ----- the plan file -----------------------------------------------------------------------------
def test_a_truncated_plan_keeps_its_line_and_column(
    tmp_path: Path, solved: tuple[Path, Path]
) -> None:
    folder, plan = solved
    text = plan.read_text(encoding="utf-8")
    quote = text.index('"', text.index('"officers": [') + len('"officers": ['))
    short = tmp_path / "short.json"
    short.write_text(text[: quote + 4], encoding="utf-8")  # inside the first officer id
    line_number = text[:quote].count("\n") + 1
    column = quote - text.rfind("\n", 0, quote)
    line = _error(["check", str(short), "--data", str(folder)], 3)
    assert f"{short}: line {line_number}, column {column}: invalid JSON:" in line
    assert "Unterminated string starting here" in line
    assert "is it cut short?" in line


def test_a_broken_plan_in_the_middle_is_not_called_cut_short(
    tmp_path: Path, solved: tuple[Path, Path]
) -> None:
    folder, _plan = solved
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "format": "trafficplan-plan/1",,\n  "status": "optimal"\n}\n')
    line = _error(["check", str(bad), "--data", str(folder)], 3)
    assert "line 2, column 34: invalid JSON: Expecting property name" in line
    assert "cut short" not in line


def test_a_folder_given_as_the_plan_says_so(tmp_path: Path, solved: tuple[Path, Path]) -> None:
    folder, _plan = solved
    line = _error(["check", str(tmp_path), "--data", str(folder)], 3)
    assert line == (
        f"Error: {tmp_path}: is a folder, not a plan file (give a file such as plan.json)"
    )


# ----- replan --since and its change list ---------------------------------------------------------
def test_since_a_day_that_does_not_exist(tmp_path: Path, solved: tuple[Path, Path]) -> None:
    folder, plan = solved
    args = ["replan", str(plan), "--since", "2008-09-31", "--out", str(tmp_path / "n.json")]
    line = _error([*args, "--data", str(folder)], 2)
    assert "'2008-09-31' is not a real date: the day does not exist" in line
    assert "(September 2008 has 30 days)" in line
    assert not (tmp_path / "n.json").exists()


def test_since_after_the_window_says_there_is_nothing_to_replan(
    tmp_path: Path, solved: tuple[Path, Path]
) -> None:
    folder, plan = solved  # the tiny window ends on 2009-06-12
    out = tmp_path / "n.json"
    args = ["replan", str(plan), "--out", str(out), "--data", str(folder)]
    line = _error([*args, "--since", "2009-06-15"], 2)
    assert "--since 2009-06-15: nothing to re-plan: the window ends on 2009-06-12" in line
    assert not out.exists()
    # the last day of the window is still a day that may change
    result = runner.invoke(app, [*args, "--since", "2009-06-12"])
    assert result.exit_code == 0, result.output


def test_each_replan_writes_its_own_change_list_beside_its_out(
    tmp_path: Path, solved: tuple[Path, Path]
) -> None:
    folder, plan = solved
    for name, since in (("first.json", "2009-06-01"), ("second.json", "2009-06-08")):
        out = tmp_path / name
        args = ["replan", str(plan), "--since", since, "--out", str(out), "--data", str(folder)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        changes = out.with_suffix(".changes.csv")
        assert f"change list written to {changes}" in " ".join(result.stdout.split())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["first.changes.csv", "first.json", "second.changes.csv", "second.json"]
    for name in ("first", "second"):
        header = (tmp_path / f"{name}.changes.csv").read_text("utf-8-sig").splitlines()[0]
        assert header.startswith("session_id,")


def test_a_change_list_of_an_out_without_json_is_appended() -> None:
    from trafficplan.cli.replan import changes_path_for

    assert changes_path_for(Path("new/NEW.json")) == Path("new/NEW.changes.csv")
    assert changes_path_for(Path("plan.v2.JSON")) == Path("plan.v2.changes.csv")
    assert changes_path_for(Path("plan")) == Path("plan.changes.csv")
