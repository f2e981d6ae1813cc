"""The programme as it runs (spec 6.4): ``attendance.csv`` read, validated, summarised, and
what happened in held sessions checked as warnings of rule ``attendance``, never errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datafactory import ALPHA, BETA, tiny, tiny_session, two_a_region, write_data
from trafficplan.checker import check_plan
from trafficplan.cli import app
from trafficplan.errors import InputError
from trafficplan.inputs import load_data
from trafficplan.inputs.attendance import parse_attendance, read_attendance
from trafficplan.plan import Plan, read_plan, write_plan
from trafficplan.plan.metrics import plan_metrics

runner = CliRunner()


def published() -> Plan:
    """alpha-01 on Monday 1 June with 12 officers, beta-01 on Tuesday with 15."""
    sessions = [
        tiny_session("alpha-01", 1, "t01", ALPHA[:12]),
        tiny_session("beta-01", 2, "t02", BETA[:15]),
    ]
    return Plan(status="feasible", sessions=sessions)


def sheet(*rows: str) -> str:
    return "session_id,officer_id,status\n" + "".join(f"{row}\n" for row in rows)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data", tiny())


# ----- reading and validating -------------------------------------------------------------------
def test_a_folder_without_attendance_has_none(folder: Path) -> None:
    assert read_attendance(folder, load_data(folder)) is None


def test_rows_are_read_with_a_bom_and_grouped_by_held_session(folder: Path) -> None:
    text = "\ufeff" + sheet(
        "alpha-01,ALP-0001,present", "alpha-01,ALP-0002,absent", "alpha-01,ALP-0020,present"
    )
    (folder / "attendance.csv").write_text(text, encoding="utf-8")
    attendance = read_attendance(folder, load_data(folder))
    assert attendance is not None
    assert list(attendance.held) == ["alpha-01"]
    assert attendance.present("alpha-01") == ["ALP-0001", "ALP-0020"]
    assert attendance.absent("alpha-01") == ["ALP-0002"]
    assert attendance.attended == {"ALP-0001", "ALP-0020"}
    assert attendance.no_shows == {"ALP-0002"}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["alpha-01,ALP-0001,late"], "line 2: status must be present or absent, got 'late'"),
        (["alpha-01,XXX-0001,present"], "line 2: unknown officer 'XXX-0001'"),
        (
            ["alpha-01,ALP-0001,present", "alpha-01,ALP-0001,absent"],
            "line 3: officer ALP-0001 is listed again for session alpha-01 (first on line 2)",
        ),
        (
            ["alpha-01,ALP-0001,present", "beta-01,ALP-0001,present"],
            "line 3: officer ALP-0001 is marked present in beta-01 and in alpha-01 (line 2)",
        ),
        (["alpha-01,ALP-0001"], "line 2: expected 3 columns, got 2"),
    ],
)
def test_each_defect_is_named_with_its_line(folder: Path, rows: list[str], expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_attendance(sheet(*rows), load_data(folder))
    assert caught.value.lines() == [f"attendance.csv: {expected}"]


def test_a_wrong_header_is_refused(folder: Path) -> None:
    with pytest.raises(InputError) as caught:
        parse_attendance("session,officer,status\n", load_data(folder))
    assert "header must be session_id,officer_id,status" in caught.value.lines()[0]


def test_validate_summarises_attendance_and_exits_3_on_a_bad_line(
    folder: Path, tmp_path: Path
) -> None:
    (folder / "attendance.csv").write_text(
        sheet("alpha-01,ALP-0001,present", "alpha-01,ALP-0002,absent", "alpha-01,BET-0020,present"),
        encoding="utf-8",
    )
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    result = runner.invoke(app, ["validate", "--data", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["attendance"]
    assert summary["alpha"] == {"held_sessions": 1, "present": 1, "absent": 1, "substitutes": None}
    assert summary["beta"]["present"] == 1
    with_plan = runner.invoke(
        app, ["validate", "--data", str(folder), "--plan", str(plan_file), "--json"]
    )
    assert json.loads(with_plan.stdout)["attendance"]["beta"]["substitutes"] == 1
    human = runner.invoke(app, ["validate", "--data", str(folder)])
    assert "Attendance (attendance.csv)" in human.stdout

    (folder / "attendance.csv").write_text(sheet("alpha-01,NOBODY,present"), encoding="utf-8")
    bad = runner.invoke(app, ["validate", "--data", str(folder)])
    assert bad.exit_code == 3
    assert "attendance.csv: line 2: unknown officer 'NOBODY'" in bad.output


# ----- checking what happened -------------------------------------------------------------------
def test_what_happened_in_a_held_session_is_a_warning_not_an_error(folder: Path) -> None:
    data = load_data(folder)
    # alpha-01: 9 of its 12 came (officers.min is 10), and a substitute from beta came too;
    # BET-0001 attended alpha-01 and is still rostered in beta-01 the day after
    rows = [f"alpha-01,{o},present" for o in ALPHA[:8]]
    rows += [f"alpha-01,{o},absent" for o in ALPHA[8:12]]
    rows += ["alpha-01,BET-0001,present"]
    attendance = parse_attendance(sheet(*rows), data)
    report = check_plan(data, published(), attendance)
    assert report.valid, [str(v) for v in report.violations]
    messages = [w.message for w in report.warnings if w.rule == "attendance"]
    assert any("had 9 officer(s) present; officers.min is 10" in m for m in messages)
    assert any("substitute BET-0001 of beta attended alpha-01 in alpha" in m for m in messages)
    assert any("still rostered in beta-01" in m for m in messages)
    assert report.metrics["officers_attended"] == 9
    assert report.metrics["no_shows"] == 4

    # without the sign-in sheets the same plan is simply valid, with no attendance metrics
    plain = check_plan(data, published())
    assert plain.valid and "officers_attended" not in plain.metrics


def test_check_cli_reads_attendance_and_refuses_unknown_sessions(
    folder: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    (folder / "attendance.csv").write_text(
        sheet("alpha-01,ALP-0001,present", "alpha-01,ALP-0002,absent"), encoding="utf-8"
    )
    result = runner.invoke(app, ["check", str(plan_file), "--data", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["metrics"]["officers_attended"] == 1
    assert document["metrics"]["no_shows"] == 1
    assert any(w["rule"] == "attendance" for w in document["warnings"])

    (folder / "attendance.csv").write_text(sheet("gamma-09,ALP-0001,present"), encoding="utf-8")
    unknown = runner.invoke(app, ["check", str(plan_file), "--data", str(folder)])
    assert unknown.exit_code == 3
    assert "attendance.csv: line 2: session 'gamma-09' is not in the plan" in unknown.output


def priced_folder(tmp_path: Path) -> Path:
    """The tiny data with catering (10 EUR a person) and officers' travel (5 EUR each)."""
    dicts = tiny()
    dicts["constraints"]["sessions"]["per_person_eur"] = 10
    dicts["constraints"]["officers"]["travel_eur"] = 5
    return write_data(tmp_path / "priced", dicts)


