"""Background solves (a generation, or a re-plan after an absence or declines): the week's instance goes to
``python -m solver`` in a child process, watched by a thread of the web process, or, when ``REDIS_URL`` is
set, by an RQ worker (``flask solve-worker``) that takes the run from the queue.

The solver runs as its own process, so a solve that overruns can be killed and a crash cannot take the
web app with it; the roster is written in one transaction only when the solver succeeds, so a failed or
killed solve leaves the week's rosters exactly as they were. Every few seconds the watcher records a
heartbeat and the best shortfall the solver has reported; a run whose heartbeat stops (its process was
killed with the web server or the worker) is marked abandoned when someone next looks at the week, and the
week can be generated again.

On the queue, a week bigger than ``PEIBAN_PART_CHILDREN`` children is split (``solver.split``) into parts that
share nothing: each part is a job any free worker takes, and a last job, run when every part has ended, merges
their rosters, checks the merged roster against the whole week and stores it, or fails the run with the
first failed part's reason.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import math
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Dependency, Job
from sqlalchemy.exc import OperationalError

from scheduler_app import audit
from scheduler_app.contract import build_instance
from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentStatus, Roster, RunState, SolveRun, Week, as_utc, utcnow
from scheduler_app.records.editing import find
from scheduler_app.records.volunteers import VOLUNTEER
from scheduler_app.rosters.services import RosterError, current_roster, declined, store_roster, week_of
from scheduler_app.solver_text import say_stored
from scheduler_app.volunteers.services import DatesAwayError, add_date_away
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
TIME_LIMITS = (10, 30, 60, 120)
DEFAULT_TIME_LIMIT = 30
ACTIVE = (RunState.QUEUED, RunState.RUNNING)
# Runs end with a reason key (translated when shown, since the watcher thread has no user language)
# and, for "solver" and "error", the detail after a tab.
REASONS = {
    "abandoned": _l("The solve stopped without finishing (the server was restarted or the solver was killed). "
                    "The roster was not changed; generate again."),
    "unclaimed": _l("No solve worker took the solve in time; the roster was not changed. Ask the administrator "
                    "to start the workers, then generate again."),
    "overran": _l("The solver overran its time limit and was stopped; the roster was not changed."),
    "stopped": _l("The solver was stopped before it finished; the roster was not changed."),
    "solver": _l("The solver could not make a roster: %(detail)s"),
    "error": _l("The solve failed (%(detail)s); the roster was not changed."),
}

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where the solver package is importable from
_threads: dict[int, threading.Thread] = {}
_processes: dict[int, subprocess.Popen] = {}
_ending = threading.Event()  # this process is exiting: its solves end as abandoned, at once
ENDING_JOIN_S = 10  # how long an exiting process waits for each watcher to write its run's end


class RunInProgressError(RuntimeError):
    """The week already has a solve queued or running."""


def latest_run(week: Week | None) -> SolveRun | None:
    """The week's newest solve run, after marking it abandoned if its heartbeat stopped."""
    if week is None:
        return None
    run = db.session.execute(db.select(SolveRun).where(SolveRun.week_id == week.id)
                             .order_by(SolveRun.id.desc()).limit(1)).scalar_one_or_none()
    if run is not None and run.state in ACTIVE and _stale(run):
        run.message = "abandoned" if run.state == RunState.RUNNING else "unclaimed"
        run.state, run.finished_at = RunState.ABANDONED, utcnow()
        db.session.commit()
    return run


def run_message(run: SolveRun) -> str:
    """Why a run ended as it did, in the user's language ("" when it succeeded)."""
    key, _tab, detail = (run.message or "").partition("\t")
    english, _tab, message = detail.partition("\t")
    if message:
        with contextlib.suppress(ValueError):  # not JSON: the English is shown
            english = say_stored(json.loads(message), english)
    return str(REASONS[key]) % {"detail": english} if key in REASONS else run.message


