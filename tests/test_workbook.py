"""``export --xlsx`` (spec 7.2): ``programme.xlsx`` read back with openpyxl (a library other
than the one that writes it) and held against the CSV files of the same export, sheet by
sheet; typed cells, frozen headers, the attendance list, formula-like text kept as text."""

from __future__ import annotations

import csv
import json
from datetime import datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from datafactory import ALPHA, BETA, tiny, tiny_session, write_data
from trafficplan.cli import app
from trafficplan.exports.workbook import region_sheet_names
from trafficplan.inputs.problem import COST_COMPONENTS
from trafficplan.plan import Plan, write_plan

runner = CliRunner()

FORMULA_NAMES = [
    '=HYPERLINK("http://x","click")',
    "+380 50",
    "-1",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
]


def cyrillic(data: dict[str, Any]) -> dict[str, Any]:
    """The tiny instance with Cyrillic venue, NGO and trainer names, contacts, session times,
    costs, and five alpha officers named like formulas."""
    alpha, beta = data["regions"]["regions"]
    alpha["name"] = "Альфа"
    alpha["venues"][0].update(name="Зал Альфа", address="вул. Шевченка 1, Альфа", day_rate_eur=40)
    alpha["ngos"][0].update(name="Жіночий центр Альфа", contact="+380 44 000 02 01")
    beta["venues"][0]["name"] = "Зал Бета"
    data["trainers"]["trainers"][0].update(
        name="Олена Коваленко", email="o.kovalenko@example.org", phone="+380 50 000 00 01"
    )
    data["constraints"]["sessions"].update(start_time="10:00", end_time="17:00", per_person_eur=12)
    data["constraints"]["programme"] = {
        "title": "Зустрічі з протидії торгівлі людьми",
        "organisation": "Координатор проектів ОБСЄ в Україні",
        "donor": "Міністерство закордонних справ Данії",
    }
    for officer, name in zip(data["officers"][15:20], FORMULA_NAMES, strict=True):
        officer["name"] = name
    return data


def published() -> Plan:
    """alpha-01 on 1 June with ALP 1-15 and t01; beta-01 on 2 June with BET 1-12 and t02:
    ALP 16-20 and BET 13-20 have no session."""
    return Plan(
        status="feasible",
        sessions=[
            tiny_session("alpha-01", 1, "t01", ALPHA[:15]),
            tiny_session("beta-01", 2, "t02", BETA[:12]),
        ],
    )


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """The export folder of :func:`published` with ``--xlsx``."""
    folder = write_data(tmp_path / "data", cyrillic(tiny()))
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["export", str(plan_file), "--data", str(folder), "--out", str(out), "--xlsx"]
    )
    assert result.exit_code == 0, result.output
    return out


def read_csv(path: Path) -> list[list[str]]:
    """A CSV export's cells as their text: the CSV's own formula guard (a leading ``'``)
    taken off, since the workbook keeps text as it is and guards it its own way."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [[unguarded(cell) for cell in row] for row in csv.reader(handle)]


def unguarded(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t") else cell


def sheet_rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_csv_text(value: Any) -> str:
    """A workbook cell as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return str(value)


def test_the_workbook_has_every_sheet_and_each_matches_its_csv(exported: Path) -> None:
    book = openpyxl.load_workbook(exported / "programme.xlsx")
    assert book.sheetnames == ["Schedule", "alpha", "beta", "Unassigned", "Costs", "Summary"]

    for name, csv_file in (
        ("Schedule", "schedule.csv"),
        ("Unassigned", "unassigned.csv"),
    ):
        rows = sheet_rows(book[name])
        assert [[as_csv_text(v) for v in row] for row in rows] == read_csv(exported / csv_file)

    for region in ("alpha", "beta"):
        rows = sheet_rows(book[region])
        roster = read_csv(exported / "rosters" / f"{region}.csv")
        width = len(roster[0])
        assert rows[0][: width + 1] == [*roster[0], "attendance"]
        assert [[as_csv_text(v) for v in row[:width]] for row in rows[1:]] == roster[1:]
        assert {row[width] for row in rows[1:]} == {None}  # no attendance recorded yet

    costs = sheet_rows(book["Costs"])
    assert costs[0] == ["region", *COST_COMPONENTS, "total"]
    expected = {(r, c): float(e) for r, c, e in read_csv(exported / "costs.csv")[1:]}
    by_region = {row[0]: row for row in costs[1:]}
    for (region, component), eur in expected.items():
        assert by_region[region][1 + COST_COMPONENTS.index(component)] == pytest.approx(eur)
    for region in ("alpha", "beta"):
        assert by_region[region][-1] == pytest.approx(
            sum(e for (r, _), e in expected.items() if r == region)
        )
    assert costs[-1][0] == "total"
    assert costs[-1][-1] == pytest.approx(sum(expected.values()))

    summary = sheet_rows(book["Summary"])
    summary_csv = read_csv(exported / "summary.csv")
    assert [[as_csv_text(v) for v in row] for row in summary[:-1]] == summary_csv
    assert summary[-1][0] == "total"
    assert summary[-1][2:] == [sum(int(r[i]) for r in summary_csv[1:]) for i in range(2, 7)]


