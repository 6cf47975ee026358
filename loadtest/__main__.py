"""Load benchmark: the demo organisation served by gunicorn (gunicorn.conf.py) on SQLite or PostgreSQL, driven
by locust (loadtest/locustfile.py) with volunteers and coordinators at once and a roster generation in the
middle; prints requests/s, p50/p95/p99 and errors, then reconciles the database with what the users saw.

    python -m loadtest --database sqlite --users 40 --seconds 60
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests

from tests.forms import csrf_token_in

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("LOADTEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "load-test-password"  # noqa: S105 - accounts of a throw-away benchmark database
VOLUNTEER_ACCOUNTS = 60
COORDINATOR_ACCOUNTS = 4
EDITED_VOLUNTEERS = 5  # few, so coordinators meet each other's edits (409s) as on a busy morning
GENERATION_LIMIT_S = 30
STARTUP_WAIT_S = 30
RUN_WAIT_S = 120


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_database(kind: str, folder: Path) -> str:
    """A new empty database of the kind; its URL."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'load.sqlite3'}"
    import psycopg
    name = f"peiban_load_{int(time.time())}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    from scheduler_app.config import normalise_database_url
    return normalise_database_url(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database make_database made."""
    import psycopg
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        # FORCE: a connection pool of the benchmark may still hold a connection.
        conn.execute(f'DROP DATABASE IF EXISTS "{urllib.parse.urlsplit(url).path[1:]}" WITH (FORCE)')


def prepare(database_url: str, today: dt.date, accounts_file: Path) -> dict:
    """Migrate, load the demo with its history, make volunteer and coordinator accounts, and write what the
    users will touch; returns the figures to reconcile against."""
    from flask_migrate import upgrade

    from scheduler_app import create_app
    from scheduler_app.auth.services import hash_password, new_session_token
    from scheduler_app.extensions import db
    from scheduler_app.models import (
        Assignment,
        Child,
        DiaryEntry,
        DiaryStatus,
        Role,
        Roster,
        RosterStatus,
        User,
        Village,
        Volunteer,
        Week,
    )
    from seed.history import load_demo_with_history

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "load"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        org = load_demo_with_history(today)
        digest = hash_password(PASSWORD)
        approved = db.select(DiaryEntry.assignment_id).where(DiaryEntry.status == DiaryStatus.APPROVED,
                                                              DiaryEntry.assignment_id.is_not(None))
        past: dict[int, list[int]] = {}
        for assignment, start in db.session.execute(
                db.select(Assignment, Week.start_date).join(Roster, Assignment.roster_id == Roster.id)
                .join(Week, Roster.week_id == Week.id)
                .where(Roster.status == RosterStatus.PUBLISHED, Assignment.id.not_in(approved))):
            if start + dt.timedelta(days=assignment.day_index) < today:
                past.setdefault(assignment.volunteer_id, []).append(assignment.id)
        linked = set(db.session.execute(db.select(User.volunteer_id).where(User.volunteer_id.is_not(None))).scalars())
        volunteers = []
        for volunteer_id in sorted(v for v in past if v not in linked)[:VOLUNTEER_ACCOUNTS]:
            username = f"load-v{volunteer_id}"
            db.session.add(User(organisation_id=org.id, username=username, display_name=username, role=Role.VOLUNTEER,
                                volunteer_id=volunteer_id, password_hash=digest, session_token=new_session_token()))
            volunteers.append({"username": username, "assignments": past[volunteer_id]})
        coordinators = [f"load-c{i}" for i in range(COORDINATOR_ACCOUNTS)]
        for username in coordinators:
            db.session.add(User(organisation_id=org.id, username=username, display_name=username,
                                role=Role.COORDINATOR, password_hash=digest, session_token=new_session_token()))
        db.session.commit()
        edited = list(db.session.execute(db.select(Volunteer.id).where(Volunteer.organisation_id == org.id)
                                         .order_by(Volunteer.id).limit(EDITED_VOLUNTEERS)).scalars())
        versions = dict(db.session.execute(db.select(Volunteer.id, Volunteer.version_id)
                                           .where(Volunteer.id.in_(edited))).all())
        children = list(db.session.execute(db.select(Child.id).where(Child.organisation_id == org.id)).scalars())
        villages = sorted(set(db.session.execute(db.select(Village.name)).scalars()))
    accounts_file.write_text(json.dumps({"password": PASSWORD, "volunteers": volunteers,
                                         "coordinators": coordinators, "edited": edited, "children": children,
                                         "villages": villages}), encoding="utf-8")
    return {"versions": versions, "volunteers": len(volunteers)}


def serve(database_url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn with the project's configuration, on 127.0.0.1:port."""
    env = {**os.environ, "DATABASE_URL": database_url, "PEIBAN_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": str(workers), "PEIBAN_SECRET_KEY": "load-benchmark-key", "REDIS_URL": ""}
    process = subprocess.Popen([BIN / "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),  # noqa: S603
                                "scheduler_app:create_app()"], cwd=ROOT, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_WAIT_S
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/auth/login", timeout=10).status_code == 200:
                return process
        except requests.RequestException:  # not listening yet, or still starting its workers
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer within {STARTUP_WAIT_S} s; see {log}")


def generate(base: str, coordinator: str, week: dt.date) -> requests.Session:
    """A coordinator presses Generate for the week (a real background solve during the load)."""
    session = requests.Session()
    page = session.get(f"{base}/auth/login").text
    token = csrf_token_in(page)
    session.post(f"{base}/auth/login", data={"username": coordinator, "password": PASSWORD, "csrf_token": token})
    page = session.get(f"{base}/rosters/{week.isoformat()}").text
    token = csrf_token_in(page)
    response = session.post(f"{base}/rosters/{week.isoformat()}/generate",
                            data={"time_limit": str(GENERATION_LIMIT_S), "csrf_token": token}, allow_redirects=False)
    if response.status_code != 302:
        raise SystemExit(f"Generate answered {response.status_code}")
    return session


def reconcile(database_url: str, outcomes: dict, before: dict) -> list[str]:
    """Compare the database with what the users saw succeed; every line that does not hold is a loss."""
    from scheduler_app import create_app
    from scheduler_app.extensions import db
    from scheduler_app.models import DiaryEntry, RunState, SolveRun, Volunteer

    problems, lines = [], []
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "load"})
    with app.app_context():
        # Saves of one activity are ordered by the version their form was opened at (each save moves it on),
        # not by when their answers reached the client.
        last_text = {assignment: text for assignment, _version, text in sorted(outcomes["diaries"])}
        stored = dict(db.session.execute(db.select(DiaryEntry.assignment_id, DiaryEntry.what_was_done)
                                         .where(DiaryEntry.assignment_id.in_(list(last_text)))).all())
        lost = [a for a, text in last_text.items() if stored.get(a) != text]
        lines.append(f"diaries: {len(outcomes['diaries'])} hand-ins answered 302 on {len(last_text)} activities; "
                     f"the database holds the last text of {len(last_text) - len(lost)}")
        if lost:
            problems.append(f"{len(lost)} diaries not as last handed in: {lost[:10]}")
        saves: dict[int, int] = {}
        for volunteer in outcomes["edits"]:
            saves[volunteer] = saves.get(volunteer, 0) + 1
        versions = dict(db.session.execute(db.select(Volunteer.id, Volunteer.version_id)
                                           .where(Volunteer.id.in_(list(before["versions"])))).all())
        for volunteer, old in before["versions"].items():
            if versions[volunteer] - old != saves.get(volunteer, 0):
                problems.append(f"volunteer {volunteer}: {saves.get(volunteer, 0)} saves answered 302 but its "
                                f"version moved {versions[volunteer] - old}")
        lines.append(f"volunteer edits: {len(outcomes['edits'])} saved, {outcomes['conflicts']} refused as "
                     f"concurrent (409); versions moved by exactly the saves: "
                     f"{'yes' if not any('version' in p for p in problems) else 'no'}")
        run = db.session.execute(db.select(SolveRun).order_by(SolveRun.id.desc()).limit(1)).scalar_one_or_none()
        state = run.state if run else None
        lines.append(f"roster generation during the load: {state.value if state else 'none'}")
        if state != RunState.SUCCEEDED:
            problems.append(f"the generation ended as {state}")
    return lines + [f"LOST: {p}" for p in problems]


