"""The yardstick table: ``python -m solver.bench versus [small medium] [--seeds 10]``.

For each size and seed of the generator's varied weeks (tight and loose, regular visitors, last week's roster),
the solver and the yardstick (``solver.bench.yardstick``: the contract straight into one CP-SAT model) get the
same time limit, each in a process of its own, one after the other. Their rosters are compared level by level;
the solver should never be worse lexicographically.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from solver.bench.common import in_process, machine
from solver.bench.generate import generate, varied_shape
from solver.bench.sizes import TIME_LIMITS
from solver.bench.yardstick import solve_yardstick
from solver.instance import parse_instance
from solver.recheck import recheck
from solver.settings import SolverSettings
from solver.solve import solve
from solver.validate import validate

LEVELS = ("shortfall", "continuity", "travel_km", "fairness")
PROVEN_WITHIN_S = 10.0  # the target: shortfall proven at medium in at most this many seconds


def run_one(engine: str, size: str, seed: int, time_limit: float) -> dict:
    """Solve one week with one engine; its levels (None when it found no roster), status and time."""
    instance = parse_instance(generate(size, seed=seed, shape=varied_shape(seed)))
    started = time.monotonic()
    proven_at = None  # when the solver proved its shortfall (its stats' level_proven_s)
    if engine == "solver":
        result = solve(instance, SolverSettings(time_limit_s=time_limit, seed=seed))
        roster, status = result.roster, result.status
        proven_at = result.stats.get("level_proven_s", {}).get("shortfall")
    else:
        found = solve_yardstick(instance, time_limit, seed=seed)
        roster, status = (recheck(instance, found.roster).roster if found.roster else None), found.status
    seconds = time.monotonic() - started
    if roster is None:
        return {"levels": None, "status": status, "seconds": seconds, "valid": True, "proven_at": proven_at}
    report = validate(instance, roster)
    lv = report.levels
    return {"levels": [lv.shortfall, lv.continuity, round(lv.travel_km, 3), round(lv.fairness, 9)],
            "status": status, "seconds": seconds, "valid": report.ok, "proven_at": proven_at}


def verdict(ours: list | None, theirs: list | None) -> tuple[str, str]:
    """Which is better lexicographically, and the first level where they differ."""
    if ours is None:
        return ("worse", "no roster") if theirs is not None else ("equal", "")
    if theirs is None:
        return "better", "yardstick found none"
    for name, a, b in zip(LEVELS, ours, theirs, strict=True):
        if a != b:
            return ("better" if a < b else "worse"), name
    return "equal", ""


def _cell(levels: list | None) -> str:
    return "none" if levels is None else f"{levels[0]:g} / {levels[1]:g} / {levels[2]:.1f}"


def main(argv: list[str] | None = None) -> int:
    """Run both engines on every seed and print the table; exit 1 when the solver is ever worse."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench versus", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["small", "medium"])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N of the varied weeks")
    parser.add_argument("--time-limit", type=float, default=None, help="override the per-size limits")
    parser.add_argument("--one", nargs=3, metavar=("ENGINE", "SIZE", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        engine, size, seed = args.one
        print(json.dumps(run_one(engine, size, int(seed), args.time_limit or TIME_LIMITS[size])))
        return 0
    print(f"Machine: {machine()}\n")
    print("| size | seed | week | limit | solver: shortfall / continuity / km | status, time | shortfall proven at "
          "| yardstick: shortfall / continuity / km | status, time | solver is | first level that differs |")
    print("|" + "---|" * 11)
    counts = {"better": 0, "equal": 0, "worse": 0}
    proven: dict[str, tuple[int, int, int]] = {}  # size → weeks, shortfall proven within the target, at all
    for size in args.sizes:
        limit = args.time_limit or TIME_LIMITS[size]
        extra = ["--time-limit", str(limit)]
        for seed in range(1, args.seeds + 1):
            ours = in_process("solver.bench", "versus", "--one", "solver", size, str(seed), *extra)
            theirs = in_process("solver.bench", "versus", "--one", "yardstick", size, str(seed), *extra)
            said, where = verdict(ours["levels"], theirs["levels"])
            counts[said] += 1
            at = ours["proven_at"]
            weeks, fast, any_time = proven.get(size, (0, 0, 0))
            proven[size] = (weeks + 1, fast + (at is not None and at <= PROVEN_WITHIN_S), any_time + (at is not None))
            valid = "" if ours["valid"] and theirs["valid"] else " INVALID"
            print(f"| {size} | {seed} | {varied_shape(seed).describe()} | {limit:g} s | {_cell(ours['levels'])} "
                  f"| {ours['status']}, {ours['seconds']:.1f} s "
                  f"| {'not proven' if ours['proven_at'] is None else format(ours['proven_at'], '.1f') + ' s'} "
                  f"| {_cell(theirs['levels'])} "
                  f"| {theirs['status']}, {theirs['seconds']:.1f} s | {said}{valid} | {where} |", flush=True)
    print()
    for size, (weeks, fast, any_time) in proven.items():
        print(f"{size}: shortfall proven in at most {PROVEN_WITHIN_S:g} s on {fast} of {weeks} weeks, at all on "
              f"{any_time}.")
    print(f"The solver is better on {counts['better']}, equal on {counts['equal']} and worse on {counts['worse']} of "
          f"{sum(counts.values())} weeks.", file=sys.stdout)
    return 1 if counts["worse"] else 0
