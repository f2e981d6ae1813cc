"""What changed between two plans, session by session; and ``replan``'s change list.

:func:`diff_plans` pairs the sessions of two plans and names what differs; it serves both
``replan`` (a published plan and its re-plan: sessions keep their ids and officers their
seats) and ``whatif`` (two independent solves, see :mod:`trafficplan.scenarios.comparison`).
A session gone from the new plan is ``removed`` here; ``replan`` words it ``cancelled`` in its
table, its JSON and ``changes.csv`` (:class:`ChangeList`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from trafficplan.exports.cells import csv_bytes, join_list
from trafficplan.plan import Plan, PlanSession
from trafficplan.plan.weights import cancel_weight, move_weight, window_weeks

ChangeKind = Literal["added", "removed", "changed"]

SESSION_FIELDS = ("date", "venue", "trainers", "ngos", "officers")
"""The fields of a session that two plans are compared on, in the order they are named."""

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
    """What happened to one session between two plans.

    Attributes:
        kind: ``added`` (only in the new plan), ``removed`` (only in the old one) or
            ``changed``.
        before, after: the session in the old and the new plan (None where absent).
        changed: the fields that differ, among :data:`SESSION_FIELDS` (empty for added and
            removed sessions).
    """

    kind: ChangeKind
    before: PlanSession | None
    after: PlanSession | None
    changed: tuple[str, ...] = ()

    @property
    def session(self) -> PlanSession:
        """The session as it is now, or as it was when removed."""
        only = self.after or self.before
        assert only is not None
        return only

    @property
    def region(self) -> str:
        """The session's region."""
        return self.session.region

    @property
    def session_id(self) -> str:
        """The session's id (``old -> new`` where a pair of sessions has two ids)."""
        if self.before is not None and self.after is not None and self.before.id != self.after.id:
            return f"{self.before.id} -> {self.after.id}"
        return self.session.id

    @property
    def what(self) -> tuple[str, ...]:
        """The fields that differ as ``replan`` lists them: :attr:`changed`, or every field of
        :data:`SESSION_FIELDS` for a session added or removed."""
        return self.changed if self.kind == "changed" else SESSION_FIELDS

    @property
    def moved(self) -> bool:
        """Whether the session's date or venue changed (or it was added or removed)."""
        return self.kind != "changed" or "date" in self.changed or "venue" in self.changed

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


SessionPair = tuple[PlanSession | None, PlanSession | None]


def match_sessions(before: Plan, after: Plan, *, by_region_order: bool = True) -> list[SessionPair]:
    """Pair the sessions of two plans by id.

    With ``by_region_order`` (plans of separate solves, whose ids need not correspond) a pair
    by id must lie in one region and each session is paired once; the sessions left are then
    paired by region and date order. Without it, sharing the id makes a pair (a re-plan keeps
    the id of every session that survives).

    Unpaired sessions come as ``(session, None)`` (removed) or ``(None, session)`` (added).
    """
    after_by_id = {s.id: s for s in after.sessions}
    if not by_region_order:
        before_ids = {s.id for s in before.sessions}
        pairs: list[SessionPair] = [(s, after_by_id.get(s.id)) for s in before.sessions]
        return pairs + [(None, s) for s in after.sessions if s.id not in before_ids]
    pairs = []
    left: dict[str, list[PlanSession]] = defaultdict(list)
    paired_after: set[str] = set()
    for session in before.sessions:
        twin = after_by_id.get(session.id)
        if twin is not None and twin.region == session.region and twin.id not in paired_after:
            pairs.append((session, twin))
            paired_after.add(twin.id)
        else:
            left[session.region].append(session)
    right: dict[str, list[PlanSession]] = defaultdict(list)
    for session in after.sessions:
        if session.id not in paired_after:
            right[session.region].append(session)
    for region in sorted(set(left) | set(right)):
        olds = sorted(left.get(region, []), key=lambda s: (s.date, s.id))
        news = sorted(right.get(region, []), key=lambda s: (s.date, s.id))
        for index in range(max(len(olds), len(news))):
            pairs.append(
                (
                    olds[index] if index < len(olds) else None,
                    news[index] if index < len(news) else None,
                )
            )
    return pairs


def _differences(
    before: PlanSession, after: PlanSession, *, officers_by_count: bool
) -> tuple[str, ...]:
    """The fields of :data:`SESSION_FIELDS` in which two sessions differ (lists in any order;
    officers only by their number with ``officers_by_count``)."""

    def same(name: str) -> bool:
        old, new = getattr(before, name), getattr(after, name)
        if name == "officers" and officers_by_count:
            return len(old) == len(new)
        return sorted(old) == sorted(new) if isinstance(old, list) else bool(old == new)

    return tuple(name for name in SESSION_FIELDS if not same(name))


def diff_plans(old: Plan, new: Plan, *, independent: bool = False) -> list[SessionChange]:
    """The sessions added, removed or changed from ``old`` to ``new``, in date order.

    Sessions are paired by :func:`match_sessions`. ``independent`` plans (two separate solves)
    share neither session ids nor officer seats: sessions are paired by id within a region and
    then by region and date order, and a session's officers count only by their number.
    """
    changes: list[SessionChange] = []
    for before, after in match_sessions(old, new, by_region_order=independent):
        if before is not None and after is not None:
            changed = _differences(before, after, officers_by_count=independent)
            if changed:
                changes.append(SessionChange("changed", before, after, changed))
        elif before is not None:
            changes.append(SessionChange("removed", before, None))
        elif after is not None:
            changes.append(SessionChange("added", None, after))

    def order(change: SessionChange) -> tuple[date, str]:
        return (change.session.date, change.session.id)

    return sorted(changes, key=order)


