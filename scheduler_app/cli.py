"""Flask CLI commands: create organisations and their admins, load the demo data, prepare, back up and restore a
database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_migrate import upgrade

from scheduler_app.extensions import db
from scheduler_app.models import Organisation, Role, User


def database_is_empty() -> bool:
    """True when no organisation exists yet."""
    return db.session.execute(db.select(Organisation.id).limit(1)).first() is None


def _create_admin(org: Organisation, username: str) -> None:
    """Create the organisation's admin account and print its first password once; nothing is kept on failure."""
    from scheduler_app.admin.services import AccountError, create_user
    try:
        user, password = create_user(org.id, username, Role.ADMIN, display_name=username)
    except AccountError as exc:  # create_user rolled back, the new organisation with it
        raise click.ClickException(str(exc)) from None
    click.echo(f"Admin account {user.username!r} created for {org.name}.")
    click.echo(f"First password (change it at first login): {password}")


def register(app: Flask) -> None:
    """Attach Peiban's commands to ``flask``."""

    @app.cli.command("create-admin")
    @click.option("--username", default="admin", show_default=True)
    @click.option("--organisation", "organisation_name", default=None,
                  help="The organisation the account belongs to (needed when there are several); on an empty "
                       "database, the organisation to create.")
    def create_admin(username: str, organisation_name: str | None) -> None:
        """Create an admin account with a random first password, printed once."""
        from scheduler_app.admin.services import OrganisationNameError, create_organisation

        names = list(db.session.execute(db.select(Organisation.name).order_by(Organisation.name)).scalars())
        if not names:
            if not organisation_name:
                raise click.UsageError("No organisation exists yet: give --organisation NAME.")
            try:
                org = create_organisation(organisation_name)
            except OrganisationNameError as exc:
                raise click.UsageError(str(exc)) from None
        elif organisation_name is None and len(names) > 1:
            raise click.UsageError(f"There are {len(names)} organisations; name one with --organisation: "
                                   + ", ".join(names))
        else:
            org = db.session.execute(db.select(Organisation).where(
                Organisation.name == (organisation_name or names[0]))).scalar_one_or_none()
            if org is None:
                raise click.UsageError(f"No organisation is named {organisation_name!r}; there are: "
                                       + ", ".join(names) + ". A new one is made with create-organisation.")
        _create_admin(org, username)

    @app.cli.command("create-organisation")
    @click.argument("name")
    @click.option("--admin", "username", required=True, help="Username of the new organisation's first admin.")
    def create_organisation_command(name: str, username: str) -> None:
        """Add an organisation to this deployment with its first admin; it sees only its own data."""
        from scheduler_app.admin.services import OrganisationNameError, create_organisation
        try:
            org = create_organisation(name)
        except OrganisationNameError as exc:
            raise click.UsageError(str(exc)) from None
        _create_admin(org, username)

    @app.cli.command("organisations")
    def organisations() -> None:
        """List the organisations on this deployment with their children, volunteers and accounts."""
        from scheduler_app.models import Child, Volunteer

        def count(model: type, org_id: int) -> int:
            return db.session.execute(db.select(db.func.count()).select_from(model)
                                      .where(model.organisation_id == org_id)).scalar_one()

        for org in db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars():
            click.echo(f"{org.name}: {count(Child, org.id)} children, {count(Volunteer, org.id)} volunteers, "
                       f"{count(User, org.id)} accounts")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Load the demo organisation (Huangzhou District) into an empty database."""
        from seed.history import load_demo_with_history

        if not database_is_empty():
            raise click.ClickException("The database already holds data; the demo loads only into an empty one.")
        org = load_demo_with_history()
        users = db.session.execute(db.select(User.username).where(User.organisation_id == org.id)).scalars()
        click.echo(f"Demo data loaded: {org.name}. Logins: {', '.join(users)} (password: peiban-demo)")

    @app.cli.command("scan-warnings")
    def scan_warnings() -> None:
        """Bring every organisation's warning list up to date (for cron; the warnings page scans too)."""
        from scheduler_app.earlywarning.services import scan
        from scheduler_app.models import Organisation

        for org_id, name in db.session.execute(db.select(Organisation.id, Organisation.name)).all():
            click.echo(f"{name}: {scan(org_id)} new warnings")

    @app.cli.command("purge-expired")
    @click.option("--dry-run", is_flag=True, help="List what would be anonymised; change nothing.")
    def purge_expired_command(dry_run: bool) -> None:
        """Anonymise children who left longer ago than their organisation's retention setting (for cron)."""
        import datetime as dt

        from scheduler_app.privacy.services import purge_expired
        for result in purge_expired(dt.date.today(), dry_run=dry_run):
            verb = "would anonymise" if dry_run else "anonymised"
            click.echo(f"{result.organisation} (kept {result.retention_years} years): {verb} "
                       f"{len(result.child_codes)} children {' '.join(result.child_codes)}".rstrip())

    @app.cli.command("solve-worker")
    @click.option("--burst", is_flag=True, help="Solve what is queued, then stop.")
    def solve_worker(burst: bool) -> None:
        """Take solves from the Redis queue and run them (REDIS_URL); start one per core you can give."""
        from rq import Worker

        from scheduler_app.rosters.jobs import solve_queue
        if not app.config["REDIS_URL"]:
            raise click.UsageError("Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) for the web app and the workers.")
        queue = solve_queue(app)
        db.engine.dispose()  # each job makes its own app and connections in the forked work horse
        Worker([queue], connection=queue.connection).work(burst=burst, logging_level="WARNING")

    @app.cli.command("send-messages")
    def send_messages() -> None:
        """Put the reminders, missing-diary requests and digests now due in the outbox, then send every message
        due (for cron, every few minutes; safe to run twice at once)."""
        from scheduler_app.messages.jobs import run_once
        done = run_once()
        click.echo(f"{done.sent} sent, {done.retrying} to try again later, {done.failed} given up")

    @app.cli.command("message-worker")
    @click.option("--burst", is_flag=True, help="Send what is queued, then stop.")
    def message_worker(burst: bool) -> None:
        """Take sender jobs from the Redis queue (REDIS_URL): messages go out as soon as they are put in."""
        from rq import Worker

        from scheduler_app.messages.jobs import message_queue
        if not app.config["REDIS_URL"]:
            raise click.UsageError("Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) for the web app and the workers.")
        queue = message_queue(app)
        db.engine.dispose()  # each job makes its own app and connections in the forked work horse
        Worker([queue], connection=queue.connection).work(burst=burst, logging_level="WARNING")

    @app.cli.command("backup")
    @click.option("--to", "target", type=click.Path(path_type=Path, dir_okay=False), default=None,
                  help="The backup file (default: instance/backups/peiban-<UTC time>.sqlite3).")
    def backup_command(target: Path | None) -> None:
        """Copy the live SQLite database to a backup file and check the copy (safe while the app runs)."""
        from scheduler_app.backup import BackupError, backup, default_target, sqlite_path
        try:
            database = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
            result = backup(database, target or default_target(database))
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Backup written and checked: {result.path} ({result.size_bytes} bytes, {result.tables} "
                   f"tables, {result.rows} rows)")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Confirm: the app and workers are stopped.")
    def restore_command(source: Path, yes: bool) -> None:
        """Replace the SQLite database with a checked backup; stop the app and workers first."""
        from scheduler_app.backup import BackupError, restore, sqlite_path
        if not yes:
            raise click.UsageError("Stop the app and its workers, then run again with --yes.")
        try:
            db.engine.dispose()  # this command's own connections must not hold the old file
            result = restore(source, sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"]))
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Restored {source} into {result.path} ({result.tables} tables, {result.rows} rows); the "
                   f"previous database is kept beside it as {result.path.name}.before-restore")

    @app.cli.command("prepare")
    @click.option("--demo/--no-demo", default=True, show_default=True,
                  help="Load the demo data when the database is empty.")
    def prepare(demo: bool) -> None:
        """Bring the schema up to date with the migrations, then load the demo data if asked and empty."""
        from seed.history import load_demo_with_history

        upgrade()
        if demo and database_is_empty():
            load_demo_with_history()
            click.echo("Demo data loaded (logins: admin, manager, coordinator, tutor, mother; "
                       "password: peiban-demo).")
        click.echo("Database ready.")
