"""Capacity analysis: solve one scenario per value of a key and find where a target is reached.

``trafficplan capacity --vary KEY=A..B[:STEP]`` (spec section 4). Values run from A to B, both
included, by STEP: integers (default step 1), decimals, or dates (``2008-09-15..2008-10-31:7d``,
default ``1d``). Each value is one ``--set KEY=value`` scenario
(:mod:`trafficplan.scenarios.edits`), solved in its own process; results are collected by
value, so they do not depend on which process finished first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from trafficplan.errors import InputError, UsageError
from trafficplan.inputs.dates import parse_iso_date
from trafficplan.inputs.loading import RawData, build_data
from trafficplan.scenarios.edits import apply_scenario, parse_key
from trafficplan.scenarios.runs import ScenarioTask, TaskOutcome, solve_tasks

MAX_VALUES = 200
ValueKind = Literal["int", "decimal", "date"]
SweepValue = int | Decimal | date

_INT = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_STEP = re.compile(r"^(\d+)\s*([dw]?)$")


# ----- what to vary and what to reach ------------------------------------------------------------
@dataclass(frozen=True)
class Sweep:
    """A key and the values it takes, in ascending order."""

    key: str
    kind: ValueKind
    values: tuple[SweepValue, ...]

    def text(self, value: SweepValue) -> str:
        """A value as written after ``KEY=`` (dates ISO, decimals as given)."""
        return value.isoformat() if isinstance(value, date) else str(value)

    def assignment(self, value: SweepValue) -> str:
        """The ``KEY=VALUE`` scenario of one value."""
        return f"{self.key}={self.text(value)}"


def parse_vary(text: str) -> Sweep:
    """Parse ``KEY=A..B[:STEP]`` into the values to solve (A and B both included).

    When STEP does not land on B, B is added as the last value.

    Raises:
        UsageError: a malformed form, B < A, a step of zero or less, mixed types, or more than
            :data:`MAX_VALUES` values.
    """
    key_text, sep, span = text.partition("=")
    if not sep:
        raise UsageError(f"--vary {text[:60]!r}: expected KEY=A..B[:STEP], e.g. {_EXAMPLE}")
    key = parse_key(key_text, option="--vary")
    span, _, step_text = span.partition(":")
    low_text, dots, high_text = span.strip().partition("..")
    if not dots or not low_text.strip() or not high_text.strip():
        raise UsageError(f"--vary {key}: expected a range A..B[:STEP], e.g. {_EXAMPLE}")
    low_kind, low = _scalar(key, low_text)
    high_kind, high = _scalar(key, high_text)
    kinds = {low_kind, high_kind}
    if "date" in kinds and kinds != {"date"}:
        raise UsageError(f"--vary {key}: A and B mix a date and a number")
    kind: ValueKind = "date" if "date" in kinds else "decimal" if "decimal" in kinds else "int"
    step_text = step_text.strip()
    if kind == "date":
        assert isinstance(low, date) and isinstance(high, date)
        return Sweep(key, kind, _date_values(key, low, high, step_text))
    assert isinstance(low, int | Decimal) and isinstance(high, int | Decimal)
    step_kind, step = _scalar(key, step_text, what="STEP") if step_text else ("int", 1)
    if step_kind == "date":
        raise UsageError(f"--vary {key}: STEP must be a number for a numeric range")
    assert isinstance(step, int | Decimal)
    if step_kind == "decimal":
        kind = "decimal"
    if kind == "decimal":
        low, high, step = Decimal(low), Decimal(high), Decimal(step)
    return Sweep(key, kind, _number_values(key, low, high, step))


_EXAMPLE = "sessions.officers.max=20..30 or window.end=2008-09-15..2008-10-31:7d"


def _scalar(key: str, text: str, what: str = "A..B") -> tuple[ValueKind, SweepValue]:
    text = text.strip()
    if _INT.match(text):
        return "int", int(text)
    if _DECIMAL.match(text):
        try:
            return "decimal", Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            pass
    if _DATE.match(text):
        try:
            return "date", parse_iso_date(text)
        except ValueError as exc:
            raise UsageError(f"--vary {key}: {exc}") from None
    raise UsageError(f"--vary {key}: {what} must be numbers or YYYY-MM-DD dates, got {text[:30]!r}")


def _number_values(
    key: str, low: int | Decimal, high: int | Decimal, step: int | Decimal
) -> tuple[SweepValue, ...]:
    if high < low:
        raise UsageError(f"--vary {key}: the range ends ({high}) before it starts ({low})")
    if step <= 0:
        raise UsageError(f"--vary {key}: STEP must be greater than 0, got {step}")
    count = int((high - low) // step) + 1
    _check_count(key, count)
    values: list[SweepValue] = [low + index * step for index in range(count)]
    if values[-1] != high:
        values.append(high)
    return tuple(values)


def _date_values(key: str, low: date, high: date, step_text: str) -> tuple[SweepValue, ...]:
    if high < low:
        raise UsageError(f"--vary {key}: the range ends ({high}) before it starts ({low})")
    match = _DAY_STEP.match(step_text or "1d")
    if match is None:
        raise UsageError(
            f"--vary {key}: a date STEP is days or weeks such as 7d or 2w, got {step_text[:20]!r}"
        )
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    if days <= 0:
        raise UsageError(f"--vary {key}: STEP must be greater than 0")
    count = (high - low).days // days + 1
    _check_count(key, count)
    values: list[SweepValue] = [low + timedelta(days=index * days) for index in range(count)]
    if values[-1] != high:
        values.append(high)
    return tuple(values)


def _check_count(key: str, count: int) -> None:
    if count > MAX_VALUES:
        raise UsageError(
            f"--vary {key}: {count} values is too many (at most {MAX_VALUES}); use a larger STEP"
        )


@dataclass(frozen=True)
class Target:
    """What a value must reach: ``officers_trained`` of all officers, or at least ``count``."""

    count: int | None = None  # None: every officer

    def __str__(self) -> str:
        return "officers_trained=all" if self.count is None else f"officers_trained={self.count}"

    def reached(self, metrics: dict[str, Any] | None) -> bool:
        """Whether a plan with these metrics reaches the target."""
        if metrics is None:
            return False
        needed = metrics["officers_total"] if self.count is None else self.count
        return bool(metrics["officers_trained"] >= needed)


def parse_target(text: str) -> Target:
    """Parse ``officers_trained=all`` or ``officers_trained=N``.

    Raises:
        UsageError: any other form.
    """
    name, sep, amount = (part.strip() for part in text.partition("="))
    if name != "officers_trained" or not sep:
        raise UsageError(
            f"--target {text[:40]!r}: expected officers_trained=all or officers_trained=N"
        )
    if amount == "all":
        return Target(None)
    if amount.isdigit():
        return Target(int(amount))
    raise UsageError(f"--target {text[:40]!r}: N must be a whole number of officers, or 'all'")


# ----- one value ---------------------------------------------------------------------------------
@dataclass
class PointResult:
    """The outcome of one value: solve status, metrics of its plan, or why it was not solved.

    ``status`` is a solver status, ``invalid`` (the value makes the data invalid; ``reasons``
    says how), ``not run`` (interrupted before it started) or ``error``.
    """

    index: int
    value: str
    status: str
    reasons: list[str] = field(default_factory=list)
    metrics: dict[str, Any] | None = None
    objectives: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    @classmethod
    def of(cls, value: str, outcome: TaskOutcome) -> PointResult:
        """The row of one value from its task's outcome."""
        plan = outcome.result.plan if outcome.result is not None else None
        objectives = [
            {"name": o.name, "value": o.value, "bound": o.bound, "proven": o.proven}
            for o in (plan.objectives if plan is not None else [])
        ]
        return cls(
            outcome.index,
            value,
            outcome.status,
            list(outcome.reasons),
            outcome.metrics,
            objectives,
            outcome.seconds,
            outcome.interrupted,
        )

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "value": self.value,
            "status": self.status,
            "reasons": list(self.reasons),
            "metrics": self.metrics,
            "objectives": self.objectives,
            "seconds": round(self.seconds, 2),
            "interrupted": self.interrupted,
        }