def test_each_region_sheet_lists_its_reserves_beside_the_roster(exported: Path) -> None:
    book = openpyxl.load_workbook(exported / "programme.xlsx")
    reserves = read_csv(exported / "reserves.csv")
    session_region = {row[0]: row[3] for row in read_csv(exported / "schedule.csv")[1:]}
    for region in ("alpha", "beta"):
        sheet = book[region]
        rows = sheet_rows(sheet)
        start = len(read_csv(exported / "rosters" / f"{region}.csv")[0]) + 2  # one empty column
        assert {row[start - 1] for row in rows} == {None}
        assert rows[0][start:] == [
            "reserve_for",
            "reserve_rank",
            "reserve_officer_id",
            "reserve_officer_name",
            "reserve_district",
            "reserve_now",
        ]
        block = [[as_csv_text(v) for v in row[start:]] for row in rows[1:]]
        expected = [row for row in reserves[1:] if session_region[row[0]] == region]
        assert expected, "the tiny plan leaves officers out, so every session has reserves"
        assert [row for row in block if any(row)] == expected
        assert isinstance(rows[1][start + 1], int)  # the rank is a number
        # the roster's filter stops before the reserves: sorting the roster leaves them be
        assert sheet.auto_filter.ref.endswith(
            f"{openpyxl.utils.get_column_letter(start - 1)}"
            f"{len([r for r in rows if r[0] is not None])}"
        )


def test_the_reserves_beside_a_roster_are_never_read_as_attendance(
    exported: Path, tmp_path: Path
) -> None:
    """A region that scribbles in the reserves (a tick, a name) changes no attendance."""
    book = openpyxl.load_workbook(exported / "programme.xlsx")
    sheet = book["alpha"]
    start = len(sheet_rows(sheet)[0]) - 6
    sheet.cell(row=2, column=start + 1, value="present")  # reserve_for, 1-based
    sheet.cell(row=3, column=start + 6, value="absent")
    attendance = sheet_rows(sheet)[0].index("attendance") + 1
    sheet.cell(row=2, column=attendance, value="present")  # the first roster row's
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    from trafficplan.inputs.attendance_xlsx import read_workbook_rows

    rows, problems = read_workbook_rows(filled, "filled.xlsx")
    assert problems == []
    assert [(r.place, r.session_id, r.officer_id, r.status) for r in rows] == [
        ("sheet alpha, row 2", "alpha-01", "ALP-0001", "present")
    ]


def test_cells_are_typed_frozen_and_the_attendance_column_is_a_list(exported: Path) -> None:
    book = openpyxl.load_workbook(exported / "programme.xlsx")
    schedule = book["Schedule"]
    assert isinstance(schedule["B2"].value, datetime) and schedule["B2"].is_date
    assert schedule["B2"].number_format == "yyyy-mm-dd"
    assert schedule["H2"].data_type == "n" and schedule["H2"].value == 15
    alpha = book["alpha"]
    assert alpha["H2"].value == time(10, 0)  # start_time as a spreadsheet time
    assert alpha["E2"].value == "Офіцер ALP 1"  # Cyrillic text as text
    costs = book["Costs"]
    assert costs["B2"].data_type == "n" and costs["B2"].number_format == "#,##0.00"
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
        for letter, dimension in sheet.column_dimensions.items():
            assert 6 <= dimension.width <= 62, (sheet.title, letter)
    # the widest column fits its longest text
    assert alpha.column_dimensions["I"].width >= len("Зал Альфа")
    assert alpha.column_dimensions["K"].width >= len("Олена Коваленко")

    validations = alpha.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].type == "list" and validations[0].formula1 == '"present,absent"'
    assert str(validations[0].sqref) == "N2:N1048576"  # rows a region adds are checked too


