"""The plan: plain data exchanged by solver, checker, exports, report and replan.

Format ``trafficplan-plan/1`` (spec section 4, "Plan file"). Reading a plan validates its
shape only; whether its ids exist in a data folder is :func:`plan_id_problems` (all of a plan's
sessions and ids: :func:`unknown_id_problems` for any sessions), and whether it keeps the rules
is the checker's business.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trafficplan.atomic import write_text_atomic
from trafficplan.errors import PlanFileError
from trafficplan.inputs.problem import ProblemData

PLAN_FORMAT: Literal["trafficplan-plan/1"] = "trafficplan-plan/1"
PlanStatus = Literal["optimal", "feasible", "relaxed"]


TOLERANCE_KEYS = ("tolerance", "best", "given")


class ObjectiveResult(BaseModel):
    """One lexicographic objective level: value found, best bound proven, proven or not."""

    model_config = ConfigDict(extra="allow")

    name: str
    value: float | None
    bound: float | None
    proven: bool
    tolerance: str | None = None
    best: float | None = None
    given: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The level as JSON data; ``tolerance``, ``best`` and ``given`` only where a
        tolerance applied (spec 6.1)."""
        document = self.model_dump(mode="json")
        if self.tolerance is None:
            for key in TOLERANCE_KEYS:
                document.pop(key, None)
        return document

    @property
    def gap(self) -> float | None:
        """Relative gap between value and bound (0 when proven), None when unknown; for a
        level with a tolerance, between its own best and the bound (what later levels were
        given is not a gap in its proof)."""
        value = self.best if self.tolerance is not None and self.best is not None else self.value
        if value is None or self.bound is None:
            return None
        if value == self.bound:
            return 0.0
        return abs(value - self.bound) / max(abs(value), abs(self.bound), 1e-9)


class PlanSession(BaseModel):
    """One session of a plan."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    region: str
    course: str | None = None
    """The session's course (spec 7.1); None (not written) in a programme without
    ``courses``, where every session is of the one course."""
    venue: str
    date: date
    trainers: list[str]
    ngos: list[str]
    officers: list[str]
    held: bool = False
    """The session took place (``attendance.csv``): ``officers`` are those present."""


class PlanInputs(BaseModel):
    """Digests of the data files the plan was made from.

    ``sha256``: of the files the plan was made from (for a plan made with edits, the edited
    files as ``replan --save-data`` writes them); ``base_sha256``: of the folder the edits
    were applied to (only when the plan records edits).
    """

    model_config = ConfigDict(extra="allow")

    sha256: dict[str, str] = {}
    base_sha256: dict[str, str] = {}


class PlanEdit(BaseModel):
    """One scenario edit a plan was made with: ``--set KEY=VALUE`` or ``--drop KEY``, as the
    user gave it (``option`` is ``set`` or ``drop``, ``text`` the argument)."""

    option: Literal["set", "drop"]
    text: str


class Relaxation(BaseModel):
    """A rule item a relaxed plan gave up (``solve --relax``): the rule id, the item's
    subject (as :mod:`trafficplan.rulebook` names it), the item in the user's words, and how
    much it gave, in the checker's words."""

    rule: str
    subject: str
    message: str
    give: str


OPTIONAL_LISTS = ("relaxations", "replan_objectives", "edits")
"""Plan keys written only when not empty (older plans and tools do not know them)."""


class Plan(BaseModel):
    """A whole plan (``plan.json``).

    Besides the spec's keys: ``relaxations`` (a relaxed plan's given-up rule items) and
    ``replan_objectives`` (the minimal-change levels of a re-planned plan), ``edits`` (the
    scenario edits a re-plan applied to the data folder); each is written only when not
    empty, as is ``inputs.base_sha256``.
    """

    model_config = ConfigDict(extra="allow")

    format: Literal["trafficplan-plan/1"] = PLAN_FORMAT
    status: PlanStatus
    inputs: PlanInputs = PlanInputs()
    objectives: list[ObjectiveResult] = []
    metrics: dict[str, Any] = {}
    sessions: list[PlanSession]
    unassigned_officers: list[str] = []
    frozen_before: date | None = None
    relaxations: list[Relaxation] = []
    replan_objectives: list[ObjectiveResult] = []
    edits: list[PlanEdit] = []

    def to_json(self) -> str:
        """The plan as pretty-printed JSON text (dates as ISO strings)."""
        document = self.model_dump(mode="json")
        document["objectives"] = [o.to_dict() for o in self.objectives]
        document["replan_objectives"] = [o.to_dict() for o in self.replan_objectives]
        for key in OPTIONAL_LISTS:
            if not document.get(key):
                document.pop(key, None)
        if not document["inputs"].get("base_sha256"):
            document["inputs"].pop("base_sha256", None)
        for session in document["sessions"]:
            if not session.get("held"):
                session.pop("held", None)
            if session.get("course") is None:
                session.pop("course", None)
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_plan(plan: Plan, path: Path) -> None:
    """Write a plan atomically (temp file + rename)."""
    write_text_atomic(Path(path), plan.to_json())


