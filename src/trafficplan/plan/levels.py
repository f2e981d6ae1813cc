"""What a plan says about each of its objective levels, derived in one place (spec 3, 6.1).

Every sentence and table cell that describes a level (the report's summary and technical
appendix, the terminal's objectives table, ``check``, ``whatif``, ``capacity`` and
``tradeoff``) comes from a :class:`LevelClaim`, built from the level's fields in the plan file
(``value``, ``bound``, ``proven``, ``tolerance``, ``best``, ``given``), so that what is said
is what was proven:

- a level held at its best, proven: "no plan costs less (proven)"; a level whose value meets
  its proven bound is proven too, whatever its ``proven`` flag says (the bound is proven);
- a level with a tolerance: its *best* is what was proven (or bounded), and later levels
  were given up to the allowance: "at most 5 % (EUR 2,812.41) above the proven cheapest plan
  (EUR 56,248.38); EUR 2,433.48 given for an even trainer load";
- otherwise: "within 1.2 % (EUR 680.00) of the bound EUR 55,000.00, not proven the best
  possible".

Plain data: nothing here solves anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from trafficplan import i18n
from trafficplan.i18n import N_, ngettext, pgettext
from trafficplan.i18n import gettext as _
from trafficplan.inputs.models import MAXIMISED_OBJECTIVES, OBJECTIVE_UNITS, Tolerance
from trafficplan.plan.format import ObjectiveResult

DECIMALS = {"cost_eur": 2, "travel_km": 1, "min_district_share": 4}
"""Decimals each objective is reported with (counts are whole numbers)."""

NO_BETTER = {
    "officers_trained": N_("no plan trains more"),
    "cost_eur": N_("no plan costs less"),
    "max_trainer_sessions": N_("no plan asks less of its busiest trainer"),
    "travel_km": N_("no plan needs less trainer travel"),
    "trainer_spread": N_("no plan spreads the sessions more evenly over the trainers"),
    "min_district_share": N_("no plan trains a larger share of its least-trained district"),
    "ngo_spread": N_("no plan shares the sessions more evenly among each region's NGOs"),
}
"""A proven level, in words."""

BEST_PLAN = {
    "officers_trained": N_("most officers a plan trains"),
    "cost_eur": N_("cheapest plan"),
    "max_trainer_sessions": N_("lightest load a plan gives its busiest trainer"),
    "travel_km": N_("least trainer travel a plan needs"),
    "trainer_spread": N_("most even load over the trainers"),
    "min_district_share": N_("largest share of the least-trained district"),
    "ngo_spread": N_("most even share among each region's NGOs"),
}
"""A level's best, as "the proven ..." names it."""

GIVEN_FOR = {
    "officers_trained": N_("more officers trained"),
    "cost_eur": N_("a lower cost"),
    "max_trainer_sessions": N_("an even trainer load"),
    "travel_km": N_("less trainer travel"),
    "trainer_spread": N_("an even spread of sessions over the trainers"),
    "min_district_share": N_("a fairer share over the districts"),
    "ngo_spread": N_("an even share of sessions among each region's NGOs"),
}
"""What a later level gains from an earlier level's allowance."""

LABELS = {
    "officers_trained": N_("the number of officers trained"),
    "cost_eur": N_("the cost"),
    "max_trainer_sessions": N_("the busiest trainer's load"),
    "travel_km": N_("the trainers' travel"),
    "trainer_spread": N_("the spread of sessions over the trainers"),
    "min_district_share": N_("the share of the least-trained district"),
    "ngo_spread": N_("the spread of sessions among each region's NGOs"),
}
"""An objective named in a sentence (ids stay in tables and technical text)."""

Kind = Literal["proven", "tolerant", "open", "unbounded", "none"]
"""``proven``: held at its best, which is proven; ``tolerant``: a level with a tolerance (its
best proven or not); ``open``: a bound is known but not met; ``unbounded``: no bound known;
``none``: the plan records no value."""


