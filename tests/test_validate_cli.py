"""``trafficplan validate`` and the data diagnostics behind it.

Every diagnostic gets a tiny instance that breaks exactly what it checks, and must stay silent
on the clean tiny instance. The tiny instance (see ``datafactory.tiny``): regions alpha and
beta, 20 officers each in two districts of 10, one 20-seat venue and two NGOs each, trainers
t01 (home alpha, 100 EUR/day) and t02 (home beta, 120 EUR/day), 10 working days
2009-06-01..2009-06-12, one session a region, 10-20 officers a session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import SHIPPED_DATA
from datafactory import officers_csv, tiny, write_data
from trafficplan.cli import app
from trafficplan.diagnostics.prechecks import Finding, diagnose, district_day_cap
from trafficplan.inputs import RawData, build_data, load_data

runner = CliRunner()
Mutation = Callable[[dict[str, Any]], None]


def region(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return data["regions"]["regions"][index]


def trainer(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return data["trainers"]["trainers"][index]


def sessions(data: dict[str, Any]) -> dict[str, Any]:
    return data["constraints"]["sessions"]


def alpha_runs(count: int, officers_min: int | None = None) -> Mutation:
    """Alpha must run ``count`` sessions (beta keeps one); optionally a smaller officers.min."""

    def mutate(data: dict[str, Any]) -> None:
        region(data)["sessions"] = {"min": count, "max": count}
        sessions(data)["max_total"] = count + 1
        if officers_min is not None:
            sessions(data)["officers"]["min"] = officers_min

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)

    return mutate


def fixed(*entries: dict[str, Any]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        sessions(data)["fixed"] = list(entries)

    return mutate


def json_validate(folder: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["validate", "--data", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def tiny_with(tmp_path: Path, mutate: Mutation | None = None) -> Path:
    data = tiny()
    if mutate is not None:
        mutate(data)
    return write_data(tmp_path / "data", data)


E, W = "error", "warning"

DIAGNOSTICS = [
    pytest.param(
        lambda d: sessions(d).update(per_region={"min": 2, "max": 2}, max_total=3),
        [
            (
                E,
                "counts",
                "sessions.max_total",
                "the regions need at least 4 sessions in all "
                "(their minimum and fixed sessions) but sessions.max_total is 3",
            ),
        ],
        id="minimum-sessions-above-max_total",
    ),
    pytest.param(
        alpha_runs(3),
        [
            (
                E,
                "seats",
                "alpha",
                "region alpha needs at least 3 sessions of at least 10 "
                "officers (30 officers) but has only 20 officers",
            ),
        ],
        id="too-few-officers-for-the-minimum-sessions",
    ),
    pytest.param(
        lambda d: [o.update(unavailable="2009-06-01..2009-06-12") for o in d["officers"][:15]],
        [
            (
                E,
                "officer_unavailable",
                "alpha",
                "region alpha needs at least 10 officers "
                "(1 session x 10) but only 5 of its 20 officers are free on some working day",
            ),
        ],
        id="officers-away-all-window-leave-too-few",
    ),
    pytest.param(
        lambda d: d["officers"][0].update(unavailable="2009-05-20..2009-06-30"),
        [
            (
                W,
                "officer_unavailable",
                "alpha",
                "1 officer of region alpha is unavailable on "
                "every working day of the window and cannot be trained",
            ),
        ],
        id="one-officer-away-all-window",
    ),
    pytest.param(
        lambda d: d["constraints"]["officers"].update(max_district_share_per_day=0.2),
        [
            (
                E,
                "district_share",
                "alpha",
                "at most 4 officers of region alpha may attend on "
                "any one day (officers.max_district_share_per_day 0.2 of each district), fewer "
                "than officers.min 10",
            ),
            (
                E,
                "district_share",
                "beta",
                "at most 4 officers of region beta may attend on any "
                "one day (officers.max_district_share_per_day 0.2 of each district), fewer than "
                "officers.min 10",
            ),
        ],
        id="district-share-below-a-session",
    ),
    pytest.param(
        lambda d: region(d)["venues"][0].update(capacity=15),
        [
            (
                W,
                "seats",
                "alpha",
                "region alpha has 20 officers but at most 1 session x 15 "
                "seats = 15 seats: 5 cannot be trained",
            ),
        ],
        id="fewer-seats-than-officers",
    ),
    pytest.param(
        lambda d: region(d).update(venues=[]),
        [(E, "counts", "alpha", "region alpha needs at least 1 session but has no venue")],
        id="region-without-venue",
    ),
    pytest.param(
        lambda d: region(d)["venues"][0].update(capacity=8),
        [
            (
                E,
                "seats",
                "alpha",
                "no venue of region alpha seats officers.min 10 officers "
                "(largest: alpha-hall, 8 seats)",
            ),
        ],
        id="only-venue-too-small",
    ),
    pytest.param(
        lambda d: region(d)["venues"].append({"id": "alpha-room", "name": "Room", "capacity": 8}),
        [
            (
                W,
                "seats",
                "alpha-room",
                "venue alpha-room (region alpha) has 8 seats, fewer "
                "than officers.min 10: no session can take place there",
            ),
        ],
        id="second-venue-too-small",
    ),
    pytest.param(
        both(
            alpha_runs(3, officers_min=5),
            lambda d: d["constraints"].update(window={"start": "2009-06-01", "end": "2009-06-02"}),
        ),
        [
            (
                E,
                "calendar",
                "alpha",
                "region alpha needs 3 sessions but the window has 2 "
                "working days and at most 1 a day in a region (sessions.max_per_region_per_day)",
            ),
        ],
        id="fewer-working-days-than-sessions",
    ),
    pytest.param(
        both(
            alpha_runs(2),
            lambda d: region(d)["venues"][0].update(unavailable=["2009-06-01..2009-06-11"]),
        ),
        [
            (
                E,
                "venue_unavailable",
                "alpha",
                "region alpha needs 2 sessions but its venues can "
                "host only 1 on the working days they are free (one session a venue a day, at "
                "most 1 a day in a region)",
            ),
        ],
        id="venue-free-too-rarely",
    ),
    pytest.param(
        lambda d: region(d).update(ngos=[]),
        [
            (
                E,
                "ngo_count",
                "alpha",
                "region alpha needs 1 NGO a session (ngos.per_session) but has none",
            ),
        ],
        id="region-without-ngo",
    ),
    pytest.param(
        both(
            alpha_runs(3, officers_min=5),
            lambda d: [n.update(unavailable=["2009-06-02..2009-06-12"]) for n in region(d)["ngos"]],
        ),
        [
            (
                E,
                "ngo_unavailable",
                "alpha",
                "region alpha needs 3 NGO-days (3 sessions x 1) but "
                "its 2 NGOs can give at most 2 (free working days, at most 2 a week each)",
            ),
        ],
        id="ngos-free-too-rarely",
    ),
    pytest.param(
        both(
            alpha_runs(3, officers_min=5),
            lambda d: d["constraints"].update(window={"start": "2009-06-01", "end": "2009-06-05"}),
            lambda d: d["constraints"]["ngos"].update(max_per_week=1),
        ),
        [
            (
                E,
                "ngo_per_week",
                "alpha",
                "region alpha needs 3 NGO-days (3 sessions x 1) but "
                "its 2 NGOs can give at most 2 (free working days, at most 1 a week each)",
            ),
        ],
        id="ngo-weekly-limit-too-low",
    ),
    pytest.param(
        lambda d: [trainer(d, i).update(regions=["beta"]) for i in (0, 1)],
        [
            (
                E,
                "trainer_count",
                "alpha",
                "region alpha needs 1 trainer a session "
                "(trainers.per_session) but no trainer may teach there (trainers' regions)",
            ),
        ],
        id="no-trainer-may-teach-in-region",
    ),
    pytest.param(
        both(
            alpha_runs(2),
            lambda d: trainer(d, 0).update(regions=["alpha"], max_sessions=1),
            lambda d: trainer(d, 1).update(regions=["beta"]),
        ),
        [
            (
                E,
                "trainer_count",
                "alpha",
                "region alpha needs 2 trainer-days but the 1 trainer "
                "who may teach there can give at most 1 in the window",
            ),
        ],
        id="region-trainers-short-of-days",
    ),
    pytest.param(
        both(
            lambda d: trainer(d, 0).update(max_sessions=1),
            lambda d: trainer(d, 1).update(max_sessions=0),
        ),
        [
            (
                E,
                "trainer_count",
                "trainers",
                "the required sessions need at least 2 "
                "trainer-days but the 2 trainers can give at most 1 in the window (free working "
                "days, max_sessions, 3 a week, 2 days in a row)",
            ),
            (
                W,
                "trainer_max_sessions",
                "t02",
                "trainer t02 has max_sessions 0 and can lead no session",
            ),
        ],
        id="all-trainers-short-of-days",
    ),
    pytest.param(
        both(
            alpha_runs(5, officers_min=4),
            lambda d: trainer(d, 0).update(regions=["alpha"]),
            lambda d: trainer(d, 1).update(regions=["beta"]),
            lambda d: d["constraints"]["trainers"].update(max_consecutive_days=1),
            lambda d: d["constraints"]["ngos"].update(max_per_week=5),
            lambda d: d["constraints"].update(window={"start": "2009-06-01", "end": "2009-06-07"}),
        ),
        [
            # Mon-Fri with no two days in a row: at most Mon, Wed, Fri
            (
                E,
                "trainer_count",
                "alpha",
                "region alpha needs 5 trainer-days but the 1 trainer "
                "who may teach there can give at most 3 in the window",
            ),
        ],
        id="consecutive-days-limit-caps-trainer",
    ),
    pytest.param(
        lambda d: trainer(d, 1).update(regions=[], unavailable=["2009-06-01..2009-06-12"]),
        [
            (W, "trainer_region", "t02", "trainer t02 may teach in no region (regions: [])"),
            (
                W,
                "trainer_unavailable",
                "t02",
                "trainer t02 is unavailable on every working day of the window",
            ),
        ],
        id="trainer-who-can-never-teach",
    ),
    pytest.param(
        fixed({"region": "alpha", "date": "2009-06-06"}),
        [
            (
                E,
                "calendar",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-06) falls on a Saturday, not a working weekday",
            ),
        ],
        id="fixed-on-a-weekend",
    ),
    pytest.param(
        fixed({"region": "alpha", "date": "2009-06-15"}),
        [
            (
                E,
                "calendar",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-15) is outside the window 2009-06-01..2009-06-12",
            ),
        ],
        id="fixed-outside-the-window",
    ),
    pytest.param(
        both(
            lambda d: d["constraints"]["calendar"].update(closed=["2009-06-03"]),
            fixed({"region": "alpha", "date": "2009-06-03"}),
        ),
        [
            (
                E,
                "calendar",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) falls on a closed date (calendar.closed)",
            ),
        ],
        id="fixed-on-a-closed-day",
    ),
    pytest.param(
        both(
            lambda d: region(d)["venues"][0].update(unavailable=["2009-06-03"]),
            fixed({"region": "alpha", "date": "2009-06-03", "venue": "alpha-hall"}),
        ),
        [
            (
                E,
                "venue_unavailable",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) "
                "is at venue alpha-hall, which is unavailable that day",
            ),
        ],
        id="fixed-at-an-unavailable-venue",
    ),
    pytest.param(
        both(
            lambda d: region(d)["venues"][0].update(unavailable=["2009-06-03"]),
            fixed({"region": "alpha", "date": "2009-06-03"}),
        ),
        [
            (
                E,
                "venue_unavailable",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) "
                "has no venue: every venue of region alpha that seats officers.min is unavailable "
                "that day",
            ),
        ],
        id="fixed-when-no-venue-is-free",
    ),
    pytest.param(
        both(
            lambda d: trainer(d, 0).update(unavailable=["2009-06-03"]),
            fixed({"region": "alpha", "date": "2009-06-03", "trainers": ["t01"]}),
        ),
        [
            (
                E,
                "trainer_unavailable",
                "sessions.fixed.0",
                "fixed session 0 (alpha, "
                "2009-06-03) names trainer t01, who is unavailable that day",
            ),
        ],
        id="fixed-names-an-absent-trainer",
    ),
    pytest.param(
        both(
            lambda d: trainer(d, 0).update(regions=["beta"]),
            fixed({"region": "alpha", "date": "2009-06-03", "trainers": ["t01"]}),
        ),
        [
            (
                E,
                "trainer_region",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) names trainer t01, who may not teach in alpha",
            ),
        ],
        id="fixed-names-a-trainer-not-allowed-there",
    ),
    pytest.param(
        fixed({"region": "alpha", "date": "2009-06-03", "trainers": ["t01", "t02"]}),
        [
            (
                E,
                "trainer_count",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) names "
                "2 trainers but a session has exactly 1 (trainers.per_session)",
            ),
        ],
        id="fixed-names-too-many-trainers",
    ),
    pytest.param(
        both(
            lambda d: [trainer(d, i).update(unavailable=["2009-06-03"]) for i in (0, 1)],
            fixed({"region": "alpha", "date": "2009-06-03"}),
        ),
        [
            (
                E,
                "trainer_unavailable",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) needs 1 trainer but no trainer who may "
                "teach in alpha is free that day",
            ),
        ],
        id="fixed-when-no-trainer-is-free",
    ),
    pytest.param(
        both(
            lambda d: [n.update(unavailable=["2009-06-03"]) for n in region(d)["ngos"]],
            fixed({"region": "alpha", "date": "2009-06-03"}),
        ),
        [
            (
                E,
                "ngo_unavailable",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) "
                "needs 1 NGO but none of region alpha's NGOs is free that day",
            ),
        ],
        id="fixed-when-no-ngo-is-free",
    ),
    pytest.param(
        both(
            lambda d: [o.update(unavailable="2009-06-03") for o in d["officers"][:11]],
            fixed({"region": "alpha", "date": "2009-06-03"}),
        ),
        [
            (
                E,
                "officer_unavailable",
                "sessions.fixed.0",
                "fixed session 0 (alpha, "
                "2009-06-03) needs at least 10 officers but only 9 of region alpha are free that "
                "day",
            ),
        ],
        id="fixed-when-too-few-officers-are-free",
    ),
    pytest.param(
        both(
            # districts of 10 at share 0.5: 5 a district a day; 6 of alpha-north are away
            lambda d: d["constraints"]["officers"].update(max_district_share_per_day=0.5),
            lambda d: [o.update(unavailable="2009-06-03") for o in d["officers"][0:12:2]],
            fixed({"region": "alpha", "date": "2009-06-03"}),
        ),
        [
            (
                E,
                "district_share",
                "sessions.fixed.0",
                "fixed session 0 (alpha, 2009-06-03) "
                "needs at least 10 officers but the district share allows only 9 of region alpha "
                "that day",
            ),
        ],
        id="fixed-when-district-share-leaves-too-few",
    ),
    pytest.param(
        both(
            lambda d: sessions(d).update(per_region={"min": 1, "max": 2}, max_total=4),
            fixed(
                {"region": "alpha", "date": "2009-06-03"}, {"region": "alpha", "date": "2009-06-03"}
            ),
        ),
        [
            (
                E,
                "region_per_day",
                "alpha",
                "region alpha has 2 fixed sessions on 2009-06-03 but "
                "at most 1 a day (sessions.max_per_region_per_day)",
            ),
        ],
        id="two-fixed-same-region-same-day",
    ),
    pytest.param(
        both(
            lambda d: sessions(d).update(
                per_region={"min": 1, "max": 2}, max_total=4, max_per_region_per_day=2
            ),
            fixed(
                {"region": "alpha", "date": "2009-06-03", "venue": "alpha-hall"},
                {"region": "alpha", "date": "2009-06-03", "venue": "alpha-hall"},
            ),
        ),
        [
            (
                E,
                "venue_clash",
                "alpha-hall",
                "venue alpha-hall has 2 fixed sessions on 2009-06-03 but hosts at most one a day",
            ),
        ],
        id="two-fixed-same-venue-same-day",
    ),
    pytest.param(
        fixed(
            {"region": "alpha", "date": "2009-06-03", "trainers": ["t01"]},
            {"region": "beta", "date": "2009-06-03", "trainers": ["t01"]},
        ),
        [
            (
                E,
                "trainer_per_day",
                "t01",
                "trainer t01 is named in 2 fixed sessions on "
                "2009-06-03 but leads at most one a day",
            ),
        ],
        id="one-trainer-in-two-fixed-same-day",
    ),
    pytest.param(
        both(
            lambda d: sessions(d).update(max_total=3),
            fixed(
                {"region": "alpha", "date": "2009-06-03"}, {"region": "alpha", "date": "2009-06-05"}
            ),
        ),
        [
            (
                E,
                "counts",
                "alpha",
                "region alpha has 2 fixed sessions but at most 1 session (its sessions.max)",
            ),
        ],
        id="more-fixed-than-region-maximum",
    ),
    pytest.param(
        lambda d: d["constraints"].update(budget_eur=50),
        [
            (
                E,
                "budget",
                "budget_eur",
                "budget_eur 50.00 EUR is below the cheapest possible "
                "cost of the 2 required sessions, 220.00 EUR (each with the cheapest trainer who "
                "may teach there: day rate plus travel from home)",
            ),
        ],
        id="budget-below-day-rates",
    ),
    pytest.param(
        both(
            # t02 must travel 2 x 78.05 road km to alpha at 0.20 EUR/km: 151.22 + 120.00
            lambda d: d["constraints"].update(budget_eur=270),
            lambda d: trainer(d, 0).update(regions=["beta"]),
        ),
        [
            (
                E,
                "budget",
                "budget_eur",
                "budget_eur 270.00 EUR is below the cheapest possible "
                "cost of the 2 required sessions, 271.22 EUR (each with the cheapest trainer who "
                "may teach there: day rate plus travel from home)",
            ),
        ],
        id="budget-below-day-rates-and-travel",
    ),
    pytest.param(
        lambda d: d["constraints"].update(window={"start": "2009-06-06", "end": "2009-06-07"}),
        [
            (
                E,
                "calendar",
                "window",
                "the window 2009-06-06..2009-06-07 has no working day but 2 sessions are required",
            ),
        ],
        id="window-without-working-day",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), DIAGNOSTICS)
def test_each_diagnostic_fires_on_the_instance_that_breaks_it(
    tmp_path: Path, mutate: Mutation, expected: list[tuple[str, str, str, str]]
) -> None:
    folder = tiny_with(tmp_path, mutate)
    findings = [(f.severity, f.rule, f.subject, f.message) for f in diagnose(load_data(folder))]
    assert findings == expected
    # and validate --json reports exactly these, still exiting 0
    document = json_validate(folder)
    assert document["findings"] == [
        {"rule": rule, "severity": severity, "message": message, "subject": subject}
        for severity, rule, subject, message in expected
    ]
    assert document["can_work"] is not any(severity == E for severity, *_ in expected)


def test_clean_tiny_instance_has_no_findings(tiny_folder: Path) -> None:
    assert diagnose(load_data(tiny_folder)) == []


def test_budget_exactly_at_the_cheapest_cost_is_fine(tmp_path: Path) -> None:
    folder = tiny_with(tmp_path, lambda d: d["constraints"].update(budget_eur=220))
    assert diagnose(load_data(folder)) == []


def test_errors_come_before_warnings(tmp_path: Path) -> None:
    folder = tiny_with(
        tmp_path,
        both(
            lambda d: trainer(d, 1).update(regions=[]),  # a warning, found late
            lambda d: region(d, 1).update(ngos=[]),  # an error, found earlier
            lambda d: region(d)["venues"][0].update(capacity=15),  # a warning, found first
        ),
    )
    assert [(f.severity, f.rule) for f in diagnose(load_data(folder))] == [
        ("error", "ngo_count"),
        ("warning", "seats"),
        ("warning", "trainer_region"),
    ]


@pytest.mark.parametrize(
    ("share", "size", "cap"),
    [
        ("0.34", 10, 3),
        ("0.35", 180, 63),
        ("0.34", 2, 1),
        ("0.01", 50, 1),
        ("1", 7, 7),
        ("0.5", 0, 0),
    ],
)
def test_district_day_cap_is_exact_decimal(share: str, size: int, cap: int) -> None:
    from decimal import Decimal

    assert district_day_cap(Decimal(share), size) == cap


def test_finding_is_plain_data() -> None:
    finding = Finding("seats", "warning", "a message", "alpha")
    assert finding.to_dict() == {
        "rule": "seats",
        "severity": "warning",
        "message": "a message",
        "subject": "alpha",
    }


# ----- the command -------------------------------------------------------------------------------
def test_validate_clean_tiny_prints_summary(tiny_folder: Path) -> None:
    result = runner.invoke(app, ["validate", "--data", str(tiny_folder)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Regions" in out and "alpha-hall (20)" in out and "Trainers" in out
    assert "Window 2009-06-01..2009-06-12: 10 working days (Mon-Fri)" in out
    assert "Public holidays: none (calendar.holidays is null)" in out
    assert "Seats 40 in at most 2 sessions (10-20 officers a session, max_total 2) for 40" in out
    assert "Cannot work" not in out and "Warnings" not in out
    assert out.rstrip().endswith("The data are valid.")
    assert result.stderr == ""


def test_validate_shows_errors_as_cannot_work_and_still_exits_0(tmp_path: Path) -> None:
    folder = tiny_with(tmp_path, lambda d: region(d).update(ngos=[]))
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Cannot work (no plan can exist while these stand):" in lines
    assert (
        "  ✗ ngo_count: region alpha needs 1 NGO a session (ngos.per_session) but has none" in lines
    )
    assert lines[-1] == "The data are valid but cannot work: 1 error, 0 warnings."


def test_validate_shows_warnings(tmp_path: Path) -> None:
    folder = tiny_with(tmp_path, lambda d: region(d)["venues"][0].update(capacity=15))
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Warnings:" in lines
    assert lines[-1] == "The data are valid with 1 warning."


def test_validate_json_summary(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        trainer(data, 0).update(regions=["alpha"], unavailable=["2009-06-01..2009-06-03"])
        trainer(data, 1).update(max_sessions=4)
        # 2009-06-07 is Trinity Sunday in Ukraine, observed on Monday 2009-06-08
        data["constraints"]["calendar"]["holidays"] = "UA"

    document = json_validate(tiny_with(tmp_path, mutate))
    assert document["valid"] is True and document["can_work"] is True
    assert document["officers"] == 40 and document["ngos"] == 4
    assert document["regions"][0] == {
        "id": "alpha",
        "name": "Alpha",
        "districts": 2,
        "officers": 20,
        "venues": [{"id": "alpha-hall", "capacity": 20}],
        "ngos": 2,
        "sessions": {"min": 1, "max": 1},
        "best_session_seats": 20,
    }
    t01, t02 = document["trainers"]
    assert t01["regions"] == ["alpha"] and t01["leave_working_days"] == 3
    assert t01["unavailable"] == ["2009-06-01..2009-06-03"]
    assert t02["regions"] is None and t02["max_sessions"] == 4
    calendar = document["calendar"]
    assert calendar["working_days"] == 9
    assert calendar["first_working_day"] == "2009-06-01"
    assert calendar["last_working_day"] == "2009-06-12"
    assert [h["date"] for h in calendar["public_holidays"]] == ["2009-06-07", "2009-06-08"]
    assert [h["weekday"] for h in calendar["public_holidays"]] == ["Sun", "Mon"]
    assert document["seats"] == {"sessions": 2, "seats": 40, "officers": 40}
    assert set(document["inputs"]["sha256"]) == {
        "regions.yaml",
        "trainers.yaml",
        "officers.csv",
        "constraints.yaml",
    }


def test_seats_are_capped_by_max_total(tmp_path: Path) -> None:
    # regions may run 3 sessions each (20 seats), but max_total allows 4 sessions in all
    def mutate(data: dict[str, Any]) -> None:
        sessions(data).update(per_region={"min": 1, "max": 3}, max_total=4)
        region(data, 1)["venues"][0]["capacity"] = 15

    document = json_validate(tiny_with(tmp_path, mutate))
    assert document["seats"] == {"sessions": 4, "seats": 20 + 20 + 20 + 15, "officers": 40}


def test_validate_json_on_invalid_data_exits_3(tmp_path: Path) -> None:
    folder = tiny_with(tmp_path, lambda d: region(d)["venues"][0].update(capacity=0))
    result = runner.invoke(app, ["validate", "--data", str(folder), "--json"])
    assert result.exit_code == 3
    assert json.loads(result.stdout) == {
        "valid": False,
        "data": str(folder),
        "errors": [
            {
                "file": "regions.yaml",
                "place": "regions.alpha.venues.alpha-hall.capacity",
                "message": "must be at least 1, got 0",
            }
        ],
    }
    assert result.stderr.splitlines() == [
        "Error: regions.yaml: regions.alpha.venues.alpha-hall.capacity: must be at least 1, got 0"
    ]


def test_shipped_data_validates_without_findings() -> None:
    if not (SHIPPED_DATA / "constraints.yaml").is_file():
        pytest.skip("the shipped data folder is not present")
    document = json_validate(SHIPPED_DATA)
    assert document["findings"] == []
    assert document["calendar"]["working_days"] == 77
    assert document["officers"] == 1800
    assert len(document["regions"]) == 12
    assert document["seats"]["sessions"] == 72
    assert document["seats"]["seats"] >= document["officers"]


# ----- soundness: an error means no plan exists -----------------------------------------------
DAY0 = date(2009, 6, 1)


def _range_text(start: int, length: int) -> str:
    first = DAY0 + timedelta(days=start)
    return f"{first}..{first + timedelta(days=length)}"


def _window(draw: st.DrawFn, data: dict[str, Any]) -> None:
    data["constraints"]["window"]["end"] = str(DAY0 + timedelta(days=draw(st.integers(0, 11))))


def _session_counts(draw: st.DrawFn, data: dict[str, Any]) -> None:
    low = draw(st.integers(0, 3))
    data["constraints"]["sessions"].update(
        per_region={"min": low, "max": low + draw(st.integers(0, 1))},
        max_total=draw(st.one_of(st.none(), st.integers(0, 6))),
        max_per_region_per_day=draw(st.integers(1, 2)),
    )


def _session_size(draw: st.DrawFn, data: dict[str, Any]) -> None:
    smallest = draw(st.integers(5, 20))
    data["constraints"]["sessions"]["officers"] = {
        "min": smallest,
        "max": smallest + draw(st.integers(0, 10)),
    }


def _district_share(draw: st.DrawFn, data: dict[str, Any]) -> None:
    share = draw(st.sampled_from([0.2, 0.34, 0.5, 1]))
    data["constraints"]["officers"]["max_district_share_per_day"] = share


def _workload(draw: st.DrawFn, data: dict[str, Any]) -> None:
    data["constraints"]["trainers"].update(
        max_per_week=draw(st.integers(0, 3)), max_consecutive_days=draw(st.integers(1, 2))
    )
    data["constraints"]["ngos"].update(
        per_session=draw(st.integers(0, 2)), max_per_week=draw(st.integers(0, 2))
    )


def _budget(draw: st.DrawFn, data: dict[str, Any]) -> None:
    data["constraints"]["budget_eur"] = draw(st.integers(0, 500))


def _venues_and_ngos(draw: st.DrawFn, data: dict[str, Any]) -> None:
    each = data["regions"]["regions"][draw(st.integers(0, 1))]
    each["venues"][0]["capacity"] = draw(st.integers(5, 25))
    if draw(st.booleans()):
        each["venues"][0]["unavailable"] = [
            _range_text(draw(st.integers(0, 11)), draw(st.integers(0, 8)))
        ]
    each["ngos"] = each["ngos"][: draw(st.integers(0, 2))]
    for ngo in each["ngos"]:
        if draw(st.booleans()):
            ngo["unavailable"] = [_range_text(draw(st.integers(0, 11)), draw(st.integers(0, 8)))]


def _trainer(draw: st.DrawFn, data: dict[str, Any]) -> None:
    person = data["trainers"]["trainers"][draw(st.integers(0, 1))]
    person["regions"] = draw(
        st.one_of(st.none(), st.lists(st.sampled_from(["alpha", "beta"]), unique=True))
    )
    if draw(st.booleans()):
        person["unavailable"] = [_range_text(draw(st.integers(0, 11)), draw(st.integers(0, 8)))]
    person["max_sessions"] = draw(st.one_of(st.none(), st.integers(0, 3)))


def _officers_away(draw: st.DrawFn, data: dict[str, Any]) -> None:
    away = _range_text(draw(st.integers(0, 11)), draw(st.integers(0, 11)))
    first = draw(st.sampled_from([0, 20]))  # alpha's or beta's officers
    for officer in data["officers"][first : first + draw(st.integers(1, 20))]:
        officer["unavailable"] = away


def _fixed(draw: st.DrawFn, data: dict[str, Any]) -> None:
    entries = []
    for _ in range(draw(st.integers(1, 2))):
        where = draw(st.sampled_from(["alpha", "beta"]))
        entry: dict[str, Any] = {
            "region": where,
            "date": str(DAY0 + timedelta(days=draw(st.integers(-2, 13)))),
        }
        if draw(st.booleans()):
            entry["venue"] = f"{where}-hall"
        if draw(st.booleans()):
            entry["trainers"] = draw(st.lists(st.sampled_from(["t01", "t02"]), unique=True))
        entries.append(entry)
    data["constraints"]["sessions"]["fixed"] = entries


PERTURBATIONS = [
    _window,
    _session_counts,
    _session_size,
    _district_share,
    _workload,
    _budget,
    _venues_and_ngos,
    _trainer,
    _officers_away,
    _fixed,
]


@st.composite
def small_instances(draw: st.DrawFn) -> dict[str, Any]:
    """The tiny instance with up to three random changes: some still work, many cannot."""
    data = tiny()
    for perturb in draw(st.lists(st.sampled_from(PERTURBATIONS), max_size=3)):
        perturb(draw, data)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=small_instances())
def test_an_error_finding_means_the_solver_finds_no_plan(instance: dict[str, Any]) -> None:
    solver = pytest.importorskip("trafficplan.solver.solve")
    from trafficplan.checker import check_plan
    from trafficplan.solver.api import SolveOptions

    raw = RawData(
        folder=Path("generated"),
        yaml={
            "regions.yaml": instance["regions"],
            "trainers.yaml": instance["trainers"],
            "constraints.yaml": instance["constraints"],
        },
        officers_text=officers_csv(instance["officers"]),
    )
    data = build_data(raw)
    errors = [f for f in diagnose(data) if f.severity == "error"]
    event("diagnosed: cannot work" if errors else "diagnosed: no error")
    if not errors:
        return
    result = solver.solve(data, SolveOptions(time_limit=20, workers=1))
    if result.plan is not None:
        report = check_plan(data, result.plan)
        # a plan the independent checker accepts would prove the diagnosis wrong
        assert not report.valid, [f.message for f in errors]
    assert result.status != "optimal" or result.plan is None
