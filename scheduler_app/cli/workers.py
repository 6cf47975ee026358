"""Commands that run background workers on Redis (REDIS_URL): solve-worker, message-worker."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from rq import Queue, Worker

from scheduler_app.extensions import db
from scheduler_app.jobqueue import message_queue, solve_queue

NO_REDIS = "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) for the web app and the workers."


def _work(queue_of: Callable[[Flask], Queue], burst: bool) -> None:
    """Run an RQ worker on the app's queue. The jobs run in this app's context, which each forked work horse
    inherits; the horse opens connections of its own (rosters.runners, messages.jobs)."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError(NO_REDIS)
    queue = queue_of(current_app)
    db.engine.dispose()  # the parent's connections stay the parent's
    Worker([queue], connection=queue.connection).work(burst=burst, logging_level="WARNING")


@click.command("solve-worker")
@click.option("--burst", is_flag=True, help="Solve what is queued, then stop.")
@with_appcontext
def solve_worker(burst: bool) -> None:
    """Take solves (rosters, the week's call plans) from the Redis queue and run them (REDIS_URL); start one per
    core you can give."""
    _work(solve_queue, burst)


@click.command("message-worker")
@click.option("--burst", is_flag=True, help="Send what is queued, then stop.")
@with_appcontext
def message_worker(burst: bool) -> None:
    """Take sender jobs from the Redis queue (REDIS_URL): messages go out as soon as they are put in."""
    _work(message_queue, burst)


COMMANDS = (solve_worker, message_worker)
