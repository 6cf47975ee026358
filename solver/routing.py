"""Dense days re-routed by a routing engine: a part of home visits only, each child at most once a week, is given
to PyVRP (MIT; a vehicle routing model of the whole part, started from the part's roster), which may shorten the
runs, move visits between volunteers and days, and add, drop or swap visits.

The model is the part's week as the contract has it, weekly limit included: one vehicle per volunteer for the
whole week, which stops at home between two of its availability intervals (a required stop, fixed in time, that
only that volunteer can make), so that each of its trips is one run; a load dimension for the week and one per
day hold the weekly and daily limits; each child's windows are one group of clients of which at most one is
visited; a client only the volunteers who have a candidate for it can reach (each volunteer routes over a distance
matrix of its own). The time goes to phases (``PHASES``): some keep the roster's children, every one required, and
only shorten the runs; the others make every child optional with a prize from its priority, and may change who is
visited.

The rule: the roster it returns is kept only when the checker's levels (shortfall, continuity, travel, fairness)
are lexicographically better than the part's roster (each phase starts from the best so far, and its roster
replaces it only on that condition), and every run of it is timed by ``schedule.time_run`` exactly as the rest of
the solver times runs. Where a part has tutoring, children visited more than once a week, regular visitors or last
week's roster, it is left as it is (the routing model would not see what those levels ask for).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, Route, Solution, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxRuntime

from solver.candidates import Candidate
from solver.instance import Instance, Interval
from solver.places import Geography
from solver.schedule import time_run
from solver.timeutil import DAYS

# The engine's time is spent in phases, each from the best roster so far and kept only when the checker's levels are
# better: a phase that keeps the roster's children (every one required, None) drives them fewer km; one in which
# every child is optional, with a prize of this many typical legs (a volunteer's home to a child) per priority
# point, may swap, add or drop visits. Measured on the bench's dense weeks: keeping the children shortens the runs
# most; a prize of 6-8 legs then found rosters with less shortfall, one of 3-4 legs as much shortfall and fewer km
# (a prize above any detour, 15 legs or more, left the engine stuck at its start).
PHASES: tuple[tuple[float | None, float], ...] = ((None, 0.3), (7.0, 0.25), (None, 0.15), (3.5, 0.15), (None, 0.15))
MIN_PHASE_SECONDS = 0.2
log = logging.getLogger(__name__)

# PyVRP warns when its penalties reach their cap on a phase that keeps every child of a tight week; such a phase's
# roster is then infeasible and simply not kept, so the warning would only fill the app's log.
warnings.filterwarnings("ignore", category=PenaltyBoundWarning)
# An arc a volunteer may not take (to a client it has no candidate for, or to another volunteer's home): longer
# and slower than anything a prize can pay for.
FORBIDDEN_ARC = 1_000_000_000
MINUTES_PER_DAY = 24 * 60
MIN_SECONDS = 0.5  # below this the engine cannot improve a dense week
SHARE = 0.5  # of a part's time, kept for re-routing when the part is one the routing model sees whole
# ... and the shares of the levels in the runs formulation's pass before it (shortfall, continuity, travel,
# fairness; ``SolverSettings.priced_stage_shares``): the engine does the travel.
PRICED_STAGE_SHARES = (0.7, 0.1, 0.1, 0.1)
# Each volunteer has a distance and a duration matrix of its own: above this many cells in all the part is left
# as it is (a dense part has a handful of workers; this keeps a large one from taking gigabytes).
MAX_MATRIX_CELLS = 8_000_000


@dataclass(frozen=True)
class Week:
    """The part as a routing model: PyVRP's data, and what its clients and vehicles stand for."""

    data: ProblemData
    volunteers: tuple[str, ...]  # vehicle type k is volunteer k
    runs: tuple[tuple[Interval, ...], ...]  # each volunteer's intervals in time order: its trips
    visits: tuple[tuple[str, Interval], ...]  # client k < len(visits): a child's visit window
    stops: frozenset[int]  # the clients that are a volunteer's stop at home between two intervals


