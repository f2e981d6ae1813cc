"""The programme workbook sent back as attendance (spec 7.2): ``attendance.xlsx`` in the data
folder or ``--attendance FILE`` (``.xlsx`` or ``.csv``) on check, export, report, replan and
validate; one reader for both formats, errors naming file, sheet and row; and the office's
cycle: export the workbook, fill it in as a region would, re-plan from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from datafactory import ALPHA, tiny, two_a_region, write_data
from trafficplan.cli import app
from trafficplan.errors import InputError
from trafficplan.inputs import load_data
from trafficplan.inputs.attendance import read_attendance
from trafficplan.plan import write_plan

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The tiny instance with two sessions a region."""
    dicts = tiny()
    dicts["constraints"]["sessions"]["per_region"] = {"min": 2, "max": 2}
    dicts["constraints"]["sessions"]["max_total"] = 4
    return write_data(tmp_path / "data", dicts)


@pytest.fixture
def workbook(folder: Path, tmp_path: Path) -> Path:
    """``programme.xlsx`` of :func:`two_a_region`, as export --xlsx writes it."""
    plan_file = tmp_path / "plan.json"
    write_plan(two_a_region(), plan_file)
    out = tmp_path / "out"
    args = ["export", str(plan_file), "--data", str(folder), "--out", str(out), "--xlsx"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out / "programme.xlsx"


def fill(
    source: Path,
    target: Path,
    marks: dict[tuple[str, str], str],
    added: list[tuple[str, str, str, str]] = (),  # type: ignore[assignment]
    sheet_edit: Any = None,
) -> Path:
    """Fill in a region's workbook as a coordinator would, with openpyxl: ``marks`` per
    (session, officer) in the attendance column, ``added`` rows (sheet, session, officer,
    status) below a sheet's roster, then ``sheet_edit(book)``; saved as ``target``."""
    book = openpyxl.load_workbook(source)
    for sheet in book.worksheets:
        header = [cell.value for cell in sheet[1]]
        if "attendance" not in header:
            continue
        column = header.index("attendance") + 1
        for row in sheet.iter_rows(min_row=2):
            key = (row[0].value, row[header.index("officer_id")].value)
            if key in marks:
                sheet.cell(row=row[0].row, column=column, value=marks[key])
    for sheet_name, session_id, officer_id, status in added:
        sheet = book[sheet_name]
        header = [cell.value for cell in sheet[1]]
        row = sheet.max_row + 1
        sheet.cell(row=row, column=header.index("session_id") + 1, value=session_id)
        sheet.cell(row=row, column=header.index("officer_id") + 1, value=officer_id)
        sheet.cell(row=row, column=header.index("attendance") + 1, value=status)
    if sheet_edit is not None:
        sheet_edit(book)
    book.save(target)
    return target


def alpha_held() -> dict[tuple[str, str], str]:
    """alpha-01: 7 came (one typed ``Present``), 3 did not."""
    marks = {("alpha-01", o): "present" for o in ALPHA[:7]}
    marks[("alpha-01", ALPHA[0])] = "Present "  # as typed: capital letter, trailing space
    marks.update({("alpha-01", o): "absent" for o in ALPHA[7:10]})
    return marks


# ----- reading ----------------------------------------------------------------------------------
def test_the_filled_workbook_reads_as_the_same_records_as_a_csv(
    folder: Path, workbook: Path
) -> None:
    data = load_data(folder)
    filled = fill(
        workbook,
        folder / "attendance.xlsx",
        alpha_held(),
        added=[("alpha", "alpha-01", "ALP-0011", "present")],
    )
    attendance = read_attendance(folder, data)
    assert attendance is not None and attendance.source == "attendance.xlsx"
    assert list(attendance.held) == ["alpha-01"]  # beta's sheet untouched: nothing held
    assert attendance.present("alpha-01") == [*ALPHA[:7], "ALP-0011"]
    assert attendance.absent("alpha-01") == ALPHA[7:10]
    assert attendance.rows[-1].place == "sheet alpha, row 22"  # the substitute's added row

    csv_rows = [f"alpha-01,{o},{s.strip().lower()}" for (_, o), s in alpha_held().items()]
    csv_rows.append("alpha-01,ALP-0011,present")
    csv_file = filled.parent / "sheets.csv"
    csv_file.write_text("session_id,officer_id,status\n" + "\n".join(csv_rows) + "\n", "utf-8")
    from_csv = read_attendance(folder, data, csv_file)
    assert from_csv is not None
    assert [(r.session_id, r.officer_id, r.status) for r in from_csv.rows] == [
        (r.session_id, r.officer_id, r.status) for r in attendance.rows
    ]


def test_empty_attendance_cells_are_not_recorded(folder: Path, workbook: Path) -> None:
    shutil.copy(workbook, folder / "attendance.xlsx")
    attendance = read_attendance(folder, load_data(folder))
    assert attendance is not None and attendance.rows == []


@pytest.mark.parametrize(
    ("marks", "added", "expected"),
    [
        (
            {("alpha-01", "ALP-0004"): "prsent"},
            [],
            "attendance.xlsx: sheet alpha, row 5: 'prsent' is not present or absent",
        ),
        (
            {},
            [("beta", "beta-01", "NOBODY", "present")],
            "attendance.xlsx: sheet beta, row 22: unknown officer 'NOBODY'",
        ),
        (
            {},
            [("beta", "", "BET-0011", "present")],
            "attendance.xlsx: sheet beta, row 22: empty session_id",
        ),
        (
            {("alpha-01", "ALP-0001"): "present"},
            [("alpha", "alpha-01", "ALP-0001", "absent")],
            "attendance.xlsx: sheet alpha, row 22: officer ALP-0001 is listed again for "
            "session alpha-01 (first on sheet alpha, row 2)",
        ),
        (
            {("alpha-01", "ALP-0001"): "present"},
            [("beta", "beta-01", "ALP-0001", "present")],
            "attendance.xlsx: sheet beta, row 22: officer ALP-0001 is marked present in "
            "beta-01 and in alpha-01 (sheet alpha, row 2)",
        ),
    ],
)
def test_each_defect_names_the_file_sheet_and_row(
    folder: Path,
    workbook: Path,
    marks: dict[tuple[str, str], str],
    added: list[tuple[str, str, str, str]],
    expected: str,
) -> None:
    fill(workbook, folder / "attendance.xlsx", marks, added)
    with pytest.raises(InputError) as caught:
        read_attendance(folder, load_data(folder))
    assert caught.value.lines() == [expected]


def test_a_tampered_workbook_gives_clear_errors_and_exit_3(
    folder: Path, workbook: Path, tmp_path: Path
) -> None:
    def tamper(book: Any) -> None:
        book["alpha"]["N1"] = "came?"  # the attendance column renamed
        notes = book.create_sheet("Notes")  # a sheet of the region's own
        notes["A1"] = "call the trainer"
        book.create_sheet("Sheet1")  # an empty sheet: harmless
        del book["Schedule"]  # a fixed sheet removed: harmless

    fill(workbook, folder / "attendance.xlsx", alpha_held(), sheet_edit=tamper)
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 3, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert lines == [
        "Error: attendance.xlsx: sheet alpha, row 1: no attendance column in the header: a "
        "region sheet's first row names session_id, officer_id and attendance (as export "
        "--xlsx wrote it); restore the header, or remove the sheet if it is not a region's "
        "roster",
        "Error: attendance.xlsx: sheet Notes, row 1: no session_id, officer_id and attendance "
        "column in the header: a region sheet's first row names session_id, officer_id and "
        "attendance (as export --xlsx wrote it); restore the header, or remove the sheet if it "
        "is not a region's roster",
    ]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"session_id,officer_id,status\n", "not an Excel workbook (.xlsx)"),
        (b"", "not an Excel workbook (.xlsx)"),
    ],
)
def test_a_file_that_is_no_workbook_is_an_input_error(
    folder: Path, content: bytes, expected: str
) -> None:
    (folder / "attendance.xlsx").write_bytes(content)
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 3, result.output
    assert f"Error: attendance.xlsx: {expected}" in result.stderr
    assert "Traceback" not in result.output


