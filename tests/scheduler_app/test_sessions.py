"""Sessions that keep work: "keep me signed in on this phone" for volunteers, listed under the account and
ended by its owner or an admin; an ordinary session still ends when idle."""

from __future__ import annotations

import re
import time

from scheduler_app.auth.services import SESSION_SEEN, SESSION_STARTED
from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, LoginSession, Role
from tests.conftest import PASSWORD, csrf_token, post_form


def _log_in(app, user, keep: bool):
    client = app.test_client()
    data = {"username": user.username, "password": PASSWORD} | ({"keep": "y"} if keep else {})
    response = post_form(client, "/auth/login", data)
    assert response.status_code == 302
    return client, response


def _session_cookie(response) -> str:
    """The Set-Cookie header of the session cookie (the login also sets the known-browser cookie)."""
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def _idle(client, hours: float) -> None:
    """Make the session look as if its last request was ``hours`` ago (and its login as long ago)."""
    with client.session_transaction() as session:
        session[SESSION_SEEN] = session[SESSION_STARTED] = time.time() - hours * 3600


def test_a_kept_session_outlives_the_idle_and_day_limits(app, make_user) -> None:
    """A volunteer who ticks "keep me signed in" gets a cookie that outlives the browser and is still signed in
    after two idle days; without the tick, two idle hours end the session."""
    user = make_user(Role.VOLUNTEER)
    kept, response = _log_in(app, user, keep=True)
    assert "Expires=" in _session_cookie(response)
    _idle(kept, 48)
    assert kept.get("/").status_code == 200
    plain, response = _log_in(app, user, keep=False)
    assert "Expires=" not in _session_cookie(response)
    _idle(plain, 2.5)
    assert plain.get("/").status_code == 302
    rows = db.session.execute(db.select(LoginSession.persistent).where(LoginSession.user_id == user.id)).scalars()
    assert sorted(rows) == [False, True]


def test_a_kept_session_is_only_for_volunteers(app, make_user) -> None:
    """A coordinator's tick is ignored: accounts that reach many children's records keep the short session."""
    user = make_user(Role.COORDINATOR)
    client, response = _log_in(app, user, keep=True)
    assert "Expires=" not in _session_cookie(response)
    _idle(client, 2.5)
    assert client.get("/").status_code == 302


def test_the_volunteer_lists_and_ends_her_kept_session(app, make_user) -> None:
    """Her lost phone's kept session is listed on her account page from another browser, marked as kept; she ends
    it there and the lost phone is signed out; the ending is audited."""
    user = make_user(Role.VOLUNTEER)
    lost, _ = _log_in(app, user, keep=True)
    other, _ = _log_in(app, user, keep=False)
    page = other.get("/auth/sessions", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.count("Sign out there") == 2 and "kept signed in" in page and "this browser" in page
    kept_id = db.session.execute(db.select(LoginSession.id).where(LoginSession.user_id == user.id,
                                                                  LoginSession.persistent)).scalar_one()
    ended = other.post(f"/auth/sessions/{kept_id}/end", data={"csrf_token": csrf_token(other, "/auth/sessions")})
    assert ended.status_code == 302
    assert lost.get("/").status_code == 302 and other.get("/").status_code == 200
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "session_ended")).scalar_one()


