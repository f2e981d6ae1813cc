"""Capacity analysis: solve one scenario per point of a grid and find where a target is reached.

``trafficplan capacity --vary KEY=A..B[:STEP] [--vary ...]`` (spec sections 4 and 6.3). Values
run from A to B, both included, by STEP: integers (default step 1), decimals, or dates
(``2008-09-15..2008-10-31:7d``, default ``1d``). Several ``--vary`` make a grid of every
combination of their values. Each point is one scenario: the base edits (``--set``/``--drop``,
:mod:`trafficplan.scenarios.edits`), then one ``--set KEY=value`` per varied key. Points are
solved by a :class:`~trafficplan.scenarios.runs.PointRunner` (local processes or a cluster);
results are collected by point, so they do not depend on where or in which order points ran.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from trafficplan.errors import InputError, UsageError
from trafficplan.inputs.dates import parse_iso_date
from trafficplan.inputs.loading import RawData, build_data
from trafficplan.scenarios.edits import apply_scenario, parse_key, plan_edits
from trafficplan.scenarios.runs import PointRunner, SweepSettings, TaskOutcome

if TYPE_CHECKING:
    from trafficplan.plan import Plan

MAX_VALUES = 200
MAX_POINTS = 1000
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


# ----- the grid ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Grid:
    """The keys varied together and every combination of their values.

    A point is addressed by its coordinates, one index per key into that key's values, so
    comparing coordinates compares values. The first key varies slowest.
    """

    sweeps: tuple[Sweep, ...]

    @property
    def keys(self) -> list[str]:
        """The varied keys, in the order given."""
        return [sweep.key for sweep in self.sweeps]

    def coordinates(self) -> list[tuple[int, ...]]:
        """Every point's coordinates, in grid order."""
        return list(itertools.product(*(range(len(s.values)) for s in self.sweeps)))

    def texts(self, coords: tuple[int, ...]) -> tuple[str, ...]:
        """A point's values as written after ``KEY=``."""
        return tuple(s.text(s.values[i]) for s, i in zip(self.sweeps, coords, strict=True))

    def assignments(self, coords: tuple[int, ...]) -> tuple[str, ...]:
        """A point's ``KEY=VALUE`` edits, one per varied key."""
        return tuple(s.assignment(s.values[i]) for s, i in zip(self.sweeps, coords, strict=True))

    def __len__(self) -> int:
        count = 1
        for sweep in self.sweeps:
            count *= len(sweep.values)
        return count


def make_grid(sweeps: list[Sweep]) -> Grid:
    """The grid of every combination of the sweeps' values.

    Raises:
        UsageError: no sweep, a key varied twice, or more than :data:`MAX_POINTS` points.
    """
    if not sweeps:
        raise UsageError(f"--vary: give at least one KEY=A..B[:STEP], e.g. {_EXAMPLE}")
    seen: set[str] = set()
    for sweep in sweeps:
        if sweep.key in seen:
            raise UsageError(f"--vary {sweep.key}: the key is varied twice")
        seen.add(sweep.key)
    grid = Grid(tuple(sweeps))
    if len(grid) > MAX_POINTS:
        sizes = " x ".join(str(len(s.values)) for s in sweeps)
        raise UsageError(
            f"--vary: {sizes} = {len(grid)} points is too many (at most {MAX_POINTS}); "
            "use larger steps"
        )
    return grid


def check_base_edits(grid: Grid, sets: list[str]) -> None:
    """A key may not be both varied and set as a base edit (which value would a point take?).

    Raises:
        UsageError: a ``--set`` names a varied key.
    """
    for text in sets:
        key = text.partition("=")[0].strip()
        if key in grid.keys:
            raise UsageError(f"--set {key}: the key is also varied with --vary")


