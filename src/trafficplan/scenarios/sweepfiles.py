"""The files of a sweep (``capacity --out-dir DIR``, spec section 6.3).

- ``DIR/points.csv``: one row per point; one column per varied key (named by the key), then
  ``status,officers_trained,cost_eur,max_trainer_sessions,seconds`` and one
  ``<objective>_proven`` column per objective level. Cells of a point without a plan are
  empty.
- ``DIR/plan-<values>.json``: the plan of each point that has one, named by its values in key
  order joined with ``_`` (``plan-22_3.json``, ``plan-2008-09-15.json``). Each plan records
  the point's edits and the digests of the data folder they were applied to, so ``check``,
  ``export`` and ``report`` rebuild the point's data from that folder.
- ``DIR/heatmap.csv`` (two keys): officers trained, one row per value of the first key and one
  column per value of the second; a point without a plan has its status instead.

Every CSV is UTF-8 with a BOM, as the exports are; every file is written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trafficplan.atomic import write_bytes_atomic
from trafficplan.exports.cells import csv_bytes
from trafficplan.plan import write_plan
from trafficplan.scenarios.capacity import PointResult, SweepResult

POINTS_FILE = "points.csv"
HEATMAP_FILE = "heatmap.csv"
METRIC_COLUMNS = ("officers_trained", "cost_eur", "max_trainer_sessions")


def plan_file_name(point: PointResult) -> str:
    """The file name of a point's plan: its values in key order, joined with ``_``."""
    return "plan-" + "_".join(point.values) + ".json"


def points_header(result: SweepResult) -> list[str]:
    """The header of ``points.csv``."""
    return [
        *result.keys,
        "status",
        *METRIC_COLUMNS,
        "seconds",
        *(f"{name}_proven" for name in result.objective_names),
    ]


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def points_rows(result: SweepResult) -> list[list[str]]:
    """The rows of ``points.csv``, in grid order."""
    rows = []
    for point in result.points:
        metrics = point.metrics or {}
        proven = {o["name"]: o["proven"] for o in point.objectives}
        rows.append(
            [
                *point.values,
                point.status,
                *(_number(metrics.get(column)) for column in METRIC_COLUMNS),
                f"{point.seconds:.2f}",
                *(
                    "" if name not in proven else "true" if proven[name] else "false"
                    for name in result.objective_names
                ),
            ]
        )
    return rows


def heatmap_rows(result: SweepResult) -> tuple[list[str], list[list[str]]] | None:
    """Header and rows of ``heatmap.csv``, or None unless exactly two keys are varied."""
    if len(result.grid.sweeps) != 2:
        return None
    rows_sweep, columns_sweep = result.grid.sweeps
    header = [
        f"{rows_sweep.key} \\ {columns_sweep.key}",
        *(columns_sweep.text(v) for v in columns_sweep.values),
    ]
    by_coords = {p.coords: p for p in result.points}
    rows = []
    for i, value in enumerate(rows_sweep.values):
        cells = [rows_sweep.text(value)]
        for j in range(len(columns_sweep.values)):
            point = by_coords[(i, j)]
            metrics = point.metrics
            cells.append(str(metrics["officers_trained"]) if metrics else point.status)
        rows.append(cells)
    return header, rows


def write_sweep(result: SweepResult, folder: Path) -> list[Path]:
    """Write ``points.csv``, one plan per point that has one, and for two keys
    ``heatmap.csv`` into ``folder`` (created if needed). Returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    points_path = folder / POINTS_FILE
    write_bytes_atomic(points_path, csv_bytes(points_header(result), points_rows(result)))
    written.append(points_path)
    heatmap = heatmap_rows(result)
    if heatmap is not None:
        heatmap_path = folder / HEATMAP_FILE
        write_bytes_atomic(heatmap_path, csv_bytes(*heatmap))
        written.append(heatmap_path)
    for point in result.points:
        plan = result.point_plan(point)
        if plan is None:
            continue
        path = folder / plan_file_name(point)
        write_plan(plan, path)
        written.append(path)
    return written
