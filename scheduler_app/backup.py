"""Backing up and restoring the embedded SQLite database: SQLite's online backup, then an integrity check.

The online backup API copies a consistent snapshot while the app keeps writing (WAL readers never block
writers), so a backup can run from cron on a live server. PostgreSQL deployments use pg_dump instead
(README, "Backups").
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

# Copy every page in one step, inside one read transaction: in WAL mode writers go on meanwhile, and the copy
# is the snapshot at its start. (In several steps, SQLite restarts the copy whenever another connection writes,
# so under steady writes it might never finish.)
BACKUP_PAGES_PER_STEP = -1
BACKUP_PAUSE_S = 0.0
RESTORE_LOCK_WAIT_S = 60  # a restore waits this long for the running app's write to end


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why and nothing was replaced."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore wrote."""

    path: Path
    size_bytes: int
    tables: int
    rows: int


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; BackupError for another database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("flask backup copies a SQLite database file; for PostgreSQL use pg_dump (README)")
    return Path(url.database)


def default_target(database: Path, now: dt.datetime | None = None) -> Path:
    """backups/peiban-YYYYmmdd-HHMMSS.sqlite3 beside the database."""
    now = now or dt.datetime.now(dt.UTC)
    return database.parent / "backups" / f"peiban-{now:%Y%m%d-%H%M%S}.sqlite3"


def check(path: Path) -> tuple[int, int]:
    """PRAGMA integrity_check on a database file; its table and row counts. BackupError if it is damaged."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchall()
            tables = [name for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            # Table names come from sqlite_master itself, quoted.
            rows = sum(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                       for name in tables)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    if verdict != [("ok",)]:
        raise BackupError(f"{path} failed the integrity check: {verdict[:3]}")
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Peiban database (no alembic_version table)")
    return len(tables), rows


def backup(database: Path, target: Path) -> BackupResult:
    """Copy the live database to ``target`` with the online backup API and check the copy; the copy is written
    beside the target first, so a failed backup never leaves a half file under the target's name."""
    if not database.is_file():
        raise BackupError(f"{database} does not exist")
    if target.exists():
        raise BackupError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _copy(database, partial)
    try:
        tables, rows = check(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, tables, rows)


def _copy(database: Path, target: Path) -> None:
    """A consistent copy of a live database (its WAL included) through SQLite's online backup."""
    target.unlink(missing_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private before a byte is in it
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=BACKUP_PAGES_PER_STEP, sleep=BACKUP_PAUSE_S)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def restore(source: Path, database: Path) -> BackupResult:
    """Replace the database's contents with a checked backup, through SQLite's online backup API into the live
    file: the copy takes the database's own write lock, so an app or worker still running waits for it and then
    goes on with the restored database (a file swapped under it would take every later save to the unlinked
    old file). The old contents are kept as <name>.before-restore."""
    tables, rows = check(source)
    database.parent.mkdir(parents=True, exist_ok=True)
    if not database.exists():  # nothing is open on a database that is not there: a plain copy will do
        _copy(source, database)
        return BackupResult(database, database.stat().st_size, tables, rows)
    _copy(database, database.with_name(database.name + ".before-restore"))
    backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(database, timeout=RESTORE_LOCK_WAIT_S)
    try:
        backup_copy.backup(live)  # one step, under the live database's write lock
    except sqlite3.Error as exc:
        raise BackupError(f"{database} could not be restored ({exc}); nothing was replaced") from None
    finally:
        live.close()
        backup_copy.close()
    check(database)
    return BackupResult(database, database.stat().st_size, tables, rows)
