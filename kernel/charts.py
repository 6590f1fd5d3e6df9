"""Charts drawn on the server, by one well-kept library: each chart is a Vega-Lite specification
rendered to SVG by vl-convert-python (Vega's own renderer, embedded; no browser and no network).
The same SVG goes into a page and into a PDF (WeasyPrint draws SVG), so the statistics pages and
the partnership's yearly report draw their charts the same way.

Every chart is accessible the same way:

- the SVG is an image (`role="img"`) named by its <title> and described by its <desc>, which
  names the series and says where the figures are (the table that always goes with a chart: the
  chart's text alternative);
- a series is told apart by its colour, its dash pattern and its marker, never colour alone
  (WCAG 1.4.1), in colours of at least 3:1 against white (1.4.11);
- the legend is under the plot, one entry a line, its labels never cut off (Vega-Lite's default
  label limit of 160 px cut off long series names);
- the SVG is as wide as its column (width 100%, viewBox kept), so it reflows at 320 px.

A missing value (a figure not published, or suppressed) is a gap in the line, not a zero.

A waterfall (`waterfall`: how a total is built up, such as a linked pair's match weight from the
weight of each comparison) writes each bar's figure, with its sign, at the end of the bar, and
draws a dashed line with its label at each threshold.
Rendering takes tens of milliseconds, so the SVG of each specification is kept (a bounded cache):
a page drawn again with the same figures costs nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

from django.utils.safestring import SafeString, mark_safe

Unit = Literal["count", "percent", "rate", "days"]

# colour, dash pattern (Vega's strokeDash), marker shape: never colour alone.
STYLES: tuple[tuple[str, list[int], str], ...] = (
    ("#1d70b8", [], "circle"),
    ("#f47738", [6, 3], "square"),
    ("#00703c", [2, 3], "triangle-up"),
    ("#505a5f", [10, 4], "diamond"),
    ("#912b88", [4, 2, 1, 2], "cross"),
    ("#d4351c", [1, 2], "triangle-down"),
)
FONT = "arial, sans-serif"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH, HEIGHT = 560, 220

AXIS_FORMAT: dict[str, str] = {"count": ",d", "percent": ",.0f", "rate": ",.0f", "days": ",.0f"}


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | None]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString

    def __str__(self) -> str:
        return self.svg


def _config() -> dict:
    return {
        "font": FONT,
        "background": "white",
        "view": {"stroke": None},
        "axis": {
            "labelColor": TEXT,
            "titleColor": TEXT,
            "labelFontSize": 13,
            "titleFontSize": 13,
            "gridColor": GRID,
            "domainColor": TEXT,
            "tickColor": TEXT,
            "labelLimit": 0,
            "aria": False,
        },
        "legend": {
            "orient": "bottom",
            "direction": "vertical",
            "columns": 1,
            "labelColor": TEXT,
            "labelFontSize": 13,
            "labelLimit": 0,
            "symbolStrokeWidth": 3,
            "symbolSize": 120,
            "title": None,
            "aria": False,
        },
        "mark": {"aria": False},
    }


def _series_scales(names: Sequence[str]) -> dict:
    styles = [STYLES[i % len(STYLES)] for i in range(len(names))]
    domain = list(names)
    return {
        "color": {
            "field": "series",
            "type": "nominal",
            "scale": {"domain": domain, "range": [s[0] for s in styles]},
            "sort": domain,
        },
        "strokeDash": {
            "field": "series",
            "type": "nominal",
            "scale": {"domain": domain, "range": [s[1] for s in styles]},
            "sort": domain,
        },
        "shape": {
            "field": "series",
            "type": "nominal",
            "scale": {"domain": domain, "range": [s[2] for s in styles]},
            "sort": domain,
        },
    }


def _values(categories: Sequence[str], series: Sequence[Series]) -> list[dict]:
    rows = []
    for s in series:
        for i, category in enumerate(categories):
            value = s.values[i] if i < len(s.values) else None
            rows.append({"order": i, "category": category, "series": s.name, "value": value})
    return rows


def _whole(unit: Unit) -> dict:
    """A count's axis ticks are whole numbers (not 0, 0.5, 1 shown as 0, 1, 1)."""
    return {"tickMinStep": 1} if unit == "count" else {}


