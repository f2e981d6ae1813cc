"""The efficient frontier between two objectives: ``trafficplan tradeoff X Y`` (spec 6.2).

The levels of the data's ``objective`` listed before both ``X`` and ``Y`` (the *held* levels;
an objective not listed counts as after every listed one) keep their optimum, within their
tolerances, in every solve. The frontier is found by epsilon constraints:

1. the two ends: objective ``held + [Y, X]`` gives Y's best (and the best X there);
   ``held + [X, Y]`` gives X's optimum and Y's best value there;
2. for each value y of Y strictly between those two, by ``step`` from Y's best, objective
   ``held + [X, Y]`` with the limit Y <= y (Y >= y for a maximised Y): the best X when Y may
   not be worse than y, then the best Y with X at that value;
3. only points that no other point matches or beats on both X and Y are kept (several limits
   may reach the same point).

Every solve is a :class:`~trafficplan.scenarios.runs.ScenarioTask` run by the same
:class:`~trafficplan.scenarios.runs.PointRunner` as ``capacity``: local processes or a Dask
cluster. A point's objective is a ``--set objective=[...]`` edit of ``constraints.yaml``
after the user's base edits, so each plan records the edits that rebuild its data; the limit
is a solver option (it is not a rule of the data). ``X`` and ``Y`` lose any tolerance they had
in the data: each is held exactly at its best for the other.
"""

from __future__ import annotations

import contextlib
import csv
import decimal
import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trafficplan.atomic import write_bytes_atomic
from trafficplan.errors import InputError, Problem, UsageError
from trafficplan.inputs.loading import RawData, build_data
from trafficplan.inputs.models import (
    MAXIMISED_OBJECTIVES,
    OBJECTIVE_NAMES,
    ObjectiveItem,
    unknown_objective_hint,
)
from trafficplan.plan.levels import DECIMALS, all_proven, level_claims
from trafficplan.scenarios.capacity import default_workers
from trafficplan.scenarios.edits import apply_scenario, plan_edits
from trafficplan.scenarios.runs import (
    LocalPool,
    PointRunner,
    ScenarioTask,
    SweepSettings,
    TaskOutcome,
)

if TYPE_CHECKING:
    from trafficplan.plan import Plan


CONTINUOUS = frozenset(DECIMALS)
"""Objectives whose values are not whole numbers: as Y they need ``--step``."""

MAX_POINTS = 200
"""At most this many limits of Y between the two ends."""

END_SHARE = 1 / 3
"""The share of ``--time-limit`` the two ends may take (they decide how many points follow)."""

START_SECONDS = 2.0
"""Kept back from each round of solves for starting processes and building models."""

Y_FIRST = 0
X_FIRST = 1


def objective_name(text: str, role: str) -> str:
    """A valid objective name, or a usage error naming the closest ones.

    Raises:
        UsageError: ``text`` names no objective.
    """
    name = text.strip()
    if name in OBJECTIVE_NAMES:
        return name
    hint = unknown_objective_hint(name, quoted=False)
    raise UsageError(f"{role} {text[:40]!r} is not an objective{hint}")


def value_text(name: str, value: float) -> str:
    """An objective's value as a plain number at the precision plans report it."""
    return f"{value:.{DECIMALS.get(name, 0)}f}"


def value_shown(name: str, value: float) -> str:
    """An objective's value for a person: :func:`value_text` with thousands separators."""
    return f"{value:,.{DECIMALS.get(name, 0)}f}"


def _key(name: str, value: float) -> Decimal:
    return Decimal(value_text(name, value))


@dataclass(frozen=True)
class Axes:
    """What the frontier trades: X (improved as far as Y allows) against Y (stepped)."""

    x: str
    y: str
    step: Decimal

    @property
    def x_maximised(self) -> bool:
        """X is better when larger."""
        return self.x in MAXIMISED_OBJECTIVES

    @property
    def y_maximised(self) -> bool:
        """Y is better when larger."""
        return self.y in MAXIMISED_OBJECTIVES

    def better_or_equal(self, name: str, a: Decimal, b: Decimal) -> bool:
        """Whether ``a`` is at least as good as ``b`` on objective ``name``."""
        return a >= b if name in MAXIMISED_OBJECTIVES else a <= b


