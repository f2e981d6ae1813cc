"""The plan report: one self-contained offline HTML page, and the same charts as PNG files.

Flow: data + plan -> checker -> :class:`~trafficplan.report.content.ReportContent` (plain
numbers) -> plotly figures -> HTML page (Jinja2) and/or PNG files (kaleido).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trafficplan.atomic import write_bytes_atomic
from trafficplan.checker import check_plan
from trafficplan.errors import UsageError
from trafficplan.i18n import SOURCE_LANGUAGE, use_language
from trafficplan.i18n.data import localized_data
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan
from trafficplan.report.content import (
    ReportContent,
    attendance_rows,
    attendance_totals,
    build_content,
)
from trafficplan.report.figures import ReportFigure, build_figures
from trafficplan.report.images import ImageExportError, find_browser, render_pngs, require_browser
from trafficplan.report.page import render_page
from trafficplan.report.tradeoff import tradeoff_view
from trafficplan.scenarios.tradeoff import Frontier


@dataclass
class Report:
    """A plan's report: what it shows and its charts, ready to render."""

    content: ReportContent
    figures: list[ReportFigure]
    language: str = SOURCE_LANGUAGE

    def html(self) -> str:
        """The whole self-contained HTML page, in the report's language."""
        from plotly.offline import get_plotlyjs

        with use_language(self.language):
            return render_page(self.content, self.figures, get_plotlyjs())

    def pngs(self) -> dict[str, bytes]:
        """Each chart as PNG bytes by file name (``calendar.png``, ``trainers.png``,
        ``map.png``, ``costs.png``, and ``tradeoff.png`` with a frontier).

        Raises:
            ImageExportError: no Chrome/Chromium for the export, or it failed.
        """
        return render_pngs(self.figures)


def build_report(
    data: ProblemData,
    plan: Plan,
    plan_source: str,
    attendance: Attendance | None = None,
    frontier: Frontier | None = None,
    now: datetime | None = None,
    language: str = SOURCE_LANGUAGE,
) -> Report:
    """Check the plan against the data and compute the report.

    Args:
        data: the data folder.
        plan: a plan whose ids the data know (call ``require_known_ids`` first).
        plan_source: how the report names the plan (its file name).
        attendance: the sign-in sheets of held sessions, if any: the report then shows
            planned versus attended per region and week, and each region's no-show rate.
        frontier: a frontier written by ``tradeoff --out-dir`` (``report --tradeoff``): the
            report then shows it with this plan marked, and says in words where it stands.
        now: when the report is made (default: now, in UTC), given with the tool's version
            in the technical appendix.
        language: the language the report is written in (spec 7.3): ``en`` or ``uk``; its
            sentences, tables, charts, dates and numbers, and the names the data give in it.
            The report keeps it: :meth:`Report.html` renders the page in it.
    """
    # the rules are checked on the data as read; only what the report shows is localized
    check = check_plan(data, plan, attendance)
    with use_language(language):
        return _build(data, plan, check, plan_source, attendance, frontier, now, language)


def _build(
    data: ProblemData,
    plan: Plan,
    check: Any,
    plan_source: str,
    attendance: Attendance | None,
    frontier: Frontier | None,
    now: datetime | None,
    language: str,
) -> Report:
    from trafficplan import __version__

    content = build_content(localized_data(data, language), plan, check, plan_source)
    content.generated = (now or datetime.now(UTC)).replace(microsecond=0)
    content.version = __version__
    if attendance is not None:
        content.attendance = attendance_rows(plan, attendance)
        by_region, total = attendance_totals(content.attendance)
        content.attendance_by_region, content.attendance_total = by_region, total
    if frontier is not None:
        from trafficplan.plan.metrics import plan_metrics

        content.tradeoff = tradeoff_view(frontier, plan_metrics(data, plan))
    return Report(content, build_figures(content), language)


def _write(path: Path, payload: bytes) -> None:
    try:
        write_bytes_atomic(path, payload)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_html(report: Report, path: Path) -> int:
    """Write the HTML page atomically; returns its size in bytes.

    Raises:
        UsageError: the file cannot be written there (exit 2).
    """
    payload = report.html().encode("utf-8")
    _write(path, payload)
    return len(payload)


def write_pngs(report: Report, folder: Path) -> list[Path]:
    """Write every chart as ``folder/<chart>.png`` (atomically); returns the paths.

    Raises:
        ImageExportError: no Chrome/Chromium for the export, or it failed (exit 2).
        UsageError: a file cannot be written there (exit 2).
    """
    written = []
    for name, image in report.pngs().items():
        path = folder / name
        _write(path, image)
        written.append(path)
    return written


__all__ = [
    "ImageExportError",
    "Report",
    "build_report",
    "find_browser",
    "require_browser",
    "write_html",
    "write_pngs",
]
