"""Every command is documented and behaves as a command of this tool.

The commands are discovered from the Typer app, so a command added later is checked too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import REPO
from trafficplan.cli import app

runner = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
README = REPO / "README.md"
CI_SCRIPT = REPO / ".ci" / "run"
VENV = "python3 -m venv .venv && . .venv/bin/activate && "
"""The quick start's first step: a system Python may refuse `pip install` outside a venv."""
TEST_COMMAND = "pip install -e '.[test]' && python -m pytest"
INSTALL_AND_SOLVE = "pip install -e . && trafficplan solve"


def test_validate_is_registered() -> None:
    assert "validate" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_help_exits_0_and_mentions_data(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "--data" in result.stdout
    assert f"trafficplan {command}" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_flags_without_a_value_type(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout
    assert "--json" in result.stdout  # every command's flag, shown bare
    assert "<path>" in result.stdout  # options that take a value keep its type (--data)


def test_top_level_help_has_no_bool_and_offers_the_version() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    assert "--version" in result.stdout


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"trafficplan {version('trafficplan')}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_text(command: str) -> None:
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    undocumented = [
        param.name
        for param in click_command.params
        if not (getattr(param, "help", None) or "").strip()
    ]
    assert undocumented == []


def test_no_arguments_shows_help_with_every_command() -> None:
    result = runner.invoke(app, [])
    # no command is a usage error (exit 2), answered with the full help
    assert result.exit_code == 2
    assert "Usage: trafficplan [OPTIONS] COMMAND [ARGS]..." in result.output
    for command in COMMANDS:
        assert command in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["solev"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_module_entry_point_and_fast_help() -> None:
    # python -m trafficplan works, and --help does not import the solver or chart libraries
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['trafficplan', '--help']\n"
        "try:\n"
        "    runpy.run_module('trafficplan', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "heavy = [m for m in ('ortools', 'plotly') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "validate" in result.stdout
    assert "HEAVY []" in result.stdout


# ----- the documented commands are the ones CI runs ---------------------------------------------
def test_readme_quick_start_is_the_two_documented_commands() -> None:
    text = README.read_text(encoding="utf-8")
    commands = [line for line in text.splitlines() if line.startswith(VENV)]
    assert commands[:2] == [VENV + INSTALL_AND_SOLVE, VENV + TEST_COMMAND]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    # the README's venv step, then its test command, inside that venv
    script = CI_SCRIPT.read_text(encoding="utf-8")
    venv = script.index("-m venv .venv")
    activate = script.index("source .venv/bin/activate")
    assert venv < activate < script.index(TEST_COMMAND)
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert "ruff check src tests" in script
    assert "mypy" in script


def test_ci_script_is_executable() -> None:
    assert Path(CI_SCRIPT).stat().st_mode & 0o111
