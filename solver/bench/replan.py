"""Re-plans: ``python -m solver.bench replan [--seeds 3] [--size medium]``.

A week is solved; then, as the app does it, a volunteer drops out from Wednesday (her availability from then
on is gone, every other assignment is pinned, the roster is last week's ``previous``), or three volunteers each
decline an assignment (those are forbidden to them, the rest pinned). The re-plan's time, the assignments it moved
besides the freed ones, and its shortfall against a full re-solve of the same changed week (no pins, 20 s).
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from typing import Any

from solver.bench.common import in_process, machine
from solver.bench.generate import generate, varied_shape
from solver.instance import parse_instance
from solver.roster import Roster
from solver.settings import SolverSettings
from solver.solve import SolveResult, solve
from solver.timeutil import DAYS
from solver.validate import validate

FROM_DAY = 2  # Wednesday
FULL_LIMIT_S = 20.0


def _roster(result: SolveResult) -> Roster:
    if result.roster is None:
        raise RuntimeError(str(result.error))
    return result.roster


def _refs(roster: Roster) -> list[dict]:
    return ([{"kind": "tutoring", "volunteer": t.volunteer, "site": t.site, "day": t.day} for t in roster.tutoring]
            + [{"kind": "visit", "volunteer": v.volunteer, "child": v.child, "day": v.day} for v in roster.visits])


def _key(ref: dict) -> tuple:
    return (ref["kind"], ref["volunteer"], ref.get("site") or ref.get("child"), ref["day"])


def changed_weeks(document: dict, base: Roster) -> dict[str, tuple[dict, set[tuple]]]:
    """The two re-plans of the week, each with the assignments it frees: a drop-out and three declines."""
    refs = _refs(base)
    busiest = max({r["volunteer"] for r in refs}, key=lambda vid: sum(r["volunteer"] == vid for r in refs))
    away = {DAYS[d] for d in range(FROM_DAY, len(DAYS))}
    dropout = copy.deepcopy(document)
    for v in dropout["volunteers"]:
        if v["id"] == busiest:
            v["availability"] = [a for a in v["availability"] if a["day"] not in away]
    freed = {_key(r) for r in refs if r["volunteer"] == busiest and r["day"] in away}
    dropout.update(previous=refs, pinned=[r for r in refs if _key(r) not in freed])
    visits = [r for r in refs if r["kind"] == "visit"]
    declined: list[dict[str, Any]] = []
    seen: set[str] = set()
    for r in visits:  # three visits of three different volunteers
        if r["volunteer"] not in seen and len(declined) < 3:
            declined.append(r)
            seen.add(r["volunteer"])
    decline = copy.deepcopy(document)
    decline.update(previous=refs, forbidden=declined, pinned=[r for r in refs if r not in declined])
    return {"drop-out": (dropout, freed), "declines": (decline, {_key(r) for r in declined})}


def run_one(size: str, seed: int, base_limit: float, replan_limit: float) -> list[dict]:
    """Solve the week, then each re-plan and its full re-solve; their figures."""
    document = generate(size, seed=seed, shape=varied_shape(seed))
    base = _roster(solve(parse_instance(document), SolverSettings(time_limit_s=base_limit, seed=seed)))
    before = {_key(r) for r in _refs(base)}
    rows = []
    for name, (week, freed) in changed_weeks(document, base).items():
        instance = parse_instance(week)
        started = time.monotonic()
        result = solve(instance, SolverSettings(time_limit_s=replan_limit, seed=seed))
        seconds = time.monotonic() - started
        roster = _roster(result)
        after = {_key(r) for r in _refs(roster)}
        scratch_week = {**week, "pinned": []}
        scratch = _roster(solve(parse_instance(scratch_week),
                                SolverSettings(time_limit_s=FULL_LIMIT_S, seed=seed)))
        rows.append({"change": name, "seconds": round(seconds, 2), "status": result.status,
                     "freed": len(freed), "moved": len((before - after) - freed),
                     "shortfall": validate(instance, roster).levels.shortfall,
                     "full_shortfall": validate(instance, scratch).levels.shortfall,
                     "full_moved": len((before - {_key(r) for r in _refs(scratch)}) - freed),
                     "valid": validate(instance, roster).ok})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the re-plans on every seed and print the table."""
    parser = argparse.ArgumentParser(prog="python -m solver.bench replan", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--base-limit", type=float, default=20.0, help="seconds for the week's first roster")
    parser.add_argument("--time-limit", type=float, default=30.0, help="the re-plan's limit (the app's default)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.size, args.one, args.base_limit, args.time_limit)))
        return 0
    print(f"Machine: {machine()}\n")
    print("| week | change | freed | re-plan time | status | moved besides the freed | shortfall: re-plan / full "
          "re-solve | full re-solve moved |")
    print("|" + "---|" * 8)
    for seed in range(1, args.seeds + 1):
        rows = in_process("solver.bench", "replan", "--one", str(seed), "--size", args.size, "--base-limit",
                          str(args.base_limit), "--time-limit", str(args.time_limit))
        for r in rows:
            print(f"| {args.size} seed {seed} | {r['change']} | {r['freed']} | {r['seconds']:.1f} s | {r['status']} "
                  f"| {r['moved']} | {r['shortfall']:g} / {r['full_shortfall']:g} | {r['full_moved']} |", flush=True)
    return 0