def test_an_admin_ends_a_volunteers_kept_session(app, make_org, make_user) -> None:
    """An admin sees where a volunteer is signed in and ends it; another organisation's admin cannot (404)."""
    org = make_org()
    user = make_user(Role.VOLUNTEER, org=org)
    phone, _ = _log_in(app, user, keep=True)
    admin, _ = _log_in(app, make_user(Role.ADMIN, org=org), keep=False)
    stranger, _ = _log_in(app, make_user(Role.ADMIN, org=make_org()), keep=False)
    assert stranger.get(f"/admin/users/{user.id}/sessions").status_code == 404
    assert "Sign out there" in admin.get(f"/admin/users/{user.id}/sessions",
                                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    sid = db.session.execute(db.select(LoginSession.id).where(LoginSession.user_id == user.id)).scalar_one()
    refused = stranger.post(f"/admin/users/{user.id}/sessions/{sid}/end",
                            data={"csrf_token": csrf_token(stranger, "/")})
    assert refused.status_code == 404 and phone.get("/").status_code == 200
    assert admin.post(f"/admin/users/{user.id}/sessions/{sid}/end",
                      data={"csrf_token": csrf_token(admin, "/")}).status_code == 302
    assert phone.get("/").status_code == 302


def _slip_password(html: str) -> str:
    match = re.search(r'<strong class="mono">([^<]+)</strong>', html)
    assert match, "no one-time password on the slip"
    return match.group(1)


def test_a_reset_password_is_one_time_and_printed_on_a_slip(app, make_org, make_user) -> None:
    """A coordinator resets a volunteer's forgotten password: the slip shows her username, a one-time password and
    the server's address with its QR code; her old password and her open session stop working; the new one
    logs in straight to choosing her own; the reset is audited."""
    org = make_org()
    volunteer = make_user(Role.VOLUNTEER, org=org)
    phone, _ = _log_in(app, volunteer, keep=True)
    coordinator, _ = _log_in(app, make_user(Role.COORDINATOR, org=org), keep=False)
    slip = coordinator.post(f"/admin/users/{volunteer.id}/reset", data={"csrf_token": csrf_token(coordinator, "/")},
                            headers={"Accept-Language": "en"})
    html = slip.get_data(as_text=True)
    assert slip.status_code == 200 and volunteer.username in html and "http://localhost/" in html and "<svg" in html
    password = _slip_password(html)
    assert phone.get("/").status_code == 302
    from scheduler_app.auth.services import open_sessions
    assert open_sessions(volunteer.id) == []  # listed as ended, not only refused
    old = app.test_client()
    assert post_form(old, "/auth/login", {"username": volunteer.username, "password": PASSWORD}).status_code == 200
    fresh = app.test_client()
    response = post_form(fresh, "/auth/login", {"username": volunteer.username, "password": password})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password")
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "password_reset")).scalar_one()


def test_a_coordinator_resets_only_her_organisations_volunteers(app, make_org, make_user) -> None:
    """A coordinator cannot reset a manager's password (she is told why), nor a volunteer's of another
    organisation (404), and a
    volunteer cannot reset anyone's (403); nothing changes."""
    org = make_org()
    coordinator, _ = _log_in(app, make_user(Role.COORDINATOR, org=org), keep=False)
    manager = make_user(Role.MANAGER, org=org)
    stranger = make_user(Role.VOLUNTEER, org=make_org())
    token = csrf_token(coordinator, "/")
    refused = coordinator.post(f"/admin/users/{manager.id}/reset", data={"csrf_token": token},
                               headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "cannot be reset from your account" in refused.get_data(as_text=True)
    assert coordinator.post(f"/admin/users/{stranger.id}/reset", data={"csrf_token": token}).status_code == 404
    volunteer, _ = _log_in(app, make_user(Role.VOLUNTEER, org=org), keep=False)
    assert volunteer.post(f"/admin/users/{manager.id}/reset",
                          data={"csrf_token": csrf_token(volunteer, "/")}).status_code == 403
    db.session.expire_all()
    assert not any(u.must_change_password for u in (db.session.get(type(manager), manager.id),
                                                    db.session.get(type(stranger), stranger.id)))


def test_logins_for_many_volunteers_at_once_on_one_sheet(app, make_org, make_user, make_volunteer) -> None:
    """The coordinator makes logins for the three active volunteers without one (a taken username gets a number):
    one sheet of three slips; each slip's password logs its volunteer in, straight to choosing her own; pressing
    again makes none."""
    org = make_org()
    make_user(Role.COORDINATOR, org=org, username="m2")  # someone already has the username "m2"
    for code in ("M1", "M2", "M3"):
        make_volunteer(org, code)
    make_volunteer(org, "M4", active=False)
    coordinator, _ = _log_in(app, make_user(Role.COORDINATOR, org=org), keep=False)
    assert "3 active volunteers have no login yet." in coordinator.get(
        "/volunteers/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    sheet = coordinator.post("/volunteers/accounts", data={"csrf_token": csrf_token(coordinator, "/volunteers/")})
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and html.count('class="slip card"') == 3
    usernames = re.findall(r"<dd><strong>([^<]+)</strong></dd>", html)
    passwords = re.findall(r'<strong class="mono">([^<]+)</strong>', html)
    assert usernames == ["m1", "m2-2", "m3"]
    for username, password in zip(usernames, passwords, strict=True):
        response = post_form(app.test_client(), "/auth/login", {"username": username, "password": password})
        assert response.headers["Location"].endswith("/auth/password")
    again = coordinator.post("/volunteers/accounts", data={"csrf_token": csrf_token(coordinator, "/volunteers/")})
    assert again.status_code == 302
