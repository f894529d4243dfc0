"""Server-made SVG charts: no JavaScript, the same code for pages and PDF reports.

Every chart has a <title> and <desc> for screen readers; pages show the data table next to
it. Values are escaped: the SVG is built with ``format_html``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 36  # TOP holds the legend
X_PAD = 12
# Colours as attributes, not classes: the PDF renderer draws SVG without the page's CSS.
# Okabe–Ito colours, told apart by colour-blind readers; shapes tell baseline, target and
# measurements apart in greyscale too.
AXIS = ' stroke="#4a5360" stroke-width="1"'
GRID = ' stroke="#d5d9de" stroke-width="1"'
TEXT = ' font-size="11" fill="#1b1f24"'
SERIES_COLOUR = "#0072B2"
SERIES = f' fill="none" stroke="{SERIES_COLOUR}" stroke-width="2.5"'
POINT = f' fill="{SERIES_COLOUR}" stroke="#ffffff" stroke-width="1"'
BASELINE = ' fill="#ffffff" stroke="#1b1f24" stroke-width="2"'
TARGET = ' fill="#D55E00" stroke="#1b1f24" stroke-width="1.5"'
# One colour per bar, each of its own lightness (luma 0, 87, 119, 162, 213, 255) so that
# bars stay apart in greyscale print; an outline keeps the light ones visible on white.
BAR_COLOURS = ["#0072B2", "#E69F00", "#000000", "#F0E442", "#D55E00", "#FFFFFF"]
BAR = ' stroke="#1b1f24" stroke-width="1"'
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class TrendPoint:
    year: int
    value: Decimal


def _fmt(value: Decimal | float) -> str:
    text = f"{float(value):,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text


def nice_ticks(low: float, high: float, *, intervals: int = 6) -> list[float]:
    """Round tick values (0, 50, 100…) covering ``low``–``high`` in at most ``intervals``
    steps of 1, 2, 2,5 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / intervals
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in NICE_STEPS if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    # round(): 0.1 * 3 is 0.30000000000000004; the labels must read 0,3.
    return [round(n * step, 10) for n in range(first, last + 1)]


def _diamond(cx: float, cy: float, r: float) -> str:
    return (
        f"{cx:.1f},{cy - r:.1f} {cx + r:.1f},{cy:.1f} {cx:.1f},{cy + r:.1f} {cx - r:.1f},{cy:.1f}"
    )


def _legend(*, points: bool, baseline: bool, target: bool) -> SafeString:
    """Swatch and name per element drawn, left to right along the top."""
    items: list[SafeString] = []
    x = LEFT
    y = 16
    if points:
        items.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}"' + SERIES + "/>"
                '<circle cx="{}" cy="{}" r="4"' + POINT + "/>"
                '<text x="{}" y="{}"' + TEXT + ">{}</text>",
                x,
                y,
                x + 20,
                y,
                x + 10,
                y,
                x + 26,
                y + 4,
                _("Meting"),
            )
        )
        x += 90
    if baseline:
        items.append(
            format_html(
                '<polygon points="{}"' + BASELINE + '/><text x="{}" y="{}"' + TEXT + ">{}</text>",
                _diamond(x + 6, y, 6),
                x + 16,
                y + 4,
                _("Nulmeting"),
            )
        )
        x += 100
    if target:
        items.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10"' + TARGET + "/>"
                '<text x="{}" y="{}"' + TEXT + ">{}</text>",
                x + 1,
                y - 5,
                x + 16,
                y + 4,
                _("Streefwaarde"),
            )
        )
    return format_html('<g class="legend">{}</g>', SafeString("".join(items)))


