"""Re-planning after attendance (issue: no-shows seated again without unseating anyone):
the levels' order, a proof on the shipped data, one figure for every place that reports a
change, and what would make room for the no-shows that could not be seated."""

from __future__ import annotations

import json
import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHIPPED_DATA
from datafactory import ALPHA, tiny, tiny_session, write_data
from trafficplan.cli import app
from trafficplan.inputs import load_data, read_raw
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan, read_plan
from trafficplan.scenarios.edits import build_scenario
from trafficplan.solver.replan import CHANGE_LEVELS
from trafficplan.solver.room import room_for_no_shows

runner = CliRunner()


def test_officers_dropped_come_before_officers_trained() -> None:
    # so that no rostered officer loses a seat to a no-show or to anyone else
    assert CHANGE_LEVELS.index("officers_dropped") < CHANGE_LEVELS.index("officers_trained")
    assert CHANGE_LEVELS.index("officers_trained") < CHANGE_LEVELS.index("reseated")
    assert CHANGE_LEVELS.index("reseated") < CHANGE_LEVELS.index("change_weight")


def greedy_reseated(data: ProblemData, plan: Plan, no_shows: list[str], since: date) -> int:
    """No-shows a plain pass seats in free seats of later sessions, moving no one: each in
    the first session of their region with a free seat, on a day they are free and their
    district has room."""
    sessions = sorted((s for s in plan.sessions if s.date >= since), key=lambda s: s.date)
    taken = {s.id: len(s.officers) for s in sessions}
    on_day: dict[tuple[str, date], int] = {}
    for session in plan.sessions:
        for officer_id in session.officers:
            key = (data.officer_by_id[officer_id].district, session.date)
            on_day[key] = on_day.get(key, 0) + 1
    seated = 0
    for officer_id in no_shows:
        officer = data.officer_by_id[officer_id]
        for session in sessions:
            key = (officer.district, session.date)
            if (
                session.region == officer.region
                and taken[session.id] < data.seat_range(session.venue)[1]
                and data.available(officer.unavailable, session.date)
                and on_day.get(key, 0) < data.district_day_cap(officer.district)
            ):
                taken[session.id] += 1
                on_day[key] = on_day.get(key, 0) + 1
                seated += 1
                break
    return seated


