"""Large neighbourhood search: free a few related routes, hold the rest of the roster as it is, solve the freed
part exactly, and keep the result when the roster is better, level by level.

A neighbourhood starts from one route (a volunteer's availability interval) and adds the routes that could serve
the same children and sessions, most shared first, until about ``settings.lns_candidates`` activities are free.
Its model is the part's model with every activity the rest of the roster does for the same children, sessions
and volunteers held taken, so that each rule counts what is already done; rule family 2 is the runs formulation
when every freed route's runs can be listed (``solver.colgen.Master``), and circuits on CP-SAT when some route
has too many (a social worker's day of eight interviews). It is solved in two steps, shortfall with continuity
below it, then travel with fairness below it, from the roster as it is; the checker then compares the two rosters.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from solver.backend import CpSatBackend
from solver.candidates import Candidate
from solver.colgen import PAIRS, Master, RunPool, roster_of, runs_of
from solver.columns import RouteKey, Run, enumerate_runs
from solver.instance import Instance
from solver.model import Part, build_model
from solver.places import Geography
from solver.settings import SolverSettings
from solver.validate import levels

log = logging.getLogger(__name__)
GROW, SHRINK = 1.2, 0.7  # how the neighbourhood's size follows how quickly its model is solved
QUICK_S = 0.4  # a neighbourhood solved faster than this is small enough to grow
MIN_CANDIDATES = 12


@dataclass(frozen=True)
class Searched:
    """What the search did: the roster (candidate → start), how many neighbourhoods it solved and improved."""

    chosen: dict[int, int]
    neighbourhoods: int
    improved: int


class _Roster:
    """The roster being improved: a run per route, and the indexes a neighbourhood needs around it."""

    def __init__(self, instance: Instance, geo: Geography, part: Part, chosen: dict[int, int]):
        self.instance, self.geo, self.part = instance, geo, part
        self.by_index = {c.index: c for c in part.candidates}
        self.by_route: dict[RouteKey, list[Candidate]] = defaultdict(list)
        self.routes_of_target: dict[tuple[str, ...], set[RouteKey]] = defaultdict(set)
        for c in part.candidates:
            key = (c.volunteer, c.interval)
            self.by_route[key].append(c)
            self.routes_of_target[_target(c)].add(key)
        self.runs: dict[RouteKey, Run] = {run.route: run for run in runs_of(geo, part.candidates, chosen)}
        self.levels = self.measure(self.runs)

    def measure(self, runs: dict[RouteKey, Run]) -> tuple[float, int, float, float]:
        """The checker's four levels of the part's roster made of these runs."""
        return levels(self.instance, roster_of(self.instance, self.part, list(runs.values())), self.geo).as_tuple()

    def chosen(self) -> dict[int, int]:
        """Candidate → start of every run."""
        return {i: t for run in self.runs.values() for i, t in zip(run.order, run.starts, strict=True)}

    def taken(self) -> set[int]:
        """Every candidate of the roster."""
        return {i for run in self.runs.values() for i in run.order}


def _target(c: Candidate) -> tuple[str, ...]:
    """What a candidate serves: a child, or a session (site and day)."""
    return ("child", c.target) if c.kind == "visit" else ("session", c.target, c.day)


def improve(instance: Instance, geo: Geography, part: Part, chosen: dict[int, int], settings: SolverSettings,
            until: float, first: Sequence[RouteKey] = ()) -> Searched:
    """Improve the part's roster by neighbourhoods until the clock reaches ``until``; the first neighbourhoods start
    from the routes ``first`` names (a proposal's runs that had to be cut down), the rest from routes at random."""
    roster = _Roster(instance, geo, part, chosen)
    rng = random.Random(settings.seed)  # noqa: S311 - a reproducible search, not security
    routes = sorted(roster.by_route, key=lambda r: (r[0], r[1].day, r[1].start))
    size = float(settings.lns_candidates)
    solved = improved = 0
    start = roster.levels
    while routes and time.monotonic() < until - QUICK_S:
        seed = first[solved] if solved < len(first) else rng.choice(routes)
        freed = _neighbourhood(roster, seed, round(size), rng)
        started = time.monotonic()
        better = _solve(roster, freed, settings, min(until, started + settings.lns_seconds))
        took = time.monotonic() - started
        solved += 1
        if better is not None:
            runs = {r: run for r, run in roster.runs.items() if r not in freed} | {run.route: run for run in better}
            found = roster.measure(runs)
            if found < roster.levels:
                roster.runs, roster.levels = runs, found
                improved += 1
        if took < QUICK_S:
            size = size * GROW
        elif took > settings.lns_seconds * 0.8:
            size = max(MIN_CANDIDATES, size * SHRINK)
    log.debug("neighbourhoods: %d solved, %d improved the roster from %s to %s", solved, improved, start,
              roster.levels)
    return Searched(roster.chosen(), solved, improved)


def _neighbourhood(roster: _Roster, seed: RouteKey, size: int, rng: random.Random) -> set[RouteKey]:
    """The seed route and the routes that could serve the same children and sessions (most shared first, ties at
    random), until about ``size`` candidates are free."""
    chosen = {seed}
    count = len(roster.by_route[seed])
    shared: Counter[RouteKey] = Counter()
    frontier = [seed]
    while count < size:
        for route in frontier:
            for c in roster.by_route[route]:
                for other in roster.routes_of_target[_target(c)]:
                    if other not in chosen:
                        shared[other] += 1
        if not shared:
            break
        best = max(shared.values())
        pick = rng.choice(sorted((r for r, n in shared.items() if n == best), key=lambda r: (r[0], r[1].day,
                                                                                             r[1].start)))
        del shared[pick]
        chosen.add(pick)
        frontier = [pick]
        count += len(roster.by_route[pick])
    return chosen


def _solve(roster: _Roster, freed: set[RouteKey], settings: SolverSettings, until: float) -> list[Run] | None:
    """The freed routes' runs of the neighbourhood's best roster (None when nothing was found in time)."""
    instance, geo = roster.instance, roster.geo
    fixed = roster.taken() - {i for r in freed if r in roster.runs for i in roster.runs[r].order}
    fixed_days = {(roster.by_index[i].target, roster.by_index[i].day) for i in fixed
                  if roster.by_index[i].kind == "visit"}
    fixed_visits = Counter(roster.by_index[i].target for i in fixed if roster.by_index[i].kind == "visit")
    free = [c for route in freed for c in roster.by_route[route]
            if not (c.kind == "visit" and ((c.target, c.day) in fixed_days or fixed_visits[c.target]
                                           >= instance.child_by_id[c.target].visits_per_week))]
    if not free:
        return None
    children = sorted({c.target for c in free if c.kind == "visit"})
    sessions = sorted({(c.target, c.day) for c in free if c.kind == "tutoring"})
    volunteers = {c.volunteer for c in free}
    touched = {("child", c) for c in children} | {("session", *s) for s in sessions}
    around = sorted(i for i in fixed
                    if roster.by_index[i].volunteer in volunteers or _target(roster.by_index[i]) in touched)
    cands = sorted([*free, *(roster.by_index[i] for i in around)], key=lambda c: c.index)
    part = Part(cands, children, sessions, [(n, p) for n, p in roster.part.pins if p.volunteer in volunteers])
    floor = _outside_share(instance, roster, volunteers | {roster.by_index[i].volunteer for i in around}, settings)
    visited = {c.target for c in cands if c.kind == "visit"}
    # Continuity here counts every visit of the model (those held too) and last week's pairs: never more than this.
    weights = {"shortfall": sum(instance.child_by_id[c].visits_per_week for c in visited) + len(instance.previous)
               + 1, "travel": settings.fairness_scale + 1}
    current = {r: roster.runs[r] for r in freed if r in roster.runs}
    pool = _pool(geo, instance, freed, free, current, settings)
    if pool is not None:
        return _solve_runs(instance, geo, part, pool, list(current.values()), frozenset(around), weights, floor,
                           settings, until)
    return _solve_circuits(instance, geo, part, freed, current, frozenset(around), weights, floor, settings, until)


def _solve_runs(instance: Instance, geo: Geography, part: Part, pool: RunPool, current: list[Run],
                around: frozenset[int], weights: dict[str, int], floor: int, settings: SolverSettings,
                until: float) -> list[Run] | None:
    """The neighbourhood over its timed runs, on the MIP solver."""
    master = Master(instance, geo, part, settings, pool, relaxed=False, weights=weights, fixed=around,
                    fairness_floor=floor)
    if master.start_from([pool.find(run) for run in current], PAIRS[0]) is None:
        return None
    best = None
    for n, goal in enumerate(PAIRS):
        seconds = until - time.monotonic()
        if seconds <= 0.05:
            break
        outcome = master.solve(goal, seconds / (len(PAIRS) - n))
        if not outcome.has_solution:
            break
        best = master.chosen()
        values = master.values(goal, round(outcome.objective))
        for level in goal:
            master.hold(level, values[level])
        if n + 1 < len(PAIRS):
            master.start_from(best, PAIRS[n + 1])
    return best


def _solve_circuits(instance: Instance, geo: Geography, part: Part, freed: set[RouteKey],
                    current: dict[RouteKey, Run], around: frozenset[int], weights: dict[str, int], floor: int,
                    settings: SolverSettings, until: float) -> list[Run] | None:
    """The neighbourhood with each freed route as a circuit with start times, on CP-SAT."""
    m = CpSatBackend(settings.cores, settings.seed)
    model = build_model(m, instance, geo, part, settings, routes=freed)
    xs = model.xs
    for i in around:
        m.add(xs.take[i] == 1)
    if floor:
        m.add(model.objectives["fairness"] >= floor)
    start_of = {i: t for run in current.values() for i, t in zip(run.order, run.starts, strict=True)}
    by_index = {c.index: c for c in part.candidates}
    xs.hint({**start_of, **{i: by_index[i].earliest for i in around}})
    goals = [weights[a] * model.objectives[a] + model.objectives[b] for a, b in PAIRS]
    found = None
    for n, goal in enumerate(goals):
        seconds = until - time.monotonic()
        if seconds <= 0.05:
            break
        outcome = m.solve(goal, seconds / (len(goals) - n))
        if not outcome.has_solution:
            break
        found = {c.index: m.value(xs.start[c.index]) for c in part.candidates
                 if (c.volunteer, c.interval) in freed and m.value(xs.take[c.index])}
        m.add(goal <= round(outcome.objective))
        m.hint_last()
    if found is None:
        return None
    runs = []
    by_route: dict[RouteKey, list[Candidate]] = defaultdict(list)
    for i in found:
        by_route[(by_index[i].volunteer, by_index[i].interval)].append(by_index[i])
    for route, cands in by_route.items():
        cands.sort(key=lambda c: found[c.index])
        home = geo.home(route[0])
        stops = [home, *(c.place for c in cands), home]
        runs.append(Run(route, tuple(c.index for c in cands), tuple(found[c.index] for c in cands),
                        sum(geo.km(a, b) for a, b in zip(stops, stops[1:], strict=False))))
    return runs


def _pool(geo: Geography, instance: Instance, freed: set[RouteKey], free: list[Candidate],
          current: dict[RouteKey, Run], settings: SolverSettings) -> RunPool | None:
    """Every run of each freed route over its free activities, or None when a route has more than
    ``settings.runs_per_route`` (the neighbourhood is then solved with circuits)."""
    pool = RunPool()
    by_route: dict[RouteKey, list[Candidate]] = defaultdict(list)
    for c in free:
        by_route[(c.volunteer, c.interval)].append(c)
    for route in freed:
        cands = by_route.get(route, [])
        if not cands:
            continue
        runs = enumerate_runs(geo, cands, instance.volunteer_by_id[route[0]].max_visits_per_day,
                              settings.runs_per_route)
        if runs is None:
            return None
        for run in runs:
            pool.add(run)
    for run in current.values():
        pool.add(run)
    return pool


def _outside_share(instance: Instance, roster: _Roster, involved: set[str], settings: SolverSettings) -> int:
    """The largest load share (scaled as the model scales it) of the part's volunteers outside the neighbourhood."""
    load = Counter(roster.by_index[i].volunteer for i in roster.taken())
    top = 0
    for vid, n in load.items():
        if vid in involved:
            continue
        v = instance.volunteer_by_id[vid]
        cap = (v.max_sessions_per_week if v.is_tutor() else 0) + (v.max_visits_per_week if v.is_visitor() else 0)
        if cap:
            top = max(top, -(-settings.fairness_scale * n // cap))
    return top
