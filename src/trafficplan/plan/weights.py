"""The weight of a change to a published plan, as the people in it feel it (spec 6.7).

One definition, used by the re-planning model as its coefficients and by the change list
(``replan``'s table, ``--json`` and ``changes.csv``) to report what was optimised:

- a session at a new venue on the same day weighs 1;
- a new date in the same ISO week weighs 2; a new date k >= 1 ISO weeks away weighs 2 + k;
- a cancelled or an added session weighs 3 + the number of ISO weeks in the window, so that
  no move outweighs a cancellation;
- an unchanged date and venue weighs 0 (trainer, NGO and officer changes are counted apart).

Officers count as *moved* only when their session's date changes or they change session; an
officer of the old plan without a session in the new one is *dropped*, counted apart.
"""

from __future__ import annotations

from datetime import date, timedelta


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_apart(first: date, second: date) -> int:
    """How many ISO weeks lie between the weeks of two days (0 in the same week)."""
    return abs((_monday(second) - _monday(first)).days) // 7


def window_weeks(start: date, end: date) -> int:
    """The ISO weeks a window touches."""
    return weeks_apart(start, end) + 1


def cancel_weight(weeks: int) -> int:
    """The weight of a cancelled or an added session in a window of ``weeks`` ISO weeks."""
    return 3 + weeks


def move_weight(old_venue: str, old_date: date, new_venue: str, new_date: date) -> int:
    """The weight of a session moved from (venue, date) to (venue, date): 0 if neither
    changed, 1 for a new venue the same day, 2 + the ISO weeks between the dates otherwise."""
    if new_date == old_date:
        return 0 if new_venue == old_venue else 1
    return 2 + weeks_apart(old_date, new_date)
