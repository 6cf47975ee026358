"""Dense days re-routed by a routing engine: a part of home visits only, each child at most once a week, is given
to OR-Tools' vehicle routing (one vehicle per volunteer and availability interval, starting from the part's
roster), which may move visits between volunteers and days, add visits and shorten the runs.

The rule: the roster it returns is kept only when the checker's levels (shortfall, continuity, travel, fairness)
are lexicographically better than the part's roster, and every run of it is timed by ``schedule.time_run``
exactly as the rest of the solver times runs. Where a part has tutoring, children visited more than once a
week, regular visitors or last week's roster, it is left as it is (the routing model would not see what those
levels ask for).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from solver.candidates import Candidate
from solver.instance import Instance, Interval
from solver.places import Geography
from solver.schedule import time_run

# Dropping a visit costs this many metres per priority point: more than any detour a volunteer can drive.
DROP_METRES_PER_PRIORITY = 10_000_000
MIN_SECONDS = 0.5  # below this the engine cannot improve a dense week
SHARE = 0.3  # of a part's time, kept for re-routing when the part is one the routing model sees whole


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
            levels_of: Callable[[dict[int, int]], tuple], seconds: float) -> dict[int, int]:
    """The part's roster re-routed within ``seconds``, or ``chosen`` itself when nothing better was found."""
    if seconds < MIN_SECONDS or not applies(instance, candidates):
        return chosen
    started = time.monotonic()
    routes = sorted({(c.volunteer, c.interval) for c in candidates}, key=lambda r: (r[0], r[1].day, r[1].start))
    route_of = {r: v for v, r in enumerate(routes)}
    homes = sorted({v for v, _i in routes})
    home_node = {vid: n for n, vid in enumerate(homes)}
    # One node per child's visit window (a child visited once a week: one of them at most); a candidate per
    # (volunteer, child, interval) says which vehicles may go to the windows of its day.
    nodes: list[tuple[str, Interval]] = []
    node_of: dict[tuple[str, Interval], int] = {}
    cand_of: dict[tuple[int, int], Candidate] = {}
    for c in candidates:
        for window in instance.child_by_id[c.target].visit_windows:
            if window.day != c.day:
                continue
            key = (c.target, window)
            if key not in node_of:
                node_of[key] = len(homes) + len(nodes)
                nodes.append(key)
            cand_of[(node_of[key], route_of[(c.volunteer, c.interval)])] = c
    places = [geo.home(vid) for vid in homes] + [("child", cid) for cid, _window in nodes]
    size = len(places)
    manager = pywrapcp.RoutingIndexManager(size, len(routes), [home_node[v] for v, _i in routes],
                                           [home_node[v] for v, _i in routes])
    model = pywrapcp.RoutingModel(manager)
    metres = [[round(geo.km(a, b) * 1000) for b in places] for a in places]
    minutes = [[geo.minutes(a, b) for b in places] for a in places]
    duration = instance.settings.visit_minutes

    def distance(i: int, j: int) -> int:
        return metres[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def transit(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return (duration if a >= len(homes) else 0) + minutes[a][b]

    model.SetArcCostEvaluatorOfAllVehicles(model.RegisterTransitCallback(distance))
    model.AddDimension(model.RegisterTransitCallback(transit), 24 * 60, 24 * 60, False, "time")
    clock = model.GetDimensionOrDie("time")
    model.AddDimension(model.RegisterUnaryTransitCallback(lambda i: int(manager.IndexToNode(i) >= len(homes))),
                       0, max(v.max_visits_per_day for v in instance.volunteers), True, "count")
    count = model.GetDimensionOrDie("count")
    for v, (_vid, interval) in enumerate(routes):
        clock.CumulVar(model.Start(v)).SetRange(interval.start, interval.end)
        clock.CumulVar(model.End(v)).SetRange(interval.start, interval.end)
    by_child: dict[str, list[int]] = defaultdict(list)
    for n, (cid, window) in enumerate(nodes, start=len(homes)):
        index = manager.NodeToIndex(n)
        allowed = [v for v in range(len(routes)) if (n, v) in cand_of]
        model.VehicleVar(index).SetValues([-1, *allowed])  # -1: not visited (SetAllowedVehiclesForIndex's
        # Python binding refuses every list in OR-Tools 9.15)
        clock.CumulVar(index).SetRange(window.start, window.end - duration)
        by_child[cid].append(index)
    for cid, indices in by_child.items():
        model.AddDisjunction(indices, DROP_METRES_PER_PRIORITY * instance.child_by_id[cid].priority, 1)
    solver = model.solver()
    per_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    per_week: dict[str, list[int]] = defaultdict(list)
    for v, (vid, interval) in enumerate(routes):
        per_day[(vid, interval.day)].append(v)
        per_week[vid].append(v)
    for (vid, _day), vehicles in per_day.items():
        solver.Add(solver.Sum([count.CumulVar(model.End(v)) for v in vehicles])
                   <= instance.volunteer_by_id[vid].max_visits_per_day)
    for vid, vehicles in per_week.items():
        solver.Add(solver.Sum([count.CumulVar(model.End(v)) for v in vehicles])
                   <= instance.volunteer_by_id[vid].max_visits_per_week)
    for v in range(len(routes)):
        model.AddVariableMinimizedByFinalizer(clock.CumulVar(model.End(v)))

    by_index = {c.index: c for c in candidates}
    start_routes: list[list[int]] = [[] for _ in routes]
    for index, start in sorted(chosen.items(), key=lambda item: item[1]):
        c = by_index[index]
        window = next((w for w in instance.child_by_id[c.target].visit_windows
                       if w.day == c.day and w.start <= start <= w.end - duration), None)
        if window is None:
            return chosen  # a visit outside its windows: not a roster this model can start from
        start_routes[route_of[(c.volunteer, c.interval)]].append(node_of[(c.target, window)])
    model.CloseModelWithParameters(_parameters(seconds - (time.monotonic() - started)))
    initial = model.ReadAssignmentFromRoutes(start_routes, True)
    found = model.SolveFromAssignmentWithParameters(
        initial, _parameters(seconds - (time.monotonic() - started))) if initial else None
    if found is None:
        return chosen
    rerouted: dict[int, int] = {}
    for v, (vid, interval) in enumerate(routes):
        run, index = [], model.Start(v)
        while not model.IsEnd(index):
            node = manager.IndexToNode(index)
            if node >= len(homes):
                run.append(cand_of[(node, v)])
            index = found.Value(model.NextVar(index))
        if not run:
            continue
        times = time_run(geo, geo.home(vid), interval.start, interval.end, run)
        if times is None:
            return chosen  # the engine's clock and ours disagree on this run: keep what was proven to work
        rerouted.update({c.index: t for c, t in zip(run, times, strict=True)})
    return rerouted if levels_of(rerouted) < levels_of(chosen) else chosen


def _parameters(seconds: float):  # noqa: ANN202 - a RoutingSearchParameters message
    """Guided local search from the given routes, for the time left."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(100, int(seconds * 1000)))
    return params
