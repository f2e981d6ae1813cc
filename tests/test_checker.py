"""The independent plan checker: every rule in both directions, warnings, metrics, mutations.

Plans are built by hand on the tiny instance of ``datafactory`` (alpha and beta, 60 km apart,
20 officers each, one 20-seat hall and two NGOs each, trainers t01 and t02, 1-12 June 2009).
Each rule case changes the data so that its rule binds, then gives a plan that keeps every
rule and one that breaks exactly that rule.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED_DATA
from datafactory import SPEC_RULE_IDS, officers_csv, tiny, two_stage
from trafficplan.checker import RULE_CHECKS, RULE_IDS, CheckReport, Violation, check_plan
from trafficplan.checker.rules import travel_days
from trafficplan.checker.view import PlanView
from trafficplan.errors import PlanFileError
from trafficplan.inputs import ProblemData, RawData, build_data, load_data
from trafficplan.inputs.geo import road_km
from trafficplan.inputs.problem import district_day_cap
from trafficplan.plan import Plan, PlanSession

FAR_WEST = {"lat": 48.62, "lon": 22.30}  # about 750 road km from alpha: two travel days


# ----- building data and plans ---------------------------------------------------------------
def build(dicts: dict[str, Any]) -> ProblemData:
    """The ProblemData of datafactory dicts, validated like a data folder."""
    raw = RawData(
        folder=Path("tiny"),
        yaml={
            "regions.yaml": dicts["regions"],
            "trainers.yaml": dicts["trainers"],
            "constraints.yaml": dicts["constraints"],
        },
        officers_text=officers_csv(dicts["officers"]),
    )
    return build_data(raw)


def june(day: int) -> date:
    return date(2009, 6, day)


def ids(code: str, first: int, last: int) -> list[str]:
    """Officer ids ``CODE-0001``..; odd numbers are in the first district, even in the second."""
    return [f"{code}-{n:04d}" for n in range(first, last + 1)]


def session(
    sid: str,
    region: str,
    venue: str,
    day: date,
    trainers: list[str],
    ngos: list[str],
    officers: list[str],
) -> PlanSession:
    return PlanSession(
        id=sid,
        region=region,
        venue=venue,
        date=day,
        trainers=trainers,
        ngos=ngos,
        officers=officers,
    )


def plan_of(sessions: list[PlanSession], **extra: Any) -> Plan:
    return Plan(status="feasible", sessions=sessions, **extra)


def edit(sessions: list[PlanSession], sid: str, **changes: Any) -> list[PlanSession]:
    """The sessions with the one whose id is ``sid`` changed."""
    return [s.model_copy(update=changes) if s.id == sid else s for s in sessions]


def base() -> list[PlanSession]:
    """A valid plan of the tiny instance: one full session a region on Monday 1 June."""
    return [
        session(
            "alpha-01", "alpha", "alpha-hall", june(1), ["t01"], ["alpha-ngo"], ids("ALP", 1, 20)
        ),
        session("beta-01", "beta", "beta-hall", june(1), ["t02"], ["beta-ngo"], ids("BET", 1, 20)),
    ]


def two_alpha_data(d: dict[str, Any]) -> None:
    """Alpha runs two sessions and has a second venue; a third trainer t03 lives in alpha."""
    alpha = d["regions"]["regions"][0]
    alpha["sessions"] = {"min": 2, "max": 2}
    alpha["venues"].append({"id": "alpha-annex", "name": "Alpha Annex", "capacity": 20})
    d["constraints"]["sessions"]["max_total"] = 3
    d["constraints"]["sessions"]["officers"]["min"] = 5
    d["trainers"]["trainers"].append(
        {
            "id": "t03",
            "name": "Iryna Bondar",
            "home": {"city": "Alpha City", "lat": 50.0, "lon": 30.0},
            "day_rate_eur": 100,
        }
    )


def two_alpha() -> list[PlanSession]:
    """A valid plan for ``two_alpha_data``: alpha on 1 and 2 June, beta on 1 June."""
    return [
        session(
            "alpha-01", "alpha", "alpha-hall", june(1), ["t01"], ["alpha-ngo"], ids("ALP", 1, 10)
        ),
        session(
            "alpha-02", "alpha", "alpha-annex", june(2), ["t01"], ["alpha-ngo2"], ids("ALP", 11, 20)
        ),
        session("beta-01", "beta", "beta-hall", june(1), ["t02"], ["beta-ngo"], ids("BET", 1, 20)),
    ]


def two_stage_data(d: dict[str, Any]) -> None:
    """The tiny instance in two stages (datafactory.two_stage): heads, then the meetings at
    least 3 days later by region."""
    d.update(two_stage("region", min_days=3))


def two_stage_plan(meeting_day: int = 4) -> list[PlanSession]:
    """A valid plan of ``two_stage_data``: the heads on 1 June, the meetings on
    ``meeting_day``."""
    heads = [
        session("alpha-heads-01", "alpha", "alpha-hall", june(1), ["t01"], ["alpha-ngo"],
                ["ALP-H01", "ALP-H02"]),
        session("beta-heads-01", "beta", "beta-hall", june(1), ["t02"], ["beta-ngo"],
                ["BET-H01", "BET-H02"]),
    ]  # fmt: skip
    meetings = [
        session("alpha-meeting-01", "alpha", "alpha-hall", june(meeting_day), ["t01"],
                ["alpha-ngo2"], ids("ALP", 1, 20)),
        session("beta-meeting-01", "beta", "beta-hall", june(4), ["t02"], ["beta-ngo2"],
                ids("BET", 1, 20)),
    ]  # fmt: skip
    return [s.model_copy(update={"course": "heads"}) for s in heads] + [
        s.model_copy(update={"course": "meeting"}) for s in meetings
    ]


def rules_of(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def run_rule(rule: str, data: ProblemData, plan: Plan) -> list[Violation]:
    check = dict(RULE_CHECKS)[rule]
    return check(PlanView(data, plan))


# ----- the per-rule cases --------------------------------------------------------------------
def constraints(**path_values: Any) -> Callable[[dict[str, Any]], None]:
    """A data edit setting ``constraints.yaml`` keys given as ``a__b__c=value``."""

    def apply(d: dict[str, Any]) -> None:
        for path, value in path_values.items():
            *parents, leaf = path.split("__")
            node = d["constraints"]
            for key in parents:
                node = node[key]
            node[leaf] = value

    return apply


def both(*edits: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        for one in edits:
            one(d)

    return apply


def region(index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        d["regions"]["regions"][index].update(values)

    return apply


def venue(region_index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        d["regions"]["regions"][region_index]["venues"][0].update(values)

    return apply


def ngo(region_index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        d["regions"]["regions"][region_index]["ngos"][0].update(values)

    return apply


def trainer(index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        d["trainers"]["trainers"][index].update(values)

    return apply


def officer(index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        d["officers"][index].update(values)

    return apply


def beta_far_west(d: dict[str, Any]) -> None:
    """Move beta (and t02's home) about 750 road km west of alpha."""
    d["regions"]["regions"][1]["centre"].update(FAR_WEST)
    d["trainers"]["trainers"][1]["home"].update(FAR_WEST)


def no_change(d: dict[str, Any]) -> None:
    """Leave the tiny instance as it is."""


@dataclass(frozen=True)
class RuleCase:
    """Data where ``rule`` binds, a plan keeping every rule and one breaking only ``rule``."""

    rule: str
    data_edit: Callable[[dict[str, Any]], None]
    clean: Callable[[], list[PlanSession]]
    broken: Callable[[], list[PlanSession]]


CASES = [
    RuleCase(
        "calendar",
        constraints(calendar__closed=["2009-06-03"]),
        lambda: edit(base(), "alpha-01", date=june(2)),
        lambda: edit(base(), "alpha-01", date=june(3)),
    ),
    RuleCase("counts", no_change, base, lambda: base()[:1]),
    RuleCase(
        "fixed",
        constraints(
            sessions__fixed=[
                {
                    "region": "alpha",
                    "date": "2009-06-02",
                    "venue": "alpha-hall",
                    "trainers": ["t01"],
                }
            ]
        ),
        lambda: edit(base(), "alpha-01", date=june(2)),
        base,
    ),
    RuleCase(
        "venue_clash",
        both(two_alpha_data, constraints(sessions__max_per_region_per_day=2)),
        lambda: edit(two_alpha(), "alpha-02", date=june(1), trainers=["t03"]),
        lambda: edit(two_alpha(), "alpha-02", date=june(1), trainers=["t03"], venue="alpha-hall"),
    ),
    RuleCase(
        "venue_unavailable",
        venue(0, unavailable=["2009-06-02"]),
        base,
        lambda: edit(base(), "alpha-01", date=june(2)),
    ),
    RuleCase(
        "region_per_day",
        two_alpha_data,
        two_alpha,
        lambda: edit(two_alpha(), "alpha-02", date=june(1), trainers=["t03"]),
    ),
    RuleCase("seats", no_change, base, lambda: edit(base(), "alpha-01", officers=ids("ALP", 1, 9))),
    RuleCase(
        "officer_once",
        two_alpha_data,
        two_alpha,
        lambda: edit(two_alpha(), "alpha-02", officers=["ALP-0001", *ids("ALP", 12, 20)]),
    ),
    RuleCase(
        "officer_region",
        no_change,
        base,
        lambda: edit(
            edit(base(), "alpha-01", officers=[*ids("ALP", 1, 19), "BET-0020"]),
            "beta-01",
            officers=ids("BET", 1, 19),
        ),
    ),
    RuleCase(
        "officer_unavailable",
        officer(0, unavailable="2009-06-01"),
        lambda: edit(base(), "alpha-01", date=june(2)),
        base,
    ),
    RuleCase(
        "district_share",
        constraints(officers__max_district_share_per_day=0.34, sessions__officers__min=2),
        lambda: edit(
            edit(base(), "alpha-01", officers=ids("ALP", 1, 6)),
            "beta-01",
            officers=ids("BET", 1, 6),
        ),
        lambda: edit(
            edit(base(), "alpha-01", officers=ids("ALP", 1, 8)),
            "beta-01",
            officers=ids("BET", 1, 6),
        ),
    ),
    RuleCase("trainer_count", no_change, base, lambda: edit(base(), "alpha-01", trainers=[])),
    RuleCase(
        "trainer_region",
        trainer(0, regions=["beta"]),
        lambda: edit(edit(base(), "alpha-01", trainers=["t02"]), "beta-01", trainers=["t01"]),
        base,
    ),
    RuleCase(
        "trainer_unavailable",
        trainer(0, unavailable=["2009-06-01"]),
        lambda: edit(base(), "alpha-01", date=june(2)),
        base,
    ),
    RuleCase(
        "trainer_per_day",
        no_change,
        lambda: edit(base(), "beta-01", trainers=["t01"], date=june(2)),
        lambda: edit(base(), "beta-01", trainers=["t01"]),
    ),
    RuleCase(
        "trainer_per_week",
        constraints(trainers__max_per_week=1),
        lambda: edit(base(), "beta-01", trainers=["t01"], date=june(8)),
        lambda: edit(base(), "beta-01", trainers=["t01"], date=june(2)),
    ),
    RuleCase(
        "trainer_consecutive",
        constraints(trainers__max_consecutive_days=1),
        # Friday and the next Monday are not consecutive calendar days.
        lambda: edit(
            edit(base(), "alpha-01", date=june(5)), "beta-01", trainers=["t01"], date=june(8)
        ),
        lambda: edit(base(), "beta-01", trainers=["t01"], date=june(2)),
    ),
    RuleCase(
        "trainer_max_sessions",
        trainer(0, max_sessions=1),
        base,
        lambda: edit(base(), "beta-01", trainers=["t01"], date=june(2)),
    ),
    RuleCase(
        "travel",
        beta_far_west,
        # 752 road km need 2 travel days: 1 June then 4 June is fine, 3 June is not.
        lambda: edit(base(), "beta-01", trainers=["t01"], date=june(4)),
        lambda: edit(base(), "beta-01", trainers=["t01"], date=june(3)),
    ),
    RuleCase(
        "ngo_count",
        no_change,
        base,
        lambda: edit(base(), "alpha-01", ngos=["alpha-ngo", "alpha-ngo2"]),
    ),
    RuleCase("ngo_region", no_change, base, lambda: edit(base(), "alpha-01", ngos=["beta-ngo2"])),
    RuleCase(
        "ngo_unavailable",
        ngo(0, unavailable=["2009-06-01"]),
        lambda: edit(base(), "alpha-01", ngos=["alpha-ngo2"]),
        base,
    ),
    RuleCase(
        "ngo_per_day",
        both(two_alpha_data, constraints(sessions__max_per_region_per_day=2)),
        lambda: edit(two_alpha(), "alpha-02", date=june(1), trainers=["t03"]),
        lambda: edit(two_alpha(), "alpha-02", date=june(1), trainers=["t03"], ngos=["alpha-ngo"]),
    ),
    RuleCase(
        "ngo_per_week",
        both(two_alpha_data, constraints(ngos__max_per_week=1)),
        two_alpha,
        lambda: edit(two_alpha(), "alpha-02", ngos=["alpha-ngo"]),
    ),
    RuleCase(
        "budget",
        # The base plan costs exactly 220 EUR: day rates 100 + 120, both trainers at home.
        constraints(budget_eur=220.0),
        base,
        lambda: edit(edit(base(), "alpha-01", trainers=["t02"]), "beta-01", trainers=["t01"]),
    ),
    RuleCase("course_order", two_stage_data, two_stage_plan, lambda: two_stage_plan(2)),
]


def test_every_spec_rule_has_a_checker_function_named_after_it() -> None:
    assert RULE_IDS == SPEC_RULE_IDS
    for rule, check in RULE_CHECKS:
        assert check.__name__ == f"check_{rule}"
        assert check.__doc__


def test_every_rule_has_a_case() -> None:
    assert [case.rule for case in CASES] == list(SPEC_RULE_IDS)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_clean_case_keeps_every_rule(case: RuleCase) -> None:
    dicts = tiny()
    case.data_edit(dicts)
    data = build(dicts)
    plan = plan_of(case.clean())
    report = check_plan(data, plan)
    assert report.violations == []
    assert report.valid
    assert run_rule(case.rule, data, plan) == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_broken_case_breaks_only_its_rule(case: RuleCase) -> None:
    dicts = tiny()
    case.data_edit(dicts)
    data = build(dicts)
    report = check_plan(data, plan_of(case.broken()))
    assert rules_of(report.violations) == {case.rule}
    assert not report.valid
    for violation in report.violations:
        assert violation.message and "\n" not in violation.message


# ----- rule details ----------------------------------------------------------------------
def test_travel_message_names_trainer_regions_days_km_and_travel_days() -> None:
    dicts = tiny()
    beta_far_west(dicts)
    plan = plan_of(edit(base(), "beta-01", trainers=["t01"], date=june(2)))
    [violation] = check_plan(build(dicts), plan).violations
    assert violation == Violation(
        "travel",
        "beta-01",
        "t01",
        june(2),
        "trainer t01 teaches in alpha on 2009-06-01 and beta on 2009-06-02; "
        "752 road km need 2 travel days",
    )
    assert str(violation).startswith("travel: trainer t01")


def test_travel_checks_every_pair_not_only_successive_sessions() -> None:
    # alpha-annex stands in beta's centre: annex -> beta needs no travel, but the hall ->
    # beta (78 road km, over the 50 km same-evening limit) needs 2 days, so 1 June -> 3 June
    # breaks travel although no two successive sessions of t01 do.
    dicts = tiny()
    two_alpha_data(dicts)
    dicts["regions"]["regions"][0]["venues"][1]["location"] = {"lat": 50.0, "lon": 30.84}
    constraints(
        trainers__travel__same_evening_km=50,
        trainers__travel__km_per_day=50,
        trainers__max_consecutive_days=3,
    )(dicts)
    sessions = edit(two_alpha(), "beta-01", trainers=["t01"], date=june(3))
    violations = check_plan(build(dicts), plan_of(sessions)).violations
    assert [(v.rule, v.session, v.date) for v in violations] == [("travel", "beta-01", june(3))]
    assert "alpha on 2009-06-01 and beta on 2009-06-03" in violations[0].message


def test_travel_days_threshold() -> None:
    assert travel_days(250.0, 250, 500) == 0
    assert travel_days(250.01, 250, 500) == 1
    assert travel_days(1000.0, 250, 500) == 2
    assert travel_days(1451.0, 250, 500) == 3


def test_district_cap_is_exact_in_decimal() -> None:
    # In binary floating point 0.58 x 50 is 28.999..., which would floor to 28.
    assert district_day_cap(Decimal("0.58"), 50) == 29
    assert district_day_cap(Decimal("0.35"), 180) == 63
    assert district_day_cap(Decimal("0.34"), 2) == 1  # never below one
    assert district_day_cap(Decimal("0.34"), 0) == 0  # a district without officers


def test_district_share_with_exact_decimal_cap_on_real_data() -> None:
    dicts = tiny()
    dicts["officers"] = [
        {
            "id": f"ALP-{i + 1:04d}",
            "name": f"Officer {i + 1}",
            "region": "alpha",
            "district": "alpha-north" if i < 50 else "alpha-south",
            "unavailable": "",
        }
        for i in range(100)
    ] + [o for o in dicts["officers"] if o["region"] == "beta"]
    constraints(officers__max_district_share_per_day=0.58, sessions__officers__max=40)(dicts)
    dicts["regions"]["regions"][0]["venues"][0]["capacity"] = 40
    data = build(dicts)
    beta_within_cap = edit(base(), "beta-01", officers=ids("BET", 1, 10))
    at_cap = edit(beta_within_cap, "alpha-01", officers=ids("ALP", 1, 29))
    assert check_plan(data, plan_of(at_cap)).valid
    over = edit(beta_within_cap, "alpha-01", officers=ids("ALP", 1, 30))
    [violation] = check_plan(data, plan_of(over)).violations
    assert violation.rule == "district_share"
    assert violation.who == "alpha-north"
    assert "30 officers of district alpha-north" in violation.message
    assert "at most 29 of its 50" in violation.message


def test_district_share_counts_all_sessions_of_the_day() -> None:
    dicts = tiny()
    two_alpha_data(dicts)
    constraints(
        officers__max_district_share_per_day=0.34,
        sessions__officers__min=2,
        sessions__max_per_region_per_day=2,
    )(dicts)
    data = build(dicts)
    # alpha-north has 10 officers: at most 3 a day. Two in each session is 4 on 1 June.
    sessions = edit(
        edit(two_alpha(), "alpha-01", officers=["ALP-0001", "ALP-0003"]),
        "alpha-02",
        officers=["ALP-0005", "ALP-0007"],
        trainers=["t03"],
    )
    sessions = edit(sessions, "beta-01", officers=ids("BET", 1, 6))
    assert check_plan(data, plan_of(sessions)).valid
    same_day = edit(sessions, "alpha-02", date=june(1))
    [violation] = check_plan(data, plan_of(same_day)).violations
    assert (violation.rule, violation.who, violation.date) == (
        "district_share",
        "alpha-north",
        june(1),
    )
    assert "alpha-01, alpha-02" in violation.message


def test_calendar_names_the_reason() -> None:
    dicts = tiny()
    constraints(calendar__holidays="UA")(dicts)
    data = build(dicts)
    messages = {
        day: check_plan(data, plan_of(edit(base(), "alpha-01", date=day))).violations[0].message
        for day in (june(6), june(8), june(13))
    }
    assert "is a Saturday, not a working weekday" in messages[june(6)]
    assert "public holiday" in messages[june(8)]  # Pentecost 7 June, observed on Monday 8
    assert "outside the window 2009-06-01..2009-06-12" in messages[june(13)]


def test_calendar_open_date_is_a_working_day() -> None:
    dicts = tiny()
    constraints(calendar__open=["2009-06-06"])(dicts)
    assert check_plan(build(dicts), plan_of(edit(base(), "alpha-01", date=june(6)))).valid


def test_counts_max_total_and_region_maximum() -> None:
    dicts = tiny()
    constraints(sessions__max_total=1)(dicts)
    [violation] = check_plan(build(dicts), plan_of(base())).violations
    assert violation.rule == "counts"
    assert violation.message == "the plan has 2 sessions; sessions.max_total allows 1"
    extra = session("alpha-02", "alpha", "alpha-hall", june(2), ["t01"], ["alpha-ngo2"], [])
    violations = check_plan(build(tiny()), plan_of([*base(), extra])).violations
    counts = [v for v in violations if v.rule == "counts"]
    assert [v.message for v in counts] == [
        "region alpha runs 2 sessions; it must run exactly 1",
        "the plan has 3 sessions; sessions.max_total allows 2",
    ]


def test_fixed_entries_need_distinct_sessions() -> None:
    dicts = tiny()
    two_alpha_data(dicts)
    entry = {"region": "alpha", "date": "2009-06-01"}
    constraints(sessions__fixed=[entry, dict(entry)], sessions__max_per_region_per_day=2)(dicts)
    data = build(dicts)
    one_session = check_plan(data, plan_of(two_alpha())).violations
    assert [v.rule for v in one_session] == ["fixed"]
    assert (
        "every session that fits already stands for another fixed entry" in one_session[0].message
    )
    both_that_day = edit(two_alpha(), "alpha-02", date=june(1), trainers=["t03"])
    assert check_plan(data, plan_of(both_that_day)).valid


def test_fixed_entry_naming_a_trainer() -> None:
    dicts = tiny()
    constraints(sessions__fixed=[{"region": "alpha", "date": "2009-06-01", "trainers": ["t01"]}])(
        dicts
    )
    data = build(dicts)
    swapped = edit(edit(base(), "alpha-01", trainers=["t02"]), "beta-01", trainers=["t01"])
    [violation] = check_plan(data, plan_of(swapped)).violations
    assert violation.rule == "fixed"
    assert violation.message.startswith("fixed session 0 (alpha on 2009-06-01 with t01)")
    assert "lack a named trainer" in violation.message


def test_venue_of_another_region_is_unavailable_to_the_session() -> None:
    plan = plan_of(edit(base(), "alpha-01", venue="beta-hall", date=june(2)))
    [violation] = check_plan(build(tiny()), plan).violations
    assert violation.rule == "venue_unavailable"
    assert "belongs to beta" in violation.message


def test_seats_over_capacity_names_the_venue() -> None:
    dicts = tiny()
    venue(0, capacity=15)(dicts)
    [violation] = check_plan(build(dicts), plan_of(base())).violations
    assert violation.rule == "seats"
    assert violation.message == (
        "session alpha-01 has 20 officers; it must have 10 to 15 (venue alpha-hall seats 15)"
    )


def test_officer_listed_twice_in_one_session() -> None:
    sessions = edit(base(), "alpha-01", officers=[*ids("ALP", 1, 19), "ALP-0001"])
    violations = check_plan(build(tiny()), plan_of(sessions)).violations
    assert [(v.rule, v.who) for v in violations] == [("officer_once", "ALP-0001")]
    assert "listed 2 times in session alpha-01" in violations[0].message


def test_trainer_consecutive_allows_exactly_the_maximum() -> None:
    dicts = tiny()
    two_alpha_data(dicts)
    sessions = edit(two_alpha(), "beta-01", trainers=["t01"], date=june(3))
    assert check_plan(build(dicts), plan_of(sessions)).valid is False  # beta 3 June: 3 in a row
    violations = check_plan(build(dicts), plan_of(sessions)).violations
    assert [v.message for v in violations] == [
        "trainer t01 teaches on 3 consecutive days 2009-06-01..2009-06-03; at most 2"
    ]
    assert check_plan(build(dicts), plan_of(two_alpha())).valid  # 1 and 2 June: two in a row


# ----- warnings: frozen past, digests, claims ------------------------------------------------
def test_rules_broken_inside_the_frozen_past_are_warnings() -> None:
    dicts = tiny()
    trainer(0, unavailable=["2009-06-01"])(dicts)
    data = build(dicts)
    report = check_plan(data, plan_of(base(), frozen_before=june(2)))
    assert report.valid
    [warning] = [w for w in report.warnings if w.rule == "trainer_unavailable"]
    assert warning.message.endswith("(frozen past, before 2009-06-02)")
    not_frozen = check_plan(data, plan_of(base(), frozen_before=june(1)))
    assert rules_of(not_frozen.violations) == {"trainer_unavailable"}


def test_pair_rule_is_frozen_only_when_both_sessions_are() -> None:
    dicts = tiny()
    beta_far_west(dicts)
    data = build(dicts)
    plan = edit(base(), "beta-01", trainers=["t01"], date=june(2))
    straddling = check_plan(data, plan_of(plan, frozen_before=june(2)))
    assert rules_of(straddling.violations) == {"travel"}
    both_frozen = check_plan(data, plan_of(plan, frozen_before=june(3)))
    assert both_frozen.valid
    assert "travel" in rules_of(both_frozen.warnings)


def test_counts_and_budget_are_never_frozen() -> None:
    dicts = tiny()
    constraints(budget_eur=100.0)(dicts)
    report = check_plan(build(dicts), plan_of(base()[:1], frozen_before=june(12)))
    assert rules_of(report.violations) == {"counts"}
    report = check_plan(build(dicts), plan_of(base(), frozen_before=june(12)))
    assert rules_of(report.violations) == {"budget"}


def test_digest_mismatch_is_a_warning_naming_the_files(tiny_folder: Path) -> None:
    data = load_data(tiny_folder)
    recorded = dict(data.digests)
    report = check_plan(data, plan_of(base(), inputs={"sha256": recorded}))
    assert rules_of(report.warnings) <= {"metrics"}
    recorded["officers.csv"] = "0" * 64
    report = check_plan(data, plan_of(base(), inputs={"sha256": recorded}))
    [warning] = [w for w in report.warnings if w.rule == "inputs"]
    assert "officers.csv" in warning.message
    assert "regions.yaml" not in warning.message
    assert report.valid


def true_metrics() -> dict[str, Any]:
    return {
        "officers_trained": 40,
        "officers_total": 40,
        "sessions": 2,
        "cost_eur": 220.0,
        "max_trainer_sessions": 1,
        "travel_km": 0.0,
        "trainer_spread": 0,
        "min_district_share": 1.0,
        "ngo_spread": 1,
    }


def test_metrics_are_recomputed_from_the_sessions() -> None:
    dicts = tiny()
    beta_far_west(dicts)
    data = build(dicts)
    sessions = edit(base(), "beta-01", trainers=["t01"], date=june(4))
    sessions = edit(sessions, "alpha-01", officers=ids("ALP", 1, 15))
    report = check_plan(data, plan_of(sessions))
    trip = 2 * road_km((50.0, 30.0), (48.62, 22.30), 1.3) * 0.2
    assert report.metrics == {
        "officers_trained": 35,
        "officers_total": 40,
        "sessions": 2,
        "cost_eur": round(200 + trip, 2),
        "max_trainer_sessions": 2,
        # t01 drives to beta and back (alpha's venue is at home); t02 teaches nothing
        "travel_km": round(2 * road_km((50.0, 30.0), (48.62, 22.30), 1.3), 1),
        "trainer_spread": 2,
        "min_district_share": 0.7,  # alpha keeps 15 of its 20 officers, one district 70 %
        "ngo_spread": 1,
    }
    assert report.region_metrics == {
        "alpha": {"sessions": 1, "officers_trained": 15, "officers_total": 20},
        "beta": {"sessions": 1, "officers_trained": 20, "officers_total": 20},
    }


def test_true_claims_give_no_warning() -> None:
    report = check_plan(build(tiny()), plan_of(base(), metrics=true_metrics()))
    assert report.warnings == []


def test_claimed_metrics_that_differ_are_warnings() -> None:
    claims = true_metrics() | {"officers_trained": 39, "cost_eur": 221.5, "sessions": "two"}
    report = check_plan(build(tiny()), plan_of(base(), metrics=claims))
    assert report.valid
    messages = [w.message for w in report.warnings if w.rule == "metrics"]
    assert messages == [
        "the plan's metrics.officers_trained is 39, but its sessions give 40",
        "the plan's metrics.sessions is 'two', not a number",
        "the plan's metrics.cost_eur is 221.50, but its sessions give 220.00",
    ]


def test_cost_claim_agrees_within_one_euro() -> None:
    report = check_plan(
        build(tiny()), plan_of(base(), metrics=true_metrics() | {"cost_eur": 220.9})
    )
    assert report.warnings == []


def test_claimed_objective_value_that_differs_is_a_warning() -> None:
    objectives = [{"name": "max_trainer_sessions", "value": 2, "bound": 1, "proven": False}]
    report = check_plan(build(tiny()), plan_of(base(), objectives=objectives))
    assert [w.message for w in report.warnings] == [
        "the plan's objective max_trainer_sessions is 2, but its sessions give 1"
    ]


def test_unassigned_officers_must_list_exactly_those_without_a_session() -> None:
    data = build(tiny())
    sessions = edit(base(), "alpha-01", officers=ids("ALP", 1, 18))
    exact = check_plan(data, plan_of(sessions, unassigned_officers=["ALP-0019", "ALP-0020"]))
    assert exact.warnings == []
    wrong = check_plan(data, plan_of(sessions, unassigned_officers=["ALP-0001", "ALP-0019"]))
    assert [w.message for w in wrong.warnings] == [
        "unassigned_officers lists 1 officers who attend a session: ALP-0001",
        "unassigned_officers misses 1 officers without a session: ALP-0020",
    ]
    assert wrong.valid


# ----- odd plans, unknown ids, report shape ------------------------------------------------
def test_empty_plan_breaks_counts_only() -> None:
    report = check_plan(build(tiny()), plan_of([]))
    assert rules_of(report.violations) == {"counts"}
    assert report.metrics["max_trainer_sessions"] == 0
    assert report.metrics["cost_eur"] == 0


def test_odd_plans_do_not_crash() -> None:
    empty = session("alpha-01", "alpha", "alpha-hall", june(1), [], [], [])
    twice = [empty, empty.model_copy(), *base()]
    report = check_plan(build(tiny()), plan_of(twice))
    assert {"trainer_count", "ngo_count", "seats", "venue_clash", "region_per_day"} <= rules_of(
        report.violations
    )
    assert report.valid is False


def test_unknown_ids_are_a_plan_file_error() -> None:
    plan = plan_of(edit(base(), "alpha-01", trainers=["t99"]))
    with pytest.raises(PlanFileError, match="unknown trainer 't99'"):
        check_plan(build(tiny()), plan)


def test_report_json_has_the_spec_shape() -> None:
    dicts = tiny()
    beta_far_west(dicts)
    report = check_plan(
        build(dicts), plan_of(edit(base(), "beta-01", trainers=["t01"], date=june(2)))
    )
    document = report.to_json()
    assert {"valid", "violations", "warnings", "metrics"} <= set(document)
    assert document["valid"] is False
    assert document["violations"] == [
        {
            "rule": "travel",
            "session": "beta-01",
            "who": "t01",
            "date": "2009-06-02",
            "message": report.violations[0].message,
            "subject": "t01",
        }
    ]
    assert report.counts_by_rule() == {"travel": 1}
    assert document["counts_by_rule"] == {"travel": 1}


# ----- coordinator edits (mutation test) -----------------------------------------------------
def programme() -> dict[str, Any]:
    """Two sessions a region on 1 and 2 June, beta far west, Ukrainian holidays, t01 on leave
    on 3 June, 10-seat halls with 9 officers each so two officers a region are spare."""
    dicts = tiny()
    beta_far_west(dicts)
    constraints(
        calendar__holidays="UA",
        sessions__max_total=4,
        sessions__per_region={"min": 2, "max": 2},
        sessions__officers={"min": 8, "max": 10},
    )(dicts)
    for region_dict in dicts["regions"]["regions"]:
        region_dict["venues"][0]["capacity"] = 10
    trainer(0, unavailable=["2009-06-03"])(dicts)
    return dicts


def programme_plan() -> Plan:
    sessions = [
        session(
            "alpha-01", "alpha", "alpha-hall", june(1), ["t01"], ["alpha-ngo"], ids("ALP", 1, 9)
        ),
        session(
            "alpha-02", "alpha", "alpha-hall", june(2), ["t01"], ["alpha-ngo2"], ids("ALP", 10, 18)
        ),
        session("beta-01", "beta", "beta-hall", june(1), ["t02"], ["beta-ngo"], ids("BET", 1, 9)),
        session(
            "beta-02", "beta", "beta-hall", june(2), ["t02"], ["beta-ngo2"], ids("BET", 10, 18)
        ),
    ]
    spare = ["ALP-0019", "ALP-0020", "BET-0019", "BET-0020"]
    return plan_of(sessions, unassigned_officers=spare)


def move_to_holiday(plan: Plan) -> Plan:
    return plan_of(edit(plan.sessions, "alpha-02", date=june(8)))


def move_to_leave_day(plan: Plan) -> Plan:
    return plan_of(edit(plan.sessions, "alpha-02", date=june(3)))


def overfill(plan: Plan) -> Plan:
    return plan_of(
        edit(plan.sessions, "alpha-01", officers=[*ids("ALP", 1, 9), "ALP-0019", "ALP-0020"])
    )


def duplicate_officer(plan: Plan) -> Plan:
    return plan_of(edit(plan.sessions, "alpha-01", officers=[*ids("ALP", 1, 9), "ALP-0010"]))


def foreign_ngo(plan: Plan) -> Plan:
    return plan_of(edit(plan.sessions, "alpha-01", ngos=["beta-ngo2"]))


def far_regions_on_consecutive_days(plan: Plan) -> Plan:
    return plan_of(
        edit(edit(plan.sessions, "alpha-02", trainers=["t02"]), "beta-02", trainers=["t01"])
    )


MUTATIONS = [
    (move_to_holiday, "calendar"),
    (move_to_leave_day, "trainer_unavailable"),
    (overfill, "seats"),
    (duplicate_officer, "officer_once"),
    (foreign_ngo, "ngo_region"),
    (far_regions_on_consecutive_days, "travel"),
]


def test_programme_plan_is_valid_without_warnings() -> None:
    report = check_plan(build(programme()), programme_plan())
    assert report.valid
    assert report.warnings == []


@pytest.mark.parametrize(("mutate", "rule"), MUTATIONS, ids=lambda m: getattr(m, "__name__", m))
def test_coordinator_edit_fires_the_right_rule(mutate: Callable[[Plan], Plan], rule: str) -> None:
    report = check_plan(build(programme()), mutate(programme_plan()))
    assert rules_of(report.violations) == {rule}


def _solver_solve() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("trafficplan.solver")
    except ImportError:
        return None
    return getattr(module, "solve", None)


def _shipped_mutations(data: ProblemData, plan: Plan) -> list[tuple[str, Plan]]:
    """Each coordinator edit applied to a solved plan of any data, with the rule it breaks."""
    sessions = sorted(plan.sessions, key=lambda s: (s.date, s.id))
    first = sessions[0]
    edits: list[tuple[str, Plan]] = []
    holidays = [d for d in data.calendar.public_holidays if not data.calendar.is_working_day(d)]
    if holidays:
        edits.append(("calendar", plan_of(edit(sessions, first.id, date=holidays[0]))))
    for s in sessions:
        leave = [
            day
            for span in data.trainer_by_id[s.trainers[0]].unavailable
            for day in span.days()
            if data.calendar.is_working_day(day)
        ]
        if leave:
            edits.append(("trainer_unavailable", plan_of(edit(sessions, s.id, date=leave[0]))))
            break
    same_region = [
        o for s in sessions if s.region == first.region and s is not first for o in s.officers
    ]
    _, most = data.seat_range(first.venue)
    extra = same_region[: most + 1 - len(first.officers)]
    edits.append(("seats", plan_of(edit(sessions, first.id, officers=first.officers + extra))))
    edits.append(
        (
            "officer_once",
            plan_of(edit(sessions, first.id, officers=[*first.officers[1:], same_region[0]])),
        )
    )
    foreign = next(n.id for r in data.regions if r.id != first.region for n in r.ngos)
    edits.append(("ngo_region", plan_of(edit(sessions, first.id, ngos=[foreign]))))
    travel = data.constraints.trainers.travel
    far = next(
        s
        for s in sessions
        if s.region != first.region
        and data.venue_road_km(first.venue, s.venue) > travel.same_evening_km
    )
    moved = edit(sessions, far.id, date=first.date + timedelta(days=1), trainers=first.trainers)
    edits.append(("travel", plan_of(moved)))
    return edits


@pytest.mark.slow
def test_coordinator_edits_of_the_solved_shipped_plan() -> None:
    solve = _solver_solve()
    if solve is None:
        pytest.skip("the solver is not there yet")
    if not SHIPPED_DATA.is_dir():
        pytest.skip("no shipped data folder yet")
    from trafficplan.solver.api import SolveOptions

    data = load_data(SHIPPED_DATA)
    result = solve(data, SolveOptions(time_limit=60, seed=0, workers=2))
    assert result.plan is not None
    report = check_plan(data, result.plan)
    assert report.violations == []
    assert report.warnings == []  # the solver's claims agree with what its plan holds
    for rule, mutated in _shipped_mutations(data, result.plan):
        assert rule in rules_of(check_plan(data, mutated).violations), rule


# ----- property test -----------------------------------------------------------------------
TINY = build(tiny())
VENUES = sorted(TINY.venue_by_id)
NGOS = sorted(TINY.ngo_by_id)
OFFICERS = sorted(TINY.officer_by_id)


@st.composite
def random_sessions(draw: st.DrawFn) -> list[PlanSession]:
    count = draw(st.integers(min_value=0, max_value=5))
    sessions = []
    for index in range(count):
        region_id = draw(st.sampled_from(["alpha", "beta"]))
        sessions.append(
            session(
                draw(st.sampled_from([f"s{index}", "dup"])),
                region_id,
                draw(st.sampled_from(VENUES)),
                draw(st.dates(min_value=date(2009, 5, 25), max_value=date(2009, 6, 20))),
                draw(st.lists(st.sampled_from(["t01", "t02"]), max_size=3)),
                draw(st.lists(st.sampled_from(NGOS), max_size=3)),
                draw(st.lists(st.sampled_from(OFFICERS), max_size=25)),
            )
        )
    return sessions


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sessions=random_sessions(),
    frozen=st.none() | st.dates(min_value=date(2009, 5, 30), max_value=date(2009, 6, 14)),
    unassigned=st.lists(st.sampled_from(OFFICERS), max_size=5),
)
def test_random_plans_never_crash_the_checker(
    sessions: list[PlanSession], frozen: date | None, unassigned: list[str]
) -> None:
    report = check_plan(
        TINY, plan_of(sessions, frozen_before=frozen, unassigned_officers=unassigned)
    )
    assert isinstance(report, CheckReport)
    assert report.valid == (report.violations == [])
    assert rules_of(report.violations) <= set(SPEC_RULE_IDS)
    assert rules_of(report.warnings) <= {*SPEC_RULE_IDS, "inputs", "metrics"}
    assert report.metrics["sessions"] == len(sessions)
    assert sum(report.counts_by_rule().values()) == len(report.violations)
    document = report.to_json()
    assert len(document["violations"]) == len(report.violations)
