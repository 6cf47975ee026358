"""Timing one run: given activities in order, the earliest start times that respect travel and windows."""

from __future__ import annotations

from collections.abc import Sequence

from solver.candidates import Candidate
from solver.places import Geography, Place


def earliest_in(starts: Sequence[tuple[int, int]], t: int) -> int | None:
    """The earliest feasible start at or after t in a sorted union of [lo, hi] ranges, or None."""
    for lo, hi in starts:
        if t <= hi:
            return max(lo, t)
    return None


def time_run(geo: Geography, home: Place, interval_start: int, interval_end: int,
             run: Sequence[Candidate]) -> list[int] | None:
    """Start times for the run's activities in this order, leaving home at the interval's start at the
    earliest and back home by its end; None when the order cannot be kept."""
    t, here, times = interval_start, home, []
    for c in run:
        start = earliest_in(c.starts, t + geo.minutes(here, c.place))
        if start is None:
            return None
        times.append(start)
        t, here = start + c.duration, c.place
    if t + geo.minutes(here, home) > interval_end:
        return None
    return times


def insert_into_run(geo: Geography, home: Place, run: list[Candidate], cand: Candidate
                    ) -> tuple[list[Candidate], list[int]] | None:
    """The cheapest position (least extra km) at which cand fits into the run, with the new times."""
    best = None
    for pos in range(len(run) + 1):
        order = run[:pos] + [cand] + run[pos:]
        times = time_run(geo, home, cand.interval.start, cand.interval.end, order)
        if times is None:
            continue
        prev = run[pos - 1].place if pos > 0 else home
        nxt = run[pos].place if pos < len(run) else home
        extra = geo.km(prev, cand.place) + geo.km(cand.place, nxt) - geo.km(prev, nxt)
        if best is None or extra < best[0]:
            best = (extra, order, times)
    return None if best is None else (best[1], best[2])