def applies(instance: Instance, candidates: list[Candidate]) -> bool:
    """True for a part the routing model sees whole: visits only, each child at most once a week, no regular
    visitor and no last week's roster among its volunteers."""
    if not candidates or any(c.kind != "visit" for c in candidates):
        return False
    children = {c.target for c in candidates}
    volunteers = {c.volunteer for c in candidates}
    for cid in children:
        child = instance.child_by_id[cid]
        if child.visits_per_week > 1 or child.primary_volunteer is not None:
            return False
    return not any(ref.volunteer in volunteers for ref in instance.previous)


def reroute(instance: Instance, geo: Geography, candidates: list[Candidate], chosen: dict[int, int],
            levels_of: Callable[[dict[int, int]], tuple[float, int, float, float]], seconds: float,
            seed: int = 0) -> dict[int, int]:
    """The part's roster re-routed within ``seconds``, or ``chosen`` itself when nothing better was found."""
    if seconds < MIN_SECONDS or not applies(instance, candidates):
        return chosen
    deadline = time.monotonic() + seconds
    by_index = {c.index: c for c in candidates}
    # A typical leg: the prizes of the phases that may change who is visited are counted in it.
    leg_m = 1000 * sum(c.km_from_home for c in candidates) / len(candidates)
    best, best_levels = chosen, levels_of(chosen)
    for n, (prize_legs, share) in enumerate(PHASES):
        left = deadline - time.monotonic()
        phase_seconds = left * share / sum(s for _p, s in PHASES[n:])
        if phase_seconds < MIN_PHASE_SECONDS:
            break
        if prize_legs is None:
            week = build_week(instance, geo, candidates, keep=frozenset(by_index[i].target for i in best))
        else:
            week = build_week(instance, geo, candidates, prize=max(1, round(prize_legs * leg_m)))
        found = _search(instance, geo, week, candidates, best, phase_seconds, seed + n) if week else None
        found_levels = levels_of(found) if found is not None else None
        log.debug("routing phase %d (prize %s legs, %.1f s): %s against %s", n, prize_legs, phase_seconds,
                  found_levels, best_levels)
        if found is not None and found_levels is not None and found_levels < best_levels:
            best, best_levels = found, found_levels
    return best


def route_children(instance: Instance, geo: Geography, candidates: list[Candidate], children: frozenset[str],
                   seconds: float, seed: int = 0) -> dict[int, int] | None:
    """PyVRP's shortest roster visiting exactly ``children`` (each one required), found from scratch within
    ``seconds``; None when it found none. The bench's yardstick of the km at equal visits."""
    week = build_week(instance, geo, candidates, keep=children)
    return _search(instance, geo, week, candidates, None, seconds, seed) if week else None


def _search(instance: Instance, geo: Geography, week: Week, candidates: list[Candidate],
            start: dict[int, int] | None, seconds: float, seed: int) -> dict[int, int] | None:
    """PyVRP's best roster of the week within ``seconds`` from ``start`` (None: from its own), every run timed;
    None when it has none (or ``start`` is not a roster the model can start from)."""
    initial = None if start is None else _solution(instance, week, candidates, start)
    if start is not None and initial is None:
        return None  # a visit outside its windows: not a roster this model can start from
    best = pyvrp_solve(week.data, MaxRuntime(seconds), seed=seed, collect_stats=False, initial_solution=initial).best
    if not best.is_feasible():
        return None
    return _chosen(instance, geo, week, candidates, best)  # None: the engine's clock and ours disagree on a run