# ----- one point ---------------------------------------------------------------------------------
@dataclass
class PointResult:
    """The outcome of one point: solve status, metrics of its plan, or why it was not solved.

    ``status`` is a solver status, ``invalid`` (the point's data are invalid; ``reasons`` says
    how), ``failed`` (its task failed twice, or its process died) or ``not run`` (interrupted
    before it finished).
    """

    index: int
    coords: tuple[int, ...]
    values: tuple[str, ...]
    status: str
    reasons: list[str] = field(default_factory=list)
    metrics: dict[str, Any] | None = None
    objectives: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    plan: Plan | None = None

    @property
    def label(self) -> str:
        """The point's values as shown: the value for one key, ``(a, b)`` for several."""
        return self.values[0] if len(self.values) == 1 else f"({', '.join(self.values)})"

    @classmethod
    def of(
        cls, coords: tuple[int, ...], values: tuple[str, ...], outcome: TaskOutcome
    ) -> PointResult:
        """The row of one point from its task's outcome."""
        plan = outcome.result.plan if outcome.result is not None else None
        objectives = [o.to_dict() for o in (plan.objectives if plan is not None else [])]
        return cls(
            outcome.index,
            coords,
            values,
            outcome.status,
            list(outcome.reasons),
            outcome.metrics,
            objectives,
            outcome.seconds,
            outcome.interrupted,
            plan,
        )

    def values_by_key(self, keys: list[str]) -> dict[str, str]:
        """The point's values by key."""
        return dict(zip(keys, self.values, strict=True))

    def to_json(self, keys: list[str]) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return {
            "values": self.values_by_key(keys),
            "status": self.status,
            "reasons": list(self.reasons),
            "objectives": self.objectives,
            "metrics": self.metrics,
            "seconds": round(self.seconds, 2),
            "interrupted": self.interrupted,
        }


def _at_most(low: tuple[int, ...], high: tuple[int, ...]) -> bool:
    return all(a <= b for a, b in zip(low, high, strict=True))


# ----- the sweep ---------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """Every point's result, in grid order, and what was asked.

    ``sets`` and ``drops`` are the base edits applied to every point; ``base_digests`` those
    of the data folder they were applied to; ``objective_names`` the data's objective levels.
    """

    grid: Grid
    target: Target
    points: list[PointResult]
    interrupted: bool = False
    sets: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()
    base_digests: dict[str, str] = field(default_factory=dict)
    objective_names: list[str] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """The varied keys."""
        return self.grid.keys

    def reaches(self, point: PointResult) -> bool:
        """Whether the point's plan reaches the target."""
        return self.target.reached(point.metrics)

    @property
    def smallest_combinations(self) -> list[PointResult]:
        """The points that reach the target where no other point that reaches it is smaller or
        equal in every key (for one key: the smallest value), in grid order."""
        reaching = [p for p in self.points if self.reaches(p)]
        return [
            p
            for p in reaching
            if not any(q is not p and _at_most(q.coords, p.coords) for q in reaching)
        ]

    @property
    def smallest_reaching(self) -> PointResult | None:
        """The first smallest combination in grid order (None if no point reaches)."""
        smallest = self.smallest_combinations
        return smallest[0] if smallest else None

    @property
    def unproven_below(self) -> list[PointResult]:
        """Points that missed the target without proof and might change the answer.

        A point that missed without proving optimality might reach the target with more
        time; it would change the answer unless some point that reaches it is smaller or
        equal in every key. So the answer is an upper bound until these are proven.
        """
        reaching = [p for p in self.points if self.reaches(p)]
        return [
            p
            for p in self.points
            if not self.reaches(p)
            and p.status not in ("optimal", "infeasible", "invalid")
            and not any(_at_most(q.coords, p.coords) for q in reaching)
        ]

    @property
    def at_first_value(self) -> list[tuple[str, str]]:
        """``(key, value)`` for each key whose first value tried is part of a smallest
        combination: the true threshold may lie below the range."""
        found: list[tuple[str, str]] = []
        for position, sweep in enumerate(self.grid.sweeps):
            if any(p.coords[position] == 0 for p in self.smallest_combinations):
                found.append((sweep.key, sweep.text(sweep.values[0])))
        return found

    def warnings(self) -> list[str]:
        """One line per key where the answer is the range's first value."""
        return [
            f"{value} is the first value of {key} tried: the true threshold may lie below "
            "it (start the range lower to find it)"
            for key, value in self.at_first_value
        ]

    def point_edits(self, point: PointResult) -> tuple[list[str], list[str]]:
        """The ``--set`` and ``--drop`` edits of one point: the base edits, then its values."""
        return [*self.sets, *self.grid.assignments(point.coords)], list(self.drops)

    def point_plan(self, point: PointResult) -> Plan | None:
        """The point's plan, recording its edits and the digests of the folder they were
        applied to, so that ``check``, ``export`` and ``report`` can rebuild its data."""
        if point.plan is None:
            return None
        sets, drops = self.point_edits(point)
        inputs = point.plan.inputs.model_copy(update={"base_sha256": dict(self.base_digests)})
        return point.plan.model_copy(update={"inputs": inputs, "edits": plan_edits(sets, drops)})

    def to_json(self) -> dict[str, Any]:
        """The sweep as a JSON-ready dict (spec section 6.3, with a few more keys)."""
        keys = self.keys
        answer = self.smallest_reaching
        return {
            "keys": keys,
            "target": str(self.target),
            "base_edits": {"set": list(self.sets), "drop": list(self.drops)},
            "points": [p.to_json(keys) for p in self.points],
            "smallest_reaching": None if answer is None else answer.values_by_key(keys),
            "smallest_combinations": [p.values_by_key(keys) for p in self.smallest_combinations],
            "unproven_below": [p.values_by_key(keys) for p in self.unproven_below],
            "warnings": self.warnings(),
            "interrupted": self.interrupted,
        }