def decimals(name: str) -> int:
    """Decimals the objective is reported with."""
    return DECIMALS.get(name, 0)


def amount(name: str, value: float) -> str:
    """A plain number as the objective is reported: ``56,248.38``, ``1,800``, ``0.8500``."""
    return f"{value:,.{decimals(name)}f}"


def quantity(name: str, value: float) -> str:
    """An amount with its unit (``OBJECTIVE_UNITS``): ``EUR 56,248.38``, ``1,800 officers``,
    ``1 session``, ``1,234.5 km``; a share is a bare number (``0.8500``)."""
    if i18n.current_language() != i18n.SOURCE_LANGUAGE:
        return _local_quantity(name, value)
    text = amount(name, value)
    unit = OBJECTIVE_UNITS.get(name)
    if name == "cost_eur":
        return f"EUR {text}"
    if unit is None or name == "min_district_share":
        return text
    if unit.endswith("s") and text == "1":
        unit = unit[:-1]
    return f"{text} {unit}"


def _local_quantity(name: str, value: float) -> str:
    """:func:`quantity` in a language other than English, by the locale's rules."""
    number = i18n.format_number(value, decimals(name))
    if name == "cost_eur":
        return i18n.format_eur(value)
    if name == "travel_km":
        return _("{distance} km").format(distance=number)
    if name == "officers_trained":
        return ngettext("{count} officer", "{count} officers", int(value)).format(count=number)
    if OBJECTIVE_UNITS.get(name) == "sessions":
        return ngettext("{count} session", "{count} sessions", int(value)).format(count=number)
    return number


def percent(share: float) -> str:
    """A share as a percentage that never reads 0 when it is not: ``1.2 %``, ``0.04 %``,
    ``less than 0.01 %``."""
    value = 100 * share
    if i18n.current_language() != i18n.SOURCE_LANGUAGE:
        if value == 0:
            return i18n.format_percent(0.0, 0)
        if value >= 0.1:
            return i18n.format_percent(share, 1)
        if value >= 0.01:
            return i18n.format_percent(share, 2)
        return _("less than {share}").format(share=i18n.format_percent(0.0001, 2))
    if value == 0:
        return "0 %"
    if value >= 0.1:
        return f"{value:,.1f} %"
    if value >= 0.01:
        return f"{value:.2f} %"
    return "less than 0.01 %"


def same(name: str, a: float | None, b: float | None) -> bool:
    """Whether two values are the same as the objective is reported."""
    if a is None or b is None:
        return False
    return amount(name, a) == amount(name, b)


def parse_tolerance(text: str | None) -> Tolerance | None:
    """A plan file's ``tolerance`` text (``5%``, ``500``) as a :class:`Tolerance`; None when
    absent or not a number."""
    if text is None:
        return None
    raw = text.strip()
    share = raw.endswith("%")
    try:
        number = Decimal(raw.removesuffix("%").strip())
    except InvalidOperation:
        return None
    return Tolerance(amount=number, percent=share) if number.is_finite() else None


def allowance_of(name: str, tolerance: Tolerance, best: float) -> float:
    """How far later levels may move a level from ``best``, rounded as the objective is
    reported, in the direction that keeps the promise (down)."""
    exact = tolerance.allowance(Fraction(str(best)))
    scale = 10 ** decimals(name)
    return math.floor(exact * scale) / scale


def gap_cell(gap: float | None) -> str:
    """A relative gap as a table cell: ``-`` unknown, ``0.00%`` only when it is 0, ``1.23%``,
    ``<0.01%``."""
    if gap is None:
        return "-"
    if gap == 0:
        return "0.00%"
    return f"{gap:.2%}" if gap >= 0.00005 else "<0.01%"


def _gap(value: float, bound: float) -> float:
    if value == bound:
        return 0.0
    return abs(value - bound) / max(abs(value), abs(bound), 1e-9)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return pgettext("list", "{items} and {last}").format(
        items=", ".join(items[:-1]), last=items[-1]
    )


