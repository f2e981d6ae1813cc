"""Every command that writes checks its output paths before any work: a path that cannot be
written is a usage error (exit 2) in one line naming it, never a traceback after the solve."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from trafficplan.cli import app
from trafficplan.cli.common import output_file, output_folder
from trafficplan.errors import UsageError

runner = CliRunner()
UNWRITABLE = Path("/proc/trafficplan-test")
"""A folder no one can create files in (the process table is not a file system for files)."""

needs_proc = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def _file(tmp_path: Path) -> Path:
    file = tmp_path / "plan.json"
    file.write_text("{}", encoding="utf-8")
    return file


# (command line before the path, the path as a function of tmp_path, words of the message);
# the data folder does not exist: a data error (exit 3) would mean the path was checked late
CASES = [
    ("solve --out", lambda t: _folder(t), "is a folder; give a file name such as"),
    ("solve --out", lambda t: _file(t) / "sub.json", "plan.json is a file, not a folder"),
    ("solve --out", lambda t: UNWRITABLE / "x.json", "no folder can be created in /proc"),
    ("solve --out", lambda t: Path("/proc/x.json"), "no file can be created in /proc"),
    ("replan PLAN --since 2008-09-01 --out", lambda t: _folder(t), "is a folder"),
    ("replan PLAN --since 2008-09-01 --out", lambda t: Path("/proc/x.json"), "/proc"),
    (
        "replan PLAN --since 2008-09-01 --out new.json --save-data",
        lambda t: _file(t),
        "is a file, not a folder",
    ),
    ("whatif --set sessions.officers.max=30 --out-dir", lambda t: _file(t), "not a folder"),
    ("whatif --set sessions.officers.max=30 --out-dir", lambda t: UNWRITABLE, "/proc"),
    ("capacity --vary sessions.officers.max=24..25 --out-dir", lambda t: UNWRITABLE, "/proc"),
    ("tradeoff cost_eur max_trainer_sessions --out-dir", lambda t: UNWRITABLE / "a", "/proc"),
    ("tradeoff cost_eur max_trainer_sessions --out-dir", lambda t: _file(t), "not a folder"),
    ("export PLAN --out", lambda t: _file(t), "is a file, not a folder"),
    ("export PLAN --out", lambda t: UNWRITABLE / "e", "no folder can be created in /proc"),
    ("report PLAN --html", lambda t: _folder(t), "give a file name such as"),
    ("report PLAN --html", lambda t: Path("/proc/r.html"), "no file can be created in /proc"),
    ("report PLAN --html r.html --png", lambda t: _file(t), "is a file, not a folder"),
]


@needs_proc
@pytest.mark.parametrize(("command", "path_of", "words"), CASES)
def test_an_unwritable_output_is_a_usage_error_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, path_of, words: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = path_of(tmp_path)
    args = [a.replace("PLAN", str(tmp_path / "absent-plan.json")) for a in command.split()]
    result = runner.invoke(app, [*args, str(path), "--data", str(tmp_path / "no-data")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert str(path) in lines[0]
    assert words in lines[0]
    assert "Traceback" not in result.output
    # nothing was written: no probe file left behind, no plan
    assert {p.name for p in tmp_path.iterdir()} <= {"exports", "plan.json"}


def test_replan_refuses_a_change_list_path_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "new.changes.csv").mkdir()
    args = ["replan", str(tmp_path / "p.json"), "--since", "2008-09-01"]
    args += ["--out", str(tmp_path / "new.json"), "--data", str(tmp_path / "no-data")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"the change list of --out {tmp_path / 'new.changes.csv'}: is a folder" in (
        result.stderr
    )


# ----- the helper, both ways --------------------------------------------------------------------
def test_writable_paths_pass_and_leave_nothing_behind(tmp_path: Path) -> None:
    existing = _file(tmp_path)
    assert output_file(existing, "--out") == existing  # an existing file is replaced
    assert output_file(tmp_path / "a" / "b" / "plan.json", "--out")  # folders created later
    assert output_folder(tmp_path / "exports", "--out") == tmp_path / "exports"
    assert output_folder(tmp_path, "--out") == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


@needs_proc
def test_unwritable_paths_raise_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        output_file(tmp_path, "--out")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        output_folder(_file(tmp_path), "--out-dir")
    with pytest.raises(UsageError, match=r"plan\.json is a file, not a folder"):
        output_file(tmp_path / "plan.json" / "deeper" / "x.json", "--out")
    with pytest.raises(UsageError, match="no file can be created in /proc"):
        output_file(Path("/proc/x.json"), "--out")