def test_text_that_looks_like_a_formula_stays_text(exported: Path) -> None:
    book = openpyxl.load_workbook(exported / "programme.xlsx")
    unassigned = {row[0].value: row[1] for row in book["Unassigned"].iter_rows(min_row=2)}
    for officer_id, name in zip(ALPHA[15:20], FORMULA_NAMES, strict=True):
        cell = unassigned[officer_id]
        assert cell.data_type == "s" and cell.value == name  # a string, never a formula
        assert cell.quotePrefix  # and it stays text when a user edits the cell
    # the raw XML holds no formula element at all
    import zipfile

    with zipfile.ZipFile(exported / "programme.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_the_workbook_is_filled_from_recorded_attendance(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", tiny())
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    rows = ["session_id,officer_id,status", "alpha-01,ALP-0001,present"]
    rows += ["alpha-01,ALP-0002,absent", "alpha-01,ALP-0019,present"]
    (folder / "attendance.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["export", str(plan_file), "--data", str(folder), "--out", str(out), "--xlsx"]
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    alpha = sheet_rows(openpyxl.load_workbook(out / "programme.xlsx")["alpha"])
    header = alpha[0]
    filled = {
        row[header.index("officer_id")]: (
            row[header.index("status")],
            row[header.index("attendance")],
        )
        for row in alpha[1:]
    }
    assert filled["ALP-0001"] == ("present", "present")
    assert filled["ALP-0002"] == ("absent", "absent")
    assert filled["ALP-0019"] == ("substitute", "present")
    assert filled["ALP-0003"] == ("absent", None)  # rostered, not on the sheet: nothing said


def test_without_xlsx_the_export_is_as_before_and_the_same_plan_gives_the_same_bytes(
    tmp_path: Path,
) -> None:
    folder = write_data(tmp_path / "data", cyrillic(tiny()))
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    plain, with_xlsx = tmp_path / "plain", tmp_path / "xlsx"
    base = ["export", str(plan_file), "--data", str(folder)]
    assert runner.invoke(app, [*base, "--out", str(plain)]).exit_code == 0
    assert runner.invoke(app, [*base, "--out", str(with_xlsx), "--xlsx"]).exit_code == 0

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    before, after = files(plain), files(with_xlsx)
    assert set(after) - set(before) == {"programme.xlsx"}
    assert "programme.xlsx" not in before
    assert {k: v for k, v in after.items() if k != "programme.xlsx"} == before

    again = runner.invoke(app, [*base, "--out", str(with_xlsx), "--xlsx", "--json"])
    assert again.exit_code == 0, again.output
    entry = next(f for f in json.loads(again.stdout)["files"] if f["kind"] == "workbook")
    assert entry == {**entry, "path": "programme.xlsx", "sheets": 6, "status": "unchanged"}


def test_sheet_names_fit_spreadsheet_limits_and_never_take_a_fixed_sheet() -> None:
    names = region_sheet_names(["costs", "summary", "a" * 40, "a" * 41, "lviv"])
    assert names["lviv"] == "lviv"
    assert names["costs"] != "costs" and names["costs"].startswith("costs-")
    assert all(len(name) <= 31 for name in names.values())
    assert len({name.casefold() for name in names.values()}) == len(names)


def test_tab_cr_and_nul_at_the_start_of_a_text_get_the_quote_prefix(
    tmp_path: Path, tiny_folder: Path
) -> None:
    from trafficplan.exports.workbook import _Writer
    from trafficplan.inputs import load_data

    writer = _Writer(load_data(tiny_folder))
    texts = ["\tx", "\ry", "\0z", "=1+1", "plain"]
    writer.sheet("texts", ["text"], [[t] for t in texts], ["text"])
    path = tmp_path / "texts.xlsx"
    path.write_bytes(writer.close())
    sheet = openpyxl.load_workbook(path)["texts"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * 5
    assert [bool(c.quotePrefix) for c in cells] == [True, True, True, True, False]
