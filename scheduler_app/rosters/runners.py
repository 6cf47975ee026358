"""The two ways a solve run is solved, behind one small interface (``Runner.start``): in a child process watched
by a thread of the web process (``LocalRunner``), or, when ``REDIS_URL`` is set, by an RQ worker (``flask
solve-worker``) that takes the run from the queue (``QueueRunner``). Both end the run with a ``SolveOutcome``.

The solver runs as its own process (``python -m solver solve - --events``: the week through a pipe, progress and
the outcome back as ``solve-events/1`` lines), so a solve that overruns can be killed and a crash cannot take the
web app with it; it ends itself when the process that started it dies, and a web process that exits marks its
solves abandoned as it goes. Every few seconds the watcher records a heartbeat and the best shortfall reported.

On the queue, a week bigger than ``PEIBAN_PART_CHILDREN`` children is split (``solver.split``) into parts that
share nothing: each part is a job any free worker takes, and a last job, run when every part has ended, merges
their rosters, checks the merged roster against the whole week and stores it, or fails the run with the first
failed part's reason. Queue jobs run inside the worker's app context (``flask solve-worker`` pushes it), so they
need no app of their own.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Protocol

from flask import Flask
from redis.exceptions import RedisError
from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Dependency, Job
from sqlalchemy.exc import OperationalError

from scheduler_app.extensions import db
from scheduler_app.jobqueue import solve_queue, worker_app
from scheduler_app.models import Ending, RunState, SolveRun, utcnow
from scheduler_app.rosters.outcome import SolveOutcome
from scheduler_app.rosters.runs import claim, failed, finish, give_up, seconds_since
from solver import events
from solver.split import merge_and_check, split_instance

HEARTBEAT_S = 2.0          # how often the watcher writes down that the solve is alive
QUEUE_JOB_SLACK_S = 60     # RQ's own timeout for a job: the run's limit, the grace, and this for start-up
QUEUE_RESULT_TTL_S = 3600  # the run table holds the outcome; RQ keeps its job record only this long
QUEUE_FAILURE_TTL_S = 7 * 24 * 3600
OVERRUN_GRACE_S = 20.0     # the solver keeps its own limit; past limit + grace it is stopped
PART_MIN_TIME_S = 10       # a part of a split week never gets less, however small its share
PART_START_S = 4           # a part's process start, reading its week and building its candidates, before its clock
MERGE_RESERVE_S = 12       # checking the merged roster of a prefecture against the whole week and storing it
MERGE_JOB_TIMEOUT_S = 900  # checking and storing the merged roster of a prefecture-size week
ENDING_JOIN_S = 10         # how long an exiting process waits for each watcher to write its run's end
STDERR_KEPT = 20           # the solver's last lines of standard error, for the reason of a crash

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where the solver package is importable from
_threads: dict[int, threading.Thread] = {}
_processes: dict[int, subprocess.Popen] = {}
_ending = threading.Event()  # this process is exiting: its solves end as abandoned, at once


class Runner(Protocol):
    """Something that solves a recorded, queued run in the background and ends it with its outcome."""

    def start(self, app: Flask, run_id: int, instance: dict[str, Any], time_limit_s: int) -> None:
        """Begin solving; return at once."""


class LocalRunner:
    """Solves in a child process watched by a thread of this (web) process."""

    def start(self, app: Flask, run_id: int, instance: dict[str, Any], time_limit_s: int) -> None:
        """Start the watcher thread."""
        for finished in [i for i, t in _threads.items() if not t.is_alive()]:
            del _threads[finished]  # a long-running server keeps only the watchers still at work
        atexit.unregister(end_local_solves)  # registered once, however many solves this process starts
        atexit.register(end_local_solves)
        thread = threading.Thread(target=run_solve, args=(app, run_id, instance), name=f"solve-{run_id}",
                                  daemon=True)
        _threads[run_id] = thread
        thread.start()


class QueueRunner:
    """Puts the run on the Redis queue for a solve worker (split there into parts when it is big)."""

    def start(self, app: Flask, run_id: int, instance: dict[str, Any], time_limit_s: int) -> None:
        """Queue the run's job; a queue that does not answer ends the run now, so the week is not blocked."""
        try:
            solve_queue(app).enqueue(solve_job, run_id, instance, job_id=f"peiban-solve-{run_id}",
                                     job_timeout=time_limit_s + OVERRUN_GRACE_S + QUEUE_JOB_SLACK_S,
                                     result_ttl=QUEUE_RESULT_TTL_S, failure_ttl=QUEUE_FAILURE_TTL_S)
        except RedisError as exc:
            give_up(run_id, _queue_down(exc))