def _stale(run: SolveRun) -> bool:
    """A running solve's heartbeat stopped, or a queued one waited too long for a worker."""
    config = current_app.config
    if run.state == RunState.QUEUED:
        return seconds_since(run.created_at) > config["PEIBAN_QUEUE_WAIT_SECONDS"]
    # A split run's parts may wait in the queue behind other solves, beating no heart meanwhile.
    limit = config["PEIBAN_QUEUE_WAIT_SECONDS"] if run.parts else config["PEIBAN_STALE_SECONDS"]
    return seconds_since(run.heartbeat_at or run.created_at) > limit


def start_solve(organisation_id: int, week_start: dt.date, user_id: int, time_limit_s: int,
                replan_of: Roster | None = None, keep: Callable[[Assignment], bool] | None = None) -> SolveRun:
    """Build the week's instance now (so a data problem is reported at once), record a queued run and
    start solving it in the background. For a re-plan, the assignments of ``replan_of`` that ``keep``
    accepts are pinned. Raises ContractError or RunInProgressError."""
    week = week_of(organisation_id, week_start, create=True)
    if (run := latest_run(week)) is not None and run.state in ACTIVE:
        raise RunInProgressError(run.id)
    instance = build_instance(organisation_id, week_start, replan_of=replan_of, keep=keep)
    run = SolveRun(organisation_id=organisation_id, week=week, requested_by_id=user_id, time_limit_s=time_limit_s,
                   state=RunState.QUEUED, heartbeat_at=utcnow(), replan_of=replan_of)
    db.session.add(run)
    db.session.flush()
    audit.record("solve_started", "week", week.id, run=run.id, time_limit_s=time_limit_s,
                 replan_of=replan_of.id if replan_of is not None else None)
    db.session.commit()
    if current_app.config["REDIS_URL"]:
        try:
            solve_queue(current_app).enqueue(solve_job, run.id, instance, job_id=f"peiban-solve-{run.id}",
                                             job_timeout=time_limit_s + OVERRUN_GRACE_S + QUEUE_JOB_SLACK_S,
                                             result_ttl=QUEUE_RESULT_TTL_S, failure_ttl=QUEUE_FAILURE_TTL_S)
        except RedisError as exc:  # the run ends now, so the week is not blocked until the queue wait runs out
            run.state, run.finished_at = RunState.FAILED, utcnow()
            run.message = f"error\tthe job queue (Redis) did not answer: {exc.__class__.__name__}"
            db.session.commit()
        return run
    for finished in [i for i, t in _threads.items() if not t.is_alive()]:
        del _threads[finished]  # a long-running server keeps only the watchers still at work
    atexit.unregister(end_local_solves)  # registered once, however many solves this process starts
    atexit.register(end_local_solves)
    app = current_app._get_current_object()  # the thread needs the app, not the request's proxy
    thread = threading.Thread(target=run_solve, args=(app, run.id, instance), name=f"solve-{run.id}", daemon=True)
    _threads[run.id] = thread
    thread.start()
    return run


def replan_absence(organisation_id: int, week_start: dt.date, user_id: int, volunteer_id: int, from_day: int,
                   time_limit_s: int) -> SolveRun:
    """A volunteer cannot serve from a day to the end of the week (ill, called away): record the dates
    away and re-plan from the week's current roster, pinning every assignment except that volunteer's
    from that day on, so only those move. Returns the started run."""
    week = week_of(organisation_id, week_start)
    base = current_roster(week)
    if base is None:
        raise RosterError(_("There is no roster of this week to re-plan; generate one first."))
    volunteer = find(VOLUNTEER, organisation_id, volunteer_id)
    if volunteer is None:
        raise LookupError(volunteer_id)
    first, last = week_start + dt.timedelta(days=from_day), week_start + dt.timedelta(days=6)
    if not all(volunteer.away_on(first + dt.timedelta(days=i)) for i in range((last - first).days + 1)):
        try:
            add_date_away(volunteer, first, last, _("unavailable (re-plan)"))
        except DatesAwayError as exc:
            raise RosterError(str(exc)) from None
    return start_solve(organisation_id, week_start, user_id, time_limit_s, replan_of=base,
                       keep=lambda a: a.volunteer_id != volunteer_id or a.day_index < from_day)