def default_workers(jobs: int) -> int:
    """Search workers per solve when ``jobs`` solves run at once: the cores shared out."""
    return max(1, (os.cpu_count() or 1) // jobs)


def plan_grid(
    raw: RawData, grid: Grid, sets: list[str] | None = None, drops: list[str] | None = None
) -> tuple[list[PointResult | None], list[str]]:
    """Check every point's data before solving anything.

    Returns:
        One entry per point (an ``invalid`` result where the point's data are invalid, None
        where it can be solved), and the objective levels of the first valid point's data.

    Raises:
        UsageError: a malformed key or edit, or a key both varied and set (exit 2).
        InputError: a key that names nothing valid (exit 3), or data invalid for every point
            (the first point's problems).
    """
    check_base_edits(grid, list(sets or []))
    checked: list[PointResult | None] = []
    first_error: InputError | None = None
    objectives: list[str] = []
    for index, coords in enumerate(grid.coordinates()):
        point_sets = [*(sets or []), *grid.assignments(coords)]
        scenario = apply_scenario(raw, point_sets, list(drops or []))
        try:
            data = build_data(scenario.raw)
        except InputError as exc:
            first_error = first_error or exc
            checked.append(PointResult(index, coords, grid.texts(coords), "invalid", exc.lines()))
            continue
        objectives = objectives or list(data.constraints.objective_names)
        checked.append(None)
    if first_error is not None and all(entry is not None for entry in checked):
        raise first_error
    return checked, objectives


def run_grid(
    raw: RawData,
    grid: Grid,
    target: Target,
    runner: PointRunner,
    settings: SweepSettings,
    *,
    jobs: int,
    on_done: Callable[[PointResult], None] | None = None,
) -> SweepResult:
    """Solve every point of the grid with ``runner``, each for ``settings.time_limit``.

    Each solve's search workers default to the cores of this machine shared among ``jobs``
    solves, with or without a cluster, so that the same command gives the same results
    wherever its points run. Ctrl-C stops (locally) or abandons (on a
    cluster) the running points, keeps the finished ones and returns with ``interrupted`` set;
    points not finished are ``not run``.

    Raises:
        UsageError, InputError: as :func:`plan_grid`.
    """
    checked, objectives = plan_grid(raw, grid, list(settings.sets), list(settings.drops))
    coordinates = grid.coordinates()
    per_solve = settings.workers or default_workers(min(jobs, len(coordinates)))
    tasks = [
        settings.task(index, raw, tuple(grid.assignments(coords)), settings.time_limit, per_solve)
        for index, coords in enumerate(coordinates)
        if checked[index] is None
    ]
    points: dict[int, PointResult] = {p.index: p for p in checked if p is not None}
    for point in points.values():
        if on_done is not None:
            on_done(point)

    def record(outcome: TaskOutcome) -> None:
        coords = coordinates[outcome.index]
        point = PointResult.of(coords, grid.texts(coords), outcome)
        points[outcome.index] = point
        if on_done is not None:
            on_done(point)

    _, interrupted = runner.run(tasks, record)
    rows = [
        points.get(index)
        or PointResult(
            index, coords, grid.texts(coords), "not run", ["interrupted before it finished"]
        )
        for index, coords in enumerate(coordinates)
    ]
    return SweepResult(
        grid,
        target,
        rows,
        interrupted,
        settings.sets,
        settings.drops,
        dict(raw.digests),
        objectives,
    )
