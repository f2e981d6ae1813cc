"""The exports' words in the reader's language (spec 7.3), applied when a file is rendered.

Rows are built as they always were (:mod:`trafficplan.exports.tables`), from the data with
its names in the output's language (:func:`trafficplan.i18n.data.localized_data`); here the
column headers, sheet names and the cells of words (the weekday) are put into the current
language (:func:`trafficplan.i18n.use_language`). Ids, ISO dates, times, numbers and the
machine-readable ``status`` values stay as they are in every language, so each export reads
back (:func:`column_ids` maps a translated header back to its column).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from trafficplan.i18n import LANGUAGES, pgettext, use_language, weekday_abbreviation


def column_title(column: str) -> str:
    """The header of a column (its id, such as ``officer_name``) in the current language."""
    titles = {
        "session_id": pgettext("column", "session_id"),
        "date": pgettext("column", "date"),
        "weekday": pgettext("column", "weekday"),
        "region": pgettext("column", "region"),
        "venue": pgettext("column", "venue"),
        "trainers": pgettext("column", "trainers"),
        "ngos": pgettext("column", "ngos"),
        "officers": pgettext("column", "officers"),
        "officer_id": pgettext("column", "officer_id"),
        "officer_name": pgettext("column", "officer_name"),
        "district": pgettext("column", "district"),
        "start_time": pgettext("column", "start_time"),
        "venue_name": pgettext("column", "venue_name"),
        "venue_address": pgettext("column", "venue_address"),
        "trainer_names": pgettext("column", "trainer_names"),
        "ngo_names": pgettext("column", "ngo_names"),
        "status": pgettext("column", "status"),
        "reason": pgettext("column", "reason"),
        "rank": pgettext("column", "rank"),
        "now": pgettext("column", "now"),
        "component": pgettext("column", "component"),
        "eur": pgettext("column", "eur"),
        "planned": pgettext("column", "planned"),
        "attended": pgettext("column", "attended"),
        "no_shows": pgettext("column", "no_shows"),
        "to_train": pgettext("column", "to_train"),
        "attendance": pgettext("column", "attendance"),
        "trainer_fees": pgettext("column", "trainer_fees"),
        "trainer_travel": pgettext("column", "trainer_travel"),
        "per_diem": pgettext("column", "per_diem"),
        "hotel": pgettext("column", "hotel"),
        "venue_hire": pgettext("column", "venue_hire"),
        "catering": pgettext("column", "catering"),
        "officer_travel": pgettext("column", "officer_travel"),
        "total": pgettext("column", "total"),
        "course": pgettext("column", "course"),
        "reserve_for": pgettext("column", "reserve_for"),
        "reserve_rank": pgettext("column", "reserve_rank"),
        "reserve_officer_id": pgettext("column", "reserve_officer_id"),
        "reserve_officer_name": pgettext("column", "reserve_officer_name"),
        "reserve_district": pgettext("column", "reserve_district"),
        "reserve_now": pgettext("column", "reserve_now"),
    }
    return titles.get(column, column)


def header_titles(header: Sequence[str]) -> tuple[str, ...]:
    """A header row in the current language."""
    return tuple(column_title(column) for column in header)


def sheet_title(sheet: str) -> str:
    """The name of a fixed sheet of the workbook (``Schedule``...) in the current language."""
    titles = {
        "Schedule": pgettext("sheet", "Schedule"),
        "Unassigned": pgettext("sheet", "Unassigned"),
        "Costs": pgettext("sheet", "Costs"),
        "Summary": pgettext("sheet", "Summary"),
    }
    return titles.get(sheet, sheet)


def column_ids(columns: Iterable[str]) -> dict[str, str]:
    """Every header text a column may carry, in any language (case-folded), to its id."""
    known: dict[str, str] = {}
    for language in LANGUAGES:
        with use_language(language):
            for column in columns:
                known.setdefault(column_title(column).casefold(), column)
                known.setdefault(column.casefold(), column)
    return known


def sheet_names_in_all_languages(sheets: Iterable[str]) -> set[str]:
    """The names (case-folded) of the fixed sheets in every language."""
    names: set[str] = set()
    for language in LANGUAGES:
        with use_language(language):
            names.update(sheet_title(sheet).casefold() for sheet in sheets)
    return names


def translated_rows(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[tuple[str, ...]]:
    """The cells of words in the current language: the ``weekday`` column (whose cell is the
    weekday of the row's ISO ``date``); every other cell as it is."""
    if "weekday" not in header or "date" not in header:
        return [tuple(row) for row in rows]
    weekday, day = header.index("weekday"), header.index("date")
    result = []
    for row in rows:
        cells = list(row)
        if cells[day]:
            cells[weekday] = weekday_abbreviation(date.fromisoformat(cells[day]))
        result.append(tuple(cells))
    return result
