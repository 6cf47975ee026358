"""Dense weeks against a routing engine: ``python -m solver.bench dense [--seeds 6] [--time-limit 30]``.

A social workers' week (``solver.bench.generate.dense_week``: four workers, 120 family interviews, up to eight a day)
is solved by Peiban, assignment and routing together, and by PyVRP alone (the engine Peiban itself re-routes dense
parts with, ``solver.routing``; here as the issue's reference model) with the same time limit, one after the
other. PyVRP sees the week as
a prize-collecting VRPTW: one vehicle per worker and availability interval, its daily limit as the vehicle's
capacity, each family's days as one group of clients of which at most one is visited, a prize of its priority.
The weekly limit, which PyVRP cannot express, is repaired afterwards by dropping the least urgent visits of a
worker over it. Both rosters go through the same checker.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict

import pyvrp
from pyvrp.stop import MaxRuntime

from solver.bench.common import in_process, machine
from solver.bench.generate import dense_week
from solver.candidates import build_candidates
from solver.instance import Instance, parse_instance
from solver.places import Geography
from solver.recheck import recheck
from solver.roster import Roster, Visit
from solver.routing import route_children
from solver.schedule import best_order, time_run
from solver.settings import SolverSettings
from solver.solve import solve
from solver.timeutil import DAYS
from solver.validate import trip_km, validate, volunteer_days

PRIZE_M_PER_PRIORITY = 200_000  # a priority point is worth more than any detour within a worker's reach
MINUTES_PER_DAY = 24 * 60


def pyvrp_roster(instance: Instance, seconds: float, seed: int) -> Roster:
    """PyVRP's roster of the week, its weekly limits repaired, with the contract's unmet restated."""
    geo = Geography(instance)
    cands = build_candidates(instance, geo)
    model = pyvrp.Model()
    locations: dict = {}

    def location(place: tuple[str, str]) -> pyvrp.Location:
        if place not in locations:
            lat, lon = geo.point(place)
            locations[place] = model.add_location(x=round(lon * 1e5), y=round(lat * 1e5))
        return locations[place]

    vehicles = []
    for v in instance.volunteers:
        depot = model.add_depot(location(geo.home(v.id)))
        for interval in v.availability:
            offset = DAYS.index(interval.day) * MINUTES_PER_DAY
            model.add_vehicle_type(1, capacity=[v.max_visits_per_day], start_depot=depot, end_depot=depot,
                                   tw_early=offset + interval.start, tw_late=offset + interval.end)
            vehicles.append((v, interval))
    clients = {}
    for child in instance.children:
        if not child.visits_per_week:
            continue
        group = model.add_client_group(required=False)
        for window in child.visit_windows:
            offset = DAYS.index(window.day) * MINUTES_PER_DAY
            name = f"{child.id}|{window.day}|{window.start}"
            model.add_client(location(("child", child.id)), delivery=[1],
                             service_duration=instance.settings.visit_minutes, tw_early=offset + window.start,
                             tw_late=offset + window.end - instance.settings.visit_minutes,
                             prize=PRIZE_M_PER_PRIORITY * child.priority, required=False, group=group, name=name)
            clients[name] = child
    for a in locations:
        for b in locations:
            model.add_edge(locations[a], locations[b], distance=round(geo.km(a, b) * 1000),
                           duration=geo.minutes(a, b))
    best = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False).best
    data = model.data()
    runs = []
    for route in best.routes():
        volunteer, interval = vehicles[route.vehicle_type()]
        names = [data.clients()[a.idx].name for a in route if a.is_client()]  # idx counts clients only
        runs.append((volunteer, interval, [clients[n] for n in names]))
    load: dict[str, int] = defaultdict(int)
    for volunteer, _interval, run in runs:
        load[volunteer.id] += len(run)
    for volunteer in instance.volunteers:  # the weekly limit PyVRP could not see: drop the least urgent visits
        while load[volunteer.id] > volunteer.max_visits_per_week:
            _priority, k, j = min((child.priority, k, j) for k, (v, _i, run) in enumerate(runs) if v is volunteer
                                  for j, child in enumerate(run))
            runs[k][2].pop(j)
            load[volunteer.id] -= 1
    by_key = {(c.volunteer, c.target, c.interval): c for c in cands}
    visits = []
    for volunteer, interval, run in runs:
        order = [by_key[(volunteer.id, child.id, interval)] for child in run]
        starts = time_run(geo, geo.home(volunteer.id), interval.start, interval.end, order) if order else []
        if starts is None:
            raise RuntimeError(f"PyVRP's route for {volunteer.id} on {interval.day} cannot be timed")
        visits += [Visit(c.volunteer, c.target, c.day, t, t + c.duration) for c, t in zip(order, starts, strict=True)]
    return recheck(instance, Roster(week_start=instance.week_start, visits=tuple(visits))).roster


def pyvrp_on_set(instance: Instance, roster: Roster, seconds: float, seed: int) -> Roster | None:
    """PyVRP's roster visiting exactly the families ``roster`` visits, every one required, found from scratch by the
    contract's routing model (``solver.routing``, weekly limit included); None when it found none."""
    geo = Geography(instance)
    cands = build_candidates(instance, geo)
    chosen = route_children(instance, geo, cands, frozenset(v.child for v in roster.visits), seconds, seed)
    if chosen is None:
        return None
    by_index = {c.index: c for c in cands}
    visits = tuple(Visit(c.volunteer, c.target, c.day, t, t + c.duration)
                   for c, t in ((by_index[i], t) for i, t in chosen.items()))
    return recheck(instance, Roster(week_start=instance.week_start, visits=visits)).roster


