"""What the printed documents share (spec 7.2): the course of a session, dates and times in
words, and an A4 PDF page with the package's own font.

The PDFs are written with fpdf2 in DejaVu Sans, a font with Latin, Cyrillic and Greek letters
that ships inside this package (``exports/fonts/``, with its licence, which allows
redistribution): fpdf2's wheels carry no font beyond the PDF core fonts, which have no
Cyrillic, and a machine where trafficplan was just installed with pip may have no system font
at all. Only the glyphs a document uses are embedded, so a sign-in sheet weighs some 30 kB.
The bytes of a document depend on its content only (a fixed creation date), so exporting the
same plan again leaves the files ``unchanged``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trafficplan import i18n
from trafficplan.i18n import N_
from trafficplan.i18n import gettext as _
from trafficplan.inputs.problem import ProblemData
from trafficplan.plan import PlanSession

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
DOCUMENT_DATE = datetime(2000, 1, 1, tzinfo=UTC)
"""The creation date in each PDF's metadata: fixed, so the bytes depend on the content."""
INK = (31, 41, 51)
MUTED = (97, 110, 124)
ACCENT = (31, 78, 121)
LINE = (150, 160, 170)

DEFAULT_COURSE = "meeting"
"""The one course of a programme without ``courses`` (spec 7.1)."""
DEFAULT_COURSE_TITLE = N_("Training and networking meeting")


@dataclass(frozen=True)
class Course:
    """The course a session belongs to: its id and its title as printed."""

    id: str
    title: str


def session_course(data: ProblemData, session: PlanSession) -> Course:
    """The course of ``session``, as sheets, sign-in sheets and certificates print it.

    Every session is of one course today, ``meeting`` (spec 7.1: a programme without
    ``courses``), titled by the data where they give a course title and else
    :data:`DEFAULT_COURSE_TITLE`. The one place to read a session's course from when the
    data may list several.
    """
    course_id = getattr(session, "course", None) or DEFAULT_COURSE
    courses = getattr(data.constraints, "courses", None) or []
    for course in courses:
        if getattr(course, "id", None) == course_id and getattr(course, "title", None):
            return Course(course_id, str(course.title))
    return Course(course_id, _(DEFAULT_COURSE_TITLE))


def long_date(day: date) -> str:
    """``Wednesday, 16 July 2008`` in the current language whatever the machine's locale
    (``середа, 16 липня 2008 р.``, :func:`trafficplan.i18n.long_date`)."""
    return i18n.long_date(day)


def session_times(data: ProblemData) -> str:
    """``10:00–17:00 (Kyiv time)`` when the data set session times, else ``all day``."""
    rules = data.constraints.sessions
    if rules.start_time is None or rules.end_time is None:
        return _("all day")
    return _("{start}–{end} (Kyiv time)").format(
        start=f"{rules.start_time:%H:%M}", end=f"{rules.end_time:%H:%M}"
    )


def venue_place(data: ProblemData, session: PlanSession) -> str:
    """Where a session takes place: the venue's name and address (else its region's centre)."""
    venue = data.venue_by_id[session.venue]
    region = data.region_by_id[session.region]
    return f"{venue.name}, {venue.address or region.centre.city}"


LETTERS = (
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A and -B
    (0x02B0, 0x02FF),  # spacing modifier letters (the Ukrainian apostrophe ʼ, as CLDR writes it)
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and its supplement (Ukrainian ґ є і ї included)
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # punctuation: dashes, quotes, ellipsis
    (0x20A0, 0x20CF),  # currency signs (€, ₴)
    (0x2100, 0x214F),  # letter-like symbols (№)
)
"""The characters the documents' font keeps (see :func:`font_path`)."""


def shipped_font(style: str) -> Path:
    """The package's font file in ``style`` (``""`` regular, ``"B"`` bold), as shipped."""
    resource = resources.files("trafficplan.exports") / "fonts" / FONT_FILES[style]
    with resources.as_file(resource) as path:
        return Path(path)


@cache
def _font_folder() -> Path | None:
    """A private folder holding the shipped fonts cut to :data:`LETTERS`, made once per
    process and removed when it ends; None if they cannot be made.

    A PDF library reads a whole font file for each document it writes; the shipped fonts
    hold some 6,000 glyphs, the cut ones some 1,500, which halves the time of a sign-in sheet
    (72 of them on the shipped data). The glyphs kept are the shipped ones, unchanged.
    """
    import atexit
    import shutil
    import tempfile

    from fontTools import subset
    from fontTools.ttLib import TTFont

    folder = Path(tempfile.mkdtemp(prefix="trafficplan-fonts-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM"]
    unicodes = [code for low, high in LETTERS for code in range(low, high + 1)]
    try:
        for style, name in FONT_FILES.items():
            font = TTFont(shipped_font(style), recalcTimestamp=False)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=unicodes)
            subsetter.subset(font)
            font.save(folder / name)
    except Exception:  # any failure: the shipped files work, only slower
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def font_path(style: str) -> Path:
    """The font file the documents use in ``style``: the shipped font cut to the letters
    the documents need (:func:`_font_folder`), else the shipped font itself."""
    folder = _font_folder()
    if folder is not None:
        return folder / FONT_FILES[style]
    return shipped_font(style)


def new_pdf(orientation: str = "portrait", title: str = "", pdf_class: Any = None) -> FPDF:
    """An empty A4 PDF with the package's font registered and a fixed creation date."""
    from fpdf import FPDF

    pdf: FPDF = (pdf_class or FPDF)(orientation=orientation, unit="mm", format="A4")
    pdf.set_creation_date(DOCUMENT_DATE)
    pdf.set_producer("trafficplan")
    pdf.set_creator("trafficplan export --pdf")
    if title:
        pdf.set_title(title)
    for style in FONT_FILES:
        pdf.add_font(FONT_FAMILY, style, str(font_path(style)))
    pdf.set_font(FONT_FAMILY, "", 10)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*LINE)
    return pdf


def fit_text(pdf: FPDF, text: str, width: float, size: float, smallest: float = 6.5) -> float:
    """The font size, at most ``size`` and at least ``smallest``, at which ``text`` fits in
    ``width`` mm in the current font; sets it. Text still too wide is cut by :func:`clip`."""
    current = size
    while current > smallest:
        pdf.set_font_size(current)
        if pdf.get_string_width(text) <= width:
            return current
        current -= 0.5
    pdf.set_font_size(smallest)
    return smallest


def clip(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def pdf_bytes(pdf: FPDF) -> bytes:
    """The finished document."""
    return bytes(pdf.output())
