"""Errors a user can cause, and the exit codes the spec gives them.

Every error that reaches the command line is one of these; the CLI prints its lines and exits
with its code, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trafficplan.checker.report import Violation


class ExitCode(IntEnum):
    """Exit codes of every command (spec section 4)."""

    OK = 0
    VIOLATIONS = 1
    USAGE = 2
    INVALID_INPUT = 3
    INFEASIBLE = 4
    NO_PLAN = 5
    INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One defect in an input file: the file, the place in it and what is wrong."""

    file: str
    place: str
    message: str

    def __str__(self) -> str:
        if self.place:
            return f"{self.file}: {self.place}: {self.message}"
        return f"{self.file}: {self.message}"


class TrafficplanError(Exception):
    """Base class of the errors a user can cause; carries its exit code."""

    exit_code: ExitCode = ExitCode.INVALID_INPUT

    def lines(self) -> list[str]:
        """The one-line messages to show the user."""
        return [str(self)]


class PlanViolationsError(TrafficplanError):
    """A plan that breaks hard rules where a command needs one that keeps them (exit 1);
    subclasses say what the command would have done."""

    exit_code = ExitCode.VIOLATIONS

    def __init__(self, source: str, violations: list[Violation]):
        self.source = source
        self.violations = violations
        super().__init__(f"{source}: the plan breaks {len(violations)} rule(s)")


class InputError(TrafficplanError):
    """The data folder (or a scenario applied to it) is invalid: one Problem per defect."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class PlanFileError(TrafficplanError):
    """A plan file is malformed or names ids unknown to the data."""

    exit_code = ExitCode.INVALID_INPUT


class UsageError(TrafficplanError):
    """A command was called with options that do not fit together."""

    exit_code = ExitCode.USAGE
