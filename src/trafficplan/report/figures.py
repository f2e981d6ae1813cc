"""The report's charts as plotly figures, drawn from :class:`ReportContent`.

The same figures go into the HTML page and, through plotly's static export, into PNG files.
Only trace types that need nothing from the network are used: the map is a plain
``go.Scatter`` over longitude/latitude axes with a coarse outline shipped with the package
(no ``scattergeo``, no map tiles, no topojson).
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from trafficplan import i18n
from trafficplan.i18n import N_, ngettext
from trafficplan.i18n import gettext as _
from trafficplan.inputs.models import MAXIMISED_OBJECTIVES
from trafficplan.report.content import RegionRow, ReportContent, WeekColumn
from trafficplan.report.tradeoff import TradeoffView, amount
from trafficplan.report.words import component_label
from trafficplan.scenarios.tradeoff import DECIMALS

DAY_MS = 86_400_000
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
REGION_PALETTE = (*qualitative.Dark24, *qualitative.Light24)
CLOSED_ROW = N_("Closed days")
LEAVE_COLOUR = "rgba(214, 39, 40, 0.25)"
TRAVEL_COLOUR = "#5f6b7a"
SHORT_TRAVEL_COLOUR = "#d62728"
WEEKEND_COLOUR = "rgba(0, 0, 0, 0.035)"
HOLIDAY_COLOUR = "rgba(214, 39, 40, 0.12)"
HOVER = "%{customdata}<extra></extra>"
"""Hover template of every trace: the text given as its ``customdata``, no trace-name box."""


@dataclass(frozen=True)
class ReportFigure:
    """One chart of the report: a file-name slug, a title, the figure and its PNG size."""

    slug: str
    title: str
    figure: go.Figure
    width: int
    height: int


def text(value: object) -> str:
    """A user-supplied string made safe for plotly's HTML-like text (labels, hovers)."""
    return html.escape(str(value), quote=False)


def region_colours(content: ReportContent) -> dict[str, str]:
    """One colour per region, in the order of ``regions.yaml``, shared by every chart."""
    return {
        region.id: REGION_PALETTE[index % len(REGION_PALETTE)]
        for index, region in enumerate(content.regions)
    }


def _english() -> bool:
    return i18n.current_language() == i18n.SOURCE_LANGUAGE


def _base_layout(fig: go.Figure, title: str, height: int) -> None:
    fig.update_layout(
        template="plotly_white",
        title={"text": text(title), "x": 0.01, "xanchor": "left"},
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        hoverlabel={"font": {"family": FONT}},
    )
    if not _english():
        # the locale's decimal sign and grouping in ticks and hovers (d3: decimal, thousands)
        fig.update_layout(separators=_separators())


def _separators() -> str:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    language = i18n.current_language()
    return get_decimal_symbol(language) + get_group_symbol(language)


def _day_month(day: date) -> str:
    """``16 Jul`` (``16 лип.``)."""
    if _english():
        return f"{day:%d %b}"
    from babel.dates import format_date

    return format_date(day, "d MMM", locale=i18n.current_language())


def _full_day(day: date) -> str:
    """``Wed 16 Jul 2008`` (``ср, 16 лип. 2008 р.``)."""
    return f"{day:%a %d %b %Y}" if _english() else i18n.short_date(day)


def _week_hover(column: WeekColumn) -> str:
    sunday = column.monday + timedelta(days=6)
    if _english():
        last = f"{sunday:%d %b %Y}"
    else:
        from babel.dates import format_date

        last = format_date(sunday, "medium", locale=i18n.current_language())
    return _("ISO week {week} of {year} ({first} to {last})").format(
        week=column.week[1], year=column.week[0], first=_day_month(column.monday), last=last
    )


def _cell_heatmap(
    x: list[str],
    y: list[int] | list[str],
    z: list[list[int | None]],
    labels: list[list[str]],
    hovers: list[list[str]],
    name: str,
    font_size: int = 10,
    **style: object,
) -> go.Heatmap:
    """A heatmap of labelled cells with a gap between them, each with its own hover text;
    ``style`` sets the rest (colours, range, colour bar)."""
    return go.Heatmap(
        x=x,
        y=y,
        z=z,
        text=labels,
        texttemplate="%{text}",
        textfont={"size": font_size},
        customdata=hovers,
        hovertemplate=HOVER,
        xgap=2,
        ygap=2,
        name=name,
        **style,
    )