@dataclass(frozen=True)
class LevelClaim:
    """One objective level of a plan and what may truthfully be said about it."""

    position: int
    """1 for the first level."""
    name: str
    value: float | None
    bound: float | None
    proven_flag: bool
    """The plan file's ``proven``."""
    tolerance: str | None = None
    best: float | None = None
    given: float | None = None
    later: tuple[str, ...] = ()
    """The names of the levels after this one (those an allowance is given to)."""

    @property
    def maximised(self) -> bool:
        """Whether more is better."""
        return self.name in MAXIMISED_OBJECTIVES

    @property
    def sense(self) -> str:
        """``maximize`` or ``minimize``."""
        return "maximize" if self.maximised else "minimize"

    @property
    def unit(self) -> str:
        """What the objective is counted in."""
        return OBJECTIVE_UNITS.get(self.name, "")

    @property
    def tolerant(self) -> bool:
        """Whether a tolerance applied (and the plan records the level's own best)."""
        return self.tolerance is not None and self.best is not None

    @property
    def reference(self) -> float | None:
        """What the bound is a bound on: the level's own best with a tolerance, else its
        value."""
        return self.best if self.tolerant else self.value

    @property
    def meets_bound(self) -> bool:
        """The reference equals the proven bound as reported: proven, whatever the flag."""
        return same(self.name, self.reference, self.bound)

    @property
    def proven(self) -> bool:
        """Whether the level's best (its value, or with a tolerance its own best) is proven."""
        if self.value is None:
            return False
        return self.proven_flag or self.meets_bound

    @property
    def kind(self) -> Kind:
        """Which of the kinds of claim this level makes."""
        if self.value is None:
            return "none"
        if self.tolerant:
            return "tolerant"
        if self.proven:
            return "proven"
        return "open" if self.bound is not None else "unbounded"

    @property
    def gap(self) -> float | None:
        """Relative gap between the reference and the bound (0 when proven), None unknown."""
        if self.proven:
            return 0.0
        if self.reference is None or self.bound is None:
            return None
        return _gap(self.reference, self.bound)

    @property
    def allowance(self) -> float | None:
        """How far later levels may move this level from its best (None without one)."""
        tolerance = parse_tolerance(self.tolerance)
        if tolerance is None or self.best is None:
            return None
        return allowance_of(self.name, tolerance, self.best)

    @property
    def given_amount(self) -> float | None:
        """What later levels took of the allowance: the plan's ``given``, else ``value``
        against ``best``; None without a tolerance."""
        if not self.tolerant:
            return None
        if self.given is not None:
            return self.given
        assert self.value is not None and self.best is not None
        moved = self.best - self.value if self.maximised else self.value - self.best
        return max(0.0, round(moved, decimals(self.name)))

    def tolerance_words(self) -> str:
        """The tolerance in words: ``at most 5 % (EUR 2,812.41)``."""
        tolerance = parse_tolerance(self.tolerance)
        if tolerance is None:
            return _("at most {tolerance}").format(tolerance=self.tolerance)
        if tolerance.percent:
            allowance = self.allowance
            share = f"{tolerance.amount.normalize():f}"
            if i18n.current_language() != i18n.SOURCE_LANGUAGE:
                share = share.replace(".", ",")
            if allowance is None:
                return _("at most {share} %").format(share=share)
            return _("at most {share} % ({amount})").format(
                share=share, amount=quantity(self.name, allowance)
            )
        return _("at most {tolerance}").format(
            tolerance=quantity(self.name, float(tolerance.amount))
        )

    def purposes(self) -> str:
        """What the later levels gain from this level's allowance, in words."""
        return _join([_given_for(n) for n in self.later]) or _("the later aims")

    def proof(self) -> str:
        """What was proven about the level, as a clause: "no plan costs less (proven)"."""
        kind = self.kind
        name = self.name
        if kind == "none":
            return _("no value recorded")
        if kind == "proven":
            no_better = _(NO_BETTER[name]) if name in NO_BETTER else _("the best possible")
            if self.proven_flag:
                return _("{no_better} (proven)").format(no_better=no_better)
            return _("{no_better} (proven: it meets its bound)").format(no_better=no_better)
        if kind == "unbounded":
            return _("not proven the best possible (no bound known)")
        if kind == "open":
            assert self.value is not None and self.bound is not None
            return _("within {distance} of the bound {bound}, not proven the best possible").format(
                distance=self._distance(self.value), bound=quantity(name, self.bound)
            )
        assert self.best is not None
        what = _(BEST_PLAN[name]) if name in BEST_PLAN else _("best value")
        if self.proven:
            best = _("the proven {what} ({best})").format(what=what, best=quantity(name, self.best))
        elif self.bound is not None:
            best = _(
                "the {what} found ({best}), itself within {distance} of the bound {bound} and "
                "not proven the best possible"
            ).format(
                what=what,
                best=quantity(name, self.best),
                distance=self._distance(self.best),
                bound=quantity(name, self.bound),
            )
        else:
            best = _("the {what} found ({best}, no bound known)").format(
                what=what, best=quantity(name, self.best)
            )
        given = self.given_amount or 0.0
        if amount(name, given) == amount(name, 0.0):
            used = _("nothing of it given: the plan is at that best")
        else:
            used = _("{amount} given for {purposes}").format(
                amount=quantity(name, given), purposes=self.purposes()
            )
        if self.maximised:
            claim = _("{tolerance} below {best}; {used}")
        else:
            claim = _("{tolerance} above {best}; {used}")
        return claim.format(tolerance=self.tolerance_words(), best=best, used=used)

    def _distance(self, value: float) -> str:
        assert self.bound is not None
        difference = abs(value - self.bound)
        return _("{share} ({amount})").format(
            share=percent(_gap(value, self.bound)), amount=quantity(self.name, difference)
        )

    # ----- table cells ----------------------------------------------------------------------
    def cell(self, value: float | None) -> str:
        """A number of this objective as a table cell (``-`` for none)."""
        return "-" if value is None else amount(self.name, value)

    @property
    def gap_cell(self) -> str:
        """The gap as a table cell: ``0.00%``, ``1.23%``, never ``0.00%`` unless proven."""
        return gap_cell(self.gap)

    @property
    def gap_text(self) -> str:
        """The gap in words-style percent (``1.2 %``, ``0 %``, ``less than 0.01 %``)."""
        gap = self.gap
        return "-" if gap is None else percent(gap)

    @property
    def proven_cell(self) -> str:
        """``yes``; ``best: yes`` with a tolerance (its own best is what was proven);
        ``yes (meets bound)`` when only the bound proves it; ``no``."""
        if not self.proven:
            return "no"
        if self.tolerant:
            return "best: yes"
        return "yes" if self.proven_flag else "yes (meets bound)"

    @property
    def tolerance_cell(self) -> str:
        """The tolerance as written, ``-`` without one."""
        return self.tolerance or "-"

    @property
    def allowance_cell(self) -> str:
        """The allowance in the objective's unit, ``-`` without one."""
        return self.cell(self.allowance)

    @property
    def best_cell(self) -> str:
        """The level's own best, ``-`` without a tolerance."""
        return self.cell(self.best) if self.tolerant else "-"

    @property
    def given_cell(self) -> str:
        """What later levels took of the allowance, ``-`` without a tolerance."""
        return self.cell(self.given_amount)

    def brief(self) -> str:
        """The value with its proof, for one table cell: ``1,800 (proven)``,
        ``58,681.86 (proven best 56,248.38 + 2,433.48 given)``,
        ``57,100.00 (within 1.2 % of bound 56,420.00)``, ``120 (no bound)``."""
        if self.value is None:
            return "-"
        value = amount(self.name, self.value)
        kind = self.kind
        if kind == "proven":
            return f"{value} (proven)"
        if kind == "open":
            assert self.bound is not None
            return (
                f"{value} (within {percent(_gap(self.value, self.bound))} of bound "
                f"{amount(self.name, self.bound)})"
            )
        if kind == "unbounded":
            return f"{value} (no bound)"
        assert self.best is not None
        best = "proven best" if self.proven else "best found"
        sign = "-" if self.maximised else "+"
        return f"{value} ({best} {amount(self.name, self.best)} {sign} {self.given_cell} given)"

    # ----- verification --------------------------------------------------------------------
    def problems(self, recomputed: float | None) -> list[str]:
        """Where the claim is not borne out by the plan's own figure (``recomputed`` from its
        sessions) or by its own fields; empty when every part holds."""
        name = self.name
        found: list[str] = []
        if self.value is None:
            return found
        if recomputed is not None and not same(name, self.value, recomputed):
            found.append(
                f"{name}: the plan records {quantity(name, self.value)}, its sessions give "
                f"{quantity(name, recomputed)}"
            )
        reference = self.reference
        if (
            self.bound is not None
            and reference is not None
            and not same(name, reference, self.bound)
        ):
            better = reference > self.bound if self.maximised else reference < self.bound
            what = "best" if self.tolerant else "value"
            if better:
                found.append(
                    f"{name}: its {what} {quantity(name, reference)} is better than its bound "
                    f"{quantity(name, self.bound)}, which cannot be a bound"
                )
            elif self.proven_flag:
                found.append(
                    f"{name}: recorded as proven, but its {what} {quantity(name, reference)} "
                    f"is not its bound {quantity(name, self.bound)}"
                )
        if self.tolerant:
            assert self.best is not None
            moved = self.best - self.value if self.maximised else self.value - self.best
            moved = max(0.0, moved)
            if self.given is not None and not same(name, self.given, moved):
                found.append(
                    f"{name}: it records {quantity(name, self.given)} given, but its value and "
                    f"best are {quantity(name, moved)} apart"
                )
            allowance = self.allowance
            if allowance is not None and moved > allowance and not same(name, moved, allowance):
                found.append(
                    f"{name}: {quantity(name, moved)} given, more than its allowance "
                    f"({self.tolerance}: {quantity(name, allowance)})"
                )
        elif self.tolerance is not None:
            found.append(f"{name}: a tolerance ({self.tolerance}) without the level's best")
        return found

    def to_json(self, recomputed: float | None = None) -> dict[str, Any]:
        """The claim as JSON data: the level's fields, its allowance, what is claimed in
        words, and (with ``recomputed``) the figure it was checked against and any problem."""
        document: dict[str, Any] = {
            "name": self.name,
            "value": self.value,
            "bound": self.bound,
            "proven": self.proven,
            "claim": self.proof(),
        }
        if self.tolerance is not None:
            document.update(
                tolerance=self.tolerance,
                allowance=self.allowance,
                best=self.best,
                given=self.given_amount,
            )
        if recomputed is not None:
            document["recomputed"] = recomputed
        document["problems"] = self.problems(recomputed)
        return document