def stats(prefix: Path) -> list[dict]:
    """Locust's per-request and aggregated figures."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark once and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers")
    args = parser.parse_args(argv)
    today = dt.date.today()
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    with tempfile.TemporaryDirectory(prefix="peiban-load-") as tmp:
        folder = Path(tmp)
        url = make_database(args.database, folder)
        before = prepare(url, today, folder / "accounts.json")
        port = free_port()
        server = serve(url, port, args.workers, folder / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "LOADTEST_ACCOUNTS": str(folder / "accounts.json"),
               "LOADTEST_RESULTS": str(folder / "outcomes.json"), "PYTHONPATH": str(ROOT)}
        try:
            locust = subprocess.Popen([BIN / "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"),  # noqa: S603
                                       "--headless", "-u", str(args.users), "-r", str(args.spawn_rate),
                                       "-t", f"{args.seconds}s", "--host", base, "--csv", str(folder / "load"),
                                       "--only-summary", "--loglevel", "WARNING"],
                                      cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            time.sleep(min(10, args.seconds / 4))
            coordinator = generate(base, "load-c0", next_monday)
            _, errors = locust.communicate(timeout=args.seconds + 120)
            deadline = time.monotonic() + RUN_WAIT_S
            while time.monotonic() < deadline and "being generated" in coordinator.get(
                    f"{base}/rosters/{next_monday.isoformat()}").text:
                time.sleep(1)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            kept = ROOT / "build" / f"load-{args.database}-gunicorn.log"
            kept.parent.mkdir(exist_ok=True)
            kept.write_bytes((folder / "gunicorn.log").read_bytes())
        rows = stats(folder / "load")
        outcomes = json.loads((folder / "outcomes.json").read_text(encoding="utf-8"))
        lines = reconcile(url, outcomes, before)
        if args.database == "postgresql":
            drop_database(url)
    print(f"# Load: {args.database}, {args.users} users ({before['volunteers']} volunteer accounts, "
          f"{COORDINATOR_ACCOUNTS} coordinators), {args.seconds} s, gunicorn {args.workers} workers; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['Name'] or row['Type']} | {row['Request Count']} | {row['Failure Count']} | "
              f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |")
    for line in lines:
        print(line)
    if errors.strip():
        print("locust said:", errors.strip()[-2000:])
    return 1 if any(line.startswith("LOST") for line in lines) else 0


if __name__ == "__main__":
    raise SystemExit(main())