def test_check_reports_what_happened_officers_trained_and_the_cost_of_who_came(
    tmp_path: Path,
) -> None:
    folder = priced_folder(tmp_path)
    plan_file = tmp_path / "plan.json"
    plan = published()
    plan.metrics = plan_metrics(load_data(folder), plan)  # the plan's claims, as solve writes
    write_plan(plan, plan_file)
    args = ["check", str(plan_file), "--data", str(folder)]
    planned = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert "as_held" not in planned  # no sign-in sheets: nothing happened yet
    plain = runner.invoke(app, args)
    assert plain.exit_code == 0 and "as held" not in plain.output
    assert "Attendance:" not in plain.output

    # alpha-01: 8 of its 12 came, 4 did not, ALP-0020 came instead (a substitute)
    rows = [f"alpha-01,{o},present" for o in ALPHA[:8]]
    rows += [f"alpha-01,{o},absent" for o in ALPHA[8:12]] + ["alpha-01,ALP-0020,present"]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    # the plan's own figures keep their meaning (its rosters) ...
    assert document["metrics"]["officers_trained"] == 27
    assert document["metrics"]["cost_eur"] == planned["metrics"]["cost_eur"]
    # ... and what happened: 9 came to alpha-01, 15 are rostered in beta-01, not held yet;
    # three people fewer at alpha-01 than planned: 3 x (10 catering + 5 travel) less
    held = document["as_held"]["metrics"]
    assert held["officers_trained"] == 24
    assert (held["officers_attended"], held["no_shows"]) == (9, 4)
    assert (held["held_sessions"], held["substitutes"]) == (1, 1)
    assert held["cost_eur"] == pytest.approx(planned["metrics"]["cost_eur"] - 45)
    parts = document["as_held"]["cost_components"]
    before = planned["cost_components"]
    assert parts["catering"] == pytest.approx(before["catering"] - 30)
    assert parts["officer_travel"] == pytest.approx(before["officer_travel"] - 15)
    assert sum(parts.values()) == pytest.approx(held["cost_eur"])
    # no warning that the plan's claims differ: they are the plan's, and they still hold
    assert document["claimed_metrics"]["cost_eur"] == planned["metrics"]["cost_eur"]
    assert not [w for w in document["warnings"] if "but its sessions give" in w["message"]]

    shown = runner.invoke(app, args, terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "as held" in shown.output
    words = " ".join(shown.output.split())
    assert "Attendance: 1 session(s) held; 9 officer(s) attended (1 substitute(s)), " in words
    assert "4 no-show(s) not trained" in words
    assert "24 of 40 officers trained or rostered" in words
    assert f"the plan costs {held['cost_eur']:,.2f} EUR (the cost of who came)" in words


def test_check_as_held_is_what_replan_writes_when_no_one_can_be_seated_again(
    tmp_path: Path,
) -> None:
    # one definition: the figures check gives for the plan as held are the metrics of the
    # plan replan writes from the same sheets, when it seats no one again
    folder = priced_folder(tmp_path)
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    rows = [f"alpha-01,{o},present" for o in ALPHA[:10]]
    rows += [f"alpha-01,{o},absent" for o in ALPHA[10:12]]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    checked = runner.invoke(app, ["check", str(plan_file), "--data", str(folder), "--json"])
    held = json.loads(checked.stdout)["as_held"]["metrics"]
    out = tmp_path / "new.json"
    args = ["replan", str(plan_file), "--since", "2009-06-03", "--out", str(out)]
    replanned = runner.invoke(app, [*args, "--data", str(folder), "--workers", "1"])
    assert replanned.exit_code == 0, replanned.output
    metrics = read_plan(out).metrics
    for name in ("officers_trained", "cost_eur", "officers_attended", "no_shows"):
        assert held[name] == pytest.approx(metrics[name]), name
    assert held["officers_trained"] == 25 and held["no_shows"] == 2


# ----- re-planning after sessions were held -----------------------------------------------------
def test_replan_keeps_held_sessions_as_they_happened_and_reseats_no_shows(
    tmp_path: Path,
) -> None:
    dicts = tiny()
    dicts["constraints"]["sessions"]["per_region"] = {"min": 2, "max": 2}
    dicts["constraints"]["sessions"]["max_total"] = 4
    folder = write_data(tmp_path / "data", dicts)
    plan_file = tmp_path / "plan.json"
    write_plan(two_a_region(), plan_file)
    # alpha-01: 7 came, 3 did not, and ALP-0011 (rostered in alpha-02) came instead
    rows = [f"alpha-01,{o},present" for o in ALPHA[:7]]
    rows += [f"alpha-01,{o},absent" for o in ALPHA[7:10]]
    rows += ["alpha-01,ALP-0011,present"]
    rows += [f"beta-01,{o},present" for o in BETA[:10]]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    out = tmp_path / "new" / "plan.json"
    args = ["replan", str(plan_file), "--since", "2009-06-03", "--out", str(out)]
    result = runner.invoke(app, [*args, "--data", str(folder), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)

    new = read_plan(out)
    held = next(s for s in new.sessions if s.id == "alpha-01")
    assert held.held and held.officers == sorted([*ALPHA[:7], "ALP-0011"])
    assert json.loads(out.read_text())["sessions"][0].get("held") is True
    later = next(s for s in new.sessions if s.id == "alpha-02")
    # the no-shows are seated again; the substitute, trained already, frees their seat
    assert set(ALPHA[7:10]) <= set(later.officers) and "ALP-0011" not in later.officers
    assert document["counts"]["reseated"] == 3
    assert {o["name"]: o["value"] for o in document["replan_objectives"]}["reseated"] == 3
    assert new.metrics["officers_attended"] == 18 and new.metrics["no_shows"] == 3
    assert new.metrics["officers_trained"] == 40
    assert document["no_shows_unseated"] == []
    assert (
        (out.parent / "unassigned.csv")
        .read_text("utf-8-sig")
        .startswith("officer_id,officer_name,region,district,reason")
    )
    # the re-planned plan passes check; the held session's shortfall is a warning
    checked = runner.invoke(app, ["check", str(out), "--data", str(folder), "--json"])
    assert checked.exit_code == 0, checked.output
    warnings = json.loads(checked.stdout)["warnings"]
    assert any(
        w["rule"] == "attendance" and "8 officer(s) present" in w["message"] for w in warnings
    )


def test_replan_refuses_a_held_session_on_or_after_since(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", tiny())
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    (folder / "attendance.csv").write_text(sheet("beta-01,BET-0001,present"), encoding="utf-8")
    args = ["replan", str(plan_file), "--since", "2009-06-02", "--out", str(tmp_path / "n.json")]
    result = runner.invoke(app, [*args, "--data", str(folder)])
    assert result.exit_code == 3
    assert "attendance.csv: line 2: session beta-01 on 2009-06-02 is on or after --since" in (
        result.output
    )


def test_export_does_not_refuse_what_happened_and_solve_says_it_ignores_attendance(
    folder: Path, tmp_path: Path
) -> None:
    # a re-planned plan lists the 9 officers who came to alpha-01: below officers.min, which
    # breaks seats as a plan, but is what happened
    plan = published()
    held = plan.sessions[0].model_copy(update={"officers": ALPHA[:9], "held": True})
    plan = plan.model_copy(update={"sessions": [held, plan.sessions[1]]})
    plan_file = tmp_path / "plan.json"
    write_plan(plan, plan_file)
    export = ["export", str(plan_file), "--data", str(folder), "--out", str(tmp_path / "x")]
    refused = runner.invoke(app, export)
    assert refused.exit_code == 1  # without the sign-in sheet, a session of 9 breaks seats
    rows = [f"alpha-01,{o},present" for o in ALPHA[:9]] + ["alpha-01,ALP-0010,absent"]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    exported = runner.invoke(app, export)
    assert exported.exit_code == 0, exported.output
    solved = runner.invoke(
        app, ["solve", "--data", str(folder), "--out", str(tmp_path / "p.json"), "--json"]
    )
    assert solved.exit_code == 0, solved.output
    assert "ignores attendance.csv" in solved.stderr


# ----- planned versus attended in the exports ---------------------------------------------------
def test_export_writes_the_summary_and_each_rosters_status(folder: Path, tmp_path: Path) -> None:
    import csv
    import io

    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    out = tmp_path / "export"

    def read(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO((out / name).read_text("utf-8-sig"))))

    export = ["export", str(plan_file), "--data", str(folder), "--out", str(out), "--force"]
    assert runner.invoke(app, export).exit_code == 0
    summary = read("summary.csv")
    assert list(summary[0]) == [
        "region", "district", "officers", "planned", "attended", "no_shows", "to_train",
    ]  # fmt: skip
    assert {r["attended"] for r in summary} == {"0"}  # attended and no-shows 0 without a sheet
    assert {r["status"] for r in read("rosters/alpha.csv")} == {"planned"}

    rows = [f"alpha-01,{o},present" for o in ALPHA[:10]]
    rows += ["alpha-01,ALP-0011,absent", "alpha-01,ALP-0020,present"]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    assert runner.invoke(app, export).exit_code == 0
    status = {r["officer_id"]: r["status"] for r in read("rosters/alpha.csv")}
    assert status["ALP-0001"] == "present" and status["ALP-0011"] == "absent"
    assert status["ALP-0012"] == "absent"  # rostered, not on the sheet: not trained there
    assert status["ALP-0020"] == "substitute"
    assert {r["status"] for r in read("rosters/beta.csv")} == {"planned"}  # not held yet
    by_district = {r["district"]: r for r in read("summary.csv")}
    north, south = by_district["alpha-north"], by_district["alpha-south"]
    assert int(north["attended"]) + int(south["attended"]) == 11
    assert int(north["no_shows"]) + int(south["no_shows"]) == 1
    assert int(north["planned"]) + int(south["planned"]) == 12
    assert int(north["to_train"]) + int(south["to_train"]) == 20 - 11


def test_report_shows_planned_versus_attended_and_the_no_show_rate(
    folder: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    html = tmp_path / "report.html"
    report = ["report", str(plan_file), "--data", str(folder), "--html", str(html)]
    assert runner.invoke(app, report).exit_code == 0
    assert 'id="attendance"' not in html.read_text(encoding="utf-8")  # no sheet, no section

    rows = [f"alpha-01,{o},present" for o in ALPHA[:9]]
    rows += [f"alpha-01,{o},absent" for o in ALPHA[9:12]] + ["alpha-01,ALP-0020,present"]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    result = runner.invoke(app, report)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    section = page[
        page.index('id="attendance"') : page.index("</section>", page.index('id="attendance"'))
    ]
    assert "2009-W23" in section
    # planned 12 (the roster), attended 10 (9 + a substitute), 3 no-shows: 25.0 %
    assert ">12<" in section and ">10<" in section and ">3<" in section
    assert "25.0 %" in section
    # region names, not ids: the tiny data name alpha "Alpha"
    assert "<td>Alpha</td>" in section and "<td>alpha</td>" not in section


def test_report_attendance_has_a_total_per_region_and_for_all_regions(
    folder: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    rows = [f"alpha-01,{o},present" for o in ALPHA[:9]]
    rows += [f"alpha-01,{o},absent" for o in ALPHA[9:12]] + ["alpha-01,ALP-0020,present"]
    rows += [f"beta-01,{o},present" for o in BETA[:13]]
    rows += [f"beta-01,{o},absent" for o in BETA[13:15]]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    html = tmp_path / "report.html"
    args = ["report", str(plan_file), "--data", str(folder), "--html", str(html)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    start = page.index('id="attendance"')
    section = page[start : page.index("</section>", start)]

    def cells(marker: str) -> list[str]:
        row = section[section.index(marker) :]
        row = row[: row.index("</tr>")]
        return [part.split("</td>")[0].strip() for part in row.split("<td")[1:]]

    # each region's weeks summed, with the region's name
    assert [c.split(">", 1)[1] for c in cells('data-region-total="beta"')] == [
        "Beta", "all weeks", "1", "15", "13", "2", "13.3 %",
    ]  # fmt: skip
    # and every region: 2 sessions held, 27 planned, 23 came (a substitute among them), 5 not
    assert [c.split(">", 1)[1] for c in cells("data-attendance-total")] == [
        "all regions", "all weeks", "2", "27", "23", "5", "18.5 %",
    ]  # fmt: skip
    # the sections keep the spec's order: costs, attendance, then the technical appendix
    assert page.index('id="costs"') < page.index('id="attendance"') < page.index('id="appendix"')


def test_a_no_show_without_a_later_session_is_told_why(folder: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    rows = [f"alpha-01,{o},present" for o in ALPHA[:11]] + ["alpha-01,ALP-0012,absent"]
    (folder / "attendance.csv").write_text(sheet(*rows), encoding="utf-8")
    out = tmp_path / "new.json"
    args = ["replan", str(plan_file), "--since", "2009-06-03", "--out", str(out)]
    result = runner.invoke(app, [*args, "--data", str(folder), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    # alpha's one session is held: the held session cannot take the no-show back
    [unseated] = json.loads(result.stdout)["no_shows_unseated"]
    assert unseated["officer"] == "ALP-0012"
    assert "has no session in region alpha on or after 2009-06-03" in unseated["reason"]
    assert "ALP-0012" in (tmp_path / "unassigned.csv").read_text("utf-8-sig")