def level_claims(levels: Iterable[ObjectiveResult | Mapping[str, Any]]) -> list[LevelClaim]:
    """The claims of a plan's objective levels, in their order (plan file entries, or their
    JSON form as sweeps record them)."""
    results = [
        level if isinstance(level, ObjectiveResult) else ObjectiveResult.model_validate(level)
        for level in levels
    ]
    names = tuple(level.name for level in results)
    return [
        LevelClaim(
            position=index + 1,
            name=level.name,
            value=level.value,
            bound=level.bound,
            proven_flag=level.proven,
            tolerance=level.tolerance,
            best=level.best,
            given=level.given,
            later=names[index + 1 :],
        )
        for index, level in enumerate(results)
    ]


def claim_of(levels: Iterable[ObjectiveResult | Mapping[str, Any]], name: str) -> LevelClaim | None:
    """The claim of the named level, None when the plan has no such level."""
    return next((c for c in level_claims(levels) if c.name == name), None)


def all_proven(claims: Sequence[LevelClaim]) -> bool:
    """Whether every level's best is proven (a tolerant level's own best)."""
    return bool(claims) and all(c.proven for c in claims)


def aims_sentence(claims: Sequence[LevelClaim]) -> str:
    """One sentence, without ids, on what was proven over all levels: every aim the best
    possible; with a tolerance, the allowance and how much of it the later aims used; or which
    aims were not proven."""
    if not claims:
        return _("The plan file records no objective values.")
    open_ = [c for c in claims if not c.proven]
    if open_:
        listed = _join([_label(c.name) for c in open_])
        return _("Not every aim was proven the best possible in the time given: {aims}.").format(
            aims=listed
        )
    tolerant = [c for c in claims if c.tolerant]
    if not tolerant:
        return _("Every aim was proven the best possible.")
    used: list[str] = []
    unused: list[str] = []
    for claim in tolerant:
        assert claim.best is not None
        given = claim.given_amount or 0.0
        if claim.maximised:
            allowed_text = _(
                "{aim} was allowed to be {tolerance} below its proven best ({best}) for the "
                "aims after it"
            )
        else:
            allowed_text = _(
                "{aim} was allowed to be {tolerance} above its proven best ({best}) for the "
                "aims after it"
            )
        allowed = allowed_text.format(
            aim=_label(claim.name),
            tolerance=claim.tolerance_words(),
            best=quantity(claim.name, claim.best),
        )
        if same(claim.name, given, 0.0):
            unused.append(allowed)
        else:
            used.append(
                _("{allowed}, and {amount} of it went to {purposes}").format(
                    allowed=allowed, amount=quantity(claim.name, given), purposes=claim.purposes()
                )
            )
    if used and unused:
        sentence = _(
            "Every aim was proven the best possible, except that {used}; {unused}, but none of "
            "it was used."
        )
    elif used:
        sentence = _("Every aim was proven the best possible, except that {used}.")
    else:
        sentence = _("Every aim was proven the best possible: {unused}, but none of it was used.")
    return sentence.format(used="; ".join(used), unused="; ".join(unused))


