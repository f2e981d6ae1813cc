"""Trainer calendars (RFC 5545 ``.ics``): one all-day event per session, stable across exports.

Each event's UID is derived from its session id, so a phone that imports or subscribes to a
re-exported calendar updates the event instead of adding a second one. The previous export's
file is read back: an event whose content changed gets a higher SEQUENCE, an unchanged one
keeps its SEQUENCE and DTSTAMP (a re-export of the same plan gives the same bytes), and a
session that left the trainer's calendar (cancelled, or moved to another trainer) stays in it
as ``STATUS:CANCELLED`` so the phone drops it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from trafficplan.errors import ExitCode, TrafficplanError
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import PlanSession

PRODID = "-//trafficplan//trafficplan export//EN"
UID_SUFFIX = "@trafficplan"
CANCELLED_PREFIX = "Cancelled: "
# What a trainer sees of an event; a change in any of them is a new SEQUENCE (RFC 5545 3.8.7.4).
COMPARED_PROPERTIES = ("DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "GEO", "STATUS")


class PreviousCalendarError(TrafficplanError):
    """A calendar of the previous export in the output folder cannot be read back."""

    exit_code = ExitCode.INVALID_INPUT


@dataclass(frozen=True)
class CalendarContent:
    """One trainer's rendered calendar and what is in it."""

    content: bytes
    events: int
    cancelled: int


def event_uid(session_id: str) -> str:
    """The stable UID of a session's event (the same in every export and every calendar)."""
    return f"{session_id}{UID_SUFFIX}"


def session_event(data: ProblemData, session: PlanSession) -> Event:
    """The all-day event of one session, without DTSTAMP and SEQUENCE.

    SUMMARY names region and venue; DESCRIPTION gives region, venue name and address, NGO
    names, the officer count (and the other trainers, if any) and the session id; LOCATION is
    the venue's name and address and GEO its coordinates.
    """
    region = data.region_by_id[session.region]
    venue = data.venue_by_id[session.venue]
    place = ", ".join(part for part in (venue.name, venue.address) if part)
    ngo_names = ", ".join(data.ngo_by_id[ngo].name for ngo in session.ngos) or "none"
    lines = [
        f"Region: {region.name}",
        f"Venue: {place}",
        f"NGOs: {ngo_names}",
        f"Officers: {len(session.officers)}",
    ]
    if len(set(session.trainers)) > 1:
        names = ", ".join(data.trainer_by_id[t].name for t in dict.fromkeys(session.trainers))
        lines.append(f"Trainers: {names}")
    lines.append(f"Session: {session.id}")

    event = Event()
    event.add("uid", event_uid(session.id))
    event.add("dtstart", session.date)
    event.add("dtend", session.date + timedelta(days=1))
    event.add("summary", f"Training: {region.name}, {venue.name}")
    event.add("description", "\n".join(lines))
    event.add("location", place)
    event.add("geo", data.venue_point(session.venue))
    event.add("status", "CONFIRMED")
    return event


def read_previous_events(path: Path) -> dict[str, Event]:
    """The events (by UID) of a calendar a previous export wrote; empty if there is none.

    Raises:
        PreviousCalendarError: the file exists but is not a readable iCalendar file.
    """
    if not path.exists():
        return {}
    try:
        calendar = Calendar.from_ical(path.read_bytes())
    except OSError as exc:
        raise PreviousCalendarError(
            f"{path}: cannot read the previous export's calendar: {exc.strerror}"
        ) from None
    # The parser raises a variety of exception types on malformed input; any of them means
    # the same thing here.
    except Exception:
        raise PreviousCalendarError(
            f"{path}: not a readable calendar file; move it away or export to another folder"
        ) from None
    if not isinstance(calendar, Calendar):
        raise PreviousCalendarError(f"{path}: not a calendar (no VCALENDAR); move it away")
    events: dict[str, Event] = {}
    for component in calendar.walk("VEVENT"):
        uid = component.get("UID")
        if isinstance(component, Event) and uid is not None and "DTSTART" in component:
            events[str(uid)] = component
    return events


def _ical_text(event: Event, name: str) -> str:
    """A property's iCalendar text, for comparing and sorting ("" when absent)."""
    if name not in event:
        return ""
    value = event[name].to_ical()
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _signature(event: Event) -> tuple[str, ...]:
    return tuple(_ical_text(event, name) for name in COMPARED_PROPERTIES)


def _sequence(event: Event) -> int:
    try:
        return int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _is_cancelled(event: Event) -> bool:
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


def _cancelled_event(previous: Event, now: datetime) -> Event:
    """The previous event marked cancelled (unchanged if it already was)."""
    if _is_cancelled(previous):
        return previous
    event = Event()
    for name, value in previous.items():
        if name not in ("STATUS", "SEQUENCE", "DTSTAMP", "SUMMARY"):
            event[name] = value
    summary = str(previous.get("SUMMARY", "Training"))
    if not summary.startswith(CANCELLED_PREFIX):
        summary = CANCELLED_PREFIX + summary
    event.add("summary", summary)
    event.add("status", "CANCELLED")
    event.add("dtstamp", now)
    event.add("sequence", _sequence(previous) + 1)
    return event


def _sort_key(event: Event) -> tuple[str, str]:
    return (_ical_text(event, "DTSTART"), str(event["UID"]))


def trainer_calendar(
    data: ProblemData,
    trainer_id: str,
    sessions: Iterable[PlanSession],
    previous: Mapping[str, Event],
    now: datetime,
) -> CalendarContent:
    """Render one trainer's calendar.

    Args:
        data: the data folder (names, addresses, coordinates).
        trainer_id: whose calendar it is.
        sessions: that trainer's sessions in the plan.
        previous: the events of this calendar in the previous export, by UID.
        now: the DTSTAMP of new and changed events (UTC).
    """
    trainer = data.trainer_by_id[trainer_id]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Training sessions: {trainer.name}")

    current: dict[str, Event] = {}
    for session in sessions:
        event = session_event(data, session)
        old = previous.get(str(event["UID"]))
        if old is None:
            sequence, stamp = 0, now
        elif _signature(old) == _signature(event):
            sequence = _sequence(old)
            stamp = old.decoded("DTSTAMP") if "DTSTAMP" in old else now
        else:
            sequence, stamp = _sequence(old) + 1, now
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        current[str(event["UID"])] = event

    gone = [_cancelled_event(old, now) for uid, old in previous.items() if uid not in current]
    for event in sorted([*current.values(), *gone], key=_sort_key):
        calendar.add_component(event)
    return CalendarContent(calendar.to_ical(), events=len(current), cancelled=len(gone))
