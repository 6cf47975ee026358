"""Accounts: admins create them with a one-time first password, and disable them."""

from __future__ import annotations

import datetime as dt
import re

from scheduler_app.extensions import db
from scheduler_app.models import Role, User
from tests.conftest import PASSWORD, post_form
from tests.forms import form_data

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


def _settings_page(client) -> dict[str, str]:
    """The settings form as the browser would send it unchanged (one value per field)."""
    return {k: v[0] for k, v in form_data(client.get("/admin/organisation").get_data(as_text=True)).items()}


def test_admin_saves_settings_that_the_next_roster_uses(app, make_user, login, make_org) -> None:
    """An admin changes the visit length, travel speed and road factor: the next week's roster instance
    carries them, the change is audited with before and after, and another organisation keeps its own."""
    from scheduler_app.contract.instance import build_instance
    from scheduler_app.models import AuditEvent, Organisation

    admin = make_user(Role.ADMIN)
    other = make_org("乙机构")
    client = login(admin)
    form = _settings_page(client) | {"visit_minutes": "45", "speed_kmh": "15", "road_factor": "1.5",
                                     "warn_after_days": "10", "retention_years": "5"}
    response = client.post("/admin/organisation", data=form, follow_redirects=True, headers=EN)
    assert "Settings saved." in response.get_data(as_text=True)
    settings = build_instance(admin.organisation_id, dt.date(2026, 11, 30))["settings"]
    assert settings == {"visit_minutes": 45, "speed_kmh": 15.0, "road_factor": 1.5}
    org = db.session.get(Organisation, admin.organisation_id)
    assert (org.warn_after_days, org.retention_years) == (10, 5)
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "organisation_settings_changed")).scalar_one()
    assert event.detail["before"]["visit_minutes"] == 60 and event.detail["after"]["visit_minutes"] == 45
    assert event.organisation_id == admin.organisation_id
    db.session.refresh(other)
    assert (other.visit_minutes, other.speed_kmh, other.road_factor) == (60, 20.0, 1.35)


def test_setting_out_of_range_names_the_field_and_changes_nothing(app, make_user, login) -> None:
    """A road factor below 1 is refused next to that field; no setting is saved, not even the valid ones."""
    from scheduler_app.models import Organisation

    admin = make_user(Role.ADMIN)
    client = login(admin)
    form = _settings_page(client) | {"visit_minutes": "30", "road_factor": "0.5"}
    response = client.post("/admin/organisation", data=form, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="road_factor-error">Number must be between 1', page)
    db.session.expire_all()
    assert db.session.get(Organisation, admin.organisation_id).visit_minutes == 60


def test_settings_saved_meanwhile_are_not_overwritten(app, make_user, login) -> None:
    """Two admins open the settings; the second to save is told someone else saved, and the first one's
    values stay."""
    from scheduler_app.admin.services import save_settings
    from scheduler_app.models import Organisation

    admin = make_user(Role.ADMIN, locale="en")
    client = login(admin)
    stale = _settings_page(client)
    org = db.session.get(Organisation, admin.organisation_id)
    save_settings(org.id, org.version_id, {"visit_minutes": 90})
    response = client.post("/admin/organisation", data=stale | {"speed_kmh": "30"}, follow_redirects=True)
    assert "Someone else saved the settings" in response.get_data(as_text=True)
    db.session.expire_all()
    org = db.session.get(Organisation, admin.organisation_id)
    assert (org.visit_minutes, org.speed_kmh) == (90, 20.0)
    again = _settings_page(client)
    assert again["visit_minutes"] == "90"


def test_organisation_name_taken_by_another_organisation_is_refused(app, make_user, login, make_org) -> None:
    """Renaming to the name of another organisation on the server is refused on the name field."""
    from scheduler_app.models import Organisation

    admin = make_user(Role.ADMIN)
    make_org("乙机构")
    client = login(admin)
    response = client.post("/admin/organisation", data=_settings_page(client) | {"name": "乙机构"}, headers=EN)
    assert "Another organisation on this server already has this name." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, admin.organisation_id).name != "乙机构"


def test_only_admins_see_the_settings(app, make_user, login) -> None:
    """Coordinators and managers are refused the settings page."""
    client = login(make_user(Role.MANAGER))
    assert client.get("/admin/organisation").status_code == 403


def test_create_organisation_adds_one_with_its_first_admin(app, make_user, make_child) -> None:
    """`flask create-organisation` makes a new organisation and its first admin, who logs in with the printed
    password; `flask organisations` lists both with their own counts."""
    first = make_user(Role.COORDINATOR)
    make_child(first.organisation, "C001")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-organisation", "乙机构", "--admin", "yi.admin"])
    assert result.exit_code == 0, result.output
    password = re.search(r"First password \(change it at first login\): (\S+)", result.output).group(1)
    admin = db.session.execute(db.select(User).where(User.username == "yi.admin")).scalar_one()
    assert admin.organisation.name == "乙机构" and admin.role == Role.ADMIN
    assert admin.organisation_id != first.organisation_id
    listing = runner.invoke(args=["organisations"]).output
    assert "乙机构: 0 children, 0 volunteers, 1 accounts" in listing
    assert f"{first.organisation.name}: 1 children" in listing
    client = app.test_client()
    assert post_form(client, "/auth/login", {"username": "yi.admin", "password": password}).status_code == 302


def test_create_admin_with_several_organisations_must_name_one(app, make_org) -> None:
    """With two organisations, create-admin without --organisation changes nothing and lists them; with an
    unknown name, the same; a taken username creates neither the organisation nor the account."""
    make_org("甲机构")
    make_org("乙机构")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--username", "boss"])
    assert result.exit_code == 2 and "甲机构" in result.output and "乙机构" in result.output
    assert runner.invoke(args=["create-admin", "--username", "boss", "--organisation", "丙"]).exit_code == 2
    assert db.session.execute(db.select(User)).first() is None
    assert runner.invoke(args=["create-admin", "--username", "boss", "--organisation", "乙机构"]).exit_code == 0
    taken = runner.invoke(args=["create-organisation", "丙机构", "--admin", "boss"])
    assert taken.exit_code == 1 and "already has an account" in taken.output
    assert "丙机构" not in runner.invoke(args=["organisations"]).output
    duplicate = runner.invoke(args=["create-organisation", "乙机构", "--admin", "other"])
    assert duplicate.exit_code == 2 and "already exists" in duplicate.output
