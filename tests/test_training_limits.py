"""What keeps officers out of a solved plan: every reason names the binding rule with its
numbers, and applying the fix it quotes (the budget plus the amount short, one more seat, one
more session, one more session a trainer may lead) and solving again trains one more officer.

Instances are the tiny one (two regions of 20 officers, one session each) with one limit made
to bind; each solve is proven optimal in about a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from datafactory import tiny, write_data
from trafficplan.cli import app
from trafficplan.diagnostics.limits import training_limits
from trafficplan.diagnostics.officer import OfficerExplanation, explain_unassigned
from trafficplan.inputs import load_data
from trafficplan.plan import read_plan

runner = CliRunner()

Change = Callable[[dict[str, Any]], None]


def solved(tmp_path: Path, name: str, *changes: Change) -> tuple[dict[str, Any], Path, Path]:
    """Solve the tiny instance with the changes: the ``solve --json`` document, the data
    folder and the plan file."""
    data = tiny()
    for change in changes:
        change(data)
    folder = write_data(tmp_path / name / "data", data)
    plan = tmp_path / name / "plan.json"
    args = ["solve", "--data", str(folder), "--out", str(plan), "--json", "--workers", "1"]
    result = runner.invoke(app, [*args, "--time-limit", "30"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["status"] == "optimal"
    return document, folder, plan


def unassigned(folder: Path, plan: Path) -> list[OfficerExplanation]:
    return explain_unassigned(read_plan(plan), load_data(folder))


def trained(document: dict[str, Any]) -> int:
    return int(document["metrics"]["officers_trained"])


def catering_and_travel(data: dict[str, Any]) -> None:
    """Officers cost EUR 15 each (10 catering, 5 travel); alpha's session costs EUR 120
    without them (t01 at home, catering for t01 and the NGO), beta's EUR 140."""
    data["constraints"]["sessions"]["per_person_eur"] = 10
    data["constraints"]["officers"]["travel_eur"] = 5


def budget(eur: float) -> Change:
    def change(data: dict[str, Any]) -> None:
        data["constraints"]["budget_eur"] = eur

    return change


def seats(most: int) -> Change:
    def change(data: dict[str, Any]) -> None:
        data["constraints"]["sessions"]["officers"]["max"] = most

    return change


# ----- the budget --------------------------------------------------------------------------
def test_budget_reason_quotes_what_is_left_and_its_fix_lets_one_more_in(tmp_path: Path) -> None:
    # 807 = 260 for the two sessions + 36 officers x 15 + 7: EUR 7 left, a seat costs 15
    document, folder, plan = solved(tmp_path, "base", catering_and_travel, budget(807))
    assert trained(document) == 36
    explanations = unassigned(folder, plan)
    assert len(explanations) == 4
    shorts = set()
    for explanation in explanations:
        [limit] = explanation.limits
        assert (limit.kind, limit.rule) == ("budget", "budget")
        figures = limit.figures
        assert (figures["left_eur"], figures["cost_eur"], figures["short_eur"]) == (7, 15, 8)
        assert explanation.reason.startswith("budget: a free seat in ")
        assert (
            "costs EUR 15.00 more (catering and materials 10.00, officers' travel 5.00), but "
            "EUR 7.00 is left under budget_eur 807.00 (EUR 8.00 short; the plan costs "
            "EUR 800.00)" in explanation.reason
        )
        # one more session: the region's cap and the programme's, and the money
        assert "and is not allowed: counts: region " in explanation.reason
        assert "runs 1 of its max 1 sessions (sessions.per_region.max)" in explanation.reason
        assert "counts: the plan runs 2 of sessions.max_total 2 sessions" in explanation.reason
        shorts.add(figures["short_eur"])
    limits = training_limits(read_plan(plan), load_data(folder))
    assert limits is not None
    assert [tally.kind for tally in limits.tallies] == ["budget"]
    assert document["training_limits"] == limits.to_json()

    [short] = shorts
    fixed, _, _ = solved(tmp_path, "fixed", catering_and_travel, budget(807 + short))
    assert trained(fixed) == 37
    # a cent less is not enough: the quoted amount is what it takes
    not_quite, _, _ = solved(tmp_path, "cent", catering_and_travel, budget(807 + short - 0.01))
    assert trained(not_quite) == 36


