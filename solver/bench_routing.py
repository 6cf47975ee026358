"""Dense-day routing benchmark: ``python -m solver.bench_routing [--days N]`` (needs ``pip install pyvrp``).

A social worker's Saturday with 8 family interviews, each inside a window: our solver builds the
day end to end; PyVRP, a dedicated routing engine, routes the same visits on the same distances,
travel times and windows. Prints both route lengths. PyVRP is a bench-only dependency.
"""

from __future__ import annotations

import argparse
import math
import random
import sys

from solver.generate import CENTRE
from solver.instance import SCHEMA, parse_instance
from solver.places import Geography
from solver.settings import SolverSettings
from solver.solve import solve
from solver.timeutil import format_hhmm
from solver.validate import travel_value

INTERVIEWS = 8
VISIT_MINUTES = 60
DAY_START, DAY_END = 8 * 60, 18 * 60
WINDOW_MINUTES = 240


def dense_day(seed: int) -> dict:
    """One social worker and eight families within 12 km, each with a 4-hour window on Saturday."""
    rng = random.Random(seed)  # noqa: S311 - reproducible bench data

    def near(km: float) -> tuple[float, float]:
        r, t = km * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        return (round(CENTRE[0] + r * math.cos(t) / 111, 5),
                round(CENTRE[1] + r * math.sin(t) / (111 * math.cos(math.radians(CENTRE[0]))), 5))

    children = []
    for i in range(INTERVIEWS):
        lat, lon = near(12)
        start = rng.randrange(DAY_START + 30, DAY_END - WINDOW_MINUTES, 30)
        children.append({"id": f"F{i + 1}", "name": f"family {i + 1}", "lat": lat, "lon": lon, "site": None,
                         "attends": [], "subjects": [], "visits_per_week": 1,
                         "visit_windows": [{"day": "sat", "start": format_hhmm(start),
                                            "end": format_hhmm(start + WINDOW_MINUTES)}],
                         "priority": 3, "needs_trained": False, "primary_volunteer": None})
    return {"schema": SCHEMA, "week_start": "2026-11-23",
            "settings": {"visit_minutes": VISIT_MINUTES, "speed_kmh": 30.0, "road_factor": 1.35},
            "sites": [], "children": children,
            "volunteers": [{"id": "SW", "name": "social worker", "roles": ["visitor"], "lat": CENTRE[0],
                            "lon": CENTRE[1], "trained": True, "max_km": 20,
                            "availability": [{"day": "sat", "start": format_hhmm(DAY_START),
                                              "end": format_hhmm(DAY_END)}],
                            "max_visits_per_week": INTERVIEWS, "max_visits_per_day": INTERVIEWS}]}


def pyvrp_km(doc: dict, visited: list[str], seconds: float, seed: int) -> float | None:
    """PyVRP's route length (km) for the same visits, distances, travel times and windows."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    inst = parse_instance(doc)
    geo = Geography(inst)
    model = pyvrp.Model()
    home = ("home", "SW")
    places = [home] + [("child", cid) for cid in visited]
    locations = [model.add_location(x=geo.point(p)[1], y=geo.point(p)[0]) for p in places]
    depot = model.add_depot(locations[0], tw_early=DAY_START, tw_late=DAY_END)
    model.add_vehicle_type(1, start_depot=depot, end_depot=depot, tw_early=DAY_START, tw_late=DAY_END)
    for cid, loc in zip(visited, locations[1:], strict=True):
        w = inst.child_by_id[cid].visit_windows[0]
        model.add_client(loc, service_duration=VISIT_MINUTES, tw_early=w.start, tw_late=w.end - VISIT_MINUTES)
    for a, la in zip(places, locations, strict=True):
        for b, lb in zip(places, locations, strict=True):
            model.add_edge(la, lb, distance=round(geo.km(a, b) * 1000), duration=geo.minutes(a, b))
    result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    return result.best.distance() / 1000 if result.best.is_feasible() else None


def main(argv: list[str] | None = None) -> int:
    """Run the dense days and print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench_routing", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0, help="time for each engine and day")
    args = parser.parse_args(argv)
    print("| day | visits | Peiban km | PyVRP km | difference |\n|---|---|---|---|---|")
    worst = -math.inf
    for day in range(1, args.days + 1):
        doc = dense_day(day)
        inst = parse_instance(doc)
        roster = solve(inst, SolverSettings(time_limit_s=args.seconds, seed=day)).roster
        ours = travel_value(inst, roster)
        visited = [v.child for v in roster.visits]
        theirs = pyvrp_km(doc, visited, args.seconds, day)
        if theirs is None:
            print(f"| {day} | {len(visited)} | {ours:.2f} | infeasible | |")
            continue
        diff = (ours - theirs) / theirs * 100 if theirs else 0.0
        worst = max(worst, diff)
        print(f"| {day} | {len(visited)} | {ours:.2f} | {theirs:.2f} | {diff:+.2f} % |")
    print(f"\nworst difference: {worst:+.2f} % (target: within +2 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