def read_plan(path: Path) -> Plan:
    """Read and shape-check a plan file.

    Raises:
        PlanFileError: missing file, bad JSON, wrong format tag or missing/mistyped keys.
    """
    path = Path(path)
    if path.is_dir():
        raise PlanFileError(f"{path}: is a folder, not a plan file (give a file such as plan.json)")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError(f"{path}: plan file not found") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path}: not a UTF-8 JSON file") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"{path}: {json_error_text(exc)}") from None
    return parse_plan(raw, str(path))


def json_error_text(exc: json.JSONDecodeError) -> str:
    """``line L, column C: invalid JSON: what``, and a word when the text ends too soon (a
    file cut short: the JSON decoder's own message then names a position it leaves out)."""
    what = exc.msg.removesuffix(" at") + (" here" if exc.msg.endswith(" at") else "")
    cut_short = not exc.doc[exc.pos :].strip() or exc.msg.startswith("Unterminated string")
    if cut_short:
        what += " (the file ends before the JSON does: is it cut short?)"
    return f"line {exc.lineno}, column {exc.colno}: invalid JSON: {what}"


def parse_plan(raw: Any, source: str = "plan") -> Plan:
    """Shape-check a decoded plan document.

    Raises:
        PlanFileError: wrong format tag or missing/mistyped keys (first problem, one line).
    """
    if not isinstance(raw, dict):
        raise PlanFileError(f"{source}: expected a JSON object")
    tag = raw.get("format")
    if tag != PLAN_FORMAT:
        raise PlanFileError(f"{source}: format must be {PLAN_FORMAT!r}, got {str(tag)[:40]!r}")
    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        count = exc.error_count()
        more = f" (and {count - 1} more problems)" if count > 1 else ""
        raise PlanFileError(f"{source}: {where}: {first['msg']}{more}") from None


IdWording = Callable[[PlanSession, str, list[str]], str]
"""Words one problem: ``(session, kind, ids)`` to a message. ``kind`` is ``region``, ``venue``,
``trainer``, ``NGO`` or ``officer``; ``ids`` are the session's ids of that kind that the data
do not know (one id, or every unknown officer of the session)."""


def listed_ids(ids: list[str], limit: int = 3) -> str:
    """Ids quoted and joined, at most ``limit`` of them: ``'a', 'b', 'c' and 2 more``."""
    listed = ", ".join(repr(i) for i in ids[:limit])
    return listed + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _unknown(session: PlanSession, kind: str, ids: list[str]) -> str:
    return f"session {session.id}: unknown {kind} {listed_ids(ids)}"


def unknown_id_problems(
    data: ProblemData, sessions: Iterable[PlanSession], word: IdWording = _unknown
) -> list[str]:
    """Ids the given sessions name that the data do not know, one worded problem each.

    Per session, in order: its region, its venue, each trainer, each NGO (a problem per
    unknown id), then one problem for all its unknown officers. The default wording is
    ``session <id>: unknown trainer 't09'`` (officers: at most three listed, then ``and N
    more``).

    Args:
        data: the data the ids are looked up in.
        sessions: all of a plan's sessions or any subset.
        word: words a problem from the session, the kind of id and the unknown ids.
    """
    problems: list[str] = []
    for session in sessions:
        named: list[tuple[str, list[str], Container[str]]] = [
            ("region", [session.region], data.region_by_id),
            ("venue", [session.venue], data.venue_by_id),
            *(("trainer", [trainer], data.trainer_by_id) for trainer in session.trainers),
            *(("NGO", [ngo], data.ngo_by_id) for ngo in session.ngos),
            ("officer", session.officers, data.officer_by_id),
            *((("course", [session.course], data.course_by_id),) if session.course else ()),
        ]
        for kind, ids, known in named:
            unknown = [i for i in ids if i not in known]
            if unknown:
                problems.append(word(session, kind, unknown))
    return problems


def plan_id_problems(plan: Plan, data: ProblemData) -> list[str]:
    """Ids the plan names that the data do not know, and session ids used twice (empty when
    all is well)."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    for session in plan.sessions:
        if session.id in seen_ids:
            problems.append(f"session {session.id}: duplicate session id")
        seen_ids.add(session.id)
        problems += unknown_id_problems(data, [session])
    unknown_unassigned = [o for o in plan.unassigned_officers if o not in data.officer_by_id]
    if unknown_unassigned:
        problems.append(f"unassigned_officers: unknown officer {unknown_unassigned[0]!r}")
    return problems


def require_known_ids(plan: Plan, data: ProblemData, source: str) -> None:
    """Raise :class:`PlanFileError` (exit 3) if the plan names ids unknown to the data."""
    problems = plan_id_problems(plan, data)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PlanFileError(f"{source}: {problems[0]}{more}")
