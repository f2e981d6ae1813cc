"""``sign-in/<session_id>.pdf`` (``export --pdf``, spec 7.2): the sheet officers sign at a
session, printed on A4.

The first page names the programme and its organisation, the course, the date, the times, the
venue with its address, the region's police directorate with its contact, the trainers with
phone and e-mail and the NGOs with their contacts; then the rostered officers in the roster's
order (by officer id, as ``rosters/<region>.csv`` lists them) with their number, name, id,
district and an empty signature cell; then five blank rows for substitutes, and lines for the
trainer's signature. A roster up to :data:`ROWS_ON_ONE_PAGE` officers fits one page; a longer
one goes on over more pages, each with the table's header again, and every page's foot says
``Page x of y`` with the session.
"""

from __future__ import annotations

from typing import Any

from trafficplan.exports.documents import (
    ACCENT,
    FONT_FAMILY,
    INK,
    MUTED,
    clip,
    fit_text,
    long_date,
    new_pdf,
    pdf_bytes,
    session_course,
    session_times,
)
from trafficplan.i18n import gettext as _
from trafficplan.i18n import pgettext
from trafficplan.i18n.data import district_names
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import PlanSession

SUBSTITUTE_ROWS = 5
MARGIN = 14.0
TOP = 10.0
BOTTOM = 13.0
"""Page margins in mm (the foot line sits in the bottom margin)."""
ROW = 6.0
HEAD_ROW = 6.0
COLUMNS = (("No.", 9.0), ("Name", 66.0), ("ID", 24.0), ("District", 37.0), ("Signature", 46.0))
"""The roster table's columns and their widths in mm (182 mm: A4 less the margins)."""


def _column_title(title: str) -> str:
    titles = {
        "No.": pgettext("sign-in column", "No."),
        "Name": pgettext("sign-in column", "Name"),
        "ID": pgettext("sign-in column", "ID"),
        "District": pgettext("sign-in column", "District"),
        "Signature": pgettext("sign-in column", "Signature"),
    }
    return titles[title]


CLOSING = 13.0
"""Height of the trainer's signature lines below the table."""
ROWS_ON_ONE_PAGE = 25
"""The longest roster that fits one page with the five substitute rows (checked by a test)."""


def _footer(pdf: Any, session: PlanSession, place: str) -> None:
    pdf.set_y(-BOTTOM + 3)
    pdf.set_font(FONT_FAMILY, "", 7.5)
    pdf.set_text_color(*MUTED)
    width = pdf.w - 2 * MARGIN
    text = _("Sign-in sheet, session {session}, {place}").format(session=session.id, place=place)
    pdf.cell(width * 0.8, 4, clip(pdf, text, width * 0.78))
    page = _("Page {page} of {pages}").format(page=pdf.page_no(), pages="{nb}")
    pdf.cell(width * 0.2, 4, page, align="R")


