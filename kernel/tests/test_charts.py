"""The server-drawn charts (kernel.charts): accessible SVG from Vega-Lite, whatever the series."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel import charts

LONG = "This authority, with a name far longer than Vega-Lite's default legend label limit of 160 pixels"


def test_a_line_chart_is_an_image_named_and_described():
    chart = charts.line("cin-rate", "Children in need rate", ["2023-24", "2024-25"], [charts.Series("Here", [1, 2])])
    svg = str(chart)
    assert svg.startswith("<svg")
    root = re.match(r"<svg[^>]*>", svg).group(0)
    assert 'role="img"' in root
    assert 'aria-labelledby="cin-rate-title cin-rate-desc"' in root
    assert 'width="100%"' in root
    assert "viewBox=" in root
    assert '<title id="cin-rate-title">Children in need rate</title>' in svg
    assert "The figures are in the table with the chart." in svg


def test_long_series_names_are_not_cut_off_in_the_legend():
    svg = str(charts.line("x", "T", ["a", "b"], [charts.Series(LONG, [1, 2]), charts.Series("England", [2, 3])]))
    # Vega writes each legend label as one text element; a cut-off label ends with an ellipsis.
    assert f">{LONG}</text>" in svg
    assert "…" not in svg


def test_a_missing_value_is_a_gap_not_a_zero():
    with_gap = charts.line_spec(["a", "b", "c"], [charts.Series("S", [5, None, 7])])
    values = [row["value"] for row in with_gap["data"]["values"]]
    assert values == [5, None, 7]


def test_nothing_to_draw_is_no_chart():
    assert charts.line("x", "T", ["a"], [charts.Series("S", [None])]) is None
    assert charts.bar("x", "T", ["a"], [charts.Series("S", [None])]) is None


def test_series_differ_by_dash_and_marker_not_colour_alone():
    spec = charts.line_spec(["a"], [charts.Series(f"S{i}", [i]) for i in range(4)])
    dashes = spec["encoding"]["strokeDash"]["scale"]["range"]
    shapes = spec["encoding"]["shape"]["scale"]["range"]
    assert len({str(d) for d in dashes}) == 4
    assert len(set(shapes)) == 4


def test_text_is_escaped():
    svg = str(charts.bar("x", "<b>T</b> & co", ["<i>a</i>"], [charts.Series("S", [1])]))
    assert "<b>" not in svg
    assert "&lt;b&gt;T&lt;/b&gt; &amp; co" in svg


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=3, max_size=3), min_size=1, max_size=5))
def test_any_figures_draw_one_valid_svg_or_none(rows):
    series = [charts.Series(f"Series {i}", values) for i, values in enumerate(rows)]
    chart = charts.line("p", "Property", ["2023", "2024", "2025"], series)
    if all(v is None for values in rows for v in values):
        assert chart is None
    else:
        svg = str(chart)
        assert svg.count("<svg") == 1
        assert svg.rstrip().endswith("</svg>")
        assert svg.count('role="img"') == 1


def test_a_waterfall_builds_the_total_step_by_step_and_writes_each_figure_with_its_sign():
    steps = [charts.Step("Prior", -11.2), charts.Step("Date of birth", 7.1), charts.Step("Postcode", -1.3)]
    spec = charts.waterfall_spec(steps, "Match weight", [charts.Mark("Linked automatically from 9", 9)])
    rows = spec["data"]["values"]
    ends = [value for r in rows for value in (r["start"], r["end"])]
    assert ends == pytest.approx([0, -11.2, -11.2, -4.1, -4.1, -5.4, 0, -5.4])
    assert [r["text"] for r in rows] == ["−11.2", "+7.1", "−1.3", "−5.4"]
    assert [r["kind"] for r in rows] == ["Takes from the total", "Adds to the total", "Takes from the total", "Total"]
    svg = str(charts.waterfall("w", "How the weight adds up", steps, "Match weight", [charts.Mark("Linked from 9", 9)]))
    assert '<title id="w-title">How the weight adds up</title>' in svg
    assert "A bar for each of Prior, Date of birth, Postcode" in svg
    assert "A dashed line marks linked from 9 (+9.0)." in svg
    assert ">+7.1</text>" in svg
    assert charts.waterfall("w", "T", [], "Total") is None


def test_a_signed_figure_has_no_sign_when_it_is_zero():
    assert (charts.signed(0.04), charts.signed(-0.04), charts.signed(2), charts.signed(-2.25)) == (
        "0.0",
        "0.0",
        "+2.0",
        "−2.2",
    )