def calendar_figure(content: ReportContent) -> ReportFigure:
    """Region x ISO-week heatmap: sessions and officers per cell, with a closed-days row."""
    columns = content.weeks
    x = [column.label for column in columns]
    rows = [text(region.name) for region in content.regions]
    z: list[list[int | None]] = []
    labels: list[list[str]] = []
    hovers: list[list[str]] = []
    for region in content.regions:
        z_row, label_row, hover_row = [], [], []
        for column in columns:
            sessions, officers = content.calendar_cells.get((region.id, column.week), (0, 0))
            z_row.append(sessions or None)
            label_row.append(f"{sessions} / {officers}" if sessions else "")
            counts = _("{sessions}, {officers}").format(
                sessions=ngettext("{count} session(s)", "{count} session(s)", sessions).format(
                    count=sessions
                ),
                officers=ngettext("{count} officer(s)", "{count} officer(s)", officers).format(
                    count=officers
                ),
            )
            hover_row.append(f"<b>{text(region.name)}</b><br>{_week_hover(column)}<br>{counts}")
        z.append(z_row)
        labels.append(label_row)
        hovers.append(hover_row)
    peak = max((cell[0] for cell in content.calendar_cells.values()), default=1)

    fig = go.Figure()
    # Numeric rows (0 = closed days, then one per region) rather than categories: plotly
    # misplaces the cell texts of several heatmaps sharing a categorical axis.
    fig.add_trace(
        _cell_heatmap(
            x,
            list(range(1, len(rows) + 1)),
            z,
            labels,
            hovers,
            _("sessions"),
            colorscale="Blues",
            zmin=0,
            zmax=max(peak, 1),
            colorbar={"title": {"text": _("sessions")}, "thickness": 12, "len": 0.6, "dtick": 1},
        )
    )
    closed_z = [[len(column.closed_days) or None for column in columns]]
    closed_text = [
        ["<br>".join(_short(day.reason) for day in column.closed_days) for column in columns]
    ]
    closed_hover = [
        [
            _week_hover(column)
            + "".join(
                f"<br>{_full_day(day.date)}: {text(day.reason)}" for day in column.closed_days
            )
            if column.closed_days
            else _week_hover(column) + "<br>" + _("no closed weekday")
            for column in columns
        ]
    ]
    fig.add_trace(
        _cell_heatmap(
            x,
            [0],
            closed_z,
            closed_text,
            closed_hover,
            _(CLOSED_ROW),
            font_size=9,
            colorscale=[[0, "#f6c9c9"], [1, "#e06666"]],
            zmin=1,
            zmax=max(2, max((len(c.closed_days) for c in columns), default=1)),
            showscale=False,
        )
    )
    closed_lines = [
        f"{_full_day(day.date)}: {text(day.reason)}"
        for column in columns
        for day in column.closed_days
    ]
    per_line = 4
    footer = _("Closed weekdays: {days}").format(
        days=";<br>".join(
            "; ".join(closed_lines[i : i + per_line]) for i in range(0, len(closed_lines), per_line)
        )
        if closed_lines
        else _("none")
    )
    # below the week labels, which are longer in some languages ("т. 29, 14 лип.")
    label_px = 0 if _english() else 14
    fig.add_annotation(
        text=footer,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-50 - label_px,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        align="left",
        font={"size": 11, "color": "#a33"},
    )
    footer_px = 16 * (max(len(closed_lines) - 1, 0) // per_line)
    height = 170 + 30 * (len(rows) + 1) + footer_px + label_px
    _base_layout(fig, _("Sessions per region and ISO week (cell: sessions / officers)"), height)
    fig.update_layout(margin={"b": 80 + footer_px + label_px})
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(rows) + 1)),
        range=[len(rows) + 0.5, -0.5],
        ticktext=[_(CLOSED_ROW), *rows],
        ticksuffix=" ",
        showgrid=False,
        zeroline=False,
    )
    fig.update_xaxes(side="bottom", tickangle=-45, tickfont={"size": 10})
    width = max(900, 160 + 62 * len(columns))
    return ReportFigure("calendar", _("Calendar"), fig, width, height)


def _short(reason: str, limit: int = 16) -> str:
    reason = text(reason)
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def trainer_labels(content: ReportContent) -> dict[str, str]:
    """Each trainer's row label on the timeline: the name, with the id only where two
    trainers share a name (the rows must differ)."""
    counts = Counter(t.name for t in content.trainers)
    return {
        t.id: text(t.name if counts[t.name] == 1 else f"{t.name} ({t.id})")
        for t in content.trainers
    }


