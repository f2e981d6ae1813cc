"""Build every export file in memory, then write them one by one, atomically.

Nothing is written until every file's content is ready (a plan or an old calendar that cannot
be used stops the export before it touches the folder). Each file is replaced atomically, so a
failure midway leaves every file either as it was or completely new, and the error says which
files were written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Literal

from trafficplan.atomic import write_bytes_atomic
from trafficplan.errors import ExitCode, TrafficplanError
from trafficplan.exports.attendance import SUMMARY_HEADER, summary_rows
from trafficplan.exports.calendars import read_previous_events, trainer_calendar
from trafficplan.exports.cells import csv_bytes
from trafficplan.exports.filenames import unique_file_stems
from trafficplan.exports.tables import (
    COSTS_HEADER,
    RESERVES_HEADER,
    ROSTER_HEADER,
    SCHEDULE_HEADER,
    UNASSIGNED_HEADER,
    cost_rows,
    reserve_rows,
    roster_rows,
    schedule_rows,
    unassigned_rows,
    with_course,
)
from trafficplan.i18n import use_language
from trafficplan.i18n.columns import header_titles, translated_rows
from trafficplan.i18n.data import localized_data
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, PlanSession

ROSTERS_DIR = "rosters"
CALENDARS_DIR = "calendars"
SCHEDULE_FILE = "schedule.csv"
UNASSIGNED_FILE = "unassigned.csv"
COSTS_FILE = "costs.csv"
SUMMARY_FILE = "summary.csv"
RESERVES_FILE = "reserves.csv"
SIGN_IN_DIR = "sign-in"
CERTIFICATES_DIR = "certificates"

FileKind = Literal[
    "roster",
    "schedule",
    "unassigned",
    "costs",
    "summary",
    "reserves",
    "calendar",
    "workbook",
    "sign_in",
    "certificates",
]
WriteStatus = Literal["new", "updated", "unchanged"]


class ExportWriteError(TrafficplanError):
    """An export file could not be written; the files before it were."""

    exit_code = ExitCode.USAGE

    def __init__(self, target: Path, reason: str, written: list[Path], remaining: int):
        self.target = target
        self.reason = reason
        self.written = written
        self.remaining = remaining
        super().__init__(f"{target}: cannot write: {reason}")

    def lines(self) -> list[str]:
        """What failed, what had been written before, and that the rest is untouched."""
        done = ", ".join(str(path) for path in self.written) or "none"
        return [
            f"{self.target}: cannot write: {self.reason}",
            f"written before the failure ({len(self.written)}): {done}",
            f"{self.remaining} file(s) not written, left as they were",
        ]


@dataclass(frozen=True)
class ExportFile:
    """One file of an export, ready to write.

    ``path`` is relative to the output folder; ``subject`` is the region id of a roster and
    the trainer id of a calendar (the session id of a sign-in sheet, the region id of its
    certificates). ``rows`` counts data rows of a CSV (header excluded); ``events`` and
    ``cancelled`` count a calendar's active and cancelled events; ``sheets`` a workbook's
    sheets, ``pages`` a PDF's pages.
    """

    path: PurePosixPath
    kind: FileKind
    content: bytes
    subject: str | None = None
    rows: int | None = None
    events: int | None = None
    cancelled: int | None = None
    sheets: int | None = None
    pages: int | None = None


@dataclass
class Export:
    """Everything an export writes, plus calendar files in the folder that it leaves alone."""

    files: list[ExportFile]
    foreign_calendars: list[PurePosixPath] = field(default_factory=list)


@dataclass(frozen=True)
class WrittenFile:
    """An export file after writing: ``new``, ``updated`` or ``unchanged`` (not rewritten)."""

    file: ExportFile
    status: WriteStatus


def build_export(
    data: ProblemData,
    plan: Plan,
    out_dir: Path,
    *,
    now: datetime | None = None,
    attendance: Attendance | None = None,
    xlsx: bool = False,
    pdf: bool = False,
    language: str = "en",
) -> Export:
    """Build the content of every export file of ``plan`` for the folder ``out_dir``.

    One roster per region of the data (header only for a region without sessions), the
    schedule, the officers without a session (always, header only when there is none), the
    cost by region and component, planned versus attended per region and district
    (``summary.csv``, with the sign-in sheets in ``attendance``), the reserves for a seat
    freed the day before in each session not held yet (``reserves.csv``), and one calendar per
    trainer of the data who has a session in the plan or a calendar from a previous export in
    ``out_dir`` (read back to keep UIDs, bump SEQUENCE and cancel sessions that left it).
    With ``xlsx``, also ``programme.xlsx`` (:mod:`trafficplan.exports.workbook`); with
    ``pdf``, a sign-in sheet per session and, for regions with held sessions, their
    certificates of attendance (:func:`document_files`).
    Headers, sheet names, words, dates in words, documents and calendar texts are in
    ``language`` (``en`` or ``uk``, spec 7.3), and so are the names the data give in it; ids,
    file names, ISO dates and ``status`` values are the same in every language.
    The plan's ids must be known to the data (:func:`trafficplan.plan.require_known_ids`).

    Raises:
        PreviousCalendarError: a previous calendar in ``out_dir`` cannot be read.
    """
    with use_language(language):
        return _build_export(
            localized_data(data, language), plan, out_dir, now, attendance, xlsx, pdf
        )


def _build_export(
    data: ProblemData,
    plan: Plan,
    out_dir: Path,
    now: datetime | None,
    attendance: Attendance | None,
    xlsx: bool,
    pdf: bool,
) -> Export:
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    files: list[ExportFile] = []

    region_stems = unique_file_stems(region.id for region in data.regions)
    for region in data.regions:
        header, rows = with_course(
            data, plan, ROSTER_HEADER, roster_rows(data, plan, region.id, attendance)
        )
        files.append(
            ExportFile(
                path=PurePosixPath(ROSTERS_DIR, f"{region_stems[region.id]}.csv"),
                kind="roster",
                content=csv_bytes(header_titles(header), translated_rows(header, rows)),
                subject=region.id,
                rows=len(rows),
            )
        )

    tables: list[tuple[str, FileKind, tuple[str, ...], list[tuple[str, ...]]]] = [
        (SCHEDULE_FILE, "schedule", *with_course(data, plan, SCHEDULE_HEADER, schedule_rows(plan))),
        (UNASSIGNED_FILE, "unassigned", UNASSIGNED_HEADER, unassigned_rows(data, plan)),
        (COSTS_FILE, "costs", COSTS_HEADER, cost_rows(data, plan)),
        (SUMMARY_FILE, "summary", SUMMARY_HEADER, summary_rows(data, plan, attendance)),
        (RESERVES_FILE, "reserves", RESERVES_HEADER, reserve_rows(data, plan, attendance)),
    ]
    for name, kind, header, rows in tables:
        files.append(
            ExportFile(
                path=PurePosixPath(name),
                kind=kind,
                content=csv_bytes(header_titles(header), translated_rows(header, rows)),
                rows=len(rows),
            )
        )

    sessions_of: dict[str, list[PlanSession]] = defaultdict(list)
    for session in plan.sessions:
        for trainer_id in dict.fromkeys(session.trainers):
            sessions_of[trainer_id].append(session)
    trainer_stems = unique_file_stems(trainer.id for trainer in data.trainers)
    for trainer in data.trainers:
        relative = PurePosixPath(CALENDARS_DIR, f"{trainer_stems[trainer.id]}.ics")
        previous = read_previous_events(out_dir / relative)
        if not sessions_of[trainer.id] and not previous:
            continue
        calendar = trainer_calendar(data, trainer.id, sessions_of[trainer.id], previous, stamp)
        files.append(
            ExportFile(
                path=relative,
                kind="calendar",
                content=calendar.content,
                subject=trainer.id,
                events=calendar.events,
                cancelled=calendar.cancelled,
            )
        )

    if xlsx:
        from trafficplan.exports.workbook import WORKBOOK_FILE, programme_workbook, sheet_count

        content = programme_workbook(data, plan, attendance)
        files.append(
            ExportFile(
                path=PurePosixPath(WORKBOOK_FILE),
                kind="workbook",
                content=content,
                sheets=sheet_count(data),
            )
        )
    if pdf:
        files.extend(document_files(data, plan, attendance))

    ours = {file.path.name for file in files if file.kind == "calendar"}
    ours |= {f"{stem}.ics" for stem in trainer_stems.values()}
    calendars_dir = out_dir / CALENDARS_DIR
    foreign = (
        sorted(
            PurePosixPath(CALENDARS_DIR, path.name)
            for path in calendars_dir.glob("*.ics")
            if path.name not in ours
        )
        if calendars_dir.is_dir()
        else []
    )
    return Export(files=files, foreign_calendars=foreign)


def document_files(
    data: ProblemData, plan: Plan, attendance: Attendance | None
) -> list[ExportFile]:
    """The printable documents of ``export --pdf``: ``sign-in/<session_id>.pdf`` for every
    session (by date, then id) and ``certificates/<region>.pdf`` for every region with a
    held session whose sign-in sheet marks someone present."""
    from trafficplan.exports.certificates import certified, region_certificates
    from trafficplan.exports.signin import sign_in_sheet

    files: list[ExportFile] = []
    sessions = sorted(plan.sessions, key=lambda s: (s.date, s.id))
    session_stems = unique_file_stems(session.id for session in sessions)
    for session in sessions:
        content, pages = sign_in_sheet(data, session)
        files.append(
            ExportFile(
                path=PurePosixPath(SIGN_IN_DIR, f"{session_stems[session.id]}.pdf"),
                kind="sign_in",
                content=content,
                subject=session.id,
                rows=len(session.officers),
                pages=pages,
            )
        )
    if attendance is None:
        return files
    region_stems = unique_file_stems(region.id for region in data.regions)
    for region in data.regions:
        pairs = certified((s for s in sessions if s.region == region.id), attendance)
        if not pairs:
            continue
        files.append(
            ExportFile(
                path=PurePosixPath(CERTIFICATES_DIR, f"{region_stems[region.id]}.pdf"),
                kind="certificates",
                content=region_certificates(data, pairs, region.name),
                subject=region.id,
                rows=len(pairs),
                pages=len(pairs),
            )
        )
    return files


def write_export(export: Export, out_dir: Path) -> list[WrittenFile]:
    """Write every file of ``export`` under ``out_dir`` (created if needed), each atomically.

    A file whose bytes are already there is left untouched and reported ``unchanged``.

    Raises:
        ExportWriteError: a file could not be written; it names the files written before.
    """
    results: list[WrittenFile] = []
    written: list[Path] = []
    for index, file in enumerate(export.files):
        target = out_dir / file.path
        try:
            existing = target.read_bytes() if target.is_file() else None
            if existing == file.content:
                results.append(WrittenFile(file, "unchanged"))
                continue
            write_bytes_atomic(target, file.content)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ExportWriteError(
                target, reason, written, remaining=len(export.files) - index
            ) from None
        written.append(target)
        results.append(WrittenFile(file, "new" if existing is None else "updated"))
    return results
