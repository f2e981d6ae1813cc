"""The change list between a published plan and its re-plan, and who must be told.

Sessions are matched by id (``replan`` keeps the id of every session that survives). Plain
Python: used by the ``replan`` command for its table, its JSON and ``changes.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from trafficplan.exports.cells import csv_bytes, join_list
from trafficplan.plan import Plan, PlanSession

ChangeKind = Literal["added", "cancelled", "changed"]

CSV_HEADER = (
    "session_id",
    "region",
    "change",
    "what",
    "old_date",
    "new_date",
    "old_venue",
    "new_venue",
    "trainers_out",
    "trainers_in",
    "ngos_out",
    "ngos_in",
    "officers_out",
    "officers_in",
)


@dataclass(frozen=True)
class SessionChange:
    """What happened to one session.

    Attributes:
        kind: ``added`` (a new session), ``cancelled`` (gone from the new plan) or
            ``changed``.
        what: the fields that differ, among ``date``, ``venue``, ``trainers``, ``ngos``,
            ``officers`` (every field of the session for added and cancelled ones).
        before, after: the session in the old and the new plan (None where absent).
    """

    kind: ChangeKind
    before: PlanSession | None
    after: PlanSession | None
    what: tuple[str, ...]

    @property
    def session(self) -> PlanSession:
        """The session as it is now, or as it was when cancelled."""
        only = self.after or self.before
        assert only is not None
        return only

    @property
    def moved(self) -> bool:
        """Whether the session's date or venue changed (or it was added or cancelled)."""
        return self.kind != "changed" or "date" in self.what or "venue" in self.what

    def _out_in(self, field_name: str) -> tuple[list[str], list[str]]:
        old = set(getattr(self.before, field_name)) if self.before else set()
        new = set(getattr(self.after, field_name)) if self.after else set()
        return sorted(old - new), sorted(new - old)

    @property
    def trainers_out(self) -> list[str]:
        """Trainers who no longer lead this session."""
        return self._out_in("trainers")[0]

    @property
    def trainers_in(self) -> list[str]:
        """Trainers newly leading this session."""
        return self._out_in("trainers")[1]

    @property
    def ngos_out(self) -> list[str]:
        """NGOs no longer in this session."""
        return self._out_in("ngos")[0]

    @property
    def ngos_in(self) -> list[str]:
        """NGOs newly in this session."""
        return self._out_in("ngos")[1]

    @property
    def officers_out(self) -> list[str]:
        """Officers no longer attending this session."""
        return self._out_in("officers")[0]

    @property
    def officers_in(self) -> list[str]:
        """Officers newly attending this session."""
        return self._out_in("officers")[1]

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON-ready dict."""
        return {
            "session_id": self.session.id,
            "region": self.session.region,
            "change": self.kind,
            "what": list(self.what),
            "old_date": self.before.date.isoformat() if self.before else None,
            "new_date": self.after.date.isoformat() if self.after else None,
            "old_venue": self.before.venue if self.before else None,
            "new_venue": self.after.venue if self.after else None,
            "trainers_out": self.trainers_out,
            "trainers_in": self.trainers_in,
            "ngos_out": self.ngos_out,
            "ngos_in": self.ngos_in,
            "officers_out": self.officers_out,
            "officers_in": self.officers_in,
        }

    def csv_row(self) -> list[str]:
        """The change as one row of ``changes.csv`` (lists joined with ``;``)."""
        doc = self.to_json()
        return [
            join_list(value) if isinstance(value, list) else ("" if value is None else str(value))
            for value in (doc[name] for name in CSV_HEADER)
        ]


@dataclass(frozen=True)
class ChangeList:
    """Every session that differs between two plans, in date order."""

    changes: list[SessionChange]

    def counts(self) -> dict[str, int]:
        """Sessions added, cancelled, moved (date or venue), with other changes, and officers
        moved out of their session."""
        return {
            "added": sum(1 for c in self.changes if c.kind == "added"),
            "cancelled": sum(1 for c in self.changes if c.kind == "cancelled"),
            "moved": sum(1 for c in self.changes if c.kind == "changed" and c.moved),
            "changed_otherwise": sum(
                1 for c in self.changes if c.kind == "changed" and not c.moved
            ),
            "officers_moved": sum(
                len(c.officers_out) for c in self.changes if c.before is not None
            ),
        }

    def to_notify(self) -> dict[str, list[str]]:
        """Who must be told, by kind: ``officers``, ``trainers``, ``ngos``, ``venues``.

        Everyone of a session that moved, was added or was cancelled (before and after);
        otherwise only those who join or leave it. Venues: those losing or gaining a booking.
        """
        people: dict[str, set[str]] = {"officers": set(), "trainers": set(), "ngos": set()}
        venues: set[str] = set()
        for change in self.changes:
            sides = [s for s in (change.before, change.after) if s is not None]
            if change.moved:
                for side in sides:
                    people["officers"].update(side.officers)
                    people["trainers"].update(side.trainers)
                    people["ngos"].update(side.ngos)
                    venues.add(side.venue)
            else:
                people["officers"].update(change.officers_out + change.officers_in)
                people["trainers"].update(change.trainers_out + change.trainers_in)
                people["ngos"].update(change.ngos_out + change.ngos_in)
        return {
            "officers": sorted(people["officers"]),
            "trainers": sorted(people["trainers"]),
            "ngos": sorted(people["ngos"]),
            "venues": sorted(venues),
        }

    def to_json(self) -> dict[str, Any]:
        """The change list, its counts and who must be told, JSON-ready."""
        return {
            "counts": self.counts(),
            "changes": [change.to_json() for change in self.changes],
            "notify": self.to_notify(),
        }

    def csv(self) -> bytes:
        """``changes.csv``: one row per changed session, spreadsheet-safe."""
        return csv_bytes(CSV_HEADER, [change.csv_row() for change in self.changes])


_FIELDS = ("date", "venue", "trainers", "ngos", "officers")


def _differs(before: PlanSession, after: PlanSession) -> tuple[str, ...]:
    def same(name: str) -> bool:
        old, new = getattr(before, name), getattr(after, name)
        return sorted(old) == sorted(new) if isinstance(old, list) else bool(old == new)

    return tuple(name for name in _FIELDS if not same(name))


def plan_changes(old: Plan, new: Plan) -> ChangeList:
    """The sessions that differ between ``old`` and ``new``, matched by id, in date order."""
    new_by_id = {s.id: s for s in new.sessions}
    old_ids = {s.id for s in old.sessions}
    changes: list[SessionChange] = []
    for before in old.sessions:
        after = new_by_id.get(before.id)
        if after is None:
            changes.append(SessionChange("cancelled", before, None, _FIELDS))
            continue
        what = _differs(before, after)
        if what:
            changes.append(SessionChange("changed", before, after, what))
    for after in new.sessions:
        if after.id not in old_ids:
            changes.append(SessionChange("added", None, after, _FIELDS))

    def order(change: SessionChange) -> tuple[date, str]:
        return (change.session.date, change.session.id)

    return ChangeList(sorted(changes, key=order))
