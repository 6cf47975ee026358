"""The dashboard's SVG charts: round axes (whole numbers for counts), shares in %, the week not over yet pale."""

from __future__ import annotations

import re

import pytest

from scheduler_app.reports.charts import Axis, Series, bar_chart


@pytest.mark.parametrize(("largest", "top", "step"), [(70, 80, 20), (7, 8, 2), (3, 3, 1), (1, 1, 1), (132, 150, 50),
                                                      (0, 1, 1)])
def test_a_count_axis_ticks_whole_numbers(largest: float, top: float, step: float) -> None:
    """Counts of visits or volunteers get round whole-number ticks (never 17.5 or 52.5), at most five steps,
    and the top holds the largest value."""
    axis = Axis.fit(largest, whole=True)
    assert (axis.top, axis.step) == (top, step)
    assert all(float(t).is_integer() for t in axis.ticks) and len(axis.ticks) <= 6 and axis.top >= largest


def test_an_hours_axis_may_step_by_halves() -> None:
    """Hours are not counts: 2.4 h gets steps of 0.5 up to 2.5."""
    assert (Axis.fit(2.4, whole=False).top, Axis.fit(2.4, whole=False).step) == (2.5, 0.5)


def test_a_share_chart_reads_in_percent_and_the_current_week_is_pale() -> None:
    """A share axis runs 0%–100% in steps of 25%; the group at ``partial`` is drawn pale and the legend says
    why; every label and name is escaped."""
    svg = str(bar_chart("share", ["10/19", "<i>11/30</i>"], [Series("<b>share</b>", [40, 45], "s3")], unit="%",
                        partial=1, partial_label="this week so far"))
    ticks = re.findall(r'text-anchor="end">([^<]+)</text>', svg)
    assert ticks == ["0%", "25%", "50%", "75%", "100%"]
    assert svg.count('class="s3 partial"') == 2  # the bar and its legend key
    assert "this week so far" in svg and "<b>" not in svg and "&lt;b&gt;share&lt;/b&gt;" in svg
    assert "<i>" not in svg and "&lt;i&gt;11/30&lt;/i&gt;" in svg
