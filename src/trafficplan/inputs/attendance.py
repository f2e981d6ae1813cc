"""``attendance.csv``: the sign-in sheets of sessions that took place (spec 6.4).

An optional fifth file of the data folder, header ``session_id,officer_id,status`` with status
``present`` or ``absent``. A session with any row is *held*. The file records what happened,
not what the plan was made from, so it is not among a plan's input digests.

:func:`read_attendance` checks what the data folder alone can check (header, statuses,
officer ids, duplicate rows, an officer present in two sessions); the session ids are checked
against a plan by :func:`attendance_plan_problems`, by the commands that read one.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from trafficplan.errors import InputError, Problem
from trafficplan.inputs.problem import ProblemData

ATTENDANCE = "attendance.csv"
ATTENDANCE_COLUMNS = ("session_id", "officer_id", "status")
AttendanceStatus = Literal["present", "absent"]


@dataclass(frozen=True)
class AttendanceRow:
    """One row of ``attendance.csv`` and its line number."""

    line: int
    session_id: str
    officer_id: str
    status: AttendanceStatus


@dataclass
class Attendance:
    """The rows of ``attendance.csv``, grouped by session (held sessions only)."""

    rows: list[AttendanceRow] = field(default_factory=list)

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


def read_attendance(folder: Path, data: ProblemData) -> Attendance | None:
    """The folder's ``attendance.csv`` checked against the data, or None when there is none.

    Raises:
        InputError: one problem per defective line (unreadable file, wrong header, unknown
            status or officer id, a duplicate row, an officer present in two sessions).
    """
    path = Path(folder) / ATTENDANCE
    if path.is_dir():
        raise InputError([Problem(ATTENDANCE, "", f"is a folder in {folder}, not a file")])
    if not path.is_file():
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError([Problem(ATTENDANCE, "", f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError([Problem(ATTENDANCE, f"line {line}", "not UTF-8 text")]) from None
    return parse_attendance(text, data)


def parse_attendance(text: str, data: ProblemData) -> Attendance:
    """Parse and check the text of ``attendance.csv`` (see :func:`read_attendance`)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    expected = ",".join(ATTENDANCE_COLUMNS)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError([Problem(ATTENDANCE, "line 1", f"malformed CSV: {exc}")]) from None
    if header is None or [c.strip() for c in header] != list(ATTENDANCE_COLUMNS):
        got = "nothing" if header is None else repr(",".join(header)[:80])
        raise InputError([Problem(ATTENDANCE, "line 1", f"header must be {expected}, got {got}")])
    problems: list[Problem] = []
    rows: list[AttendanceRow] = []
    seen: dict[tuple[str, str], int] = {}
    present_at: dict[str, tuple[str, int]] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            place = f"line {line}"
            if len(cells) != len(ATTENDANCE_COLUMNS):
                problems.append(Problem(ATTENDANCE, place, f"expected 3 columns, got {len(cells)}"))
                continue
            session_id, officer_id, status = (c.strip() for c in cells)
            found = []
            if not session_id:
                found.append("empty session_id")
            if officer_id not in data.officer_by_id:
                found.append(f"unknown officer {officer_id!r}")
            if status not in ("present", "absent"):
                found.append(f"status must be present or absent, got {status!r}")
            key = (session_id, officer_id)
            if key in seen:
                found.append(
                    f"officer {officer_id} is listed again for session {session_id} "
                    f"(first on line {seen[key]})"
                )
            elif status == "present" and officer_id in present_at:
                other, first = present_at[officer_id]
                found.append(
                    f"officer {officer_id} is marked present in {session_id} and in {other} "
                    f"(line {first})"
                )
            if found:
                problems.extend(Problem(ATTENDANCE, place, p) for p in found)
                continue
            seen[key] = line
            if status == "present":
                present_at[officer_id] = (session_id, line)
            rows.append(AttendanceRow(line, session_id, officer_id, status))  # type: ignore[arg-type]
    except csv.Error as exc:
        problems.append(Problem(ATTENDANCE, f"line {reader.line_num}", f"malformed CSV: {exc}"))
    if problems:
        raise InputError(problems)
    return Attendance(rows)


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
        problems.append(Problem(ATTENDANCE, f"line {row.line}", message))
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
    folder: Path, data: ProblemData, plan: Any, since: date | None = None
) -> Attendance | None:
    """The folder's ``attendance.csv`` checked against the data and a plan's sessions (and,
    for a re-plan, ``since``), or None when there is none.

    Raises:
        InputError: a defective line, or a row naming a session the plan does not hold (or,
            with ``since``, one dated on or after it).
    """
    attendance = read_attendance(folder, data)
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
