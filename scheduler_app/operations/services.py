"""Readiness checks: the database, its migrations, the compiled translations, Redis and the solve workers.

Each check returns a ``Check`` whose detail is safe to show anyone: a revision id, a count, an exception's class
name, never a URL (it may hold a password), a host name or a path.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from scheduler_app.extensions import db
from scheduler_app.jobqueue import solve_queue

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = PROJECT_ROOT / "migrations"
# The catalogue the default language (zh_CN) is read from; without it every page would be in English.
ZH_CATALOGUE = Path(__file__).resolve().parents[1] / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo"
REDIS_TIMEOUT_S = 2.0  # a probe must answer quickly even when Redis hangs rather than refuses


@dataclass(frozen=True)
class Check:
    """One readiness check's outcome: its name, whether it passed and a detail that reveals nothing private."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    """Every check run for /readyz, and the names of those that failed."""

    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        """Whether every check passed."""
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[str]:
        """The names of the checks that failed."""
        return [check.name for check in self.checks if not check.ok]


def readiness(app: Flask) -> Readiness:
    """Run the checks; Redis and the workers only when REDIS_URL is set (else solves run in the web process)."""
    database = check_database()
    checks = [database, check_migrations() if database.ok else Check("migrations", False, "database unreachable"),
              check_translations()]
    if app.config["REDIS_URL"]:
        redis_check, workers = check_redis_and_workers(app)
        checks += [redis_check, workers]
    return Readiness(tuple(checks))


def check_database() -> Check:
    """The database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return Check("database", False, f"unreachable ({type(exc).__name__})")
    # End the probe's transaction: outside a request (flask doctor) SQLite begins it as a writer, and the
    # migrations check's own connection would wait for its lock.
    db.session.rollback()
    return Check("database", True, "reachable")


@functools.cache
def migration_heads(directory: Path = MIGRATIONS) -> frozenset[str]:
    """The head revisions of the migrations folder (read once: it changes only with a new deployment)."""
    return frozenset(ScriptDirectory(str(directory)).get_heads())


def check_migrations() -> Check:
    """The database's alembic revision is the migrations folder's head (a deployment forgot no ``flask db
    upgrade``)."""
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        return Check("migrations", False, f"revision unreadable ({type(exc).__name__})")
    heads = migration_heads()
    if current == heads:
        return Check("migrations", True, f"at head {', '.join(sorted(heads))}")
    return Check("migrations", False, f"database at {', '.join(sorted(current)) or 'no revision'}, "
                                      f"head is {', '.join(sorted(heads))}")


def check_translations(catalogue: Path | None = None) -> Check:
    """The Chinese catalogue is compiled (``pybabel compile``; the .mo files are not in git)."""
    if (catalogue or ZH_CATALOGUE).is_file():
        return Check("translations", True, "compiled")
    return Check("translations", False, "zh catalogue not compiled (run pybabel compile)")


def redis_connection(app: Flask) -> Redis:
    """A connection to the configured Redis with short timeouts, for probes and scrapes."""
    return Redis.from_url(app.config["REDIS_URL"], socket_timeout=REDIS_TIMEOUT_S,
                          socket_connect_timeout=REDIS_TIMEOUT_S)


def check_redis_and_workers(app: Flask) -> tuple[Check, Check]:
    """Redis answers, and at least one solve worker (``flask solve-worker``) is registered on the solve queue."""
    connection = redis_connection(app)
    try:
        connection.ping()
        workers = Worker.count(queue=solve_queue(app, connection))
    except RedisError as exc:
        return (Check("redis", False, f"unreachable ({type(exc).__name__})"),
                Check("solve_workers", False, "redis unreachable"))
    finally:
        connection.close()
    return (Check("redis", True, "reachable"),
            Check("solve_workers", workers > 0, f"{workers} registered"))
