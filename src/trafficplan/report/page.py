"""The self-contained HTML page: a Jinja2 template (autoescaped) with plotly.js inlined once.

The page loads nothing from the network: plotly.js is written into a ``<script>`` element of
the page itself, every figure is a ``<div>`` plus an inline call to ``Plotly.newPlot``, styles
are inline, fonts are the reader's system fonts, and a Content-Security-Policy forbids the
browser to fetch anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import plotly.io as pio
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from trafficplan import i18n
from trafficplan.plan.levels import decimals
from trafficplan.report.content import ReportContent, share
from trafficplan.report.figures import COMPONENT_COLOURS, ReportFigure
from trafficplan.report.tradeoff import amount
from trafficplan.report.words import component_label

TEMPLATE = "report.html.j2"
PRINT_WIDTH_PX = 720
"""The width the charts are drawn at for printing: an A4 page less 10 mm margins (190 mm at
96 px per inch is 718 px), so a printed chart's text has its screen size."""
# No button may send the chart anywhere: no cloud sharing, no server to send it to.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud", "select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


@dataclass(frozen=True)
class EmbeddedFigure:
    """A figure as the template places it: slug, title and the figure's own HTML."""

    slug: str
    title: str
    html: Markup


def _num(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return i18n.format_number(value, digits)


def _eur(value: float | None) -> str:
    return _num(value, 2)


def _euro(value: float) -> str:
    # English keeps the sign before the amount, as the report always wrote it
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return f"€ {_eur(value)}"
    return f"{_eur(value)}\u00a0€"


def _pct(value: float | None) -> str:
    return "–" if value is None else i18n.format_percent(value)


def _day(value: date) -> str:
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return f"{value:%a %d %b %Y}"
    return i18n.short_date(value)


def _long_day(value: date) -> str:
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return _day(value)
    return i18n.day_month_year(value)


def _cell_date(value: date) -> str:
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return value.isoformat()
    from babel.dates import format_date

    return format_date(value, "dd.MM.y", locale=i18n.current_language())


def _stamp(value: datetime) -> str:
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return value.strftime("%d %b %Y, %H:%M UTC")
    return f"{i18n.day_month_year(value.date())}, {value:%H:%M} UTC"


def _stamp_day(value: datetime) -> str:
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return value.strftime("%d %b %Y")
    return i18n.day_month_year(value.date())


def _objective_cell(value: float | None, name: str) -> str:
    return "-" if value is None else i18n.format_number(value, decimals(name))


_FILTERS = (
    _num,
    _eur,
    _euro,
    _pct,
    _day,
    _long_day,
    _cell_date,
    _stamp,
    _stamp_day,
    _objective_cell,
)
"""The template's filters of this module, each named as its function without the ``_``."""


def _message(text: str, values: dict[str, Any]) -> Markup:
    # The catalogue's text is trusted markup; every value put into it is escaped.
    return Markup(text).format(**values) if values else Markup(text)


def _gettext(message: str, /, **values: Any) -> Markup:
    return _message(i18n.gettext(message), values)


def _ngettext(singular: str, plural: str, number: int, /, **values: Any) -> Markup:
    return _message(i18n.ngettext(singular, plural, number), values)


def _pgettext(context: str, message: str, /, **values: Any) -> Markup:
    return _message(i18n.pgettext(context, message), values)


def _element(tag: str, text: str, /, **attributes: str) -> Markup:
    attrs = Markup("").join(
        Markup(' {}="{}"').format(name.rstrip("_"), value) for name, value in attributes.items()
    )
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attrs, text)


def _plotly_config() -> dict[str, Any]:
    language = i18n.current_language()
    if language == i18n.SOURCE_LANGUAGE:
        return PLOTLY_CONFIG
    return {**PLOTLY_CONFIG, "locale": language}


