"""Timed runs: the sets of a route's activities that one trip can hold, each in its best order.

A route is one volunteer's availability interval; a run is what she does in it: home, activities in time
order, home. The column model (``solver.rules.columns``) chooses at most one run per route, so a chosen
roster can always be timed and its km are exact. Runs come from two places:

- ``enumerate_runs``: every feasible run of a small route, built size by size (a set is tried only when
  every set one smaller is feasible, since dropping an activity never breaks a run);
- ``price_runs``: for a route with too many runs to list, the runs worth adding to the model, found by
  labelling (a shortest path with time windows) against the prices the linear relaxation puts on each
  activity. Labels at the same last activity that finish no earlier with no more value are dropped, so
  it is exact while nothing is cut by the beam, and a good heuristic when something is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from solver.candidates import Candidate
from solver.instance import Interval
from solver.places import Geography
from solver.schedule import best_order, earliest_in, time_run

RouteKey = tuple[str, Interval]  # (volunteer, availability interval): one trip at most
MAX_PRICED = 63  # activities a priced route considers at once (a bit each in a 64-bit mask)
EPS = 1e-7
NEVER = 1 << 30  # a start that never comes
RunLabel = tuple[int, float, tuple[int, ...], tuple[int, ...]]  # (finish, km, positions in order, their starts)
EXACT_TRIES = 3  # a route whose exact labelling ran out of room this often is priced heuristically from then on


@dataclass(frozen=True)
class Run:
    """One trip: a volunteer's activities inside one availability interval, in order, with their starts and km."""

    route: RouteKey
    order: tuple[int, ...]  # candidate indices in the order they are done
    starts: tuple[int, ...]
    km: float

    def __post_init__(self) -> None:
        if not self.order or len(self.order) != len(self.starts) or len(set(self.order)) != len(self.order):
            raise ValueError(f"a run needs distinct activities, each with a start: {self}")

    @property
    def members(self) -> frozenset[int]:
        """The candidates the run holds, in any order."""
        return frozenset(self.order)


def timed_run(geo: Geography, cands: Sequence[Candidate]) -> Run | None:
    """The run holding exactly these candidates of one route in its fewest-km feasible order, or None."""
    home = geo.home(cands[0].volunteer)
    got = best_order(geo, home, cands)
    if got is None:
        return None
    order, starts = got
    stops = [home, *(c.place for c in order), home]
    km = sum(geo.km(a, b) for a, b in zip(stops, stops[1:], strict=False))
    return Run((cands[0].volunteer, cands[0].interval), tuple(c.index for c in order), tuple(starts), km)


def run_in_order(geo: Geography, cands: Sequence[Candidate]) -> Run | None:
    """The run doing these candidates of one route in this order, each as early as it can start, or None when
    the order cannot be kept."""
    interval = cands[0].interval
    home = geo.home(cands[0].volunteer)
    starts = time_run(geo, home, interval.start, interval.end, cands)
    if starts is None:
        return None
    stops = [home, *(c.place for c in cands), home]
    km = sum(geo.km(a, b) for a, b in zip(stops, stops[1:], strict=False))
    return Run((cands[0].volunteer, interval), tuple(c.index for c in cands), tuple(starts), km)


