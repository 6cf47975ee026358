"""Benchmark: a prefecture-size week (four generated counties, about 8,000 children) through the app's own path on
the job queue: the week built from the database as Generate builds it, queued, split by a worker into part jobs,
merged, checked and stored as a draft; wall time with 1 and with 2 ``flask solve-worker`` processes.

    python -m loadtest.prefecture --database postgresql --workers 1 2 --time-limit 120

Needs Redis (``--redis``, default redis://127.0.0.1:6379/14) and, for PostgreSQL, LOADTEST_PG_URL as
``python -m loadtest`` does. The database is made for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from loadtest.__main__ import BIN, ROOT, drop_database, make_database

WORKER_START_WAIT_S = 60
POLL_S = 1.0
RUN_SLACK_S = 900  # beyond the time limit: splitting, candidates and bounds per part, merging, storing


def _workers(count: int, database_url: str, redis_url: str, queue: str, log: Path) -> list[subprocess.Popen]:
    """``count`` solve workers on the queue, each in its own session so it can be stopped with its children."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PEIBAN_SOLVE_QUEUE": queue,
           "PEIBAN_SECRET_KEY": "prefecture-benchmark", "FLASK_APP": "scheduler_app:create_app()"}
    return [subprocess.Popen([str(BIN / "flask"), "solve-worker"], cwd=ROOT, env=env,  # noqa: S603
                             start_new_session=True, stdout=log.open("a"), stderr=subprocess.STDOUT)
            for _ in range(count)]


def _stop(workers: list[subprocess.Popen]) -> None:
    """Stop the workers (they are idle by now) and whatever they started."""
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def run(app, org_id: int, user_id: int, week: dt.date, workers: int, time_limit_s: int,
        folder: Path) -> dict:
    """Start ``workers`` solve workers, press Generate (start_solve) and wait for the stored roster; the
    figures."""
    from rq import Worker

    from scheduler_app.contract.roster import roster_document
    from scheduler_app.extensions import db
    from scheduler_app.models import SolveRun
    from scheduler_app.rosters.runners import solve_queue
    from scheduler_app.rosters.runs import ACTIVE
    from scheduler_app.rosters.solving import start_solve
    from solver.bench.common import demand
    from solver.instance import parse_instance
    from solver.roster import parse_roster
    from solver.validate import validate

    queue = solve_queue(app)
    processes = _workers(workers, app.config["SQLALCHEMY_DATABASE_URI"], app.config["REDIS_URL"], queue.name,
                         folder / "workers.log")
    try:
        deadline = time.monotonic() + WORKER_START_WAIT_S
        while Worker.count(queue=queue) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        with app.app_context():
            started = time.monotonic()
            run_id = start_solve(org_id, week, user_id, time_limit_s).id
            request_s = time.monotonic() - started
            deadline = started + time_limit_s + RUN_SLACK_S
            while time.monotonic() < deadline:
                state = db.session.execute(db.select(SolveRun.state).where(SolveRun.id == run_id)).scalar_one()
                db.session.rollback()  # on SQLite an open transaction here would hold the workers' write lock
                if state not in ACTIVE:
                    break
                time.sleep(POLL_S)
            solve_run = db.session.get(SolveRun, run_id)
            wall = time.monotonic() - started
            if solve_run.roster is None:
                raise SystemExit(f"run {run_id} ended {solve_run.state}: {solve_run.message}")
            roster = solve_run.roster
            instance = parse_instance(roster.instance)
            report = validate(instance, parse_roster(roster_document(roster)))
            total, bound = demand(instance), roster.stats["shortfall_bound"]
            figures = {"workers": workers, "request_s": request_s, "wall_s": wall, "parts": solve_run.parts,
                       "valid": report.ok, "shortfall": report.levels.shortfall, "bound": bound,
                       "service": (total - report.levels.shortfall) / (total - bound) if total > bound else 1.0,
                       "travel_km": round(report.levels.travel_km), "assignments": len(roster.assignments)}
            db.session.remove()
            return figures
    finally:
        _stop(processes)


def main(argv: list[str] | None = None) -> int:
    """Load a prefecture into a new database, generate its week with each number of workers, print a table."""
    parser = argparse.ArgumentParser(prog="python -m loadtest.prefecture", description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time-limit", type=int, default=120, help="the run's limit, as chosen on Generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--counties", type=int, default=4)
    parser.add_argument("--size", default="county", help="of each county: small, medium or county")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from scheduler_app import create_app
    from scheduler_app.auth.services import hash_password, new_session_token
    from scheduler_app.extensions import db
    from scheduler_app.models import Role, User
    from seed.instance import load_instance
    from solver.bench.generate import prefecture

    document = prefecture(seed=args.seed, counties=args.counties, size=args.size)
    week = dt.date.fromisoformat(document["week_start"])
    with tempfile.TemporaryDirectory(prefix="peiban-prefecture-") as tmp:
        folder = Path(tmp)
        url = make_database(args.database, folder)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "prefecture", "REDIS_URL": args.redis,
                          "PEIBAN_SOLVE_QUEUE": f"peiban-prefecture-{uuid.uuid4().hex[:8]}"})
        try:
            with app.app_context():
                upgrade(directory=str(ROOT / "migrations"))
                loaded = time.monotonic()
                org = load_instance(document, "地区（生成）")
                load_s = time.monotonic() - loaded
                user = User(organisation_id=org.id, username="prefecture-coordinator", display_name="coordinator",
                            role=Role.COORDINATOR, password_hash=hash_password(uuid.uuid4().hex),
                            session_token=new_session_token())
                db.session.add(user)
                db.session.commit()
                org_id, user_id = org.id, user.id
                db.session.remove()
            rows = [run(app, org_id, user_id, week, n, args.time_limit, folder) for n in args.workers]
            kept = ROOT / "build" / f"prefecture-{args.database}-workers.log"
            kept.parent.mkdir(exist_ok=True)
            kept.write_bytes((folder / "workers.log").read_bytes())
        finally:
            from scheduler_app.rosters.runners import solve_queue
            solve_queue(app).delete(delete_jobs=True)
            with app.app_context():
                db.engine.dispose()
            if args.database == "postgresql":
                drop_database(url)
    print(f"# Prefecture through the app on {args.database}: {len(document['children'])} children, "
          f"{len(document['volunteers'])} volunteers, loaded in {load_s:.0f} s; time limit {args.time_limit} s; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print("| workers | Generate request s | wall s | parts | valid | shortfall | bound | service vs bound | "
          "travel km | assignments |")
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['workers']} | {r['request_s']:.1f} | {r['wall_s']:.0f} | {r['parts']} | "
              f"{'yes' if r['valid'] else 'NO'} | {r['shortfall']:g} | {r['bound']:g} | {r['service']:.1%} | "
              f"{r['travel_km']} | {r['assignments']} |")
    return 0 if all(r["valid"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
