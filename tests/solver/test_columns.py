"""Timed runs (solver.columns): every feasible run of a route is listed, none that cannot be timed; pricing finds
the run of least reduced cost, and says when it may have missed one."""

from __future__ import annotations

import itertools
import random
import time
from collections import defaultdict

import numpy as np
import pytest

from solver import parse_instance
from solver.bench.generate import dense_week, generate, varied_shape
from solver.candidates import build_candidates
from solver.colgen import make_pool
from solver.columns import PricedRoute, _visit_pairs_that_fit, enumerate_runs, price_runs, run_in_order, timed_run
from solver.places import Geography
from solver.schedule import best_order
from solver.settings import SolverSettings


def _routes(doc: dict) -> tuple:
    inst = parse_instance(doc)
    geo = Geography(inst)
    routes = defaultdict(list)
    for c in build_candidates(inst, geo):
        routes[(c.volunteer, c.interval)].append(c)
    return inst, geo, routes


def _brute_runs(geo: Geography, route: list, max_visits: int) -> dict[frozenset, float]:
    """Every subset of the route that some order can time, with its fewest km (by trying them all); a tutor's
    session does not count towards the visits a day."""
    out = {}
    for size in range(1, len(route) + 1):
        for subset in itertools.combinations(route, size):
            if sum(c.kind == "visit" for c in subset) > max_visits:
                continue
            run = timed_run(geo, list(subset))
            if run is not None:
                out[run.members] = run.km
    return out


def test_every_feasible_run_of_a_route_is_listed_with_its_fewest_km() -> None:
    """On a small week's routes the listed runs are exactly the subsets some order can time, each with the km of
    its best order."""
    inst, geo, routes = _routes(generate("small", seed=4, shape=varied_shape(4)))
    checked = 0
    for (vid, _interval), route in routes.items():
        if len(route) > 9:
            continue
        cap = inst.volunteer_by_id[vid].max_visits_per_day
        listed = {run.members: run.km for run in enumerate_runs(geo, route, cap, 100_000)}
        brute = _brute_runs(geo, route, cap)
        assert set(listed) == set(brute)
        assert all(abs(listed[k] - brute[k]) < 1e-9 for k in brute)
        checked += 1
    assert checked > 20


def test_a_set_no_order_can_time_is_never_a_run(tiny_doc) -> None:
    """Infeasible by one: with V3 free on Saturday only until 11:00, her two one-hour visits make no run together,
    though each alone does."""
    doc = tiny_doc()
    doc["volunteers"][2]["availability"][1]["end"] = "11:00"
    _inst, geo, routes = _routes(doc)
    [route] = [r for key, r in routes.items() if key[0] == "V3" and key[1].day == "sat"]
    runs = enumerate_runs(geo, route, 2, 100)
    assert sorted(len(run.order) for run in runs) == [1, 1]


def test_a_route_with_more_runs_than_the_limit_is_not_listed() -> None:
    """Edge case: a social worker's day has far more runs than 50, so none are listed (it is priced instead)."""
    inst, geo, routes = _routes(dense_week(1))
    route = max(routes.values(), key=len)
    assert enumerate_runs(geo, route, inst.volunteer_by_id[route[0].volunteer].max_visits_per_day, 50) is None


def test_the_pairs_counted_at_once_never_outnumber_the_pairs_that_make_runs() -> None:
    """The quick count that lets a route say it has too many runs counts only pairs of visits some order times:
    on every route of a small week and of a social workers' week it is at most the listed two-visit runs, and
    misses few of them."""
    counted_all = listed_all = 0
    for doc in (generate("small", seed=3, shape=varied_shape(3)), dense_week(2)):
        _inst, geo, routes = _routes(doc)
        for route in routes.values():
            visits = {c.index for c in route if c.kind == "visit"}
            runs = enumerate_runs(geo, route, 2, 100_000)
            assert runs is not None
            listed = sum(1 for run in runs if len(run.order) == 2 and set(run.order) <= visits)
            counted = _visit_pairs_that_fit(geo, route, 2)
            assert counted <= listed
            counted_all, listed_all = counted_all + counted, listed_all + listed
    assert listed_all > 100 and counted_all >= 0.9 * listed_all


