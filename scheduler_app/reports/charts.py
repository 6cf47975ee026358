"""Bar charts as inline SVG, drawn on the server: no JavaScript and no chart library to ship."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640          # viewBox units; the SVG scales to the page width
BAR_AREA = 180       # height of the plotting area
LABEL_BAND = 44      # room under the bars for the category labels
LEFT = 40            # room for the value axis
ROW = 22             # height of one row in a horizontal chart
NAME_BAND = 120      # room for the names in a horizontal chart
GRID_LINES = 4


@dataclass(frozen=True)
class Series:
    """One coloured set of bars; ``css`` picks its colour from the stylesheet."""

    name: str
    values: Sequence[float | None]
    css: str = "s1"


def _ceiling(top: float) -> float:
    """A round number at or above the largest value, for the axis."""
    if top <= 0:
        return 1.0
    step = 10 ** (len(str(int(top))) - 1)
    return float(-(-top // step) * step) if top >= 1 else 1.0


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 100 else f"{value:.0f}"


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Vertical bars, one group per label with one bar per series, a value axis and a legend."""
    top = _ceiling(max((v for s in series for v in s.values if v is not None), default=0))
    plot = WIDTH - LEFT - 10
    group = plot / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {BAR_AREA + LABEL_BAND + 24}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i in range(GRID_LINES + 1):
        y = 10 + BAR_AREA - BAR_AREA * i / GRID_LINES
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{_fmt(top * i / GRID_LINES)}</text>')
    for g, label in enumerate(labels):
        x0 = LEFT + g * group + group * 0.1
        for k, s in enumerate(series):
            value = s.values[g]
            if value is None:
                continue
            h = BAR_AREA * value / top
            parts.append(f'<rect class="{escape(s.css)}" x="{x0 + k * bar:.1f}" y="{10 + BAR_AREA - h:.1f}" '
                         f'width="{bar * 0.9:.1f}" height="{h:.1f}"><title>{escape(label)} · {escape(s.name)}: '
                         f'{_fmt(value)}</title></rect>')
        parts.append(f'<text class="label" x="{x0 + group * 0.4:.1f}" y="{BAR_AREA + 28}" text-anchor="middle">'
                     f'{escape(label)}</text>')
    for k, s in enumerate(series):
        x = LEFT + k * 170
        parts.append(f'<rect class="{escape(s.css)}" x="{x}" y="{BAR_AREA + LABEL_BAND + 8}" width="12" '
                     f'height="12"/><text class="label" x="{x + 16}" y="{BAR_AREA + LABEL_BAND + 18}">'
                     f'{escape(s.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside was escaped above


def row_chart(title: str, rows: Sequence[tuple[str, float]], unit: str = "") -> Markup:
    """Horizontal bars, one row per name, largest value setting the scale."""
    top = _ceiling(max((v for _, v in rows), default=0))
    plot = WIDTH - NAME_BAND - 60
    height = ROW * max(len(rows), 1) + 10
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
             f'<title>{escape(title)}</title>']
    for i, (name, value) in enumerate(rows):
        y = 5 + i * ROW
        w = plot * value / top
        parts.append(f'<text class="label" x="{NAME_BAND - 6}" y="{y + 15}" text-anchor="end">{escape(name)}</text>'
                     f'<rect class="s1" x="{NAME_BAND}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}"/>'
                     f'<text class="axis" x="{NAME_BAND + w + 4:.1f}" y="{y + 15}">{_fmt(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside was escaped above
