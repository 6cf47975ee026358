"""`flask cron`: the scheduled jobs (backup, warning scan, purge of expired records, messages) in one command.

Run it every minute or five (deploy/peiban-cron.timer, or one cron line). Each job's schedule is a cron
expression in the settings (PEIBAN_CRON_*); a job is due when one of its scheduled times has passed since its
last run, which is remembered in PEIBAN_CRON_STATE, a JSON file of the instance folder, written after each job.
So a second run in the same minute repeats nothing, and a run after the server was off catches each job up
once. A job that fails is logged and the others still run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sys
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from croniter import croniter
from croniter.croniter import CroniterError
from flask import Flask

from scheduler_app.backup import backup_and_rotate
from scheduler_app.cases.services import escalate_all
from scheduler_app.earlywarning.services import OrganisationScan, scan_every_organisation
from scheduler_app.extensions import db
from scheduler_app.messages.jobs import run_once
from scheduler_app.messages.sender import Round
from scheduler_app.privacy.services import purge_expired

if sys.platform != "win32":
    import fcntl

log = logging.getLogger(__name__)
STATES = ("ran", "failed", "not due", "off")


class CronError(RuntimeError):
    """This run of `flask cron` cannot go on: another one holds the lock, or the state file is unreadable."""


@dataclass(frozen=True)
class JobRun:
    """What one job did in one run of `flask cron`: ran, failed, not due (with its next time) or off."""

    job: str
    state: str
    detail: str

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"a job run is one of {STATES}, not {self.state!r}")

    @property
    def line(self) -> str:
        """The job's line for the operator: its name, what happened, and the detail."""
        return f"{self.job}: {self.state} ({self.detail})"


@dataclass(frozen=True)
class Job:
    """A scheduled job: its name, the setting holding its schedule and what it does (returns a summary)."""

    name: str
    setting: str
    run: Callable[[Flask, dt.datetime], str]


def _backup(app: Flask, now: dt.datetime) -> str:
    done = backup_and_rotate(app.config, now)
    return f"{done.result.path.name}, {done.result.path.stat().st_size} bytes; {len(done.removed)} rotated out"


@dataclass(frozen=True)
class WarningRound:
    """A warning scan of every organisation, with the case escalations that go with it."""

    scans: tuple[OrganisationScan, ...]
    escalations: int

    @property
    def summary(self) -> str:
        """One line for cron's log."""
        return (f"{sum(s.new for s in self.scans)} new warnings in {len(self.scans)} organisations; "
                f"{self.escalations} case escalations")


def scan_and_escalate(app: Flask, now: dt.datetime) -> WarningRound:
    """Scan every organisation's warnings on the schedule's date (not the server's: a server on UTC is a day behind
    Beijing until 08:00), then escalate overdue case actions and missing mandatory reports."""
    scans = tuple(scan_every_organisation(_local(app, now).date()))
    return WarningRound(scans, escalate_all(now))


def send_due(now: dt.datetime) -> Round:
    """Escalate what is overdue (its messages go in this run), then plan and send every message due."""
    escalate_all(now)
    return run_once()


def _warnings(app: Flask, now: dt.datetime) -> str:
    return scan_and_escalate(app, now).summary


def _purge(app: Flask, now: dt.datetime) -> str:
    results = purge_expired(_local(app, now).date())
    return f"{sum(len(result.child_codes) for result in results)} children anonymised"


def _messages(app: Flask, now: dt.datetime) -> str:
    done = send_due(now)
    return f"{done.sent} sent, {done.retrying} to try again later, {done.failed} given up"


JOBS = (Job("backup", "PEIBAN_CRON_BACKUP", _backup), Job("warnings", "PEIBAN_CRON_WARNINGS", _warnings),
        Job("purge", "PEIBAN_CRON_PURGE", _purge), Job("messages", "PEIBAN_CRON_MESSAGES", _messages))


def _local(app: Flask, now: dt.datetime) -> dt.datetime:
    """``now`` in the schedule's time zone (PEIBAN_CRON_TIMEZONE)."""
    return now.astimezone(zoneinfo.ZoneInfo(app.config["PEIBAN_CRON_TIMEZONE"]))


def last_due(expression: str, now: dt.datetime) -> dt.datetime:
    """The latest time at or before ``now`` (aware, in the schedule's zone) that the cron expression names."""
    # croniter's previous time is strictly before its start: a second later makes `now` itself count.
    return croniter(expression, now + dt.timedelta(seconds=1)).get_prev(dt.datetime)


def read_state(path: Path) -> dict[str, dict[str, str]]:
    """The jobs' last runs from the state file (empty when there is none yet)."""
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CronError(f"{path} cannot be read ({exc}): fix or delete it (every job then runs once)") from None
    return state if isinstance(state, dict) else {}


def _write_state(path: Path, state: dict[str, dict[str, str]]) -> None:
    """Replace the state file in one step, so a crash leaves the old or the new one, never half."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(state, indent=1, sort_keys=True))
    os.replace(partial, path)


@contextlib.contextmanager
def _only_run(path: Path) -> Iterator[None]:
    """Hold a lock beside the state file for the run; CronError when another run holds it. (Windows' task
    scheduler does not start a task still running, so there it takes no lock.)"""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CronError("another flask cron is still running: this one did nothing") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_due(app: Flask, now: dt.datetime | None = None) -> tuple[JobRun, ...]:
    """Run every job that is due at ``now`` (UTC, default the clock), each after the last one whatever it did,
    and remember each run; what each job did, in order."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    path = Path(app.config["PEIBAN_CRON_STATE"])
    done = []
    with _only_run(path):
        state = read_state(path)
        for job in JOBS:
            expression = app.config[job.setting].strip()
            if not expression:
                done.append(JobRun(job.name, "off", f"{job.setting} is empty"))
                continue
            try:
                due = last_due(expression, _local(app, now))
            except (CroniterError, ValueError):
                done.append(JobRun(job.name, "failed", f"{job.setting}={expression!r} is not a cron expression"))
                continue
            last = state.get(job.name, {}).get("last_run")
            if last and dt.datetime.fromisoformat(last) >= due:
                following = croniter(expression, _local(app, now)).get_next(dt.datetime)
                done.append(JobRun(job.name, "not due", f"next at {following:%Y-%m-%d %H:%M %Z}"))
                continue
            done.append(_run(app, job, now))
            state[job.name] = {"last_run": now.isoformat(), "state": done[-1].state}
            _write_state(path, state)
    return tuple(done)


def _run(app: Flask, job: Job, now: dt.datetime) -> JobRun:
    """One job, its failure caught and logged: a job that fails must not keep the others from running."""
    try:
        detail = job.run(app, now)
    except Exception as exc:  # any failure of one job; the traceback goes to the log, the line says what
        db.session.rollback()
        log.exception("cron job %s failed", job.name)
        return JobRun(job.name, "failed", f"{type(exc).__name__}: {exc}")
    return JobRun(job.name, "ran", detail)