def runs_in_best_order(instance: Instance, roster: Roster) -> bool:
    """True when no run of the roster could be done in another order with fewer km."""
    geo = Geography(instance)
    cands = {(c.volunteer, c.target, c.day): c for c in build_candidates(instance, geo)}
    for (vid, _day), acts in volunteer_days(roster).items():
        run = [cands[(a.volunteer, a.child, a.day)] for a in acts if isinstance(a, Visit)]  # a dense week: visits only
        by_interval: dict = defaultdict(list)
        for c in run:
            by_interval[c.interval].append(c)
        for group in by_interval.values():
            home = geo.home(vid)
            best = best_order(geo, home, group)
            if best is None or trip_km(geo, home, [c.place for c in best[0]]) < trip_km(
                    geo, home, [c.place for c in group]) - 1e-6:
                return False
    return True


def run_one(engine: str, seed: int, time_limit: float) -> dict:
    """Solve one dense week with one engine; its shortfall, km, validity and time."""
    instance = parse_instance(dense_week(seed))
    started = time.monotonic()
    if engine == "peiban":
        result = solve(instance, SolverSettings(time_limit_s=time_limit, seed=seed))
        if result.roster is None:
            raise RuntimeError(str(result.error))
        roster = result.roster
    else:
        roster = pyvrp_roster(instance, time_limit, seed)
    seconds = time.monotonic() - started
    report = validate(instance, roster)
    out: dict[str, float | bool | None] = {
        "shortfall": report.levels.shortfall, "km": round(report.levels.travel_km, 1), "valid": report.ok,
        "visits": len(roster.visits), "seconds": round(seconds, 1), "best_order": runs_in_best_order(instance, roster)}
    if engine == "peiban":
        # PyVRP on exactly Peiban's families, with the same time: the km at equal visits.
        same = pyvrp_on_set(instance, roster, time_limit, seed)
        out["same_set_km"] = round(validate(instance, same).levels.travel_km, 1) if same is not None else None
        out["same_set_valid"] = same is None or validate(instance, same).ok
    return out


def main(argv: list[str] | None = None) -> int:
    """Run both engines on every seed and print the table."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench dense", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6, help="how many weeks")
    parser.add_argument("--first-seed", type=int, default=1, help="the first week's seed (weeks not tuned on: 7)")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds for each engine and week")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.time_limit)))
        return 0
    print(f"Machine: {machine()}\n")
    print("| week | workers, families, weekly limit | Peiban: shortfall / km / visits | PyVRP: shortfall / km / visits "
          "| km against PyVRP | PyVRP on Peiban's families: km (Peiban against it) | runs in best order | target met |")
    print("|" + "---|" * 8)
    met = 0
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        week = parse_instance(dense_week(seed))
        ours = in_process("solver.bench", "dense", "--one", "peiban", str(seed), "--time-limit", str(args.time_limit))
        theirs = in_process("solver.bench", "dense", "--one", "pyvrp", str(seed), "--time-limit", str(args.time_limit))
        diff = (ours["km"] - theirs["km"]) / theirs["km"] * 100 if theirs["km"] else 0.0
        ok = ours["valid"] and ours["shortfall"] <= theirs["shortfall"] and diff <= 2.0
        met += ok
        cap = week.volunteers[0].max_visits_per_week
        same = ours["same_set_km"]
        same_cell = "none found" if same is None else (
            f"{same:.0f} ({(ours['km'] - same) / same * 100:+.1f} %)" + ("" if ours["same_set_valid"] else " INVALID"))
        print(f"| seed {seed} | {len(week.volunteers)}, {len(week.children)}, {cap} "
              f"| {ours['shortfall']:g} / {ours['km']:.0f} / {ours['visits']} "
              f"| {theirs['shortfall']:g} / {theirs['km']:.0f} / {theirs['visits']} | {diff:+.1f} % | {same_cell} "
              f"| {'yes' if ours['best_order'] else 'NO'} | {'yes' if ok else 'no'} |", flush=True)
    print(f"\nShortfall no worse than PyVRP's and km within 2 %: {met} of {args.seeds} weeks "
          f"({args.time_limit:g} s each).")
    return 0