def _label(name: str) -> str:
    return _(LABELS[name]) if name in LABELS else name


def _given_for(name: str) -> str:
    return _(GIVEN_FOR[name]) if name in GIVEN_FOR else name


def given_notes(runs: Iterable[Sequence[ObjectiveResult | Mapping[str, Any]]]) -> list[str]:
    """For plans of a sweep (their objective levels): one line per level with a tolerance,
    saying that each plan may be that far from its own best and the range of what was given."""
    given: dict[str, list[float]] = {}
    sample: dict[str, LevelClaim] = {}
    for levels in runs:
        for claim in level_claims(levels):
            if claim.tolerant:
                sample.setdefault(claim.name, claim)
                given.setdefault(claim.name, []).append(claim.given_amount or 0.0)
    lines = []
    for name, amounts in given.items():
        claim = sample[name]
        low, high = min(amounts), max(amounts)
        spread = (
            quantity(name, low)
            if same(name, low, high)
            else f"{quantity(name, low)} to {quantity(name, high)}"
        )
        side = "below" if claim.maximised else "above"
        lines.append(
            f"{name} (within {claim.tolerance}): each plan's {name} may be up to {claim.tolerance} "
            f"{side} that plan's own best; {spread} given for {claim.purposes()}"
        )
    return lines


def recomputed_values(metrics: Mapping[str, Any], names: Iterable[str]) -> dict[str, float]:
    """The figure of each named objective found in ``metrics`` (recomputed from a plan), as
    a number."""
    values: dict[str, float] = {}
    for name in names:
        value = metrics.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[name] = float(value)
    return values
