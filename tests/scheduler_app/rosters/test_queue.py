"""Solves on Redis + RQ: a queued run is solved by a worker process; a worker killed mid-solve leaves the rosters
as they were, its run is marked abandoned, and the week can be generated again."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import Ending, Roster, RunState, SolveRun
from scheduler_app.rosters import runners
from scheduler_app.rosters.outcome import SolveOutcome
from seed.instance import load_instance
from solver.bench.generate import generate, varied_shape
from solver.messages import Message
from tests.conftest import csrf_token, post_form
from tests.scheduler_app.conftest import REDIS

ROOT = Path(__file__).resolve().parents[3]
WEEK = "2026-11-30"
EN = {"Accept-Language": "en"}
WORKER_TIMEOUT_S = 180
RUNNING_WAIT_S = 90




def _worker(app, burst: bool, **settings: str) -> subprocess.Popen:
    """`flask solve-worker` in its own process group, on the test's database and queue (and PEIBAN_ settings)."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS,
           "PEIBAN_SOLVE_QUEUE": app.config["PEIBAN_SOLVE_QUEUE"], "PEIBAN_SECRET_KEY": "worker-test",
           "FLASK_APP": "scheduler_app:create_app()", **settings}
    command = [sys.executable, "-m", "flask", "solve-worker", *(["--burst"] if burst else [])]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True,  # noqa: S603 - our own command
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _descendants(pid: int) -> list[int]:
    """Every process below pid (RQ's work horse starts its own session, so a process group would miss it)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _is_solver(pid: int) -> bool:
    """The process is `python -m solver solve ...`."""
    try:
        return b"\0solver\0solve\0" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _drain(app, **settings: str) -> None:
    """Run a worker until the queue is empty."""
    worker = _worker(app, burst=True, **settings)
    output, _ = worker.communicate(timeout=WORKER_TIMEOUT_S)
    assert worker.returncode == 0, output


def _generate(client, limit: int) -> int:
    """Press Generate; the id of the run it made."""
    response = post_form(client, f"/rosters/{WEEK}/generate", {"time_limit": str(limit)}, page=f"/rosters/{WEEK}")
    assert response.status_code == 302
    db.session.rollback()
    run_id = db.session.execute(db.select(SolveRun.id).order_by(SolveRun.id.desc()).limit(1)).scalar_one()
    db.session.rollback()  # on SQLite an open read would hold up the worker's writes
    return run_id


def _state(run_id: int) -> tuple[RunState, int | None]:
    """A run's state and roster, read in a transaction that is ended at once (on SQLite an open one would hold
    the write lock the worker needs)."""
    db.session.rollback()
    run = db.session.get(SolveRun, run_id)
    db.session.refresh(run)
    state = (run.state, run.roster_id)
    db.session.rollback()
    return state


def _rosters() -> list[tuple]:
    """Every roster as (id, status, number of assignments)."""
    db.session.rollback()
    found = [(r.id, r.status, len(r.assignments))
             for r in db.session.execute(db.select(Roster).order_by(Roster.id)).scalars()]
    db.session.rollback()
    return found


@pytest.fixture
def demo_coordinator(queued, client):
    """The demo organisation with the coordinator logged in."""
    from seed.demo import DEMO_PASSWORD, load_demo
    load_demo(dt.date(2026, 11, 23))
    post_form(client, "/auth/login", {"username": "coordinator", "password": DEMO_PASSWORD})
    return client


def test_a_queued_solve_waits_for_a_worker_and_is_solved_there(queued, demo_coordinator) -> None:
    """With REDIS_URL set, Generate queues the solve instead of running it in the web process; a worker
    process takes it and stores the draft roster."""
    run_id = _generate(demo_coordinator, limit=10)
    assert _state(run_id)[0] == RunState.QUEUED and runners.solve_queue(queued).count == 1
    assert run_id not in runners._threads
    _drain(queued)
    state, roster_id = _state(run_id)
    assert state == RunState.SUCCEEDED and roster_id is not None
    assert [r for r in _rosters() if r[0] == roster_id][0][2] > 0


@pytest.fixture
def busy_coordinator(queued, make_user, login):
    """A district whose solve goes on to the end of its limit (400 children, 45-minute visits: too many runs to
    prove anything in a minute), with its coordinator logged in."""
    org = load_instance(generate("medium", seed=4, shape=varied_shape(4), week_start=WEEK), "繁忙的区")
    return login(make_user("coordinator", org=org))


def test_a_killed_worker_leaves_the_rosters_and_the_week_can_be_generated_again(queued, busy_coordinator) -> None:
    """A worker killed (with its solver) in the middle of a solve writes nothing: the earlier draft stays as it
    was, the run is marked abandoned once its heartbeat is stale, and generating again works."""
    client = busy_coordinator
    first = _generate(client, limit=10)
    _drain(queued)
    before = _rosters()
    assert _state(first)[0] == RunState.SUCCEEDED and len(before) == 1

    second = _generate(client, limit=60)
    worker = _worker(queued, burst=False)
    deadline = time.monotonic() + RUNNING_WAIT_S
    while _state(second)[0] != RunState.RUNNING and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _state(second)[0] == RunState.RUNNING
    # Kill as soon as the solver process is at work.
    while not any(_is_solver(pid) for pid in _descendants(worker.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any(_is_solver(pid) for pid in _descendants(worker.pid)), "the solver never started"
    for pid in [worker.pid, *_descendants(worker.pid)]:  # the worker, its work horse and the solver, at once
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.wait()
    queued.config["PEIBAN_STALE_SECONDS"] = runners.HEARTBEAT_S
    time.sleep(runners.HEARTBEAT_S * 2)
    db.session.rollback()
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "stopped without finishing" in page
    assert _state(second)[0] == RunState.ABANDONED
    assert _rosters() == before

    third = _generate(client, limit=10)
    assert third != second and _state(third)[0] == RunState.QUEUED
    _drain(queued)
    assert _state(third)[0] == RunState.SUCCEEDED
    assert csrf_token(client, f"/rosters/{WEEK}")  # the week page still opens


def test_a_queue_that_does_not_answer_fails_the_run_at_once(app, client) -> None:
    """With REDIS_URL pointing at no Redis, Generate ends the run as failed with the reason shown, instead of
    leaving it queued, and the week can be generated again."""
    from seed.demo import DEMO_PASSWORD, load_demo
    load_demo(dt.date(2026, 11, 23))
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    post_form(client, "/auth/login", {"username": "coordinator", "password": DEMO_PASSWORD})
    run_id = _generate(client, limit=10)
    assert _state(run_id)[0] == RunState.FAILED
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "the job queue (Redis) did not answer" in page and "Generate roster" in page


@pytest.fixture
def two_counties(queued, client, make_org, make_user, make_site, make_volunteer, make_child, login):
    """Two groups of a site, a tutor, a visitor and children, 110 km apart, so nobody of one can serve the
    other; the coordinator is logged in."""
    from scheduler_app.models import Village
    org = make_org()
    for n, (lat, lon) in enumerate(((30.45, 114.87), (31.45, 115.67)), start=1):
        site = make_site(org, f"S{n}", days=(0,), lat=lat, lon=lon, children_per_tutor=2)
        make_volunteer(org, f"T{n}", roles=("tutor",), subjects=["math"], max_sessions_per_week=1,
                       availability=((0, "15:00", "19:00"),), home_lat=lat + 0.01, home_lon=lon)
        make_volunteer(org, f"M{n}", max_visits_per_week=3, max_visits_per_day=2, home_lat=lat, home_lon=lon)
        village = Village(organisation_id=org.id, name=f"村{n}", lat=lat + 0.005, lon=lon + 0.005)
        for k in (1, 2):
            make_child(org, f"C{n}{k}", site=site, attends=["mon"], subjects=["math"], visits_per_week=1,
                       village=village)
    return login(make_user("coordinator", org=org, locale="en"))


def test_a_big_week_is_split_into_part_jobs_and_their_rosters_merged(queued, two_counties) -> None:
    """On the queue, a week with more children than PEIBAN_PART_CHILDREN is split into parts that share no one:
    each part is its own job, and the merged roster, stored as one draft, serves both groups and passes the
    checker against the whole week."""
    from scheduler_app.contract.roster import roster_document
    from solver.instance import parse_instance
    from solver.roster import parse_roster
    from solver.validate import validate

    run_id = _generate(two_counties, limit=10)
    _drain(queued, PEIBAN_PART_CHILDREN="2")
    db.session.rollback()
    run = db.session.get(SolveRun, run_id)
    assert (run.state, run.parts) == (RunState.SUCCEEDED, 2), run.reason
    roster = run.roster
    sites = {a.site.code for a in roster.assignments if a.site is not None}
    children = {a.child.code for a in roster.assignments if a.child is not None}
    assert sites == {"S1", "S2"} and children == {"C11", "C12", "C21", "C22"}
    assert roster.stats["parts_solved_apart"] == 2 and roster.stats["shortfall"] == 0
    assert validate(parse_instance(roster.instance), parse_roster(roster_document(roster))).ok
    db.session.rollback()


def test_a_week_under_the_part_size_is_solved_as_one_job(queued, two_counties) -> None:
    """The same week under the default part size is one job: the run records no parts."""
    run_id = _generate(two_counties, limit=10)
    _drain(queued)
    db.session.rollback()
    run = db.session.get(SolveRun, run_id)
    assert (run.state, run.parts) == (RunState.SUCCEEDED, None)
    assert "parts_solved_apart" not in run.roster.stats
    db.session.rollback()


def test_a_failed_part_fails_the_run_with_its_reason_and_keeps_the_rosters(queued, two_counties) -> None:
    """A part whose pin cannot be honoured fails the whole run with that pin named; no roster is stored, and the
    run is not left running."""
    from scheduler_app.models import AssignmentKind, Child, Volunteer, WeekRule
    from scheduler_app.rosters.services import week_made

    db.session.rollback()
    mother = db.session.execute(db.select(Volunteer).where(Volunteer.code == "M2")).scalar_one()
    child = db.session.execute(db.select(Child).where(Child.code == "C21")).scalar_one()
    week = week_made(mother.organisation_id, dt.date.fromisoformat(WEEK))
    # C21 can be visited on Saturdays only: a Monday visit cannot be honoured.
    db.session.add(WeekRule(week=week, rule="pinned", kind=AssignmentKind.VISIT, volunteer_id=mother.id,
                            child_id=child.id, day_index=0))
    db.session.commit()
    before = _rosters()
    run_id = _generate(two_counties, limit=10)
    _drain(queued, PEIBAN_PART_CHILDREN="2")
    db.session.rollback()
    run = db.session.get(SolveRun, run_id)
    assert (run.state, run.parts) == (RunState.FAILED, 2)
    page = two_counties.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "cannot be honoured" in page and "M2" in page
    assert _rosters() == before


def test_parts_share_the_time_left_by_size_and_by_free_workers() -> None:
    """The run's limit is its wall time: what is left after the split and the time kept for merging and storing
    is shared by the parts' children, with each part's start-up off its share; with a worker for each part each
    gets all that is left; no part gets less than the floor."""
    left = 120 - 10 - runners.MERGE_RESERVE_S  # a 120 s run whose split took 10 s
    one_worker = runners.part_time_limits(120, [100, 300], workers=1, spent_s=10)
    assert one_worker == [int(left / 4 - runners.PART_START_S), int(left * 3 / 4 - runners.PART_START_S)]
    assert sum(one_worker) + 2 * runners.PART_START_S <= left
    two_workers = runners.part_time_limits(120, [2000, 2000, 2000, 2000], workers=2, spent_s=10)
    assert two_workers == [int(left / 2 - runners.PART_START_S)] * 4  # two turns of two parts at once
    assert runners.part_time_limits(120, [100, 300], workers=4, spent_s=10) == [int(left - runners.PART_START_S)] * 2
    assert runners.part_time_limits(120, [10, 990], workers=1)[0] == runners.PART_MIN_TIME_S


def test_the_first_part_that_did_not_succeed_decides_the_run() -> None:
    """A part whose job never ended fails the run naming the part; a part the solver refused fails it with the
    solver's reason."""
    done = SolveOutcome.succeeded({"unmet": {}})
    refused = SolveOutcome.ended(Ending.SOLVER, Message("pinned[%(index)d] cannot be honoured", index=0))
    instance = {"week_start": WEEK, "children": []}
    lost = runners.merged_outcome(instance, [done, None, refused])
    assert (lost.state, lost.ending, str(lost.reason)) == (
        RunState.FAILED, Ending.ERROR, "The solve failed (part 2 of 3 was not solved); the roster was not changed.")
    assert runners.merged_outcome(instance, [done, refused]) == refused
    assert SolveOutcome.from_json(refused.to_json()) == refused
