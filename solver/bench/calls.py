"""The call table: ``python -m solver.bench calls [small medium county] [--seed N] [--time-limit S]``.

For each size of generated call week: the solver against the greedy baseline and a simple bound (children ×
weekly calls, capped at each site by its line-hours), on each level, with wall time and peak memory. Each size
runs in its own process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from solver.bench.callweek import CALL_SIZES, call_week
from solver.bench.common import in_process, machine, peak_mb
from solver.calls.check import check
from solver.calls.instance import CallInstance, parse_call_instance
from solver.calls.solve import CallSettings, greedy_result, solve_calls

TIME_LIMITS = {"small": 10.0, "medium": 30.0, "county": 120.0}


def line_hours_bound(instance: CallInstance) -> int:
    """Calls deliverable at most: per site, the line-slots (lines × whole calls each room interval holds) filled
    with the family calls worth most (a call is worth the siblings who still need it), capped by demand."""
    length = instance.settings.call_minutes
    total = 0
    for site in instance.sites:
        slots = site.lines * sum((r.end - r.start) // length for r in site.room_hours)
        worth = []
        for family in instance.families_at(site):
            needs = [c.calls_per_week for c in instance.children_of[family.id]]
            worth += [sum(1 for n in needs if n > k) for k in range(max(needs))]
        total += sum(sorted(worth, reverse=True)[:slots])
    return total


def run_one(size: str, seed: int, time_limit: float) -> dict:
    """Generate, solve and measure one call week; return the figures."""
    instance = parse_call_instance(call_week(size, seed))
    greedy_started = time.monotonic()
    greedy = greedy_result(instance)
    greedy_s = time.monotonic() - greedy_started
    result = solve_calls(instance, CallSettings(time_limit_s=time_limit, seed=seed))
    report = check(instance, result.schedule)
    return {"size": size, "seed": seed, "children": len(instance.children), "families": len(instance.families),
            "sites": len(instance.sites), "lines": sum(s.lines for s in instance.sites),
            "demand": sum(c.calls_per_week for c in instance.children), "bound": line_hours_bound(instance),
            "solver_bound": result.stats["delivered_bound"], "valid": report.ok and greedy.report.ok,
            "solver": report.levels.__dict__, "greedy": greedy.report.levels.__dict__,
            "unmet": len(result.schedule.unmet), "status": result.status,
            "seconds": result.stats["solve_seconds"], "greedy_seconds": round(greedy_s, 2), "peak_mb": peak_mb()}


def table(rows: list[dict]) -> str:
    """The Markdown table of the figures."""
    lines = ["| size | children / families / sites (lines) | calls needed | line-hours bound | delivered: solver / "
             "greedy / solver's bound | slots kept: solver / greedy | load Σ²: solver / greedy | children short "
             "| time: solver / greedy | peak memory | status |", "|" + "---|" * 11]
    for r in rows:
        s, g = r["solver"], r["greedy"]
        lines.append(
            f"| {r['size']} seed {r['seed']} | {r['children']} / {r['families']} / {r['sites']} ({r['lines']}) "
            f"| {r['demand']} | {r['bound']} | {s['delivered']} / {g['delivered']} / {r['solver_bound']} "
            f"| {s['kept']} / {g['kept']} | {s['load']} / {g['load']} | {r['unmet']} "
            f"| {r['seconds']:.1f} s / {r['greedy_seconds']:.1f} s | {r['peak_mb']} MB "
            f"| {r['status']}{'' if r['valid'] else ' INVALID'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the call benchmark for the chosen sizes and print the table."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench calls", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["county"], help=f"any of {', '.join(CALL_SIZES)}")
    parser.add_argument("--seed", type=int, nargs="+", default=[1])
    parser.add_argument("--time-limit", type=float, default=None, help="override the per-size limits")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process: print JSON
    args = parser.parse_args(argv)
    unknown = [s for s in args.sizes if s not in CALL_SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}: choose from {', '.join(CALL_SIZES)}")
    if args.one:
        size = args.sizes[0]
        print(json.dumps(run_one(size, args.seed[0], args.time_limit or TIME_LIMITS[size])))
        return 0
    print(f"Machine: {machine()}\n")
    rows = []
    for size in args.sizes:
        for seed in args.seed:
            extra = ["--time-limit", str(args.time_limit)] if args.time_limit else []
            started = time.monotonic()
            rows.append(in_process("solver.bench", "calls", size, "--one", "--seed", str(seed), *extra))
            print(f"{size} seed {seed}: done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    return 0 if all(r["valid"] for r in rows) else 1
