"""The programme workbook as a region sends it back: its ``attendance`` column read as sign-in
sheets (spec 7.2).

``export --xlsx`` writes ``programme.xlsx`` with the fixed sheets ``Schedule``, ``Unassigned``,
``Costs`` and ``Summary`` and one sheet per region: the roster's columns and a last column
``attendance`` (``present``/``absent``). A region fills that column in, adds a row for a
substitute, and sends the file back; the office puts it in the data folder as
``attendance.xlsx`` or names it with ``--attendance FILE``.

:func:`read_workbook_rows` reads every sheet but the fixed ones: its first row must name the
columns ``session_id``, ``officer_id`` and ``attendance`` (found by name, so a column a region
inserted does not matter); each later row whose ``attendance`` cell is filled becomes a
:class:`~trafficplan.inputs.attendance.SheetRow` placed as ``sheet lviv, row 14``, and rows with
an empty cell are not recorded. The rows are then checked like those of ``attendance.csv``
(:func:`~trafficplan.inputs.attendance.validate_rows`). The workbook is read for the values a
spreadsheet program stored: a formula is never evaluated (its last computed value, if the
file holds one, is read as text).
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from trafficplan.errors import InputError, Problem
from trafficplan.inputs.attendance import ATTENDANCE_STATUSES, SheetRow

SCHEDULE_SHEET = "Schedule"
UNASSIGNED_SHEET = "Unassigned"
COSTS_SHEET = "Costs"
SUMMARY_SHEET = "Summary"
FIXED_SHEETS = (SCHEDULE_SHEET, UNASSIGNED_SHEET, COSTS_SHEET, SUMMARY_SHEET)
"""The workbook's sheets that are not a region's roster; the reader leaves them alone."""
ATTENDANCE_COLUMN = "attendance"
"""The last column of a region sheet: ``present``, ``absent`` or empty (not known)."""
KEY_COLUMNS = ("session_id", "officer_id", ATTENDANCE_COLUMN)
"""The columns of a region sheet that the reader needs, found by their header."""


def cell_text(value: Any) -> str:
    """A cell's value as the text of an id or a status: strings stripped, a whole number
    without ``.0`` (an id a spreadsheet turned into a number), a date as ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_workbook_rows(path: Path, source: str) -> tuple[list[SheetRow], list[Problem]]:
    """The filled-in ``attendance`` cells of every region sheet of the workbook at ``path``,
    in sheet order then row order, and what is wrong with the workbook's form (a sheet whose
    header lacks a needed column). ``source`` names the file in messages.

    Raises:
        InputError: the file is not a readable ``.xlsx`` workbook.
    """
    from openpyxl import load_workbook

    try:
        # data_only: a formula cell gives its stored value, never the formula to run
        workbook = load_workbook(path, data_only=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError([Problem(source, "", f"cannot read: {reason}")]) from None
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(
            [Problem(source, "", f"not an Excel workbook (.xlsx): {_reason(exc)}")]
        ) from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        raise InputError(
            [Problem(source, "", f"cannot be read as an Excel workbook (.xlsx): {_reason(exc)}")]
        ) from None
    rows: list[SheetRow] = []
    problems: list[Problem] = []
    from trafficplan.i18n.columns import sheet_names_in_all_languages

    fixed = sheet_names_in_all_languages(FIXED_SHEETS)
    try:
        for sheet in workbook.worksheets:
            if sheet.title.casefold() in fixed:
                continue
            sheet_rows, sheet_problems = _sheet_rows(sheet, source)
            rows.extend(sheet_rows)
            problems.extend(sheet_problems)
    finally:
        workbook.close()
    return rows, problems


def _sheet_rows(sheet: Any, source: str) -> tuple[list[SheetRow], list[Problem]]:
    """The rows of one region sheet (see :func:`read_workbook_rows`); an empty sheet (one a
    spreadsheet program adds) gives none."""
    table = list(sheet.iter_rows(min_row=1, values_only=True))
    if all(cell_text(c) == "" for row in table for c in row):
        return [], []
    from trafficplan.i18n.columns import column_ids

    header = table[0]
    known = column_ids(KEY_COLUMNS)
    names = [known.get(cell_text(c).casefold(), cell_text(c).casefold()) for c in header]
    missing = [column for column in KEY_COLUMNS if column not in names]
    if missing:
        return [], [
            Problem(
                source,
                f"sheet {sheet.title}, row 1",
                f"no {_join(missing)} column in the header: a region sheet's first row names "
                f"session_id, officer_id and {ATTENDANCE_COLUMN} (as export --xlsx wrote it); "
                "restore the header, or remove the sheet if it is not a region's roster",
            )
        ]
    twice = [column for column in KEY_COLUMNS if names.count(column) > 1]
    if twice:
        return [], [
            Problem(
                source,
                f"sheet {sheet.title}, row 1",
                f"the header names {_join(twice)} more than once: which column to read cannot "
                "be told; keep one",
            )
        ]
    index = {column: names.index(column) for column in KEY_COLUMNS}
    rows: list[SheetRow] = []
    for number, cells in enumerate(table[1:], start=2):

        def cell(column: str, cells: tuple[Any, ...] = cells) -> str:
            position = index[column]
            return cell_text(cells[position]) if position < len(cells) else ""

        status = cell(ATTENDANCE_COLUMN)
        if not status:
            continue  # not recorded: the sheet does not say whether the officer came
        normalised = status.casefold()
        rows.append(
            SheetRow(
                place=f"sheet {sheet.title}, row {number}",
                session_id=cell("session_id"),
                officer_id=cell("officer_id"),
                status=normalised if normalised in ATTENDANCE_STATUSES else status,
            )
        )
    return rows, []


def _join(columns: list[str]) -> str:
    if len(columns) == 1:
        return columns[0]
    return ", ".join(columns[:-1]) + " and " + columns[-1]


def _reason(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text[:160]
