"""The solve queue on Redis (REDIS_URL) that ``flask solve-worker`` takes jobs from, shared by the rosters' solves
and the week's call plan, and what every job there does first in its forked work horse."""

from __future__ import annotations

from flask import Flask
from redis import Redis
from rq import Queue

from scheduler_app.extensions import db, this_app


def solve_queue(app: Flask) -> Queue:
    """The RQ queue solves go to, on the configured Redis."""
    return Queue(app.config["PEIBAN_SOLVE_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


def worker_app() -> Flask:
    """A solve worker's app, in the forked work horse: its connections are the parent's, so drop them (without
    closing what the parent may still use) and open new ones."""
    app: Flask = this_app()
    db.engine.dispose(close=False)
    return app
