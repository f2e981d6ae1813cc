"""Trainer calendars (RFC 5545 ``.ics``): one event per session, stable across exports.

An event runs from ``sessions.start_time`` to ``end_time`` in Kyiv time
(``DTSTART;TZID=Europe/Kyiv``, the calendar carrying that time zone's definition) when the
data set them, else all day. It names the venue with its address, and the contacts of the
regional police directorate and of the NGOs (also as ``CONTACT`` properties).

Each event's UID is ``<session_id>.<trainer_id>.<programme>@trafficplan`` (spec 7.6): stable
across exports and re-plans, so a phone that imports or subscribes to a re-exported calendar
updates the event instead of adding a second one; distinct for each trainer of a session, so a
session moved from one trainer to another is cancelled in the one calendar and confirmed in
the other even when both are imported into one calendar; and distinct for each programme
(:func:`programme_id`), so a later programme never overwrites the events of an earlier one.

The previous export's file is read back: an event whose content changed gets a higher
SEQUENCE, an unchanged one keeps its SEQUENCE and DTSTAMP (a re-export of the same plan gives
the same bytes), and a session that left the trainer's calendar (cancelled, or moved to
another trainer) stays in it as ``STATUS:CANCELLED`` so the phone drops it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event, Timezone

from trafficplan.errors import ExitCode, TrafficplanError
from trafficplan.i18n import N_
from trafficplan.i18n import gettext as _
from trafficplan.i18n.data import original_data
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import PlanSession

PRODID = "-//trafficplan//trafficplan export//EN"
UID_SUFFIX = "@trafficplan"
CANCELLED_PREFIX = N_("Cancelled: ")
# What a trainer sees of an event; a change in any of them is a new SEQUENCE (RFC 5545 3.8.7.4).
COMPARED_PROPERTIES = (
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "GEO",
    "CONTACT",
    "STATUS",
)
TZID = "Europe/Kyiv"
# Written out rather than generated from the machine's time zone database, so that the same
# plan gives the same bytes everywhere: Ukraine has kept the EU's summer time rules since 1996.
KYIV_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Kyiv
BEGIN:STANDARD
DTSTART:19961027T040000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
TZNAME:EET
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19970330T030000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
TZNAME:EEST
END:DAYLIGHT
END:VTIMEZONE
"""


class PreviousCalendarError(TrafficplanError):
    """A calendar of the previous export in the output folder cannot be read back."""

    exit_code = ExitCode.INVALID_INPUT


@dataclass(frozen=True)
class CalendarContent:
    """One trainer's rendered calendar and what is in it."""

    content: bytes
    events: int
    cancelled: int


PROGRAMME_SLUG_LENGTH = 32
"""At most this many characters of the programme's title go into :func:`programme_id`."""


def programme_id(data: ProblemData) -> str:
    """The programme's identifier in calendar UIDs, derived from the data and stable across
    re-plans: the ASCII words of ``programme.title`` as a slug (at most
    :data:`PROGRAMME_SLUG_LENGTH` characters, cut between words), six hex digits of the
    title's SHA-256 (two titles that begin alike, or that have no ASCII letters, still
    differ), and the year the window starts; ``programme-<year>`` without a title.

    ``training-and-networking-meetings-7ed7df-2008``, say.
    """
    year = data.constraints.window.start.year
    title = (data.constraints.programme.title or "").strip()
    if not title:
        return f"programme-{year}"
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_title.lower()):
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > PROGRAMME_SLUG_LENGTH:
            break
        slug = longer
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:6]
    return "-".join(part for part in (slug, digest, str(year)) if part)


def _event_title(data: ProblemData, session: PlanSession) -> str:
    """``Training``, or in a programme in stages the session's course by its title."""
    if not data.staged:
        return _("Training")
    course = data.course_of(session.course)
    return course.title or course.id


def event_uid(session_id: str, trainer_id: str, programme: str) -> str:
    """The UID of a session's event in one trainer's calendar (the same in every export):
    ``<session_id>.<trainer_id>.<programme>@trafficplan``."""
    return f"{session_id}.{trainer_id}.{programme}{UID_SUFFIX}"


