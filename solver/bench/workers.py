"""Benchmark: a prefecture (four generated counties, about 8,000 children) split into independent parts, solved on
RQ workers, merged and checked; wall time with 1 and with 2 workers.

    python -m solver.bench queue --workers 1 2 --parts 4 --time-limit 60

Needs Redis (``--redis``, default redis://127.0.0.1:6379/14). Each part is one job; a job is the plain solver
(``solve_part``), so any RQ worker started from this project can take it.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, cast

from redis import Redis
from rq import Queue

from solver.bench.common import demand
from solver.bench.generate import prefecture
from solver.instance import parse_instance
from solver.settings import SolverSettings
from solver.solve import solve
from solver.split import merge_and_check, split_instance

ROOT = Path(__file__).resolve().parents[2]
RQ = Path(sys.executable).parent / "rq"
JOB_SLACK_S = 300  # RQ's timeout for a part: its limit plus this for candidates, bound and start-up
POLL_S = 0.5


def solve_part(document: dict, time_limit_s: float, seed: int) -> dict:
    """The RQ job: solve one part and return its roster/1 document."""
    result = solve(parse_instance(document), SolverSettings(time_limit_s=time_limit_s, seed=seed))
    if result.roster is None:
        raise RuntimeError(str(result.error))
    return result.roster.to_json()


def run(document: dict, parts: list[dict], workers: int, time_limit_s: float, seed: int, redis_url: str) -> dict:
    """Queue every part, run ``workers`` RQ workers until the queue is empty, merge and check; the figures."""
    queue = Queue(f"peiban-bench-{uuid.uuid4().hex[:8]}", connection=Redis.from_url(redis_url))
    started = time.monotonic()
    # By name: run as python -m, this module is __main__ here, which a worker cannot import.
    jobs = [queue.enqueue("solver.bench.workers.solve_part", part, time_limit_s, seed,
                          job_timeout=time_limit_s + JOB_SLACK_S,
                          result_ttl=3600) for part in parts]
    processes = [subprocess.Popen([str(RQ), "worker", "--burst", "--url", redis_url, "--quiet", queue.name],  # noqa: S603
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(workers)]
    for process in processes:
        process.wait()
    wall = time.monotonic() - started
    failed = [job.id for job in jobs if not job.is_finished]
    if failed:
        raise SystemExit(f"{len(failed)} parts failed: {failed}")
    rosters = [cast(dict[str, Any], job.return_value()) for job in jobs]  # every job finished (checked above)
    queue.delete(delete_jobs=True)
    merged, report = merge_and_check(document, rosters)
    total, bound = demand(parse_instance(document)), merged["stats"]["shortfall_bound"]
    return {"workers": workers, "parts": len(parts), "wall_s": round(wall, 1), "valid": report.ok,
            "shortfall": report.levels.shortfall, "bound": bound, "travel_km": round(report.levels.travel_km),
            "service_vs_bound": (total - report.levels.shortfall) / (total - bound) if total > bound else 1.0}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench queue", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per part")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args(argv)
    document = prefecture(seed=args.seed)
    t0 = time.monotonic()
    parts = split_instance(document, args.parts)
    split_s = time.monotonic() - t0
    rows = [run(document, parts, n, args.time_limit, args.seed, args.redis) for n in args.workers]
    print(f"# Prefecture: {len(document['children'])} children, {len(document['volunteers'])} volunteers; split "
          f"into {len(parts)} parts ({', '.join(str(len(p['children'])) for p in parts)} children) in "
          f"{split_s:.1f} s; {args.time_limit:g} s per part; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores")
    print("| workers | wall s | valid | shortfall | bound | service vs bound | travel km |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['workers']} | {r['wall_s']} | {'yes' if r['valid'] else 'NO'} | {r['shortfall']:g} | "
              f"{r['bound']:g} | {r['service_vs_bound']:.1%} | {r['travel_km']} |")
    return 0 if all(r["valid"] for r in rows) else 1


