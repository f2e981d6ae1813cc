"""Exports of a plan: rosters per region, the schedule, the officers without a session, the
cost by region and component, and trainer calendars.

``build_export`` renders every file in memory; ``write_export`` writes them atomically. The
CSV files are spreadsheet-safe (:func:`safe_cell`), file names derived from ids cannot leave
the output folder (:func:`safe_file_stem`, :func:`unique_file_stems`).
"""

from trafficplan.exports.bundle import (
    CALENDARS_DIR,
    COSTS_FILE,
    ROSTERS_DIR,
    SCHEDULE_FILE,
    UNASSIGNED_FILE,
    Export,
    ExportFile,
    ExportWriteError,
    WrittenFile,
    build_export,
    write_export,
)
from trafficplan.exports.calendars import PreviousCalendarError, event_uid, programme_id
from trafficplan.exports.cells import csv_bytes, safe_cell
from trafficplan.exports.filenames import safe_file_stem, unique_file_stems
from trafficplan.exports.tables import (
    COSTS_HEADER,
    ROSTER_HEADER,
    SCHEDULE_HEADER,
    UNASSIGNED_HEADER,
)

__all__ = [
    "CALENDARS_DIR",
    "COSTS_FILE",
    "COSTS_HEADER",
    "ROSTERS_DIR",
    "ROSTER_HEADER",
    "SCHEDULE_FILE",
    "SCHEDULE_HEADER",
    "UNASSIGNED_FILE",
    "UNASSIGNED_HEADER",
    "Export",
    "ExportFile",
    "ExportWriteError",
    "PreviousCalendarError",
    "WrittenFile",
    "build_export",
    "csv_bytes",
    "event_uid",
    "programme_id",
    "safe_cell",
    "safe_file_stem",
    "unique_file_stems",
    "write_export",
]
