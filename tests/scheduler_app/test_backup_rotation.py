"""Backups of either database: rotation (with a fake clock), encryption to an age key and restoring with it,
and --verify restoring into a temporary database and counting rows per table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyrage import x25519

from scheduler_app.backup import Retention, backups_in, to_keep
from scheduler_app.extensions import db
from scheduler_app.models import Organisation
from scheduler_app.operations.cron import run_due

START = dt.datetime(2025, 1, 1, 18, 15, tzinfo=dt.UTC)  # 02:15 in Shanghai, when the backup job is due


@pytest.fixture
def backups(app, tmp_path: Path) -> Path:
    """The app's backup folder and cron state in the test's own folder; only the backup job scheduled."""
    folder = tmp_path / "backups"
    app.config.update(PEIBAN_BACKUP_DIR=str(folder), PEIBAN_CRON_STATE=str(tmp_path / "cron.json"),
                      PEIBAN_CRON_WARNINGS="", PEIBAN_CRON_PURGE="", PEIBAN_CRON_MESSAGES="")
    return folder


def _key(tmp_path: Path) -> tuple[x25519.Identity, Path]:
    identity = x25519.Identity.generate()
    path = tmp_path / "key.txt"
    path.write_text(f"# created: now\n# public key: {identity.to_public()}\n{identity}\n")
    return identity, path


def _org_names() -> set[str]:
    """The organisations' names, read in a transaction ended at once (on SQLite it would hold the write lock a
    restore waits for)."""
    db.session.rollback()
    names = set(db.session.execute(db.select(Organisation.name)).scalars())
    db.session.rollback()
    return names


def test_rotation_keeps_7_daily_4_weekly_12_monthly_by_default() -> None:
    """Of two backups a day from 2025-01-01 to Friday 2026-05-15, the defaults keep the later one of the last 7
    days, of the last 4 ISO weeks (Sundays before) and of the last 12 months (their last days): 20 in all."""
    times = [START + dt.timedelta(days=day, hours=hour) for day in range(500) for hour in (0, 3)]
    assert max(times).date() == dt.date(2026, 5, 15)
    daily = [dt.date(2026, 5, day) for day in range(9, 16)]
    weekly = [dt.date(2026, 5, 10), dt.date(2026, 5, 3), dt.date(2026, 4, 26)]
    monthly = [dt.date(2026, 4, 30), dt.date(2026, 3, 31), dt.date(2026, 2, 28), dt.date(2026, 1, 31),
               dt.date(2025, 12, 31), dt.date(2025, 11, 30), dt.date(2025, 10, 31), dt.date(2025, 9, 30),
               dt.date(2025, 8, 31), dt.date(2025, 7, 31), dt.date(2025, 6, 30)]
    expected = {dt.datetime.combine(day, dt.time(21, 15), dt.UTC) for day in daily + weekly + monthly}
    assert to_keep(times, Retention()) == expected
    assert len(expected) == 20


def test_rotation_under_cron_with_a_fake_clock_deletes_all_but_the_kept(app, backups: Path) -> None:
    """`flask cron` run every six hours of a fake clock for 40 days takes one backup a day (its schedule) and, with
    the retention set to 3 daily, 2 weekly and 2 monthly, leaves exactly those files."""
    app.config.update(PEIBAN_BACKUP_KEEP_DAILY=3, PEIBAN_BACKUP_KEEP_WEEKLY=2, PEIBAN_BACKUP_KEEP_MONTHLY=2)
    ran = 0
    for hour in range(0, 40 * 24, 6):
        done = run_due(app, START + dt.timedelta(hours=hour))
        ran += sum(1 for job in done if job.job == "backup" and job.state == "ran")
    assert ran == 40
    times = [when for when, _ in backups_in(backups)]
    last = START + dt.timedelta(days=39)
    assert times[:3] == [last, last - dt.timedelta(days=1), last - dt.timedelta(days=2)]
    assert set(times) == to_keep([START + dt.timedelta(days=day) for day in range(40)], Retention(3, 2, 2))
    assert len(times) < 3 + 2 + 2


def test_an_encrypted_backup_is_restored_with_its_key(app, backups: Path, make_org, tmp_path: Path) -> None:
    """With PEIBAN_BACKUP_AGE_RECIPIENT set the backup is an .age file that is not readable as a database;
    restore refuses it without the key and with a wrong one, and with its key brings back what was backed up."""
    identity, key_file = _key(tmp_path)
    _, wrong_key = _key(tmp_path / "other") if (tmp_path / "other").mkdir() is None else (None, None)
    app.config["PEIBAN_BACKUP_AGE_RECIPIENT"] = str(identity.to_public())
    make_org("Kept in the backup")
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    (_, path), = backups_in(backups)
    assert path.name.endswith(".age")
    head = path.read_bytes()[:40]
    assert head.startswith(b"age-encryption.org/v1")
    assert b"SQLite format" not in head and b"PGDMP" not in head
    make_org("Made after the backup")

    refused = runner.invoke(args=["restore", str(path), "--yes"])
    assert refused.exit_code != 0 and "--identity" in refused.output
    wrong = runner.invoke(args=["restore", str(path), "--yes", "--identity", str(wrong_key)])
    assert wrong.exit_code != 0 and "cannot be decrypted" in wrong.output
    assert _org_names() == {"Kept in the backup", "Made after the backup"}

    restored = runner.invoke(args=["restore", str(path), "--yes", "--identity", str(key_file)])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    db.engine.dispose()
    assert _org_names() == {"Kept in the backup"}


def test_backup_verify_restores_into_a_temporary_database_and_counts_rows(app, backups: Path, make_org,
                                                                         tmp_path: Path) -> None:
    """`flask backup --verify` (encrypted here, so with --identity) restores the new backup elsewhere and counts
    each table's rows; the live database is not touched; verify-backup does the same for a file."""
    identity, key_file = _key(tmp_path)
    app.config["PEIBAN_BACKUP_AGE_RECIPIENT"] = str(identity.to_public())
    make_org("One")
    make_org("Two")
    runner = app.test_cli_runner()
    done = runner.invoke(args=["backup", "--verify", "--identity", str(key_file)])
    assert done.exit_code == 0, done.output
    assert "  organisation: 2\n" in done.output
    assert "  alembic_version: 1\n" in done.output
    assert "Verified peiban-" in done.output
    (_, path), = backups_in(backups)
    again = runner.invoke(args=["verify-backup", str(path), "--identity", str(key_file)])
    assert again.exit_code == 0, again.output
    assert "  organisation: 2\n" in again.output
    assert _org_names() == {"One", "Two"}


def test_a_wrong_age_key_is_refused_before_anything_is_written(app, backups: Path) -> None:
    """A PEIBAN_BACKUP_AGE_RECIPIENT that is not an age public key is named, and no file is left."""
    app.config["PEIBAN_BACKUP_AGE_RECIPIENT"] = "ssh-rsa not-an-age-key"
    done = app.test_cli_runner().invoke(args=["backup"])
    assert done.exit_code != 0
    assert "PEIBAN_BACKUP_AGE_RECIPIENT is not an age public key" in done.output
    assert not backups.exists() or not any(backups.iterdir())
