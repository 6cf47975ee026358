"""Engine set-up per backend (SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE), and the
commit that turns a lost race on a versioned row into the caller's own error."""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app.extensions import db


def commit_or_raise(error: Exception) -> None:
    """Commit the session; if another writer changed a versioned row meanwhile, roll back and raise
    ``error`` (which says, in the user's words, that nothing was saved)."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise error from None


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Apply SQLAlchemy's pysqlite recipe so concurrent writers wait instead of losing updates.

    pysqlite's own transaction handling starts transactions lazily with a deferred BEGIN; two
    such transactions can both read, then one fails or overwrites on write.  We take control
    of BEGIN ourselves and start every transaction with BEGIN IMMEDIATE, which takes the write
    lock up front; the busy timeout makes the second writer wait for it.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001 - DBAPI objects
        dbapi_connection.isolation_level = None  # stop pysqlite from emitting its own BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; durable at checkpoints
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        connection.exec_driver_sql("BEGIN IMMEDIATE")
