"""The one working-day calendar shared by validation, solver, checker, exports and report.

A day of the window is a working day if it is an ``open`` date, or a listed weekday that is
neither a public holiday of ``calendar.holidays`` (observed days included) nor ``closed``.
``closed`` wins over everything; ``open`` wins over weekday and holiday (spec rule 1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from trafficplan.inputs.dates import in_date_set
from trafficplan.inputs.models import WEEKDAY_NAMES, ConstraintsFile


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of a programme window (spec rule ``calendar``)."""

    constraints: ConstraintsFile

    @cached_property
    def public_holidays(self) -> dict[date, str]:
        """Public holidays (observed days included) inside the window, with their names."""
        country = self.constraints.calendar.holidays
        if country is None:
            return {}
        import holidays

        window = self.constraints.window
        years = range(window.start.year, window.end.year + 1)
        # English names whatever the machine's locale, so that output and reports are the
        # same everywhere (the package otherwise follows LANG/LC_ALL).
        table = holidays.country_holidays(country, years=years, observed=True, language="en_US")
        return {
            day: str(name)
            for day, name in sorted(table.items())
            if window.start <= day <= window.end
        }

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day of the window."""
        window = self.constraints.window
        if not window.start <= day <= window.end:
            return False
        rules = self.constraints.calendar
        if in_date_set(day, rules.closed):
            return False
        if in_date_set(day, rules.open):
            return True
        if WEEKDAY_NAMES[day.weekday()] not in rules.weekdays:
            return False
        return day not in self.public_holidays

    def why_not_working(self, day: date) -> str | None:
        """A short reason why ``day`` is not a working day, or None if it is one."""
        window = self.constraints.window
        if not window.start <= day <= window.end:
            return f"outside the window {window.start}..{window.end}"
        rules = self.constraints.calendar
        if in_date_set(day, rules.closed):
            return "a closed date (calendar.closed)"
        if in_date_set(day, rules.open):
            return None
        if WEEKDAY_NAMES[day.weekday()] not in rules.weekdays:
            return f"a {day.strftime('%A')}, not a working weekday"
        if day in self.public_holidays:
            return f"a public holiday ({self.public_holidays[day]})"
        return None

    @cached_property
    def working_days(self) -> tuple[date, ...]:
        """Every working day of the window, in order."""
        window = self.constraints.window
        days = []
        day = window.start
        while day <= window.end:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return tuple(days)


def iso_week(day: date) -> tuple[int, int]:
    """The ISO (year, week) of ``day``; weeks run Monday to Sunday."""
    year, week, _ = day.isocalendar()
    return (year, week)


def weekly_bound(days: Iterable[date], per_week: int) -> int:
    """How many of ``days`` can be used when at most ``per_week`` count in each ISO week."""
    in_week = Counter(iso_week(day) for day in days)
    return sum(min(per_week, n) for n in in_week.values())
