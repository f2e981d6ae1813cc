"""What every command shares: options, consoles, the error boundary, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from trafficplan.errors import ExitCode, TrafficplanError

P = ParamSpec("P")
R = TypeVar("R")

DataOption = Annotated[
    Path,
    typer.Option("--data", help="Data folder with the four input files.", show_default=True),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout instead of tables.")
]
TimeLimitOption = Annotated[
    float,
    typer.Option(
        "--time-limit", min=0.1, help="Seconds for the whole search, over all objective levels."
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed of the search.")]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="Parallel search workers (default: CPU cores).")
]

DEFAULT_DATA = Path("data")


def stdout_console() -> Console:
    """Console for human output on stdout."""
    return Console(highlight=False)


def stderr_console() -> Console:
    """Console for errors, warnings and progress on stderr."""
    return Console(stderr=True, highlight=False)


def print_json(document: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(lines: list[str], code: ExitCode) -> typer.Exit:
    """Print ``Error:`` lines on stderr and return the ``typer.Exit`` to raise."""
    console = stderr_console()
    for line in lines:
        # The message is plain text (it may quote file names holding "[...]"), never markup.
        console.print("Error:", style="bold red", end=" ", markup=False, emoji=False)
        console.print(line, markup=False, soft_wrap=True, emoji=False)
    return typer.Exit(int(code))


def error_boundary(func: Callable[P, R]) -> Callable[P, R]:
    """Turn user-caused errors into one-line messages and the documented exit codes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TrafficplanError as exc:
            raise fail(exc.lines(), exc.exit_code) from None
        except KeyboardInterrupt:
            stderr_console().print("Interrupted.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    return wrapper
