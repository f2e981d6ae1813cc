"""``programme.xlsx`` (``export --xlsx``, spec 7.2): the export as one workbook a regional
directorate opens in its own spreadsheet program, and sends back with attendance filled in.

Sheets, in order: ``Schedule``; one sheet per region (named by its id) with the roster's
columns and a last column ``attendance`` restricted to ``present``/``absent`` by a
data-validation list, filled from the sign-in sheets where they are known, and beside the
roster, one empty column apart, the region's reserves for a seat freed the day before (the rows
of ``reserves.csv``, columns named ``reserve_...``: the attendance reader skips them);
``Unassigned``;
``Costs`` (a region per row, a component per column, totals); ``Summary`` (planned against
attended, with a total row). The columns and rows are those of the CSV files of the same
export (:mod:`trafficplan.exports.tables`), with typed cells:

- dates are spreadsheet dates (shown ``yyyy-mm-dd``), start times spreadsheet times, counts and
  euros numbers, so a spreadsheet with any list separator or decimal comma reads them right;
- every other cell is written as text, never as a formula, whatever it holds; text that starts
  like a formula (``=``, ``+``, ``-``, ``@``, tab, CR, NUL) also carries the spreadsheet's
  quote prefix, so it stays text even when a user edits the cell (the OWASP guard of the CSV
  files, in the workbook's own terms; the value itself is kept, so ids read back unchanged);
- the header row is frozen and filtered, columns are as wide as their content (within limits).

The file is built in memory and its bytes depend on the plan, data and attendance only (fixed
document dates), so exporting the same plan again leaves it ``unchanged``. The workbook is read
back by :mod:`trafficplan.inputs.attendance_xlsx`.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from trafficplan.exports.attendance import SUMMARY_HEADER, summary_rows
from trafficplan.exports.cells import FORMULA_TRIGGERS
from trafficplan.exports.tables import (
    RESERVES_HEADER,
    ROSTER_HEADER,
    SCHEDULE_HEADER,
    UNASSIGNED_HEADER,
    reserve_rows,
    roster_rows,
    schedule_rows,
    unassigned_rows,
    with_course,
)
from trafficplan.i18n import SOURCE_LANGUAGE, current_language
from trafficplan.i18n import gettext as _
from trafficplan.i18n.columns import column_title, header_titles, sheet_title, translated_rows
from trafficplan.inputs.attendance import ATTENDANCE_STATUSES, Attendance
from trafficplan.inputs.attendance_xlsx import (
    ATTENDANCE_COLUMN,
    COSTS_SHEET,
    FIXED_SHEETS,
    SCHEDULE_SHEET,
    SUMMARY_SHEET,
    UNASSIGNED_SHEET,
)
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan import Plan
from trafficplan.plan.metrics import cost_breakdown_cents

WORKBOOK_FILE = "programme.xlsx"
REGION_HEADER = (*ROSTER_HEADER, ATTENDANCE_COLUMN)
"""A region sheet's columns: the roster's, then ``attendance`` (in a programme in stages,
``course`` between them, as in the roster files)."""
RESERVE_BLOCK_HEADER = tuple(
    "reserve_for" if column == "session_id" else f"reserve_{column}" for column in RESERVES_HEADER
)
"""The reserves beside a region's roster: the columns of ``reserves.csv``, each named with
``reserve_`` so that none is a column the attendance reader looks for (``session_id``,
``officer_id``, ``attendance``)."""
COSTS_SHEET_HEADER = ("region", *COST_COMPONENTS, "total")
TOTAL = "total"
"""The first cell of a total row (Costs, Summary)."""
XLSX_TEXT_TRIGGERS = (*FORMULA_TRIGGERS, "\0")
"""Text starting with one of these gets the quote prefix (CSV's triggers, and NUL)."""
MAX_SHEET_NAME = 31
"""Spreadsheet programs refuse longer sheet names."""
RESERVED_SHEET_NAMES = frozenset(name.casefold() for name in (*FIXED_SHEETS, "History"))
DOCUMENT_DATE = datetime(2000, 1, 1)
"""The workbook's creation date in its properties: fixed, so the bytes depend on the content."""
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_FORMAT, TIME_FORMAT, EUR_FORMAT = "yyyy-mm-dd", "hh:mm", "#,##0.00"
LOCAL_DATE_FORMAT = "dd.mm.yyyy"
"""How dates show in a workbook in another language than English (as Ukrainian writes them)."""
VALIDATION_ROWS = 1_048_576
"""The attendance list applies down the whole column, so rows a region adds get it too."""

_DATE_COLUMNS = frozenset({"date"})
_TIME_COLUMNS = frozenset({"start_time"})
_INT_COLUMNS = frozenset({"officers", "planned", "attended", "no_shows", "to_train"})


def region_sheet_names(region_ids: Iterable[str]) -> dict[str, str]:
    """Each region's sheet name: its id, unless that is too long for a sheet or taken by a
    fixed sheet (``Costs``...), then the id cut short with a digest of the whole id."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for region_id in region_ids:
        name = region_id
        if len(name) > MAX_SHEET_NAME or name.casefold() in RESERVED_SHEET_NAMES:
            digest = hashlib.sha256(region_id.encode("utf-8")).hexdigest()[:8]
            name = f"{region_id[: MAX_SHEET_NAME - 9]}-{digest}"
        while name.casefold() in taken:
            name = name[: MAX_SHEET_NAME - 2] + "-2"
        taken.add(name.casefold())
        names[region_id] = name
    return names


class _Writer:
    """One workbook being written: its formats and the typed cell writers."""

    def __init__(self, data: ProblemData) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
        )
        programme = data.constraints.programme
        self.book.set_properties(
            {
                "title": programme.title or _("Training programme"),
                "company": programme.organisation or "",
                "comments": "Written by trafficplan export --xlsx",
                "created": DOCUMENT_DATE,
            }
        )
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#DDE6F0", "bottom": 1, "text_wrap": False}
        )
        self.text = self.book.add_format({})
        self.guarded = self.book.add_format({"quote_prefix": True})
        shown = DATE_FORMAT if current_language() == SOURCE_LANGUAGE else LOCAL_DATE_FORMAT
        self.date = self.book.add_format({"num_format": shown, "align": "left"})
        self.time = self.book.add_format({"num_format": TIME_FORMAT, "align": "left"})
        self.integer = self.book.add_format({"num_format": "0"})
        self.rank = self.book.add_format({"num_format": "0", "align": "center"})
        self.eur = self.book.add_format({"num_format": EUR_FORMAT})
        self.total_text = self.book.add_format({"bold": True, "top": 1})
        self.total_integer = self.book.add_format({"bold": True, "top": 1, "num_format": "0"})
        self.total_eur = self.book.add_format({"bold": True, "top": 1, "num_format": EUR_FORMAT})
        # the cells a region fills in stand out: the attendance column
        self.entry_header = self.book.add_format({"bold": True, "bg_color": "#FFE699", "bottom": 1})
        self.entry = self.book.add_format(
            {"bg_color": "#FFF7D6", "border": 1, "border_color": "#D9D9D9"}
        )
        # a table beside a sheet's main one (the reserves) has a header of its own colour
        self.side_header = self.book.add_format({"bold": True, "bg_color": "#E2EFDA", "bottom": 1})

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()

    def sheet(
        self,
        name: str,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        kinds: Sequence[str],
        total: Sequence[Any] | None = None,
    ) -> Any:
        """A sheet with a frozen, filtered header row, ``rows`` typed by ``kinds`` (``text``,
        ``date``, ``time``, ``int``, ``rank`` (a centred number), ``eur``, or ``entry``: a
        shaded text cell to fill in) and an optional bold ``total`` row."""
        sheet = self.book.add_worksheet(name)
        self.block(sheet, 0, header, rows, kinds, self.header, total)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(rows)), len(header) - 1)
        return sheet

    def block(
        self,
        sheet: Any,
        first_column: int,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        kinds: Sequence[str],
        header_style: Any,
        total: Sequence[Any] | None = None,
    ) -> None:
        """A table from row 1 and ``first_column``: its header, ``rows`` typed by ``kinds``
        (see :meth:`sheet`), an optional bold ``total`` row, columns as wide as they need."""
        header = header_titles(header)
        widths = [len(column) + 3 for column in header]  # room for the filter button
        for column, (title, kind) in enumerate(zip(header, kinds, strict=True)):
            style = self.entry_header if kind == "entry" else header_style
            sheet.write_string(0, first_column + column, title, style)
        for number, row in enumerate(rows, start=1):
            for column, (value, kind) in enumerate(zip(row, kinds, strict=True)):
                width = self.cell(sheet, number, first_column + column, value, kind)
                widths[column] = max(widths[column], width)
        if total is not None:
            number = len(rows) + 1
            for column, (value, kind) in enumerate(zip(total, kinds, strict=True)):
                self.cell(sheet, number, first_column + column, value, kind, bold=True)
        for column, width in enumerate(widths):
            place = first_column + column
            sheet.set_column(place, place, min(MAX_WIDTH, max(MIN_WIDTH, width + 1)))

    def cell(
        self, sheet: Any, row: int, column: int, value: Any, kind: str, bold: bool = False
    ) -> int:
        """Write one typed cell; returns the width its content needs (in characters)."""
        if kind == "entry":  # a cell to fill in: text, shaded, also when empty
            if value:
                sheet.write_string(row, column, str(value), self.entry)
            else:
                sheet.write_blank(row, column, None, self.entry)
            return len(str(value or ""))
        if value is None or value == "":
            if bold:
                sheet.write_blank(row, column, None, self.total_text)
            return 0
        if kind == "date":
            sheet.write_datetime(row, column, value, self.date)
            return len(DATE_FORMAT)
        if kind == "time":
            sheet.write_datetime(row, column, value, self.time)
            return len(TIME_FORMAT)
        if kind == "rank":  # a small number read beside text: centred, not pushed right
            sheet.write_number(row, column, value, self.rank)
            return len(str(value))
        if kind == "int":
            sheet.write_number(row, column, value, self.total_integer if bold else self.integer)
            return len(str(value))
        if kind == "eur":
            sheet.write_number(row, column, value, self.total_eur if bold else self.eur)
            return len(f"{value:,.2f}")
        text = str(value)
        if bold:
            style = self.total_text
        elif text.startswith(XLSX_TEXT_TRIGGERS):
            style = self.guarded
        else:
            style = self.text
        sheet.write_string(row, column, text, style)
        return max((len(line) for line in text.splitlines()), default=0)


def _kind(column: str) -> str:
    """How a CSV column's cells are written: ``date``, ``time``, ``rank``, ``int`` or ``text``."""
    if column in _DATE_COLUMNS:
        return "date"
    if column in _TIME_COLUMNS:
        return "time"
    if column == "rank":
        return "rank"
    return "int" if column in _INT_COLUMNS else "text"


def _value(kind: str, cell: str) -> Any:
    """A CSV cell as the value of its kind (an empty cell stays empty)."""
    if not cell or kind == "text":
        return cell
    if kind == "rank":
        return int(cell)
    if kind == "date":
        return datetime.combine(date.fromisoformat(cell), time())
    if kind == "time":
        return time.fromisoformat(cell)
    return int(cell)


def _table(
    header: Sequence[str], rows: Iterable[Sequence[str]]
) -> tuple[list[list[Any]], list[str]]:
    """The rows of a CSV export typed for the workbook, and the kind of each column."""
    kinds = [_kind(column) for column in header]
    typed = [
        [_value(k, c) for k, c in zip(kinds, row, strict=True)]
        for row in translated_rows(header, rows)
    ]
    return typed, kinds


def programme_workbook(
    data: ProblemData, plan: Plan, attendance: Attendance | None = None
) -> bytes:
    """The bytes of ``programme.xlsx`` for ``plan`` (see the module's docstring).

    The plan's ids must be known to ``data``.
    """
    writer = _Writer(data)

    # a programme in stages: a last column ``course``, as in the CSV files
    schedule_header, schedule = with_course(data, plan, SCHEDULE_HEADER, schedule_rows(plan))
    rows, kinds = _table(schedule_header, schedule)
    writer.sheet(sheet_title(SCHEDULE_SHEET), schedule_header, rows, kinds)

    recorded = (
        {(r.session_id, r.officer_id): r.status for r in attendance.rows}
        if attendance is not None
        else {}
    )
    sheet_names = region_sheet_names(region.id for region in data.regions)
    region_of = {session.id: session.region for session in plan.sessions}
    reserves_by_region: dict[str, list[tuple[str, ...]]] = {}
    for reserve in reserve_rows(data, plan, attendance):
        reserves_by_region.setdefault(region_of[reserve[0]], []).append(reserve)
    for region in data.regions:
        roster_header, roster = with_course(
            data, plan, ROSTER_HEADER, roster_rows(data, plan, region.id, attendance)
        )
        rows, kinds = _table(roster_header, roster)
        for typed, row in zip(rows, roster, strict=True):
            typed.append(recorded.get((row[0], row[3]), ""))
        region_header = (*roster_header, ATTENDANCE_COLUMN)
        sheet = writer.sheet(sheet_names[region.id], region_header, rows, [*kinds, "entry"])
        column = len(region_header) - 1
        sheet.data_validation(
            1,
            column,
            VALIDATION_ROWS - 1,
            column,
            {
                "validate": "list",
                "source": list(ATTENDANCE_STATUSES),
                "input_title": _("Attendance"),
                "input_message": _("present or absent; leave empty while not known"),
                "error_title": _("Attendance"),
                "error_message": _("Choose present or absent, or leave the cell empty."),
            },
        )
        # beside the roster, one empty column apart and outside its filter, so that sorting
        # or filtering the roster leaves it alone and the reader never sees its rows
        reserve_table, reserve_kinds = _table(
            RESERVES_HEADER, reserves_by_region.get(region.id, [])
        )
        writer.block(
            sheet,
            len(region_header) + 1,
            RESERVE_BLOCK_HEADER,
            reserve_table,
            reserve_kinds,
            writer.side_header,
        )

    rows, kinds = _table(UNASSIGNED_HEADER, unassigned_rows(data, plan))
    writer.sheet(sheet_title(UNASSIGNED_SHEET), UNASSIGNED_HEADER, rows, kinds)

    breakdown = cost_breakdown_cents(data, plan.sessions)
    cost_table: list[list[Any]] = []
    for region_id, parts in breakdown.items():
        amounts = [parts[component] for component in COST_COMPONENTS]
        cost_table.append([region_id, *(a / 100 for a in amounts), sum(amounts) / 100])
    sums = [sum(parts[c] for parts in breakdown.values()) for c in COST_COMPONENTS]
    cost_total = [column_title(TOTAL), *(s / 100 for s in sums), sum(sums) / 100]
    cost_kinds = ["text", *["eur"] * (len(COSTS_SHEET_HEADER) - 1)]
    writer.sheet(sheet_title(COSTS_SHEET), COSTS_SHEET_HEADER, cost_table, cost_kinds, cost_total)

    summary = summary_rows(data, plan, attendance)
    rows, kinds = _table(SUMMARY_HEADER, summary)
    summary_total: list[Any] = [column_title(TOTAL), ""]
    for column in range(2, len(SUMMARY_HEADER)):
        summary_total.append(sum(int(row[column]) for row in summary))
    writer.sheet(sheet_title(SUMMARY_SHEET), SUMMARY_HEADER, rows, kinds, summary_total)
    return writer.close()


def sheet_count(data: ProblemData) -> int:
    """How many sheets ``programme.xlsx`` has: the fixed ones and one per region."""
    return len(FIXED_SHEETS) + len(data.regions)
