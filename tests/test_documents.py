"""``export --pdf`` (spec 7.2): sign-in sheets and certificates of attendance, read back with a
PDF text library (pypdf) to find the Cyrillic names and every particular, and one page drawn
to PNG (pypdfium2) to see that it is a page and not a blank."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from datafactory import ALPHA, BETA, tiny, tiny_session, write_data
from trafficplan.cli import app
from trafficplan.exports.documents import FONT_FILES, long_date, session_course, shipped_font
from trafficplan.exports.signin import ROWS_ON_ONE_PAGE, sign_in_sheet
from trafficplan.inputs import load_data
from trafficplan.plan import Plan, write_plan

runner = CliRunner()


def cyrillic(data: dict[str, Any], alpha_officers: int = 20) -> dict[str, Any]:
    """The tiny instance with Cyrillic names and contacts, the programme's metadata, session
    times, and ``alpha_officers`` officers in alpha (a venue seating them all)."""
    alpha, beta = data["regions"]["regions"]
    alpha["name"] = "Альфа"
    alpha["contact"] = "Управління поліції, +380 44 000 01 00"
    alpha["venues"][0].update(name="Зал Альфа", address="вул. Шевченка 1, Альфа", capacity=50)
    alpha["ngos"][0].update(name="Жіночий центр «Альфа»", contact="Гаряча лінія +380 44 000 02 01")
    beta["venues"][0]["name"] = "Зал Бета"
    data["trainers"]["trainers"][0].update(
        name="Олена Коваленко", email="o.kovalenko@example.org", phone="+380 50 000 00 01"
    )
    data["constraints"]["sessions"].update(start_time="10:00", end_time="17:00")
    data["constraints"]["sessions"]["officers"]["max"] = 50
    data["constraints"]["programme"] = {
        "title": "Зустрічі з протидії торгівлі людьми",
        "organisation": "Координатор проектів ОБСЄ в Україні",
        "donor": "Міністерство закордонних справ Данії",
    }
    for number in range(21, alpha_officers + 1):
        data["officers"].append(
            {
                "id": f"ALP-{number:04d}",
                "name": f"Офіцер ALP {number}",
                "region": "alpha",
                "district": "alpha-north",
                "unavailable": "",
            }
        )
    return data


def text_of(path_or_bytes: Path | bytes) -> list[str]:
    """The text of each page, whitespace runs made one space."""
    import io

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return [" ".join(page.extract_text().split()) for page in PdfReader(source).pages]


def published(alpha: list[str] = ALPHA[:15]) -> Plan:
    return Plan(
        status="feasible",
        sessions=[
            tiny_session("alpha-01", 1, "t01", alpha),
            tiny_session("beta-01", 2, "t02", BETA[:12]),
        ],
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data", cyrillic(tiny()))


def export_pdf(folder: Path, plan: Plan, out: Path, *extra: str) -> dict[str, Any]:
    plan_file = out.parent / "plan.json"
    write_plan(plan, plan_file)
    args = ["export", str(plan_file), "--data", str(folder), "--out", str(out), "--pdf"]
    result = runner.invoke(app, [*args, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ----- sign-in sheets ---------------------------------------------------------------------------
def test_a_sign_in_sheet_per_session_with_every_particular(folder: Path, tmp_path: Path) -> None:
    document = export_pdf(folder, published(), tmp_path / "out")
    sheets = {f["path"]: f for f in document["files"] if f["kind"] == "sign_in"}
    assert set(sheets) == {"sign-in/alpha-01.pdf", "sign-in/beta-01.pdf"}
    assert sheets["sign-in/alpha-01.pdf"]["pages"] == 1
    assert not any(f["kind"] == "certificates" for f in document["files"])  # nothing held

    reader = PdfReader(tmp_path / "out" / "sign-in" / "alpha-01.pdf")
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    (page,) = text_of(tmp_path / "out" / "sign-in" / "alpha-01.pdf")
    data = load_data(folder)
    for expected in (
        "Зустрічі з протидії торгівлі людьми",
        "Координатор проектів ОБСЄ в Україні",
        "Sign-in sheet",
        session_course(data, published().sessions[0]).title,
        "Monday, 1 June 2009",
        "10:00–17:00",
        "Зал Альфа",
        "вул. Шевченка 1, Альфа",
        "Олена Коваленко, +380 50 000 00 01, o.kovalenko@example.org",
        "Жіночий центр «Альфа»",
        "Гаряча лінія +380 44 000 02 01",
        "Signature",
        "Substitutes",
        "Page 1 of 1",
    ):
        assert expected in page, expected
    # the rostered officers in the roster's order, each with id and district
    positions = [page.index(f"Офіцер ALP {n} ALP-{n:04d}") for n in range(1, 16)]
    assert positions == sorted(positions)
    assert "Офіцер ALP 16" not in page
    assert "alpha-north" in page and "alpha-south" in page


def test_a_long_roster_goes_on_over_pages_with_page_x_of_y(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", cyrillic(tiny(), alpha_officers=48))
    data = load_data(folder)
    officers = [f"ALP-{n:04d}" for n in range(1, 49)]
    content, pages = sign_in_sheet(data, tiny_session("alpha-01", 1, "t01", officers))
    assert pages == 2
    first, second = text_of(content)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "(continued)" in second and "Signature" in second  # the header row again
    assert "Substitutes" not in first and "Substitutes" in second
    every = first + " " + second
    for number in range(1, 49):
        assert f"Офіцер ALP {number} ALP-{number:04d}" in every


def test_the_longest_roster_of_the_shipped_data_fits_one_page(tmp_path: Path) -> None:
    # 25 officers a session, with the shipped data's programme, times and contacts
    from conftest import SHIPPED_DATA

    data = load_data(SHIPPED_DATA)
    officers = [o.id for o in data.officers_by_region["lviv"][:ROWS_ON_ONE_PAGE]]
    session = tiny_session("lviv-01", 1, "t01", officers).model_copy(
        update={"region": "lviv", "venue": data.region_by_id["lviv"].venues[0].id}
    )
    ngo = data.region_by_id["lviv"].ngos[0].id
    content, pages = sign_in_sheet(data, session.model_copy(update={"ngos": [ngo]}))
    assert pages == 1
    assert "Page 1 of 1" in text_of(content)[0]


# ----- certificates -----------------------------------------------------------------------------
def test_certificates_for_every_officer_present_at_a_held_session(
    folder: Path, tmp_path: Path
) -> None:
    rows = [f"alpha-01,{o},present" for o in ALPHA[:12]]
    rows += [f"alpha-01,{o},absent" for o in ALPHA[12:15]]
    rows += ["alpha-01,ALP-0019,present"]  # a substitute
    (folder / "attendance.csv").write_text(
        "session_id,officer_id,status\n" + "\n".join(rows) + "\n", "utf-8"
    )
    document = export_pdf(folder, published(), tmp_path / "out", "--force")
    certificates = {f["path"]: f for f in document["files"] if f["kind"] == "certificates"}
    assert list(certificates) == ["certificates/alpha.pdf"]  # beta held nothing
    assert certificates["certificates/alpha.pdf"]["pages"] == 13

    path = tmp_path / "out" / "certificates" / "alpha.pdf"
    reader = PdfReader(path)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    pages = text_of(path)
    names = [re.search(r"Офіцер ALP \d+", page).group(0) for page in pages]  # type: ignore[union-attr]
    assert names == [f"Офіцер ALP {n}" for n in [*range(1, 13), 19]]
    first = pages[0]
    data = load_data(folder)
    for expected in (
        "Certificate of attendance",
        "Офіцер ALP 1",
        session_course(data, published().sessions[0]).title,
        long_date(published().sessions[0].date),
        "Зал Альфа, вул. Шевченка 1, Альфа",
        "Зустрічі з протидії торгівлі людьми",
        "Координатор проектів ОБСЄ в Україні",
        "Міністерство закордонних справ Данії",
        "Олена Коваленко",
        "alpha-01/ALP-0001",
    ):
        assert expected in first, expected
    assert not any("Офіцер ALP 13 " in page for page in pages)  # absent: no certificate


def test_documents_are_the_same_bytes_for_the_same_plan(folder: Path, tmp_path: Path) -> None:
    export_pdf(folder, published(), tmp_path / "out")
    again = export_pdf(folder, published(), tmp_path / "out")
    statuses = {f["status"] for f in again["files"] if f["kind"] == "sign_in"}
    assert statuses == {"unchanged"}


def test_without_pdf_nothing_is_printed(folder: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    out = tmp_path / "out"
    args = ["export", str(plan_file), "--data", str(folder), "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    assert not (out / "sign-in").exists() and not (out / "certificates").exists()


def test_the_font_ships_with_the_package_and_its_licence() -> None:
    for style in FONT_FILES:
        path = shipped_font(style)
        assert path.is_file() and path.stat().st_size > 100_000
    assert (shipped_font("").parent / "LICENSE-DejaVu.txt").is_file()


# ----- what a page looks like -------------------------------------------------------------------
def test_a_sign_in_page_draws_to_png(folder: Path, tmp_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 renders PDF pages to PNG")
    export_pdf(folder, published(), tmp_path / "out")
    document = pdfium.PdfDocument(tmp_path / "out" / "sign-in" / "alpha-01.pdf")
    image = document[0].render(scale=1).to_pil().convert("L")
    png = tmp_path / "alpha-01.png"
    image.save(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert abs(image.size[0] - 595) <= 1 and abs(image.size[1] - 842) <= 1  # A4 at 72 dpi
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.size[0] * image.size[1])
    assert 0.01 < dark < 0.3  # text and table lines on a white page: neither blank nor black
    document.close()


def test_a_file_where_the_sign_in_folder_goes_is_refused_before_any_work(
    folder: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    write_plan(published(), plan_file)
    out = tmp_path / "out"
    out.mkdir()
    (out / "sign-in").write_text("not a folder", "utf-8")
    args = ["export", str(plan_file), "--data", str(folder), "--out", str(out), "--pdf"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert f"--out {out / 'sign-in'}: is a file, not a folder" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["sign-in"]  # nothing written