def line_spec(
    categories: Sequence[str], series: Sequence[Series], unit: Unit = "count", top: float | None = None
) -> dict:
    """The Vega-Lite specification of a line chart: a line for each series over the categories
    (years, months), a gap where a value is missing."""
    scales = _series_scales([s.name for s in series])
    y_scale: dict = {"zero": True, "nice": True}
    if top is not None:
        y_scale["domain"] = [0, top]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": _values(categories, series)},
        "encoding": {
            "x": {
                "field": "category",
                "type": "ordinal",
                "sort": list(categories),
                "title": None,
                "axis": {"labelAngle": 0, "labelOverlap": True},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": None,
                "scale": y_scale,
                "axis": {"format": AXIS_FORMAT[unit], "tickCount": 5, **_whole(unit)},
            },
            **scales,
        },
        "mark": {"type": "line", "strokeWidth": 3, "point": {"filled": True, "size": 70}},
        "config": _config(),
    }


def bar_spec(categories: Sequence[str], series: Sequence[Series], unit: Unit = "count") -> dict:
    """The Vega-Lite specification of a horizontal bar chart: a bar for each category (and, with
    more than one series, a bar for each series within it). Bars are told apart by colour and by
    their order, which the legend and the table give; a single series has no legend."""
    names = [s.name for s in series]
    scales = _series_scales(names)
    encoding: dict = {
        "y": {"field": "category", "type": "nominal", "sort": list(categories), "title": None},
        "x": {
            "field": "value",
            "type": "quantitative",
            "title": None,
            "axis": {"format": AXIS_FORMAT[unit], "tickCount": 5, **_whole(unit)},
        },
        "color": scales["color"],
    }
    if len(series) > 1:
        encoding["yOffset"] = {"field": "series", "type": "nominal", "sort": names}
    else:
        encoding["color"] = {**scales["color"], "legend": None}
    step = 22 if len(series) == 1 else 14
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH - 160,
        "height": {"step": step},
        "data": {"values": [row for row in _values(categories, series) if row["value"] is not None]},
        "encoding": encoding,
        "mark": {"type": "bar"},
        "config": _config(),
    }


@functools.lru_cache(maxsize=512)
def _render(spec_json: str) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(json.loads(spec_json)))


_ROOT = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\b(width|height)="([\d.]+)"')


def _accessible(svg: str, chart_id: str, title: str, description: str) -> str:
    match = _ROOT.search(svg)
    if match is None:  # pragma: no cover - vl-convert always writes one root element
        raise ValueError("vl-convert wrote no <svg> element")
    sizes = dict(_SIZE.findall(match.group(0)))
    width, height = sizes.get("width", str(WIDTH)), sizes.get("height", str(HEIGHT))
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="100%" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-width="{width}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return svg[: match.start()] + root + svg[match.end() :]


def draw(chart_id: str, title: str, description: str, spec: dict) -> Chart:
    """The chart of a specification, as accessible SVG."""
    svg = _render(json.dumps(spec, sort_keys=True, default=str))
    return Chart(chart_id, title, description, mark_safe(_accessible(svg, chart_id, title, description)))  # noqa: S308


def _described(series: Sequence[Series], where: str, extra: str = "") -> str:
    names = ", ".join(s.name for s in series)
    kind = "A line" if where == "line" else "A bar"
    return f"{kind} for each of {names}. {extra}The figures are in the table with the chart.".replace("  ", " ")


def line(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: Unit = "count",
    note: str = "",
    top: float | None = None,
) -> Chart | None:
    """A line chart, or None when there is nothing to draw (no value at all)."""
    if not any(v is not None for s in series for v in s.values):
        return None
    return draw(
        chart_id,
        title,
        _described(series, "line", note + " " if note else ""),
        line_spec(categories, series, unit, top),
    )


def bar(
    chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series], unit: Unit = "count", note: str = ""
) -> Chart | None:
    """A horizontal bar chart, or None when there is nothing to draw."""
    if not any(v is not None for s in series for v in s.values):
        return None
    extra = note + " " if note else ""
    description = f"A bar for each of {', '.join(categories)}. {extra}The figures are in the table with the chart."
    return draw(chart_id, title, description, bar_spec(categories, series, unit))


# --- Waterfall: how a total is built up, one step at a time ----------------------------------

# Steps that add, steps that take away, and the total: told apart by colour, by the sign written
# at the end of each bar ("+7.1", "−2.3") and by the bar's direction, never colour alone.
WATERFALL_KINDS: tuple[tuple[str, str], ...] = (
    ("Adds to the total", "#00703c"),
    ("Takes from the total", "#d4351c"),
    ("Total", "#1d70b8"),
)
MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class Step:
    """One bar of a waterfall: what it is for, and how much it adds (negative: takes away)."""

    label: str
    value: float


