"""The self-contained HTML page: a Jinja2 template (autoescaped) with plotly.js inlined once.

The page loads nothing from the network: plotly.js is written into a ``<script>`` element of
the page itself, every figure is a ``<div>`` plus an inline call to ``Plotly.newPlot``, styles
are inline, fonts are the reader's system fonts, and a Content-Security-Policy forbids the
browser to fetch anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import plotly.io as pio
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

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
    return f"{value:,.{digits}f}"


def _eur(value: float | None) -> str:
    return _num(value, 2)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _day(value: date) -> str:
    return f"{value:%a %d %b %Y}"


def figure_html(figure: ReportFigure) -> EmbeddedFigure:
    """The figure as an HTML fragment that relies on the page's one inlined plotly.js."""
    fragment = pio.to_html(
        figure.figure,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=f"figure-{figure.slug}",
        config=PLOTLY_CONFIG,
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
    env.filters.update(
        num=_num,
        eur=_eur,
        pct=_pct,
        day=_day,
        component=component_label,
        tradeoff_amount=lambda value, name: amount(name, value),
    )
    env.globals["share"] = share
    return env


def render_page(content: ReportContent, figures: list[ReportFigure], plotly_js: str) -> str:
    """The whole HTML page.

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
        c=content,
        charts={f.slug: figure_html(f) for f in figures},
        colours=COMPONENT_COLOURS,
        plotly_js=Markup(plotly_js),
        print_width=PRINT_WIDTH_PX,
    )