def session_event(data: ProblemData, session: PlanSession, trainer_id: str) -> Event:
    """The event of one session in ``trainer_id``'s calendar, without DTSTAMP and SEQUENCE.

    From ``sessions.start_time`` to ``end_time`` (Kyiv time) when set, else all day.
    SUMMARY names region and venue; DESCRIPTION gives the programme, the time, region, venue
    name and address, the regional police directorate's contact, the NGOs with their
    contacts, the officer count (and the other trainers with theirs, if any) and the session
    id; LOCATION is the venue's name and address, GEO its coordinates, and each contact is a
    CONTACT property too.
    """
    region = data.region_by_id[session.region]
    venue = data.venue_by_id[session.venue]
    rules = data.constraints.sessions
    place = ", ".join(part for part in (venue.name, venue.address) if part)
    ngos = [data.ngo_by_id[ngo] for ngo in dict.fromkeys(session.ngos)]
    ngo_names = ", ".join(_with_contact(n.name, n.contact) for n in ngos) or _("none")
    lines = []
    if data.constraints.programme.title:
        lines.append(_("Programme: {title}").format(title=data.constraints.programme.title))
    if rules.start_time is not None and rules.end_time is not None:
        lines.append(
            _("Time: {start}-{end} (Kyiv time)").format(
                start=f"{rules.start_time:%H:%M}", end=f"{rules.end_time:%H:%M}"
            )
        )
    lines += [
        _("Region: {region}").format(region=region.name),
        _("Venue: {place}").format(place=place),
    ]
    if region.contact:
        lines.append(_("Police directorate: {contact}").format(contact=region.contact))
    lines += [
        _("NGOs: {names}").format(names=ngo_names),
        _("Officers: {count}").format(count=len(session.officers)),
    ]
    if len(set(session.trainers)) > 1:
        names = ", ".join(
            _with_contact(t.name, ", ".join(c for c in (t.phone, t.email) if c))
            for t in (data.trainer_by_id[t] for t in dict.fromkeys(session.trainers))
        )
        lines.append(_("Trainers: {names}").format(names=names))
    lines.append(_("Session: {session}").format(session=session.id))

    event = Event()
    event.add("uid", event_uid(session.id, trainer_id, programme_id(original_data(data))))
    if rules.start_time is not None and rules.end_time is not None:
        zone = {"TZID": TZID}
        event.add("dtstart", datetime.combine(session.date, rules.start_time), parameters=zone)
        event.add("dtend", datetime.combine(session.date, rules.end_time), parameters=zone)
    else:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + timedelta(days=1))
    title = _event_title(data, session)
    event.add(
        "summary",
        _("{title}: {region}, {venue}").format(title=title, region=region.name, venue=venue.name),
    )
    event.add("description", "\n".join(lines))
    event.add("location", place)
    event.add("geo", data.venue_point(session.venue))
    contacts = [region.contact] if region.contact else []
    contacts += [f"{n.name}: {n.contact}" for n in ngos if n.contact]
    for contact in contacts:
        event.add("contact", contact)
    event.add("status", "CONFIRMED")
    return event


def _with_contact(name: str, contact: str | None) -> str:
    return f"{name} ({contact})" if contact else name


def _uses_kyiv_time(event: Event) -> bool:
    return any(
        name in event and str(event[name].params.get("TZID", "")) == TZID
        for name in ("DTSTART", "DTEND")
    )


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
    """A property's iCalendar text, for comparing and sorting ("" when absent; the values of
    a property given several times joined by line breaks)."""
    if name not in event:
        return ""
    found: Any = event[name]
    values = found if isinstance(found, list) else [found]
    texts = [value.to_ical() for value in values]
    return "\n".join(t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in texts)


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
    summary = str(previous.get("SUMMARY", _("Training")))
    prefix = _(CANCELLED_PREFIX)
    if not summary.startswith(prefix):
        summary = prefix + summary
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
    calendar.add("x-wr-calname", _("Training sessions: {trainer}").format(trainer=trainer.name))

    current: dict[str, Event] = {}
    for session in sessions:
        event = session_event(data, session, trainer_id)
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
    events = sorted([*current.values(), *gone], key=_sort_key)
    if any(_uses_kyiv_time(event) for event in events):
        calendar.add_component(Timezone.from_ical(KYIV_VTIMEZONE))
    for event in events:
        calendar.add_component(event)
    return CalendarContent(calendar.to_ical(), events=len(current), cancelled=len(gone))