def runner_for(app: Flask) -> Runner:
    """The queue when Redis is configured, else this process."""
    return QueueRunner() if app.config["REDIS_URL"] else LocalRunner()


def _queue_down(exc: Exception) -> SolveOutcome:
    return SolveOutcome.ended(Ending.ERROR, f"the job queue (Redis) did not answer: {exc.__class__.__name__}")


def run_solve(app: Flask, run_id: int, instance: dict[str, Any]) -> None:
    """Solve one run to the end: a new draft roster on success, a reason on failure; never a partial write. A run
    no longer queued (marked abandoned while it waited for a worker) is left alone."""
    with app.app_context():
        if not claim(run_id):
            db.session.remove()
            return
        run = db.session.get_one(SolveRun, run_id)
        outcome = watch(app, run, instance, run.time_limit_s)
        try:
            finish(app, run_id, instance, outcome)
        finally:
            _processes.pop(run_id, None)
            db.session.remove()


def watch(app: Flask, run: SolveRun, instance: dict[str, Any], time_limit_s: float,
          progress: bool = True) -> SolveOutcome:
    """Run the solver process to its outcome, recording heartbeats (and the best shortfall so far, unless the
    instance is only a part of the run's week); anything that goes wrong becomes a failed outcome with its
    reason, so the run (or the merging job, for a part) always ends with one."""
    run_id = run.id
    try:
        return _watch(run, instance, time_limit_s, progress)
    except Exception as exc:
        db.session.rollback()
        app.logger.exception("solve run %s failed", run_id)
        return failed(exc)


class _Stream:
    """What the solver's two pipes said: its events (the best shortfall, the last outcome) and the end of its
    standard error."""

    def __init__(self) -> None:
        self.best: float | None = None
        self.final: events.Solved | events.Refused | None = None
        self.stderr: deque[str] = deque(maxlen=STDERR_KEPT)

    def read_events(self, pipe: Any) -> None:
        for raw in pipe:
            event = events.read(raw.decode("utf-8", errors="replace"))
            if isinstance(event, events.Progress):
                self.best = event.shortfall
            elif event is not None:
                self.final = event

    def read_stderr(self, pipe: Any) -> None:
        for raw in pipe:
            if line := raw.decode("utf-8", errors="replace").strip():
                self.stderr.append(line)


