"""Backups of the SQLite database: taken while the app writes, checked, and restored with every committed row."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from scheduler_app.backup import BackupError, backup, check, sqlite_path
from scheduler_app.extensions import db

WRITES_BEFORE_BACKUP = 200


def _sqlite_only(app) -> Path:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("flask backup copies SQLite files; PostgreSQL is backed up with pg_dump")
    return sqlite_path(url)


class Writer(threading.Thread):
    """Commits one row at a time into login_failure through its own connection, as a busy server would, and
    remembers the id of every committed row in order."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database, self.committed, self.stop, self.error = database, [], threading.Event(), None

    def run(self) -> None:
        connection = sqlite3.connect(self.database, timeout=30)
        try:
            while not self.stop.is_set():
                cursor = connection.execute(
                    "INSERT INTO login_failure (username, failed_at) VALUES (?, datetime('now'))", ("load",))
                connection.commit()
                self.committed.append(cursor.lastrowid)
        except sqlite3.Error as exc:  # the test reports it
            self.error = exc
        finally:
            connection.close()


def test_a_backup_under_write_load_restores_every_committed_row(app, tmp_path) -> None:
    """While another connection commits rows without pause, `flask backup` copies the database; the copy passes
    the integrity check, and after `flask restore` it holds every row committed before the backup began and
    only rows that were committed."""
    database = _sqlite_only(app)
    runner = app.test_cli_runner()
    writer = Writer(database)
    writer.start()
    while len(writer.committed) < WRITES_BEFORE_BACKUP and writer.is_alive():
        time.sleep(0.01)
    before = list(writer.committed)
    target = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", "--to", str(target)])
    time.sleep(0.2)  # the writer goes on after the backup
    writer.stop.set()
    writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert "Backup written and checked" in result.output
    after = list(writer.committed)
    assert len(after) > len(before)

    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    connection = sqlite3.connect(database)
    ids = {row_id for (row_id,) in connection.execute("SELECT id FROM login_failure")}
    connection.close()
    assert set(before) <= ids <= set(after)
    assert Path(f"{database}.before-restore").exists()
    print(f"backup under load: {len(before)} rows committed before, {len(ids)} in the backup, "
          f"{len(after)} committed in all")


def test_restore_refuses_a_damaged_file_and_changes_nothing(app, tmp_path) -> None:
    """A file that is not a sound Peiban database is refused by the check, and the database stays as it was."""
    database = _sqlite_only(app)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    before = database.read_bytes()
    result = app.test_cli_runner().invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code != 0 and "not a readable SQLite database" in result.output
    assert database.read_bytes() == before
    with pytest.raises(BackupError, match="does not exist"):
        check(tmp_path / "missing.sqlite3")


def test_a_save_made_by_a_running_app_after_a_restore_is_kept(app, tmp_path) -> None:
    """A restore while the app runs: a connection the app opened before the restore (kept in its pool) sees the
    restored contents afterwards, and what it saves then is in the database, not in a replaced old file."""
    database = _sqlite_only(app)
    runner = app.test_cli_runner()
    target = tmp_path / "backup.sqlite3"
    assert runner.invoke(args=["backup", "--to", str(target)]).exit_code == 0
    running = sqlite3.connect(database, timeout=30)
    running.execute("INSERT INTO login_failure (username, failed_at) VALUES ('after-backup', datetime('now'))")
    running.commit()
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert running.execute("SELECT count(*) FROM login_failure WHERE username = 'after-backup'").fetchone() == (0,)
    running.execute("INSERT INTO login_failure (username, failed_at) VALUES ('after-restore', datetime('now'))")
    running.commit()
    running.close()
    fresh = sqlite3.connect(database)
    names = {name for (name,) in fresh.execute("SELECT username FROM login_failure")}
    fresh.close()
    assert "after-restore" in names and "after-backup" not in names


def test_restore_asks_for_confirmation(app, tmp_path) -> None:
    """Without --yes, restore only says what it will replace."""
    _sqlite_only(app)
    result = app.test_cli_runner().invoke(args=["restore", __file__])
    assert result.exit_code == 2 and "--yes" in result.output


def test_the_database_and_its_backups_are_private_to_their_owner(app, tmp_path: Path) -> None:
    """Once the app has used its SQLite file, the file (and its WAL) is 0600 and a backup is 0600 from its first
    byte: other local users cannot read children's records. The instance folder is 0700."""
    database = _sqlite_only(app)
    database.chmod(0o644)  # as SQLite creates it under a common umask
    with app.app_context():
        db.engine.dispose()
        db.session.execute(db.text("SELECT 1"))
        db.session.commit()
    assert database.stat().st_mode & 0o777 == 0o600
    copy = backup(database, tmp_path / "copy.sqlite3")
    assert copy.path.stat().st_mode & 0o777 == 0o600
    assert Path(app.instance_path).stat().st_mode & 0o777 == 0o700
