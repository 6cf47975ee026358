"""The job queues on Redis (REDIS_URL): the solve queue that ``flask solve-worker`` takes jobs from, shared by the
rosters' solves and the week's call plan, the message queue of ``flask message-worker``, and what every job does
first in its forked work horse. Every part of the app that needs a queue (to enqueue, count or probe) gets it here."""

from __future__ import annotations

from flask import Flask
from redis import Redis
from rq import Queue

from scheduler_app.extensions import db, this_app


def solve_queue(app: Flask, connection: Redis | None = None) -> Queue:
    """The RQ queue solves go to, on the configured Redis (or on ``connection``: a probe's, with short timeouts)."""
    return _queue(app, "PEIBAN_SOLVE_QUEUE", connection)


def message_queue(app: Flask, connection: Redis | None = None) -> Queue:
    """The RQ queue the message sender's jobs go to, on the configured Redis (or on ``connection``)."""
    return _queue(app, "PEIBAN_MESSAGE_QUEUE", connection)


def _queue(app: Flask, setting: str, connection: Redis | None) -> Queue:
    return Queue(app.config[setting], connection=connection or Redis.from_url(app.config["REDIS_URL"]))


def worker_app() -> Flask:
    """A solve worker's app, in the forked work horse: its connections are the parent's, so drop them (without
    closing what the parent may still use) and open new ones."""
    app: Flask = this_app()
    db.engine.dispose(close=False)
    return app