def _watch(run: SolveRun, instance: dict[str, Any], time_limit_s: float, progress: bool) -> SolveOutcome:
    # The instance (children's names and homes) goes through a pipe, never a file a killed process would leave
    # behind, and the roster comes back as an event: nothing is written to disk.
    command = [sys.executable, "-m", "solver", "solve", "-", "--events", "--exit-with-parent",
               "--time-limit", str(time_limit_s)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # noqa: S603 - our solver
                               stderr=subprocess.PIPE, cwd=PROJECT_ROOT)
    _processes[run.id] = process
    stream = _Stream()
    readers = [threading.Thread(target=stream.read_events, args=(process.stdout,), daemon=True),
               threading.Thread(target=stream.read_stderr, args=(process.stderr,), daemon=True)]
    for reader in readers:
        reader.start()
    assert process.stdin is not None  # noqa: S101 - made with stdin=PIPE just above
    with contextlib.suppress(BrokenPipeError):  # a solver that died at once says why on its standard error
        process.stdin.write(json.dumps(instance, ensure_ascii=False).encode("utf-8"))
        process.stdin.close()
    started = beat = time.monotonic()
    while process.poll() is None:
        time.sleep(HEARTBEAT_S / 4)
        if time.monotonic() - started > time_limit_s + OVERRUN_GRACE_S:
            process.kill()
            process.wait()
            for reader in readers:
                reader.join()
            return SolveOutcome.ended(Ending.OVERRAN)
        if time.monotonic() - beat >= HEARTBEAT_S:  # a clock of its own: the run may be expired (below)
            beat = time.monotonic()
            run.heartbeat_at = utcnow()
            if progress:
                run.best_shortfall = stream.best
            try:
                db.session.commit()
            except OperationalError:  # the database was busy past its timeout: the next beat tries again
                db.session.rollback()
    for reader in readers:
        reader.join()
    if isinstance(stream.final, events.Solved) and process.returncode == 0:
        return SolveOutcome.succeeded(stream.final.roster, stream.final.reasons)
    if process.returncode < 0:
        return SolveOutcome.ended(Ending.ABANDONED if _ending.is_set() else Ending.STOPPED)
    if isinstance(stream.final, events.Refused):
        return SolveOutcome.ended(Ending.SOLVER, stream.final.error)
    return SolveOutcome.ended(Ending.ERROR, stream.stderr[-1] if stream.stderr
                              else f"the solver exited with code {process.returncode}")


def join(run_id: int, timeout: float | None = None) -> None:
    """Wait for a run started in this process to finish (tests and the command line use it)."""
    thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)


def kill(run_id: int) -> bool:
    """Kill a running solver process of this process's runs, as an operator or a crash would."""
    process = _processes.get(run_id)
    if process is None or process.poll() is not None:
        return False
    process.kill()
    return True


def solver_process(run_id: int) -> int | None:
    """The process id of a run's solver while this process watches it."""
    process = _processes.get(run_id)
    return process.pid if process is not None and process.poll() is None else None


def stop_all(timeout: float = 60) -> None:
    """Kill every solve this process started and wait for its watcher to end (tests, before their database
    goes away)."""
    for run_id in list(_threads):
        kill(run_id)
        join(run_id, timeout=timeout)
    _threads.clear()


def end_local_solves() -> None:
    """When this process exits (a gunicorn worker recycled or stopped, the server shut down), stop the solves it
    watches and mark them abandoned now, not after their heartbeat goes stale."""
    atexit.unregister(end_local_solves)
    if not _threads:
        return
    _ending.set()
    try:
        for run_id in list(_threads):
            kill(run_id)
            join(run_id, timeout=ENDING_JOIN_S)
    finally:
        _ending.clear()


def solve_job(run_id: int, instance: dict[str, Any]) -> None:
    """The RQ job: solve a queued run in the worker; a week too big for one job is split into part jobs instead."""
    app = worker_app()
    if len(instance["children"]) > app.config["PEIBAN_PART_CHILDREN"] and _fan_out(app, run_id, instance):
        return
    run_solve(app, run_id, instance)


def part_time_limits(time_limit_s: float, sizes: list[int], workers: int, spent_s: float = 0.0) -> list[int]:
    """Each part's limit, so that the whole run takes about the run's limit of wall time: what is left once the
    split is done (``spent_s``), less the time kept for checking and storing the merged roster, is shared by the
    parts by their number of children, in turns when there are fewer free workers than parts (with a worker for
    each part each gets all of it); each part's start-up comes off its share. Never below PART_MIN_TIME_S."""
    left = time_limit_s - spent_s - MERGE_RESERVE_S
    total, lanes = sum(sizes) or 1, max(1, workers)
    if lanes >= len(sizes):
        return [max(PART_MIN_TIME_S, int(left - PART_START_S))] * len(sizes)
    return [max(PART_MIN_TIME_S, min(int(left - PART_START_S), math.floor(left * lanes * size / total - PART_START_S)))
            for size in sizes]