def replan_declines(organisation_id: int, week_start: dt.date, user_id: int, time_limit_s: int) -> SolveRun:
    """Re-plan the week's current roster keeping everything but the declined assignments (which are also
    forbidden to the volunteers who declined them). Returns the started run."""
    base = current_roster(week_of(organisation_id, week_start))
    if base is None or not declined(base):
        raise RosterError(_("Nothing was declined in this week's roster."))
    return start_solve(organisation_id, week_start, user_id, time_limit_s, replan_of=base,
                       keep=lambda a: a.status != AssignmentStatus.DECLINED)


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


def solve_queue(app: Flask) -> Queue:
    """The RQ queue solves go to, on the configured Redis."""
    return Queue(app.config["PEIBAN_SOLVE_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


def solve_job(run_id: int, instance: dict[str, Any]) -> None:
    """The RQ job: solve a queued run in the worker, with an app made from the worker's environment; a week
    too big for one job is split into part jobs instead."""
    from scheduler_app import create_app  # the worker imports this module before any app exists
    app = create_app()
    queue = solve_queue(app)
    app.config["REDIS_URL"] = ""  # the worker solves here; only the split below queues again
    if len(instance["children"]) > app.config["PEIBAN_PART_CHILDREN"] and _fan_out(app, queue, run_id, instance):
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


def _fan_out(app: Flask, queue: Queue, run_id: int, instance: dict[str, Any]) -> bool:
    """Split the week into parts that share nothing and queue a job per part and a merging job after them.
    False (nothing done) when the week does not split."""
    parts = split_instance(instance, math.ceil(len(instance["children"]) / app.config["PEIBAN_PART_CHILDREN"]))
    if len(parts) < 2:
        return False
    with app.app_context():
        try:
            if not _claim(run_id, parts=len(parts)):
                return True
            run = db.session.get(SolveRun, run_id)
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
            _finish(app, run_id, instance, RunState.FAILED,
                    f"error\tthe job queue (Redis) did not answer: {exc.__class__.__name__}", None, None)
        finally:
            db.session.remove()
    return True


def solve_part_job(run_id: int, part: dict[str, Any], time_limit_s: int) -> dict[str, Any]:
    """The RQ job for one part of a split week: solve it and hand its roster to the merging job (nothing is
    stored here). Its outcome, message, roster/1 and unmet reasons."""
    from scheduler_app import create_app
    app = create_app()
    with app.app_context():
        try:
            run = db.session.get(SolveRun, run_id)
            if run is None or run.state != RunState.RUNNING:  # abandoned while this part waited
                return {"outcome": "skipped", "message": "", "roster": None, "reasons": None}
            outcome, message, roster, reasons = _watched(app, run, part, time_limit_s, progress=False)
        finally:
            _processes.pop(run_id, None)
            db.session.remove()
    return {"outcome": str(outcome), "message": message, "roster": roster, "reasons": reasons}


def merge_job(run_id: int, instance: dict[str, Any], part_job_ids: list[str]) -> None:
    """The RQ job run after every part of a split week ended: store the merged roster, or end the run with the
    first failed part's reason."""
    from scheduler_app import create_app
    app = create_app()
    connection = solve_queue(app).connection
    results = []
    for job_id in part_job_ids:
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            job = None
        results.append(job.return_value() if job is not None and job.is_finished else None)
    outcome, message, roster, reasons = merged_outcome(instance, results)
    with app.app_context():
        _finish(app, run_id, instance, outcome, message, roster, reasons)


def merged_outcome(instance: dict[str, Any], results: list[dict[str, Any] | None]
                   ) -> tuple[RunState, str, dict | None, dict | None]:
    """What the parts' results make of the run: the first part that did not succeed fails it with its reason
    (None: its job never ended, e.g. its worker was killed); else the merged roster, checked against the
    whole week, with the parts' unmet reasons in the merged order."""
    for number, result in enumerate(results, start=1):
        if result is None or result["outcome"] == "skipped":
            return RunState.FAILED, f"error\tpart {number} of {len(results)} was not solved", None, None
        if result["outcome"] != RunState.SUCCEEDED:
            return RunState(result["outcome"]), result["message"], None, None
    rosters = [result["roster"] for result in results]
    merged, report = merge_and_check(instance, rosters)
    if not report.ok:  # the parts share nothing, so this would be a bug in the split
        return RunState.FAILED, f"error\tthe merged roster breaks a rule: {report.violations[0]}", None, None
    reasons = {key: [reason for result in results
                     for reason in ((result["reasons"] or {}).get(key)
                                    or [None] * len(result["roster"].get("unmet", {}).get(key, [])))]
               for key in ("visits", "tutors", "subjects")}
    return RunState.SUCCEEDED, "", merged, reasons


def _claim(run_id: int, parts: int | None = None) -> bool:
    """Take a queued run for solving (one UPDATE, so two workers cannot both take it, and a run marked
    abandoned while it waited is never solved late)."""
    claimed = db.session.execute(db.update(SolveRun).where(SolveRun.id == run_id, SolveRun.state == RunState.QUEUED)
                                 .values(state=RunState.RUNNING, started_at=utcnow(), heartbeat_at=utcnow(),
                                         parts=parts))
    db.session.commit()
    return claimed.rowcount == 1


def run_solve(app: Flask, run_id: int, instance: dict[str, Any]) -> None:
    """Solve one run to the end: a new draft roster on success, a reason on failure; never a partial write. A run
    no longer queued (marked abandoned while it waited for a worker) is left alone."""
    with app.app_context():
        if not _claim(run_id):
            db.session.remove()
            return
        run = db.session.get(SolveRun, run_id)
        outcome, message, roster_doc, reasons = _watched(app, run, instance, run.time_limit_s)
        try:
            _finish(app, run_id, instance, outcome, message, roster_doc, reasons)
        finally:
            _processes.pop(run_id, None)
            db.session.remove()


def _finish(app: Flask, run_id: int, instance: dict[str, Any], outcome: RunState, message: str,
            roster_doc: dict | None, reasons: dict | None) -> None:
    """End a running run: store the roster as a new draft in the same transaction on success. A run no longer
    running (marked abandoned meanwhile, and perhaps generated again) is left as it is."""
    run = db.session.get(SolveRun, run_id)
    if run is None or run.state != RunState.RUNNING:
        app.logger.warning("solve run %s ended after it was given up; its result is dropped", run_id)
        return
    try:
        if outcome == RunState.SUCCEEDED:
            roster = store_roster(run.week, instance, roster_doc, run.requested_by_id, carry_from=run.replan_of,
                                  reasons=reasons)
            run.roster_id, run.best_shortfall = roster.id, roster.stats.get("shortfall")
        run.state, run.message, run.finished_at = outcome, message, utcnow()
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - storing failed: nothing of the roster is kept
        db.session.rollback()
        app.logger.exception("storing the roster of run %s failed", run_id)
        run = db.session.get(SolveRun, run_id)
        run.state, run.finished_at = RunState.FAILED, utcnow()
        run.message = _error(exc)
        db.session.commit()


def _error(exc: Exception) -> str:
    """A run's message for an unexpected error (the "error" reason with the exception as detail)."""
    return f"error\t{exc.__class__.__name__}: {exc}"


def _watched(app: Flask, run: SolveRun, instance: dict[str, Any], time_limit_s: float,
             progress: bool = True) -> tuple[RunState, str, dict | None, dict | None]:
    """``_watch``, with anything that goes wrong turned into a failed outcome with its reason, so the run (or the
    merging job, for a part) always ends with one."""
    run_id = run.id
    try:
        return _watch(run, instance, time_limit_s, progress)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the run must end with a reason
        db.session.rollback()
        app.logger.exception("solve run %s failed", run_id)
        return RunState.FAILED, _error(exc), None, None


def _watch(run: SolveRun, instance: dict[str, Any], time_limit_s: float,
           progress: bool = True) -> tuple[RunState, str, dict | None, dict | None]:
    """Run the solver process, record heartbeats (and the best shortfall so far, unless the instance is only
    a part of the run's week), stop it if it overruns. On success, the roster and its unmet reasons as
    translatable messages."""
    # The instance (children's names and homes) goes through a pipe, never a file a killed process would leave
    # behind; the outputs hold only ids. The solver ends itself if this process dies.
    with tempfile.TemporaryDirectory(prefix="peiban-solve-") as tmp:
        target, reasons = Path(tmp) / "roster.json", Path(tmp) / "reasons.json"
        command = [sys.executable, "-m", "solver", "solve", "-", "-o", str(target), "--exit-with-parent",
                   "--time-limit", str(time_limit_s), "--progress", "--reasons", str(reasons)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,  # noqa: S603
                                   stderr=subprocess.PIPE, cwd=PROJECT_ROOT)
        _processes[run.id] = process
        errors: list[str] = []
        best: list[float] = []
        reader = threading.Thread(target=_read_stderr, args=(process, best, errors), daemon=True)
        reader.start()
        with contextlib.suppress(BrokenPipeError):  # a solver that died at once says why on its standard error
            process.stdin.write(json.dumps(instance, ensure_ascii=False).encode("utf-8"))
            process.stdin.close()
        started = beat = time.monotonic()
        while process.poll() is None:
            time.sleep(HEARTBEAT_S / 4)
            if time.monotonic() - started > time_limit_s + OVERRUN_GRACE_S:
                process.kill()
                process.wait()
                reader.join()
                return RunState.FAILED, "overran", None, None
            if time.monotonic() - beat >= HEARTBEAT_S:  # a clock of its own: the run may be expired (below)
                beat = time.monotonic()
                run.heartbeat_at = utcnow()
                if progress:
                    run.best_shortfall = best[-1] if best else None
                try:
                    db.session.commit()
                except OperationalError:  # the database was busy past its timeout: the next beat tries again
                    db.session.rollback()
        reader.join()
        if process.returncode == 0 and target.exists():
            return (RunState.SUCCEEDED, "", json.loads(target.read_text(encoding="utf-8")),
                    json.loads(reasons.read_text(encoding="utf-8")) if reasons.exists() else None)
        if process.returncode < 0:
            return (RunState.ABANDONED, "abandoned", None, None) if _ending.is_set() else \
                (RunState.FAILED, "stopped", None, None)
        detail = next((line.removeprefix("error: ") for line in reversed(errors) if line.startswith("error:")),
                      errors[-1] if errors else "")
        # The same reason as a message (template and values), kept after the English for run_message.
        message = next((line.removeprefix("error-message: ") for line in errors
                        if line.startswith("error-message:")), "")
        return RunState.FAILED, f"solver\t{detail}" + (f"\t{message}" if message else ""), None, None


def seconds_since(moment: dt.datetime) -> float:
    """Seconds from a stored time to now."""
    return (utcnow() - as_utc(moment)).total_seconds()


def _read_stderr(process: subprocess.Popen, best: list[float], errors: list[str]) -> None:
    for raw in process.stderr:
        line = raw.decode("utf-8", errors="replace").strip()
        if line.startswith("PROGRESS shortfall="):
            best.append(float(line.removeprefix("PROGRESS shortfall=")))
        elif line:
            errors.append(line)