def _day_spans(days: list[date]) -> list[tuple[date, date]]:
    """Group sorted days into runs of consecutive days ``(first, last)``."""
    spans: list[tuple[date, date]] = []
    for day in days:
        if spans and day == spans[-1][1] + timedelta(days=1):
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def _bar(
    name: str, rows: list[str], starts: list[date], lengths: list[int], hovers: list[str]
) -> dict[str, object]:
    return {
        "name": name,
        "y": rows,
        "base": [start.isoformat() for start in starts],
        "x": [days * DAY_MS for days in lengths],
        "orientation": "h",
        "customdata": hovers,
        "hovertemplate": HOVER,
    }


def timeline_figure(content: ReportContent) -> ReportFigure:
    """Trainer timeline: sessions by region, travel days, leave; weekly load below.

    Weekends and closed weekdays (holidays) of the window are shaded differently.
    """
    trainer_rows = trainer_labels(content)
    order = list(trainer_rows.values())
    colours = region_colours(content)
    region_names = {r.id: r.name for r in content.regions}
    top_px, gap_px, bottom_px, row_px = 80, 100, 70, 26
    panel_px = row_px * max(len(order), 1) + 20
    height = top_px + 2 * panel_px + gap_px + bottom_px
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=gap_px / (2 * panel_px + gap_px),
        subplot_titles=(
            _("Sessions (coloured by region), travel days and leave"),
            _("Sessions per ISO week (rule trainer_per_week: at most {count})").format(
                count=content.max_per_week
            ),
        ),
    )

    leave_rows, leave_starts, leave_lengths, leave_hovers = [], [], [], []
    for trainer_id, ranges in content.leave.items():
        for r in ranges:
            leave_rows.append(trainer_rows[trainer_id])
            leave_starts.append(r.start)
            leave_lengths.append((r.end - r.start).days + 1)
            leave_hovers.append(
                f"{trainer_rows[trainer_id]}<br>" + _("unavailable {dates}").format(dates=r)
            )
    if leave_rows:
        fig.add_trace(
            go.Bar(
                **_bar(_("Leave"), leave_rows, leave_starts, leave_lengths, leave_hovers),
                marker={
                    "color": LEAVE_COLOUR,
                    "line": {"width": 0},
                    "pattern": {"shape": "/", "fgcolor": "#d62728", "size": 6},
                },
            ),
            row=1,
            col=1,
        )

    for enough, name, colour in (
        (True, _("Travel days"), TRAVEL_COLOUR),
        (False, _("Travel days (too little time)"), SHORT_TRAVEL_COLOUR),
    ):
        legs = [leg for leg in content.travel if leg.travel_days and leg.enough_time == enough]
        if not legs:
            continue
        hovers = [
            f"{trainer_rows[leg.trainer_id]}<br>{text(region_names[leg.from_region])} → "
            f"{text(region_names[leg.to_region])}: "
            + ngettext(
                "{distance} road km, {count} travel day(s)",
                "{distance} road km, {count} travel day(s)",
                leg.travel_days,
            ).format(distance=i18n.format_number(leg.road_km), count=leg.travel_days)
            + f"<br>{text(leg.from_session)} → {text(leg.to_session)}, "
            + ngettext("{count} day(s) apart", "{count} day(s) apart", leg.gap_days).format(
                count=leg.gap_days
            )
            for leg in legs
        ]
        fig.add_trace(
            go.Bar(
                **_bar(
                    name,
                    [trainer_rows[leg.trainer_id] for leg in legs],
                    [leg.first_day for leg in legs],
                    [leg.travel_days for leg in legs],
                    hovers,
                ),
                marker={
                    "color": colour,
                    "line": {"width": 0},
                    "pattern": {"shape": ".", "fgcolor": "white", "size": 4, "solidity": 0.3},
                },
                opacity=0.75,
            ),
            row=1,
            col=1,
        )

    by_region: dict[str, list] = defaultdict(list)
    for item in content.trainer_sessions:
        by_region[item.region_id].append(item)
    for region in content.regions:
        items = by_region.get(region.id)
        if not items:
            continue
        hovers = [
            f"<b>{text(item.session_id)}</b> {_full_day(item.date)}<br>"
            + (
                _("course {course}").format(course=text(item.course)) + "<br>"
                if item.course
                else ""
            )
            + f"{trainer_rows[item.trainer_id]}<br>{text(region.name)}, "
            f"{text(item.venue_name)}<br>"
            + ngettext("{count} officers", "{count} officers", item.officers).format(
                count=item.officers
            )
            for item in items
        ]
        fig.add_trace(
            go.Bar(
                **_bar(
                    text(region.name),
                    [trainer_rows[item.trainer_id] for item in items],
                    [item.date for item in items],
                    [1] * len(items),
                    hovers,
                ),
                marker={"color": colours[region.id], "line": {"width": 0}},
                legendgroup="regions",
            ),
            row=1,
            col=1,
        )

    columns = content.weeks
    week_x = [(column.monday + timedelta(days=3)).isoformat() + "T12:00:00" for column in columns]
    load_z, load_text, load_hover = [], [], []
    for trainer in content.trainers:
        z_row, text_row, hover_row = [], [], []
        for column in columns:
            count = content.weekly_load.get((trainer.id, column.week), 0)
            over = count > content.max_per_week
            z_row.append(count or None)
            text_row.append(f"{count}!" if over else (str(count) if count else ""))
            hover_row.append(
                f"{trainer_rows[trainer.id]}<br>{_week_hover(column)}<br>"
                + ngettext("{count} session(s)", "{count} session(s)", count).format(count=count)
                + (
                    _(", over the limit of {count}").format(count=content.max_per_week)
                    if over
                    else ""
                )
            )
        load_z.append(z_row)
        load_text.append(text_row)
        load_hover.append(hover_row)
    fig.add_trace(
        _cell_heatmap(
            week_x,
            order,
            load_z,
            load_text,
            load_hover,
            _("sessions per week"),
            colorscale="Greens",
            zmin=0,
            zmax=max(content.max_per_week, 1),
            showscale=False,
        ),
        row=2,
        col=1,
    )

    for (first, last), reason in _shaded_spans(content.non_working):
        fig.add_vrect(
            x0=first.isoformat(),
            x1=(last + timedelta(days=1)).isoformat(),
            fillcolor=HOLIDAY_COLOUR if reason == "holiday" else WEEKEND_COLOUR,
            line_width=0,
            layer="below",
            row=1,
            col=1,
        )

    start = min([content.window_start, *(s.date for s in content.sessions)])
    end = max([content.window_end, *(s.date for s in content.sessions)])
    fig.update_xaxes(
        type="date",
        range=[
            (start - timedelta(days=1)).isoformat(),
            (end + timedelta(days=2)).isoformat(),
        ],
        showgrid=True,
        dtick=(1 if (end - start).days <= 28 else 7) * DAY_MS,
        tick0=(start - timedelta(days=start.weekday())).isoformat(),
        tickformat="%d %b",
        tickangle=-45,
        tickfont={"size": 10},
    )
    if not _english():
        # plotly.js names months in English only: the ticks are given with the locale's names
        step = 1 if (end - start).days <= 28 else 7
        tick = start - timedelta(days=start.weekday())
        ticks: list[date] = []
        while tick <= end + timedelta(days=2):
            if tick >= start - timedelta(days=1):
                ticks.append(tick)
            tick += timedelta(days=step)
        fig.update_xaxes(
            tickmode="array",
            tickvals=[day.isoformat() for day in ticks],
            ticktext=[_day_month(day) for day in ticks],
        )
    fig.update_xaxes(showticklabels=True, row=1, col=1)
    for row in (1, 2):
        fig.update_yaxes(
            categoryorder="array",
            categoryarray=order,
            autorange="reversed",
            ticksuffix=" ",
            row=row,
            col=1,
        )
    _base_layout(fig, _("Trainers' summer: sessions, travel, leave and weekly load"), height)
    fig.update_layout(
        barmode="overlay",
        bargap=0.25,
        legend={"x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top", "font": {"size": 11}},
        margin={"t": top_px, "b": bottom_px},
    )
    width = max(1000, 200 + 9 * (end - start).days)
    return ReportFigure("trainers", _("Trainer timeline"), fig, width, height)


