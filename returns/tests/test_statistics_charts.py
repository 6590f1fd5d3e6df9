"""The statistics pages' charts (returns.statistics.views.line_chart, drawn by kernel.charts):
what each table is drawn as. A rate over a year is not drawn for the year so far (a stock is),
and the chart says so; a figure not published or suppressed is a gap; a percentage mostly over
half is drawn up to 100; the exploitation months are drawn by month, a suppressed month a gap.
The SVG itself (named, described, its legend) is kernel.charts's, tested there."""

import re

import pytest

from kernel import charts
from returns.statistics import views as views_statistics
from returns.statistics.education import EducationRow, EducationTable
from returns.statistics.views import Cell, Row, Table

HEADERS = ["This authority", "Statistical neighbours (median)", "North West", "England"]


def cells(*values):
    return [Cell("–" if v is None else str(v), v) for v in values]


def five_years(unit, stock=False, last=(3, 4, 5, 6)):
    """Four whole years and the year so far (2026-27), each with a figure for every column but
    the neighbours' of 2023-24, which is not published."""
    rows = []
    for year in range(2023, 2027):
        neighbours = None if year == 2024 else 40
        rows.append(Row(f"year {year}", cells(60, neighbours, 50, 55), f"{year - 1}-{year % 100:02d}", year=year))
    rows.append(Row("year so far", cells(*last), "2026-27 so far", year=2027, so_far=True))
    return Table("measure", "A measure", "", unit, HEADERS, rows, charted=unit != "count", stock=stock)


@pytest.fixture
def specs(monkeypatch):
    """The Vega-Lite specification of each chart drawn (kernel.charts.line_spec, still called)."""
    drawn = []
    real = charts.line_spec

    def spy(*args, **kwargs):
        spec = real(*args, **kwargs)
        drawn.append(spec)
        return spec

    monkeypatch.setattr(charts, "line_spec", spy)
    return drawn


def categories(spec):
    return spec["encoding"]["x"]["sort"]


def values(spec, series):
    return [row["value"] for row in spec["data"]["values"] if row["series"] == series]


def test_a_rate_over_a_year_is_not_drawn_for_the_year_so_far(specs):
    table = five_years("rate")
    chart = table.chart
    assert categories(specs[-1]) == ["2022-23", "2023-24", "2024-25", "2025-26"]
    assert values(specs[-1], "This authority") == [60, 60, 60, 60]  # not the 3 so far
    assert "The year so far is left out of the chart." in chart.description
    assert "2026-27 so far" not in chart.svg
    assert len(table.rows) == 5  # the table keeps it


def test_a_stock_and_a_percentage_are_drawn_for_the_year_so_far(specs):
    for table in (five_years("rate", stock=True), five_years("percent")):
        chart = table.chart
        assert categories(specs[-1])[-1] == "2026-27 so far"
        assert values(specs[-1], "This authority")[-1] == 3
        assert "left out" not in chart.description


def test_a_figure_not_published_is_a_gap_not_a_zero(specs):
    five_years("percent").chart  # noqa: B018 - drawn when asked for
    assert values(specs[-1], "Statistical neighbours (median)") == [40, None, 40, 40, 4]


def test_each_column_is_a_line_named_in_the_legend_and_the_description():
    chart = five_years("rate").chart
    assert chart.id == "measure-chart"
    assert chart.title == "Chart: A measure, by year"
    assert chart.description.startswith(f"A line for each of {', '.join(HEADERS)}.")
    assert chart.description.endswith("The figures are in the table with the chart.")
    for name in HEADERS:  # one legend, in the SVG, no name cut off
        assert f">{name}</text>" in chart.svg
    assert 'aria-labelledby="measure-chart-title measure-chart-desc"' in chart.svg


def test_a_percentage_mostly_over_half_is_drawn_up_to_100(specs):
    five_years("percent").chart  # noqa: B018
    assert specs[-1]["encoding"]["y"]["scale"]["domain"] == [0, 100]
    low = five_years("percent")
    for row in low.rows:
        row.cells = cells(10, 20, 30, 40)
    low.chart  # noqa: B018
    assert "domain" not in specs[-1]["encoding"]["y"]["scale"]  # Vega-Lite's own nice top
    assert views_statistics._top("rate", 80) is None


def test_counts_are_not_charted_and_nothing_to_draw_is_no_chart(specs):
    assert five_years("count").chart is None
    empty = five_years("rate", last=(None, None, None, None))
    for row in empty.rows:
        row.cells = cells(None, None, None, None)
    assert empty.chart is None
    # Only the year so far has figures: a rate over a year draws nothing.
    so_far_only = five_years("rate")
    for row in so_far_only.rows[:-1]:
        row.cells = cells(None, None, None, None)
    assert so_far_only.chart is None
    assert specs == []


def test_a_chart_is_drawn_only_when_asked_for_and_once(specs):
    table = five_years("rate")
    assert specs == []
    assert table.chart is table.chart
    assert len(specs) == 1


def month_table(*figures):
    months = ["December 2025", "January 2026", "February 2026"]
    headers = ["No risk identified", "Emerging risk", "Moderate risk", "Significant risk", "All"]
    rows = [EducationRow(month, [*f, "x"]) for month, f in zip(months, figures, strict=True)]
    return EducationTable("exploitation-risk-by-month", "By month", "Each month.", headers, rows)


def test_the_exploitation_months_are_drawn_by_month_a_suppressed_month_a_gap(specs):
    table = views_statistics._month_chart(
        month_table(["0", "c", "6", "1,200"], ["0", "7", "c", "2"], ["1", "8", "9", "3"])
    )
    chart = table.chart
    assert chart.id == "exploitation-risk-by-month-chart-chart"
    assert chart.title == "Chart: Children assessed for risk of exploitation at each risk level, by month"
    assert categories(specs[-1]) == ["Dec 25", "Jan 26", "Feb 26"]
    assert values(specs[-1], "Emerging risk") == [None, 7, 8]
    assert values(specs[-1], "Significant risk") == [1200, 2, 3]
    assert "All" not in {row["series"] for row in specs[-1]["data"]["values"]}  # the total is not a line
    assert "left out" not in chart.description


def test_small_counts_are_drawn_on_whole_numbers(specs):
    """Counts under 5 are drawn against 0 to 5: the axis is labelled 0, 1, 2, 3, 4, 5, not 0,
    1, 1, 2, 2, 3 (ticks every half, labelled as whole numbers)."""
    chart = views_statistics._month_chart(
        month_table(["0", "1", "3", "0"], ["0", "0", "2", "1"], ["1", "0", "0", "0"])
    ).chart
    assert specs[-1]["encoding"]["y"]["scale"]["domain"] == [0, 5]
    labels = re.findall(r">(\d+)</text>", chart.svg)
    assert labels[:6] == ["0", "1", "2", "3", "4", "5"]


def test_fewer_than_two_months_or_no_figure_is_no_month_chart():
    assert views_statistics._month_chart(month_table(["0", "1", "3", "0"], ["0", "0", "2", "1"], ["1", "0", "0", "0"]))
    one = month_table(["0", "1", "3", "0"], ["0", "0", "2", "1"], ["1", "0", "0", "0"])
    one.rows = one.rows[:1]
    assert views_statistics._month_chart(one) is None
    assert views_statistics._month_chart(month_table(["c"] * 4, ["c"] * 4, ["c"] * 4)) is None
