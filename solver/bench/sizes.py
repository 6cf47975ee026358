"""The size table: ``python -m solver.bench [small medium county] [--seed N] [--shape plain|varied]``.

For each size of generated district: the solver against the greedy baseline (a coordinator by hand) and the
bounds, on every level, with wall time and peak memory. Each size runs in its own process so that its peak
memory is its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from solver.bench.common import in_process, machine, peak_mb, service_vs_bound
from solver.bench.generate import PLAIN, SIZES, generate, varied_shape
from solver.instance import parse_instance
from solver.settings import SolverSettings
from solver.solve import greedy_only, solve
from solver.validate import validate

TIME_LIMITS = {"small": 10.0, "medium": 20.0, "county": 120.0}


def run_one(size: str, seed: int, time_limit: float, shape: str) -> dict:
    """Generate, solve and measure one district; return the figures."""
    week = PLAIN if shape == "plain" else varied_shape(seed)
    instance = parse_instance(generate(size, seed=seed, shape=week))
    greedy = validate(instance, greedy_only(instance))
    result = solve(instance, SolverSettings(time_limit_s=time_limit, seed=seed))
    if result.roster is None:
        raise RuntimeError(str(result.error))
    solved = validate(instance, result.roster)
    stats = result.stats
    return {
        "size": size, "seed": seed, "shape": week.describe(), "children": len(instance.children),
        "volunteers": len(instance.volunteers), "valid": solved.ok and greedy.ok, "status": stats["status"],
        "solver": solved.levels.__dict__, "greedy": greedy.levels.__dict__, "bound": stats["shortfall_bound"],
        "continuity_bound": stats.get("continuity_bound"), "travel_km_bound": stats.get("travel_km_bound"),
        "service_vs_bound": service_vs_bound(instance, solved.levels.shortfall, stats["shortfall_bound"]),
        "seconds": stats["solve_seconds"], "peak_mb": peak_mb(),
    }


def table(rows: list[dict]) -> str:
    """The Markdown table of the figures."""
    lines = ["| size | week | children / volunteers | shortfall: solver / greedy / bound | service vs bound "
             "| continuity: solver / greedy / bound | travel km: solver / greedy / bound | fairness: solver / greedy "
             "| time | peak memory | status |", "|" + "---|" * 11]
    for r in rows:
        s, g = r["solver"], r["greedy"]
        cb = "—" if r["continuity_bound"] is None else f"{r['continuity_bound']:g}"
        tb = "—" if r["travel_km_bound"] is None else f"{r['travel_km_bound']:.0f}"
        lines.append(
            f"| {r['size']} | seed {r['seed']}, {r['shape']} | {r['children']} / {r['volunteers']} "
            f"| {s['shortfall']:g} / {g['shortfall']:g} / {r['bound']:g} | {100 * r['service_vs_bound']:.1f} % "
            f"| {s['continuity']} / {g['continuity']} / {cb} | {s['travel_km']:.0f} / {g['travel_km']:.0f} / {tb} "
            f"| {s['fairness']:.2f} / {g['fairness']:.2f} | {r['seconds']:.1f} s | {r['peak_mb']} MB "
            f"| {r['status']}{'' if r['valid'] else ' INVALID'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for the chosen sizes and print the table."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=list(SIZES), help=f"any of {', '.join(SIZES)}")
    parser.add_argument("--seed", type=int, nargs="+", default=[1])
    parser.add_argument("--shape", choices=("plain", "varied"), default="plain")
    parser.add_argument("--time-limit", type=float, default=None, help="override the per-size limits")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process: print JSON
    args = parser.parse_args(argv)
    unknown = [s for s in args.sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}: choose from {', '.join(SIZES)}")
    if args.one:
        size = args.sizes[0]
        print(json.dumps(run_one(size, args.seed[0], args.time_limit or TIME_LIMITS[size], args.shape)))
        return 0
    print(f"Machine: {machine()}\n")
    rows = []
    for size in args.sizes:
        for seed in args.seed:
            extra = ["--time-limit", str(args.time_limit)] if args.time_limit else []
            started = time.monotonic()
            rows.append(in_process("solver.bench", "sizes", size, "--one", "--seed", str(seed), "--shape",
                                   args.shape, *extra))
            print(f"{size} seed {seed}: done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    return 0 if all(r["valid"] for r in rows) else 1
