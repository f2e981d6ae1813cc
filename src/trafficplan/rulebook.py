"""The registry of the spec's hard rules (section 2): one entry per rule id.

Each entry holds what every part of the program must agree on about a rule:

- ``subject``: the kind of thing a rule *item* names (a region, a trainer, a fixed entry...).
  The solver guards rule items by ``(rule, subject)`` in explain mode, and the checker names
  the same subject in each violation, so that an item the solver gives up maps to exactly the
  violations the checker finds in the plan.
- ``describe``: the item in the user's words (used by ``explain`` and ``solve --relax``).
- ``relaxable``: whether a relaxed plan may break the rule's items (:data:`RELAXABLE`); the
  other rules hold in every plan the solver writes, relaxed or not.
- ``model`` and ``check``: the solver's and the checker's function for the rule. They are
  filled in by the decorators :func:`models` and :func:`checks` where those functions are
  defined (``trafficplan.solver.rules`` and ``trafficplan.checker.rules``), because the
  checker must share nothing with the solver: both import this module, neither the other.
  :func:`complete_registry` imports both and returns the filled-in entries.

Plain Python: nothing here imports OR-Tools.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from trafficplan.inputs.dates import format_date_set

if TYPE_CHECKING:
    from trafficplan.inputs.problem import ProblemData

SubjectKind = Literal[
    "session",
    "region",
    "fixed entry",
    "venue",
    "officer",
    "district",
    "trainer",
    "ngo",
    "budget",
    "course",
]
"""What a rule item names. ``region`` items of ``counts`` also include ``max_total``."""

Describe = Callable[["ProblemData", str], str]

F = TypeVar("F", bound=Callable[..., Any])


def _sessions(count: int | None) -> str:
    return f"{count} session" if count == 1 else f"{count} sessions"


def _counts(data: ProblemData, subject: str) -> str:
    if subject == MAX_TOTAL:
        total = data.constraints.sessions.max_total
        return f"at most {_sessions(total)} in all (sessions.max_total)"
    if subject.startswith(f"{MAX_TOTAL}:"):
        course_id = subject.split(":", 1)[1]
        total = data.course_by_id[course_id].max_total
        return f"at most {_sessions(total)} of course {course_id} (courses.{course_id}.max_total)"
    bounds = data.session_bounds(subject)
    return f"region {subject} must hold at least {_sessions(bounds.min)}"


def _course_order(data: ProblemData, subject: str) -> str:
    course = data.course_by_id[subject]
    after = course.after
    if after is None:
        return f"course {subject} has no order"
    where = "in each region" if after.by == "region" else "in each district"
    days = "day" if after.min_days == 1 else "days"
    return (
        f"course {subject} at least {after.min_days} {days} after course {after.course} "
        f"{where} (courses.{subject}.after)"
    )


def _fixed(data: ProblemData, subject: str) -> str:
    entry = data.constraints.sessions.fixed[int(subject)]
    extra = f" at {entry.venue}" if entry.venue else ""
    if entry.trainers:
        extra += f" with {', '.join(entry.trainers)}"
    return f"fixed session {entry.region} on {entry.date}{extra} (sessions.fixed.{subject})"


def _unavailable(kind: str, lookup: str) -> Describe:
    def describe(data: ProblemData, subject: str) -> str:
        item = getattr(data, lookup)[subject]
        return f"{kind} {subject} is unavailable {format_date_set(item.unavailable)}"

    return describe


def _fixed_text(text: str) -> Describe:
    return lambda _data, subject: text.format(subject=subject)


@dataclass
class Rule:
    """One hard rule of the spec.

    Attributes:
        id: the spec's rule id, used verbatim everywhere.
        subject: the kind of thing one item of the rule names.
        summary: the rule in one sentence.
        describe: one item of the rule in the user's words, given its subject.
        model: the solver's function (``trafficplan.solver.rules``), once registered.
        check: the checker's function (``trafficplan.checker.rules``), once registered.
        relaxable: whether a relaxed plan (``solve --relax``) may break the rule's items.
            The others hold in every plan; the empty plan keeps them all, so a relaxation
            that gives up only relaxable items always has a plan.
    """

    id: str
    subject: SubjectKind
    summary: str
    describe: Describe
    model: Callable[..., Any] | None = None
    check: Callable[..., Any] | None = None
    relaxable: bool = False


MAX_TOTAL = "max_total"
"""The subject of the ``counts`` item for ``sessions.max_total``."""

BUDGET = "budget_eur"
"""The subject of the ``budget`` item."""

_RULES: tuple[Rule, ...] = (
    Rule(
        "calendar",
        "session",
        "sessions only on working days of the window",
        _fixed_text("session {subject} must be on a working day of the window"),
    ),
    Rule(
        "counts",
        "region",
        "each region between its min and max sessions; at most max_total in all",
        _counts,
        relaxable=True,
    ),
    Rule(
        "fixed",
        "fixed entry",
        "every fixed entry matched by a distinct session",
        _fixed,
        relaxable=True,
    ),
    Rule(
        "venue_clash",
        "venue",
        "a venue hosts at most one session a day",
        _fixed_text("venue {subject} hosts at most one session a day"),
    ),
    Rule(
        "venue_unavailable",
        "venue",
        "no session at a venue on its unavailable days",
        _unavailable("venue", "venue_by_id"),
        relaxable=True,
    ),
    Rule(
        "region_per_day",
        "region",
        "at most max_per_region_per_day sessions a day in a region",
        lambda data, subject: (
            f"at most {_sessions(data.constraints.sessions.max_per_region_per_day)} "
            f"a day in {subject}"
        ),
        relaxable=True,
    ),
    Rule(
        "seats",
        "region",
        "between officers.min and min(officers.max, capacity) officers a session",
        lambda data, subject: (
            f"each session in {subject} needs at least "
            f"{data.constraints.sessions.officers.min} officers"
        ),
        relaxable=True,
    ),
    Rule(
        "officer_once",
        "officer",
        "an officer attends at most one session",
        _fixed_text("officer {subject} attends at most one session"),
    ),
    Rule(
        "officer_region",
        "officer",
        "officers attend sessions of their own region only",
        _fixed_text("officer {subject} attends sessions of their own region only"),
    ),
    Rule(
        "officer_unavailable",
        "officer",
        "no officer attends on a day of their leave",
        _fixed_text("officer {subject} is on leave"),
    ),
    Rule(
        "district_share",
        "district",
        "per district and day at most max(1, floor(share x size)) officers",
        _fixed_text("district {subject} sends at most its daily share"),
    ),
    Rule(
        "trainer_count",
        "session",
        "exactly trainers.per_session distinct trainers a session",
        lambda data, subject: (
            f"session {subject} needs {data.constraints.trainers.per_session} trainer(s)"
        ),
    ),
    Rule(
        "trainer_region",
        "trainer",
        "trainers teach only in their allowed regions",
        _fixed_text("trainer {subject} teaches only in their regions"),
    ),
    Rule(
        "trainer_unavailable",
        "trainer",
        "no trainer teaches on a day of their leave",
        _unavailable("trainer", "trainer_by_id"),
        relaxable=True,
    ),
    Rule(
        "trainer_per_day",
        "trainer",
        "a trainer leads at most one session a day",
        _fixed_text("trainer {subject} leads at most one session a day"),
    ),
    Rule(
        "trainer_per_week",
        "trainer",
        "at most max_per_week sessions of a trainer per ISO week",
        lambda data, subject: (
            f"trainer {subject} teaches at most "
            f"{_sessions(data.constraints.trainers.max_per_week)} a week"
        ),
        relaxable=True,
    ),
    Rule(
        "trainer_consecutive",
        "trainer",
        "at most max_consecutive_days sessions of a trainer on consecutive days",
        lambda data, subject: (
            f"trainer {subject} teaches at most "
            f"{data.constraints.trainers.max_consecutive_days} days in a row"
        ),
        relaxable=True,
    ),
    Rule(
        "trainer_max_sessions",
        "trainer",
        "a trainer's sessions over the window at most max_sessions",
        lambda data, subject: (
            f"trainer {subject} teaches at most "
            f"{_sessions(data.trainer_by_id[subject].max_sessions)} in all"
        ),
        relaxable=True,
    ),
    Rule(
        "travel",
        "trainer",
        "travel days between a trainer's sessions in far regions",
        _fixed_text("trainer {subject} needs travel days between far regions"),
        relaxable=True,
    ),
    Rule(
        "ngo_count",
        "region",
        "exactly ngos.per_session distinct NGOs of the region a session",
        lambda data, subject: (
            f"each session in {subject} needs {data.constraints.ngos.per_session} NGO(s) "
            "of the region"
        ),
        relaxable=True,
    ),
    Rule(
        "ngo_region",
        "ngo",
        "NGOs co-facilitate sessions of their own region only",
        _fixed_text("NGO {subject} works in its own region only"),
    ),
    Rule(
        "ngo_unavailable",
        "ngo",
        "no NGO works on a day of its unavailability",
        _unavailable("NGO", "ngo_by_id"),
        relaxable=True,
    ),
    Rule(
        "ngo_per_day",
        "ngo",
        "an NGO works at most one session a day",
        _fixed_text("NGO {subject} works at most one session a day"),
    ),
    Rule(
        "ngo_per_week",
        "ngo",
        "at most max_per_week sessions of an NGO per ISO week",
        lambda data, subject: (
            f"NGO {subject} works at most {_sessions(data.constraints.ngos.max_per_week)} a week"
        ),
        relaxable=True,
    ),
    Rule(
        "budget",
        "budget",
        "cost_eur at most budget_eur when set",
        lambda data, _subject: f"the budget of {data.constraints.budget_eur:,.2f} EUR",
        relaxable=True,
    ),
    Rule(
        "course_order",
        "course",
        "a course with after: its sessions min_days after the earlier course's, by region or "
        "by district",
        _course_order,
        relaxable=True,
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
"""Every hard rule of the spec, by id, in spec order."""

RULE_IDS: tuple[str, ...] = tuple(RULES)
"""The spec's rule ids in spec order."""

