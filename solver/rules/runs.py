"""Rule family 2 for large parts, by decomposition: the master model keeps pairs that can never share a
run apart and holds each stretch of time to what fits in it, and every run it proposes is timed exactly
outside the model; a run that cannot be timed becomes a cut that forbids that set of activities together,
lifted by the centre rules to every set of its route that leaves too little time to travel."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from solver.backend import CpSatBackend, MipBackend
from solver.candidates import Candidate
from solver.columns import RouteKey
from solver.places import Geography, Place
from solver.schedule import best_order, best_part, can_follow
from solver.variables import RosterVars


@dataclass(frozen=True)
class Stretch:
    """A stretch of one run's time: the candidates confined to it, and how many of them fit in it in sequence."""

    inside: tuple[Candidate, ...]
    fits: int

    @property
    def span(self) -> tuple[int, int]:
        """The hull of its candidates' windows: the first start to the last end, in minutes of the day."""
        return min(c.earliest for c in self.inside), max(c.latest + c.duration for c in self.inside)

    def __post_init__(self) -> None:
        if len(self.inside) <= self.fits:
            raise ValueError("a stretch is kept only when more candidates are confined to it than fit")


def route_stretches(xs: RosterVars, geo: Geography) -> dict[RouteKey, list[Stretch]]:
    """Every route's stretches that hold more candidates than fit (see ``_stretches``), computed once for
    the pair rules and the energy rules, which both read them."""
    return {key: _stretches(cands, geo) for key, cands in xs.by_route.items()}


def add_pair_rules(m: CpSatBackend | MipBackend, xs: RosterVars, geo: Geography, max_pair_rows: int,
                   stretches: Mapping[RouteKey, list[Stretch]] | None = None) -> int:
    """Two activities of one run that fit in neither order are never both taken. Pairs already kept
    apart by a stretch that holds only one activity (see ``add_energy_rules``) are not repeated.

    Up to ``max_pair_rows`` such pairs, each is a row; above that (a county has near a million), the pairs
    are covered by cliques instead: for each activity, a largest-found group of activities no two of which
    fit together, of which at most one is taken. That is fewer rows and a tighter relaxation; a pair no
    clique covers is left to the cut loop (its run cannot be timed, so it is cut). Returns the rows added."""
    if stretches is None:
        stretches = route_stretches(xs, geo)
    incompatible: dict[RouteKey, dict[int, set[int]]] = {}
    pairs = 0
    for key, cands in xs.by_route.items():
        # For each activity, the stretches holding only one activity that it is confined to.
        single: dict[int, set[int]] = defaultdict(set)
        for n, stretch in enumerate(stretches[key]):
            if stretch.fits == 1:
                for c in stretch.inside:
                    single[c.index].add(n)
        apart: dict[int, set[int]] = {c.index: set() for c in cands}
        for i, ca in enumerate(cands):
            for cb in cands[i + 1:]:
                if single[ca.index] & single[cb.index]:
                    continue
                if not can_follow(geo, ca, cb) and not can_follow(geo, cb, ca):
                    apart[ca.index].add(cb.index)
                    apart[cb.index].add(ca.index)
                    pairs += 1
        incompatible[key] = apart
    rows = 0
    for apart in incompatible.values():
        if pairs <= max_pair_rows:
            for a, others in apart.items():
                for b in others:
                    if a < b:
                        m.not_all([xs.take[a], xs.take[b]])
                        rows += 1
            continue
        seen: set[frozenset[int]] = set()
        for a in sorted(apart, key=lambda i: (-len(apart[i]), i)):
            clique = [a]
            for b in sorted(apart[a], key=lambda i: (-len(apart[i]), i)):
                if all(b in apart[x] for x in clique):
                    clique.append(b)
            if len(clique) > 1 and (group := frozenset(clique)) not in seen:
                seen.add(group)
                m.at_most_one([xs.take[i] for i in clique])
                rows += 1
    return rows


def star_travel_terms(xs: RosterVars, geo: Geography) -> None:
    """Travel for the master model: each activity as its own trip from home and back (an upper bound on
    the real route; the exact routes are built after the choice)."""
    for c in xs.candidates:
        xs.travel_terms.append((xs.take[c.index], c.km_from_home + geo.km(c.place, geo.home(c.volunteer))))


def minimal_infeasible(geo: Geography, home: Place, run: list[Candidate]) -> list[Candidate]:
    """Shrink a run that cannot be timed to a smallest-found subset that still cannot (deletion filter)."""
    core = list(run)
    for c in list(core):
        trial = [x for x in core if x is not c]
        if len(trial) >= 2 and best_order(geo, home, trial) is None:
            core = trial
    return core


