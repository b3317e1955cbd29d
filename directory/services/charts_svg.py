"""A Chart (services/charts.py) as SVG, for the PDF report where no JavaScript runs: stacked
bars or a pie, with a legend, in dsfr-chart's colours. Deterministic (the same chart gives
the same bytes) and every text escaped."""

import math

from flask_babel import gettext as _
from markupsafe import escape

from .charts import BAR, CATEGORICAL, DEFAULT, GOOD_TO_BAD, PIE, Chart

PALETTES = {
    DEFAULT: ("#5C68E5",),
    CATEGORICAL: (
        "#5C68E5",
        "#82B5F2",
        "#29598F",
        "#31A7AE",
        "#81EEF5",
        "#B478F1",
        "#CFB1F5",
        "#CECECE",
    ),
    GOOD_TO_BAD: ("#298641", "#EFB900", "#E91719"),
}
WIDTH = 720
BAR_HEIGHT = 180  # the plot area of a bar chart
PIE_RADIUS = 90
MARGIN_LEFT, MARGIN_TOP, AXIS_LABELS = 40, 10, 24
LEGEND_LINE = 18
TEXT = 'font-family="Marianne, Arial, sans-serif" font-size="11" fill="#161616"'


def render(chart: Chart) -> str:
    if chart.kind not in (BAR, PIE):
        raise ValueError(f"Unknown chart kind: {chart.kind}")
    body, height = (_bars if chart.kind == BAR else _pie)(chart)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(chart.title)}">'
        f"<title>{escape(chart.title)}</title>{''.join(body)}</svg>"
    )


def colour(chart: Chart, index: int) -> str:
    palette = PALETTES.get(chart.palette, PALETTES[CATEGORICAL])
    return palette[index % len(palette)]


def _n(value: float) -> str:
    """A coordinate, always written the same way."""
    return f"{value:.2f}"


def nice_maximum(value: float) -> tuple[float, float]:
    """The top of the axis and its step: 1, 2 or 5 × 10^k (k ≥ 0), at most five steps,
    ≥ value."""
    if value <= 0:
        return 1, 1
    magnitude = 10 ** max(0, math.floor(math.log10(value / 5)))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude * 5 >= value)
    return step * math.ceil(value / step), step


def _bars(chart: Chart) -> tuple[list[str], int]:
    totals = [sum(values) for values in zip(*(s.values for s in chart.series), strict=True)]
    top, step = nice_maximum(max(totals, default=0))
    plot_width = WIDTH - MARGIN_LEFT - 10
    slot = plot_width / max(len(chart.labels), 1)
    bar_width = slot * 0.6
    base = MARGIN_TOP + BAR_HEIGHT
    parts = []
    tick = 0.0
    while tick <= top:
        y = base - tick / top * BAR_HEIGHT
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - 10}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="#DDDDDD" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{_n(y + 4)}" text-anchor="end" {TEXT}>'
            f"{_plain(tick)}</text>"
        )
        tick += step
    for index, label in enumerate(chart.labels):
        x = MARGIN_LEFT + slot * index + (slot - bar_width) / 2
        bottom = base
        for number, series in enumerate(chart.series):
            value = series.values[index]
            if value <= 0:
                continue
            height = value / top * BAR_HEIGHT
            bottom -= height
            tip = f"{label} — {series.name} : {_plain(value)}"
            parts.append(
                f'<rect class="bar" x="{_n(x)}" y="{_n(bottom)}" width="{_n(bar_width)}" '
                f'height="{_n(height)}" fill="{colour(chart, number)}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        parts.append(
            f'<text x="{_n(x + bar_width / 2)}" y="{_n(base + 16)}" text-anchor="middle" '
            f"{TEXT}>{escape(label)}</text>"
        )
    if not any(totals):
        parts.append(_no_data(WIDTH / 2, MARGIN_TOP + BAR_HEIGHT / 2))
    legend_top = base + AXIS_LABELS + 8
    names = [(series.name, None) for series in chart.series]
    parts += _legend(chart, names, MARGIN_LEFT, legend_top)
    return parts, int(legend_top + LEGEND_LINE * len(names) + 4)


def _pie(chart: Chart) -> tuple[list[str], int]:
    values = chart.series[0].values
    total = sum(values)
    cx, cy = MARGIN_LEFT + PIE_RADIUS, MARGIN_TOP + PIE_RADIUS
    parts = []
    angle = -math.pi / 2  # from twelve o'clock, clockwise
    for index, (label, value) in enumerate(zip(chart.labels, values, strict=True)):
        if value <= 0:
            continue
        tip = f"<title>{escape(f'{label} : {_plain(value)}')}</title>"
        fill = colour(chart, index)
        if value == total:
            parts.append(
                f'<circle class="slice" cx="{cx}" cy="{cy}" r="{PIE_RADIUS}" fill="{fill}">'
                f"{tip}</circle>"
            )
            continue
        end = angle + 2 * math.pi * value / total
        large = 1 if end - angle > math.pi else 0
        start_x, start_y = cx + PIE_RADIUS * math.cos(angle), cy + PIE_RADIUS * math.sin(angle)
        end_x, end_y = cx + PIE_RADIUS * math.cos(end), cy + PIE_RADIUS * math.sin(end)
        parts.append(
            f'<path class="slice" d="M {cx} {cy} L {_n(start_x)} {_n(start_y)} '
            f'A {PIE_RADIUS} {PIE_RADIUS} 0 {large} 1 {_n(end_x)} {_n(end_y)} Z" '
            f'fill="{fill}" stroke="#FFFFFF" stroke-width="1">{tip}</path>'
        )
        angle = end
    if not total:
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{PIE_RADIUS}" fill="none" stroke="#CECECE"/>')
        parts.append(_no_data(cx, cy))
    shares = [
        (label, f"{_plain(value)} ({round(100 * value / total) if total else 0} %)")
        for label, value in zip(chart.labels, values, strict=True)
    ]
    parts += _legend(chart, shares, cx + PIE_RADIUS + 40, MARGIN_TOP + 20)
    height = max(2 * PIE_RADIUS, LEGEND_LINE * len(shares) + 20) + 2 * MARGIN_TOP
    return parts, int(height)


def _legend(chart: Chart, entries: list[tuple[str, str | None]], x: float, y: float):
    """A square of each colour and its name (and figure)."""
    for index, (name, figure) in enumerate(entries):
        top = y + index * LEGEND_LINE
        text = f"{name} : {figure}" if figure else name
        yield (
            f'<rect x="{_n(x)}" y="{_n(top)}" width="10" height="10" '
            f'fill="{colour(chart, index)}"/>'
            f'<text x="{_n(x + 16)}" y="{_n(top + 9)}" {TEXT}>{escape(text)}</text>'
        )


def _no_data(x: float, y: float) -> str:
    text = escape(_("Aucune donnée"))
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" {TEXT}>{text}</text>'


def _plain(value: float) -> str:
    """A count as a count (3, not 3.0); other numbers with one decimal."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
