"""Bar charts as inline SVG, drawn on the server: no JavaScript and no chart library to ship.

Readable first: the drawing is about as wide in its own units as on a desktop card, so its 14-unit text is
14 px there and no smaller than 10 px on a 360 px phone; a count axis ticks whole numbers, a share axis
percentages; a period not over yet (this week so far) is drawn pale and says so in the legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 440          # viewBox units; the SVG scales to the card's width
BAR_AREA = 170       # height of the plotting area
TOP = 12             # room above the plotting area
LABEL_BAND = 48      # room under the bars for the category labels (two lines)
LEGEND = 30          # room for the legend
LEFT = 46            # room for the value axis and its title
ROW = 24             # height of one row in a horizontal chart
NAME_BAND = 96       # room for the names in a horizontal chart
MAX_TICKS = 5
LINE = 15            # a second line of a category label, below the first
LABEL_ROOM = 44      # the width a category label needs (four characters of Chinese)


@dataclass(frozen=True)
class Series:
    """One coloured set of bars; ``css`` picks its colour from the stylesheet."""

    name: str
    values: Sequence[float | None]
    css: str = "s1"


@dataclass(frozen=True)
class Axis:
    """A value axis: its top and the step between ticks, both round, whole numbers when counting."""

    top: float
    step: float

    @classmethod
    def fit(cls, largest: float, whole: bool) -> Axis:
        """The smallest round axis holding ``largest`` in at most MAX_TICKS steps of 1, 2 or 5 × 10ⁿ
        (a count never gets a fractional step)."""
        if largest <= 0:
            return cls(top=1.0 if whole else 1.0, step=1.0 if whole else 0.25)
        raw = largest / MAX_TICKS
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
        if whole:
            step = max(1.0, float(math.ceil(step)))
        return cls(top=step * math.ceil(largest / step), step=step)

    @property
    def ticks(self) -> list[float]:
        """The tick values from 0 to the top."""
        return [self.step * i for i in range(round(self.top / self.step) + 1)]


def _fmt(value: float, unit: str = "") -> str:
    """A tick or a value: no trailing .0, at most one decimal."""
    text = f"{value:.0f}" if float(value).is_integer() or value >= 100 else f"{value:.1f}".rstrip("0")
    return text + unit


def _label(x: float, y: float, text: str) -> str:
    """A category label centred at x, a second line (after a newline) below the first."""
    first, _nl, second = text.partition("\n")
    tail = f'<tspan x="{x:.1f}" dy="{LINE}">{escape(second)}</tspan>' if second else ""
    return f'<text class="label" x="{x:.1f}" y="{y}" text-anchor="middle">{escape(first)}{tail}</text>'


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = "", whole: bool = True,
              partial: int | None = None, partial_label: str = "", x_title: str = "") -> Markup:
    """Vertical bars, one group per label with one bar per series, a value axis and a legend. ``unit`` follows
    each tick ("%" for a share, whose axis then ends at 100); ``whole`` for counts; the group at index
    ``partial`` is a period not over yet, drawn pale, and ``partial_label`` says so in the legend."""
    largest = max((v for s in series for v in s.values if v is not None), default=0)
    axis = Axis(100.0, 25.0) if unit == "%" else Axis.fit(largest, whole)
    plot = WIDTH - LEFT - 8
    group = plot / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    band = BAR_AREA + LABEL_BAND + (16 if x_title else 0)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {TOP + band + LEGEND}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for tick in axis.ticks:
        y = TOP + BAR_AREA - BAR_AREA * tick / axis.top
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{LEFT - 5}" y="{y + 5:.1f}" text-anchor="end">{_fmt(tick, unit)}</text>')
    every = math.ceil(LABEL_ROOM / group)  # when the labels would touch, every second (third...) one is shown
    for g, label in enumerate(labels):
        x0 = LEFT + g * group + group * 0.1
        pale = " partial" if g == partial else ""
        for k, s in enumerate(series):
            value = s.values[g]
            if value is None:
                continue
            h = BAR_AREA * min(value, axis.top) / axis.top
            parts.append(f'<rect class="{escape(s.css)}{pale}" x="{x0 + k * bar:.1f}" y="{TOP + BAR_AREA - h:.1f}" '
                         f'width="{bar * 0.9:.1f}" height="{h:.1f}"><title>{escape(label.replace(chr(10), " "))} · '
                         f'{escape(s.name)}: {_fmt(value, unit)}</title></rect>')
        if g % every == 0:
            parts.append(_label(x0 + group * 0.4, TOP + BAR_AREA + 20, label))
    if x_title:
        parts.append(f'<text class="label" x="{LEFT + plot / 2:.1f}" y="{TOP + BAR_AREA + LABEL_BAND + 10}" '
                     f'text-anchor="middle">{escape(x_title)}</text>')
    legend = [(s.css, s.name) for s in series] + ([(f"{series[-1].css} partial", partial_label)]
                                                  if partial is not None and partial_label else [])
    x: float = LEFT
    for css, name in legend:
        parts.append(f'<rect class="{escape(css)}" x="{x}" y="{TOP + band + 6}" width="14" height="14"/>'
                     f'<text class="label" x="{x + 19}" y="{TOP + band + 18}">{escape(name)}</text>')
        x += 34 + 14 * len(name) if any(ord(c) > 0x2E80 for c in name) else 34 + 7.5 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside was escaped above


def row_chart(title: str, rows: Sequence[tuple[str, float]], unit: str = "") -> Markup:
    """Horizontal bars, one row per name, largest value setting the scale."""
    axis = Axis.fit(max((v for _, v in rows), default=0), whole=False)
    plot = WIDTH - NAME_BAND - 64
    height = ROW * max(len(rows), 1) + 10
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
             f'<title>{escape(title)}</title>']
    for i, (name, value) in enumerate(rows):
        y = 5 + i * ROW
        w = plot * value / axis.top
        parts.append(f'<text class="label" x="{NAME_BAND - 6}" y="{y + 17}" text-anchor="end">{escape(name)}</text>'
                     f'<rect class="s1" x="{NAME_BAND}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}"/>'
                     f'<text class="axis" x="{NAME_BAND + w + 4:.1f}" y="{y + 17}">{_fmt(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside was escaped above
