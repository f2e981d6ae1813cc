"""The sign-in sheets of sessions that took place (spec 6.4, 7.2): ``attendance.csv`` or the
programme workbook as a region sends it back (``attendance.xlsx``).

An optional file of the data folder, or one named with ``--attendance FILE``: a CSV with the
header ``session_id,officer_id,status`` (status ``present`` or ``absent``), or the workbook that
``export --xlsx`` writes with its region sheets' ``attendance`` column filled in
(:mod:`trafficplan.inputs.attendance_xlsx`). A session with any row is *held*. The file records
what happened, not what the plan was made from, so it is not among a plan's input digests.

One reader serves both formats: each format's reader turns its file into
:class:`SheetRow` records (the place in the file, the session, the officer, the status as
written), and :func:`validate_rows` checks them all the same way, into the same
:class:`Attendance`. It checks what the data folder alone can check (statuses, officer ids,
duplicate rows, an officer present in two sessions); the session ids are checked against a plan
by :func:`attendance_plan_problems`, by the commands that read one.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

from trafficplan.errors import InputError, Problem
from trafficplan.inputs.problem import ProblemData

ATTENDANCE = "attendance.csv"
ATTENDANCE_XLSX = "attendance.xlsx"
ATTENDANCE_FILES = (ATTENDANCE, ATTENDANCE_XLSX)
"""The names an attendance file may have in the data folder (at most one of them)."""
ATTENDANCE_COLUMNS = ("session_id", "officer_id", "status")
ATTENDANCE_STATUSES = ("present", "absent")
AttendanceStatus = Literal["present", "absent"]


@dataclass(frozen=True)
class SheetRow:
    """One row of a sign-in sheet as a file holds it, not yet checked: where it is
    (``line 3``, ``sheet lviv, row 14``), the session, the officer and the status as written."""

    place: str
    session_id: str
    officer_id: str
    status: str


@dataclass(frozen=True)
class AttendanceRow:
    """One checked row of a sign-in sheet and its place in the file (``line 3`` of a CSV,
    ``sheet lviv, row 14`` of a workbook)."""

    place: str
    session_id: str
    officer_id: str
    status: AttendanceStatus


@dataclass
class Attendance:
    """The rows of the sign-in sheets, grouped by session (held sessions only).

    ``source`` is the file as messages name it: ``attendance.csv`` or ``attendance.xlsx`` of
    the data folder, or the path given with ``--attendance``.
    """

    rows: list[AttendanceRow] = field(default_factory=list)
    source: str = ATTENDANCE

    # the rows never change after parsing: each grouping is computed once
    @cached_property
    def held(self) -> dict[str, list[AttendanceRow]]:
        """The rows of each held session, in file order."""
        groups: dict[str, list[AttendanceRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.session_id].append(row)
        return dict(groups)

    def present(self, session_id: str) -> list[str]:
        """The officers marked present in a session (substitutes included)."""
        return [r.officer_id for r in self.held.get(session_id, []) if r.status == "present"]

    def absent(self, session_id: str) -> list[str]:
        """The officers marked absent in a session."""
        return [r.officer_id for r in self.held.get(session_id, []) if r.status == "absent"]

    @cached_property
    def attended(self) -> set[str]:
        """Distinct officers present in some held session (``officers_attended``)."""
        return {r.officer_id for r in self.rows if r.status == "present"}

    @cached_property
    def no_shows(self) -> set[str]:
        """Distinct officers marked absent and present nowhere (``no_shows``)."""
        return {r.officer_id for r in self.rows if r.status == "absent"} - self.attended


def attendance_file(folder: Path, given: Path | None = None) -> tuple[Path, str] | None:
    """The attendance file to read and the name messages give it, or None when there is none.

    ``given`` (``--attendance FILE``) wins, named as given; else ``attendance.csv`` or
    ``attendance.xlsx`` of the data folder, named by its file name.

    Raises:
        InputError: ``given`` is missing or not a file, or the folder holds both files (which
            one is meant cannot be guessed), or one of them is a folder.
    """
    if given is not None:
        path = Path(given)
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "no such file"
            raise InputError([Problem(str(path), "", f"{what} (--attendance)")])
        return path, str(path)
    found = []
    for name in ATTENDANCE_FILES:
        path = Path(folder) / name
        if path.is_dir():
            raise InputError([Problem(name, "", f"is a folder in {folder}, not a file")])
        if path.is_file():
            found.append(path)
    if len(found) > 1:
        raise InputError(
            [
                Problem(
                    ATTENDANCE_XLSX,
                    "",
                    f"{folder} holds both {ATTENDANCE} and {ATTENDANCE_XLSX}: keep one of them "
                    "(or name the one to read with --attendance FILE)",
                )
            ]
        )
    return (found[0], found[0].name) if found else None


def read_attendance(
    folder: Path, data: ProblemData, given: Path | None = None
) -> Attendance | None:
    """The sign-in sheets checked against the data, or None when there are none.

    ``given`` (``--attendance FILE``, ``.csv`` or ``.xlsx``) is read if set, else the data
    folder's ``attendance.csv`` or ``attendance.xlsx`` (:func:`attendance_file`).

    Raises:
        InputError: one problem per defective row (unreadable file, wrong header, unknown
            status or officer id, a duplicate row, an officer present in two sessions), each
            naming the file and the line, or the sheet and row.
    """
    found = attendance_file(folder, given)
    if found is None:
        return None
    path, source = found
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from trafficplan.inputs.attendance_xlsx import read_workbook_rows

        rows, problems = read_workbook_rows(path, source)
        return validate_rows(source, rows, data, problems, workbook_status_message)
    if suffix != ".csv":
        raise InputError(
            [Problem(source, "", "an attendance file must be a .csv file or an .xlsx workbook")]
        )
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise InputError([Problem(source, "", f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(source, f"line {line}", "not UTF-8 text")]) from None
    return parse_attendance(text, data, source)


def csv_status_message(status: str) -> str:
    """What is wrong with a status of ``attendance.csv`` that is neither present nor absent."""
    return f"status must be present or absent, got {status!r}"


def workbook_status_message(status: str) -> str:
    """What is wrong with a workbook's ``attendance`` cell that is neither present nor absent."""
    return f"{status!r} is not present or absent"