def enumerate_runs(geo: Geography, cands: Sequence[Candidate], max_visits: int, limit: int) -> list[Run] | None:
    """Every feasible run of one route (at most ``max_visits`` visits), or None when there are more than
    ``limit``. Sets grow one activity at a time; each set's labels (finish time, km per last activity,
    Pareto-filtered) are built from those of its subsets one smaller, so each set is timed once."""
    if len(cands) + _visit_pairs_that_fit(geo, cands, max_visits) > limit:
        return None
    interval = cands[0].interval
    home = geo.home(cands[0].volunteer)
    n = len(cands)
    places = [c.place for c in cands]
    back = [geo.minutes(p, home) for p in places]
    km_back = [geo.km(p, home) for p in places]
    visits = [c.kind == "visit" for c in cands]
    level: dict[int, dict[int, list[RunLabel]]] = {}
    runs: list[Run] = []

    def close(mask_labels: dict[int, list[RunLabel]], bits: Sequence[int]) -> bool:
        best = None
        for last, labels in mask_labels.items():
            for finish, km, path, starts in labels:
                if finish + back[last] <= interval.end and (best is None or km + km_back[last] < best[0]):
                    best = (km + km_back[last], path, starts)
        if best is None:
            return False
        runs.append(Run((cands[0].volunteer, interval), tuple(cands[j].index for j in best[1]), best[2], best[0]))
        return True

    for j, c in enumerate(cands):
        start = earliest_in(c.starts, interval.start + geo.minutes(home, c.place))
        if start is not None and start + c.duration + back[j] <= interval.end:
            alone: dict[int, list[RunLabel]] = {j: [(start + c.duration, geo.km(home, c.place), (j,), (start,))]}
            if close(alone, (j,)):
                level[1 << j] = alone
    while level:
        if len(runs) > limit:
            return None
        grown: dict[int, dict[int, list[RunLabel]]] = {}
        for mask, by_last in level.items():
            top = mask.bit_length() - 1
            members = [j for j in range(top + 1) if mask >> j & 1]
            in_visits = sum(visits[j] for j in members)
            for new in range(top + 1, n):
                if visits[new] and in_visits + 1 > max_visits:
                    continue
                full = mask | (1 << new)
                if any((full & ~(1 << j)) not in level for j in members):
                    continue  # a subset one smaller cannot be timed, so neither can this set
                labels: dict[int, list[RunLabel]] = {}
                for last in (*members, new):
                    before = level.get(full & ~(1 << last)) if last != new else by_last
                    if not before:
                        continue
                    c = cands[last]
                    for prev, prev_labels in before.items():
                        gap_min, gap_km = geo.minutes(places[prev], c.place), geo.km(places[prev], c.place)
                        for finish, km, path, starts in prev_labels:
                            start = earliest_in(c.starts, finish + gap_min)
                            if start is not None:
                                _keep(labels.setdefault(last, []),
                                      (start + c.duration, km + gap_km, (*path, last), (*starts, start)))
                if labels and close(labels, (*members, new)):
                    grown[full] = labels
                    if len(runs) > limit:
                        # Known at once, not after the whole level: a medium week's route of 139 activities
                        # took 0.4 s to time its 9,000 pairs before it found it had too many.
                        return None
        level = grown
    return runs


def _visit_pairs_that_fit(geo: Geography, cands: Sequence[Candidate], max_visits: int) -> int:
    """How many pairs of the route's visits surely make a run, counted at once: fewer than the runs there are
    (each visit alone is a run too, and so is a session with a visit).

    A visit's start ranges already leave time to come from home and to get back, so one visit can follow another
    when the first, started as early as it may, ends with time to travel before the second's last start. Minutes
    are taken one more than ``fewest_minutes`` gives, so no pair is counted that does not fit. The count lets a
    route of 139 visits say it has too many runs in a millisecond, not after timing 3,000 pairs one by one."""
    visits = [c for c in cands if c.kind == "visit"]
    if max_visits < 2 or len(visits) < 2:
        return 0
    minutes = geo.fewest_minutes([c.place for c in visits]) + 1
    ready = np.array([c.earliest + c.duration for c in visits])
    latest = np.array([c.latest for c in visits])
    follows = ready[:, None] + minutes <= latest[None, :]
    np.fill_diagonal(follows, False)
    return int(np.triu(follows | follows.T).sum())


def _keep(bucket: list[RunLabel], label: RunLabel) -> None:
    """Keep a label unless another finishes no later with no more km; drop those it beats."""
    finish, km = label[0], label[1]
    if any(f <= finish and k <= km + 1e-9 for f, k, *_ in bucket):
        return
    bucket[:] = [b for b in bucket if not (finish <= b[0] and km <= b[1] + 1e-9)]
    bucket.append(label)


