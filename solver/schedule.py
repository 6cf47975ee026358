"""Timing one run: given activities in order, the earliest start times that respect travel and windows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from solver.candidates import Candidate
from solver.instance import Interval
from solver.places import Geography, Place


def earliest_in(starts: Sequence[tuple[int, int]], t: int) -> int | None:
    """The earliest feasible start at or after t in a sorted union of [lo, hi] ranges, or None."""
    for lo, hi in starts:
        if t <= hi:
            return max(lo, t)
    return None


# Visits start on the five minutes where the day allows it: a family is told 10:25, not 10:21.
START_STEP_MIN = 5


def time_run(geo: Geography, home: Place, interval_start: int, interval_end: int,
             run: Sequence[Candidate], step: int = 1) -> list[int] | None:
    """Start times for the run's activities in this order, leaving home at the interval's start at the
    earliest and back home by its end, each at the first multiple of ``step`` minutes after arriving (or
    where its window opens); None when the order cannot be kept."""
    t, here, times = interval_start, home, []
    for c in run:
        arrival = t + geo.minutes(here, c.place)
        start = earliest_in(c.starts, -(-arrival // step) * step)
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


def can_follow(geo: Geography, a: Candidate, b: Candidate) -> bool:
    """True when b can come right after a in one run (a as early as it may start)."""
    return earliest_in(b.starts, a.earliest + a.duration + geo.minutes(a.place, b.place)) is not None


def best_order(geo: Geography, home: Place, run: Sequence[Candidate]) -> tuple[list[Candidate], list[int]] | None:
    """The feasible order of one run's activities with the fewest km, with its start times; None if none fits.

    Dynamic programming over subsets; each (subset, last) keeps only labels not beaten on both
    finishing time and km, so it is exact and fast for the handful of activities a run holds.
    """
    if not run:
        return [], []
    full = (1 << len(run)) - 1
    best = _back_home(geo, home, run, _labels(geo, home, run), only=full).get(full)
    if best is None:
        return None
    return [run[j] for j, _ in best[1]], [s for _, s in best[1]]


def best_part(geo: Geography, home: Place, run: Sequence[Candidate], value: Callable[[Candidate], float]
              ) -> tuple[list[Candidate], list[int]]:
    """The most valuable part of a run that can be timed (fewest km among equals), in its best order with its
    start times: what is kept of a proposed run that cannot be timed whole. Exact, by the same dynamic programme
    as ``best_order``, which times every subset on the way."""
    if not run:
        return [], []
    timed = _back_home(geo, home, run, _labels(geo, home, run))
    if not timed:
        return [], []
    worth = {mask: sum(value(c) for j, c in enumerate(run) if mask & (1 << j)) for mask in timed}
    mask = max(timed, key=lambda m: (worth[m], -timed[m][0]))
    return [run[j] for j, _ in timed[mask][1]], [s for _, s in timed[mask][1]]


def _labels(geo: Geography, home: Place, run: Sequence[Candidate]) -> dict[tuple[int, int], list[Label]]:
    """Every (subset, last activity) that can be timed from home, with its labels not beaten on finish and km."""
    interval = run[0].interval
    n = len(run)
    labels: dict[tuple[int, int], list[Label]] = {}
    for j, c in enumerate(run):
        start = earliest_in(c.starts, interval.start + geo.minutes(home, c.place))
        if start is not None:
            labels[(1 << j, j)] = [(start + c.duration, geo.km(home, c.place), ((j, start),))]
    for mask in range(1, 1 << n):
        for last in range(n):
            for t, km, path in labels.get((mask, last), []):
                for j, c in enumerate(run):
                    if mask & (1 << j):
                        continue
                    start = earliest_in(c.starts, t + geo.minutes(run[last].place, c.place))
                    if start is None:
                        continue
                    _add_label(labels, (mask | (1 << j), j),
                               (start + c.duration, km + geo.km(run[last].place, c.place), (*path, (j, start))))
    return labels


def _back_home(geo: Geography, home: Place, run: Sequence[Candidate], labels: dict[tuple[int, int], list[Label]],
               only: int | None = None) -> dict[int, tuple[float, tuple[tuple[int, int], ...]]]:
    """For each subset (or only the one given) that can be done and still be home by the interval's end: its
    fewest km and that path."""
    end = run[0].interval.end
    best: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {}
    keys = labels if only is None else [(only, last) for last in range(len(run)) if (only, last) in labels]
    for mask, last in keys:
        bucket = labels[(mask, last)]
        back = geo.minutes(run[last].place, home)
        for t, km, path in bucket:
            total = km + geo.km(run[last].place, home)
            if t + back <= end and (mask not in best or total < best[mask][0]):
                best[mask] = (total, path)
    return best


Label = tuple[int, float, tuple[tuple[int, int], ...]]  # (finish, km, path of (position, start))


def _add_label(labels: dict[tuple[int, int], list[Label]], key: tuple[int, int], label: Label) -> None:
    """Keep a label unless another at the same state finishes no later with no more km."""
    bucket = labels.setdefault(key, [])
    t, km = label[0], label[1]
    if any(t2 <= t and k2 <= km + 1e-9 for t2, k2, _ in bucket):
        return
    bucket[:] = [lb for lb in bucket if not (t <= lb[0] and km <= lb[1] + 1e-9)]
    bucket.append(label)


def shortest_runs(geo: Geography, chosen: Sequence[tuple[Candidate, int]]) -> list[tuple[Candidate, int]]:
    """Each run (a volunteer's activities in one availability interval) in its fewest-km feasible order, with the
    starts of that order; a run already in its best order, or one that ``best_order`` cannot time, keeps its own."""
    runs: dict[tuple[str, Interval], list[tuple[Candidate, int]]] = defaultdict(list)
    for c, t in chosen:
        runs[(c.volunteer, c.interval)].append((c, t))
    out: list[tuple[Candidate, int]] = []
    for (volunteer, _interval), items in runs.items():
        items.sort(key=lambda item: item[1])
        home = geo.home(volunteer)
        best = best_order(geo, home, [c for c, _t in items])
        if best is not None and _trip_km(geo, home, best[0]) < _trip_km(geo, home, [c for c, _t in items]) - 1e-9:
            out.extend(zip(*best, strict=True))
        else:
            out.extend(items)
    return out


def _trip_km(geo: Geography, home: Place, run: Sequence[Candidate]) -> float:
    stops = [home, *(c.place for c in run), home]
    return sum(geo.km(a, b) for a, b in zip(stops, stops[1:], strict=False))


def tidy_starts(geo: Geography, chosen: Sequence[tuple[Candidate, int]],
                step: int = START_STEP_MIN) -> list[tuple[Candidate, int]]:
    """Each run's activities in their chosen order, re-timed as early as they fit with starts on multiples of
    ``step`` minutes; the order, and so the km, is unchanged. A run that no longer fits so keeps its times."""
    runs: dict[tuple[str, Interval], list[tuple[int, Candidate]]] = defaultdict(list)
    for c, t in chosen:
        runs[(c.volunteer, c.interval)].append((t, c))
    tidy: list[tuple[Candidate, int]] = []
    for (volunteer, interval), items in runs.items():
        items.sort(key=lambda item: item[0])
        order = [c for _t, c in items]
        times = time_run(geo, geo.home(volunteer), interval.start, interval.end, order, step=step)
        tidy.extend(zip(order, times if times is not None else [t for t, _c in items], strict=True))
    return tidy