def test_a_budget_with_money_left_is_not_named(tmp_path: Path) -> None:
    # EUR 15 left exactly pays one more seat, but the seats are full: the seats bind, not money
    document, folder, plan = solved(
        tmp_path, "base", catering_and_travel, seats(15), budget(260 + 30 * 15 + 15)
    )
    assert trained(document) == 30
    for explanation in unassigned(folder, plan):
        assert "budget" not in {limit.kind for limit in explanation.limits}
        assert "budget: one more seat" not in explanation.reason
        assert "seats: one more seat in " in explanation.reason
        # one more session is another matter: it costs more than the EUR 15 left
        assert explanation.reason.endswith("; budget: more than the EUR 15.00 left")
    assert "the budget" not in document["training_limits"]["line"]


def test_one_more_seat_short_of_money_names_both(tmp_path: Path) -> None:
    # full sessions and EUR 5 left: one more seat would also need EUR 10 more
    document, folder, plan = solved(
        tmp_path, "base", catering_and_travel, seats(15), budget(260 + 30 * 15 + 5)
    )
    assert trained(document) == 30
    [explanation, *_] = unassigned(folder, plan)
    kinds = [limit.kind for limit in explanation.limits]
    assert kinds[:2] == ["seats", "budget"]
    assert "budget: one more seat in " in explanation.reason
    assert "(EUR 10.00 short; the plan costs EUR 710.00)" in explanation.reason


# ----- seats, session caps, trainers -----------------------------------------------------
def test_full_seats_reason_and_its_fixes(tmp_path: Path) -> None:
    document, folder, plan = solved(tmp_path, "base", seats(15))
    assert trained(document) == 30
    explanations = unassigned(folder, plan)
    assert len(explanations) == 10
    for explanation in explanations:
        assert [limit.kind for limit in explanation.limits] == ["seats", "region_max", "max_total"]
        assert "closed to them (full on 1)" in explanation.reason
        region = explanation.officer.region
        assert (
            f"seats: one more seat in {region}-01 (15 of 15 seats: sessions.officers.max) "
            "would take them" in explanation.reason
        )
    line = document["training_limits"]["line"]
    assert line.startswith("officers_trained is 30 of 40, limited by full sessions for 10 ")
    assert "(one more seat would take them; 15 seats: sessions.officers.max)" in line
    assert "the regions' session caps for 10 officers (alpha 1 of 1, beta 1 of 1)" in line
    assert "sessions.max_total for 10 officers (2 of 2 sessions)" in line
    assert document["training_limits"]["untrained_districts"] == []

    # the seat: one more lets one more officer in (here one in each region)
    more_seats, _, _ = solved(tmp_path, "seat", seats(16))
    assert trained(more_seats) == 32

    # the counts: both caps named, both raised: a second session in each region
    def two_sessions(data: dict[str, Any]) -> None:
        data["constraints"]["sessions"]["per_region"]["max"] = 2
        data["constraints"]["sessions"]["max_total"] = 4

    more_sessions, _, _ = solved(tmp_path, "sessions", seats(15), two_sessions)
    assert trained(more_sessions) == 40


def test_trainers_capacity_reason_and_its_fix(tmp_path: Path) -> None:
    def one_session_each(data: dict[str, Any]) -> None:
        data["constraints"]["sessions"]["per_region"]["max"] = 2
        data["constraints"]["sessions"]["max_total"] = 4
        for trainer in data["trainers"]["trainers"]:
            trainer["max_sessions"] = 1

    document, folder, plan = solved(tmp_path, "base", seats(10), one_session_each)
    assert trained(document) == 20
    for explanation in unassigned(folder, plan):
        assert [limit.kind for limit in explanation.limits] == ["seats", "trainers"]
        assert (
            f"trainers: of the 2 trainer(s) who may teach in region {explanation.officer.region}, "
            "0 could lead another session (1 needed): they lead 2 of at most 2 sessions"
            in explanation.reason
        )
    assert (
        "the trainers' capacity for 20 officers (regions alpha, beta)"
        in (document["training_limits"]["line"])
    )

    def two_sessions_each(data: dict[str, Any]) -> None:
        for trainer in data["trainers"]["trainers"]:
            trainer["max_sessions"] = 2

    more, _, _ = solved(tmp_path, "more", seats(10), one_session_each, two_sessions_each)
    assert trained(more) > 20