# ----- replan's change list ----------------------------------------------------------------------
REPLAN_KINDS: dict[ChangeKind, str] = {
    "added": "added",
    "removed": "cancelled",
    "changed": "changed",
}
"""How ``replan`` words each kind: a session gone from a published plan is cancelled."""


@dataclass(frozen=True)
class ChangeList:
    """Every session that differs between a published plan and its re-plan, in date order,
    with the weight of each change and the officers moved and dropped
    (:mod:`trafficplan.plan.weights`: the figures ``replan`` optimises).

    Attributes:
        changes: the sessions that differ.
        weeks: the ISO weeks of the window (a cancelled or added session weighs 3 + weeks).
        officers_moved: officers whose session's date changed or who changed session.
        officers_dropped: officers of the published plan without a session in the new one.
        reseated: no-shows of held sessions seated in a later session (counted apart).
    """

    changes: list[SessionChange]
    weeks: int = 0
    officers_moved: int = 0
    officers_dropped: int = 0
    reseated: int = 0

    def weight(self, change: SessionChange) -> int:
        """How much one change weighs (0 when only trainers, NGOs or officers changed)."""
        if change.before is None or change.after is None:
            return cancel_weight(self.weeks)
        before, after = change.before, change.after
        return move_weight(before.venue, before.date, after.venue, after.date)

    def counts(self) -> dict[str, int]:
        """Sessions added, cancelled, moved (date or venue), with other changes; the total
        weight of the changes; officers moved and dropped."""
        return {
            "added": sum(1 for c in self.changes if c.kind == "added"),
            "cancelled": sum(1 for c in self.changes if c.kind == "removed"),
            "moved": sum(1 for c in self.changes if c.kind == "changed" and c.moved),
            "changed_otherwise": sum(
                1 for c in self.changes if c.kind == "changed" and not c.moved
            ),
            "change_weight": sum(self.weight(c) for c in self.changes),
            "officers_moved": self.officers_moved,
            "officers_dropped": self.officers_dropped,
            "reseated": self.reseated,
            "swaps": sum(swaps(c) for c in self.changes),
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
            "changes": [
                {**change_json(change), "weight": self.weight(change)} for change in self.changes
            ],
            "notify": self.to_notify(),
        }

    def csv(self) -> bytes:
        """``changes.csv``: one row per changed session, spreadsheet-safe."""
        rows = [[*change_csv_row(c), str(self.weight(c))] for c in self.changes]
        return csv_bytes((*CSV_HEADER, "weight"), rows)


def swaps(change: SessionChange) -> int:
    """Trainers and NGOs a change takes out of their session: those who leave a session
    kept on its day; every one of a session moved to another day or cancelled (each must be
    asked again); none of a session added."""
    before, after = change.before, change.after
    if before is None:
        return 0
    if after is None or after.date != before.date:
        return len(before.trainers) + len(before.ngos)
    return len(change.trainers_out) + len(change.ngos_out)


def change_json(change: SessionChange) -> dict[str, Any]:
    """One change in ``replan``'s words, JSON-ready (``what``: every field for sessions added
    or cancelled)."""
    before, after = change.before, change.after
    return {
        "session_id": change.session.id,
        "region": change.region,
        "change": REPLAN_KINDS[change.kind],
        "what": list(change.what),
        "old_date": before.date.isoformat() if before else None,
        "new_date": after.date.isoformat() if after else None,
        "old_venue": before.venue if before else None,
        "new_venue": after.venue if after else None,
        "trainers_out": change.trainers_out,
        "trainers_in": change.trainers_in,
        "ngos_out": change.ngos_out,
        "ngos_in": change.ngos_in,
        "officers_out": change.officers_out,
        "officers_in": change.officers_in,
    }


def change_csv_row(change: SessionChange) -> list[str]:
    """One change as a row of ``changes.csv`` (lists joined with ``;``)."""
    doc = change_json(change)
    return [
        join_list(value) if isinstance(value, list) else ("" if value is None else str(value))
        for value in (doc[name] for name in CSV_HEADER)
    ]


def plan_changes(
    old: Plan, new: Plan, weeks: int | None = None, no_shows: frozenset[str] = frozenset()
) -> ChangeList:
    """The sessions that differ between a published plan and its re-plan, matched by id, in
    date order, with their weights and the officers moved, dropped and re-seated.

    ``weeks``: the ISO weeks of the data's window (default: those the two plans span);
    ``no_shows``: officers absent from the held session they were rostered in (seated again,
    they count as re-seated, not moved; not seated again, they are not dropped: the plan did
    not leave them out, they did not come).
    """
    if weeks is None:
        days = [s.date for s in (*old.sessions, *new.sessions)]
        weeks = window_weeks(min(days), max(days)) if days else 0
    old_of = {o: s for s in old.sessions for o in s.officers}
    new_of = {o: s for s in new.sessions for o in s.officers}
    moved = dropped = reseated = 0
    for officer, before in old_of.items():
        after = new_of.get(officer)
        if officer in no_shows:
            reseated += after is not None
        elif after is not None and after.held and after.id != before.id:
            continue  # came to a held session as a substitute: what happened, not a move
        elif after is None:
            dropped += 1
        elif after.id != before.id or after.date != before.date:
            moved += 1
    return ChangeList(diff_plans(old, new), weeks, moved, dropped, reseated)