def test_a_replan_after_attendance_on_the_shipped_data_is_proven_and_moves_no_one_needlessly(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, folder)
    plan_file = tmp_path / "plan.json"
    solved = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(plan_file), "--json"])
    assert solved.exit_code == 0, solved.output
    published = read_plan(plan_file)
    # about one in ten absent in the sessions held in July and August
    rng = random.Random(7)
    rows, absent = [], []
    for session in published.sessions:
        if session.date < date(2008, 9, 1):
            for officer_id in session.officers:
                status = "absent" if rng.random() < 0.1 else "present"
                rows.append(f"{session.id},{officer_id},{status}")
                if status == "absent":
                    absent.append(officer_id)
    (folder / "attendance.csv").write_text(
        "session_id,officer_id,status\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    out = tmp_path / "new" / "plan.json"
    args = ["replan", str(plan_file), "--since", "2008-09-01", "--out", str(out)]
    args += ["--set", "sessions.officers.max=28", "--data", str(folder), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    levels = {o["name"]: o for o in document["replan_objectives"]}

    # every level proven, and the plan file says what the terminal and --json say
    assert document["status"] == "optimal"
    assert all(level["proven"] for level in levels.values())
    saved = {o.name: o.value for o in read_plan(out).replan_objectives}
    counts = document["counts"]
    for name in ("officers_dropped", "reseated", "change_weight", "officers_moved", "swaps"):
        assert saved[name] == levels[name]["value"] == counts[name], name
    # nobody rostered is dropped; at least as many no-shows seated as the plain pass seats
    edited, _ = build_scenario(read_raw(folder), ["sessions.officers.max=28"], [])
    greedy = greedy_reseated(edited, published, absent, date(2008, 9, 1))
    assert counts["officers_dropped"] == 0
    assert counts["reseated"] >= greedy >= 40
    # no session moves for it, and only a handful of officers change session
    assert counts["change_weight"] == 0 and counts["moved"] == 0
    assert counts["officers_moved"] <= counts["reseated"] - greedy
    checked = runner.invoke(app, ["check", str(out), "--data", str(folder), "--json"])
    assert checked.exit_code == 0, checked.output


def one_session_a_region_full() -> tuple[dict, Plan]:
    """alpha has two sessions (1 and 8 June); the second is full (20 of 20 seats)."""
    dicts = tiny()
    dicts["constraints"]["sessions"]["per_region"] = {"min": 1, "max": 2}
    sessions = [
        tiny_session("alpha-01", 1, "t01", ALPHA[:10], held=True),
        tiny_session("alpha-02", 8, "t01", ALPHA[10:20]),
    ]
    return dicts, Plan(status="feasible", sessions=sessions, frozen_before=date(2009, 6, 3))


def test_room_names_the_seats_that_would_seat_the_waiting_no_shows(tmp_path: Path) -> None:
    dicts, plan = one_session_a_region_full()
    dicts["regions"]["regions"][0]["venues"][0]["capacity"] = 30
    dicts["constraints"]["sessions"]["officers"]["max"] = 10
    dicts["constraints"]["officers"] = {"max_district_share_per_day": 1}
    data = load_data(write_data(tmp_path / "data", dicts))
    # three officers of alpha-01 did not come: alpha-02 has 10 of 10 seats taken
    [room] = room_for_no_shows(plan, data, {"ALP-0001", "ALP-0002", "ALP-0003"})
    assert (room.region, room.waiting, room.sessions) == ("alpha", 3, 1)
    assert room.more_seats == 3 and room.seated_at_most == 3
    assert room.more_sessions == 1
    words = room.sentence(10)
    assert "3 more seat(s) a session (sessions.officers.max 13 instead of 10)" in words
    assert "a session needs at least 10 officers: others would have to join them" in words


def test_room_says_when_no_seat_would_do_it(tmp_path: Path) -> None:
    dicts, plan = one_session_a_region_full()
    # the venue holds 20 and alpha-02 has 10 of alpha's district... but each district may
    # send only 5 a day: alpha-02 has 5 of each district already
    dicts["constraints"]["officers"] = {"max_district_share_per_day": 0.5}
    data = load_data(write_data(tmp_path / "data", dicts))
    [room] = room_for_no_shows(plan, data, {"ALP-0001", "ALP-0002"})
    assert room.more_seats is None and room.seated_at_most == 0
    assert "no number of extra seats" in room.sentence(20)
    # a district's share a day also limits new sessions: 1 of each district, 5 a day
    assert room.more_sessions == 1


def test_room_is_free_seats_enough_when_only_seats_are_missing(tmp_path: Path) -> None:
    dicts, plan = one_session_a_region_full()
    dicts["constraints"]["officers"] = {"max_district_share_per_day": 1}
    data = load_data(write_data(tmp_path / "data", dicts))
    # alpha-02 has 10 of 20 seats: the no-shows fit without any more
    [room] = room_for_no_shows(plan, data, {"ALP-0001"})
    assert room.more_seats == 0


@pytest.mark.parametrize("share", [1, 0.5])
def test_room_matches_a_brute_force_count(tmp_path: Path, share: float) -> None:
    dicts, plan = one_session_a_region_full()
    dicts["regions"]["regions"][0]["venues"][0]["capacity"] = 30
    dicts["constraints"]["officers"] = {"max_district_share_per_day": share}
    data = load_data(write_data(tmp_path / "data", dicts))
    waiting = {"ALP-0001", "ALP-0002", "ALP-0003", "ALP-0004"}
    [room] = room_for_no_shows(plan, data, waiting)
    # one later session: it takes as many as its seats and each district's day allow
    later = plan.sessions[1]
    cap = data.district_day_cap("alpha-north")
    fits = 0
    for district in ("alpha-north", "alpha-south"):
        there = sum(1 for o in later.officers if data.officer_by_id[o].district == district)
        wanting = sum(1 for o in waiting if data.officer_by_id[o].district == district)
        fits += max(0, min(wanting, cap - there))
    assert room.seated_at_most == min(fits, 30 - len(later.officers))


def test_a_replan_of_unchanged_data_keeps_the_data_s_order_of_objectives(tmp_path: Path) -> None:
    # cost first: the cheapest plan trains no one; re-planning must not add sessions to
    # train more (officers trained keeps its place after cost)
    dicts = tiny()
    dicts["constraints"]["sessions"]["per_region"] = {"min": 0, "max": 1}
    dicts["constraints"]["objective"] = ["cost_eur", "officers_trained"]
    folder = write_data(tmp_path / "data", dicts)
    plan_file = tmp_path / "plan.json"
    solved = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(plan_file)])
    assert solved.exit_code == 0, solved.output
    assert read_plan(plan_file).sessions == []
    out = tmp_path / "new.json"
    args = ["replan", str(plan_file), "--since", "2009-06-01", "--out", str(out)]
    result = runner.invoke(app, [*args, "--data", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["counts"]["added"] == 0
    assert all(level["value"] == 0 for level in document["replan_objectives"])
    assert read_plan(out).sessions == []