@dataclass(frozen=True)
class Mark:
    """A line across a waterfall at a value (a threshold), with what it means."""

    label: str
    value: float


def signed(value: float, places: int = 1) -> str:
    """A figure with its sign, as a chart or a table shows it: "+7.1", "−2.3" (a minus sign)."""
    text = f"{value:+.{places}f}"
    if float(text) == 0:
        return f"{0:.{places}f}"  # no "+0.0" or "−0.0"
    return text.replace("-", MINUS)


def waterfall_spec(steps: Sequence[Step], total_label: str, marks: Sequence[Mark] = ()) -> dict:
    """The Vega-Lite specification of a horizontal waterfall chart: each step a bar from where the
    one before it ended, the total a bar from zero, in order from the top; each bar's value
    written at its end, and a dashed line for each mark (a threshold) with its label."""
    rows: list[dict[str, Any]] = []
    running = 0.0
    for order, step in enumerate(steps):
        start, end = running, running + step.value
        kind = WATERFALL_KINDS[0][0] if step.value >= 0 else WATERFALL_KINDS[1][0]
        rows.append({"order": order, "label": step.label, "start": start, "end": end, "kind": kind})
        running = end
    rows.append(
        {"order": len(steps), "label": total_label, "start": 0.0, "end": running, "kind": WATERFALL_KINDS[2][0]}
    )
    for row, value in zip(rows, [s.value for s in steps] + [running], strict=True):
        row["text"] = signed(value)
        row["right"] = max(row["start"], row["end"])
    ends: list[float] = [row["start"] for row in rows] + [row["end"] for row in rows] + [m.value for m in marks]
    low, high = min(0.0, *ends), max(0.0, *ends)
    # Room at the right for the last bar's figure.
    domain = [low - 1, high + max(3.0, (high - low) * 0.12)]
    labels = [row["label"] for row in rows]
    y = {"field": "label", "type": "ordinal", "sort": labels, "title": None, "axis": {"labelLimit": 0}}
    x = {"field": "start", "type": "quantitative", "title": None, "scale": {"domain": domain, "nice": False}}
    colour = {
        "field": "kind",
        "type": "nominal",
        "scale": {"domain": [k for k, _ in WATERFALL_KINDS], "range": [c for _, c in WATERFALL_KINDS]},
        "legend": {"title": None},
    }
    layers: list[dict] = [
        {"mark": {"type": "bar"}, "encoding": {"y": y, "x": x, "x2": {"field": "end"}, "color": colour}},
        {
            "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 13, "color": TEXT},
            "encoding": {"y": y, "x": {**x, "field": "right"}, "text": {"field": "text"}},
        },
        {
            "data": {"values": [{"value": 0.0}]},
            "mark": {"type": "rule", "color": TEXT},
            "encoding": {"x": {**x, "field": "value"}},
        },
    ]
    if marks:
        values = [{"value": m.value, "label": m.label} for m in marks]
        layers += [
            {
                "data": {"values": values},
                "mark": {"type": "rule", "color": "#505a5f", "strokeDash": [6, 3], "strokeWidth": 2},
                "encoding": {"x": {**x, "field": "value"}},
            },
            {
                "data": {"values": values},
                "mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 3, "y": -4, "fontSize": 12},
                "encoding": {"x": {**x, "field": "value"}, "text": {"field": "label"}, "color": {"value": TEXT}},
            },
        ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH - 200,
        "height": {"step": 26},
        "padding": {"top": 22, "left": 5, "right": 5, "bottom": 5},
        "data": {"values": rows},
        "layer": layers,
        "config": _config(),
    }


def waterfall(
    chart_id: str, title: str, steps: Sequence[Step], total_label: str, marks: Sequence[Mark] = (), note: str = ""
) -> Chart | None:
    """A waterfall chart (how a total is built up, step by step), or None with no step."""
    if not steps:
        return None
    extra = note + " " if note else ""
    marked = "".join(f" A dashed line marks {m.label.lower()} ({signed(m.value)})." for m in marks)
    description = (
        f"A bar for each of {', '.join(s.label for s in steps)}, each starting where the one before it "
        f"ended, then the {total_label.lower()}.{marked} {extra}The figures are in the table with the chart."
    ).replace("  ", " ")
    return draw(chart_id, title, description, waterfall_spec(steps, total_label, marks))