class PricedRoute:
    """One route's activities as arrays, for labelling many times against changing prices."""

    def __init__(self, geo: Geography, cands: Sequence[Candidate], max_visits: int):
        self.cands = list(cands)
        self.interval = cands[0].interval
        self.max_visits = max_visits
        self.exact_failed = 0  # prices at which the exact search ran out of room (it is skipped after a few)
        home = geo.home(cands[0].volunteer)
        places = [c.place for c in cands]
        self.duration = np.array([c.duration for c in cands], dtype=np.int64)
        width = max(len(c.starts) for c in cands)
        self.lo = np.full((len(cands), width), NEVER, dtype=np.int64)
        self.hi = np.full((len(cands), width), -1, dtype=np.int64)
        for j, c in enumerate(cands):
            for r, (lo, hi) in enumerate(c.starts):
                self.lo[j, r], self.hi[j, r] = lo, hi
        self.go = np.array([geo.minutes(home, p) for p in places], dtype=np.int64)
        self.back = np.array([geo.minutes(p, home) for p in places], dtype=np.int64)
        self.km_go = np.array([geo.km(home, p) for p in places])
        self.km_back = np.array([geo.km(p, home) for p in places])
        self.minutes = np.array([[geo.minutes(a, b) for b in places] for a in places], dtype=np.int64)
        self.km = np.array([[geo.km(a, b) for b in places] for a in places])
        self.visit = np.array([c.kind == "visit" for c in cands], dtype=np.int64)

    def _earliest(self, items: np.ndarray, arrival: np.ndarray) -> np.ndarray:
        """Earliest feasible start of each item at or after the arrival times (same shape), NEVER if none."""
        lo, hi = self.lo[items], self.hi[items]
        best = np.full(arrival.shape, NEVER, dtype=np.int64)
        for r in range(lo.shape[-1]):
            fits = arrival <= hi[..., r]
            best = np.minimum(best, np.where(fits, np.maximum(arrival, lo[..., r]), NEVER))
        return best


def _front(item: np.ndarray, group: np.ndarray, value: np.ndarray, beam: int | None) -> np.ndarray:
    """Which labels to keep, the labels sorted by (item, group, finish, −value): in each (item, group), those whose
    value beats every label finishing no later; with ``beam``, at most that many of them, the most valuable."""
    n = len(item)
    starts = np.r_[True, (item[1:] != item[:-1]) | (group[1:] != group[:-1])]
    gid = np.cumsum(starts) - 1
    span = float(value.max() - value.min()) + 1.0 if n else 1.0
    lifted = value + gid * (2 * span)  # groups apart, so one running maximum serves them all
    best_before = np.r_[-np.inf, np.maximum.accumulate(lifted)[:-1]]
    keep: np.ndarray = starts | (lifted > best_before + EPS)
    if beam is None:
        return keep
    chosen = np.flatnonzero(keep)
    ranked = chosen[np.lexsort((-value[chosen], gid[chosen]))]
    first_of = np.r_[True, gid[ranked][1:] != gid[ranked][:-1]]
    rank = np.arange(len(ranked)) - np.maximum.accumulate(np.where(first_of, np.arange(len(ranked)), 0))
    out = np.zeros(n, dtype=bool)
    out[ranked[rank < beam]] = True
    return out


@dataclass(frozen=True)
class Priced:
    """What labelling one route found: runs of negative reduced cost (best first) and whether the search was
    exhaustive (nothing dropped by the beam), so that finding none proves there is none."""

    runs: tuple[tuple[float, tuple[int, ...]], ...]  # (reduced cost, candidate positions in order)
    exhaustive: bool


def price_runs(route: PricedRoute, prize: np.ndarray, route_price: float, km_cost: float, beam: int,
               limit: int, budget: int = 50_000) -> Priced:
    """Runs whose reduced cost ``km_cost × km − Σ prize − route_price`` is negative, found by labelling.

    ``prize`` is per candidate of the route (positions as in ``route.cands``); only activities with a
    positive prize can make a run better, so only they are labelled (at most ``MAX_PRICED``, the dearest).
    A label is (last activity, finish, value, set taken). First the search is exact: of the labels with the
    same last activity and the same set, only those not beaten on both finish and value are kept. When a
    level would weigh more than ``budget`` (labels × activities), it starts again as a heuristic: at each last
    activity, whatever the set, at most ``beam`` labels not beaten on finish and value. Up to ``limit`` runs are
    returned.
    """
    if route.exact_failed < EXACT_TRIES:
        exact = _label(route, prize, route_price, km_cost, beam, limit, budget)
        if exact is not None:
            return exact
        route.exact_failed += 1
    heuristic = _label(route, prize, route_price, km_cost, beam, limit, None)
    if heuristic is None:  # only a pass with a budget gives up
        raise RuntimeError("the heuristic labelling gave up")
    return heuristic


