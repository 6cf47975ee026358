"""The demo's own commands, kept out of the app (the runtime never imports ``seed``), on the app's database
(``DATABASE_URL``, else instance/):

    python -m seed demo      load the demo organisation (Huangzhou District) into an empty database
    python -m seed prepare   bring the schema up to date, then load the demo if the database is empty
                             (what ``python3 dev.py run`` does)
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from scheduler_app import create_app
from scheduler_app.cli.database import database_is_empty
from scheduler_app.extensions import db
from scheduler_app.models import User
from seed.history import load_demo_with_history

DEMO_PASSWORD = "peiban-demo"  # noqa: S105 - the public demo's password, printed for whoever runs the demo


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False, load_dotenv=False)
def cli() -> None:
    """Peiban's demo data."""


def _load() -> None:
    org = load_demo_with_history()
    users = db.session.execute(db.select(User.username).where(User.organisation_id == org.id)).scalars()
    click.echo(f"Demo data loaded: {org.name}. Logins: {', '.join(users)} (password: {DEMO_PASSWORD})")


@cli.command("demo")
@with_appcontext
def demo() -> None:
    """Load the demo organisation into an empty database (refused when it holds data)."""
    if not database_is_empty():
        raise click.ClickException("The database already holds data; the demo loads only into an empty one.")
    _load()


@cli.command("prepare")
@with_appcontext
def prepare() -> None:
    """Migrate the database, then load the demo if it is empty."""
    upgrade()
    if database_is_empty():
        _load()
    click.echo("Database ready.")


if __name__ == "__main__":
    cli()
