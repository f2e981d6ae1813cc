"""Spreadsheet-safe CSV: one cell function and one file renderer used by every export.

Rosters and the schedule are opened in spreadsheet programs, so every file is UTF-8 with a BOM
(without it some programs guess a legacy code page and garble Cyrillic names), rows end with
``\\r\\n`` (RFC 4180), and no cell can start a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# OWASP "CSV injection": a spreadsheet evaluates a cell starting with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def safe_cell(value: object) -> str:
    """The text of one CSV cell that a spreadsheet cannot run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    ``'``, which spreadsheet programs show as plain text. ``None`` becomes an empty cell.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def join_list(items: Iterable[str]) -> str:
    """A list written into one cell, items separated by ``;``."""
    return LIST_SEPARATOR.join(items)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file: UTF-8 with BOM, ``\\r\\n`` line ends, every cell through :func:`safe_cell`.

    Quoting is minimal and correct for cells holding commas, quotes or line breaks.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