def test_a_folder_with_both_files_asks_which_one(folder: Path, workbook: Path) -> None:
    shutil.copy(workbook, folder / "attendance.xlsx")
    (folder / "attendance.csv").write_text("session_id,officer_id,status\n", "utf-8")
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 3
    assert "holds both attendance.csv and attendance.xlsx: keep one of them" in result.stderr
    named = runner.invoke(
        app, ["validate", "--data", str(folder), "--attendance", str(folder / "attendance.csv")]
    )
    assert named.exit_code == 0, named.output


# ----- --attendance FILE on every command that reads attendance ----------------------------------
def test_attendance_option_on_check_export_report_and_validate(
    folder: Path, workbook: Path, tmp_path: Path
) -> None:
    returned = fill(workbook, tmp_path / "returned.xlsx", alpha_held())
    plan_file = tmp_path / "plan.json"
    given = ["--data", str(folder), "--attendance", str(returned)]

    checked = runner.invoke(app, ["check", str(plan_file), *given, "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["metrics"]["no_shows"] == 3

    out = tmp_path / "again"
    exported = runner.invoke(app, ["export", str(plan_file), *given, "--out", str(out), "--force"])
    assert exported.exit_code == 0, exported.output
    summary = (out / "summary.csv").read_text("utf-8-sig").splitlines()[1:]
    assert sum(int(line.split(",")[4]) for line in summary) == 7  # attended

    html = tmp_path / "report.html"
    reported = runner.invoke(app, ["report", str(plan_file), *given, "--html", str(html)])
    assert reported.exit_code == 0, reported.output
    assert "Attendance" in html.read_text("utf-8")

    validated = runner.invoke(app, ["validate", *given, "--plan", str(plan_file), "--json"])
    assert validated.exit_code == 0, validated.output
    document = json.loads(validated.stdout)
    assert document["attendance_file"] == str(returned)
    assert document["attendance"]["alpha"] == {
        "held_sessions": 1,
        "present": 7,
        "absent": 3,
        "substitutes": 0,
    }
    human = runner.invoke(app, ["validate", *given])
    folded = "".join(human.stdout.split())  # a title longer than its table is folded
    assert f"Attendance({returned})" in folded


@pytest.mark.parametrize("command", ["check", "export", "report", "replan", "validate"])
def test_attendance_option_refuses_other_files_and_missing_ones(
    folder: Path, tmp_path: Path, command: str
) -> None:
    plan_file = tmp_path / "plan.json"
    write_plan(two_a_region(), plan_file)
    args = {
        "check": ["check", str(plan_file)],
        "export": ["export", str(plan_file), "--out", str(tmp_path / "out")],
        "report": ["report", str(plan_file), "--html", str(tmp_path / "r.html")],
        "replan": [
            "replan",
            str(plan_file),
            "--since",
            "2009-06-03",
            "--out",
            str(tmp_path / "n.json"),
        ],
        "validate": ["validate"],
    }[command]
    wrong = runner.invoke(app, [*args, "--data", str(folder), "--attendance", "sheets.txt"])
    assert wrong.exit_code == 2, wrong.output
    assert "--attendance sheets.txt: give the workbook sent back (.xlsx) or an attendance CSV" in (
        wrong.stderr
    )
    missing = tmp_path / "nowhere.xlsx"
    gone = runner.invoke(app, [*args, "--data", str(folder), "--attendance", str(missing)])
    assert gone.exit_code == 3, gone.output
    assert f"Error: {missing}: no such file (--attendance)" in gone.stderr


def test_an_unknown_session_in_the_workbook_is_named_with_its_sheet_and_row(
    folder: Path, workbook: Path, tmp_path: Path
) -> None:
    fill(
        workbook, folder / "attendance.xlsx", {}, added=[("beta", "beta-07", "BET-0001", "absent")]
    )
    result = runner.invoke(app, ["check", str(tmp_path / "plan.json"), "--data", str(folder)])
    assert result.exit_code == 3
    assert "attendance.xlsx: sheet beta, row 22: session 'beta-07' is not in the plan" in (
        result.stderr
    )


# ----- the office's cycle -----------------------------------------------------------------------
def test_replan_from_the_workbook_sent_back_is_the_replan_from_the_same_csv(
    folder: Path, workbook: Path, tmp_path: Path
) -> None:
    """Export the workbook, fill alpha's sheet as a region would (seven present, three absent,
    a substitute added below the roster; beta's sheet untouched), re-plan from it: the same
    plan and change list as from the equivalent attendance.csv."""
    plan_file = tmp_path / "plan.json"
    returned = fill(
        workbook,
        tmp_path / "returned.xlsx",
        alpha_held(),
        added=[("alpha", "alpha-01", "ALP-0011", "present")],
    )
    rows = [f"alpha-01,{o},{s.strip().lower()}" for (_, o), s in alpha_held().items()]
    rows.append("alpha-01,ALP-0011,present")
    sheets_csv = tmp_path / "attendance.csv"
    sheets_csv.write_text("session_id,officer_id,status\n" + "\n".join(rows) + "\n", "utf-8")

    def replan(attendance: Path, out: Path) -> dict[str, Any]:
        args = ["replan", str(plan_file), "--since", "2009-06-03", "--out", str(out)]
        args += ["--data", str(folder), "--attendance", str(attendance), "--workers", "1"]
        result = runner.invoke(app, [*args, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    from_xlsx = replan(returned, tmp_path / "x" / "plan.json")
    from_csv = replan(sheets_csv, tmp_path / "c" / "plan.json")
    for folder_name in ("x", "c"):
        assert (tmp_path / folder_name / "plan.json").is_file()
    assert (tmp_path / "x" / "plan.json").read_bytes() == (
        tmp_path / "c" / "plan.json"
    ).read_bytes()
    assert (tmp_path / "x" / "plan.changes.csv").read_bytes() == (
        tmp_path / "c" / "plan.changes.csv"
    ).read_bytes()
    assert from_xlsx["counts"] == from_csv["counts"]
    assert from_xlsx["counts"]["reseated"] == 3
    new = json.loads((tmp_path / "x" / "plan.json").read_text())
    held = next(s for s in new["sessions"] if s["id"] == "alpha-01")
    assert held["held"] is True and held["officers"] == sorted([*ALPHA[:7], "ALP-0011"])
