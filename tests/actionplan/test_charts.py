"""The SVG charts tell the truth: the measured series by year, baseline and target as
marked reference points with a legend, round ticks, and bars told apart without colour."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from actionplan.charts import BAR_COLOURS, TrendPoint, bar_chart, nice_ticks, trend_chart


def _falling_chart() -> str:
    # A value measured in the baseline year (254) next to the baseline itself (189).
    return str(
        trend_chart(
            chart_id="t",
            title="Wachttijd",
            unit="dagen",
            points=[TrendPoint(2025, Decimal(254)), TrendPoint(2026, Decimal(214))],
            baseline=TrendPoint(2025, Decimal(189)),
            target=TrendPoint(2029, Decimal(150)),
        )
    )


def _series(svg: str) -> list[tuple[float, float]]:
    (points,) = re.findall(r'<polyline points="([^"]+)" class="series"', svg)
    return [(float(x), float(y)) for x, y in (p.split(",") for p in points.split())]


def _ticks(svg: str) -> list[str]:
    return re.findall(r'class="tick" text-anchor="end"[^>]*>([^<]+)</text>', svg)


def test_a_fall_measured_from_the_baseline_year_is_drawn_as_a_fall():
    series = _series(_falling_chart())
    assert len(series) == 2, "both measurements are drawn, the baseline does not replace one"
    (x1, y1), (x2, y2) = series
    assert x1 < x2
    assert y2 > y1, "254 → 214 descends (SVG y grows downwards)"


def test_every_measurement_is_a_point_of_the_series():
    svg = _falling_chart()
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*class="point"', svg)
    assert [(float(x), float(y)) for x, y in circles] == _series(svg)


def test_baseline_and_target_are_marked_points_named_in_the_legend():
    svg = _falling_chart()
    assert 'class="baseline"' in svg and 'class="target"' in svg
    (legend,) = re.findall(r'<g class="legend">(.*?)</g>', svg)
    assert ">Meting<" in legend
    assert ">Nulmeting<" in legend
    assert ">Streefwaarde<" in legend
    # The baseline sits below the first measurement of the same year, not on the line.
    (diamond,) = re.findall(r'<polygon points="([^"]+)" class="baseline"', svg)
    centre_y = float(diamond.split()[1].split(",")[1])
    assert centre_y > _series(svg)[0][1]


def test_a_chart_without_target_has_no_target_in_its_legend():
    svg = str(trend_chart(chart_id="t", title="x", unit="", points=[TrendPoint(2026, Decimal(3))]))
    assert "Streefwaarde" not in svg and "Nulmeting<" not in svg


def test_the_value_axis_has_round_ticks_from_zero():
    assert _ticks(_falling_chart()) == ["0", "50", "100", "150", "200", "250", "300"]


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 254), (0, 1), (0, 0.7), (-3, 17), (0, 1_234_567), (0, 7), (12, 13), (0, 99.5)],
)
def test_nice_ticks_are_round_and_cover_the_range(low, high):
    ticks = nice_ticks(low, high)
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
    assert round(mantissa, 6) in (1, 2, 2.5, 5)
    assert ticks[0] <= low and ticks[-1] >= high
    assert 2 <= len(ticks) <= 8
    assert all(round(t / step, 6) == round(t / step) for t in ticks)


def test_user_text_in_a_chart_stays_escaped():
    svg = str(
        trend_chart(
            chart_id="t",
            title="<script>alert(1)</script>",
            unit="<b>",
            points=[TrendPoint(2026, Decimal(3))],
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg
    bars = str(bar_chart(chart_id="b", title="t", rows=[("<i>x</i>", 1)]))
    assert "<i>" not in bars and "&lt;i&gt;x&lt;/i&gt;" in bars


STATUS_ROWS = [
    ("niet gestart", 3),
    ("op schema", 10),
    ("vertraagd", 2),
    ("afgerond", 1),
    ("stopgezet", 0),
    ("nog geen goedgekeurde fiche", 5),
]


def _luma(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_bars_have_distinct_colours_also_in_greyscale():
    svg = str(bar_chart(chart_id="b", title="t", rows=STATUS_ROWS))
    fills = re.findall(r'class="bar" fill="([^"]+)"', svg)
    assert len(fills) == len(STATUS_ROWS)
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", f) for f in fills)
    assert len(set(fills)) == len(fills)
    greys = sorted(_luma(f) for f in fills)
    assert min(b - a for a, b in zip(greys, greys[1:], strict=False)) >= 25


def test_palette_lightness_is_spread_for_greyscale_print():
    greys = sorted(_luma(c) for c in BAR_COLOURS)
    assert min(b - a for a, b in zip(greys, greys[1:], strict=False)) >= 25


def test_bars_carry_their_label_number_and_share_as_text():
    svg = str(bar_chart(chart_id="b", title="t", rows=STATUS_ROWS))
    for label, _value in STATUS_ROWS:
        assert f">{label}</text>" in svg
    assert ">10 (48 %)</text>" in svg
    assert ">0 (0 %)</text>" in svg