def _shaded_spans(non_working: dict[date, str]) -> list[tuple[tuple[date, date], str]]:
    """Runs of non-working days of one kind ("holiday" or "weekend") to shade."""
    spans: list[tuple[tuple[date, date], str]] = []
    for kind in ("weekend", "holiday"):
        days = sorted(day for day, reason in non_working.items() if reason == kind)
        spans.extend((span, kind) for span in _day_spans(days))
    return spans


@cache
def ukraine_outline() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The coarse outline of Ukraine shipped with the package, as (lons, lats)."""
    raw = resources.files("trafficplan.report").joinpath("ukraine_outline.json").read_text()
    ring = json.loads(raw)["coordinates"]
    return tuple(p[0] for p in ring), tuple(p[1] for p in ring)


def _outline_fits(lons: list[float], lats: list[float]) -> bool:
    """Whether every point lies near Ukraine, so that drawing its outline makes sense."""
    out_lons, out_lats = ukraine_outline()
    margin = 1.0
    return all(min(out_lons) - margin <= lon <= max(out_lons) + margin for lon in lons) and all(
        min(out_lats) - margin <= lat <= max(out_lats) + margin for lat in lats
    )


def _near(a: tuple[float, float], b: tuple[float, float], degrees: float = 0.1) -> bool:
    return abs(a[0] - b[0]) <= degrees and abs(a[1] - b[1]) <= degrees


def map_figure(content: ReportContent) -> ReportFigure:
    """Regional centres sized by officers trained, trainers' homes, and who teaches where."""
    colours = region_colours(content)
    regions = content.regions
    lons = [r.lon for r in regions] + [t.lon for t in content.trainers]
    lats = [r.lat for r in regions] + [t.lat for t in content.trainers]
    fig = go.Figure()
    show_outline = _outline_fits(lons, lats)
    if show_outline:
        out_lons, out_lats = ukraine_outline()
        fig.add_trace(
            go.Scatter(
                x=list(out_lons),
                y=list(out_lats),
                mode="lines",
                fill="toself",
                fillcolor="#f4f1e8",
                line={"color": "#b5ad95", "width": 1},
                hoverinfo="skip",
                name=_("Ukraine"),
                showlegend=False,
            )
        )
        lons += list(out_lons)
        lats += list(out_lats)

    centre_of = {r.id: (r.lon, r.lat) for r in regions}
    line_x: list[float | None] = []
    line_y: list[float | None] = []
    for trainer in content.trainers:
        for region_id in trainer.regions:
            lon, lat = centre_of[region_id]
            line_x += [trainer.lon, lon, None]
            line_y += [trainer.lat, lat, None]
    if line_x:
        fig.add_trace(
            go.Scatter(
                x=line_x,
                y=line_y,
                mode="lines",
                line={"color": "rgba(90, 90, 120, 0.35)", "width": 1},
                hoverinfo="skip",
                name=_("trainer teaches in region"),
            )
        )

    # Regions that share a centre (a capital city and its oblast) share one marker.
    places: dict[tuple[float, float], list[RegionRow]] = defaultdict(list)
    for region in regions:
        places[(region.lon, region.lat)].append(region)
    trained = [sum(r.officers_trained for r in group) for group in places.values()]
    peak = max(trained, default=0) or 1
    fig.add_trace(
        go.Scatter(
            x=[point[0] for point in places],
            y=[point[1] for point in places],
            mode="markers+text",
            text=[" / ".join(text(r.name) for r in group) for group in places.values()],
            textposition="top center",
            textfont={"size": 11},
            cliponaxis=False,  # a name at the map's edge stays whole
            marker={
                "size": trained,
                "sizemode": "area",
                "sizeref": 2.0 * peak / 46**2,
                "sizemin": 5,
                "color": [colours[group[0].id] for group in places.values()],
                "line": {"color": "white", "width": 1},
                "opacity": 0.85,
            },
            customdata=[
                "<br>".join(
                    f"<b>{text(r.name)}</b>: "
                    + ngettext(
                        "{trained} of {total} officers trained, {count} session(s)",
                        "{trained} of {total} officers trained, {count} session(s)",
                        r.sessions,
                    ).format(trained=r.officers_trained, total=r.officers_total, count=r.sessions)
                    for r in group
                )
                for group in places.values()
            ],
            hovertemplate=HOVER,
            name=_("regional centre (size: officers trained)"),
        )
    )

    homes: dict[tuple[float, float], list[str]] = defaultdict(list)
    cities: dict[tuple[float, float], str] = {}
    for trainer in content.trainers:
        homes[(trainer.lon, trainer.lat)].append(
            ngettext(
                "{name} ({count} sessions)", "{name} ({count} sessions)", trainer.sessions
            ).format(name=text(trainer.name), count=trainer.sessions)
        )
        cities[(trainer.lon, trainer.lat)] = trainer.home_city
    fig.add_trace(
        go.Scatter(
            x=[point[0] for point in homes],
            y=[point[1] for point in homes],
            mode="markers+text",
            # A home in a regional centre is named by the region's label already.
            text=[
                "" if any(_near(point, centre) for centre in places) else text(cities[point])
                for point in homes
            ],
            textposition="bottom center",
            textfont={"size": 10, "color": "#222"},
            marker={
                "symbol": "diamond",
                "size": 11,
                "color": "#222",
                "line": {"color": "white", "width": 1},
            },
            customdata=[
                "<b>"
                + _("Trainers' home: {city}").format(city=text(cities[point]))
                + "</b><br>"
                + "<br>".join(names)
                for point, names in homes.items()
            ],
            hovertemplate=HOVER,
            name=_("trainers' home"),
        )
    )

    pad = 0.6
    lon_range = [min(lons) - pad, max(lons) + pad]
    lat_range = [min(lats) - pad, max(lats) + pad]
    km_ratio = 1 / math.cos(math.radians((lat_range[0] + lat_range[1]) / 2))
    width = 1000
    plot_px = width - 90
    aspect = (lat_range[1] - lat_range[0]) * km_ratio / (lon_range[1] - lon_range[0])
    height = int(110 + 70 + min(max(plot_px * aspect, 300), 900))
    _base_layout(fig, _("Regions (size: officers trained) and trainers' homes"), height)
    fig.update_xaxes(
        range=lon_range,
        title={"text": _("longitude °E")},
        showgrid=True,
        gridcolor="#e3e8ee",
        zeroline=False,
        constrain="domain",
    )
    fig.update_yaxes(
        range=lat_range,
        title={"text": _("latitude °N")},
        scaleanchor="x",
        scaleratio=km_ratio,
        showgrid=True,
        gridcolor="#e3e8ee",
        zeroline=False,
        constrain="domain",
    )
    fig.update_layout(
        plot_bgcolor="#eef4f8",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"t": 110, "b": 70, "l": 70, "r": 20},
    )
    return ReportFigure("map", _("Map"), fig, width, height)


