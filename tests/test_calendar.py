"""The working-day calendar (rule ``calendar``): facts of the 2008 programme and precedence.

Sources for the 2008 figures: Labour Code of Ukraine art. 73 and 67 (a holiday on a weekend
moves to the next working day). 16 July - 31 October 2008 has 77 working days; the only
non-working weekday is Monday 25 August (Independence Day, 24 August, fell on a Sunday);
14 October became a holiday only in 2015.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import SHIPPED_DATA
from trafficplan.inputs import load_data
from trafficplan.inputs.calendar import WorkCalendar, iso_week
from trafficplan.inputs.models import ConstraintsFile


def calendar_2008(**calendar: Any) -> WorkCalendar:
    """The 2008 window with Ukrainian holidays; keyword arguments replace calendar keys."""
    rules: dict[str, Any] = {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "holidays": "UA"}
    rules.update(calendar)
    return WorkCalendar(
        ConstraintsFile.model_validate(
            {"window": {"start": "2008-07-16", "end": "2008-10-31"}, "calendar": rules}
        )
    )


def test_2008_window_has_77_working_days() -> None:
    cal = calendar_2008()
    assert len(cal.working_days) == 77
    assert cal.working_days[0] == date(2008, 7, 16)
    assert cal.working_days[-1] == date(2008, 10, 31)


def test_observed_independence_day_is_not_a_working_day() -> None:
    cal = calendar_2008()
    assert not cal.is_working_day(date(2008, 8, 25))
    assert cal.why_not_working(date(2008, 8, 25)) == (
        "a public holiday (Independence Day (observed))"
    )
    # the holiday itself fell on a Sunday: not working because of the weekday
    assert cal.why_not_working(date(2008, 8, 24)) == "a Sunday, not a working weekday"
    assert cal.public_holidays == {
        date(2008, 8, 24): "Independence Day",
        date(2008, 8, 25): "Independence Day (observed)",
    }


def test_14_october_was_a_working_day_in_2008() -> None:
    cal = calendar_2008()
    assert cal.is_working_day(date(2008, 10, 14))
    assert cal.why_not_working(date(2008, 10, 14)) is None


def test_days_outside_the_window_are_not_working_days() -> None:
    cal = calendar_2008()
    assert not cal.is_working_day(date(2008, 7, 15))
    assert cal.why_not_working(date(2008, 11, 3)) == "outside the window 2008-07-16..2008-10-31"


def test_open_wins_over_weekend_and_holiday() -> None:
    saturday, holiday = date(2008, 7, 19), date(2008, 8, 25)
    cal = calendar_2008(open=["2008-07-19", "2008-08-25"])
    assert cal.is_working_day(saturday)
    assert cal.is_working_day(holiday)
    assert len(cal.working_days) == 79


def test_closed_wins_over_everything() -> None:
    # 2008-07-17 is an ordinary Thursday; 2008-07-19 a Saturday that is also listed as open
    cal = calendar_2008(closed=["2008-07-17", "2008-07-19"], open=["2008-07-19"])
    assert not cal.is_working_day(date(2008, 7, 17))
    assert not cal.is_working_day(date(2008, 7, 19))
    assert cal.why_not_working(date(2008, 7, 19)) == "a closed date (calendar.closed)"
    assert len(cal.working_days) == 76


def test_closed_range_removes_every_day_in_it() -> None:
    cal = calendar_2008(closed=["2008-09-01..2008-09-05"])
    assert len(cal.working_days) == 72


def test_no_public_holidays_with_null() -> None:
    cal = calendar_2008(holidays=None)
    assert cal.public_holidays == {}
    assert cal.is_working_day(date(2008, 8, 25))
    assert len(cal.working_days) == 78


def test_saturday_as_a_weekday() -> None:
    # 15 Saturdays from 19 July to 25 October, none of them a holiday
    cal = calendar_2008(weekdays=["mon", "tue", "wed", "thu", "fri", "sat"])
    assert cal.is_working_day(date(2008, 7, 19))
    assert not cal.is_working_day(date(2008, 7, 20))
    assert len(cal.working_days) == 77 + 15


def test_window_across_new_year_uses_both_years_holidays() -> None:
    cal = WorkCalendar(
        ConstraintsFile.model_validate(
            {"window": {"start": "2008-12-29", "end": "2009-01-09"}, "calendar": {"holidays": "UA"}}
        )
    )
    assert date(2009, 1, 1) in cal.public_holidays
    assert date(2009, 1, 7) in cal.public_holidays  # Orthodox Christmas
    assert not cal.is_working_day(date(2009, 1, 7))
    assert cal.is_working_day(date(2008, 12, 29))


def test_default_calendar_is_monday_to_friday_with_ukrainian_holidays() -> None:
    rules = ConstraintsFile.model_validate({"window": {"start": "2008-07-16", "end": "2008-10-31"}})
    assert len(WorkCalendar(rules).working_days) == 77


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2008, 7, 16), (2008, 29)),
        (date(2008, 7, 20), (2008, 29)),  # Sunday closes the ISO week
        (date(2008, 7, 21), (2008, 30)),
        (date(2008, 12, 29), (2009, 1)),  # ISO weeks cross the calendar year
    ],
)
def test_iso_week_runs_monday_to_sunday(day: date, week: tuple[int, int]) -> None:
    assert iso_week(day) == week


def test_shipped_2008_data_has_77_working_days() -> None:
    if not (SHIPPED_DATA / "constraints.yaml").is_file():
        pytest.skip("the shipped data folder is not present")
    data = load_data(SHIPPED_DATA)
    assert len(data.working_days) == 77
    assert date(2008, 8, 25) not in data.working_days


def test_holiday_names_do_not_follow_the_machine_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    # on a Ukrainian desktop the holidays package would otherwise answer in Ukrainian
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(variable, "uk_UA.UTF-8")
    assert calendar_2008().public_holidays[date(2008, 8, 25)] == "Independence Day (observed)"