def make_axes(x_text: str, y_text: str, step: str | None) -> Axes:
    """Check X, Y and ``--step``.

    Raises:
        UsageError: an unknown objective, X equal to Y, a continuous Y without ``--step``, a
            step that is not a positive number (a whole number for a whole-number Y).
    """
    x = objective_name(x_text, "X")
    y = objective_name(y_text, "Y")
    if x == y:
        raise UsageError(f"X and Y are both {x}: give two different objectives")
    if step is None:
        if y in CONTINUOUS:
            unit = {"cost_eur": "EUR", "travel_km": "km", "min_district_share": "a share"}[y]
            example = {"cost_eur": "250", "travel_km": "100", "min_district_share": "0.05"}[y]
            raise UsageError(
                f"--step is needed: {y} is not a whole number; give the distance between two "
                f"limits of {y} ({unit}), e.g. --step {example}"
            )
        return Axes(x, y, Decimal(1))
    try:
        amount = Decimal(step.strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0:
        raise UsageError(f"--step {step[:30]!r}: expected a number greater than 0")
    if y not in CONTINUOUS and amount != amount.to_integral_value():
        raise UsageError(f"--step {step}: {y} is a whole number; give a whole step (default 1)")
    return Axes(x, y, amount)


# ----- the objectives of the solves --------------------------------------------------------------
def held_levels(objective: list[ObjectiveItem], x: str, y: str) -> list[ObjectiveItem]:
    """The levels listed before both X and Y (an objective not listed comes after all)."""
    names = [item.name for item in objective]
    cut = min(
        names.index(x) if x in names else len(names),
        names.index(y) if y in names else len(names),
    )
    return list(objective[:cut])


def _item_yaml(item: ObjectiveItem) -> str:
    if item.tolerance is None:
        return item.name
    return f"{item.name}: {{within: {item.tolerance}}}"


def objective_edit(held: list[ObjectiveItem], first: str, second: str) -> str:
    """The ``--set`` edit of a solve's objective: the held levels, then ``first``, ``second``
    (both without tolerance)."""
    items = [*(_item_yaml(item) for item in held), first, second]
    return "objective=[" + ", ".join(f"{{{i}}}" if ":" in i else i for i in items) + "]"


def y_limits(axes: Axes, best: float, worst: float) -> list[Decimal]:
    """Y's limits strictly between its best value and its value at X's optimum, by step
    from its best.

    Raises:
        UsageError: more than :data:`MAX_POINTS` limits.
    """
    low, high = _key(axes.y, best), _key(axes.y, worst)
    sign = -1 if axes.y_maximised else 1
    span = (high - low) * sign
    if span <= 0:
        return []
    count = math.ceil(span / axes.step) - 1
    if count > MAX_POINTS:
        least = (span / (MAX_POINTS + 1)).quantize(
            Decimal(1).scaleb(-DECIMALS.get(axes.y, 0)), rounding=decimal.ROUND_CEILING
        )
        raise UsageError(
            f"{axes.y} runs from {low} (its best) to {high} (at the optimum of {axes.x}): "
            f"{count:,} limits with --step {axes.step}, at most {MAX_POINTS}; give a --step "
            f"of at least {least}"
        )
    return [low + sign * k * axes.step for k in range(1, count + 1)]


# ----- one point ---------------------------------------------------------------------------------
@dataclass
class TradeoffPoint:
    """One solve of the frontier: an end, or the best X with Y held to ``limit``.

    ``status`` is a solver status, ``invalid``, ``failed`` or ``not run`` (interrupted, or no
    time left). ``x_value`` and ``y_value`` are the plan's metrics (None without a plan).
    """

    index: int
    role: str  # "Y first", "X first" or "limit"
    limit: Decimal | None
    status: str
    reasons: list[str] = field(default_factory=list)
    metrics: dict[str, Any] | None = None
    plan: Plan | None = None
    seconds: float = 0.0
    x_value: float | None = None
    y_value: float | None = None
    objective: str = ""

    @property
    def proven(self) -> bool:
        """Every level of the point's solve proven optimal (a level whose value meets its
        proven bound is proven; a tolerant level on its own best, :mod:`trafficplan.plan.
        levels`)."""
        if self.status == "optimal":
            return True
        return self.plan is not None and all_proven(level_claims(self.plan.objectives))

    @property
    def gap(self) -> float | None:
        """The largest relative gap between a level's value (a tolerant level's own best)
        and its proven bound, over the point's levels (0 when proven; None when a bound is
        unknown or there is no plan)."""
        if self.plan is None:
            return None
        if self.proven:
            return 0.0
        gaps = [claim.gap for claim in level_claims(self.plan.objectives)]
        if not gaps or any(g is None for g in gaps):
            return None
        return max(g for g in gaps if g is not None)

    @property
    def trainers_used(self) -> int:
        """Trainers with at least one session in the point's plan."""
        if self.plan is None:
            return 0
        return len({t for session in self.plan.sessions for t in session.trainers})

    @property
    def sessions(self) -> int:
        """Sessions of the point's plan."""
        return len(self.plan.sessions) if self.plan is not None else 0


def _point(
    axes: Axes, index: int, role: str, limit: Decimal | None, objective: str, outcome: TaskOutcome
) -> TradeoffPoint:
    plan = outcome.result.plan if outcome.result is not None else None
    metrics = outcome.metrics
    return TradeoffPoint(
        index,
        role,
        limit,
        outcome.status,
        list(outcome.reasons),
        metrics,
        plan,
        outcome.seconds,
        None if metrics is None else float(metrics[axes.x]),
        None if metrics is None else float(metrics[axes.y]),
        objective,
    )


# ----- the frontier ------------------------------------------------------------------------------
@dataclass
class TradeoffResult:
    """Every solve and the efficient points among them.

    ``held`` are the levels kept at their optimum in every solve; ``sets``/``drops`` the base
    edits; ``base_digests`` those of the data folder they were applied to.
    """

    axes: Axes
    held: list[ObjectiveItem]
    solves: list[TradeoffPoint]
    interrupted: bool = False
    sets: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()
    base_digests: dict[str, str] = field(default_factory=dict)
    time_limit: float = 0.0
    seconds: float = 0.0

    @property
    def x(self) -> str:
        """The objective improved."""
        return self.axes.x

    @property
    def y(self) -> str:
        """The objective stepped."""
        return self.axes.y

    def held_best(self) -> dict[str, Decimal]:
        """The best value of each held level over the solves that have a plan."""
        best: dict[str, Decimal] = {}
        for item in self.held:
            values = [_key(item.name, p.metrics[item.name]) for p in self.solves if p.metrics]
            if values:
                best[item.name] = max(values) if item.name in MAXIMISED_OBJECTIVES else min(values)
        return best

    def held_short(self, point: TradeoffPoint) -> tuple[str, Decimal, Decimal] | None:
        """The first held level on which a point's plan falls short of the best value another
        solve reached (beyond the level's tolerance), as (name, its value, the best); None
        when it keeps every held level. Such a point was not solved to the end in time; its
        X and Y are not comparable with the others'."""
        if point.metrics is None:
            return None
        best = self.held_best()
        for item in self.held:
            value = _key(item.name, point.metrics[item.name])
            top = best[item.name]
            allowance = Decimal(0)
            if item.tolerance is not None:
                exact = item.tolerance.allowance(Fraction(top))
                allowance = Decimal(exact.numerator) / Decimal(exact.denominator)
            worse = top - value if item.name in MAXIMISED_OBJECTIVES else value - top
            if worse > allowance:
                return item.name, value, top
        return None

    @property
    def short(self) -> list[TradeoffPoint]:
        """Solves with a plan that falls short on a held level (see :meth:`held_short`)."""
        return [p for p in self.solves if self.held_short(p) is not None]

    @property
    def points(self) -> list[TradeoffPoint]:
        """The efficient points, from Y's best to Y's worst (X's best): among the solves that
        keep the held levels, those that no other solve matches or beats on both X and Y. Of
        several solves that reached the same point, a proven one is kept, then the first."""
        axes = self.axes
        solved = [
            p
            for p in self.solves
            if p.x_value is not None and p.y_value is not None and self.held_short(p) is None
        ]
        keyed = [(_key(axes.x, p.x_value or 0), _key(axes.y, p.y_value or 0), p) for p in solved]
        kept: dict[tuple[Decimal, Decimal], TradeoffPoint] = {}
        for x, y, point in keyed:
            dominated = any(
                axes.better_or_equal(axes.x, ox, x)
                and axes.better_or_equal(axes.y, oy, y)
                and (ox, oy) != (x, y)
                for ox, oy, _ in keyed
            )
            if dominated:
                continue
            seen = kept.get((x, y))
            if seen is None or (point.proven and not seen.proven):
                kept[(x, y)] = point
        order = sorted(kept.items(), key=lambda item: item[0][1], reverse=axes.y_maximised)
        return [point for _, point in order]

    @property
    def unsolved(self) -> list[TradeoffPoint]:
        """Solves that gave no plan (out of time, failed, not run), in order."""
        return [p for p in self.solves if p.x_value is None or p.y_value is None]

    def plan_name(self, point: TradeoffPoint) -> str:
        """The file name of an efficient point's plan: ``plan-<Y value>.json``."""
        return f"plan-{value_text(self.y, point.y_value or 0)}.json"

    def point_edits(self, point: TradeoffPoint) -> tuple[list[str], list[str]]:
        """The ``--set``/``--drop`` edits that rebuild a point's data from the base folder."""
        return [*self.sets, point.objective], list(self.drops)

    def point_plan(self, point: TradeoffPoint) -> Plan | None:
        """The point's plan, recording its edits and the digests of the folder they were
        applied to, so that ``check``, ``export`` and ``report`` rebuild its data."""
        if point.plan is None:
            return None
        sets, drops = self.point_edits(point)
        inputs = point.plan.inputs.model_copy(update={"base_sha256": dict(self.base_digests)})
        return point.plan.model_copy(update={"inputs": inputs, "edits": plan_edits(sets, drops)})

    def point_json(self, point: TradeoffPoint, plan_files: bool) -> dict[str, Any]:
        """An efficient point as ``--json`` shows it."""
        gap = point.gap
        return {
            self.y: _plain(self.y, point.y_value),
            self.x: _plain(self.x, point.x_value),
            "proven": point.proven,
            "gap": None if gap is None else round(gap, 6),
            "sessions": point.sessions,
            "trainers_used": point.trainers_used,
            "plan": self.plan_name(point) if plan_files else None,
            "status": point.status,
        }

    def to_json(self, plan_files: bool = False) -> dict[str, Any]:
        """The frontier as a JSON-ready dict (spec 6.2, with a few more keys)."""
        return {
            "x": self.x,
            "y": self.y,
            "step": _plain_decimal(self.axes.step),
            "held": [_item_yaml(item) for item in self.held],
            "base_edits": {"set": list(self.sets), "drop": list(self.drops)},
            "points": [self.point_json(p, plan_files) for p in self.points],
            "solves": [
                {
                    "solve": p.role,
                    "limit": None if p.limit is None else _plain_decimal(p.limit),
                    "status": p.status,
                    "reasons": list(p.reasons),
                    self.y: _plain(self.y, p.y_value),
                    self.x: _plain(self.x, p.x_value),
                    "held_short": self._short_json(p),
                    "seconds": round(p.seconds, 2),
                }
                for p in self.solves
            ],
            "time_limit": self.time_limit,
            "seconds": round(self.seconds, 2),
            "interrupted": self.interrupted,
        }

    def _short_json(self, point: TradeoffPoint) -> dict[str, Any] | None:
        short = self.held_short(point)
        if short is None:
            return None
        name, value, best = short
        return {"objective": name, "value": float(value), "best": float(best)}


def _plain(name: str, value: float | None) -> float | int | None:
    if value is None:
        return None
    return round(value) if name not in DECIMALS else round(value, DECIMALS[name])


def _plain_decimal(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


# ----- running it --------------------------------------------------------------------------------
OnPoint = Callable[[TradeoffPoint], None]
OnPhase = Callable[[int], None]
"""Called with the number of limits between the ends once the ends are known."""


def round_seconds(budget: float, tasks: int, slots: int) -> float:
    """Seconds for each of ``tasks`` solves run ``slots`` at a time within ``budget``."""
    rounds = max(1, math.ceil(tasks / max(1, slots)))
    return max(0.1, (budget - START_SECONDS * rounds) / rounds)


def run_tradeoff(
    raw: RawData,
    axes: Axes,
    runner: PointRunner,
    settings: SweepSettings,
    *,
    slots: int,
    on_point: OnPoint | None = None,
    on_phase: OnPhase | None = None,
) -> TradeoffResult:
    """Find the efficient frontier between ``axes.x`` and ``axes.y``.

    ``settings.time_limit`` bounds the whole frontier: the two ends share up to
    :data:`END_SHARE` of it, the limits between them what is left; ``slots`` solves run at a
    time (local processes, or the cluster's workers). ``settings.workers`` is each solve's
    number of search workers (default: this machine's cores shared among the solves that run
    at once). Ctrl-C stops the running
    solves, keeps the finished ones and returns with ``interrupted`` set.

    Raises:
        UsageError: a malformed edit, or too many limits between the ends (see
            :func:`y_limits`).
        InputError: the edited data are invalid.
    """
    started = time.monotonic()
    time_limit = settings.time_limit
    base_sets, base_drops = list(settings.sets), list(settings.drops)
    base = build_data(apply_scenario(raw, base_sets, base_drops).raw)
    held = held_levels(list(base.constraints.objective), axes.x, axes.y)
    y_first = objective_edit(held, axes.y, axes.x)
    x_first = objective_edit(held, axes.x, axes.y)
    # the solves' own objective must be valid too (e.g. a tolerance on the last held level)
    build_data(apply_scenario(raw, [*base_sets, x_first], base_drops).raw)

    result = TradeoffResult(
        axes,
        held,
        [],
        sets=settings.sets,
        drops=settings.drops,
        base_digests=dict(raw.digests),
        time_limit=time_limit,
    )

    def task(
        index: int, objective: str, seconds: float, per_solve: int, limit: Any
    ) -> ScenarioTask:
        limits = () if limit is None else ((axes.y, float(limit)),)
        return settings.task(index, raw, (objective,), seconds, per_solve, limits)

    def run(tasks: list[ScenarioTask], roles: dict[int, tuple[str, Decimal | None, str]]) -> bool:
        found: dict[int, TradeoffPoint] = {}

        def record(outcome: TaskOutcome) -> None:
            role, limit, objective = roles[outcome.index]
            point = _point(axes, outcome.index, role, limit, objective, outcome)
            found[outcome.index] = point
            if on_point is not None:
                on_point(point)

        _, interrupted = runner.run(tasks, record)
        for entry in tasks:
            if entry.index not in found:
                role, limit, objective = roles[entry.index]
                found[entry.index] = TradeoffPoint(
                    entry.index,
                    role,
                    limit,
                    "not run",
                    ["interrupted before it finished"],
                    objective=objective,
                )
        result.solves.extend(found[entry.index] for entry in tasks)
        return interrupted

    def solve_rounds() -> None:
        # 1. the two ends
        end_seconds = round_seconds(time_limit * END_SHARE, 2, slots)
        per_end = settings.workers or default_workers(min(slots, 2))
        ends = [
            task(Y_FIRST, y_first, end_seconds, per_end, None),
            task(X_FIRST, x_first, end_seconds, per_end, None),
        ]
        roles: dict[int, tuple[str, Decimal | None, str]] = {
            Y_FIRST: ("Y first", None, y_first),
            X_FIRST: ("X first", None, x_first),
        }
        if run(ends, roles):
            result.interrupted = True
            return
        y_end, x_end = result.solves
        if y_end.y_value is None or x_end.y_value is None:
            return

        # 2. the limits between them
        limits = y_limits(axes, y_end.y_value, x_end.y_value)
        if on_phase is not None:
            on_phase(len(limits))
        if limits:
            left = time_limit - (time.monotonic() - started)
            seconds = round_seconds(left, len(limits), slots)
            per_solve = settings.workers or default_workers(min(slots, len(limits)))
            tasks = []
            for offset, value in enumerate(limits):
                index = 2 + offset
                roles[index] = ("limit", value, x_first)
                tasks.append(task(index, x_first, seconds, per_solve, value))
            if left <= START_SECONDS:
                for entry in tasks:
                    point = TradeoffPoint(
                        entry.index,
                        "limit",
                        roles[entry.index][1],
                        "not run",
                        ["no time left (--time-limit)"],
                        objective=x_first,
                    )
                    result.solves.append(point)
                    if on_point is not None:
                        on_point(point)
            else:
                result.interrupted = run(tasks, roles)

    # one set of local processes for both rounds: starting them takes seconds
    keep = runner.kept() if isinstance(runner, LocalPool) else contextlib.nullcontext()
    with keep:
        solve_rounds()
    result.seconds = time.monotonic() - started
    return result


# ----- files -------------------------------------------------------------------------------------
POINTS_FILE = "points.csv"
POINT_COLUMNS = ("proven", "gap", "sessions", "trainers_used", "plan")


def points_header(result: TradeoffResult) -> list[str]:
    """The header of ``points.csv``: ``<Y>,<X>,proven,gap,sessions,trainers_used,plan``."""
    return [result.y, result.x, *POINT_COLUMNS]


def _gap_text(gap: float | None) -> str:
    if gap is None:
        return ""
    return "0" if gap == 0 else f"{gap:.4f}"


def points_rows(result: TradeoffResult) -> list[list[str]]:
    """One row per efficient point, from Y's best to X's best."""
    return [
        [
            value_text(result.y, point.y_value or 0),
            value_text(result.x, point.x_value or 0),
            "true" if point.proven else "false",
            _gap_text(point.gap),
            str(point.sessions),
            str(point.trainers_used),
            result.plan_name(point),
        ]
        for point in result.points
    ]


def write_frontier(result: TradeoffResult, folder: Path) -> list[Path]:
    """Write ``folder/points.csv`` (one row per efficient point) and each efficient point's
    plan ``folder/plan-<Y value>.json``, every file atomically. Returns the paths written."""
    from trafficplan.exports.cells import csv_bytes
    from trafficplan.plan import write_plan

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for point in result.points:
        plan = result.point_plan(point)
        if plan is None:  # pragma: no cover - an efficient point has a plan
            continue
        path = folder / result.plan_name(point)
        write_plan(plan, path)
        written.append(path)
    # last: a points.csv names only plans that are there
    points_path = folder / POINTS_FILE
    write_bytes_atomic(points_path, csv_bytes(points_header(result), points_rows(result)))
    written.insert(0, points_path)
    return written


@dataclass(frozen=True)
class FrontierRow:
    """One row of a ``points.csv`` read back (``report --tradeoff``)."""

    y: float
    x: float
    proven: bool
    gap: float | None
    sessions: int
    trainers_used: int
    plan: str


@dataclass(frozen=True)
class Frontier:
    """A frontier read back from ``DIR/points.csv``: X, Y and the efficient points."""

    x: str
    y: str
    rows: list[FrontierRow]


def read_frontier(folder: Path) -> Frontier:
    """Read ``folder/points.csv`` as ``tradeoff --out-dir`` wrote it.

    Raises:
        InputError: the file is missing, unreadable, or not a frontier's points (the place
            and what is wrong).
    """
    path = folder / POINTS_FILE
    where = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            [Problem(where, "", "not found; write it with trafficplan tradeoff --out-dir")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(where, "", f"cannot read: {exc}")]) from None
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines:
        raise InputError([Problem(where, "line 1", "empty; expected a header")])
    header = lines[0]
    if (
        len(header) != 2 + len(POINT_COLUMNS)
        or tuple(header[2:]) != POINT_COLUMNS
        or header[0] not in OBJECTIVE_NAMES
        or header[1] not in OBJECTIVE_NAMES
    ):
        raise InputError(
            [
                Problem(
                    where,
                    "line 1",
                    "expected the header <Y>,<X>,"
                    + ",".join(POINT_COLUMNS)
                    + f" (two objective names first), got {','.join(header)[:80]!r}",
                )
            ]
        )
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not cells:
            continue
        try:
            if len(cells) != len(header) or cells[2] not in ("true", "false"):
                raise ValueError
            rows.append(
                FrontierRow(
                    y=float(cells[0]),
                    x=float(cells[1]),
                    proven=cells[2] == "true",
                    gap=float(cells[3]) if cells[3] else None,
                    sessions=int(cells[4]),
                    trainers_used=int(cells[5]),
                    plan=cells[6],
                )
            )
        except ValueError:
            raise InputError(
                [Problem(where, f"line {number}", "expected plain numbers, true/false and a file")]
            ) from None
    return Frontier(x=header[1], y=header[0], rows=rows)