def _label(route: PricedRoute, prize: np.ndarray, route_price: float, km_cost: float, beam: int, limit: int,
           budget: int | None) -> Priced | None:
    """One labelling pass: exact within ``budget`` labels (None when it would need more), or heuristic."""
    worth = np.flatnonzero(prize > EPS)
    exhaustive = True
    if len(worth) > MAX_PRICED:
        worth = worth[np.argsort(-prize[worth], kind="stable")[:MAX_PRICED]]
        exhaustive = False
    if len(worth) == 0:
        return Priced((), True)
    interval = route.interval
    p = prize[worth]
    bit = np.left_shift(np.uint64(1), np.arange(len(worth), dtype=np.uint64))
    duration, back = route.duration[worth], route.back[worth]
    minutes, km = route.minutes[np.ix_(worth, worth)], route.km[np.ix_(worth, worth)]
    visit = route.visit[worth]
    start = route._earliest(worth, interval.start + route.go[worth])
    ok = (start < NEVER) & (start + duration + back <= interval.end) & (visit <= route.max_visits)
    last = np.flatnonzero(ok)
    finish = start[last] + duration[last]
    value = p[last] - km_cost * route.km_go[worth][last]
    mask = bit[last]
    count = visit[last]
    history: list[tuple[np.ndarray, np.ndarray]] = [(last, np.full(len(last), -1))]  # per level: last, parent
    found: list[tuple[float, int, int]] = []  # (reduced cost, level, label)

    def finish_runs(level: int, last: np.ndarray, value: np.ndarray) -> None:
        reduced = km_cost * route.km_back[worth][last] - value - route_price
        for label in np.flatnonzero(reduced < -EPS):
            found.append((float(reduced[label]), level, int(label)))

    finish_runs(0, last, value)
    level = 0
    while len(last):
        if budget is not None and len(last) * len(worth) > budget:
            return None
        level += 1
        arrival = finish[:, None] + minutes[last]
        starts = route._earliest(np.broadcast_to(worth, arrival.shape), arrival)
        fits = ((starts < NEVER) & (starts + duration[None, :] + back[None, :] <= interval.end)
                & ((mask[:, None] & bit[None, :]) == 0) & (count[:, None] + visit[None, :] <= route.max_visits))
        parent, item = np.nonzero(fits)
        if not len(parent):
            break
        new_finish = starts[parent, item] + duration[item]
        new_value = value[parent] + p[item] - km_cost * km[last[parent], item]
        new_mask = mask[parent] | bit[item]
        # Per group (last activity, and in the exact pass the same set too), keep the labels not beaten on
        # finish and value (earliest first); the heuristic pass then keeps the best ``beam`` of them.
        group = new_mask if budget is not None else np.zeros(len(item), dtype=np.uint64)
        order = np.lexsort((-new_value, new_finish, group, item))
        item, parent, new_finish, new_value = item[order], parent[order], new_finish[order], new_value[order]
        new_mask, group = new_mask[order], group[order]
        keep = _front(item, group, new_value, None if budget is not None else beam)
        if budget is None and not keep.all():
            exhaustive = False  # a label with another set was dropped: it might have led further
        item, parent, new_finish, new_value = item[keep], parent[keep], new_finish[keep], new_value[keep]
        mask = new_mask[keep]
        count = count[parent] + visit[item]
        last, finish, value = item, new_finish, new_value
        history.append((last, parent))

        finish_runs(level, last, value)
    found.sort()
    runs, seen = [], set()
    for reduced, level, label in found:
        path = []
        for depth in range(level, -1, -1):
            items, parents = history[depth]
            path.append(int(worth[items[label]]))
            label = int(parents[label])
        path.reverse()
        key = frozenset(path)
        if key not in seen:
            seen.add(key)
            runs.append((reduced, tuple(path)))
            if len(runs) >= limit:
                break
    return Priced(tuple(runs), exhaustive)