def trend_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    points: Sequence[TrendPoint],
    baseline: TrendPoint | None = None,
    target: TrendPoint | None = None,
) -> SafeString:
    """The measured values by year as a line, the baseline and the target as marked
    reference points, a legend, and a value axis of round numbers starting at zero.

    A value measured in the baseline year is a measurement like any other: it is drawn,
    not replaced by the baseline."""
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
    # The axis starts at zero (or below, for negative values): a cut axis exaggerates.
    ticks = nice_ticks(min(0.0, min(values)), max(0.0, max(values)))
    v_min, v_max = ticks[0], ticks[-1]

    def x(year: int) -> float:
        # Markers keep clear of the axes: half a marker's width of room at either end.
        inner = WIDTH - LEFT - RIGHT - 2 * X_PAD
        return LEFT + X_PAD + (year - y_min_year) / (y_max_year - y_min_year) * inner

    def y(value: Decimal | float) -> float:
        return TOP + (1 - (float(value) - v_min) / (v_max - v_min)) * (HEIGHT - TOP - BOTTOM)

    parts: list[SafeString] = [
        _legend(points=bool(points), baseline=baseline is not None, target=target is not None)
    ]
    # Grid lines and round value ticks, then the axes over them.
    for tick in ticks:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"' + GRID + "/>"
                '<text x="{}" y="{}" class="tick" text-anchor="end"' + TEXT + ">{}</text>",
                LEFT,
                f"{y(tick):.1f}",
                WIDTH - RIGHT,
                f"{y(tick):.1f}",
                LEFT - 6,
                f"{y(tick) + 4:.1f}",
                _fmt(tick),
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"' + AXIS + "/>",
            LEFT,
            f"{y(0):.1f}" if v_min < 0 else HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            f"{y(0):.1f}" if v_min < 0 else HEIGHT - BOTTOM,
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
    series = sorted(points, key=lambda p: p.year)
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
                '<polygon points="{}" class="baseline"' + BASELINE + "><title>{}</title></polygon>",
                _diamond(x(baseline.year), y(baseline.value), 7),
                _("Nulmeting %(v)s in %(y)s") % {"v": _fmt(baseline.value), "y": baseline.year},
            )
        )
    if target is not None:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" class="target"'
                + TARGET
                + "><title>{}</title></rect>",
                f"{x(target.year) - 6:.1f}",
                f"{y(target.value) - 6:.1f}",
                _("Streefwaarde %(v)s in %(y)s") % {"v": _fmt(target.value), "y": target.year},
            )
        )
    parts.append(
        format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4.5" class="point"' + POINT + "><title>{}</title></circle>",
            (
                (f"{x(p.year):.1f}", f"{y(p.value):.1f}", f"{p.year}: {_fmt(p.value)}")
                for p in series
            ),
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


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: int  # percent of the total, rounded
    colour: str


def bars(rows: Sequence[tuple[str, int]]) -> list[Bar]:
    """The bars of ``bar_chart``, for the data table that goes with it."""
    total = sum(value for _label, value in rows)
    return [
        Bar(
            label,
            value,
            round(100 * value / total) if total else 0,
            BAR_COLOURS[i % len(BAR_COLOURS)],
        )
        for i, (label, value) in enumerate(rows)
    ]


def bar_chart(
    *, chart_id: str, title: str, rows: Sequence[tuple[str, int]], unit: str = ""
) -> SafeString:
    """Horizontal bars, e.g. actions per progress status: each bar its own colour (see
    ``BAR_COLOURS``), its label on the left and its number and share on the right, so that
    no reader depends on the colour."""
    if not rows:
        return format_html('<p class="empty">{}</p>', _("Geen gegevens."))
    bar_height, gap, label_width, value_width = 18, 6, 170, 72
    height = len(rows) * (bar_height + gap) + gap
    largest = max(value for _label, value in rows) or 1
    span = WIDTH - label_width - value_width
    svg_bars = format_html_join(
        "",
        '<text x="{}" y="{}" class="label" text-anchor="end"' + TEXT + ">{}</text>"
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar" fill="{}"' + BAR + "/>"
        '<text x="{}" y="{}" class="value"' + TEXT + ">{} ({} %)</text>",
        (
            (
                label_width - 6,
                gap + i * (bar_height + gap) + 13,
                bar.label,
                label_width,
                gap + i * (bar_height + gap),
                f"{span * bar.value / largest:.1f}",
                bar_height,
                bar.colour,
                f"{label_width + span * bar.value / largest + 4:.1f}",
                gap + i * (bar_height + gap) + 13,
                bar.value,
                bar.share,
            )
            for i, bar in enumerate(bars(rows))
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
        svg_bars,
    )
