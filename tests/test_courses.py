"""Programmes in stages (spec 7.1): courses, their participants and the order between them.

Inputs (the role column, ``courses``, a fixed entry's course, every new error with file and
place, exit 3), rule ``course_order`` in the model and the checker in both directions (by
region, by district, a clean case), per-course counts, seats and trainers, plan sessions
with their course and ids, the exports' course column, and random two-course instances whose
plans pass the checker.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import REPO, SHIPPED_DATA
from datafactory import two_stage, write_data
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.diagnostics.prechecks import diagnose
from trafficplan.errors import InputError
from trafficplan.inputs import load_data
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import Plan
from trafficplan.solver import SolveOptions, solve

runner = CliRunner()
EXAMPLE = REPO / "examples" / "2008-two-stage"


def _load(tmp_path: Path, data: dict[str, Any]) -> ProblemData:
    return load_data(write_data(tmp_path / "data", data))


def _errors(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, data)
    return caught.value.lines()


def _solve(data: ProblemData) -> Plan:
    result = solve(data, SolveOptions(time_limit=30, workers=1))
    assert result.plan is not None, result.reasons
    return result.plan


def _rules(data: ProblemData, plan: Plan) -> set[str]:
    return {v.rule for v in check_plan(data, plan).violations}


def _moved(plan: Plan, session_id: str, day: date) -> Plan:
    changed = plan.model_copy(deep=True)
    for session in changed.sessions:
        if session.id == session_id:
            session.date = day
    return changed


# ----- inputs ----------------------------------------------------------------------------------
def test_a_folder_without_courses_has_the_one_course_meeting(tiny_folder: Path) -> None:
    data = load_data(tiny_folder)
    assert not data.staged
    assert [c.id for c in data.courses] == ["meeting"]
    assert data.courses[0].officers == data.constraints.sessions.officers
    assert {o.role for o in data.officers} == {"inspector"}


def test_courses_take_the_sessions_keys_they_do_not_give(tmp_path: Path) -> None:
    data = _load(tmp_path, two_stage())
    heads, meeting = data.courses
    assert (heads.per_region, heads.officers.max, heads.trainers_per_session) == (
        data.session_bounds("alpha", "heads"),
        10,
        1,
    )
    assert meeting.officers == data.constraints.sessions.officers
    assert data.session_bounds("alpha", "meeting") == data.constraints.sessions.per_region
    assert len(data.course_members("heads")) == 4
    assert data.course_members("meeting")[0].role == "inspector"


def test_an_empty_role_cell_is_an_inspector(tmp_path: Path) -> None:
    raw = two_stage()
    raw["officers"][0]["role"] = ""
    assert _load(tmp_path, raw).officers[0].role == "inspector"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["constraints"]["courses"][1]["after"].update(course="head"),
            "constraints.yaml: courses.meeting.after.course: unknown course 'head' "
            "(did you mean 'heads'?)",
        ),
        (
            lambda d: d["constraints"]["courses"][0].update(
                after={"course": "meeting", "min_days": 1}
            ),
            "constraints.yaml: courses.heads.after: the order of courses is a cycle "
            "(heads -> meeting -> heads): some course must come first",
        ),
        (
            lambda d: d["constraints"]["courses"][1]["after"].update(course="meeting"),
            "constraints.yaml: courses.meeting.after.course: a course cannot come after itself",
        ),
        (
            lambda d: d["constraints"]["courses"][1]["after"].update(by="oblast"),
            "constraints.yaml: courses.meeting.after.by: must be one of 'region' or "
            "'district', got 'oblast'",
        ),
        (
            lambda d: d["officers"][3].update(role="chief"),
            "officers.csv: line 5: role 'chief' is not listed by any course "
            "(roles of courses: head, inspector)",
        ),
        (
            lambda d: d["officers"][3].update(role="Chief"),
            "officers.csv: line 5: role 'Chief' must use only lowercase letters a-z, digits "
            "and '-'",
        ),
        (
            lambda d: d["constraints"]["sessions"]["fixed"].append(
                {"region": "alpha", "date": "2009-06-02", "course": "heds"}
            ),
            "constraints.yaml: sessions.fixed.0.course: unknown course 'heds' "
            "(did you mean 'heads'?)",
        ),
        (
            lambda d: d["constraints"]["courses"].append(
                copy.deepcopy(d["constraints"]["courses"][0])
            ),
            "constraints.yaml: courses.heads: duplicate course id 'heads'",
        ),
        (
            lambda d: d["constraints"]["courses"][0].update(roles=[]),
            "constraints.yaml: courses.heads.roles: must not be empty",
        ),
    ],
)
def test_each_course_error_names_file_and_place(tmp_path: Path, edit: Any, expected: str) -> None:
    raw = two_stage()
    edit(raw)
    assert expected in _errors(tmp_path, raw)


def test_a_cycle_of_three_courses_is_named_once(tmp_path: Path) -> None:
    raw = two_stage()
    courses = raw["constraints"]["courses"]
    courses[0]["after"] = {"course": "extra", "min_days": 1}
    courses.append(
        {"id": "extra", "roles": ["inspector"], "after": {"course": "meeting", "min_days": 1}}
    )
    lines = [line for line in _errors(tmp_path, raw) if "cycle" in line]
    assert lines == [
        "constraints.yaml: courses.extra.after: the order of courses is a cycle "
        "(extra -> meeting -> heads -> extra): some course must come first"
    ]


def test_validate_exits_3_on_a_course_error(tmp_path: Path) -> None:
    raw = two_stage()
    raw["constraints"]["courses"][1]["after"]["course"] = "nobody"
    folder = write_data(tmp_path / "data", raw)
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 3
    assert "courses.meeting.after.course: unknown course 'nobody'" in result.output
    assert "Traceback" not in result.output


def test_solve_exits_3_on_a_role_no_course_lists(tmp_path: Path) -> None:
    raw = two_stage()
    raw["officers"][0]["role"] = "chief"
    folder = write_data(tmp_path / "data", raw)
    result = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(tmp_path / "p.json")])
    assert result.exit_code == 3
    assert "officers.csv: line 2: role 'chief' is not listed by any course" in result.output


# ----- the solver and the checker ------------------------------------------------------------
@pytest.mark.parametrize("by", ["district", "region"])
def test_two_stage_plan_keeps_the_order_and_passes_the_checker(tmp_path: Path, by: str) -> None:
    data = _load(tmp_path, two_stage(by, min_days=3))
    plan = _solve(data)
    assert check_plan(data, plan).valid
    heads = {s.region: s for s in plan.sessions if s.course == "heads"}
    meetings = [s for s in plan.sessions if s.course == "meeting"]
    assert sorted(heads) == ["alpha", "beta"] and len(meetings) == 2
    for session in meetings:
        assert (session.date - heads[session.region].date).days >= 3
        assert session.id == f"{session.region}-meeting-01"
    assert plan.metrics["officers_trained"] == 44
    assert plan.metrics["officers_trained_by_course"] == {"heads": 4, "meeting": 40}


def test_course_order_by_region_binds_and_the_checker_sees_it(tmp_path: Path) -> None:
    data = _load(tmp_path, two_stage("region", min_days=3))
    plan = _solve(data)
    head = next(s for s in plan.sessions if s.region == "alpha" and s.course == "heads")
    meeting = next(s for s in plan.sessions if s.region == "alpha" and s.course == "meeting")
    # the meeting two days after the heads' course breaks only the order
    broken = _moved(_moved(plan, head.id, date(2009, 6, 1)), meeting.id, date(2009, 6, 3))
    assert _rules(data, broken) == {"course_order"}
    messages = [v.message for v in check_plan(data, broken).violations]
    assert messages == [
        f"session {meeting.id} of course meeting on 2009-06-03 is 2 days after session "
        f"{head.id} of course heads on 2009-06-01 in alpha; it must be at least 3 after"
    ]


def test_course_order_by_district_binds_per_district(tmp_path: Path) -> None:
    data = _load(tmp_path, two_stage("district", min_days=3))
    plan = _solve(data)
    head = next(s for s in plan.sessions if s.region == "alpha" and s.course == "heads")
    meeting = next(s for s in plan.sessions if s.region == "alpha" and s.course == "meeting")
    broken = _moved(_moved(plan, head.id, date(2009, 6, 1)), meeting.id, date(2009, 6, 2))
    violations = check_plan(data, broken).violations
    assert {v.rule for v in violations} == {"course_order"}
    assert {v.who for v in violations} == set(meeting.officers)
    assert all(v.subject == "meeting" for v in violations)


def test_an_untrained_head_keeps_the_districts_inspectors_out(tmp_path: Path) -> None:
    data = _load(tmp_path, two_stage("district", min_days=3))
    plan = _solve(data)
    changed = plan.model_copy(deep=True)
    head_session = next(s for s in changed.sessions if s.id == "alpha-heads-01")
    head_session.officers.remove("ALP-H01")
    violations = [v for v in check_plan(data, changed).violations if v.rule == "course_order"]
    assert violations
    assert all(
        "ALP-H01 of course heads from that district is not trained" in v.message for v in violations
    )
    assert {data.officer_by_id[v.who or ""].district for v in violations} == {"alpha-north"}


def test_a_head_the_solver_cannot_train_keeps_the_district_out(tmp_path: Path) -> None:
    raw = two_stage("district", min_days=3)
    raw["officers"][-4]["unavailable"] = "2009-06-01..2009-06-12"  # ALP-H01, all window
    data = _load(tmp_path, raw)
    plan = _solve(data)
    assert check_plan(data, plan).valid
    meeting = next(s for s in plan.sessions if s.region == "alpha" and s.course == "meeting")
    assert {data.officer_by_id[o].district for o in meeting.officers} == {"alpha-south"}


def test_a_clean_plan_without_order_has_no_course_order_violation(tmp_path: Path) -> None:
    raw = two_stage()
    del raw["constraints"]["courses"][1]["after"]
    data = _load(tmp_path, raw)
    plan = _solve(data)
    assert check_plan(data, plan).valid


def test_per_course_trainers_and_seats_are_read_from_the_course(tmp_path: Path) -> None:
    raw = two_stage()
    raw["constraints"]["courses"][0]["trainers_per_session"] = 2
    data = _load(tmp_path, raw)
    plan = _solve(data)
    assert check_plan(data, plan).valid
    assert {len(s.trainers) for s in plan.sessions if s.course == "heads"} == {2}
    assert {len(s.trainers) for s in plan.sessions if s.course == "meeting"} == {1}
    # a heads' session with one trainer breaks trainer_count; 3 heads seat fine (min 1)
    changed = plan.model_copy(deep=True)
    session = next(s for s in changed.sessions if s.course == "heads")
    session.trainers = session.trainers[:1]
    assert _rules(data, changed) == {"trainer_count"}


def test_counts_are_per_course(tmp_path: Path) -> None:
    data = _load(tmp_path, two_stage())
    plan = _solve(data)
    changed = plan.model_copy(deep=True)
    changed.sessions = [s for s in changed.sessions if s.id != "alpha-heads-01"]
    messages = [v.message for v in check_plan(data, changed).violations if v.rule == "counts"]
    assert "region alpha runs 0 sessions of course heads; it must run exactly 1" in messages


def test_a_fixed_entry_names_its_course(tmp_path: Path) -> None:
    raw = two_stage("region", min_days=3)
    raw["constraints"]["sessions"]["fixed"] = [
        {"region": "beta", "date": "2009-06-10", "course": "meeting"}
    ]
    data = _load(tmp_path, raw)
    plan = _solve(data)
    assert check_plan(data, plan).valid
    fixed = [s for s in plan.sessions if s.region == "beta" and s.date == date(2009, 6, 10)]
    assert [s.course for s in fixed] == ["meeting"]


def test_an_officer_in_the_wrong_course_breaks_officer_region(tmp_path: Path) -> None:
    data = _load(tmp_path, two_stage())
    plan = _solve(data)
    changed = plan.model_copy(deep=True)
    meeting = next(s for s in changed.sessions if s.id == "alpha-meeting-01")
    meeting.officers[0] = "ALP-H02"
    messages = [
        v.message for v in check_plan(data, changed).violations if v.rule == "officer_region"
    ]
    assert messages == [
        "officer ALP-H02 (role head) attends session alpha-meeting-01 of course meeting, "
        "which is for inspector"
    ]


def test_the_precheck_names_a_region_whose_earlier_course_cannot_finish_in_time(
    tmp_path: Path,
) -> None:
    raw = two_stage("region", min_days=7)
    raw["constraints"]["sessions"]["fixed"] = [
        {"region": "alpha", "date": "2009-06-03", "course": "meeting"}
    ]
    findings = [f for f in diagnose(_load(tmp_path, raw)) if f.rule == "course_order"]
    assert [f.message for f in findings] == [
        "region alpha: course heads cannot finish in time for the fixed meeting session on "
        "2009-06-03: its sessions end on 2009-06-01 at the earliest, 7 days before is "
        "2009-06-08; the order would have to give 5 day(s)"
    ]


def test_a_clean_two_stage_instance_has_no_findings(tmp_path: Path) -> None:
    assert diagnose(_load(tmp_path, two_stage())) == []


# ----- outputs --------------------------------------------------------------------------------
def test_plan_json_and_exports_carry_the_course(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", two_stage())
    plan_file = tmp_path / "plan.json"
    solved = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(plan_file)])
    assert solved.exit_code == 0, solved.output
    document = json.loads(plan_file.read_text(encoding="utf-8"))
    assert {s["course"] for s in document["sessions"]} == {"heads", "meeting"}
    checked = runner.invoke(app, ["check", str(plan_file), "--data", str(folder)])
    assert checked.exit_code == 0, checked.output
    out = tmp_path / "out"
    exported = runner.invoke(
        app, ["export", str(plan_file), "--data", str(folder), "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    schedule = (out / "schedule.csv").read_text(encoding="utf-8-sig").splitlines()
    assert schedule[0].endswith(",course")
    assert any(line.endswith(",heads") for line in schedule[1:])
    roster = (out / "rosters" / "alpha.csv").read_text(encoding="utf-8-sig").splitlines()
    assert roster[0].endswith(",course")
    calendars = "".join(p.read_text(encoding="utf-8") for p in (out / "calendars").glob("*.ics"))
    assert "SUMMARY:Course for heads: Alpha" in calendars


def test_the_workbook_has_the_course_column_and_reads_back_as_attendance(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", two_stage())
    plan_file = tmp_path / "plan.json"
    solved = runner.invoke(app, ["solve", "--data", str(folder), "--out", str(plan_file)])
    assert solved.exit_code == 0, solved.output
    out = tmp_path / "out"
    exported = runner.invoke(
        app, ["export", str(plan_file), "--data", str(folder), "--out", str(out), "--xlsx"]
    )
    assert exported.exit_code == 0, exported.output
    book = openpyxl.load_workbook(out / "programme.xlsx")
    schedule = [cell.value for cell in book["Schedule"][1]]
    assert schedule[-1] == "course"
    sheet = book["alpha"]
    header = [cell.value for cell in sheet[1]]
    assert header[header.index("status") + 1 : header.index("status") + 3] == [
        "course",
        "attendance",
    ]
    rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in sheet.iter_rows(2)]
    heads = [row for row in rows if row["course"] == "heads"]
    assert heads and {row["officer_id"] for row in heads} == {"ALP-H01", "ALP-H02"}
    # a tick in the attendance column (after ``course``) is what the reader takes
    column = header.index("attendance") + 1
    sheet.cell(row=2, column=column, value="present")
    book.save(out / "programme.xlsx")
    held = runner.invoke(
        app,
        [
            "check",
            str(plan_file),
            "--data",
            str(folder),
            "--attendance",
            str(out / "programme.xlsx"),
        ],
    )
    assert held.exit_code == 0, held.output


def test_a_plan_naming_an_unknown_course_is_exit_3(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", two_stage())
    data = load_data(folder)
    plan = _solve(data)
    plan.sessions[0].course = "nonsense"
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan.to_json(), encoding="utf-8")
    result = runner.invoke(app, ["check", str(plan_file), "--data", str(folder)])
    assert result.exit_code == 3
    assert "unknown course 'nonsense'" in result.output


def test_a_plan_without_courses_writes_no_course_key(tiny_folder: Path) -> None:
    data = load_data(tiny_folder)
    plan = _solve(data)
    document = json.loads(plan.to_json())
    assert all("course" not in s for s in document["sessions"])
    assert "officers_trained_by_course" not in document["metrics"]


# ----- random two-course instances --------------------------------------------------------------
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    by=st.sampled_from(["region", "district"]),
    min_days=st.integers(min_value=0, max_value=6),
    heads_first=st.booleans(),
    away=st.lists(st.integers(min_value=0, max_value=43), max_size=4, unique=True),
    leave_day=st.integers(min_value=1, max_value=12),
)
def test_random_two_course_plans_pass_the_checker(
    tmp_path_factory: pytest.TempPathFactory,
    by: str,
    min_days: int,
    heads_first: bool,
    away: list[int],
    leave_day: int,
) -> None:
    raw = two_stage(by, min_days)
    if not heads_first:
        raw["constraints"]["courses"].reverse()  # other file order, the same order rule
    for index in away:
        raw["officers"][index]["unavailable"] = f"2009-06-{leave_day:02d}"
    data = load_data(write_data(tmp_path_factory.mktemp("two") / "data", raw))
    result = solve(data, SolveOptions(time_limit=20, workers=1))
    assert result.plan is not None, result.reasons
    report = check_plan(data, result.plan)
    assert report.valid, [v.message for v in report.violations]


def test_three_courses_one_without_order(tmp_path: Path) -> None:
    raw = two_stage("region", min_days=2)
    for officer in raw["officers"][:8]:
        officer["role"] = "analyst"
    raw["constraints"]["courses"].append(
        {
            "id": "analysts",
            "roles": ["analyst"],
            "per_region": {"min": 0, "max": 1},
            "officers": {"min": 2, "max": 10},
        }
    )
    raw["constraints"]["sessions"]["max_total"] = 6
    data = _load(tmp_path, raw)
    plan = _solve(data)
    assert check_plan(data, plan).valid
    assert plan.metrics["officers_trained_by_course"]["analysts"] == 8


# ----- the shipped data and the example -------------------------------------------------------
@pytest.mark.slow
def test_the_shipped_plan_is_unchanged_byte_for_byte(tmp_path: Path) -> None:
    """Solved before courses existed (the golden file); without the new keys the same."""
    plan_file = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["solve", "--data", str(SHIPPED_DATA), "--out", str(plan_file), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    golden = REPO / "tests" / "golden" / "shipped-plan.json"
    assert plan_file.read_bytes() == golden.read_bytes()


def test_a_programme_in_stages_is_proven_by_its_master(tmp_path: Path) -> None:
    """The decomposed search of a programme in stages proves every level, and the full
    model (every rule at once, from that plan) finds no better cost."""
    data = _load(tmp_path, two_stage("district", min_days=3))
    result = solve(data, SolveOptions(time_limit=30, workers=1))
    assert result.plan is not None and result.plan.status == "optimal", result.reasons
    assert all(level.proven for level in result.plan.objectives)
    assert check_plan(data, result.plan).valid
    full = solve(data, SolveOptions(time_limit=30, workers=1, hint=result.plan))
    assert full.plan is not None
    cost = {level.name: level for level in full.plan.objectives}["cost_eur"]
    assert cost.bound is not None and cost.bound >= result.plan.metrics["cost_eur"] - 0.01


def test_the_relaxation_gives_a_two_trainer_session_two_trainers(tmp_path: Path) -> None:
    """Counted without days, a site's trainer places could all go to one trainer; with two
    trainers a session that cannot be realised, so the relaxation never counts it."""
    from trafficplan.solver.aggregate import Aggregate
    from trafficplan.solver.instance import Instance

    raw = two_stage()
    raw["constraints"]["courses"][0]["trainers_per_session"] = 2
    data = _load(tmp_path, raw)
    members = sum(len(data.course_members(c.id)) for c in data.courses)
    inst = Instance(data)
    found = Aggregate(inst, {}, members).optimise(["cost_eur"], {}, 0, 10.0)
    assert found is not None
    counts = found[1]
    for site in inst.sites:
        sessions = sum(
            counts.course_venues.get((c.id, v), 0) for c in data.courses for v in site.venue_ids
        )
        for (_trainer, at), taught in counts.teaches.items():
            if at == site.index:
                assert taught <= sessions
    result = solve(data, SolveOptions(time_limit=30, workers=1))
    assert result.plan is not None and check_plan(data, result.plan).valid
    for session in result.plan.sessions:
        assert len(set(session.trainers)) == (2 if session.course == "heads" else 1)


@pytest.mark.slow
def test_the_two_stage_example_is_proven_on_every_level(tmp_path: Path) -> None:
    data = load_data(EXAMPLE)
    result = solve(data, SolveOptions(time_limit=120, workers=2))
    assert result.plan is not None, result.reasons
    assert result.plan.status == "optimal"
    assert all(level.proven for level in result.plan.objectives)
    assert check_plan(data, result.plan).valid
    metrics = result.plan.metrics
    assert metrics["officers_trained_by_course"] == {"heads": 260, "meeting": 1800}
    opening = [s for s in result.plan.sessions if s.date == date(2008, 7, 16)]
    assert [(s.region, s.course) for s in opening if s.region == "khmelnytskyi"] == [
        ("khmelnytskyi", "meeting")
    ]


# ----- whatif and replan --------------------------------------------------------------------
def test_whatif_reads_course_keys(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", two_stage())
    result = runner.invoke(
        app, ["whatif", "--data", str(folder), "--set", "courses.heads.per_region.max=2", "--json"]
    )
    assert result.exit_code == 0, result.output
    bad = runner.invoke(
        app,
        [
            "whatif",
            "--data",
            str(folder),
            "--set",
            "courses.heads.after={course: meeting, min_days: 1}",
        ],
    )
    assert bad.exit_code == 3
    assert "the order of courses is a cycle" in bad.output


def test_replan_counts_the_frozen_sessions_of_the_earlier_course(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", two_stage("district", min_days=3))
    data = load_data(folder)
    plan = _solve(data)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan.to_json(), encoding="utf-8")
    head_day = next(s.date for s in plan.sessions if s.id == "alpha-heads-01")
    meeting_day = next(s.date for s in plan.sessions if s.id == "alpha-meeting-01")
    assert (meeting_day - head_day).days >= 3
    since = head_day + timedelta(days=1)
    closed = f"regions.alpha.venues.alpha-hall.unavailable=[{meeting_day}]"
    out = tmp_path / "new.json"
    result = runner.invoke(
        app,
        ["replan", str(plan_file), "--data", str(folder), "--since", str(since), "--set", closed,
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text(encoding="utf-8"))
    sessions = {s["id"]: s for s in new["sessions"]}
    assert sessions["alpha-heads-01"]["date"] == str(head_day)
    moved = date.fromisoformat(sessions["alpha-meeting-01"]["date"])
    assert moved != meeting_day
    assert (moved - head_day).days >= 3


def test_the_report_has_a_course_column_and_per_course_counts(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", two_stage())
    plan = _solve(load_data(folder))
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan.to_json(), encoding="utf-8")
    html = tmp_path / "report.html"
    result = runner.invoke(
        app, ["report", str(plan_file), "--data", str(folder), "--html", str(html)]
    )
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert "<th>course</th>" in page
    assert 'data-course="heads"' in page and 'data-course="meeting"' in page
    assert "trained in 2 sessions (course heads)" in page


def test_a_held_heads_session_feeds_the_district_order(tmp_path: Path) -> None:
    """A head absent from the held heads' course keeps their district's inspectors out of
    the re-planned meetings (each region holds one heads' course, already held)."""
    folder = write_data(tmp_path / "data", two_stage("district", min_days=3))
    data = load_data(folder)
    plan = _solve(data)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan.to_json(), encoding="utf-8")
    head = next(s for s in plan.sessions if s.id == "alpha-heads-01")
    (folder / "attendance.csv").write_text(
        "session_id,officer_id,status\n"
        "alpha-heads-01,ALP-H01,present\n"
        "alpha-heads-01,ALP-H02,absent\n",
        encoding="utf-8",
    )
    out = tmp_path / "new.json"
    since = head.date + timedelta(days=1)
    result = runner.invoke(
        app,
        ["replan", str(plan_file), "--data", str(folder), "--since", str(since), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text(encoding="utf-8"))
    meeting = next(s for s in new["sessions"] if s["id"] == "alpha-meeting-01")
    districts = {data.officer_by_id[o].district for o in meeting["officers"]}
    assert districts == {"alpha-north"}  # ALP-H02 heads alpha-south
    checked = runner.invoke(app, ["check", str(out), "--data", str(folder)])
    assert checked.exit_code == 0, checked.output


def test_capacity_varies_a_course_key(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", two_stage())
    result = runner.invoke(
        app,
        ["capacity", "--data", str(folder), "--vary", "courses.heads.officers.max=1..2", "--json"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert "courses.heads.officers.max" in json.dumps(document)
