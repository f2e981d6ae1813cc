"""Date sets: lists of ISO dates and inclusive ranges ``"YYYY-MM-DD..YYYY-MM-DD"``."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import NamedTuple


class DateRange(NamedTuple):
    """An inclusive range of dates (a single date has ``start == end``)."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def days(self) -> Iterator[date]:
        """Every date of the range, in order."""
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)

    def __str__(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def parse_iso_date(text: str) -> date:
    """Parse a strict ``YYYY-MM-DD`` date.

    Raises:
        ValueError: with a message fit for the user.
    """
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"'{text[:40]}' is not a date of the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date{_why_not_a_day(text)}") from None


def _why_not_a_day(text: str) -> str:
    """Why a ``YYYY-MM-DD`` text names no day: the year, the month, or the day of that month."""
    year, month = text[:4], text[5:7]
    if not (year.isdigit() and month.isdigit() and text[8:].isdigit()):
        return ""
    if int(year) < 1:
        return ": there is no year 0"
    if not 1 <= int(month) <= 12:
        return f": there is no month {int(month)}"
    days = calendar.monthrange(int(year), int(month))[1]
    name = f"{calendar.month_name[int(month)]} {int(year)}"
    return f": the day does not exist ({name} has {days} days)"


def parse_date_item(item: object) -> DateRange:
    """Parse one date-set item: a date, a ``YYYY-MM-DD`` string or a ``a..b`` range.

    Raises:
        ValueError: for a malformed or impossible date, or a range that ends before it starts.
    """
    if isinstance(item, date):
        return DateRange(item, item)
    if not isinstance(item, str):
        raise ValueError(f"expected a date or 'YYYY-MM-DD..YYYY-MM-DD', got {type(item).__name__}")
    if ".." in item:
        left, _, right = item.partition("..")
        start, end = parse_iso_date(left), parse_iso_date(right)
        if end < start:
            raise ValueError(f"range '{item.strip()}' ends before it starts")
        return DateRange(start, end)
    day = parse_iso_date(item)
    return DateRange(day, day)


def parse_date_set_text(text: str) -> tuple[DateRange, ...]:
    """Parse a CSV date set: items separated by ``;``, possibly empty."""
    return tuple(parse_date_item(part) for part in text.split(";") if part.strip())


def in_date_set(day: date, ranges: Iterable[DateRange]) -> bool:
    """Whether ``day`` lies in any range of the set."""
    return any(r.start <= day <= r.end for r in ranges)


def format_date_set(ranges: Iterable[DateRange]) -> str:
    """Format a date set the way the CSV writes it (``;`` between items)."""
    return ";".join(str(r) for r in ranges)
