"""The report on paper (issue 27): A4 pages without the charts' toolbar, each chart a picture
drawn at the page's width, and the appendix saying when and with which version the report was
made; printed to PDF with headless Chromium where it is installed."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SHIPPED_DATA
from test_report import (
    chromium,
    needs_chromium,
    open_in_chromium,
    run_report,
    tiny_plan,
    write_plan_file,
)
from trafficplan import __version__
from trafficplan.inputs import load_data
from trafficplan.plan import parse_plan
from trafficplan.report import build_report
from trafficplan.report.page import PRINT_WIDTH_PX

MADE = datetime(2008, 7, 1, 9, 30, tzinfo=UTC)


def test_the_page_prints_on_a4_without_the_chart_toolbar(tiny_folder: Path) -> None:
    html = build_report(load_data(tiny_folder), parse_plan(tiny_plan()), "plan.json").html()
    assert "@page { size: A4; margin: 12mm 10mm; }" in html
    print_css = html[html.index("@media print {") : html.index("</style>")]
    assert ".modebar, .modebar-container { display: none !important; }" in print_css
    assert ".chart.has-print-chart .print-chart { display: block; width: 100%;" in print_css
    # the pictures for printing are drawn at the page's width, by plotly, in the page
    assert f"var PRINT_WIDTH = {PRINT_WIDTH_PX};" in html
    assert 'Plotly.toImage(plot, {format: "svg", width: PRINT_WIDTH' in html


def test_the_appendix_says_when_and_with_which_version(tiny_folder: Path) -> None:
    report = build_report(load_data(tiny_folder), parse_plan(tiny_plan()), "plan.json", now=MADE)
    html = report.html()
    appendix = html[html.index('id="appendix"') :]
    assert f"Report made on 01 Jul 2008, 09:30 UTC with trafficplan {__version__}." in appendix
    assert f"Made with trafficplan {__version__} on 01 Jul 2008." in appendix


def print_to_pdf(page: Path, work: Path) -> tuple[PdfReader, str]:
    """``page`` printed by headless Chromium (what a user's Print does), and its DOM then."""
    pdf = work / "printed.pdf"
    open_in_chromium(page, work, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}"])
    dom, _, _ = open_in_chromium(page, work, ["--dump-dom"])
    return PdfReader(pdf), dom


def assert_a4(reader: PdfReader) -> None:
    for page in reader.pages:
        width, height = (float(v) for v in page.mediabox.upper_right)
        assert (round(width), round(height)) == (595, 842)


@pytest.mark.browser
@needs_chromium
def test_the_printed_report_is_a_few_a4_pages_with_every_chart(
    tmp_path: Path, tiny_folder: Path
) -> None:
    path = write_plan_file(tmp_path, tiny_plan(), tiny_folder)
    page = tmp_path / "report.html"
    result = run_report(str(path), "--data", str(tiny_folder), "--html", str(page))
    assert result.exit_code == 0, result.output
    reader, dom = print_to_pdf(page, tmp_path)
    assert 2 <= len(reader.pages) <= 6, len(reader.pages)
    assert_a4(reader)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in ("Summary", "Calendar", "Costs", "Technical appendix", __version__):
        assert expected in text, expected
    # every chart got its picture for printing
    assert dom.count('class="chart has-print-chart"') == 4
    assert dom.count('<img class="print-chart"') == 4


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed")
def test_the_shipped_plan_prints_on_a_dozen_pages_at_most(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, folder)
    from typer.testing import CliRunner

    from trafficplan.cli import app

    plan = tmp_path / "plan.json"
    solved = CliRunner().invoke(app, ["solve", "--data", str(folder), "--out", str(plan)])
    assert solved.exit_code == 0, solved.output
    page = tmp_path / "report.html"
    assert run_report(str(plan), "--data", str(folder), "--html", str(page)).exit_code == 0
    reader, dom = print_to_pdf(page, tmp_path)
    # 72 sessions listed in full, 12 regions, 248 districts folded: about nine pages
    assert 6 <= len(reader.pages) <= 12, len(reader.pages)
    assert_a4(reader)
    assert dom.count('<img class="print-chart"') == 4
