"""Benchmark: ``python -m solver.bench [small medium county] [--seed N]``.

For each size of generated district: the solver against the greedy baseline (a coordinator by hand)
and the relaxation bound, on every level, with wall time and peak memory. Each size runs in its own
process so its peak memory is its own. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

from solver.generate import SIZES, generate
from solver.instance import Instance, parse_instance
from solver.settings import SolverSettings
from solver.solve import greedy_only, solve
from solver.validate import validate

TIME_LIMITS = {"small": 10.0, "medium": 20.0, "county": 120.0}  # the targets


def demand(instance: Instance) -> int:
    """Everything the week asks for, in shortfall units: Σ priority × visits + 2 × tutor places + subjects."""
    visits = sum(c.priority * c.visits_per_week for c in instance.children)
    places = sum(2 * instance.required_tutors(s, x.day) + (len(instance.needed_subjects(s, x.day))
                                                            if instance.required_tutors(s, x.day) else 0)
                 for s in instance.sites for x in s.sessions)
    return visits + places


def run_one(size: str, seed: int, time_limit: float) -> dict:
    """Generate, solve and measure one district; return the figures."""
    instance = parse_instance(generate(size, seed=seed))
    t0 = time.monotonic()
    greedy = greedy_only(instance)
    greedy_seconds = time.monotonic() - t0
    result = solve(instance, SolverSettings(time_limit_s=time_limit, seed=seed))
    solved = validate(instance, result.roster)
    by_hand = validate(instance, greedy)
    total = demand(instance)
    bound = result.stats["shortfall_bound"]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "size": size, "children": len(instance.children), "volunteers": len(instance.volunteers),
        "demand": total, "valid": solved.ok and by_hand.ok, "status": result.status,
        "solver": solved.levels.__dict__, "greedy": by_hand.levels.__dict__, "bound": bound,
        "service_vs_bound": (total - solved.levels.shortfall) / (total - bound) if total > bound else 1.0,
        "seconds": result.stats["solve_seconds"], "greedy_seconds": round(greedy_seconds, 2),
        "peak_mb": round(peak_kb / 1024), "candidates": result.stats["candidates"],
        "candidates_unpruned": result.stats["candidates_unpruned"],
    }


def machine() -> str:
    """A one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, Python {platform.python_version()}"


def table(rows: list[dict]) -> str:
    """The Markdown table of the figures."""
    head = ("| size | children / volunteers | solver shortfall | greedy shortfall | bound | service vs bound "
            "| continuity (solver / greedy) | travel km (solver / greedy) | fairness (solver / greedy) "
            "| time | peak memory | status |")
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        s, g = r["solver"], r["greedy"]
        lines.append(
            f"| {r['size']} | {r['children']} / {r['volunteers']} | {s['shortfall']:g} | {g['shortfall']:g} "
            f"| {r['bound']:g} | {100 * r['service_vs_bound']:.1f} % | {s['continuity']} / {g['continuity']} "
            f"| {s['travel_km']:.0f} / {g['travel_km']:.0f} | {s['fairness']:.2f} / {g['fairness']:.2f} "
            f"| {r['seconds']:.1f} s | {r['peak_mb']} MB | {r['status']}{'' if r['valid'] else ' INVALID'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for the chosen sizes and print the table."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=list(SIZES), help=f"any of {', '.join(SIZES)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None, help="override the per-size limits")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process: print JSON
    args = parser.parse_args(argv)
    unknown = [s for s in args.sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}: choose from {', '.join(SIZES)}")
    if args.one:
        size = args.sizes[0]
        print(json.dumps(run_one(size, args.seed, args.time_limit or TIME_LIMITS[size])))
        return 0
    rows = []
    for size in args.sizes:
        cmd = [sys.executable, "-m", "solver.bench", size, "--one", "--seed", str(args.seed)]
        if args.time_limit:
            cmd += ["--time-limit", str(args.time_limit)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)  # noqa: S603 - our own module
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{size}: done in {rows[-1]['seconds']} s", file=sys.stderr, flush=True)
    print(f"Machine: {machine()}\n")
    print(table(rows))
    return 0 if all(r["valid"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
