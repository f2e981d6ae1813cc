"""The Typer application every command module registers itself on."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup


class _FlagsShowNoType:
    """Help without a value type after a flag: ``--json``, not ``--json <bool>``."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""  # the help shows the metavar, when set, as the type
        return params


class Command(_FlagsShowNoType, TyperCommand):
    """A trafficplan command; its help text's paragraphs are rewrapped to the terminal (the
    line breaks of a docstring are not kept, which the rich help would otherwise do)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        text = kwargs.get("help")
        if text:
            paragraphs = inspect.cleandoc(text).split("\n\n")
            kwargs["help"] = "\n\n".join(" ".join(p.split()) for p in paragraphs)
        super().__init__(*args, **kwargs)


class Group(_FlagsShowNoType, TyperGroup):
    """The ``trafficplan`` command group."""


class App(typer.Typer):
    """A Typer application whose commands are :class:`Command`."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)


app = App(
    name="trafficplan",
    help="Plan and optimise a regional training programme (CP-SAT).",
    cls=Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


def _print_version(value: bool) -> None:
    if value:
        from trafficplan import __version__

        typer.echo(f"trafficplan {__version__}")
        raise typer.Exit()


@app.callback()
def _commands(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Plan and optimise a regional training programme (CP-SAT)."""
    # A callback keeps `trafficplan COMMAND` a command group even while only one command is
    # registered; without it Typer would run that lone command as the program itself.
