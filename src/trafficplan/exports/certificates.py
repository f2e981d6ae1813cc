"""``certificates/<region>.pdf`` (``export --pdf``, spec 7.2): a certificate of attendance for
every officer present at a held session of the region, one A4 landscape page each.

A session is held when the sign-in sheets (``attendance.csv`` or the workbook sent back) have
a row for it; the officers marked ``present`` there, substitutes included, get a certificate,
in the order of the sessions' dates and then of the sheet. Each names the officer, the course,
the date, the place, the programme, the organisation and the donor (where the data give
them), the trainer, and a reference ``<session id>/<officer id>`` that ties it to the sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from trafficplan.exports.documents import (
    ACCENT,
    FONT_FAMILY,
    INK,
    LINE,
    MUTED,
    fit_text,
    long_date,
    new_pdf,
    pdf_bytes,
    session_course,
    venue_place,
)
from trafficplan.i18n import gettext as _
from trafficplan.i18n import pgettext
from trafficplan.i18n.data import district_names
from trafficplan.inputs.attendance import Attendance
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import PlanSession

FRAME = 9.0
"""Distance of the outer frame from the page's edge, in mm."""


def certified(
    sessions: Iterable[PlanSession], attendance: Attendance
) -> list[tuple[PlanSession, str]]:
    """The (session, officer) pairs that get a certificate: the officers present at each held
    session, sessions by date then id, officers in the order of the sign-in sheet."""
    pairs: list[tuple[PlanSession, str]] = []
    for session in sorted(sessions, key=lambda s: (s.date, s.id)):
        if session.id not in attendance.held:
            continue
        pairs.extend(
            (session, officer) for officer in dict.fromkeys(attendance.present(session.id))
        )
    return pairs


def region_certificates(
    data: ProblemData, pairs: list[tuple[PlanSession, str]], region_name: str
) -> bytes:
    """One PDF with a certificate page for each (session, officer) of ``pairs``."""
    title = _("Certificates of attendance, {region}").format(region=region_name)
    pdf = new_pdf(orientation="landscape", title=title)
    pdf.set_auto_page_break(False)
    pdf.set_margins(FRAME + 14, FRAME + 10, FRAME + 14)
    for session, officer_id in pairs:
        _certificate(pdf, data, session, officer_id)
    return pdf_bytes(pdf)


def _centred(
    pdf: Any,
    text: str,
    size: float,
    height: float,
    style: str = "",
    colour: tuple[int, int, int] = INK,
) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _took_part(name: str) -> str:
    """ "took part in the", as the officer's name tells: in Ukrainian the verb agrees with
    the officer, whose patronymic (``Іванович``, ``Іванівна``) says it."""
    last = name.split()[-1].casefold() if name.split() else ""
    if last.endswith("ич"):
        return pgettext("certificate, a man", "took part in the")
    if last.endswith(("івна", "ївна", "овна")):
        return pgettext("certificate, a woman", "took part in the")
    return _("took part in the")


def _certificate(pdf: Any, data: ProblemData, session: PlanSession, officer_id: str) -> None:
    programme = data.constraints.programme
    officer = data.officer_by_id[officer_id]
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(FRAME, FRAME, pdf.w - 2 * FRAME, pdf.h - 2 * FRAME)
    pdf.set_line_width(0.3)
    pdf.rect(FRAME + 2.5, FRAME + 2.5, pdf.w - 2 * FRAME - 5, pdf.h - 2 * FRAME - 5)
    pdf.set_draw_color(*LINE)

    pdf.set_y(FRAME + 17)
    if programme.organisation:
        _centred(pdf, programme.organisation, 11, 5.5, colour=MUTED)
    pdf.ln(7)
    _centred(pdf, _("Certificate of attendance"), 28, 13, "B", ACCENT)
    pdf.ln(6)
    _centred(pdf, _("This is to certify that"), 12, 7, colour=MUTED)
    pdf.ln(2)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(FONT_FAMILY, "B", 24)
    fit_text(pdf, officer.name, width, 24, smallest=12)
    pdf.set_text_color(*INK)
    pdf.cell(width, 12, officer.name, align="C", new_x="LMARGIN", new_y="NEXT")
    district = district_names(data).get(officer.district, officer.district)
    who = f"{officer.id}, {district}, {data.region_by_id[officer.region].name}"
    _centred(pdf, who, 10, 5.5, colour=MUTED)
    pdf.ln(5)
    _centred(pdf, _took_part(officer.name), 12, 6.5, colour=MUTED)
    _centred(pdf, session_course(data, session).title, 16, 8, "B")
    pdf.ln(1)
    when = _("on {date} at {place}").format(
        date=long_date(session.date), place=venue_place(data, session)
    )
    _centred(pdf, when, 12, 6.5)
    if programme.title:
        pdf.ln(4)
        _centred(pdf, _("as part of the programme"), 11, 6, colour=MUTED)
        _centred(pdf, programme.title, 12.5, 6.5, "B")
    if programme.donor:
        pdf.ln(2)
        support = _("with the support of {donor}").format(donor=programme.donor)
        _centred(pdf, support, 11, 6, colour=MUTED)

    # signatures and the reference, from the bottom up
    bottom = pdf.h - FRAME - 14
    trainers = [data.trainer_by_id[t].name for t in dict.fromkeys(session.trainers)]
    left_x, right_x, line = pdf.l_margin + 10, pdf.w - pdf.r_margin - 90, 80
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(left_x, bottom - 12, left_x + line, bottom - 12)
    pdf.line(right_x, bottom - 12, right_x + line, bottom - 12)
    pdf.set_font(FONT_FAMILY, "", 9.5)
    pdf.set_text_color(*INK)
    pdf.set_xy(left_x, bottom - 10.5)
    label = _("Trainer") if len(trainers) <= 1 else _("Trainers")
    pdf.cell(line, 5, f"{label}: {', '.join(trainers) or '–'}", align="C")
    pdf.set_xy(right_x, bottom - 10.5)
    pdf.cell(line, 5, _("For the organisers"), align="C")
    pdf.set_font(FONT_FAMILY, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(pdf.l_margin, bottom - 1)
    reference = _("Reference {session}/{officer}").format(session=session.id, officer=officer.id)
    pdf.cell(width, 4, reference, align="C")
