"""The solver's process beside the web process: it gets the week through a pipe (no file with children's names
is left behind), it ends when the web process dies, and a web process that exits marks its solves at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import Ending, RunState, SolveRun
from scheduler_app.rosters import runners
from seed.instance import load_instance
from solver.bench.generate import generate as generate_week
from solver.bench.generate import varied_shape
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[3]
WEEK = "2026-11-30"
# A week whose solve runs to its limit (400 children, 45-minute visits), so it is still running when looked at.
SLOW_WEEK = {"size": "medium", "seed": 4}


def _slow_week(make_user):
    """The organisation of a week that takes the solver its whole limit, and its coordinator."""
    org = load_instance(generate_week(SLOW_WEEK["size"], seed=SLOW_WEEK["seed"], shape=varied_shape(4),
                                      week_start=WEEK), "繁忙的区")
    return org, make_user("coordinator", org=org)


def _solver_pids(parent: int | None = None) -> list[int]:
    """Running `python -m solver solve` processes (of ``parent`` when given)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if command[1:4] == [b"-m", b"solver", b"solve"] and (parent is None or ppid == parent):
            found.append(int(proc.name))
    return found


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return value


def test_the_week_reaches_the_solver_through_a_pipe_and_no_file_holds_it(app, make_user, login) -> None:
    """While a solve runs, its command line reads the instance from standard input and no file the solve put in
    the system's temporary folder holds a child's name."""
    org, user = _slow_week(make_user)
    name = db.session.execute(db.text("SELECT name FROM child LIMIT 1")).scalar_one()
    client = login(user)
    db.session.rollback()
    temporary = Path(tempfile.gettempdir())
    before = set(temporary.iterdir())  # other programs' files (another checkout's tests, say) are not this solve's
    client.post(f"/rosters/{WEEK}/generate", data={"time_limit": "60", "csrf_token": csrf_token(client,
                                                                                              f"/rosters/{WEEK}")})
    pid = _until(lambda: _solver_pids(os.getpid()), 30, "the solver never started")[0]
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert command[4] == b"-" and b"--exit-with-parent" in command
        new = [p for p in set(temporary.iterdir()) - before if p.name.startswith("peiban-")]
        leftovers = [f for p in new for f in ([p] if p.is_file() else p.rglob("*"))
                     if f.is_file() and name.encode("utf-8") in f.read_bytes()]
        assert leftovers == []
    finally:
        run_id = db.session.execute(db.select(SolveRun.id)).scalar_one()
        db.session.rollback()
        runners.kill(run_id)
        runners.join(run_id, timeout=60)


WEB_PROCESS = textwrap.dedent("""
    import sys, time
    from scheduler_app import create_app
    from scheduler_app.rosters import runners, solving
    url, org_id, user_id, week, ending = sys.argv[1:]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "web-process-test"})
    import datetime as dt
    with app.app_context():
        run = solving.start_solve(int(org_id), dt.date.fromisoformat(week), int(user_id), 120)
        print(run.id, flush=True)
    while not runners.solver_process(run.id):
        time.sleep(0.05)
    print("solving", flush=True)
    if ending == "exit":
        sys.stdin.readline()  # the test has seen the solver: now exit as a recycled worker does
        sys.exit(0)
    time.sleep(600)
""")


@pytest.fixture
def web_process(app, make_user):
    """Builder: a web process of its own (on the test's database) that has started a solve of a slow week;
    returns the process, its run's id and its solver's pid."""
    org, user = _slow_week(make_user)
    org_id, user_id = org.id, user.id
    db.session.commit()
    started = []

    def start(ending: str):
        process = subprocess.Popen([sys.executable, "-c", WEB_PROCESS, app.config["SQLALCHEMY_DATABASE_URI"],  # noqa: S603
                                    str(org_id), str(user_id), WEEK, ending], cwd=ROOT, stdout=subprocess.PIPE,
                                   stdin=subprocess.PIPE, text=True)
        started.append(process)
        run_id = int(process.stdout.readline())
        assert process.stdout.readline().strip() == "solving"
        solver = _until(lambda: _solver_pids(process.pid), 10, "no solver under the web process")[0]
        return process, run_id, solver

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_a_solver_whose_web_process_is_killed_ends_too(app, web_process) -> None:
    """A web process killed outright (SIGKILL, as the kernel or an operator does) takes no orphan with it: its
    solver ends within a few seconds instead of running to its limit."""
    process, _run_id, solver = web_process("sleep")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    _until(lambda: not Path(f"/proc/{solver}").exists() or b"Z" in Path(f"/proc/{solver}/stat").read_bytes()
           .rsplit(b")", 1)[1][:3], 5, "the solver outlived its web process")


def test_a_web_process_that_exits_marks_its_solve_abandoned_at_once(app, web_process) -> None:
    """A web process that exits (a gunicorn worker recycled, the server stopped) stops its solve and marks it
    abandoned as it goes, so the week page says so now rather than after the heartbeat goes stale."""
    process, run_id, solver = web_process("exit")
    process.stdin.write("\n")
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    db.session.rollback()
    run = db.session.get(SolveRun, run_id)
    assert run.state == RunState.ABANDONED and run.ending == Ending.ABANDONED and run.finished_at is not None
    assert run.finished_at >= run.started_at
    assert solver not in _solver_pids()