def _fan_out(app: Flask, run_id: int, instance: dict[str, Any]) -> bool:
    """Split the week into parts that share nothing and queue a job per part and a merging job after them.
    False (nothing done) when the week does not split."""
    parts = split_instance(instance, math.ceil(len(instance["children"]) / app.config["PEIBAN_PART_CHILDREN"]))
    if len(parts) < 2:
        return False
    queue = solve_queue(app)
    try:
        if not claim(run_id, parts=len(parts)):
            return True
        run = db.session.get_one(SolveRun, run_id)
        limits = part_time_limits(run.time_limit_s, [len(p["children"]) for p in parts],
                                  Worker.count(queue=queue), seconds_since(run.created_at))
        part_jobs = [queue.enqueue(solve_part_job, run_id, part, limit, job_id=f"peiban-solve-{run_id}-{k}",
                                   job_timeout=limit + OVERRUN_GRACE_S + QUEUE_JOB_SLACK_S,
                                   result_ttl=QUEUE_RESULT_TTL_S, failure_ttl=QUEUE_FAILURE_TTL_S)
                     for k, (part, limit) in enumerate(zip(parts, limits, strict=True), start=1)]
        # allow_failure: a part that crashed still lets the merge run, to end the run with a reason.
        queue.enqueue(merge_job, run_id, instance, [job.id for job in part_jobs],
                      depends_on=Dependency(jobs=part_jobs, allow_failure=True),
                      job_id=f"peiban-solve-{run_id}-merge", job_timeout=MERGE_JOB_TIMEOUT_S,
                      result_ttl=QUEUE_RESULT_TTL_S, failure_ttl=QUEUE_FAILURE_TTL_S)
    except RedisError as exc:
        db.session.rollback()
        finish(app, run_id, instance, _queue_down(exc))
    finally:
        db.session.remove()
    return True


def solve_part_job(run_id: int, part: dict[str, Any], time_limit_s: int) -> dict[str, Any] | None:
    """The RQ job for one part of a split week: solve it and hand its outcome (``SolveOutcome.to_json``) to the
    merging job; nothing is stored here. None when the run was given up while this part waited."""
    app = worker_app()
    try:
        run = db.session.get(SolveRun, run_id)
        if run is None or run.state != RunState.RUNNING:
            return None
        return watch(app, run, part, time_limit_s, progress=False).to_json()
    finally:
        _processes.pop(run_id, None)
        db.session.remove()


def merge_job(run_id: int, instance: dict[str, Any], part_job_ids: list[str]) -> None:
    """The RQ job run after every part of a split week ended: store the merged roster, or end the run with the
    first failed part's reason."""
    app = worker_app()
    connection = solve_queue(app).connection
    results: list[SolveOutcome | None] = []
    for job_id in part_job_ids:
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            job = None
        value = job.return_value() if job is not None and job.is_finished else None
        results.append(SolveOutcome.from_json(value) if value is not None else None)
    try:
        finish(app, run_id, instance, merged_outcome(instance, results))
    finally:
        db.session.remove()


def merged_outcome(instance: dict[str, Any], results: list[SolveOutcome | None]) -> SolveOutcome:
    """What the parts' outcomes make of the run: the first part that did not succeed fails it with its reason
    (None: its job never ended, e.g. its worker was killed); else the merged roster, checked against the
    whole week, with the parts' unmet reasons in the merged order."""
    for number, result in enumerate(results, start=1):
        if result is None:
            return SolveOutcome.ended(Ending.ERROR, f"part {number} of {len(results)} was not solved")
        if result.state != RunState.SUCCEEDED:
            return result
    rosters = [result.roster for result in results if result is not None and result.roster is not None]
    merged, report = merge_and_check(instance, rosters)
    if not report.ok:  # the parts share nothing, so this would be a bug in the split
        return SolveOutcome.ended(Ending.ERROR, f"the merged roster breaks a rule: {report.violations[0]}")
    reasons = {key: [reason for result in results if result is not None and result.roster is not None
                     for reason in ((result.reasons or {}).get(key)
                                    or [None] * len(result.roster.get("unmet", {}).get(key, [])))]
               for key in ("visits", "tutors", "subjects")}
    return SolveOutcome.succeeded(merged, reasons)