def test_a_route_with_more_pairs_than_the_limit_says_so_at_once() -> None:
    """A social worker's day with more pairs that fit than the limit allows is not listed; with room for its
    visits and pairs it is."""
    _inst, geo, routes = _routes(dense_week(1))
    route = max(routes.values(), key=len)
    counted = _visit_pairs_that_fit(geo, route, 2)
    assert counted > 0
    assert enumerate_runs(geo, route, 2, len(route) + counted - 1) is None
    assert enumerate_runs(geo, route, 2, len(route) + 2 * counted) is not None


@pytest.mark.parametrize("km_cost", [0.0, 0.05])
def test_pricing_finds_the_run_of_least_reduced_cost(km_cost: float) -> None:
    """Against random prices, the exhaustive search returns a run whose reduced cost is the least over all runs
    (checked against every listed run), and returns none when none is negative."""
    inst, geo, routes = _routes(generate("small", seed=4, shape=varied_shape(4)))
    rng = random.Random(7)  # noqa: S311 - reproducible test prices
    for (vid, _interval), route in routes.items():
        cap = inst.volunteer_by_id[vid].max_visits_per_day
        runs = enumerate_runs(geo, route, cap, 100_000)
        position = {c.index: j for j, c in enumerate(route)}
        priced_route = PricedRoute(geo, route, cap)
        for _ in range(3):
            prize = np.array([rng.uniform(-1, 3) for _ in route])
            route_price = -rng.uniform(0, 2)
            best = min(km_cost * run.km - sum(prize[position[i]] for i in run.order) - route_price for run in runs)
            priced = price_runs(priced_route, prize, route_price, km_cost, beam=8, limit=5)
            assert priced.exhaustive
            if best >= -1e-7:
                assert not priced.runs
            else:
                reduced, path = priced.runs[0]
                assert reduced == pytest.approx(best, abs=1e-6)
                assert run_in_order(geo, [route[j] for j in path]) is not None


def test_pricing_a_social_workers_day_is_heuristic_and_says_so() -> None:
    """On a day of up to eight interviews among dozens of families the beam drops labels, so the result is not
    claimed exhaustive; every run it returns can be timed in its order and has negative reduced cost."""
    inst, geo, routes = _routes(dense_week(1))
    route = max(routes.values(), key=len)
    cap = inst.volunteer_by_id[route[0].volunteer].max_visits_per_day
    prize = np.full(len(route), 2.0)
    priced = price_runs(PricedRoute(geo, route, cap), prize, 0.0, 0.01, beam=4, limit=5, budget=0)
    assert not priced.exhaustive and priced.runs
    for reduced, path in priced.runs:
        run = run_in_order(geo, [route[j] for j in path])
        assert run is not None and reduced < 0 and len(path) <= cap
        assert best_order(geo, geo.home(route[0].volunteer), [route[j] for j in path]) is not None


def test_a_part_is_listed_whole_only_while_the_listing_has_time() -> None:
    """Edge case (listing's time): a small week whose runs can all be listed gets them all, but not once the time
    for listing is over: then it is said at once (None) that the part is not listed whole, as for too many runs."""
    inst = parse_instance(generate("small", seed=1))
    geo = Geography(inst)
    cands = build_candidates(inst, geo)
    settings = SolverSettings()
    pool = make_pool(inst, geo, cands, settings, whole=True, until=time.monotonic() + 60)
    assert pool is not None and pool.complete and len(pool.members) > len(cands)
    assert make_pool(inst, geo, cands, settings, whole=True, until=time.monotonic() - 1) is None
    # Without ``whole`` the time does not apply: routes are listed or priced as their own size says.
    assert make_pool(inst, geo, cands, settings, until=time.monotonic() - 1).members == pool.members