COMPONENT_COLOURS = {
    "trainer_fees": "#4e79a7",
    "trainer_travel": "#a0cbe8",
    "per_diem": "#f28e2b",
    "hotel": "#ffbe7d",
    "venue_hire": "#59a14f",
    "catering": "#e15759",
    "officer_travel": "#b07aa1",
}
"""One colour per cost component (none of the region palette's)."""


def _amount_cell(value: float) -> str:
    # English as the report always wrote it: the number here, "EUR" in the hover template
    return f"{value:,.2f}" if _english() else i18n.format_eur(value)


def _amount_hover() -> str:
    return "EUR %{customdata[0]}" if _english() else "%{customdata[0]}"


def costs_figure(content: ReportContent) -> ReportFigure:
    """Cost per region as horizontal bars stacked by component, the total at each bar's end."""
    regions = content.regions
    names = [text(region.name) for region in regions]
    fig = go.Figure()
    for component in content.cost_components_used:
        amounts = [content.region_costs.get(r.id, {}).get(component, 0.0) for r in regions]
        label = component_label(component)
        fig.add_trace(
            go.Bar(
                x=amounts,
                y=names,
                orientation="h",
                name=label,
                marker={"color": COMPONENT_COLOURS.get(component, "#888888")},
                customdata=[[_amount_cell(amount)] for amount in amounts],
                hovertemplate=(f"<b>%{{y}}</b><br>{text(label)}: {_amount_hover()}<extra></extra>"),
            )
        )
    totals = [r.cost_eur for r in regions]
    fig.add_trace(
        go.Scatter(
            x=totals,
            y=names,
            mode="text",
            text=[f"  {i18n.format_number(total)}" for total in totals],
            textposition="middle right",
            textfont={"size": 11},
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,  # the total at the longest bar's end stays whole
        )
    )
    # the legend goes below the axis: on a narrow page (printed) it wraps to more rows
    # without running into the title
    plot_px = 30 * max(1, len(regions))
    height = 200 + plot_px
    title = _("Cost by region and component, {amount} in all")
    _base_layout(fig, title.format(amount=i18n.format_eur(content.cost_eur)), height)
    fig.update_layout(
        barmode="stack",
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -62 / plot_px,  # below the tick labels and the axis title
            "x": 0,
            "traceorder": "normal",
        },
        margin={"t": 60, "b": 140, "l": 10, "r": 60},
        xaxis={
            "title": {"text": _("EUR")},
            "tickformat": ",.0f",
            "range": [0, 1.1 * max(totals, default=0) or 1],
        },
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return ReportFigure("costs", _("Costs"), fig, 1000, height)


