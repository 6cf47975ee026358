"""Commands for the database itself: prepare (migrate), backup and restore (SQLite; PostgreSQL uses pg_dump)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from scheduler_app.backup import BackupError, backup, default_target, restore, sqlite_path
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


@click.command("backup")
@click.option("--to", "target", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The backup file (default: instance/backups/peiban-<UTC time>.sqlite3).")
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Copy the live SQLite database to a backup file and check the copy (safe while the app runs)."""
    try:
        database = sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
        result = backup(database, target or default_target(database))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written and checked: {result.path} ({result.size_bytes} bytes, {result.tables} "
               f"tables, {result.rows} rows)")


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm: everything saved since the backup is replaced.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the SQLite database's contents with a checked backup (the app may keep running: it waits for
    the restore, then goes on with the restored contents)."""
    if not yes:
        raise click.UsageError("Everything saved since the backup will be replaced (the current contents are "
                               "kept as <database>.before-restore): run again with --yes.")
    try:
        db.engine.dispose()  # this command's own connections must not hold the old contents
        result = restore(source, sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"]))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {source} into {result.path} ({result.tables} tables, {result.rows} rows); the "
               f"previous database is kept beside it as {result.path.name}.before-restore")


COMMANDS = (prepare, backup_command, restore_command)