def parse_attendance(text: str, data: ProblemData, source: str = ATTENDANCE) -> Attendance:
    """Parse and check the text of ``attendance.csv`` (see :func:`read_attendance`)."""
    rows, problems = csv_rows(text, source)
    return validate_rows(source, rows, data, problems, csv_status_message)


def csv_rows(text: str, source: str = ATTENDANCE) -> tuple[list[SheetRow], list[Problem]]:
    """The rows of an ``attendance.csv`` text, and what is wrong with its form (header, column
    count, malformed CSV). Blank lines are skipped.

    Raises:
        InputError: the header is not ``session_id,officer_id,status`` (nothing else is read).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    expected = ",".join(ATTENDANCE_COLUMNS)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError([Problem(source, "line 1", f"malformed CSV: {exc}")]) from None
    if header is None or [c.strip() for c in header] != list(ATTENDANCE_COLUMNS):
        got = "nothing" if header is None else repr(",".join(header)[:80])
        raise InputError([Problem(source, "line 1", f"header must be {expected}, got {got}")])
    problems: list[Problem] = []
    rows: list[SheetRow] = []
    try:
        for cells in reader:
            if not cells or all(not c.strip() for c in cells):
                continue
            place = f"line {reader.line_num}"
            if len(cells) != len(ATTENDANCE_COLUMNS):
                problems.append(Problem(source, place, f"expected 3 columns, got {len(cells)}"))
                continue
            session_id, officer_id, status = (c.strip() for c in cells)
            rows.append(SheetRow(place, session_id, officer_id, status))
    except csv.Error as exc:
        problems.append(Problem(source, f"line {reader.line_num}", f"malformed CSV: {exc}"))
    return rows, problems


def validate_rows(
    source: str,
    rows: Iterable[SheetRow],
    data: ProblemData,
    problems: list[Problem] | None = None,
    status_message: Callable[[str], str] = csv_status_message,
) -> Attendance:
    """Check sign-in rows of any format against the data: the one validation of attendance.

    Each row must name a session, an officer the data know and a status ``present`` or
    ``absent``; an officer appears once per session and is present in one session at most.

    Args:
        source: the file as messages name it.
        rows: the rows in file order.
        data: the data folder.
        problems: what the format's reader already found wrong (reported first).
        status_message: the words for a status that is neither present nor absent.

    Raises:
        InputError: one problem per defect, each naming ``source`` and the row's place.
    """
    problems = list(problems or [])
    checked: list[AttendanceRow] = []
    seen: dict[tuple[str, str], str] = {}
    present_at: dict[str, tuple[str, str]] = {}
    for row in rows:
        session_id, officer_id, status = row.session_id, row.officer_id, row.status
        found = []
        if not session_id:
            found.append("empty session_id")
        if officer_id not in data.officer_by_id:
            found.append(
                "empty officer_id" if not officer_id else f"unknown officer {officer_id!r}"
            )
        if status not in ATTENDANCE_STATUSES:
            found.append(status_message(status))
        key = (session_id, officer_id)
        if key in seen:
            found.append(
                f"officer {officer_id} is listed again for session {session_id} "
                f"(first on {seen[key]})"
            )
        elif status == "present" and officer_id in present_at:
            other, first = present_at[officer_id]
            found.append(
                f"officer {officer_id} is marked present in {session_id} and in {other} ({first})"
            )
        if found:
            problems.extend(Problem(source, row.place, p) for p in found)
            continue
        seen[key] = row.place
        if status == "present":
            present_at[officer_id] = (session_id, row.place)
        checked.append(
            AttendanceRow(row.place, session_id, officer_id, cast(AttendanceStatus, status))
        )
    if problems:
        raise InputError(problems)
    return Attendance(checked, source)


def attendance_plan_problems(
    attendance: Attendance, session_dates: dict[str, date], since: date | None = None
) -> list[Problem]:
    """Rows naming a session the plan does not hold, or (for a re-plan from ``since``) a
    session dated on or after ``since``, one problem per row."""
    problems = []
    for row in attendance.rows:
        day = session_dates.get(row.session_id)
        if day is None:
            message = f"session {row.session_id!r} is not in the plan"
        elif since is not None and day >= since:
            message = (
                f"session {row.session_id} on {day} is on or after --since {since}: "
                "a session held later cannot be re-planned"
            )
        else:
            continue
        problems.append(Problem(attendance.source, row.place, message))
    return problems


def attendance_by_region(attendance: Attendance, data: ProblemData) -> dict[str, dict[str, int]]:
    """Per region of the officers: held sessions, officers present and absent."""
    sessions: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in attendance.rows:
        region = data.officer_by_id[row.officer_id].region
        sessions[region].add(row.session_id)
        counts[region][row.status] += 1
    return {
        region: {
            "held_sessions": len(sessions[region]),
            "present": counts[region]["present"],
            "absent": counts[region]["absent"],
        }
        for region in sorted(sessions)
    }


def read_plan_attendance(
    folder: Path,
    data: ProblemData,
    plan: Any,
    since: date | None = None,
    *,
    given: Path | None = None,
) -> Attendance | None:
    """The sign-in sheets (``given``, else the folder's ``attendance.csv`` or
    ``attendance.xlsx``) checked against the data and a plan's sessions (and, for a re-plan,
    ``since``), or None when there are none.

    Raises:
        InputError: a defective line, or a row naming a session the plan does not hold (or,
            with ``since``, one dated on or after it).
    """
    attendance = read_attendance(folder, data, given)
    if attendance is None:
        return None
    dates = {session.id: session.date for session in plan.sessions}
    problems = attendance_plan_problems(attendance, dates, since)
    if problems:
        raise InputError(problems)
    return attendance


def attendance_metrics(attendance: Attendance) -> dict[str, int]:
    """``officers_attended`` (distinct officers present) and ``no_shows`` (distinct officers
    marked absent and present nowhere)."""
    return {"officers_attended": len(attendance.attended), "no_shows": len(attendance.no_shows)}