FRONTIER_COLOUR = "#1f77b4"
CHOSEN_COLOUR = "#d62728"


def tradeoff_figure(view: TradeoffView) -> ReportFigure:
    """The frontier of ``tradeoff --out-dir`` as a step line (Y across, X up), each point a
    marker (hollow when not proven), and this plan as a red star."""
    points = view.points
    ordered = sorted(points, key=lambda row: row.y)
    hover = [
        f"{text(view.y_label)}: {amount(view.y, row.y)}<br>{text(view.x_label)}: "
        f"{amount(view.x, row.x)}<br>{_('proven') if row.proven else _('not proven')}"
        + (
            ""
            if row.gap in (None, 0)
            else " " + _("(gap {gap})").format(gap=i18n.format_percent(row.gap or 0, 2))
        )
        + "<br>"
        + _("{sessions}, {trainers}").format(
            sessions=ngettext("{count} sessions", "{count} sessions", row.sessions).format(
                count=row.sessions
            ),
            trainers=ngettext("{count} trainers", "{count} trainers", row.trainers_used).format(
                count=row.trainers_used
            ),
        )
        + f"<br>{text(row.plan)}"
        for row in ordered
    ]
    # X keeps its value until Y reaches the next point: a step after each point, read from
    # Y's best value, whichever end of the axis that is
    shape = "vh" if view.y in MAXIMISED_OBJECTIVES else "hv"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[row.y for row in ordered],
            y=[row.x for row in ordered],
            mode="lines+markers",
            line={"shape": shape, "color": FRONTIER_COLOUR},
            marker={
                "size": 10,
                "color": [FRONTIER_COLOUR if row.proven else "white" for row in ordered],
                "line": {"color": FRONTIER_COLOUR, "width": 2},
            },
            name=_("efficient plans"),
            customdata=hover,
            hovertemplate=HOVER,
        )
    )
    on_frontier = view.chosen is not None
    fig.add_trace(
        go.Scatter(
            x=[view.plan_y],
            y=[view.plan_x],
            mode="markers",
            marker={"symbol": "star", "size": 18, "color": CHOSEN_COLOUR},
            name=_("this plan") if on_frontier else _("this plan (not on the frontier)"),
            customdata=[
                _("this plan") + f"<br>{text(view.y_label)}: {amount(view.y, view.plan_y)}<br>"
                f"{text(view.x_label)}: {amount(view.x, view.plan_x)}"
            ],
            hovertemplate=HOVER,
        )
    )
    height = 460
    _base_layout(fig, _("{x} against {y}").format(x=view.x_label, y=view.y_label), height)
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"t": 90, "b": 60, "l": 10, "r": 20},
        xaxis=_frontier_axis(view.y_label, view.y, [row.y for row in points]),
        yaxis=_frontier_axis(view.x_label, view.x, [row.x for row in points]),
    )
    return ReportFigure("tradeoff", _("Trade-off"), fig, 1000, height)


def _frontier_axis(title: str, name: str, values: list[float]) -> dict[str, object]:
    """An axis of the frontier chart; a whole-number objective ticks at the points' values."""
    axis: dict[str, object] = {"title": {"text": text(title)}, "automargin": True}
    if name not in DECIMALS and 0 < len(set(values)) <= 25:
        axis["tickvals"] = sorted(set(values))
        axis["tickformat"] = ",d"
    elif name == "min_district_share":
        axis["tickformat"] = ".0%"
    else:
        axis["tickformat"] = ",.0f"
    return axis


def build_figures(content: ReportContent) -> list[ReportFigure]:
    """Every chart of the report, in page order."""
    figures = [
        calendar_figure(content),
        timeline_figure(content),
        map_figure(content),
        costs_figure(content),
    ]
    if content.tradeoff is not None:
        figures.append(tradeoff_figure(content.tradeoff))
    return figures