def build_week(instance: Instance, geo: Geography, candidates: list[Candidate], keep: frozenset[str] | None = None,
               prize: int = 0) -> Week | None:
    """The part as PyVRP's data: with ``keep``, those children only, each one required; without, every child
    optional at ``prize`` metres per priority point. None when its matrices would be too large."""
    duration = instance.settings.visit_minutes
    volunteers = tuple(sorted({c.volunteer for c in candidates}))
    runs = tuple(tuple(sorted({c.interval for c in candidates if c.volunteer == vid}, key=_start_of))
                 for vid in volunteers)
    # A client per child's window that some volunteer has a candidate for, and who may go there.
    visits: list[tuple[str, Interval]] = []
    allowed: dict[tuple[str, Interval], set[int]] = {}
    for c in candidates:
        if keep is not None and c.target not in keep:
            continue
        for window in instance.child_by_id[c.target].visit_windows:
            if window.day != c.day or not any(lo <= window.end - duration and window.start <= hi
                                              for lo, hi in c.starts):
                continue
            key = (c.target, window)
            if key not in allowed:
                allowed[key] = set()
                visits.append(key)
            allowed[key].add(volunteers.index(c.volunteer))
    size = len(volunteers) + len(visits)  # locations: each volunteer's home, then each client's
    if len(volunteers) * size * size > MAX_MATRIX_CELLS:
        return None
    places = [geo.home(vid) for vid in volunteers] + [("child", cid) for cid, _w in visits]
    metres = np.array([[round(geo.km(a, b) * 1000) for b in places] for a in places], dtype=np.int64)
    minutes = np.array([[geo.minutes(a, b) for b in places] for a in places], dtype=np.int64)
    days = sorted({w.day for _cid, w in visits} | {i.day for run in runs for i in run}, key=DAYS.index)
    locations = [Location(*_xy(geo, p)) for p in places]
    by_child: dict[str, list[int]] = {}
    for n, (cid, _w) in enumerate(visits):
        by_child.setdefault(cid, []).append(n)
    # A child with more than one window is a group of clients of which at most one is visited.
    groups = [members for members in by_child.values() if len(members) > 1]
    group_of = {n: g for g, members in enumerate(groups) for n in members}
    clients = [Client(len(volunteers) + n, delivery=[1] + [int(day == window.day) for day in days],
                      service_duration=duration, tw_early=_at(window.day, window.start),
                      tw_late=_at(window.day, window.end - duration),
                      prize=prize * instance.child_by_id[cid].priority,
                      required=keep is not None and n not in group_of, group=group_of.get(n))
               for n, (cid, window) in enumerate(visits)]
    stops: set[int] = set()
    depots, vehicle_types = [], []
    for k, (vid, run) in enumerate(zip(volunteers, runs, strict=True)):
        volunteer = instance.volunteer_by_id[vid]
        for before, after in zip(run, run[1:], strict=False):
            # At home from the end of one interval to the start of the next: the trips are the runs.
            stops.add(len(clients))
            clients.append(Client(k, delivery=[0] * (1 + len(days)),
                                  service_duration=_at(after.day, after.start) - _at(before.day, before.end),
                                  tw_early=_at(before.day, before.end), tw_late=_at(before.day, before.end),
                                  required=True))
        first, last = _at(run[0].day, run[0].start), _at(run[-1].day, run[-1].end)
        depots.append(Depot(k, tw_early=first, tw_late=last))
        on_days = {i.day for i in run}
        capacity = [volunteer.max_visits_per_week] + [volunteer.max_visits_per_day if day in on_days else 0
                                                      for day in days]
        vehicle_types.append(VehicleType(1, capacity=capacity, start_depot=k, end_depot=k, tw_early=first,
                                         tw_late=last, profile=k, name=vid))
    distances, durations = [], []
    for k in range(len(volunteers)):
        # Volunteer k's own matrices: the other homes (their stops) and the clients k has no candidate for are
        # out of its reach.
        barred = [j for j in range(len(volunteers)) if j != k] + [
            len(volunteers) + n for n, key in enumerate(visits) if k not in allowed[key]]
        own_metres, own_minutes = metres.copy(), minutes.copy()
        for matrix in (own_metres, own_minutes):
            matrix[barred, :] = FORBIDDEN_ARC
            matrix[:, barred] = FORBIDDEN_ARC
            np.fill_diagonal(matrix, 0)
        distances.append(own_metres)
        durations.append(own_minutes)
    # PyVRP's stub gives a matrix's shape type as int where numpy's arrays carry a tuple: the same arrays.
    data = ProblemData(locations, clients, depots, vehicle_types, distances, durations,  # type: ignore[arg-type]
                       [ClientGroup(members, required=keep is not None) for members in groups])
    return Week(data, volunteers, runs, tuple(visits), frozenset(stops))


