"""The dense-day route: the solver's route is as short as the best of all orders that keep the windows."""

from __future__ import annotations

import itertools

from solver import parse_instance
from solver.bench_routing import dense_day
from solver.candidates import build_candidates
from solver.places import Geography
from solver.schedule import time_run
from solver.settings import SolverSettings
from solver.solve import solve
from solver.validate import travel_value, trip_km, validate


def test_dense_day_route_is_the_shortest_order() -> None:
    """For a social worker's day of family interviews, no order of the same visits is shorter."""
    inst = parse_instance(dense_day(7))
    roster = solve(inst, SolverSettings(time_limit_s=5, seed=7)).roster
    assert validate(inst, roster).ok and len(roster.visits) >= 5
    geo = Geography(inst)
    by_child = {c.target: c for c in build_candidates(inst, geo)}
    visited = [by_child[v.child] for v in roster.visits]
    home = ("home", "SW")
    interval = visited[0].interval
    best = min(trip_km(geo, home, [c.place for c in order])
               for order in itertools.permutations(visited)
               if time_run(geo, home, interval.start, interval.end, order) is not None)
    assert abs(travel_value(inst, roster) - best) < 1e-6