def time_runs(geo: Geography, xs: RosterVars, chosen: set[int],
              value: Callable[[Candidate], float] | None = None
              ) -> tuple[dict[int, int], list[list[Candidate]]]:
    """Time every run of the chosen candidates (fewest km order); return the start times and the runs
    that cannot be timed, each shrunk to a small infeasible core. With ``value``, a run that cannot be
    timed is also repaired (its most valuable part that can be timed is kept) and that part is in the start times."""
    starts: dict[int, int] = {}
    failed: list[list[Candidate]] = []
    for (vid, _interval), cands in xs.by_route.items():
        run = [c for c in cands if c.index in chosen]
        if not run:
            continue
        home = geo.home(vid)
        timed = best_order(geo, home, run)
        if timed is None:
            failed.append(minimal_infeasible(geo, home, run))
            if value is None:
                continue
            timed = best_part(geo, home, run, value)
        for c, t in zip(*timed, strict=True):
            starts[c.index] = t
    return starts, failed


def _stretches(cands: list[Candidate], geo: Geography) -> list[Stretch]:
    """For each distinct stretch [earliest start, latest end] of a run's candidates: the candidates
    confined to it, and how many of them fit in it in sequence (counting the least travel between two)."""
    if len(cands) < 2:
        return []
    # Two activities at one place need no travel between them.
    places = [c.place for c in cands]
    gap = 0 if len(set(places)) < len(places) else geo.least_minutes(places)
    duration = min(c.duration for c in cands)
    out = []
    for lo, hi in sorted({(c.earliest, c.latest + c.duration) for c in cands}):
        inside = tuple(c for c in cands if lo <= c.earliest and c.latest + c.duration <= hi)
        fits = (hi - lo + gap) // (duration + gap)
        if len(inside) > fits:
            out.append(Stretch(inside, fits))
    return out


def add_energy_rules(m: CpSatBackend | MipBackend, xs: RosterVars, geo: Geography,
                     stretches: Mapping[RouteKey, list[Stretch]] | None = None) -> int:
    """Activities of one run that must all happen inside the same stretch of time cannot together take
    longer than that stretch: the candidates confined to a stretch fit in sequence, counting the least
    travel between two of them; where their durations differ, their minutes fit in it too. Returns how many
    constraints were added."""
    if stretches is None:
        stretches = route_stretches(xs, geo)
    count = 0
    for route in stretches.values():
        for stretch in route:
            if stretch.fits == 1:
                m.at_most_one([xs.take[c.index] for c in stretch.inside])
            else:
                m.add(xs.taken(stretch.inside) <= stretch.fits)
            count += 1
            if len({c.duration for c in stretch.inside}) > 1:
                # The count takes every activity as the shortest: a 90-minute session and two 45-minute visits
                # in 150 minutes pass it, and their minutes do not.
                lo, hi = stretch.span
                m.add(sum(c.duration * xs.take[c.index] for c in stretch.inside) <= hi - lo)
                count += 1
    return count


def add_centre_rules(m: CpSatBackend | MipBackend, xs: RosterVars, geo: Geography, route: RouteKey) -> int:
    """A stretch's full load (as many activities as fit, three or more) leaves little time to travel: some
    activity between two others must then be near both of them. Each activity that has two such neighbours may
    be a centre; as many as fit are taken only if a taken activity is a centre with two of its neighbours taken.

    With k activities in a stretch of the hull [lo, hi], the k-1 legs between them take at most
    slack = hi - lo - k * (shortest duration) minutes; an activity b inside the order has legs to its two
    neighbours that sum to at most that, so each is at most slack minus b's nearest other activity. Three visits
    of 45 minutes in a 150-minute window with homes 17 and 20 minutes apart pass the count and the pairs, and this
    keeps them apart (on a medium week's largest part, 25 of the first round's 32 untimeable runs were such).

    Rows for one route: on every route at once they are 19,000 rows that made the first round of a medium week's
    largest part find nothing in its time, so the cut loop adds them to a route whose proposal could not be
    timed, lifting its cut to every such set of that route. Returns how many constraints were added."""
    count = 0
    for stretch in _stretches(xs.by_route[route], geo):
        k = stretch.fits
        if k < 3:
            continue
        inside = stretch.inside
        lo, hi = stretch.span
        slack = hi - lo - k * min(c.duration for c in inside)
        if slack < 0:
            m.add(xs.taken(inside) <= k - 1)
            count += 1
            continue
        minutes = geo.fewest_minutes([c.place for c in inside])
        np.fill_diagonal(minutes, np.iinfo(np.int64).max // 2)
        near = minutes <= (slack - minutes.min(axis=1))[:, None]
        if near.sum() == len(inside) * (len(inside) - 1):
            continue  # everyone is near everyone: the rule forbids nothing
        centres = []
        for b, row in enumerate(near):
            others = [inside[a] for a in np.flatnonzero(row)]
            if len(others) < 2:
                continue
            # A centre's mark is 1 only when it is taken with two of its neighbours. It must be 0/1: a fraction
            # would let an activity with one near neighbour count as half a centre, and two such make one.
            z = m.bool_var()
            m.add(z <= xs.take[inside[b].index])
            m.add(2 * z <= xs.taken(others))
            centres.append(z)
            count += 2
        m.add(xs.taken(inside) - sum(centres) <= k - 1)
        count += 1
    return count