def test_everyone_trained_has_no_limits(tmp_path: Path) -> None:
    document, folder, plan = solved(tmp_path, "base")
    assert trained(document) == 40
    assert document["training_limits"] is None
    assert training_limits(read_plan(plan), load_data(folder)) is None


# ----- the commands' words -----------------------------------------------------------------
BUDGET_LINE = (
    "officers_trained is 36 of 40, limited by the budget for 4 officers (EUR 7.00 left under "
    "budget_eur 807.00; one more officer in a free seat costs EUR 15.00; one more session is "
    "not allowed (their regions run their max sessions; the plan runs 2 of sessions.max_total "
    "2))."
)


def test_solve_prints_what_limits_officers_trained(tmp_path: Path) -> None:
    data = tiny()
    catering_and_travel(data)
    budget(807)(data)
    folder = write_data(tmp_path / "data", data)
    plan = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["solve", "--data", str(folder), "--out", str(plan), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert BUDGET_LINE in " ".join(result.stdout.split())

    # explain --officer and export's unassigned.csv give each officer the same words
    [first, *_] = unassigned(folder, plan)
    explained = runner.invoke(
        app,
        ["explain", "--data", str(folder), "--officer", first.officer.id, "--plan", str(plan)],
    )
    assert explained.exit_code == 0, explained.output
    words = " ".join(explained.stdout.split())
    assert "is not in the plan: budget: a free seat in " in words
    assert "but EUR 7.00 is left under budget_eur 807.00 (EUR 8.00 short" in words
    as_json = runner.invoke(
        app,
        [
            "explain", "--data", str(folder), "--officer", first.officer.id,
            "--plan", str(plan), "--json",
        ],
    )  # fmt: skip
    [limit] = json.loads(as_json.stdout)["limits"]
    assert (limit["kind"], limit["left_eur"], limit["short_eur"]) == ("budget", 7.0, 8.0)

    exported = runner.invoke(
        app, ["export", str(plan), "--data", str(folder), "--out", str(tmp_path / "out")]
    )
    assert exported.exit_code == 0, exported.output
    text = (tmp_path / "out" / "unassigned.csv").read_text(encoding="utf-8-sig")
    assert text.count("budget: a free seat in ") == 4
    assert "nothing kept them out" not in text


def test_solve_names_districts_with_nobody_trained(tmp_path: Path) -> None:
    # alpha-north's ten officers are away on every day of the window
    def north_away(data: dict[str, Any]) -> None:
        for officer in data["officers"][:20:2]:
            officer["unavailable"] = "2009-06-01..2009-06-12"

    document, folder, plan = solved(tmp_path, "base", north_away)
    limits = document["training_limits"]
    assert limits["untrained_districts"] == [
        {"district": "alpha-north", "region": "alpha", "officers": 10}
    ]
    # on leave every day: no seat and no session could take them, so no cap is named
    assert [tally["kind"] for tally in limits["limits"]] == ["days"]
    for explanation in unassigned(folder, plan):
        assert explanation.reason.endswith(
            "officer_unavailable: on leave on every working day the plan could still use"
        )
    assert limits["line"].endswith(
        "Districts with nobody trained: alpha-north (alpha, 10 officers)."
    )
    assert (
        "leave or the district's daily share on every session day for 10 officers"
        in (limits["line"])
    )


def test_whatif_says_what_limits_each_side(tmp_path: Path) -> None:
    data = tiny()
    catering_and_travel(data)
    budget(807)(data)
    folder = write_data(tmp_path / "data", data)
    args = ["whatif", "--data", str(folder), "--set", "budget_eur=815", "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    words = " ".join(result.stdout.split())
    assert f"Baseline: {BUDGET_LINE}" in words
    assert "Scenario: officers_trained is 37 of 40, limited by the budget for 3 officers " in words

    document = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert document["baseline"]["training_limits"]["line"] == BUDGET_LINE
    assert document["scenario"]["training_limits"]["officers_trained"] == 37