RELAXABLE: frozenset[str] = frozenset(rule.id for rule in _RULES if rule.relaxable)
"""The rules whose items a relaxed plan may break (the solver guards them in explain mode)."""


def describe_item(data: ProblemData, rule: str, subject: str) -> str:
    """A rule item in the user's words (``rule`` one of :data:`RULE_IDS`)."""
    return RULES[rule].describe(data, subject)


def models(rule_id: str) -> Callable[[F], F]:
    """Register the decorated function as the solver's model of ``rule_id``."""

    def register(function: F) -> F:
        RULES[rule_id].model = function
        return function

    return register


def checks(rule_id: str) -> Callable[[F], F]:
    """Register the decorated function as the checker's function for ``rule_id``."""

    def register(function: F) -> F:
        RULES[rule_id].check = function
        return function

    return register


def complete_registry() -> dict[str, Rule]:
    """Every rule with both its model and its check function registered.

    Imports the solver's and the checker's rule modules (whose decorators fill the entries),
    so it loads OR-Tools; the checker and the solver themselves never call it.
    """
    import trafficplan.checker.rules
    import trafficplan.solver.rules  # noqa: F401  (registers the models)

    missing = [r.id for r in RULES.values() if r.model is None or r.check is None]
    if missing:
        raise RuntimeError(f"rules without a model or a check: {', '.join(missing)}")
    return RULES
