"""The Typer application every command module registers itself on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="trafficplan",
    help="Plan and optimise a regional training programme (CP-SAT).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


@app.callback()
def _commands() -> None:
    """Plan and optimise a regional training programme (CP-SAT)."""
    # A callback keeps `trafficplan COMMAND` a command group even while only one command is
    # registered; without it Typer would run that lone command as the program itself.
