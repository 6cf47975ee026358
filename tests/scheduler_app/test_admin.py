"""Accounts: admins create them with a one-time first password, and disable them."""

from __future__ import annotations

import re

from scheduler_app.extensions import db
from scheduler_app.models import Role, User
from tests.conftest import PASSWORD, post_form

EN = {"Accept-Language": "en"}


def test_admin_creates_an_account_whose_first_password_must_be_changed(app, make_user, login) -> None:
    """The new account's random password is shown once; logging in with it leads to the password page."""
    admin = make_user(Role.ADMIN)
    client = login(admin)
    response = post_form(client, "/admin/users", {"username": "li.coord", "display_name": "李", "role": "coordinator",
                                                   "volunteer_id": "0"}, follow_redirects=True, headers=EN)
    page = response.get_data(as_text=True)
    password = re.search(r"First password \(shown once\): (\S+)</p>", page).group(1)
    assert len(password) >= 12
    user = db.session.execute(db.select(User).where(User.username == "li.coord")).scalar_one()
    assert user.role == Role.COORDINATOR and user.must_change_password and password not in user.password_hash
    assert password not in app.test_client().get("/admin/users").get_data(as_text=True)
    newcomer = app.test_client()
    response = post_form(newcomer, "/auth/login", {"username": "li.coord", "password": password})
    assert response.headers["Location"] == "/auth/password"


def test_volunteer_account_needs_a_volunteer_record(app, make_user, login) -> None:
    """A volunteer account without a linked volunteer record is refused, naming the field."""
    client = login(make_user(Role.ADMIN))
    response = post_form(client, "/admin/users", {"username": "nobody", "role": "volunteer", "volunteer_id": "0"},
                         headers=EN)
    assert "must be linked to a volunteer record" in response.get_data(as_text=True)
    assert db.session.execute(db.select(User).where(User.username == "nobody")).scalar_one_or_none() is None


def test_duplicate_username_is_refused(app, make_user, login) -> None:
    """A username already in use is refused and nothing is created."""
    admin = make_user(Role.ADMIN, username="boss")
    client = login(admin)
    response = post_form(client, "/admin/users", {"username": "boss", "role": "manager", "volunteer_id": "0"},
                         headers=EN)
    assert "already has an account" in response.get_data(as_text=True)
    assert len(db.session.execute(db.select(User)).scalars().all()) == 1


def test_admin_disables_and_reenables_an_account(app, make_user, login) -> None:
    """Disabling an account logs it out and stops logins; enabling lets it in again."""
    admin = make_user(Role.ADMIN)
    coordinator = make_user(Role.COORDINATOR)
    other = app.test_client()
    post_form(other, "/auth/login", {"username": coordinator.username, "password": "correct horse battery"})
    assert other.get("/").status_code == 200
    client = login(admin)
    post_form(client, f"/admin/users/{coordinator.id}/active", {}, page="/admin/users")
    assert other.get("/").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).active is False
    post_form(client, f"/admin/users/{coordinator.id}/active", {}, page="/admin/users")
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).active is True


def test_admin_cannot_disable_an_account_of_another_organisation(app, make_org, make_user, login) -> None:
    """Account ids of another organisation answer 404 and change nothing."""
    admin = make_user(Role.ADMIN)
    stranger = make_user(Role.COORDINATOR, org=make_org(name="别的机构"))
    client = login(admin)
    response = post_form(client, f"/admin/users/{stranger.id}/active", {}, page="/admin/users")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, stranger.id).active is True


def test_create_admin_command_prints_a_random_password(app) -> None:
    """`flask create-admin` makes the organisation and an admin with a random first password."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--username", "root", "--organisation", "黄州区关爱中心"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1].split(": ")[1]
    user = db.session.execute(db.select(User).where(User.username == "root")).scalar_one()
    assert user.role == Role.ADMIN and user.must_change_password
    again = runner.invoke(args=["create-admin", "--username", "root2"])
    assert again.exit_code == 0
    other = db.session.execute(db.select(User).where(User.username == "root2")).scalar_one()
    assert other.organisation_id == user.organisation_id and password not in again.output


def test_admin_withholds_a_permission_within_the_role(app, make_org, make_user, login) -> None:
    """An admin takes the export permission from a coordinator, who is then refused exports; a permission the
    role may not hold (the audit log for a coordinator) is refused when posted, changing nothing."""
    org = make_org()
    coordinator = make_user(Role.COORDINATOR, org=org)
    assert sorted(coordinator.permissions) == ["child_sensitive", "export"]
    client = login(make_user(Role.ADMIN, org=org))
    response = post_form(client, f"/admin/users/{coordinator.id}/permissions",
                         {"permissions": ["child_sensitive", "audit"]})
    assert response.status_code == 200  # the form offers only what the role may hold
    db.session.expire_all()
    assert sorted(db.session.get(User, coordinator.id).permissions) == ["child_sensitive", "export"]
    response = post_form(client, f"/admin/users/{coordinator.id}/permissions", {"permissions": ["child_sensitive"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).permissions == ["child_sensitive"]
    other = app.test_client()
    post_form(other, "/auth/login", {"username": coordinator.username, "password": PASSWORD})
    assert other.get("/data/children/export.csv").status_code == 403
    assert other.get("/audit/").status_code == 403
