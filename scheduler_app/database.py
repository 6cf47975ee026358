"""Engine set-up per backend (SQLite gets WAL, a busy timeout, foreign keys, and write transactions that take
the write lock up front), and the commit that turns a lost race on a versioned row into the caller's own
error."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Protocol, TypeVar

from flask import has_request_context, request
from sqlalchemy import Engine, Select, event, func
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app.extensions import db


class _OfAnOrganisation(Protocol):
    organisation_id: Any  # a Mapped[int] column on each model


Record = TypeVar("Record", bound=_OfAnOrganisation)


def owned(model: type[Record], organisation_id: int, record_id: int) -> Record | None:
    """One of the organisation's records of ``model``, or None: another organisation's id is treated as missing."""
    record = db.session.get(model, record_id)
    return record if record is not None and record.organisation_id == organisation_id else None


def paged(stmt: Select, page: int, size: int) -> tuple[list[Any], int, int, int]:
    """One page of an ordered query: its rows, the total count, the page shown (clamped to 1..pages) and the
    number of pages (at least 1)."""
    total = db.session.execute(db.select(func.count()).select_from(stmt.subquery())).scalar_one()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = list(db.session.execute(stmt.limit(size).offset((page - 1) * size)).scalars())
    return rows, total, page, pages


def commit_or_raise(error: Exception) -> None:
    """Commit the session; if another writer changed a versioned row meanwhile, roll back and raise
    ``error`` (which says, in the user's words, that nothing was saved)."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise error from None


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
DEFERRED = "peiban_deferred"  # connection.info key: this transaction began as a reader
_reading_first: ContextVar[bool] = ContextVar("peiban_reading_first", default=False)


@contextlib.contextmanager
def reading_first() -> Iterator[None]:
    """Within it, a new transaction begins as a reader and takes SQLite's write lock only at its first write,
    as a page does: for a long read-and-check (an import parsing and checking a county's children) that must
    not keep every other save waiting. The transaction open at the start is ended first (it must not have
    written anything). What was read may change before the write: the rows written are versioned (a stale
    one raises StaleDataError) and natural keys unique (a clash raises IntegrityError), so the caller
    refuses rather than overwrites."""
    db.session.commit()
    token = _reading_first.set(True)
    try:
        yield
    finally:
        _reading_first.reset(token)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Apply SQLAlchemy's pysqlite recipe so concurrent writers wait instead of losing updates.

    pysqlite's own transaction handling starts transactions lazily with a deferred BEGIN; two
    such transactions can both read, then one fails or overwrites on write.  We take control
    of BEGIN ourselves: a form post, a background job or a command starts with BEGIN IMMEDIATE,
    which takes the write lock up front; the busy timeout makes the second writer wait for it.

    A page request (GET) starts as a reader (plain BEGIN): in WAL mode readers never wait for
    the writer, so pages do not queue behind each other for the one write lock. When such a
    page writes after all (an audit entry, a warning scan), its transaction is restarted as
    BEGIN IMMEDIATE just before the first write: upgrading inside the read snapshot would fail
    at once whenever someone wrote since, while a fresh BEGIN IMMEDIATE waits its turn.
    Versioned rows still refuse an update based on a stale read (StaleDataError).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # DBAPI objects
        dbapi_connection.isolation_level = None  # stop pysqlite from emitting its own BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        private(engine.url.database)
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; durable at checkpoints
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        reader = _reading_first.get() or (has_request_context() and request.method in READ_ONLY_METHODS)
        connection.info[DEFERRED] = reader
        connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection, cursor, statement, _parameters, _context, _executemany):
        if connection.info.get(DEFERRED) and statement.lstrip()[:7].upper().startswith(WRITE_STATEMENTS):
            connection.info[DEFERRED] = False
            cursor.execute("COMMIT")  # the read snapshot held no lock and wrote nothing
            cursor.execute("BEGIN IMMEDIATE")


def private(database: str | None) -> None:
    """Make a SQLite database file, and its -wal and -shm beside it, readable by its owner only (0600): it
    holds children's records, and SQLite creates it with the process's umask (0644 for every local user)."""
    if not database or database == ":memory:":
        return
    for path in (Path(database), Path(f"{database}-wal"), Path(f"{database}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
