"""Commands for the database itself: prepare (migrate), backup, verify-backup and restore (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from scheduler_app.backup import (
    BackupError,
    BackupResult,
    Verification,
    backup,
    backup_and_rotate,
    encrypt,
    is_postgresql,
    pg_dump,
    pg_restore,
    readable,
    restore,
    sqlite_path,
)
from scheduler_app.backup import verify as verify_backup
from scheduler_app.extensions import db
from scheduler_app.models import Organisation


def database_is_empty() -> bool:
    """True when no organisation exists yet."""
    return db.session.execute(db.select(Organisation.id).limit(1)).first() is None


@click.command("prepare")
@with_appcontext
def prepare() -> None:
    """Bring the schema up to date with the migrations (the demo data too: ``python -m seed prepare``)."""
    upgrade()
    click.echo("Database ready.")


IDENTITY = click.option("--identity", "identity_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                        default=None, help="The age identity file (secret key) of an encrypted (.age) backup.")


def _echo_verification(verification: Verification) -> None:
    """One line per table with its rows, then the total."""
    for name, rows in verification.rows_per_table.items():
        click.echo(f"  {name}: {rows}")
    click.echo(f"Verified {verification.path.name}: restored into a temporary database, "
               f"{len(verification.rows_per_table)} tables, {verification.rows} rows")


@click.command("backup")
@click.option("--to", "target", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The backup file (default: PEIBAN_BACKUP_DIR/peiban-<UTC time>.sqlite3 or .dump, then the "
                   "folder is rotated).")
@click.option("--verify", is_flag=True, help="Then restore the backup into a temporary database and count its "
                                             "rows per table.")
@IDENTITY
@with_appcontext
def backup_command(target: Path | None, verify: bool, identity_file: Path | None) -> None:
    """Back up the live database (SQLite's online backup, or pg_dump), check the copy, encrypt it to
    PEIBAN_BACKUP_AGE_RECIPIENT when set and rotate the backup folder (safe while the app runs)."""
    config = current_app.config
    url = config["SQLALCHEMY_DATABASE_URI"]
    try:
        if target is None:
            done = backup_and_rotate(config)
            result = done.result
        else:
            result = pg_dump(url, target) if is_postgresql(url) else backup(sqlite_path(url), target)
            if config["PEIBAN_BACKUP_AGE_RECIPIENT"]:
                result = BackupResult(encrypt(result.path, config["PEIBAN_BACKUP_AGE_RECIPIENT"]), 0,
                                      result.tables, result.rows)
        rows = "" if result.rows is None else f", {result.rows} rows"
        click.echo(f"Backup written and checked: {result.path} ({result.path.stat().st_size} bytes, "
                   f"{result.tables} tables{rows})")
        if target is None:
            for path in done.removed:
                click.echo(f"Rotated out: {path.name}")
        if verify:
            _echo_verification(verify_backup(result.path, url, identity_file))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("verify-backup")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@IDENTITY
@with_appcontext
def verify_backup_command(source: Path, identity_file: Path | None) -> None:
    """Restore a backup into a temporary database (never the live one) and count its rows per table."""
    try:
        _echo_verification(verify_backup(source, current_app.config["SQLALCHEMY_DATABASE_URI"], identity_file))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm: everything saved since the backup is replaced.")
@IDENTITY
@with_appcontext
def restore_command(source: Path, yes: bool, identity_file: Path | None) -> None:
    """Replace the database's contents with a checked backup: a SQLite copy (the app may keep running: it waits
    for the restore, then goes on with the restored contents) or a pg_dump file, in one transaction."""
    if not yes:
        raise click.UsageError("Everything saved since the backup will be replaced (the current contents are "
                               "kept as <database>.before-restore): run again with --yes.")
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        db.engine.dispose()  # this command's own connections must not hold the old contents
        with readable(source, identity_file) as plain:
            if plain.name.endswith(".dump"):
                if not is_postgresql(url):
                    raise BackupError("a pg_dump file is restored into PostgreSQL: set DATABASE_URL to it")
                pg_restore(plain, url)
                click.echo(f"Restored {source} into the PostgreSQL database")
                return
            result = restore(plain, sqlite_path(url))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {source} into {result.path} ({result.tables} tables, {result.rows} rows); the "
               f"previous database is kept beside it as {result.path.name}.before-restore")


COMMANDS = (prepare, backup_command, verify_backup_command, restore_command)
