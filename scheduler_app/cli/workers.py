"""Commands that run background workers on Redis (REDIS_URL): solve-worker, message-worker."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import Worker

from scheduler_app.extensions import db
from scheduler_app.messages.jobs import message_queue
from scheduler_app.rosters.runners import solve_queue

NO_REDIS = "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) for the web app and the workers."


@click.command("solve-worker")
@click.option("--burst", is_flag=True, help="Solve what is queued, then stop.")
@with_appcontext
def solve_worker(burst: bool) -> None:
    """Take solves from the Redis queue and run them (REDIS_URL); start one per core you can give."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError(NO_REDIS)
    queue = solve_queue(current_app)
    db.engine.dispose()  # each forked work horse opens connections of its own
    # The jobs run in this app's context, which each forked work horse inherits (rosters.runners).
    Worker([queue], connection=queue.connection).work(burst=burst, logging_level="WARNING")


@click.command("message-worker")
@click.option("--burst", is_flag=True, help="Send what is queued, then stop.")
@with_appcontext
def message_worker(burst: bool) -> None:
    """Take sender jobs from the Redis queue (REDIS_URL): messages go out as soon as they are put in."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError(NO_REDIS)
    queue = message_queue(current_app)
    db.engine.dispose()  # each forked work horse opens connections of its own
    Worker([queue], connection=queue.connection).work(burst=burst, logging_level="WARNING")


COMMANDS = (solve_worker, message_worker)