def _heading(pdf: Any, data: ProblemData, session: PlanSession) -> None:
    """The first page's heading: programme, title, and the session's particulars."""
    programme = data.constraints.programme
    width = pdf.w - 2 * MARGIN
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT_FAMILY, "B", 9.5)
    title = programme.title or _("Training programme")
    pdf.multi_cell(width, 4.4, title, align="L", new_x="LMARGIN")
    if programme.organisation:
        pdf.set_font(FONT_FAMILY, "", 8.5)
        pdf.multi_cell(width, 4.2, programme.organisation, align="L", new_x="LMARGIN")
    pdf.ln(1.5)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT_FAMILY, "B", 17)
    pdf.cell(width * 0.62, 8.5, _("Sign-in sheet"))
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(
        width * 0.38,
        8.5,
        _("Session {session}").format(session=session.id),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(*INK)
    pdf.set_font(FONT_FAMILY, "B", 11)
    pdf.multi_cell(width, 5.4, session_course(data, session).title, align="L", new_x="LMARGIN")
    pdf.ln(1.5)

    venue = data.venue_by_id[session.venue]
    region = data.region_by_id[session.region]
    trainers = [data.trainer_by_id[t] for t in dict.fromkeys(session.trainers)]
    ngos = [data.ngo_by_id[n] for n in dict.fromkeys(session.ngos)]
    left = [
        (_("Date"), long_date(session.date)),
        (_("Time"), session_times(data)),
        (_("Venue"), venue.name + (f"\n{venue.address}" if venue.address else "")),
        (_("Region"), region.name),
    ]
    right = [
        (
            _("Trainer") if len(trainers) == 1 else _("Trainers"),
            "\n".join(
                ", ".join(part for part in (t.name, t.phone, t.email) if part) for t in trainers
            )
            or "–",
        ),
        (
            _("NGO") if len(ngos) == 1 else _("NGOs"),
            "\n".join(f"{n.name}" + (f"\n{n.contact}" if n.contact else "") for n in ngos) or "–",
        ),
    ]
    top = pdf.get_y()
    half = width / 2
    bottoms = []
    for offset, items in ((0.0, left), (half + 2, right)):
        pdf.set_y(top)
        for label, value in items:
            pdf.set_x(MARGIN + offset)
            pdf.set_font(FONT_FAMILY, "", 8)
            pdf.set_text_color(*MUTED)
            pdf.cell(17, 4.3, label)
            pdf.set_font(FONT_FAMILY, "", 9)
            pdf.set_text_color(*INK)
            pdf.multi_cell(half - 19, 4.3, value, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.5)
        bottoms.append(pdf.get_y())
    pdf.set_y(max(bottoms) + 2)


def _table_header(pdf: Any) -> None:
    pdf.set_font(FONT_FAMILY, "B", 8.5)
    pdf.set_fill_color(221, 230, 240)
    pdf.set_text_color(*INK)
    for title, width in COLUMNS:
        align = "C" if title == "No." else "L"
        pdf.cell(width, HEAD_ROW, _column_title(title), border=1, fill=True, align=align)
    pdf.ln(HEAD_ROW)


def _row(pdf: Any, cells: tuple[str, str, str, str]) -> None:
    for (title, width), text in zip(COLUMNS, (*cells, ""), strict=True):
        size = 9.0 if title == "Name" else 8.0
        pdf.set_font(FONT_FAMILY, "", size)
        if text:
            fit_text(pdf, text, width - 2, size)
            text = clip(pdf, text, width - 2)
        pdf.cell(width, ROW, text, border=1, align="C" if title == "No." else "L")
    pdf.ln(ROW)


def _room(pdf: Any) -> float:
    """Height left on the page above the bottom margin, in mm."""
    return float(pdf.h - BOTTOM - pdf.get_y())


def sign_in_sheet(data: ProblemData, session: PlanSession) -> tuple[bytes, int]:
    """The sign-in sheet of ``session`` as PDF bytes, and its number of pages.

    The plan's ids must be known to ``data``.
    """
    from fpdf import FPDF

    region = data.region_by_id[session.region]
    place = f"{region.name}, {long_date(session.date)}"

    class Sheet(FPDF):
        def footer(self) -> None:
            _footer(self, session, place)

    pdf = new_pdf(title=_("Sign-in sheet {session}").format(session=session.id), pdf_class=Sheet)
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _heading(pdf, data, session)
    _table_header(pdf)

    officers = [data.officer_by_id[o] for o in sorted(dict.fromkeys(session.officers))]
    districts = district_names(data)
    after_roster = HEAD_ROW + SUBSTITUTE_ROWS * ROW + CLOSING
    for number, officer in enumerate(officers, start=1):
        left = len(officers) - number  # rows after this one
        need = ROW + (after_roster if left == 0 else 0)
        if _room(pdf) < need:
            _continue(pdf, session)
        district = districts.get(officer.district, officer.district)
        _row(pdf, (str(number), officer.name, officer.id, district))
    if _room(pdf) < after_roster:
        _continue(pdf, session)
    pdf.set_font(FONT_FAMILY, "B", 8.5)
    pdf.set_fill_color(240, 244, 248)
    width = sum(w for _, w in COLUMNS)
    pdf.cell(
        width,
        HEAD_ROW,
        _("Substitutes (officers present who are not on the list above): name, ID, district"),
        border=1,
        fill=True,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for _blank in range(SUBSTITUTE_ROWS):
        _row(pdf, ("", "", "", ""))
    _closing(pdf, data, session)
    return pdf_bytes(pdf), pdf.page_no()


def _continue(pdf: Any, session: PlanSession) -> None:
    """A new page going on with the table: a short heading and the header row again."""
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 10)
    pdf.set_text_color(*ACCENT)
    pdf.cell(
        0,
        6,
        _("Sign-in sheet, session {session} (continued)").format(session=session.id),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(1)
    _table_header(pdf)


def _closing(pdf: Any, data: ProblemData, session: PlanSession) -> None:
    """The trainer's name and signature, and the number of officers present, to fill in."""
    trainers = [data.trainer_by_id[t].name for t in dict.fromkeys(session.trainers)]
    pdf.ln(5)
    pdf.set_font(FONT_FAMILY, "", 8.5)
    pdf.set_text_color(*MUTED)
    label = _("Trainer") if len(trainers) <= 1 else _("Trainers")
    pdf.cell(74, 6, clip(pdf, f"{label}: {', '.join(trainers) or '–'}", 72))
    pdf.cell(17, 6, _("Signature"))
    pdf.cell(46, 6, "", border="B")
    pdf.cell(4, 6, "")
    pdf.cell(27, 6, _("Officers present"))
    pdf.cell(14, 6, "", border="B", new_x="LMARGIN", new_y="NEXT")