def _solution(instance: Instance, week: Week, candidates: list[Candidate], chosen: dict[int, int]
              ) -> Solution | None:
    """The part's roster as PyVRP's solution (each volunteer's visits in time order, its stops between runs)."""
    duration = instance.settings.visit_minutes
    client_of = {key: n for n, key in enumerate(week.visits)}
    by_index = {c.index: c for c in candidates}
    routes = []
    for k, (vid, run) in enumerate(zip(week.volunteers, week.runs, strict=True)):
        stops = sorted((n for n in week.stops if week.data.client(n).location == k),
                       key=lambda n: week.data.client(n).tw_early)
        trips: list[list[int]] = [[] for _ in run]
        for index, start in sorted(chosen.items(), key=lambda item: item[1]):
            c = by_index[index]
            if c.volunteer != vid:
                continue
            window = next((w for w in instance.child_by_id[c.target].visit_windows
                           if w.day == c.day and w.start <= start <= w.end - duration), None)
            if window is None or (c.target, window) not in client_of:
                return None
            trips[run.index(c.interval)].append(client_of[(c.target, window)])
        visits = [*trips[0]]
        for stop, trip in zip(stops, trips[1:], strict=True):
            visits += [stop, *trip]
        routes.append(Route(week.data, visits, k))
    return Solution(week.data, routes)


def _chosen(instance: Instance, geo: Geography, week: Week, candidates: list[Candidate], best: Solution
            ) -> dict[int, int] | None:
    """PyVRP's solution as the part's chosen candidates and starts, each run timed by ``time_run``; None when a
    run cannot be timed or a visit has no candidate."""
    cand_of = {(c.volunteer, c.target, c.interval): c for c in candidates}
    by_index = {c.index: c for c in candidates}
    out: dict[int, int] = {}
    for route in best.routes():
        k = route.vehicle_type()
        vid, run = week.volunteers[k], week.runs[k]
        trips: list[list[Candidate]] = [[]]
        for activity in route:
            if not activity.is_client():
                continue
            if activity.idx in week.stops:
                trips.append([])
                continue
            cid, _window = week.visits[activity.idx]
            c = cand_of.get((vid, cid, run[len(trips) - 1]))
            if c is None:
                return None
            trips[-1].append(c)
        for interval, trip in zip(run, trips, strict=True):
            if not trip:
                continue
            times = time_run(geo, geo.home(vid), interval.start, interval.end, trip)
            if times is None:
                return None
            out.update({c.index: t for c, t in zip(trip, times, strict=True)})
    return out if _within_limits(instance, [by_index[i] for i in out]) else None


def _within_limits(instance: Instance, taken: list[Candidate]) -> bool:
    """True when no volunteer is over its weekly or daily limit (the model holds them; this only makes sure)."""
    week, day = Counter(c.volunteer for c in taken), Counter((c.volunteer, c.day) for c in taken)
    return (all(n <= instance.volunteer_by_id[vid].max_visits_per_week for vid, n in week.items())
            and all(n <= instance.volunteer_by_id[vid].max_visits_per_day for (vid, _d), n in day.items()))


def _start_of(interval: Interval) -> int:
    return _at(interval.day, interval.start)


def _at(day: str, minute: int) -> int:
    """Minutes from Monday 00:00: the engine's one clock for the whole week."""
    return DAYS.index(day) * MINUTES_PER_DAY + minute


def _xy(geo: Geography, place: tuple[str, str]) -> tuple[float, float]:
    """A place's coordinates as the engine keeps them (it routes by the matrices alone)."""
    lat, lon = geo.point(place)
    return lon, lat
