"""Commands for organisations and their first admins: create-admin, create-organisation, organisations."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from scheduler_app.admin.services import AccountError, OrganisationNameError, create_organisation, create_user
from scheduler_app.extensions import db
from scheduler_app.models import Child, Organisation, Role, User, Volunteer


def _create_admin(org: Organisation, username: str) -> None:
    """Create the organisation's admin account and print its first password once; nothing is kept on failure."""
    try:
        user, password = create_user(org.id, username, Role.ADMIN, display_name=username)
    except AccountError as exc:  # create_user rolled back, the new organisation with it
        raise click.ClickException(str(exc)) from None
    click.echo(f"Admin account {user.username!r} created for {org.name}.")
    click.echo(f"First password (change it at first login): {password}")


@click.command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--organisation", "organisation_name", default=None,
              help="The organisation the account belongs to (needed when there are several); on an empty "
                   "database, the organisation to create.")
@with_appcontext
def create_admin(username: str, organisation_name: str | None) -> None:
    """Create an admin account with a random first password, printed once."""
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
        found = db.session.execute(db.select(Organisation).where(
            Organisation.name == (organisation_name or names[0]))).scalar_one_or_none()
        if found is None:
            raise click.UsageError(f"No organisation is named {organisation_name!r}; there are: "
                                   + ", ".join(names) + ". A new one is made with create-organisation.")
        org = found
    _create_admin(org, username)


@click.command("create-organisation")
@click.argument("name")
@click.option("--admin", "username", required=True, help="Username of the new organisation's first admin.")
@with_appcontext
def create_organisation_command(name: str, username: str) -> None:
    """Add an organisation to this deployment with its first admin; it sees only its own data."""
    try:
        org = create_organisation(name)
    except OrganisationNameError as exc:
        raise click.UsageError(str(exc)) from None
    _create_admin(org, username)


@click.command("organisations")
@with_appcontext
def organisations() -> None:
    """List the organisations on this deployment with their children, volunteers and accounts."""
    def count(model: type[Child] | type[Volunteer] | type[User], org_id: int) -> int:
        return db.session.execute(db.select(db.func.count()).select_from(model)
                                  .where(model.organisation_id == org_id)).scalar_one()

    for org in db.session.execute(db.select(Organisation).order_by(Organisation.name)).scalars():
        click.echo(f"{org.name}: {count(Child, org.id)} children, {count(Volunteer, org.id)} volunteers, "
                   f"{count(User, org.id)} accounts")


COMMANDS = (create_admin, create_organisation_command, organisations)
