"""The sender on the job queue: with REDIS_URL set, a commit that put messages in the outbox wakes an RQ job
(`flask message-worker` runs them) that sends them at once; cron's `flask send-messages` still puts the
time-bound ones (reminders, digests) in and catches up whatever the queue missed."""

from __future__ import annotations

import logging

from flask import Flask, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from scheduler_app.extensions import db, this_app
from scheduler_app.jobqueue import message_queue
from scheduler_app.messages.events import plan_due
from scheduler_app.messages.sender import Round, send_due

JOB_TIMEOUT_S = 900
RESULT_TTL_S = 600
log = logging.getLogger(__name__)


def run_once() -> Round:
    """Put the time-bound messages now due in the outbox, then send everything due."""
    plan_due()
    return send_due()


def send_job() -> dict[str, int]:
    """The RQ job: one run of the sender, in the message worker's app context (``flask message-worker`` pushes
    it; each forked work horse inherits it and opens connections of its own)."""
    db.engine.dispose(close=False)  # the parent's connections are not this process's to use
    try:
        done = run_once()
    finally:
        db.session.remove()
    return {"sent": done.sent, "retrying": done.retrying, "failed": done.failed}


def _wake(session: Session) -> None:
    """After a commit that put messages in: queue a sender job when there is a job queue (a Redis that does not
    answer only delays them till cron's next run)."""
    if not session.info.pop("messages_put", False) or not has_app_context():
        return
    app: Flask = this_app()
    if not app.config["REDIS_URL"]:
        return
    try:
        message_queue(app).enqueue(send_job, job_timeout=JOB_TIMEOUT_S, result_ttl=RESULT_TTL_S)
    except RedisError as exc:
        log.warning("messages not queued for sending (cron will send them): %s", exc)


def _forget(session: Session) -> None:
    session.info.pop("messages_put", None)  # rolled back: nothing was put in


def init_app(_app: Flask) -> None:
    """Listen for commits that put messages in the outbox (once per process: the session is shared)."""
    if not event.contains(db.session, "after_commit", _wake):
        event.listen(db.session, "after_commit", _wake)
        event.listen(db.session, "after_rollback", _forget)
