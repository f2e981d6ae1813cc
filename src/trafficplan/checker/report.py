"""What the checker returns: violations of the rules and the report that gathers them."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One broken rule (or, in ``CheckReport.warnings``, one thing worth a warning).

    Attributes:
        rule: the spec's rule id (``travel``, ``seats`` ...); warnings also use ``inputs``
            (the plan was made from other data files) and ``metrics`` (claims that differ).
        session: the session concerned; where several are, the latest of them.
        who: the officer, trainer, NGO or venue concerned (a district for ``district_share``,
            a region for ``counts`` and ``region_per_day``), or None.
        date: the day concerned; where several sessions are, the latest of their days, so a
            violation lies in the frozen past exactly when its ``date`` does.
        message: one line in the user's words, with the numbers.
        subject: the rule item broken, of the kind :mod:`trafficplan.rulebook` gives the rule
            (a region for ``seats``, a fixed entry's index for ``fixed``...): the same item
            the solver relaxes, so a relaxed plan's given-up items map to these violations.
            :func:`~trafficplan.checker.check_plan` fills it in where a rule leaves it out.
    """

    rule: str
    session: str | None
    who: str | None
    date: date | None
    message: str
    subject: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        """The violation as the spec's ``check --json`` item: its fields, the date as ISO
        text."""
        return {**asdict(self), "date": self.date.isoformat() if self.date else None}


@dataclass
class CheckReport:
    """The outcome of :func:`trafficplan.checker.check_plan`.

    Attributes:
        valid: True when there is no violation (warnings do not count).
        violations: every broken rule, in rule order, then by day.
        warnings: input digests that differ, claims that differ from what the plan holds,
            and rules broken only inside the frozen past.
        metrics: recomputed from the plan: ``officers_trained``, ``officers_total``,
            ``sessions``, ``cost_eur`` (to the cent), ``max_trainer_sessions``.
        claimed_metrics: the plan's own ``metrics``, as written in it.
        region_metrics: per region id: ``sessions``, ``officers_trained``, ``officers_total``.
        cost_components: ``cost_eur`` recomputed by component (EUR, to the cent).
        region_costs: per region id, its cost by component (EUR, to the cent).
        as_held: with attendance, the plan as it happened (held sessions with who came):
            ``metrics`` (every metric recomputed, with ``officers_attended``, ``no_shows``,
            ``held_sessions``, ``substitutes``) and ``cost_components``; None without.
    """

    valid: bool
    violations: list[Violation]
    warnings: list[Violation]
    metrics: dict[str, float | int]
    claimed_metrics: dict[str, Any] = field(default_factory=dict)
    region_metrics: dict[str, dict[str, int]] = field(default_factory=dict)
    cost_components: dict[str, float] = field(default_factory=dict)
    region_costs: dict[str, dict[str, float]] = field(default_factory=dict)
    as_held: dict[str, Any] | None = None
    rules_checked: tuple[str, ...] = ()
    """The rule ids checked, in order: every rule, ``course_order`` only for a programme in
    stages (without courses the check is as before courses existed)."""

    def counts_by_rule(self) -> dict[str, int]:
        """Violations per rule id, in the order the rules were checked."""
        return dict(Counter(v.rule for v in self.violations))

    def to_json(self) -> dict[str, Any]:
        """The report as the spec's ``check --json`` document, plus a few extra keys
        (``as_held`` only with attendance)."""
        document = {
            "valid": self.valid,
            "violations": [v.to_json() for v in self.violations],
            "warnings": [w.to_json() for w in self.warnings],
            "metrics": dict(self.metrics),
            "cost_components": dict(self.cost_components),
            "claimed_metrics": dict(self.claimed_metrics),
            "counts_by_rule": self.counts_by_rule(),
            "regions": {
                region: {**values, "costs": self.region_costs.get(region, {})}
                for region, values in self.region_metrics.items()
            },
        }
        if self.as_held is not None:
            document["as_held"] = self.as_held
        return document