# ----- the sweep ---------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """Every value's result, in value order, and whether the sweep was interrupted."""

    sweep: Sweep
    target: Target
    points: list[PointResult]
    interrupted: bool = False

    @property
    def smallest_reaching(self) -> PointResult | None:
        """The smallest value whose plan reaches the target (None if none does)."""
        return next((p for p in self.points if self.target.reached(p.metrics)), None)

    @property
    def unproven_below(self) -> list[PointResult]:
        """Values below the answer (or all, if none reached) not shown to miss the target.

        A value that missed the target without proving optimality might reach it with more
        time, so the answer is an upper bound until these are proven.
        """
        answer = self.smallest_reaching
        below = self.points if answer is None else self.points[: answer.index]
        return [p for p in below if p.status not in ("optimal", "infeasible", "invalid")]

    def to_json(self) -> dict[str, Any]:
        """The sweep as a JSON-ready dict."""
        answer = self.smallest_reaching
        return {
            "key": self.sweep.key,
            "target": str(self.target),
            "points": [p.to_json() for p in self.points],
            "smallest_reaching": None if answer is None else answer.value,
            "unproven_below": [p.value for p in self.unproven_below],
            "interrupted": self.interrupted,
        }


def default_workers(jobs: int) -> int:
    """Search workers per solve when ``jobs`` solves run at once: the cores shared out."""
    return max(1, (os.cpu_count() or 1) // jobs)


def plan_sweep(raw: RawData, sweep: Sweep) -> list[PointResult | None]:
    """Check every value's data before solving anything.

    Returns one entry per value: an ``invalid`` result where the value makes the data
    invalid, None where it can be solved.

    Raises:
        UsageError: a malformed key (exit 2).
        InputError: a key that names nothing valid (exit 3), or data invalid for every value
            (the first value's problems).
    """
    checked: list[PointResult | None] = []
    first_error: InputError | None = None
    for index, value in enumerate(sweep.values):
        scenario = apply_scenario(raw, [sweep.assignment(value)], [])
        try:
            build_data(scenario.raw)
        except InputError as exc:
            first_error = first_error or exc
            checked.append(PointResult(index, sweep.text(value), "invalid", exc.lines()))
            continue
        checked.append(None)
    if first_error is not None and all(entry is not None for entry in checked):
        raise first_error
    return checked


def run_sweep(
    raw: RawData,
    sweep: Sweep,
    target: Target,
    *,
    time_limit: float,
    seed: int,
    workers: int | None,
    jobs: int,
    on_done: Callable[[PointResult], None] | None = None,
) -> SweepResult:
    """Solve every value, ``jobs`` at a time, each in a separate process.

    Ctrl-C stops the running searches (each keeps its best plan), skips the values not yet
    started, and returns with ``interrupted`` set.

    Raises:
        UsageError, InputError: as :func:`plan_sweep`.
    """
    checked = plan_sweep(raw, sweep)
    per_solve = workers or default_workers(min(jobs, len(sweep.values)))
    texts = [sweep.text(value) for value in sweep.values]
    tasks = [
        ScenarioTask(index, raw, (sweep.assignment(value),), (), time_limit, seed, per_solve)
        for index, value in enumerate(sweep.values)
        if checked[index] is None
    ]
    points: dict[int, PointResult] = {p.index: p for p in checked if p is not None}
    for point in points.values():
        if on_done is not None:
            on_done(point)

    def record(outcome: TaskOutcome) -> None:
        point = PointResult.of(texts[outcome.index], outcome)
        points[outcome.index] = point
        if on_done is not None:
            on_done(point)

    _, interrupted = solve_tasks(tasks, jobs, record)
    rows = [
        points.get(index) or PointResult(index, text, "not run", ["interrupted before it started"])
        for index, text in enumerate(texts)
    ]
    return SweepResult(sweep, target, rows, interrupted)
