"""What callers of the solver exchange with it: options, progress events, results.

Plain data only; nothing here imports OR-Tools.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from trafficplan.plan import Plan

SolveStatus = Literal["optimal", "feasible", "relaxed", "infeasible", "unknown"]

EXPLAIN_POINTER = "run `trafficplan explain`"
"""Starts the part of a reason that points to ``explain`` (callers that explain drop it)."""

NO_PLAN_IN_TIME = "no plan was found within the time limit"


@dataclass(frozen=True)
class ProgressEvent:
    """A live progress report: a new plan or a better bound on one objective level."""

    elapsed: float
    level: str
    level_index: int
    levels: int
    value: float | None
    bound: float | None
    message: str = ""


@dataclass
class SolveOptions:
    """How to search.

    Attributes:
        time_limit: seconds over all objective levels.
        seed: CP-SAT random seed.
        workers: CP-SAT workers; None means the machine's CPU count.
        progress: called (from the solver's thread) on every new plan or bound.
        hint: a plan whose sessions seed the search (whatif's baseline, replan's old plan).
        stop: set it (e.g. from a SIGINT handler) to stop the search and keep the best plan.
        relax: on data that admit no plan, return the best partial plan of a relaxation.
        limits: objective name -> a limit in its unit that every plan must keep (at most it
            for a minimised objective, at least it for a maximised one): the epsilon
            constraints of ``tradeoff``.
    """

    time_limit: float = 60.0
    seed: int = 0
    workers: int | None = None
    progress: Callable[[ProgressEvent], None] | None = None
    hint: Plan | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    relax: bool = False
    limits: dict[str, float] = field(default_factory=dict)


@dataclass
class SolveResult:
    """The outcome of :func:`trafficplan.solver.solve`.

    ``status`` is ``optimal`` (every level proven), ``feasible`` (a plan, not all proven),
    ``relaxed`` (a best partial plan of a relaxation), ``infeasible`` (the data admit no plan;
    ``reasons`` says why) or ``unknown`` (no plan found within the time limit).
    """

    status: SolveStatus
    plan: Plan | None
    reasons: list[str] = field(default_factory=list)
    interrupted: bool = False
    build_seconds: float = 0.0
    first_plan_seconds: float | None = None
    wall_seconds: float = 0.0
    proven_seconds: dict[str, float] = field(default_factory=dict)
    """Per objective proven optimal, when its proof was in hand (seconds from the start of the
    search; the end of the search where no earlier instant is known)."""