def chart_locale() -> Markup | None:
    """The charts' own words (toolbar buttons, notices) and date and number formats in the
    current language, as a plotly.js locale to register before the charts are drawn (None
    in English, plotly.js's own language)."""
    language = i18n.current_language()
    if language == i18n.SOURCE_LANGUAGE:
        return None
    from babel.dates import get_day_names, get_month_names
    from babel.numbers import get_decimal_symbol, get_group_symbol

    dictionary = {
        "Autoscale": i18n.pgettext("chart toolbar", "Autoscale"),
        "Compare data on hover": i18n.pgettext("chart toolbar", "Compare data on hover"),
        "Double-click on legend to isolate one trace": i18n.pgettext(
            "chart toolbar", "Double-click on legend to isolate one trace"
        ),
        "Double-click to zoom back out": i18n.pgettext(
            "chart toolbar", "Double-click to zoom back out"
        ),
        "Download plot": i18n.pgettext("chart toolbar", "Download plot"),
        "Download plot as a PNG": i18n.pgettext("chart toolbar", "Download plot as a PNG"),
        "Image download succeeded": i18n.pgettext("chart toolbar", "Image download succeeded"),
        "Pan": i18n.pgettext("chart toolbar", "Pan"),
        "Preparing image - this may take a few seconds": i18n.pgettext(
            "chart toolbar", "Preparing image - this may take a few seconds"
        ),
        "Reset axes": i18n.pgettext("chart toolbar", "Reset axes"),
        "Show closest data on hover": i18n.pgettext("chart toolbar", "Show closest data on hover"),
        "Sorry, there was a problem downloading your image!": i18n.pgettext(
            "chart toolbar", "Sorry, there was a problem downloading your image!"
        ),
        "Toggle Spike Lines": i18n.pgettext("chart toolbar", "Toggle Spike Lines"),
        "Toggle show closest data on hover": i18n.pgettext(
            "chart toolbar", "Toggle show closest data on hover"
        ),
        "Zoom": i18n.pgettext("chart toolbar", "Zoom"),
        "Zoom in": i18n.pgettext("chart toolbar", "Zoom in"),
        "Zoom out": i18n.pgettext("chart toolbar", "Zoom out"),
    }
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    days = get_day_names("wide", locale=language)
    short_days = get_day_names("abbreviated", locale=language)
    locale = {
        "moduleType": "locale",
        "name": language,
        "dictionary": dictionary,
        "format": {
            "days": [days[d] for d in sunday_first],
            "shortDays": [short_days[d] for d in sunday_first],
            "months": [get_month_names("wide", locale=language)[m] for m in range(1, 13)],
            "shortMonths": [
                get_month_names("abbreviated", locale=language)[m] for m in range(1, 13)
            ],
            "decimal": get_decimal_symbol(language),
            "thousands": get_group_symbol(language),
            "date": "%d.%m.%Y",
        },
    }
    # the same escaping as plotly's own figure JSON: nothing in it can close the script
    text = json.dumps(locale, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e"))


def figure_html(figure: ReportFigure) -> EmbeddedFigure:
    """The figure as an HTML fragment that relies on the page's one inlined plotly.js."""
    fragment = pio.to_html(
        figure.figure,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=f"figure-{figure.slug}",
        config=_plotly_config(),
        default_width="100%",
        default_height=f"{figure.height}px",
        validate=False,
    )
    return EmbeddedFigure(figure.slug, figure.title, Markup(fragment))


def template_environment() -> Environment:
    """The Jinja2 environment of the report: package templates, autoescape on."""
    env = Environment(
        loader=PackageLoader("trafficplan.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({function.__name__.lstrip("_"): function for function in _FILTERS})
    env.filters.update(
        component=component_label,
        tradeoff_amount=lambda value, name: amount(name, value),
    )
    # Messages are marked as in the code (``_``, ``ngettext``, ``pgettext``, with
    # ``{placeholder}`` values) so that ``pybabel extract`` finds them with the same keywords.
    env.globals.update(
        share=share,
        _=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        span=lambda text, **attributes: _element("span", text, **attributes),
        code=lambda text: _element("code", text),
        em=lambda text: _element("em", text),
        link=lambda text, href: _element("a", text, href=href),
    )
    return env


def render_page(content: ReportContent, figures: list[ReportFigure], plotly_js: str) -> str:
    """The whole HTML page, in the current language (:func:`trafficplan.i18n.use_language`).

    Args:
        content: what the report shows.
        figures: the charts; each is placed in its section by its slug.
        plotly_js: the plotly.js library to inline (``plotly.offline.get_plotlyjs()``).
    """
    env = template_environment()
    names = {region.id: region.name for region in content.regions}
    env.filters["region_name"] = lambda region_id: names.get(region_id, region_id)
    template = env.get_template(TEMPLATE)
    return template.render(
        lang=i18n.current_language(),
        chart_locale=chart_locale(),
        c=content,
        charts={f.slug: figure_html(f) for f in figures},
        colours=COMPONENT_COLOURS,
        plotly_js=Markup(plotly_js),
        print_width=PRINT_WIDTH_PX,
    )
