"""Server-made SVG charts: no JavaScript, the same code for pages and PDF reports.

Every chart has a <title> and <desc> for screen readers; pages show the data table next to
it. Values are escaped: the SVG is built with ``format_html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36
# Colours as attributes, not classes: the PDF renderer draws SVG without the page's CSS.
AXIS = ' stroke="#4a5360" stroke-width="1"'
TEXT = ' font-size="11" fill="#1b1f24"'
TARGET = ' stroke="#17643a" stroke-width="2" stroke-dasharray="6 4"'
TARGET_TEXT = ' font-size="11" fill="#17643a"'
SERIES = ' fill="none" stroke="#0b4f8a" stroke-width="2.5"'
BASELINE = ' fill="#ffffff" stroke="#0b4f8a" stroke-width="2"'
BAR_COLOURS = ["#0b4f8a", "#17643a", "#8a4b00", "#4a5360", "#a4161a", "#6b7480"]


@dataclass(frozen=True)
class TrendPoint:
    year: int
    value: Decimal


def _fmt(value: Decimal | float) -> str:
    text = f"{float(value):,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text


def trend_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    points: Sequence[TrendPoint],
    baseline: TrendPoint | None = None,
    target: TrendPoint | None = None,
) -> SafeString:
    """A line chart of yearly values with the baseline point and a dashed target line."""
    all_points = list(points) + [p for p in (baseline, target) if p is not None]
    if not all_points:
        return format_html(
            '<p class="empty">{}</p>', _("Nog geen gegevens om een grafiek te tekenen.")
        )
    years = [p.year for p in all_points]
    y_min_year, y_max_year = min(years), max(years)
    if y_min_year == y_max_year:
        y_min_year -= 1
        y_max_year += 1
    values = [float(p.value) for p in all_points]
    v_min, v_max = min(0.0, min(values)), max(values)
    if v_max == v_min:
        v_max = v_min + 1
    v_max *= 1.1 if v_max > 0 else 1

    def x(year: int) -> float:
        return LEFT + (year - y_min_year) / (y_max_year - y_min_year) * (WIDTH - LEFT - RIGHT)

    def y(value: Decimal | float) -> float:
        return TOP + (1 - (float(value) - v_min) / (v_max - v_min)) * (HEIGHT - TOP - BOTTOM)

    parts: list[SafeString] = []
    # Axes and year ticks.
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"' + AXIS + "/>",
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
        )
    )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"' + AXIS + "/>",
            LEFT,
            TOP,
            LEFT,
            HEIGHT - BOTTOM,
        )
    )
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" class="tick" text-anchor="middle"' + TEXT + ">{}</text>",
            (
                (f"{x(year):.1f}", HEIGHT - BOTTOM + 16, year)
                for year in range(y_min_year, y_max_year + 1)
            ),
        )
    )
    for fraction in (0, 0.5, 1):
        value = v_min + fraction * (v_max - v_min)
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="tick" text-anchor="end"' + TEXT + ">{}</text>",
                LEFT - 6,
                f"{y(value) + 4:.1f}",
                _fmt(value),
            )
        )
    if target is not None:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="target"' + TARGET + "/>"
                '<text x="{}" y="{}" class="label" text-anchor="end"'
                + TARGET_TEXT
                + ">{} {}</text>",
                LEFT,
                f"{y(target.value):.1f}",
                WIDTH - RIGHT,
                f"{y(target.value):.1f}",
                WIDTH - RIGHT,
                f"{y(target.value) - 4:.1f}",
                _("doel"),
                _fmt(target.value),
            )
        )
    series = sorted(points, key=lambda p: p.year)
    if baseline is not None:
        series = [baseline, *[p for p in series if p.year > baseline.year]]
    if len(series) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" class="series"' + SERIES + "/>",
                " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in series),
            )
        )
    if baseline is not None:
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="5" class="baseline"' + BASELINE + "/>",
                f"{x(baseline.year):.1f}",
                f"{y(baseline.value):.1f}",
            )
        )
    parts.append(
        format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4" class="point" fill="#0b4f8a"/>',
            ((f"{x(p.year):.1f}", f"{y(p.value):.1f}") for p in points),
        )
    )
    description = describe_trend(unit=unit, points=points, baseline=baseline, target=target)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>'
        '<desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        SafeString("".join(parts)),
    )


def describe_trend(
    *,
    unit: str,
    points: Sequence[TrendPoint],
    baseline: TrendPoint | None,
    target: TrendPoint | None,
) -> str:
    pieces = []
    if baseline is not None:
        pieces.append(
            _("Nulmeting %(v)s %(u)s in %(y)s.")
            % {"v": _fmt(baseline.value), "u": unit, "y": baseline.year}
        )
    if points:
        pieces.append(
            _("Metingen: %(list)s.")
            % {
                "list": "; ".join(
                    f"{p.year}: {_fmt(p.value)} {unit}"
                    for p in sorted(points, key=lambda p: p.year)
                )
            }
        )
    else:
        pieces.append(_("Nog geen metingen."))
    if target is not None:
        pieces.append(
            _("Streefwaarde %(v)s %(u)s in %(y)s.")
            % {"v": _fmt(target.value), "u": unit, "y": target.year}
        )
    return " ".join(pieces)


def bar_chart(
    *, chart_id: str, title: str, rows: Sequence[tuple[str, int]], unit: str = ""
) -> SafeString:
    """Horizontal bars, e.g. actions per progress status."""
    if not rows:
        return format_html('<p class="empty">{}</p>', _("Geen gegevens."))
    bar_height, gap, label_width = 18, 6, 150
    height = len(rows) * (bar_height + gap) + gap
    largest = max(value for _label, value in rows) or 1
    bars = format_html_join(
        "",
        '<text x="{}" y="{}" class="label" text-anchor="end"' + TEXT + ">{}"
        '</text><rect x="{}" y="{}" width="{}" height="{}" class="bar" fill="{}"/>'
        '<text x="{}" y="{}" class="label"' + TEXT + ">{}</text>",
        (
            (
                label_width - 6,
                gap + i * (bar_height + gap) + 13,
                label,
                label_width,
                gap + i * (bar_height + gap),
                f"{(WIDTH - label_width - 40) * value / largest:.1f}",
                bar_height,
                i % 6,
                label_width + (WIDTH - label_width - 40) * value / largest + 4,
                gap + i * (bar_height + gap) + 13,
                value,
            )
            for i, (label, value) in enumerate(rows)
        ),
    )
    description = "; ".join(f"{label}: {value} {unit}".strip() for label, value in rows)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>'
        '<desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        bars,
    )
