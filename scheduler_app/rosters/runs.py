"""A solve run's life in the database: recorded as queued, claimed by whoever solves it, kept alive by heartbeats,
ended once with a ``SolveOutcome`` (a new draft roster in the same transaction on success), or marked abandoned
when its heartbeat stops. How the solving itself happens is the runners' business (``rosters.runners``).

A run whose heartbeat stops (its process was killed with the web server or the worker) is marked abandoned when
someone next looks at the week, and the week can be generated again; a failed or killed solve leaves the week's
rosters exactly as they were.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import CursorResult

from scheduler_app.extensions import db
from scheduler_app.models import Ending, RunState, SolveRun, Week, as_utc, utcnow
from scheduler_app.rosters.outcome import SolveOutcome
from scheduler_app.rosters.services import store_roster
from scheduler_app.solver_text import say_stored

TIME_LIMITS = (10, 30, 60, 120)
DEFAULT_TIME_LIMIT = 30
ACTIVE = (RunState.QUEUED, RunState.RUNNING)


class RunInProgressError(RuntimeError):
    """The week already has a solve queued or running."""


def latest_run(week: Week | None) -> SolveRun | None:
    """The week's newest solve run, after marking it abandoned if its heartbeat stopped."""
    if week is None:
        return None
    run = db.session.execute(db.select(SolveRun).where(SolveRun.week_id == week.id)
                             .order_by(SolveRun.id.desc()).limit(1)).scalar_one_or_none()
    if run is not None and run.state in ACTIVE and _stale(run):
        _store(run, SolveOutcome.ended(Ending.ABANDONED if run.state == RunState.RUNNING else Ending.UNCLAIMED))
        db.session.commit()
    return run


def run_message(run: SolveRun) -> str:
    """Why a run ended as it did, in the user's language ("" when it succeeded)."""
    return say_stored(run.reason, "") if run.reason else ""


def seconds_since(moment: dt.datetime) -> float:
    """Seconds from a stored time to now."""
    return (utcnow() - as_utc(moment)).total_seconds()


def _stale(run: SolveRun) -> bool:
    """A running solve's heartbeat stopped, or a queued one waited too long for a worker."""
    config = current_app.config
    if run.state == RunState.QUEUED:
        return seconds_since(run.created_at) > config["PEIBAN_QUEUE_WAIT_SECONDS"]
    # A split run's parts may wait in the queue behind other solves, beating no heart meanwhile.
    limit = config["PEIBAN_QUEUE_WAIT_SECONDS"] if run.parts else config["PEIBAN_STALE_SECONDS"]
    return seconds_since(run.heartbeat_at or run.created_at) > limit


def claim(run_id: int, parts: int | None = None) -> bool:
    """Mark a queued run running (with the number of parts it is split into), unless it is no longer queued (one
    abandoned while it waited is never solved late)."""
    update = (db.update(SolveRun).where(SolveRun.id == run_id, SolveRun.state == RunState.QUEUED)
              .values(state=RunState.RUNNING, started_at=utcnow(), heartbeat_at=utcnow(), parts=parts))
    claimed = cast("CursorResult[Any]", db.session.execute(update))  # an UPDATE's result
    db.session.commit()
    return claimed.rowcount == 1


def finish(app: Flask, run_id: int, instance: dict[str, Any], outcome: SolveOutcome) -> None:
    """End a running run with its outcome: on success the roster is stored as a new draft in the same transaction.
    A run no longer running (marked abandoned meanwhile, and perhaps generated again) is left as it is."""
    run = db.session.get(SolveRun, run_id)
    if run is None or run.state != RunState.RUNNING:
        app.logger.warning("solve run %s ended after it was given up; its result is dropped", run_id)
        return
    try:
        if outcome.roster is not None:  # a succeeded outcome always has one
            roster = store_roster(run.week, instance, outcome.roster, run.requested_by_id, carry_from=run.replan_of,
                                  reasons=outcome.reasons)
            run.roster_id, run.best_shortfall = roster.id, roster.stats.get("shortfall")
        _store(run, outcome)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        app.logger.exception("storing the roster of run %s failed", run_id)
        _store(db.session.get_one(SolveRun, run_id), failed(exc))
        db.session.commit()


def give_up(run_id: int, outcome: SolveOutcome) -> None:
    """End a run that was never claimed (its queue did not answer) with this outcome."""
    _store(db.session.get_one(SolveRun, run_id), outcome)
    db.session.commit()


def failed(exc: Exception) -> SolveOutcome:
    """The outcome of an unexpected error, with the exception as its detail."""
    return SolveOutcome.ended(Ending.ERROR, f"{exc.__class__.__name__}: {exc}")


def _store(run: SolveRun, outcome: SolveOutcome) -> None:
    """Write an outcome's state, ending and reason into the run's columns (the roster is stored by ``finish``)."""
    run.state, run.finished_at = outcome.state, utcnow()
    run.ending = outcome.ending
    run.reason = outcome.reason.to_json() if outcome.reason is not None else None
